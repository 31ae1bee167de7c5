//! Subscribing (double opt-in), confirming, unsubscribing in one click, and erasure.
//!
//! Confirmation tokens are random; only their SHA-256 is recorded, with an expiry. Unsubscribe
//! tokens are `<subscriber>.<HMAC>` with the server's key: they never expire and need no login.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use lettre::message::{Mailbox, MultiPart};
use lettre::Message;
use rand::RngCore;
use safeguards_domain::subscriber::{Preferences, Subscriber, SubscriberCommand};
use safeguards_domain::values::{Email, SubscriberId, Title};
use safeguards_domain::DomainError;
use safeguards_infra::{CommandContext, CommandError};
use sha2::{Digest as _, Sha256};

use crate::{contacts, DigestError, DigestService, Settings};

pub use safeguards_domain::subscriber::CONFIRMATION_LIFETIME;

/// A parsed subscription request.
#[derive(Debug, Clone)]
pub struct SubscribeRequest {
    pub email: Email,
    pub name: Option<Title>,
    pub preferences: Preferences,
}

fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The HMAC of one purpose: a token signed for one purpose is never valid for another.
pub(crate) fn keyed(secret: &str, purpose: &str) -> Hmac<Sha256> {
    <Hmac<Sha256> as Mac>::new_from_slice(format!("safeguards-{purpose}:{secret}").as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
}

fn mac(secret: &str, purpose: &str, data: &str) -> String {
    let mut m = keyed(secret, purpose);
    m.update(data.as_bytes());
    URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())
}

/// Whether `sig` (base64url) is the MAC of `data` for `purpose`, compared in constant time
/// through the MAC itself.
pub(crate) fn signed(secret: &str, purpose: &str, data: &str, sig: &str) -> bool {
    let Ok(sig) = URL_SAFE_NO_PAD.decode(sig) else {
        return false;
    };
    let mut m = keyed(secret, purpose);
    m.update(data.as_bytes());
    m.verify_slice(&sig).is_ok()
}

/// The token of a subscriber's unsubscribe links.
pub fn unsubscribe_token(settings: &Settings, subscriber: &str) -> String {
    format!(
        "{subscriber}.{}",
        mac(&settings.secret_key, "unsubscribe", subscriber)
    )
}

/// The subscriber an unsubscribe token names, if its signature is right.
pub fn check_unsubscribe_token(settings: &Settings, token: &str) -> Option<SubscriberId> {
    let (id, sig) = token.trim().split_once('.')?;
    if !signed(&settings.secret_key, "unsubscribe", id, sig) {
        return None;
    }
    SubscriberId::parse(id).ok()
}

