use chrono::{DateTime, Utc};

use crate::values::CountryCode;

use super::Language;

/// What may be asked of a subscriber.
#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum SubscriberCommand {
    /// Ask for the digest; a confirmation token (only its hash is kept) is sent by mail.
    Request {
        countries: Vec<CountryCode>,
        language: Language,
        token_hash: String,
        expires_at: DateTime<Utc>,
    },
    Confirm {
        token_hash: String,
        now: DateTime<Utc>,
    },
    ChangePreferences {
        countries: Vec<CountryCode>,
        language: Language,
    },
    Unsubscribe,
    Erase,
}
