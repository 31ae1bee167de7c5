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
use std::path::Path;

use anyhow::Context;
use chrono::Utc;
use ed25519_dalek::SigningKey;
use safeguards_domain::values::Sha256;
use safeguards_infra::evidence::{EvidenceLocation, EvidenceStore, Stored};
use safeguards_infra::lines::{self, LineError, MAX_LINE};
use safeguards_infra::transfer::{Import, ImportedEvent};
use safeguards_infra::{contacts, feed, ledger, Database};
use safeguards_projections::cloudevent::CloudEvent;
use safeguards_projections::ledger::{
    envelope_difference, public_key, Mismatch, Verified, Verifier, CHECKPOINT_TYPE,
};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

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
    let mut head = ledger::catch_up_all(db).await?;
    if let Some(key) = key {
        ledger::sign_head(db, key, Utc::now()).await?;
        // The newest checkpoint covers the head now, or more when another process chained
        // and signed meanwhile: the export ends at it, so that no event it writes is unsigned.
        if let Some(cp) = ledger::last_checkpoint(db).await? {
            if cp.index > head.index {
                if let Some(link) = ledger::at(db, cp.index).await? {
                    head = link;
                }
            }
        }
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
/// `key` (else the key the checkpoints name). Every line must be an event, a checkpoint or a
/// subscriber's contact exactly as [`export`] writes it, at most [`MAX_LINE`] bytes long; every
/// event must be covered by a checkpoint. The first mismatch names its line (and its event).
pub fn verify(
    input: impl BufRead,
    key: Option<&ed25519_dalek::VerifyingKey>,
) -> anyhow::Result<Result<Verified, Mismatch>> {
    let mut verifier = Verifier::default();
    let mut contacts = 0;
    for read in lines::bounded(input, MAX_LINE) {
        let (line, raw) = match read {
            Ok(read) => read,
            Err(LineError::TooLong { line, max }) => {
                return Ok(Err(Mismatch::Line {
                    line,
                    what: format!(
                        "is longer than {max} bytes, the most `verify` reads of a line; an \
                         export writes none so long"
                    ),
                }))
            }
            Err(LineError::NotText { line }) => {
                return Ok(Err(Mismatch::Line {
                    line,
                    what: "is not UTF-8 text".into(),
                }))
            }
            Err(e) => return Err(e.into()),
        };
        let fail = |what: String| Ok(Err(Mismatch::Line { line, what }));
        if raw.trim().is_empty() {
            return fail("is empty; an export writes no empty line".into());
        }
        let value = match serde_json::from_str::<Strict>(&raw) {
            Ok(Strict(v)) => v,
            Err(err) => return fail(format!("does not read as one JSON object: {err}")),
        };
        let Value::Object(attributes) = &value else {
            return fail("is not a JSON object".into());
        };
        let e = match CloudEvent::deserialize(&value) {
            Ok(e) => e,
            Err(err) => return fail(format!("is not a CloudEvents line of an export: {err}")),
        };
        // Attributes the envelope does not have, or `null` where the export leaves one out.
        let known = serde_json::to_value(&e)?;
        if let Some(name) = attributes.keys().find(|k| known.get(k.as_str()).is_none()) {
            return fail(format!(
                "has the attribute `{name}`, which no export line has"
            ));
        }
        let checked = if e.kind == CONTACT_TYPE {
            contact(line, &e).map(|()| contacts += 1)
        } else {
            verifier.line(line, &e)
        };
        if let Err(m) = checked {
            return Ok(Err(m));
        }
    }
    Ok(verifier.finish(key).map(|v| Verified { contacts, ..v }))
}

/// A subscriber's contact line, exactly as [`export`] writes it.
fn contact(line: u64, e: &CloudEvent) -> Result<(), Mismatch> {
    let bad = |what: String| Mismatch::Line { line, what };
    match e.subject.strip_prefix("subscriber/") {
        Some(id) if !id.is_empty() && !id.contains('/') => {}
        _ => {
            return Err(bad(format!(
                "a contact about {:?}, not a subscriber",
                e.subject
            )))
        }
    }
    let fields = e.data.as_object().filter(|d| {
        d.len() == 2
            && d.get("email").is_some_and(Value::is_string)
            && d.get("name").is_some_and(|n| n.is_string() || n.is_null())
    });
    if fields.is_none() {
        return Err(bad(
            "a contact whose `data` is not {\"email\": text, \"name\": text or null}".into(),
        ));
    }
    let expected = CloudEvent::other(CONTACT_TYPE, e.subject.clone(), e.time, e.data.clone());
    match envelope_difference(e, &expected) {
        Some((field, actual, wanted)) => Err(bad(format!(
            "a contact whose `{field}` is {actual}, not {wanted}"
        ))),
        None => Ok(()),
    }
}

/// A JSON value read with every object's keys distinct: a key given twice would let two
/// readers of the same line see different values.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let Strict(v) = map.next_value()?;
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "the key `{key}` is given twice in one object"
                )));
            }
            object.insert(key, v);
        }
        Ok(Value::Object(object))
    }
}

