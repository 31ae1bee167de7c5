//! `events export` and `events import`: the whole log as CloudEvents 1.0 JSON lines, in
//! position order, streamed both ways (memory stays flat however long the log).
//!
//! Each event line carries the aggregate type and id, its sequence, the event type and version,
//! the stored payload and the metadata. Subscribers' contact details, which live outside the
//! log, travel as lines of type `org.safeguards.subscriber.contact`. An import goes into an
//! empty store only, in one transaction: a bad line stops it with its number and nothing of the
//! file stays behind.

use std::collections::HashMap;
use std::io::{BufRead, Write};

use chrono::{DateTime, Utc};
use safeguards_infra::{feed, Database};
use safeguards_projections::RecordedEvent;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `type` of a contact line.
pub const CONTACT_TYPE: &str = "org.safeguards.subscriber.contact";

/// One line of the file.
#[derive(Debug, Serialize, Deserialize)]
pub struct Line {
    pub specversion: String,
    pub id: String,
    pub source: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub subject: String,
    pub time: DateTime<Utc>,
    pub datacontenttype: String,
    pub data: Value,
    /// The global position in the store it came from (absent on contact lines).
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

impl Line {
    fn event(e: &RecordedEvent) -> Self {
        Self {
            specversion: "1.0".into(),
            id: format!("{}:{}:{}", e.aggregate_type, e.aggregate_id, e.sequence),
            source: "/safeguards-tracker".into(),
            kind: format!("org.safeguards.{}.{}", e.aggregate_type, e.event_type),
            subject: format!("{}/{}", e.aggregate_type, e.aggregate_id),
            time: e.recorded_at,
            datacontenttype: "application/json".into(),
            data: e.payload.clone(),
            sequence: Some(e.position),
            aggregatetype: Some(e.aggregate_type.clone()),
            aggregateid: Some(e.aggregate_id.clone()),
            aggregatesequence: Some(e.sequence),
            eventtype: Some(e.event_type.clone()),
            eventversion: Some(e.event_version.clone()),
            metadata: Some(e.metadata.clone()),
        }
    }
}

/// Write every event after `after` (and, from the start, every contact) as JSON lines.
/// Returns the number of lines written.
pub async fn export(
    db: &Database,
    after: i64,
    out: &mut impl Write,
    progress: &dyn Fn(u64),
) -> anyhow::Result<u64> {
    let mut written = 0u64;
    let mut position = after;
    loop {
        let batch = feed::read_after(db, position, 5000).await?;
        let Some(last) = batch.last() else { break };
        position = last.position;
        for e in &batch {
            serde_json::to_writer(&mut *out, &Line::event(e))?;
            out.write_all(b"\n")?;
            written += 1;
        }
        progress(written);
    }
    if after == 0 {
        for c in safeguards_digest::contacts::all(db).await?.into_values() {
            let line = Line {
                specversion: "1.0".into(),
                id: format!("contact:{}", c.subscriber_id),
                source: "/safeguards-tracker".into(),
                kind: CONTACT_TYPE.into(),
                subject: format!("subscriber/{}", c.subscriber_id),
                time: Utc::now(),
                datacontenttype: "application/json".into(),
                data: serde_json::json!({"email": c.email, "name": c.name}),
                sequence: None,
                aggregatetype: None,
                aggregateid: None,
                aggregatesequence: None,
                eventtype: None,
                eventversion: None,
                metadata: None,
            };
            serde_json::to_writer(&mut *out, &line)?;
            out.write_all(b"\n")?;
            written += 1;
        }
    }
    out.flush()?;
    Ok(written)
}

/// Why an import stopped. Nothing of the file was applied.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the store is not empty ({0} events): import only into an empty store")]
    NotEmpty(i64),
    #[error("line {line}: {reason}")]
    Line { line: u64, reason: String },
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub events: u64,
    pub contacts: u64,
}

enum Tx<'a> {
    Pg(sqlx::Transaction<'a, sqlx::Postgres>),
    Lite(sqlx::Transaction<'a, sqlx::Sqlite>),
}

const INSERT: &str = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7)";
const CONTACT: &str = "INSERT INTO subscriber_contacts (subscriber_id, email_hash, email, name) VALUES ($1, $2, $3, $4)";

