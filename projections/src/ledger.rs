//! The verifiable log: each event's hash chained to the one before it in feed order, and
//! checkpoints (an index in that order and the chain's hash there) signed with the server's
//! Ed25519 key, so that anyone holding an export and the public key can check that the record
//! was not rewritten.
//!
//! An event's link covers what an export line carries of it: aggregate, sequence, type,
//! version, payload, actor, correlation and time (to the microsecond, the precision both
//! stores keep). Never its position, which belongs to the store: a log moved to another store
//! keeps its chain, its indexes and the checkpoints signed over them. Subscribers' contact
//! details live outside the log, so erasing one changes no link.

use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::cloudevent::CloudEvent;
use crate::event::RecordedEvent;

/// A chain hash.
pub type Hash = [u8; 32];

/// The hash before the first event.
pub const GENESIS: Hash = [0; 32];

/// `type` of an export line holding a checkpoint.
pub const CHECKPOINT_TYPE: &str = "org.safeguards.ledger.checkpoint";

/// The chain's hash after `event`, the one before being `previous`.
pub fn link(previous: &Hash, event: &RecordedEvent) -> Hash {
    let mut text = Vec::with_capacity(256);
    let fields = [
        Value::from(event.aggregate_type.as_str()),
        Value::from(event.aggregate_id.as_str()),
        Value::from(event.sequence),
        Value::from(event.event_type.as_str()),
        Value::from(event.event_version.as_str()),
    ];
    text.push(b'[');
    for f in &fields {
        canonical(f, &mut text);
        text.push(b',');
    }
    canonical(&event.payload_value(), &mut text);
    for s in [
        event.metadata.actor_id(),
        event.metadata.correlation_id.clone(),
        time_text(event.recorded_at),
    ] {
        text.push(b',');
        canonical(&Value::String(s), &mut text);
    }
    text.push(b']');
    let mut h = Sha256::new();
    h.update(b"safeguards-ledger-v1\n");
    h.update(previous);
    h.update(&text);
    h.finalize().into()
}

/// A time as the chain and the open dataset write it: UTC, to the microsecond.
pub fn time_text(t: DateTime<Utc>) -> String {
    let micros = t.timestamp_micros();
    DateTime::from_timestamp_micros(micros)
        .unwrap_or(t)
        .to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// JSON with object keys sorted and no spaces: one text for one value, whatever order a store
/// kept its keys in.
fn canonical(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push(b'{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical(&Value::String(k.clone()), out);
                out.push(b':');
                canonical(&map[k], out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical(item, out);
            }
            out.push(b']');
        }
        // Scalars: serde_json's own text (escapes and numbers as it writes them).
        scalar => out.extend_from_slice(scalar.to_string().as_bytes()),
    }
}

/// A signed statement: after `index` events the chain's hash was `hash`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// How many events the chain covers (the dataset version of the same moment).
    pub index: u64,
    /// The chain's hash after event `index`, hex.
    pub hash: String,
    pub signed_at: DateTime<Utc>,
    /// Ed25519 signature of [`Checkpoint::message`], hex.
    pub signature: String,
    /// The signing key, hex.
    pub public_key: String,
}

impl Checkpoint {
    /// The text that is signed.
    pub fn message(index: u64, hash: &str, signed_at: DateTime<Utc>) -> String {
        format!(
            "safeguards-ledger-checkpoint-v1\n{index}\n{hash}\n{}",
            time_text(signed_at)
        )
    }

    pub fn sign(key: &SigningKey, index: u64, hash: &Hash, signed_at: DateTime<Utc>) -> Self {
        // Signed at the precision it is stored with, so that it checks after a round trip.
        let signed_at =
            DateTime::from_timestamp_micros(signed_at.timestamp_micros()).unwrap_or(signed_at);
        let hash = hex::encode(hash);
        let signature = key.sign(Self::message(index, &hash, signed_at).as_bytes());
        Self {
            index,
            hash,
            signed_at,
            signature: hex::encode(signature.to_bytes()),
            public_key: hex::encode(key.verifying_key().to_bytes()),
        }
    }