/// `safeguards verify`: the report of a verified export, or an error naming the first
/// mismatch. Without `key` (64 hex characters, or a file holding them) it refuses to run
/// unless `trust_embedded_key` says to check the file against the key it names itself.
pub fn verify_file(
    file: &Path,
    key: Option<&str>,
    trust_embedded_key: bool,
) -> anyhow::Result<String> {
    let key = match key {
        Some(k) => {
            let text = std::fs::read_to_string(k).unwrap_or_else(|_| k.to_string());
            Some(public_key(&text).map_err(|e| anyhow::anyhow!("--key: {e}"))?)
        }
        None if trust_embedded_key => None,
        None => anyhow::bail!(
            "verify needs --key K, the tracker's public key as published at \
             /api/v1/ledger/checkpoints (64 hex characters, or a file holding them); \
             --trust-embedded-key checks the file against the key it names itself instead, \
             which proves only that the file agrees with itself"
        ),
    };
    let reader = std::io::BufReader::new(
        std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?,
    );
    match verify(reader, key.as_ref())? {
        Ok(v) => {
            let mut report = format!(
                "verified: {} events, {} checkpoints, signed through event {} by key {}\n",
                v.events, v.checkpoints, v.signed_through, v.public_key
            );
            if v.contacts > 0 {
                report.push_str(&format!(
                    "{} subscriber contacts: they live outside the log, so no signature \
                     covers them\n",
                    v.contacts
                ));
            }
            if key.is_none() {
                report.push_str(
                    "the key is the one the file names (--trust-embedded-key): pin the \
                     published key with --key to know the file comes from the tracker\n",
                );
            }
            Ok(report)
        }
        Err(m) => anyhow::bail!("{}: does not verify: {m}", file.display()),
    }
}

/// Why an import stopped. Nothing of the file was applied.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the store is not empty ({0} events): import only into an empty store")]
    NotEmpty(i64),
    #[error("line {line}: {reason}")]
    Line { line: u64, reason: String },
    /// A line too long, not text, or not readable.
    #[error(transparent)]
    Unreadable(#[from] LineError),
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
    evidence: &EvidenceStore,
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
    for line in lines::bounded(input, MAX_LINE) {
        let (number, raw) = line?;
        let bad = |reason: String| ImportError::Line {
            line: number,
            reason,
        };
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
        // A document the log names must be in the store the tracker reads (a move between
        // databases keeps the store).
        if let Some(document) = named_document(&event.event_type, &line.data).map_err(bad)? {
            if evidence
                .size_of(&document.sha256)
                .await
                .map_err(anyhow::Error::from)?
                != Some(document.size)
            {
                return Err(bad(format!(
                    "the document “{}” ({}) is not in the evidence store at {}; copy the store first",
                    document.title,
                    document.sha256,
                    evidence.location()
                )));
            }
        }
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
        if done.events.is_multiple_of(5000) {
            progress(done.events);
        }
    }
    import.commit().await.map_err(anyhow::Error::from)?;
    progress(done.events);
    Ok(done)
}

/// The event that attaches a document, by its type.
const DOCUMENT_EVENT: &str = "EvidenceFileAttached";

/// A document an event names: its hash, size and title.
#[derive(Debug, Clone)]
pub struct NamedDocument {
    pub sha256: Sha256,
    pub size: u64,
    pub title: String,
}

