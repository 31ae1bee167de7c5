//! The Safeguards Digest's subscribers: subscribing (open to anyone), the links in mails
//! (confirm, preferences, unsubscribe: the link's token is the credential), and their
//! administration.

use chrono::{DateTime, Utc};
use safeguards_digest::subscriptions::{self as subs, SubscribeRequest};
use safeguards_domain::subscriber::{Frequency, Language, Preferences, SubscriberStatus};
use safeguards_domain::values::{SubscriberId, Title};
use safeguards_infra::contacts;
use serde::Serialize;

use crate::access::{authorize, Action, Caller, Principal};
use crate::error::{AppError, AppResult};
use crate::App;

/// Why a link from a mail did not do what it says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Tampered with, expired or used up: the page says "This link does not work".
    #[error("the link is invalid or has expired")]
    DoesNotWork,
    #[error(transparent)]
    Failed(#[from] AppError),
}

fn link(e: subs::LinkError) -> LinkError {
    match e {
        subs::LinkError::Invalid => LinkError::DoesNotWork,
        subs::LinkError::Failed(e) => LinkError::Failed(e.into()),
    }
}

/// Ask for the digest. Whatever the state of the address, the answer is the same.
pub async fn subscribe(
    app: &App,
    request: SubscribeRequest,
    correlation_id: &str,
) -> AppResult<()> {
    Ok(subs::subscribe(&app.digest, request, correlation_id).await?)
}

/// Confirm a subscription from its link.
pub async fn confirm(app: &App, token: &str, now: DateTime<Utc>) -> Result<(), LinkError> {
    subs::confirm(&app.digest, token, now).await.map_err(link)
}

/// Unsubscribe from a link (twice is fine).
pub async fn unsubscribe(app: &App, token: &str) -> Result<(), LinkError> {
    subs::unsubscribe(&app.digest, token).await.map_err(link)
}

/// What the subscriber a link names chose: countries, principles, language, frequency and
/// display name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chosen {
    pub countries: Vec<String>,
    pub principles: Vec<String>,
    pub language: Language,
    pub frequency: Frequency,
    pub name: Option<String>,
    pub status: Option<SubscriberStatus>,
}

/// The preferences of the subscriber a link names.
pub async fn preferences(app: &App, token: &str) -> Result<Chosen, LinkError> {
    let id = subs::check_unsubscribe_token(&app.digest.settings, token)
        .ok_or(LinkError::DoesNotWork)?
        .to_string();
    let name = contacts::get(app.store.database(), &id)
        .await
        .map_err(AppError::from)?
        .and_then(|c| c.name);
    let model = app.model().await;
    let Some(s) = model.subscribers.get(&id) else {
        return Err(LinkError::DoesNotWork);
    };
    Ok(Chosen {
        countries: s.countries.clone(),
        principles: s.principles.clone(),
        language: s.language,
        frequency: s.frequency,
        name,
        status: Some(s.status),
    })
}

/// Change the preferences and display name of the subscriber a link names (the one way a
/// subscriber's name changes).
pub async fn change_preferences(
    app: &App,
    token: &str,
    preferences: Preferences,
    name: Option<Title>,
) -> Result<(), LinkError> {
    subs::change_preferences(&app.digest, token, preferences)
        .await
        .map_err(link)?;
    let id =
        subs::check_unsubscribe_token(&app.digest.settings, token).ok_or(LinkError::DoesNotWork)?;
    contacts::set_name(
        app.store.database(),
        &id.to_string(),
        name.as_ref().map(|n| n.as_str()),
    )
    .await
    .map_err(AppError::from)?;
    Ok(())
}

/// A subscriber as its administrators see it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct SubscriberOut {
    pub id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    /// `suppressed`: the mail server refused the address for good three digests in a row;
    /// nothing more is sent until the subscriber confirms again.
    pub status: SubscriberStatus,
    pub countries: Vec<String>,
    pub principles: Vec<String>,
    pub language: Language,
    pub frequency: Frequency,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub last_digest_position: Option<i64>,
    pub last_digest_period: Option<String>,
    /// Digests refused for good since the last one delivered.
    pub failures_in_a_row: u32,
}

/// Every subscriber, with address and name (those who may send the digest).
pub async fn list(app: &App, who: &Principal) -> AppResult<Vec<SubscriberOut>> {
    authorize(who, Action::ManageDigest, None)?;
    let contacts = contacts::all(app.store.database()).await?;
    let model = app.model().await;
    Ok(model
        .subscribers
        .values()
        .map(|s| {
            let c = contacts.get(&s.id);
            SubscriberOut {
                id: s.id.clone(),
                email: c.map(|c| c.email.clone()),
                name: c.and_then(|c| c.name.clone()),
                status: s.status,
                countries: s.countries.clone(),
                principles: s.principles.clone(),
                language: s.language,
                frequency: s.frequency,
                confirmed_at: s.confirmed_at,
                last_digest_position: s.last_digest_position,
                last_digest_period: s.last_digest_period.clone(),
                failures_in_a_row: s.failures_in_a_row,
            }
        })
        .collect())
}

/// Erase a subscriber's personal data; the log records the erasure.
pub async fn erase(app: &App, caller: &Caller, id: SubscriberId) -> AppResult<()> {
    authorize(&caller.principal, Action::ManageDigest, None)?;
    Ok(subs::erase(&app.digest, &id.to_string(), &caller.context()).await?)
}

/// The countries subscriber `id` follows (none for an unknown one).
pub async fn countries_of(app: &App, id: &str) -> Vec<safeguards_domain::values::CountryCode> {
    app.model()
        .await
        .subscribers
        .get(id)
        .map(|s| s.countries.clone())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|c| safeguards_domain::values::CountryCode::from_stored(c).ok())
        .collect()
}
