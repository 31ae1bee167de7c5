//! A stored event as read from the feed, and its payload decoded into the domain's event types.

use chrono::{DateTime, SecondsFormat, Utc};
use safeguards_domain::account::AccountEvent;
use safeguards_domain::commitment::CommitmentEvent;
use safeguards_domain::digest::{DeliveryEvent, DigestEvent};
use safeguards_domain::engagement::EngagementEvent;
use safeguards_domain::milestone::MilestoneEvent;
use safeguards_domain::subscriber::SubscriberEvent;
use safeguards_domain::values::Actor;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// What every event records besides its data: who acted, for which request, and when.
///
/// Stored as `{"actor": "<account id>|system", "correlation_id": "…", "time": "<RFC 3339>"}`;
/// read leniently (a missing field takes its default) like every other recorded fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    #[serde(
        default = "system",
        serialize_with = "actor_out",
        deserialize_with = "actor_in"
    )]
    pub actor: Actor,
    #[serde(default)]
    pub correlation_id: String,
    /// The business time of the event (`None`: the time the row was written).
    #[serde(
        default,
        serialize_with = "time_out",
        skip_serializing_if = "Option::is_none"
    )]
    pub time: Option<DateTime<Utc>>,
}

impl Metadata {
    pub fn new(actor: Actor, correlation_id: impl Into<String>, time: DateTime<Utc>) -> Self {
        Self {
            actor,
            correlation_id: correlation_id.into(),
            time: Some(time),
        }
    }
    /// The actor as recorded: an account id, or `system`.
    pub fn actor_id(&self) -> String {
        self.actor.as_metadata()
    }
}

impl Default for Metadata {
    fn default() -> Self {
        Self {
            actor: Actor::System,
            correlation_id: String::new(),
            time: None,
        }
    }
}

fn system() -> Actor {
    Actor::System
}
fn actor_out<S: Serializer>(actor: &Actor, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&actor.as_metadata())
}
fn actor_in<'de, D: Deserializer<'de>>(d: D) -> Result<Actor, D::Error> {
    Ok(Actor::from_metadata(&String::deserialize(d)?))
}
fn time_out<S: Serializer>(time: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match time {
        Some(t) => s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Micros, true)),
        None => s.serialize_none(),
    }
}

/// One stored event with its global position.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedEvent {
    pub position: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    /// The payload as stored: JSON text, decoded straight into the domain's event types by
    /// [`RecordedEvent::decode`] (no JSON tree on the way).
    pub payload: String,
    pub metadata: Metadata,
    pub recorded_at: DateTime<Utc>,
}

impl RecordedEvent {
    /// The payload as a JSON value (`null` if it does not read).
    pub fn payload_value(&self) -> Value {
        serde_json::from_str(&self.payload).unwrap_or(Value::Null)
    }

    /// The event's own fields: the payload without its `{"<EventType>": …}` wrapper (`null`
    /// for an event without fields, stored as `"<EventType>"`).
    pub fn data(&self) -> Value {
        match self.payload_value() {
            Value::Object(map) if map.len() == 1 => map
                .into_iter()
                .next()
                .map(|(_, v)| v)
                .unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }

    /// The payload as a domain event, upcast from its stored version when that is older.
    /// `None` for aggregates this build does not know.
    pub fn decode(&self) -> Result<Option<DecodedEvent>, serde_json::Error> {
        if self.event_version == safeguards_domain::EVENT_VERSION {
            // The stored text straight into the typed event.
            let mut text = serde_json::Deserializer::from_str(&self.payload);
            let decoded = Self::decode_from(&self.aggregate_type, &mut text)?;
            text.end()?;
            return Ok(decoded);
        }
        let upcast = safeguards_domain::upcast::upcast(
            &self.aggregate_type,
            &self.event_type,
            &self.event_version,
            serde_json::from_str(&self.payload)?,
        )
        .map_err(<serde_json::Error as serde::de::Error>::custom)?;
        Self::decode_from(&self.aggregate_type, upcast)
    }

    fn decode_from<'de, D>(aggregate_type: &str, p: D) -> Result<Option<DecodedEvent>, D::Error>
    where
        D: Deserializer<'de>,
    {
        Ok(Some(match aggregate_type {
            "engagement" => DecodedEvent::Engagement(Deserialize::deserialize(p)?),
            "commitment" => DecodedEvent::Commitment(Deserialize::deserialize(p)?),
            "milestone" => DecodedEvent::Milestone(Deserialize::deserialize(p)?),
            "account" => DecodedEvent::Account(Deserialize::deserialize(p)?),
            "subscriber" => DecodedEvent::Subscriber(Deserialize::deserialize(p)?),
            "digest" => DecodedEvent::Digest(Deserialize::deserialize(p)?),
            "delivery" => DecodedEvent::Delivery(Deserialize::deserialize(p)?),
            "reminder" => DecodedEvent::Reminder(Deserialize::deserialize(p)?),
            "roster" => DecodedEvent::Roster(Deserialize::deserialize(p)?),
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
    Roster(safeguards_domain::account::roster::RosterEvent),
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
            payload: r#"{"MilestoneStarted": {"note": null}}"#.into(),
            metadata: Metadata::default(),
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

    #[test]
    fn metadata_reads_what_was_stored_and_defaults_what_is_missing() {
        let id = safeguards_domain::values::AccountId::new();
        let stored = serde_json::json!({"actor": id.to_string(), "correlation_id": "req-1",
                                        "time": "2026-11-30T10:00:00.000000Z"});
        let m: Metadata = serde_json::from_value(stored.clone()).unwrap();
        assert_eq!(m.actor, Actor::Account(id));
        assert_eq!(m.correlation_id, "req-1");
        assert_eq!(serde_json::to_value(&m).unwrap(), stored);
        let bare: Metadata = serde_json::from_value(serde_json::json!({})).unwrap();
        assert_eq!(bare, Metadata::default());
    }
}
