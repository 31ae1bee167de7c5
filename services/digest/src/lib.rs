//! The Safeguards Digest: subscriptions with double opt-in and one-click unsubscribe, the
//! digest composed per period and recipient, its delivery over SMTP (or to an outbox folder)
//! with retries, and the scheduler that starts it.
//!
//! Exactly one digest per confirmed subscriber and period comes from our own data — one
//! `Delivery` stream per recipient, claimed before sending — never from the scheduler, which
//! may run the same job in several processes at once. This crate depends on the domain,
//! projections and infra crates; it never depends on the HTTP layer.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod compose;
pub mod contacts;
pub mod deliver;
pub mod edition;
pub mod links;
pub mod mailer;
pub mod reminders;
pub mod schedule;
pub mod subscriptions;
pub mod texts;

use std::sync::Arc;

use safeguards_infra::{EventStore, Projector};

pub use mailer::Mailer;

/// What the digest needs from the rest of the tracker.
#[derive(Debug, Clone)]
pub struct DigestService {
    pub store: Arc<EventStore>,
    pub projector: Arc<Projector>,
    pub mailer: Mailer,
    pub settings: Arc<Settings>,
    /// First back-off after a failed delivery; doubled on each attempt.
    pub retry_base: std::time::Duration,
    /// The web editions lately made.
    pub editions: Arc<edition::Editions>,
    /// What may be told to [`compose::Audience::Anyone`]: the tracker's publication rule once
    /// the tracker has put it here, and until then nothing ([`compose::Withheld`]).
    pub public: Arc<dyn compose::Disclose>,
}

impl DigestService {
    pub fn new(
        store: Arc<EventStore>,
        projector: Arc<Projector>,
        mailer: Mailer,
        settings: Settings,
        retry_base: std::time::Duration,
    ) -> Self {
        Self {
            store,
            projector,
            mailer,
            settings: Arc::new(settings),
            retry_base,
            editions: Arc::default(),
            public: Arc::new(compose::Withheld),
        }
    }

    /// The same, telling [`compose::Audience::Anyone`] what `rule` lets out.
    pub fn with_public(self, rule: Arc<dyn compose::Disclose>) -> Self {
        Self {
            public: rule,
            ..self
        }
    }
}

/// Mail settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Base of every link in mails, ending with `/`.
    pub public_url: url::Url,
    /// `Name <address>` of the sender.
    pub mail_from: String,
    /// Signs confirmation and unsubscribe tokens, and hashes addresses.
    pub secret_key: String,
    /// This process's name in delivery claims.
    pub worker: String,
    /// How long a delivery's claim keeps other runners away; renewed every third of it while
    /// the mail is being sent.
    pub lease: chrono::Duration,
}

impl Settings {
    pub fn new(public_url: url::Url, mail_from: String, secret_key: String) -> Self {
        Self {
            public_url,
            mail_from,
            secret_key,
            worker: format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple()),
            lease: chrono::Duration::minutes(5),
        }
    }

    /// The same, with claims of `lease`.
    pub fn with_lease(self, lease: std::time::Duration) -> Self {
        Self {
            lease: chrono::Duration::from_std(lease).unwrap_or(self.lease),
            ..self
        }
    }

    /// An absolute link to `path` (which starts with `/`).
    pub fn link(&self, path: &str) -> String {
        let base = self.public_url.as_str().trim_end_matches('/');
        format!("{base}{path}")
    }
}

/// Why a digest operation failed.
#[derive(Debug, thiserror::Error)]
pub enum DigestError {
    #[error(transparent)]
    Command(#[from] safeguards_infra::CommandError),
    #[error(transparent)]
    Read(#[from] safeguards_infra::ReadError),
    #[error("rendering a mail: {0}")]
    Render(#[from] askama::Error),
    #[error("building a mail: {0}")]
    Mail(String),
}

impl From<safeguards_domain::DomainError> for DigestError {
    fn from(e: safeguards_domain::DomainError) -> Self {
        Self::Command(e.into())
    }
}