    /// Whether the signature is `key`'s over this checkpoint.
    pub fn check(&self, key: &VerifyingKey) -> Result<(), String> {
        let bytes: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or("its signature is not 64 bytes of hex")?;
        key.verify(
            Self::message(self.index, &self.hash, self.signed_at).as_bytes(),
            &Signature::from_bytes(&bytes),
        )
        .map_err(|_| "its signature does not verify with the key".to_string())
    }
}

/// A public key from its hex text.
pub fn public_key(text: &str) -> Result<VerifyingKey, String> {
    let bytes: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("a public key is 32 bytes of hex (64 characters)")?;
    VerifyingKey::from_bytes(&bytes).map_err(|e| format!("not an Ed25519 public key: {e}"))
}

/// Why an export does not verify: the first thing found wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Mismatch {
    /// An event line is not where, or not what, the chain says.
    #[error("line {line}: event {id} ({what})")]
    Event { line: u64, id: String, what: String },
    /// A checkpoint does not hold for the events read.
    #[error("checkpoint at index {index}: {what}")]
    Checkpoint { index: u64, what: String },
    /// The file says nothing a key signed.
    #[error("{0}")]
    Unsigned(String),
    #[error("line {line}: {what}")]
    Line { line: u64, what: String },
}

/// What a verified export holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub events: u64,
    pub checkpoints: u64,
    /// The highest index a checkpoint covers: every event of a verified export (a file with
    /// events after it does not verify).
    pub signed_through: u64,
    pub public_key: String,
    /// Subscribers' contact lines: outside the log, so no signature covers them.
    pub contacts: u64,
}

/// The first attribute in which `actual` differs from `expected`: its name, then both values
/// as JSON text. Every attribute is compared, extension attributes and `data` included, so a
/// line that reads the same as `expected` to a CloudEvents consumer is the only one that
/// passes.
pub fn envelope_difference(
    actual: &CloudEvent,
    expected: &CloudEvent,
) -> Option<(String, String, String)> {
    let as_map = |e: &CloudEvent| match serde_json::to_value(e) {
        Ok(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let (actual, expected) = (as_map(actual), as_map(expected));
    // The attributes a consumer reads first are named first.
    const FIRST: [&str; 8] = [
        "type",
        "subject",
        "id",
        "source",
        "specversion",
        "time",
        "datacontenttype",
        "data",
    ];
    let rank = |name: &str| FIRST.iter().position(|f| *f == name).unwrap_or(FIRST.len());
    let mut names: Vec<&String> = expected.keys().chain(actual.keys()).collect();
    names.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.cmp(b)));
    names.dedup();
    names.into_iter().find_map(|name| {
        let (a, x) = (actual.get(name), expected.get(name));
        (a != x).then(|| (name.clone(), shown(a), shown(x)))
    })
}

