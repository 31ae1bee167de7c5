//! Signed action links: one account, one milestone at the version the mail saw, one action,
//! for [`LIFETIME_DAYS`]. The link is its own credential, so it names exactly what it allows and
//! nothing more; whether the account may still act is decided when it is used.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use safeguards_domain::milestone::{MilestoneStatus, MilestoneStep};
use safeguards_domain::values::{AccountId, MilestoneId};
use serde::{Deserialize, Serialize};

use crate::reminders::Due;
use crate::subscriptions::{keyed, signed};
use crate::texts::MailTexts;
use crate::Settings;

/// How long a link works.
pub const LIFETIME_DAYS: i64 = 14;

/// The signature's purpose: an action link is never valid as any other token.
const PURPOSE: &str = "action-link";

/// What a link does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkAction {
    #[serde(rename = "p")]
    Progress,
    #[serde(rename = "b")]
    Block,
    #[serde(rename = "e")]
    Evidence,
    #[serde(rename = "a")]
    Achieve,
}

impl LinkAction {
    pub const ALL: [LinkAction; 4] = [Self::Progress, Self::Block, Self::Evidence, Self::Achieve];

    /// The milestone step the link takes.
    pub fn step(self) -> MilestoneStep {
        match self {
            Self::Progress => MilestoneStep::Progress,
            Self::Block => MilestoneStep::Block,
            Self::Evidence => MilestoneStep::Evidence,
            Self::Achieve => MilestoneStep::Achieve,
        }
    }

    /// Whether the action can be taken on a milestone in `status` (the domain's transition
    /// table, which decides again when the link is used).
    pub fn applies_to(self, status: MilestoneStatus) -> bool {
        self.step().allowed_from(status)
    }

    /// Its words in a mail of language `t`.
    pub fn label(self, t: &MailTexts) -> &'static str {
        match self {
            Self::Progress => t.link_action_progress,
            Self::Block => t.link_action_block,
            Self::Evidence => t.link_action_evidence,
            Self::Achieve => t.link_action_achieve,
        }
    }
}

/// What a link names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkClaims {
    #[serde(rename = "a")]
    pub account: AccountId,
    /// The account's token generation: a revocation or a new password ends its links.
    #[serde(rename = "g")]
    pub generation: u32,
    #[serde(rename = "m")]
    pub milestone: MilestoneId,
    /// The milestone's version when the link was made: the link works only on it.
    #[serde(rename = "v")]
    pub version: u64,
    #[serde(rename = "k")]
    pub action: LinkAction,
    /// Expiry, in seconds since the epoch.
    #[serde(rename = "x")]
    pub expires: i64,
}

impl LinkClaims {
    /// The claims of a link made at `now`.
    pub fn new(
        account: AccountId,
        generation: u32,
        milestone: MilestoneId,
        version: u64,
        action: LinkAction,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            account,
            generation,
            milestone,
            version,
            action,
            expires: (now + chrono::Duration::days(LIFETIME_DAYS)).timestamp(),
        }
    }

    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        self.expires <= now.timestamp()
    }
}

/// The link's token: the claims and their signature, both base64url.
pub fn sign(settings: &Settings, claims: &LinkClaims) -> String {
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
    let mut mac = keyed(&settings.secret_key, PURPOSE);
    hmac::Mac::update(&mut mac, body.as_bytes());
    let sig = URL_SAFE_NO_PAD.encode(hmac::Mac::finalize(mac).into_bytes());
    format!("{body}.{sig}")
}

/// The claims of a token signed by this tracker, whatever their expiry; `None` for anything
/// else (tampered, truncated, signed with another key or for another purpose).
pub fn check(settings: &Settings, token: &str) -> Option<LinkClaims> {
    let (body, sig) = token.split_once('.')?;
    if !signed(&settings.secret_key, PURPOSE, body, sig) {
        return None;
    }
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()
}

