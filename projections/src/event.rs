//! A stored event as read from the feed, and its payload decoded into the domain's event types.

use chrono::{DateTime, Utc};
use safeguards_domain::account::AccountEvent;
use safeguards_domain::commitment::CommitmentEvent;
use safeguards_domain::digest::{DeliveryEvent, DigestEvent};
use safeguards_domain::engagement::EngagementEvent;
use safeguards_domain::milestone::MilestoneEvent;
use safeguards_domain::subscriber::SubscriberEvent;
use serde::Deserialize;
use serde_json::Value;

/// One stored event with its global position.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedEvent {
    pub position: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: Value,
    pub metadata: Value,
    pub recorded_at: DateTime<Utc>,
}

impl RecordedEvent {
    /// A metadata field (`actor`, `correlation_id`, `time`).
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.metadata.get(key).and_then(Value::as_str)
    }

    /// The payload as a domain event. `None` for aggregates this build does not know.
    pub fn decode(&self) -> Result<Option<DecodedEvent>, serde_json::Error> {
        // Deserialize from a borrowed value: no copy of the payload.
        let p = &self.payload;
        Ok(Some(match self.aggregate_type.as_str() {
            "engagement" => DecodedEvent::Engagement(Deserialize::deserialize(p)?),
            "commitment" => DecodedEvent::Commitment(Deserialize::deserialize(p)?),
            "milestone" => DecodedEvent::Milestone(Deserialize::deserialize(p)?),
            "account" => DecodedEvent::Account(Deserialize::deserialize(p)?),
            "subscriber" => DecodedEvent::Subscriber(Deserialize::deserialize(p)?),
            "digest" => DecodedEvent::Digest(Deserialize::deserialize(p)?),
            "delivery" => DecodedEvent::Delivery(Deserialize::deserialize(p)?),
            "reminder" => DecodedEvent::Reminder(Deserialize::deserialize(p)?),
            _ => return Ok(None),
        }))
    }
}

/// A payload decoded by aggregate type.
#[derive(Debug, Clone, PartialEq)]
pub enum DecodedEvent {
    Engagement(EngagementEvent),
    Commitment(CommitmentEvent),
    Milestone(MilestoneEvent),
    Account(AccountEvent),
    Subscriber(SubscriberEvent),
    Digest(DigestEvent),
    Delivery(DeliveryEvent),
    Reminder(safeguards_domain::reminder::ReminderEvent),
}
