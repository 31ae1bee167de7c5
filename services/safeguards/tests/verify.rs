//! `safeguards events export` and `safeguards verify` as an operator runs them: an export of a
//! store verifies with the published key pinned, or with `--trust-embedded-key`; without
//! either `verify` refuses to run. Whatever it cannot bind to the signed chain fails and is
//! named: one changed byte, a line that is neither an event, a checkpoint nor a contact, an
//! envelope relabelled away from its chained fields, events after the last checkpoint, an
//! attribute no export writes, a key given twice, a line over the bound.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use safeguards_projections::cloudevent::CloudEvent;
use safeguards_projections::ledger::{link, Hash};
use serde_json::{json, Value};

fn safeguards(dir: &Path, args: &[&str]) -> Output {
    let mut command = common::safeguards(
        dir,
        None,
        "a-secret-key-of-at-least-thirty-two-chars",
        "info",
    );
    command.args(args);
    common::output(command)
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A store with two accounts, exported.
struct Exported {
    dir: PathBuf,
    file: PathBuf,
    lines: Vec<String>,
    /// The public key of the data directory's ledger key, hex.
    key: String,
}

impl Exported {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("sg-verify-{}-{name}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        for (email, role) in [("a@example.org", "admin"), ("b@example.org", "viewer")] {
            let o = safeguards(
                &dir,
                &[
                    "account", "create", "--email", email, "--name", "N", "--role", role,
                ],
            );
            assert!(o.status.success(), "{}", text(&o));
        }
        let export = safeguards(&dir, &["events", "export"]);
        assert!(export.status.success(), "{}", text(&export));
        let lines = String::from_utf8(export.stdout)
            .unwrap()
            .lines()
            .map(String::from)
            .collect();
        let seed = std::fs::read_to_string(dir.join("ledger.key")).unwrap();
        let key = safeguards_infra::ledger::signing_key(&seed).unwrap();
        Self {
            file: dir.join("events.jsonl"),
            dir,
            lines,
            key: hex::encode(key.verifying_key().to_bytes()),
        }
    }

    /// The line numbers (from 1) of the events.
    fn event_lines(&self) -> Vec<usize> {
        (1..=self.lines.len())
            .filter(|n| self.json(*n).get("eventtype").is_some())
            .collect()
    }

    fn json(&self, line: usize) -> Value {
        serde_json::from_str(&self.lines[line - 1]).unwrap()
    }

    /// `verify` over `lines` written to the file, with `args` after the file's path.
    fn verify(&self, lines: &[String], args: &[&str]) -> Output {
        std::fs::write(&self.file, lines.join("\n") + "\n").unwrap();
        let mut all = vec!["verify", self.file.to_str().unwrap()];
        all.extend_from_slice(args);
        safeguards(&self.dir, &all)
    }

    fn pinned(&self, lines: &[String]) -> Output {
        self.verify(lines, &["--key", &self.key])
    }
}