/// The document an event of type `event_type` with `data` names, if it attaches one.
fn named_document(event_type: &str, data: &Value) -> Result<Option<NamedDocument>, String> {
    if event_type != DOCUMENT_EVENT {
        return Ok(None);
    }
    let file = &data["file"];
    let sha256 = Sha256::parse(file["sha256"].as_str().unwrap_or_default())
        .map_err(|e| format!("a document's sha256 {e}"))?;
    let size = file["size"].as_u64().ok_or("a document without a size")?;
    let title = file["title"].as_str().unwrap_or_default().to_string();
    Ok(Some(NamedDocument {
        sha256,
        size,
        title,
    }))
}

/// Whether `document` is in `store` with its recorded bytes; `Err` names what is wrong.
async fn check_document(store: &EvidenceStore, document: &NamedDocument) -> anyhow::Result<()> {
    let what = format!("the document “{}” ({})", document.title, document.sha256);
    match store.check(&document.sha256, document.size).await? {
        Stored::Intact => Ok(()),
        Stored::Missing => anyhow::bail!("{what} is missing from {}", store.location()),
        Stored::Differs => anyhow::bail!(
            "{what} differs in {} from the bytes its event recorded",
            store.location()
        ),
    }
}

/// `safeguards verify FILE --evidence DIR|URL`, after the ledger verified: every document the
/// export's events name is in `location` with the bytes whose hash the event (and so the
/// chain) recorded. Names the first line whose document is missing or differs.
pub async fn verify_documents(file: &Path, location: &str) -> anyhow::Result<String> {
    let location =
        EvidenceLocation::parse(location).map_err(|e| anyhow::anyhow!("--evidence: {e}"))?;
    verify_documents_in(file, &EvidenceStore::open_existing(&location)?).await
}

/// [`verify_documents`] against an open store.
pub async fn verify_documents_in(file: &Path, store: &EvidenceStore) -> anyhow::Result<String> {
    let reader = std::io::BufReader::new(
        std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?,
    );
    let mut checked = 0u64;
    for read in lines::bounded(reader, MAX_LINE) {
        let (line, raw) = read?;
        let Ok(e) = serde_json::from_str::<CloudEvent>(&raw) else {
            continue;
        };
        let named = named_document(e.eventtype.as_deref().unwrap_or_default(), &e.data)
            .map_err(|why| anyhow::anyhow!("{}: line {line}: {why}", file.display()))?;
        if let Some(document) = named {
            check_document(store, &document)
                .await
                .map_err(|e| anyhow::anyhow!("{}: line {line}: {e}", file.display()))?;
            checked += 1;
        }
    }
    Ok(format!(
        "{checked} evidence documents match their recorded hashes in {}\n",
        store.location()
    ))
}

/// What `safeguards evidence check` found.
#[derive(Debug, Default)]
pub struct StoreCheck {
    pub recorded: usize,
    /// Documents an event names that are missing or differ: what is wrong with each.
    pub faults: Vec<String>,
    /// Stored files no event names.
    pub unnamed: Vec<String>,
}

/// `safeguards evidence check`: every document the log names, checked in `store`; every
/// stored file no event names, listed.
pub async fn check_store(db: &Database, store: &EvidenceStore) -> anyhow::Result<StoreCheck> {
    let mut recorded: Vec<NamedDocument> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut position = 0;
    loop {
        let batch = feed::read_after(db, position, 5000).await?;
        let Some(last) = batch.last() else { break };
        position = last.position;
        for e in batch.iter().filter(|e| e.event_type == DOCUMENT_EVENT) {
            let payload: Value = serde_json::from_str(&e.payload)?;
            if let Some(d) = named_document(&e.event_type, &payload[DOCUMENT_EVENT])
                .map_err(anyhow::Error::msg)?
            {
                if seen.insert(d.sha256.clone()) {
                    recorded.push(d);
                }
            }
        }
    }
    let mut check = StoreCheck {
        recorded: recorded.len(),
        ..StoreCheck::default()
    };
    for document in &recorded {
        if let Err(e) = check_document(store, document).await {
            check.faults.push(e.to_string());
        }
    }
    let named: std::collections::HashSet<&str> = seen.iter().map(Sha256::as_str).collect();
    for (name, _) in store.list().await? {
        if !named.contains(name.as_str()) {
            check.unnamed.push(name);
        }
    }
    Ok(check)
}
