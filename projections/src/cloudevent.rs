//! The one envelope in which events leave the tracker: a CloudEvents 1.0 JSON object, for the
//! feed of `/api/v1/events` and the lines of `events export` alike.
//!
//! Besides the CloudEvents attributes it carries extension attributes (lower-case, as the
//! specification wants): `sequence` (the global position), `aggregatetype`, `aggregateid`,
//! `aggregatesequence`, `eventtype`, `eventversion`, `actor` and `correlationid` (and, in an
//! export, `ledgerindex` and `ledgerhash`). `data` holds
//! the event's own fields. An export line of a subscriber's contact (kept outside the log) has
//! only the CloudEvents attributes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::event::{Metadata, RecordedEvent};

/// `source` of every event.
pub const SOURCE: &str = "/safeguards-tracker";

/// One CloudEvents 1.0 object.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CloudEvent {
    pub specversion: String,
    /// `<aggregate type>:<aggregate id>:<sequence>`
    pub id: String,
    pub source: String,
    /// `org.safeguards.<aggregate type>.<event type>`
    #[serde(rename = "type")]
    pub kind: String,
    /// `<aggregate type>/<aggregate id>`
    pub subject: String,
    pub time: DateTime<Utc>,
    pub datacontenttype: String,
    pub data: Value,
    /// The global position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregatetype: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregateid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregatesequence: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eventtype: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eventversion: Option<String>,
    /// The acting account's id, or `system`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlationid: Option<String>,
    /// In an export: the event's index in feed order (see [`crate::ledger`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ledgerindex: Option<u64>,
    /// In an export: the chain's hash after this event, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ledgerhash: Option<String>,
}

impl CloudEvent {
    /// The envelope of a recorded event, with `data` as the reader may see it.
    pub fn of(e: &RecordedEvent, data: Value) -> Self {
        Self {
            specversion: "1.0".into(),
            id: format!("{}:{}:{}", e.aggregate_type, e.aggregate_id, e.sequence),
            source: SOURCE.into(),
            kind: format!("org.safeguards.{}.{}", e.aggregate_type, e.event_type),
            subject: format!("{}/{}", e.aggregate_type, e.aggregate_id),
            time: e.recorded_at,
            datacontenttype: "application/json".into(),
            data,
            sequence: Some(e.position),
            aggregatetype: Some(e.aggregate_type.clone()),
            aggregateid: Some(e.aggregate_id.clone()),
            aggregatesequence: Some(e.sequence),
            eventtype: Some(e.event_type.clone()),
            eventversion: Some(e.event_version.clone()),
            actor: Some(e.metadata.actor_id()),
            correlationid: Some(e.metadata.correlation_id.clone()),
            ledgerindex: None,
            ledgerhash: None,
        }
    }

    /// A line that is not an event of the log (a contact), of type `kind` about `subject`.
    pub fn other(kind: &str, subject: String, time: DateTime<Utc>, data: Value) -> Self {
        Self {
            specversion: "1.0".into(),
            id: format!("{kind}:{subject}"),
            source: SOURCE.into(),
            kind: kind.into(),
            subject,
            time,
            datacontenttype: "application/json".into(),
            data,
            sequence: None,
            aggregatetype: None,
            aggregateid: None,
            aggregatesequence: None,
            eventtype: None,
            eventversion: None,
            actor: None,
            correlationid: None,
            ledgerindex: None,
            ledgerhash: None,
        }
    }

    /// The recorded event an envelope made by [`CloudEvent::of`] (with the whole `data`)
    /// describes; the name of the first missing attribute otherwise. Its position is the one
    /// it had where it came from.
    pub fn to_recorded(&self) -> Result<RecordedEvent, &'static str> {
        let event_type = self.eventtype.clone().ok_or("eventtype")?;
        Ok(RecordedEvent {
            position: self.sequence.unwrap_or(0),
            aggregate_type: self.aggregatetype.clone().ok_or("aggregatetype")?,
            aggregate_id: self.aggregateid.clone().ok_or("aggregateid")?,
            sequence: self.aggregatesequence.ok_or("aggregatesequence")?,
            event_version: self.eventversion.clone().ok_or("eventversion")?,
            // An event without fields is stored as its name alone.
            payload: if self.data.is_null() {
                Value::String(event_type.clone()).to_string()
            } else {
                serde_json::json!({ event_type.as_str(): self.data }).to_string()
            },
            event_type,
            metadata: Metadata {
                actor: safeguards_domain::values::Actor::from_metadata(
                    self.actor.as_deref().ok_or("actor")?,
                ),
                correlation_id: self.correlationid.clone().unwrap_or_default(),
                time: Some(self.time),
            },
            recorded_at: self.time,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_goes_out_and_comes_back_through_the_envelope_unchanged() {
        let time: DateTime<Utc> = "2026-11-30T10:00:00Z".parse().unwrap();
        let e = RecordedEvent {
            position: 42,
            aggregate_type: "milestone".into(),
            aggregate_id: "m-1".into(),
            sequence: 3,
            event_type: "ProgressReported".into(),
            event_version: "1.0".into(),
            payload: serde_json::json!({"ProgressReported": {"percent": 40, "note": null}})
                .to_string(),
            metadata: Metadata::new(safeguards_domain::values::Actor::System, "req-9", time),
            recorded_at: time,
        };
        let line = CloudEvent::of(&e, e.data());
        assert_eq!(line.kind, "org.safeguards.milestone.ProgressReported");
        let text = serde_json::to_string(&line).unwrap();
        let back: CloudEvent = serde_json::from_str(&text).unwrap();
        assert_eq!(back.to_recorded().unwrap(), e);
        let bare = RecordedEvent {
            event_type: "AccountDisabled".into(),
            payload: Value::String("AccountDisabled".into()).to_string(),
            ..e
        };
        let line = CloudEvent::of(&bare, bare.data());
        assert_eq!(line.to_recorded().unwrap(), bare);
        let contact = CloudEvent::other("x", "subscriber/1".into(), time, Value::Null);
        assert_eq!(contact.to_recorded(), Err("eventtype"));
    }
}