impl Drop for Exported {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// `verify` failed, and said all of `words`.
fn refused(o: &Output, words: &[&str]) {
    let said = text(o);
    assert!(!o.status.success(), "verified: {said}");
    for w in words {
        assert!(said.contains(w), "{w:?} not in: {said}");
    }
}

#[test]
fn an_export_verifies_on_the_command_line_and_a_changed_byte_is_named() {
    let x = Exported::new("genuine");
    let pinned = x.pinned(&x.lines);
    assert!(pinned.status.success(), "{}", text(&pinned));
    assert!(text(&pinned).contains("verified:"), "{}", text(&pinned));
    let embedded = x.verify(&x.lines, &["--trust-embedded-key"]);
    assert!(embedded.status.success(), "{}", text(&embedded));
    assert!(text(&embedded).contains("pin the published key"));
    let wrong = x.verify(&x.lines, &["--key", &"ab".repeat(32)]);
    assert!(!wrong.status.success());

    // One byte of the second event's data.
    let mut lines = x.lines.clone();
    let second = &mut lines[1];
    let at = second.find("\"data\":{").unwrap() + 9;
    let replacement = if &second[at..=at] == "x" { "y" } else { "x" };
    second.replace_range(at..=at, replacement);
    let id = x.json(2)["id"].as_str().unwrap().to_string();
    refused(&x.pinned(&lines), &["line 2", &id]);
}

#[test]
fn without_a_key_verify_fails_unless_told_to_trust_the_key_the_file_names() {
    let x = Exported::new("nokey");
    refused(&x.verify(&x.lines, &[]), &["--key", "--trust-embedded-key"]);
}

#[test]
fn a_forged_line_without_an_eventtype_is_refused_and_named() {
    let x = Exported::new("noeventtype");
    let last_event = *x.event_lines().last().unwrap();
    let mut lines = x.lines.clone();
    let forged = json!({
        "specversion": "1.0",
        "id": "milestone:m-1:2",
        "source": "/safeguards-tracker",
        "type": "org.safeguards.milestone.MilestoneVerified",
        "subject": "milestone/m-1",
        "time": "2026-11-30T10:00:00Z",
        "datacontenttype": "application/json",
        "data": {"note": "checked"},
    });
    lines.insert(last_event, forged.to_string());
    refused(
        &x.pinned(&lines),
        &[&format!("line {}", last_event + 1), "eventtype"],
    );
}

#[test]
fn an_event_relabelled_in_type_and_subject_is_refused_naming_the_line_and_the_field() {
    let x = Exported::new("relabelled");
    let events = x.event_lines();
    let (first, other) = (events[0], *events.last().unwrap());
    let mut e = x.json(first);
    let kind = e["type"].as_str().unwrap().to_string();
    let relabelled = format!("{}.AccountVerified", kind.rsplit_once('.').unwrap().0);
    e["type"] = json!(relabelled);
    e["subject"] = x.json(other)["subject"].clone();
    assert_ne!(e["subject"], x.json(first)["subject"]);
    let mut lines = x.lines.clone();
    lines[first - 1] = e.to_string();
    refused(&x.pinned(&lines), &[&format!("line {first}"), "`type`"]);

    // The position alone may not go backwards either.
    let mut e = x.json(events[1]);
    e["sequence"] = json!(0);
    let mut lines = x.lines.clone();
    lines[events[1] - 1] = e.to_string();
    refused(
        &x.pinned(&lines),
        &[&format!("line {}", events[1]), "`sequence`"],
    );
}

#[test]
fn a_chained_tail_of_events_after_the_last_checkpoint_is_refused() {
    let x = Exported::new("tail");
    let last_event = *x.event_lines().last().unwrap();
    let genuine: CloudEvent = serde_json::from_str(&x.lines[last_event - 1]).unwrap();
    let mut head: Hash = hex::decode(genuine.ledgerhash.as_ref().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    // Two more events of the same aggregate, each chained as an export chains it.
    let mut lines = x.lines.clone();
    let mut previous = genuine.to_recorded().unwrap();
    for n in 1..=2 {
        let mut forged = previous.clone();
        forged.position += 1;
        forged.sequence += 1;
        head = link(&head, &forged);
        let mut line = CloudEvent::of(&forged, forged.data());
        line.ledgerindex = Some(genuine.ledgerindex.unwrap() + n);
        line.ledgerhash = Some(hex::encode(head));
        lines.insert(
            last_event - 1 + n as usize,
            serde_json::to_string(&line).unwrap(),
        );
        previous = forged;
    }
    refused(
        &x.pinned(&lines),
        &[
            &format!("line {}", last_event + 1),
            "after the last checkpoint",
        ],
    );
}

#[test]
fn an_attribute_no_export_writes_a_key_given_twice_or_an_overlong_line_is_refused() {
    let x = Exported::new("shape");
    let first = x.event_lines()[0];
    let mut e = x.json(first);
    e["verified"] = json!(true);
    let mut lines = x.lines.clone();
    lines[first - 1] = e.to_string();
    refused(&x.pinned(&lines), &[&format!("line {first}"), "`verified`"]);

    // A field of `data` twice: the chain covers the last, another reader may take the first.
    let mut lines = x.lines.clone();
    let data = x.json(first)["data"].clone();
    let field = data.as_object().unwrap().keys().next().unwrap().clone();
    let data_at = lines[first - 1].find("\"data\":{").unwrap() + 8;
    lines[first - 1].insert_str(data_at, &format!("\"{field}\":\"forged\","));
    refused(&x.pinned(&lines), &[&format!("line {first}"), "twice"]);

    let mut lines = x.lines.clone();
    lines.push(format!("{{\"pad\":\"{}\"}}", "x".repeat(1 << 20)));
    refused(
        &x.pinned(&lines),
        &[&format!("line {}", lines.len()), "longer than"],
    );
}
