//! `events export` and `events import`: the whole log as CloudEvents 1.0 JSON lines (the
//! envelope of `safeguards_projections::cloudevent`, the same as `/api/v1/events`), in position
//! order, streamed both ways (memory stays flat however long the log).
//!
//! Each event line carries the event's whole data and its metadata. Subscribers' contact
//! details, which live outside the log, travel as lines of type
//! `org.safeguards.subscriber.contact`. An import goes into an empty store only, in one
//! transaction: a bad line stops it with its number and nothing of the file stays behind.

use std::collections::HashMap;
use std::io::{BufRead, Write};

use chrono::Utc;
use safeguards_infra::transfer::{Import, ImportedEvent};
use safeguards_infra::{contacts, feed, Database};
use safeguards_projections::cloudevent::CloudEvent;

/// The `type` of a contact line.
pub const CONTACT_TYPE: &str = "org.safeguards.subscriber.contact";

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
            serde_json::to_writer(&mut *out, &CloudEvent::of(e, e.data().clone()))?;
            out.write_all(b"\n")?;
            written += 1;
        }
        progress(written);
    }
    if after == 0 {
        for c in contacts::all(db).await?.into_values() {
            let line = CloudEvent::other(
                CONTACT_TYPE,
                format!("subscriber/{}", c.subscriber_id),
                Utc::now(),
                serde_json::json!({"email": c.email, "name": c.name}),
            );
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

/// Load a file written by [`export`] into an empty store, in one transaction.
pub async fn import(
    db: &Database,
    secret: &str,
    input: impl BufRead,
    progress: &dyn Fn(u64),
) -> Result<Imported, ImportError> {
    let existing = feed::count(db).await.map_err(anyhow::Error::from)?;
    if existing > 0 {
        return Err(ImportError::NotEmpty(existing));
    }
    let mut import = Import::begin(db).await.map_err(anyhow::Error::from)?;
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
        let line: CloudEvent = serde_json::from_str(&raw)
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
            let hash = contacts::email_hash(secret, email);
            import
                .contact(id, &hash, email, name)
                .await
                .map_err(|e| bad(format!("cannot be stored: {e}")))?;
            done.contacts += 1;
            continue;
        }
        let event = line
            .to_recorded()
            .map_err(|missing| bad(format!("has no `{missing}`")))?;
        let key = (event.aggregate_type.clone(), event.aggregate_id.clone());
        let expected = last_sequence.get(&key).copied().unwrap_or(0) + 1;
        if event.sequence != expected {
            return Err(bad(format!(
                "{} {} jumps to sequence {}; expected {expected}",
                event.aggregate_type, event.aggregate_id, event.sequence
            )));
        }
        match event.decode() {
            Ok(Some(_)) => {}
            Ok(None) => {
                return Err(bad(format!(
                    "unknown aggregate type `{}`",
                    event.aggregate_type
                )))
            }
            Err(e) => {
                return Err(bad(format!(
                    "the {} event does not load: {e}",
                    event.event_type
                )))
            }
        }
        import
            .event(&ImportedEvent {
                aggregate_type: &event.aggregate_type,
                aggregate_id: &event.aggregate_id,
                sequence: event.sequence,
                event_type: &event.event_type,
                event_version: &event.event_version,
                payload: &event.payload,
                metadata: &event.metadata,
            })
            .await
            .map_err(|e| bad(format!("cannot be stored: {e}")))?;
        last_sequence.insert(key, event.sequence);
        done.events += 1;
        if done.events % 5000 == 0 {
            progress(done.events);
        }
    }
    import.commit().await.map_err(anyhow::Error::from)?;
    progress(done.events);
    Ok(done)
}
