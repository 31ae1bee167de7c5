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

    /// The payload as a domain event, upcast from its stored version when that is older.
    /// `None` for aggregates this build does not know.
    pub fn decode(&self) -> Result<Option<DecodedEvent>, serde_json::Error> {
        let upcast;
        let p = if self.event_version == safeguards_domain::EVENT_VERSION {
            // Deserialize from the borrowed value: no copy of the payload.
            &self.payload
        } else {
            upcast = safeguards_domain::upcast::upcast(
                &self.aggregate_type,
                &self.event_type,
                &self.event_version,
                self.payload.clone(),
            )
            .map_err(<serde_json::Error as serde::de::Error>::custom)?;
            &upcast
        };
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

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(version: &str) -> RecordedEvent {
        RecordedEvent {
            position: 1,
            aggregate_type: "milestone".into(),
            aggregate_id: "m".into(),
            sequence: 2,
            event_type: "MilestoneStarted".into(),
            event_version: version.into(),
            payload: serde_json::json!({"MilestoneStarted": {"note": null}}),
            metadata: serde_json::json!({}),
            recorded_at: Utc::now(),
        }
    }

    #[test]
    fn events_of_the_current_version_decode_and_unknown_versions_are_refused_by_name() {
        assert!(matches!(
            recorded("1.0").decode(),
            Ok(Some(DecodedEvent::Milestone(_)))
        ));
        let err = recorded("0.1").decode().unwrap_err();
        assert!(err.to_string().contains("no upcaster"), "{err}");
    }
}
