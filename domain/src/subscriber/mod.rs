//! Subscriber: someone who receives the Safeguards Digest. Subscription requested, confirmed
//! (double opt-in), preferences changed (countries, principles, language, frequency),
//! unsubscribed, erased; an address refused for good three digests in a row is suppressed until
//! its subscriber confirms again.
//!
//! The log holds no personal data of a subscriber: the e-mail address and name live in a
//! separate contact table keyed by the subscriber's id, which erasure deletes. The events keep
//! only the pseudonymous id, preferences and hashes of confirmation tokens, so the log replays
//! unchanged after an erasure.

mod aggregate;
mod commands;
mod events;

pub use aggregate::{Subscriber, SubscriberStatus, CONFIRMATION_INTERVAL, CONFIRMATION_LIFETIME};
pub use commands::{DeliveryOutcome, SubscriberCommand};
pub use events::{Digits, Frequency, Language, Preferences, SubscriberEvent, SUPPRESS_AFTER};
