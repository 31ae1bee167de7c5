//! Crashes: `safeguards serve` is killed with SIGKILL five times under a 32-client write load
//! and restarted. Every command that got a 2xx is in the log exactly once, no event comes
//! without a request, and the views of the restarted server equal a rebuild from the log.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use safeguards_app::credentials::Tokens;
use safeguards_infra::feed;
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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(url: &str, dir: &std::path::Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_safeguards"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("SAFEGUARDS_DATABASE_URL", url)
        .env("SAFEGUARDS_DATA_DIR", dir)
        .env("SAFEGUARDS_SECRET_KEY", SECRET)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts")
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await {
            if r.status().is_success() {
                return;
            }
        }
        assert!(Instant::now() < deadline, "the server did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
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
    let dir = std::env::temp_dir().join(format!("sg-crash-{}", uuid_like()));
    std::fs::create_dir_all(&dir).unwrap();
    let token = Tokens::new(SECRET).issue(admin, 0, chrono::Utc::now()).0;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    // request id → Some(status) when answered, None when the answer was lost.
    let sent: Arc<Mutex<HashMap<String, Option<u16>>>> = Arc::default();
    for round in 0..kills() {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut server = start(&t.url, &dir, port);
        wait_ready(&client, &base).await;
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut tasks = Vec::new();
        for (i, m) in milestones.iter().enumerate() {
            let (client, base, token, m, sent, stop) = (
                client.clone(),
                base.clone(),
                token.clone(),
                m.clone(),
                sent.clone(),
                stop.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let mut n = 0u32;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    n += 1;
                    let id = format!("r{round}-c{i}-n{n}");
                    sent.lock().unwrap().insert(id.clone(), None);
                    let r = client
                        .post(format!("{base}/api/v1/milestones/{m}/progress"))
                        .bearer_auth(&token)
                        .header("x-request-id", &id)
                        .json(&serde_json::json!({"percent": n % 101}))
                        .send()
                        .await;
                    match r {
                        Ok(r) => {
                            sent.lock().unwrap().insert(id, Some(r.status().as_u16()));
                        }
                        Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                    }
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(700 + 150 * (round % 5) as u64)).await;
        server.kill().unwrap(); // SIGKILL
        server.wait().unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for task in tasks {
            task.await.unwrap();
        }
    }

    // Restart once more and check.
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(&t.url, &dir, port);
    wait_ready(&client, &base).await;

    let sent = sent.lock().unwrap().clone();
    let acked: HashSet<&String> = sent
        .iter()
        .filter(|(_, s)| s.is_some_and(|s| (200..300).contains(&s)))
        .map(|(k, _)| k)
        .collect();
    let lost = sent.values().filter(|s| s.is_none()).count();
    let refused = sent
        .values()
        .filter(|s| s.is_some_and(|s| !(200..300).contains(&s)))
        .count();
    let mut in_log: HashMap<String, usize> = HashMap::new();
    for m in &milestones {
        for e in feed::history(&t.db, "milestone", m).await.unwrap() {
            if e.event_type == "ProgressReported" {
                *in_log.entry(e.metadata.correlation_id.clone()).or_default() += 1;
            }
        }
    }
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
        assert!(sent.contains_key(id), "event without a request: {id}");
        assert_eq!(*n, 1, "{id} was applied {n} times");
    }
    // The restarted server's views equal a rebuild from the log, once it has caught up.
    wait_caught_up(&client, &base).await;
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
    server.kill().unwrap();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(dir);
}

fn uuid_like() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_the_server_under_load_loses_no_acknowledged_command_on_postgres() {
    crash_under_load(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_the_server_under_load_loses_no_acknowledged_command_on_sqlite() {
    crash_under_load(Backend::Sqlite).await;
}
