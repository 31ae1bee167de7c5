//! `events export` and `events import`: the whole log as CloudEvents 1.0 JSON lines (the
//! envelope of `safeguards_projections::cloudevent`, the same as `/api/v1/events`), in position
//! order, streamed both ways (memory stays flat however long the log).
//!
//! Each event line carries the event's whole data and its metadata. Subscribers' contact
//! details, which live outside the log, travel as lines of type
//! `org.safeguards.subscriber.contact`; the ledger's signed checkpoints as lines of type
//! `org.safeguards.ledger.checkpoint`, which `safeguards verify` checks the events against.
//! An import goes into an empty store only, in one transaction: a bad line stops it with its
//! number and nothing of the file stays behind.

use std::collections::HashMap;
use std::io::{BufRead, Write};

use anyhow::Context;
use chrono::Utc;
use ed25519_dalek::SigningKey;
use safeguards_infra::transfer::{Import, ImportedEvent};
use safeguards_infra::{contacts, feed, ledger, Database};
use safeguards_projections::cloudevent::CloudEvent;
use safeguards_projections::ledger::{Mismatch, Verified, Verifier, CHECKPOINT_TYPE};

/// The `type` of a contact line.
pub const CONTACT_TYPE: &str = "org.safeguards.subscriber.contact";

/// Write every event after `after` (and, from the start, every contact) as JSON lines, each
/// event with its index and hash in the ledger's chain, then (from the start) the ledger's
/// checkpoints. The chain is brought up to the feed's head first and, with `key`, that head is
/// signed, so a whole export verifies to its last event. Events appended meanwhile are left
/// for the next export. Returns the number of lines written.
pub async fn export(
    db: &Database,
    after: i64,
    key: Option<&SigningKey>,
    out: &mut impl Write,
    progress: &dyn Fn(u64),
) -> anyhow::Result<u64> {
    let head = ledger::catch_up_all(db).await?;
    if let Some(key) = key {
        ledger::sign_head(db, key, Utc::now()).await?;
    }
    let mut written = 0u64;
    let mut position = after;
    'batches: while position < head.position {
        let batch = feed::read_after(db, position, 5000).await?;
        let links = ledger::after(db, position, 5000).await?;
        if batch.is_empty() {
            break;
        }
        for (e, link) in batch.iter().zip(&links) {
            if e.position > head.position {
                break 'batches;
            }
            anyhow::ensure!(
                link.position == e.position,
                "the ledger's row at index {} is for position {}, the feed's event for {}",
                link.index,
                link.position,
                e.position
            );
            let mut line = CloudEvent::of(e, e.data());
            line.ledgerindex = Some(link.index);
            line.ledgerhash = Some(hex::encode(link.hash));
            serde_json::to_writer(&mut *out, &line)?;
            out.write_all(b"\n")?;
            written += 1;
            position = e.position;
        }
        progress(written);
    }
    if after == 0 {
        let mut from = 0;
        loop {
            let page = ledger::checkpoints(db, from, 1000).await?;
            let Some(last) = page.last() else { break };
            from = last.index;
            for cp in page.iter().filter(|c| c.index <= head.index) {
                let line = CloudEvent::other(
                    CHECKPOINT_TYPE,
                    format!("ledger/{}", cp.index),
                    cp.signed_at,
                    serde_json::to_value(cp)?,
                );
                serde_json::to_writer(&mut *out, &line)?;
                out.write_all(b"\n")?;
                written += 1;
            }
        }
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

/// Check an export: recompute the chain line by line and check every checkpoint in it, with
/// `key` (else the key the checkpoints name). The first mismatch names its line and event.
pub fn verify(
    input: impl BufRead,
    key: Option<&ed25519_dalek::VerifyingKey>,
) -> anyhow::Result<Result<Verified, Mismatch>> {
    let mut verifier = Verifier::default();
    for (n, raw) in input.lines().enumerate() {
        let line = n as u64 + 1;
        let raw = raw.with_context(|| format!("reading line {line}"))?;
        if raw.trim().is_empty() {
            continue;
        }
        let e: CloudEvent = match serde_json::from_str(&raw) {
            Ok(e) => e,
            Err(err) => {
                return Ok(Err(Mismatch::Line {
                    line,
                    what: format!("not a CloudEvents JSON object: {err}"),
                }))
            }
        };
        if let Err(m) = verifier.line(line, &e) {
            return Ok(Err(m));
        }
    }
    Ok(verifier.finish(key))
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
        if line.kind == CHECKPOINT_TYPE {
            // Checkpoints are the old server's statements over the same chain; the new one
            // chains the imported log again and signs its own.
            continue;
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
