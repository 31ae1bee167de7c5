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
        deserialize_with = "time_in",
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
/// Every event's metadata is read on every replay: the text is looked at where it lies, not
/// copied into a string of its own first.
struct Text<F>(F);

impl<'de, T, F: FnOnce(&str) -> T> serde::de::Visitor<'de> for Text<F> {
    type Value = T;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(v))
    }
}

fn actor_in<'de, D: Deserializer<'de>>(d: D) -> Result<Actor, D::Error> {
    d.deserialize_str(Text(Actor::from_metadata))
}
/// RFC 3339 as the store writes it, by the strict (fast) parser; any other form chrono reads
/// as a time, by the lenient one.
fn time_in<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let parsed = Option::<TimeText>::deserialize(d)?;
    parsed
        .map(|t| t.0)
        .transpose()
        .map_err(serde::de::Error::custom)
}

struct TimeText(Result<DateTime<Utc>, chrono::ParseError>);

impl<'de> Deserialize<'de> for TimeText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(Text(|t: &str| {
            TimeText(
                DateTime::parse_from_rfc3339(t)
                    .or_else(|_| t.parse::<DateTime<chrono::FixedOffset>>())
                    .map(|t| t.with_timezone(&Utc)),
            )
        }))
    }
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

    #[test]
    fn metadata_reads_the_stores_times_lenient_times_and_missing_fields_alike() {
        let at = |t: &str| -> Option<DateTime<Utc>> { Some(t.parse().unwrap()) };
        let read = |text: &str| serde_json::from_str::<Metadata>(text);
        let id = "0b5e3c1e-6f3a-4d0c-9a8e-2f6f1d7c9b10";
        let m = read(&format!(
            r#"{{"actor": "{id}", "correlation_id": "r-1", "time": "2026-12-04T10:00:00.123456Z"}}"#
        ))
        .unwrap();
        assert_eq!(m.actor_id(), id);
        assert_eq!(m.correlation_id, "r-1");
        assert_eq!(m.time, at("2026-12-04T10:00:00.123456Z"));
        // An offset, and the forms only the lenient parser takes.
        for (text, utc) in [
            ("2026-12-04T12:00:00+02:00", "2026-12-04T10:00:00Z"),
            ("2026-12-04 10:00:00Z", "2026-12-04T10:00:00Z"),
            ("2026-12-04T10:00:00 +00:00", "2026-12-04T10:00:00Z"),
        ] {
            let m = read(&format!(r#"{{"time": "{text}"}}"#)).unwrap();
            assert_eq!(m.time, at(utc), "{text}");
        }
        // Missing fields take their defaults; an escaped actor reads as its text.
        assert_eq!(read("{}").unwrap(), Metadata::default());
        assert_eq!(read(r#"{"time": null}"#).unwrap().time, None);
        let escaped = id.replace('0', "\\u0030");
        let m = read(&format!(r#"{{"actor": "{escaped}"}}"#)).unwrap();
        assert_eq!(m.actor_id(), id);
        // What is not a time is refused, not taken for none.
        assert!(read(r#"{"time": "yesterday"}"#).is_err());
        assert!(read(r#"{"time": 5}"#).is_err());
        assert!(read(r#"{"actor": 5}"#).is_err());
    }

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
