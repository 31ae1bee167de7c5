//! Commands an operator runs beside a serving tracker: `safeguards reminders send` sends the
//! week's reminders now, to the focal points not reminded yet, and a second run sends nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{output, safeguards};
use safeguards_domain::values::Role;
use safeguards_tests::app::{TestApp, SECRET};
use safeguards_tests::Backend;

/// `safeguards reminders send` on the store at `database_url`, mail into `dir`'s outbox: what it printed.
fn send_reminders(database_url: &str, dir: &std::path::Path) -> String {
    let mut command = safeguards(dir, Some(database_url), SECRET, "warn");
    command.args(["reminders", "send"]);
    let out = output(command);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    text
}

async fn an_operator_sends_the_weeks_reminders_now_and_nobody_gets_two(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    app.account("fp@ict.go.ke", Role::FocalPoint, &["KEN"])
        .await;
    let ken = app.commitment("KEN").await;
    let soon = (chrono::Utc::now().date_naive() + chrono::Duration::days(3)).to_string();
    app.milestone(&ken, &soon).await;
    let dir = std::env::temp_dir().join(format!("sg-operator-{}", uuid::Uuid::new_v4().simple()));

    // The command reads the tracker as its feed shows it: on PostgreSQL, other tests' open
    // transactions may hold back the last of these writes for a moment.
    safeguards_tests::wait_until_all_visible(&app.db.db).await;
    let first = send_reminders(&app.db.url, &dir);
    assert!(first.contains("reminders: 1 mails sent"), "{first}");
    let outbox: Vec<_> = std::fs::read_dir(dir.join("outbox"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(outbox.len(), 1);
    assert!(outbox[0].contains("fp@ict.go.ke"), "{}", outbox[0]);
    // The scheduler of the serving tracker, or the operator again: nothing more this week.
    let again = send_reminders(&app.db.url, &dir);
    assert!(again.contains("reminders: 0 mails sent"), "{again}");
    let n = safeguards_digest::reminders::send_reminders(&app.digest, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(n, 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

safeguards_tests::on_both_stores!(an_operator_sends_the_weeks_reminders_now_and_nobody_gets_two);

#[test]
fn the_demo_refuses_to_listen_beyond_this_machine() {
    let dir = std::env::temp_dir().join(format!("sg-demo-{}", uuid::Uuid::new_v4().simple()));
    let mut command = safeguards(&dir, None, SECRET, "warn");
    command.args(["serve", "--demo", "--bind", "0.0.0.0:0"]);
    let out = output(command);
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(text.contains("loopback"), "{text}");
    // Refused before anything was loaded or printed: no password went out.
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
