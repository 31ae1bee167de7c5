//! Crashes: `safeguards serve` is killed with SIGKILL five times under a 32-client write load
//! and restarted. Every command that got a 2xx is in the log exactly once, no event comes
//! without a request, and the views of the restarted server equal a rebuild from the log.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use common::load::{progress_in_log, Load};
use common::{safeguards, Server};
use safeguards_app::credentials::Tokens;
use safeguards_tests::{Backend, TestDb};

const SECRET: &str = "crash-test-secret-key-of-enough-length";
const CLIENTS: usize = 32;

/// Kills: 5, or 25 in the long mode (`SAFEGUARDS_LONG=1`).
fn kills() -> usize {
    if std::env::var("SAFEGUARDS_LONG").is_ok_and(|v| v == "1") {
        25
    } else {
        5
    }
}

/// Wait until `/readyz` tells the read model has reached the head of the log.
async fn wait_caught_up(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await {
            let ready = r.status().is_success();
            last = r.text().await.unwrap_or_default();
            let behind = serde_json::from_str::<serde_json::Value>(&last)
                .map(|v| v["projection"]["behind"] == true)
                .unwrap_or(true);
            if ready && !behind {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the read model did not catch up: {last}");
}

async fn crash_under_load(backend: Backend) {
    let t = TestDb::new(backend).await;
    let store = t.store();
    let safeguards_tests::seed::Seeded { admin, milestones } =
        safeguards_tests::seed::started_milestones(&store, "admin@crash.test", CLIENTS).await;
    let dir = std::env::temp_dir().join(format!("sg-crash-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let token = Tokens::new(SECRET).issue(admin, 0, chrono::Utc::now()).0;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let serve = || safeguards(&dir, Some(&t.url), SECRET, "warn");

    let mut sent = Vec::new();
    for round in 0..kills() {
        let mut server = Server::start(serve(), &[]).await;
        let load = Load::start(
            &client,
            &server.base,
            &token,
            &milestones,
            &format!("r{round}-"),
            Duration::from_millis(20),
        );
        tokio::time::sleep(Duration::from_millis(700 + 150 * (round % 5) as u64)).await;
        server.kill(); // SIGKILL
        tokio::time::sleep(Duration::from_millis(100)).await;
        sent.extend(load.stop().await);
    }

    // Restart once more and check.
    let server = Server::start(serve(), &[]).await;
    let base = &server.base;

    let acked: HashSet<&String> = sent
        .iter()
        .filter(|s| s.acknowledged())
        .map(|s| &s.id)
        .collect();
    let lost = sent.iter().filter(|s| s.status.is_none()).count();
    let refused = sent
        .iter()
        .filter(|s| s.status.is_some() && !s.acknowledged())
        .count();
    let requested: HashSet<&String> = sent.iter().map(|s| &s.id).collect();
    let in_log: HashMap<String, usize> = progress_in_log(&t.db, &milestones).await;
    println!(
        "{backend:?}: {} requests over {} kills: {} acknowledged, {lost} without an answer, {refused} refused; {} progress events in the log",
        sent.len(),
        kills(),
        acked.len(),
        in_log.values().sum::<usize>()
    );
    assert!(acked.len() > 100, "the load was too light to mean anything");
    for id in &acked {
        assert_eq!(
            in_log.get(*id),
            Some(&1),
            "acknowledged request {id} is in the log {:?} times",
            in_log.get(*id)
        );
    }
    for (id, n) in &in_log {
        assert!(requested.contains(id), "event without a request: {id}");
        assert_eq!(*n, 1, "{id} was applied {n} times");
    }
    // The restarted server's views equal a rebuild from the log, once it has caught up.
    wait_caught_up(&client, base).await;
    let answer = client
        .get(format!("{base}/api/v1/progress/KEN?milestone_limit=1000"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let body = answer.text().await.unwrap();
    assert!(status.is_success(), "progress answered {status}: {body}");
    let view: serde_json::Value = serde_json::from_str(&body).unwrap();
    let (rebuilt, _) = safeguards_infra::projector::replay(&t.db, i64::MAX, None, |_| {})
        .await
        .unwrap();
    let expected =
        safeguards_projections::views::country(&rebuilt, "KEN", chrono::Utc::now().date_naive())
            .unwrap();
    let expected = serde_json::to_value(expected).unwrap();
    for key in ["milestones", "commitments", "completion"] {
        assert_eq!(view[key], expected[key], "{key}");
    }
    let percents = |v: &serde_json::Value| -> Vec<serde_json::Value> {
        v["commitment_list"][0]["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["percent"].clone())
            .collect()
    };
    assert_eq!(percents(&view), percents(&expected));
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_the_server_under_load_loses_no_acknowledged_command_on_postgres() {
    crash_under_load(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_the_server_under_load_loses_no_acknowledged_command_on_sqlite() {
    crash_under_load(Backend::Sqlite).await;
}