/// A value for a message: its JSON text, cut after 120 characters.
fn shown(v: Option<&Value>) -> String {
    let Some(v) = v else {
        return "absent".into();
    };
    let text = v.to_string();
    match text.char_indices().nth(120) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// Whether `t` has digits below the microsecond, which the chain and the signatures do not
/// cover (both stores keep microseconds, so an export never writes them).
fn finer_than_micros(t: &DateTime<Utc>) -> bool {
    !t.timestamp_subsec_nanos().is_multiple_of(1000)
}

/// Recomputes the chain of an export, line by line, then checks every checkpoint in it.
///
/// Every line it takes must be an event of the log or a checkpoint, each exactly as the
/// export writes it: an envelope attribute that the fields covered by the chain (or by the
/// checkpoint's signature) do not give is a mismatch, and so is an event after the last
/// checkpoint. The exporting store's position (`sequence`) is no part of the chain; it is
/// checked to increase from line to line, as the export writes it.
#[derive(Debug, Default)]
pub struct Verifier {
    chain: Vec<Hash>,
    /// The line of each event of `chain`.
    lines: Vec<u64>,
    checkpoints: Vec<Checkpoint>,
    last_sequence: i64,
}

impl Verifier {
    /// Take line number `line`, an event or a checkpoint; an event that is not what the line
    /// says fails at once.
    pub fn line(&mut self, line: u64, e: &CloudEvent) -> Result<(), Mismatch> {
        if e.kind == CHECKPOINT_TYPE {
            self.checkpoint(line, e)
        } else {
            self.event(line, e)
        }
    }

    fn checkpoint(&mut self, line: u64, e: &CloudEvent) -> Result<(), Mismatch> {
        let bad = |what: String| Mismatch::Line { line, what };
        let cp: Checkpoint = serde_json::from_value(e.data.clone())
            .map_err(|err| bad(format!("a checkpoint that does not read: {err}")))?;
        let data = serde_json::to_value(&cp).map_err(|err| bad(err.to_string()))?;
        let expected = CloudEvent::other(
            CHECKPOINT_TYPE,
            format!("ledger/{}", cp.index),
            cp.signed_at,
            data,
        );
        if let Some((field, actual, wanted)) = envelope_difference(e, &expected) {
            return Err(bad(format!(
                "checkpoint at index {}: `{field}` is {actual}, not {wanted} as the signed \
                 checkpoint gives",
                cp.index
            )));
        }
        if finer_than_micros(&cp.signed_at) {
            return Err(bad(format!(
                "checkpoint at index {}: its time has digits below the microsecond, which the \
                 signature does not cover",
                cp.index
            )));
        }
        self.checkpoints.push(cp);
        Ok(())
    }

    fn event(&mut self, line: u64, e: &CloudEvent) -> Result<(), Mismatch> {
        let event = e.to_recorded().map_err(|missing| Mismatch::Line {
            line,
            what: format!(
                "of type {:?} is not an event of the log (it has no `{missing}`), nor a \
                 checkpoint, nor a subscriber's contact",
                e.kind
            ),
        })?;
        let index = self.chain.len() as u64 + 1;
        let id = e.id.clone();
        let bad = |what: String| Mismatch::Event {
            line,
            id: id.clone(),
            what,
        };
        // The envelope as the export derives it from the fields the chain covers; the
        // attributes no link covers (the position and the line's own place in the chain) are
        // taken as read and checked below.
        let mut expected = CloudEvent::of(&event, event.data());
        expected.sequence = e.sequence;
        expected.ledgerindex = e.ledgerindex;
        expected.ledgerhash = e.ledgerhash.clone();
        if let Some((field, actual, wanted)) = envelope_difference(e, &expected) {
            return Err(bad(format!(
                "`{field}` is {actual}, not {wanted} as the fields the chain covers give"
            )));
        }
        if finer_than_micros(&e.time) {
            return Err(bad(
                "`time` has digits below the microsecond, which the chain does not cover".into(),
            ));
        }
        match e.sequence {
            None => return Err(bad("has no `sequence`".into())),
            Some(s) if s <= self.last_sequence => {
                return Err(bad(format!(
                    "`sequence` {s} does not follow {}: an export writes positions in \
                     increasing order",
                    self.last_sequence
                )))
            }
            Some(s) => self.last_sequence = s,
        }
        if let Some(claimed) = e.ledgerindex {
            if claimed != index {
                return Err(bad(format!(
                    "is event {index} of the file but was event {claimed} of the log: \
                     an event before it is missing, added or moved"
                )));
            }
        }
        let previous = self.chain.last().copied().unwrap_or(GENESIS);
        let hash = link(&previous, &event);
        if let Some(recorded) = &e.ledgerhash {
            if *recorded != hex::encode(hash) {
                return Err(bad(
                    "does not match its recorded hash: its content changed, or the events \
                     before it did"
                        .into(),
                ));
            }
        }
        self.chain.push(hash);
        self.lines.push(line);
        Ok(())
    }

    /// Check every checkpoint read against the chain and `key` (else the key the checkpoints
    /// name, which proves only that the file agrees with itself); every event must be covered
    /// by a checkpoint.
    pub fn finish(self, key: Option<&VerifyingKey>) -> Result<Verified, Mismatch> {
        let Some(first) = self.checkpoints.first() else {
            return Err(Mismatch::Unsigned(
                "the file holds no checkpoint: nothing in it is signed".into(),
            ));
        };
        let trusted = match key {
            Some(k) => *k,
            None => public_key(&first.public_key).map_err(|what| Mismatch::Checkpoint {
                index: first.index,
                what,
            })?,
        };
        let trusted_hex = hex::encode(trusted.to_bytes());
        let mut signed_through = 0;
        let mut previous_good = 0;
        for cp in &self.checkpoints {
            let fail = |what: String| Mismatch::Checkpoint {
                index: cp.index,
                what,
            };
            if cp.public_key != trusted_hex {
                return Err(fail(format!(
                    "signed by key {}, not by {trusted_hex}",
                    cp.public_key
                )));
            }
            cp.check(&trusted).map_err(fail)?;
            let at = usize::try_from(cp.index).unwrap_or(usize::MAX);
            let Some(hash) = at.checked_sub(1).and_then(|i| self.chain.get(i)) else {
                return Err(fail(format!(
                    "covers {} events and the file holds {}: events are missing",
                    cp.index,
                    self.chain.len()
                )));
            };
            if hex::encode(hash) != cp.hash {
                return Err(fail(format!(
                    "the chain does not reach its hash: an event after index {previous_good} \
                     and up to {} was changed, added, removed or moved",
                    cp.index
                )));
            }
            previous_good = previous_good.max(cp.index);
            signed_through = signed_through.max(cp.index);
        }
        let events = self.chain.len() as u64;
        if signed_through < events {
            let line = usize::try_from(signed_through)
                .ok()
                .and_then(|i| self.lines.get(i))
                .copied()
                .unwrap_or(0);
            return Err(Mismatch::Unsigned(format!(
                "line {line}: events {}..{events} come after the last checkpoint (index \
                 {signed_through}): no signature covers them, and an export signs the log's \
                 head before writing it",
                signed_through + 1
            )));
        }
        Ok(Verified {
            events,
            checkpoints: self.checkpoints.len() as u64,
            signed_through,
            public_key: trusted_hex,
            contacts: 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Metadata;
    use safeguards_domain::values::Actor;
    use serde_json::json;

    fn event(n: i64, payload: Value) -> RecordedEvent {
        let time: DateTime<Utc> = "2026-11-30T10:00:00.123456789Z".parse().unwrap();
        RecordedEvent {
            position: n,
            aggregate_type: "milestone".into(),
            aggregate_id: format!("m-{n}"),
            sequence: 1,
            event_type: "ProgressReported".into(),
            event_version: "1.0".into(),
            payload: payload.to_string(),
            metadata: Metadata::new(Actor::System, "req", time),
            recorded_at: time,
        }
    }

    #[test]
    fn a_link_ignores_key_order_position_and_nanoseconds_but_not_content() {
        let a = event(
            1,
            json!({"ProgressReported": {"percent": 40, "note": null}}),
        );
        let reordered = event(
            1,
            json!({"ProgressReported": {"note": null, "percent": 40}}),
        );
        let moved = RecordedEvent {
            position: 99,
            recorded_at: "2026-11-30T10:00:00.123456Z".parse().unwrap(),
            ..a.clone()
        };
        assert_eq!(link(&GENESIS, &a), link(&GENESIS, &reordered));
        assert_eq!(link(&GENESIS, &a), link(&GENESIS, &moved));
        let changed = event(
            1,
            json!({"ProgressReported": {"percent": 41, "note": null}}),
        );
        assert_ne!(link(&GENESIS, &a), link(&GENESIS, &changed));
        assert_ne!(link(&GENESIS, &a), link(&[1; 32], &a));
    }

    /// The export lines of `events`, chained, and a checkpoint signed after `signed` of them.
    fn export(events: &[RecordedEvent], signed: usize, key: &SigningKey) -> Vec<CloudEvent> {
        let mut head = GENESIS;
        let mut lines = Vec::new();
        for (i, e) in events.iter().enumerate() {
            head = link(&head, e);
            let mut line = CloudEvent::of(e, e.data());
            line.ledgerindex = Some(i as u64 + 1);
            line.ledgerhash = Some(hex::encode(head));
            lines.push(line);
        }
        let cp = lines[signed - 1].ledgerhash.clone().unwrap();
        let hash: Hash = hex::decode(cp).unwrap().try_into().unwrap();
        let cp = Checkpoint::sign(key, signed as u64, &hash, Utc::now());
        lines.push(CloudEvent::other(
            CHECKPOINT_TYPE,
            format!("ledger/{}", cp.index),
            cp.signed_at,
            serde_json::to_value(&cp).unwrap(),
        ));
        lines
    }

    fn verify(lines: &[CloudEvent], key: &SigningKey) -> Result<Verified, Mismatch> {
        let mut v = Verifier::default();
        for (n, line) in lines.iter().enumerate() {
            v.line(n as u64 + 1, line)?;
        }
        v.finish(Some(&key.verifying_key()))
    }

    #[test]
    fn the_verifier_refuses_an_envelope_its_chained_fields_do_not_give_and_an_unsigned_tail() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let events: Vec<_> = (1..=3)
            .map(|n| RecordedEvent {
                // As the stores keep it: to the microsecond.
                recorded_at: "2026-11-30T10:00:00.123456Z".parse().unwrap(),
                ..event(n, json!({"ProgressReported": {"percent": n}}))
            })
            .collect();
        let whole = export(&events, 3, &key);
        assert_eq!(verify(&whole, &key).unwrap().signed_through, 3);

        for (field, change) in [
            ("type", json!("org.safeguards.milestone.MilestoneVerified")),
            ("subject", json!("milestone/m-3")),
            ("id", json!("milestone:m-2:2")),
            ("actor", json!("someone")),
            ("time", json!("2026-11-30T10:00:00.123456001Z")),
        ] {
            let mut value = serde_json::to_value(&whole[1]).unwrap();
            value[field] = change;
            let mut lines = whole.clone();
            lines[1] = serde_json::from_value(value).unwrap();
            match verify(&lines, &key) {
                Err(Mismatch::Event { line: 2, what, .. }) => {
                    assert!(what.contains(&format!("`{field}`")), "{field}: {what}")
                }
                other => panic!("{field}: {other:?}"),
            }
        }

        let tail = export(&events, 2, &key);
        match verify(&tail, &key) {
            Err(Mismatch::Unsigned(what)) => {
                assert!(what.starts_with("line 3: events 3..3"), "{what}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_checkpoint_verifies_with_its_key_only() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let other = SigningKey::from_bytes(&[8; 32]);
        let cp = Checkpoint::sign(&key, 3, &[5; 32], Utc::now());
        assert_eq!(cp.check(&key.verifying_key()), Ok(()));
        assert!(cp.check(&other.verifying_key()).is_err());
        let forged = Checkpoint {
            index: 4,
            ..cp.clone()
        };
        assert!(forged.check(&key.verifying_key()).is_err());
        let back: Checkpoint = serde_json::from_str(&serde_json::to_string(&cp).unwrap()).unwrap();
        assert_eq!(back.check(&key.verifying_key()), Ok(()));
    }
}
