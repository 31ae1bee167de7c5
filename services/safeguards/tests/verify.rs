//! `safeguards events export` and `safeguards verify` as an operator runs them: an export of a
//! store verifies, with the published key pinned or not; one changed byte makes `verify` fail
//! and name the line and the event.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn safeguards(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_safeguards"))
        .args(args)
        .env("SAFEGUARDS_DATA_DIR", dir)
        .env(
            "SAFEGUARDS_SECRET_KEY",
            "a-secret-key-of-at-least-thirty-two-chars",
        )
        .env_remove("SAFEGUARDS_DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn an_export_verifies_on_the_command_line_and_a_changed_byte_is_named() {
    let dir = std::env::temp_dir().join(format!("sg-verify-{}", std::process::id()));
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
    let file = dir.join("events.jsonl");
    std::fs::write(&file, &export.stdout).unwrap();
    let path = file.to_str().unwrap();

    let unpinned = safeguards(&dir, &["verify", path]);
    assert!(unpinned.status.success(), "{}", text(&unpinned));
    assert!(text(&unpinned).contains("pin the published key"));
    // The key to pin, as the file names it (the tests of the server check it is the served one).
    let first_checkpoint: serde_json::Value = String::from_utf8_lossy(&export.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["type"] == "org.safeguards.ledger.checkpoint")
        .unwrap();
    let key = first_checkpoint["data"]["public_key"].as_str().unwrap();
    let pinned = safeguards(&dir, &["verify", path, "--key", key]);
    assert!(pinned.status.success(), "{}", text(&pinned));
    assert!(text(&pinned).contains("verified:"), "{}", text(&pinned));
    let wrong = safeguards(&dir, &["verify", path, "--key", &"ab".repeat(32)]);
    assert!(!wrong.status.success());

    // One byte of the second event's data.
    let original = String::from_utf8(export.stdout.clone()).unwrap();
    let mut lines: Vec<String> = original.lines().map(String::from).collect();
    let second = &mut lines[1];
    let at = second.find("\"data\":{").unwrap() + 9;
    let replacement = if &second[at..=at] == "x" { "y" } else { "x" };
    second.replace_range(at..=at, replacement);
    let id = serde_json::from_str::<serde_json::Value>(&lines[1]).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let broken = safeguards(&dir, &["verify", path]);
    assert!(!broken.status.success());
    let said = text(&broken);
    assert!(said.contains("line 2") && said.contains(&id), "{said}");
    std::fs::remove_dir_all(&dir).ok();
}
