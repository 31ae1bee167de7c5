use chrono::{DateTime, Utc};

use super::Preferences;

/// What the digest's delivery tells a subscriber about its address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// A digest was accepted by the mail server.
    Delivered,
    /// A digest was refused for good (SMTP 5xx).
    PermanentFailure,
}

/// What may be asked of a subscriber.
#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum SubscriberCommand {
    /// Ask for the digest; a confirmation token (only its hash is kept) is sent by mail.
    Request {
        preferences: Preferences,
        token_hash: String,
        expires_at: DateTime<Utc>,
    },
    Confirm {
        token_hash: String,
        now: DateTime<Utc>,
    },
    ChangePreferences(Preferences),
    Unsubscribe,
    Erase,
    /// Count a delivery's outcome towards suppressing the address.
    RecordDelivery(DeliveryOutcome),
}