/// Load a file written by [`export`] into an empty store, in one transaction.
pub async fn import(
    db: &Database,
    secret: &str,
    input: impl BufRead,
    progress: &dyn Fn(u64),
) -> Result<Imported, ImportError> {
    let existing = feed::count(db).await.map_err(|e| anyhow::anyhow!(e))?;
    if existing > 0 {
        return Err(ImportError::NotEmpty(existing));
    }
    let mut tx = match db {
        Database::Postgres(p) => Tx::Pg(p.begin().await.map_err(anyhow::Error::from)?),
        Database::Sqlite(p) => Tx::Lite(p.begin().await.map_err(anyhow::Error::from)?),
    };
    let mut last_sequence: HashMap<(String, String), i64> = HashMap::new();
    let mut done = Imported {
        events: 0,
        contacts: 0,
    };
    for (n, raw) in input.lines().enumerate() {
        let number = n as u64 + 1;
        let bad = |reason: String| ImportError::Line {
            line: number,
            reason,
        };
        let raw = raw.map_err(|e| bad(format!("cannot be read: {e}")))?;
        if raw.trim().is_empty() {
            continue;
        }
        let line: Line = serde_json::from_str(&raw)
            .map_err(|e| bad(format!("not a CloudEvents JSON object: {e}")))?;
        if line.specversion != "1.0" {
            return Err(bad(format!("specversion {} is not 1.0", line.specversion)));
        }
        if line.kind == CONTACT_TYPE {
            let id = line
                .subject
                .strip_prefix("subscriber/")
                .ok_or_else(|| bad("a contact without a subscriber".into()))?;
            let email = line.data["email"]
                .as_str()
                .ok_or_else(|| bad("a contact without an e-mail address".into()))?;
            let name = line.data["name"].as_str();
            let hash = safeguards_digest::contacts::email_hash(secret, email);
            let result = match &mut tx {
                Tx::Pg(t) => sqlx::query(CONTACT)
                    .bind(id)
                    .bind(&hash)
                    .bind(email)
                    .bind(name)
                    .execute(&mut **t)
                    .await
                    .map(|_| ()),
                Tx::Lite(t) => sqlx::query(CONTACT)
                    .bind(id)
                    .bind(&hash)
                    .bind(email)
                    .bind(name)
                    .execute(&mut **t)
                    .await
                    .map(|_| ()),
            };
            result.map_err(|e| bad(format!("cannot be stored: {e}")))?;
            done.contacts += 1;
            continue;
        }
        let missing = |f: &str| bad(format!("has no `{f}`"));
        let aggregate_type = line
            .aggregatetype
            .clone()
            .ok_or_else(|| missing("aggregatetype"))?;
        let aggregate_id = line
            .aggregateid
            .clone()
            .ok_or_else(|| missing("aggregateid"))?;
        let sequence = line
            .aggregatesequence
            .ok_or_else(|| missing("aggregatesequence"))?;
        let event_type = line.eventtype.clone().ok_or_else(|| missing("eventtype"))?;
        let event_version = line
            .eventversion
            .clone()
            .ok_or_else(|| missing("eventversion"))?;
        let metadata = line.metadata.clone().ok_or_else(|| missing("metadata"))?;
        let expected = last_sequence
            .get(&(aggregate_type.clone(), aggregate_id.clone()))
            .copied()
            .unwrap_or(0)
            + 1;
        if sequence != expected {
            return Err(bad(format!(
                "{aggregate_type} {aggregate_id} jumps to sequence {sequence}; expected {expected}"
            )));
        }
        let probe = RecordedEvent {
            position: 0,
            aggregate_type: aggregate_type.clone(),
            aggregate_id: aggregate_id.clone(),
            sequence,
            event_type: event_type.clone(),
            event_version: event_version.clone(),
            payload: line.data.clone(),
            metadata: metadata.clone(),
            recorded_at: line.time,
        };
        match probe.decode() {
            Ok(Some(_)) => {}
            Ok(None) => return Err(bad(format!("unknown aggregate type `{aggregate_type}`"))),
            Err(e) => return Err(bad(format!("the {event_type} event does not load: {e}"))),
        }
        let result = match &mut tx {
            Tx::Pg(t) => sqlx::query(INSERT)
                .bind(&aggregate_type)
                .bind(&aggregate_id)
                .bind(sequence)
                .bind(&event_type)
                .bind(&event_version)
                .bind(&line.data)
                .bind(&metadata)
                .execute(&mut **t)
                .await
                .map(|_| ()),
            Tx::Lite(t) => sqlx::query(INSERT)
                .bind(&aggregate_type)
                .bind(&aggregate_id)
                .bind(sequence)
                .bind(&event_type)
                .bind(&event_version)
                .bind(line.data.to_string())
                .bind(metadata.to_string())
                .execute(&mut **t)
                .await
                .map(|_| ()),
        };
        result.map_err(|e| bad(format!("cannot be stored: {e}")))?;
        last_sequence.insert((aggregate_type, aggregate_id), sequence);
        done.events += 1;
        if done.events % 5000 == 0 {
            progress(done.events);
        }
    }
    match tx {
        Tx::Pg(t) => t.commit().await.map_err(anyhow::Error::from)?,
        Tx::Lite(t) => t.commit().await.map_err(anyhow::Error::from)?,
    }
    progress(done.events);
    Ok(done)
}