/// The correlation id of every event a link records: the same for each use of one link, so a
/// second use can be told from a change by someone else.
pub fn correlation(token: &str) -> String {
    let sig = token.rsplit('.').next().unwrap_or_default();
    format!("link-{}", sig.chars().take(22).collect::<String>())
}

/// The absolute address of a link.
pub fn url(settings: &Settings, token: &str) -> String {
    settings.link(&format!("/act/{token}"))
}

/// The links a mail in language `t` offers `account` (of token `generation`) for milestone
/// `due` as it stands: label and address, in the order of [`LinkAction::ALL`].
pub fn offered(
    settings: &Settings,
    t: &MailTexts,
    account: AccountId,
    generation: u32,
    due: &Due,
    now: DateTime<Utc>,
) -> Vec<(&'static str, String)> {
    LinkAction::ALL
        .into_iter()
        .filter(|a| a.applies_to(due.status))
        .map(|a| {
            let claims = LinkClaims::new(account, generation, due.milestone, due.version, a, now);
            (a.label(t), url(settings, &sign(settings, &claims)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(secret: &str) -> Settings {
        Settings::new(
            "https://tracker.example/".parse().unwrap(),
            "Tracker <t@example.org>".into(),
            secret.into(),
        )
    }

    #[test]
    fn a_link_names_what_it_was_signed_for_and_nothing_else_passes() {
        let s = settings("a-secret-of-enough-length-for-tests");
        let now = Utc::now();
        let claims = LinkClaims::new(
            AccountId::new(),
            2,
            MilestoneId::new(),
            7,
            LinkAction::Evidence,
            now,
        );
        let token = sign(&s, &claims);
        assert_eq!(check(&s, &token), Some(claims.clone()));
        assert!(!claims.expired(now));
        assert!(claims.expired(now + chrono::Duration::days(LIFETIME_DAYS)));

        let (body, sig) = token.split_once('.').unwrap();
        let mut other = claims.clone();
        other.version = 8;
        let forged_body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&other).unwrap());
        assert_eq!(check(&s, &format!("{forged_body}.{sig}")), None);
        assert_eq!(check(&s, &format!("{body}.{}", &sig[1..])), None);
        assert_eq!(check(&s, body), None);
        assert_eq!(
            check(&settings("another-secret-of-enough-length"), &token),
            None
        );
        // An unsubscribe token's signature over the same text is not a link's.
        let unsubscribe = crate::subscriptions::unsubscribe_token(&s, body);
        assert_eq!(check(&s, &unsubscribe), None);
        assert_eq!(correlation(&token), correlation(&token));
        assert_ne!(correlation(&token), correlation(&sign(&s, &other)));
    }

    #[test]
    fn mails_offer_only_the_actions_the_status_allows() {
        use MilestoneStatus::*;
        let s = settings("a-secret-of-enough-length-for-tests");
        let labels = |status| {
            let due = Due {
                title: "Bill tabled".into(),
                country: "KEN".into(),
                due_on: Utc::now().date_naive(),
                overdue: false,
                milestone: MilestoneId::new(),
                version: 1,
                status,
            };
            offered(
                &s,
                crate::texts::mail_texts(safeguards_domain::subscriber::Language::En),
                AccountId::new(),
                0,
                &due,
                Utc::now(),
            )
            .into_iter()
            .map(|(l, _)| l)
            .collect::<Vec<_>>()
        };
        assert_eq!(
            labels(Planned),
            ["Report progress", "Mark blocked", "Add an evidence link"]
        );
        assert_eq!(
            labels(InProgress),
            [
                "Report progress",
                "Mark blocked",
                "Add an evidence link",
                "Mark achieved"
            ]
        );
        assert_eq!(labels(Blocked), ["Add an evidence link"]);
        assert_eq!(labels(Achieved), ["Add an evidence link"]);
        assert!(labels(Verified).is_empty());
        assert!(labels(Cancelled).is_empty());
    }
}