/// Ask for the digest. Whatever the state of the address, the caller answers the same; a
/// confirmation mail goes out when the address is new, pending or unsubscribed.
#[tracing::instrument(skip_all)]
pub async fn subscribe(
    svc: &DigestService,
    request: SubscribeRequest,
    correlation_id: &str,
) -> Result<(), DigestError> {
    let db = svc.store.database();
    let hash = contacts::email_hash(&svc.settings.secret_key, request.email.as_str());
    let fresh = SubscriberId::new().to_string();
    let id = contacts::upsert(
        db,
        &fresh,
        &hash,
        request.email.as_str(),
        request.name.as_ref().map(|n| n.as_str()),
    )
    .await?;
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let token = URL_SAFE_NO_PAD.encode(secret);
    let command = SubscriberCommand::Request {
        preferences: request.preferences.clone(),
        token_hash: sha256_hex(token.as_bytes()),
        expires_at: Utc::now() + CONFIRMATION_LIFETIME,
    };
    let ctx = CommandContext::system(correlation_id);
    match svc
        .store
        .execute::<Subscriber>(&id, command, &ctx, None)
        .await
    {
        // Nothing recorded: a link went out less than an hour ago; no second mail.
        Ok(c) if c.events == 0 => Ok(()),
        Ok(_) => {
            let link = svc
                .settings
                .link(&format!("/subscriptions/confirm?token={id}.{token}"));
            let message = confirmation_mail(&svc.settings, &request, &link)?;
            if let Err(e) = svc.mailer.send(message).await {
                tracing::warn!(error = %e, "the confirmation mail could not be sent");
            }
            Ok(())
        }
        // Already confirmed: nothing to do, and nothing to tell.
        Err(CommandError::Domain(DomainError::Conflict(_))) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

fn confirmation_mail(
    settings: &Settings,
    request: &SubscribeRequest,
    link: &str,
) -> Result<Message, DigestError> {
    let to = Mailbox::new(
        request.name.as_ref().map(|n| n.as_str().to_string()),
        request
            .email
            .as_str()
            .parse()
            .map_err(|e| DigestError::Mail(format!("{e}")))?,
    );
    let t = crate::texts::mail_texts(request.preferences.language);
    let text = format!(
        "{}\n\n{}\n\n{link}\n\n{}\n",
        t.confirm_hello, t.confirm_ask, t.confirm_note
    );
    let html = format!(
        "<!doctype html><html lang=\"{}\" dir=\"{}\"><body><p>{}</p><p>{}</p><p><a href=\"{}\">{}</a></p><p>{}</p></body></html>",
        t.lang,
        t.dir,
        t.confirm_hello,
        t.confirm_ask,
        askama::filters::escape(link, askama::filters::Html)
            .map(|e| e.to_string())
            .unwrap_or_default(),
        t.confirm_button,
        t.confirm_note
    );
    Message::builder()
        .from(
            settings
                .mail_from
                .parse()
                .map_err(|e| DigestError::Mail(format!("SAFEGUARDS_MAIL_FROM: {e}")))?,
        )
        .to(to)
        .subject(t.confirm_subject)
        .raw_header(t.content_language())
        .message_id(Some(format!(
            "<confirm.{}@{}>",
            uuid::Uuid::new_v4().simple(),
            host(settings)
        )))
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|e| DigestError::Mail(e.to_string()))
}

/// The host name used in Message-IDs.
pub fn host(settings: &Settings) -> String {
    settings
        .public_url
        .host_str()
        .unwrap_or("localhost")
        .to_string()
}

/// Why a confirmation or unsubscribe link did not work.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("the link is invalid or has expired")]
    Invalid,
    #[error(transparent)]
    Failed(#[from] DigestError),
}

/// Confirm from the link's token (`<subscriber>.<secret>`).
pub async fn confirm(
    svc: &DigestService,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), LinkError> {
    let (id, secret) = token.trim().split_once('.').ok_or(LinkError::Invalid)?;
    SubscriberId::parse(id).map_err(|_| LinkError::Invalid)?;
    let command = SubscriberCommand::Confirm {
        token_hash: sha256_hex(secret.as_bytes()),
        now,
    };
    match svc
        .store
        .execute::<Subscriber>(id, command, &CommandContext::system("confirm"), None)
        .await
    {
        Ok(_) => Ok(()),
        Err(CommandError::Domain(_)) => Err(LinkError::Invalid),
        Err(e) => Err(LinkError::Failed(e.into())),
    }
}

/// Unsubscribe from the token of an unsubscribe link. Unsubscribing twice is fine.
pub async fn unsubscribe(svc: &DigestService, token: &str) -> Result<(), LinkError> {
    let id = check_unsubscribe_token(&svc.settings, token).ok_or(LinkError::Invalid)?;
    match svc
        .store
        .execute::<Subscriber>(
            &id.to_string(),
            SubscriberCommand::Unsubscribe,
            &CommandContext::system("unsubscribe"),
            None,
        )
        .await
    {
        Ok(_) => Ok(()),
        Err(CommandError::Domain(DomainError::Conflict(_))) => Ok(()),
        Err(CommandError::Domain(_)) => Err(LinkError::Invalid),
        Err(e) => Err(LinkError::Failed(e.into())),
    }
}

/// Change the preferences of the subscriber an unsubscribe token names.
pub async fn change_preferences(
    svc: &DigestService,
    token: &str,
    preferences: Preferences,
) -> Result<(), LinkError> {
    let id = check_unsubscribe_token(&svc.settings, token).ok_or(LinkError::Invalid)?;
    let command = SubscriberCommand::ChangePreferences(preferences);
    match svc
        .store
        .execute::<Subscriber>(
            &id.to_string(),
            command,
            &CommandContext::system("preferences"),
            None,
        )
        .await
    {
        Ok(_) => Ok(()),
        Err(CommandError::Domain(_)) => Err(LinkError::Invalid),
        Err(e) => Err(LinkError::Failed(e.into())),
    }
}

/// Erase a subscriber's personal data: the contact row goes, so do the mails to the address
/// waiting in the outbox, and the log records the erasure.
pub async fn erase(svc: &DigestService, id: &str, ctx: &CommandContext) -> Result<(), DigestError> {
    if let Some(contact) = contacts::get(svc.store.database(), id).await? {
        svc.mailer.forget(&contact.email);
    }
    contacts::erase(svc.store.database(), id).await?;
    svc.store
        .execute::<Subscriber>(id, SubscriberCommand::Erase, ctx, None)
        .await?;
    Ok(())
}
