//! A database outage: PostgreSQL (a private cluster of this test, never the shared server) is
//! stopped for 10 s under write load. The server stays up and answers 503 with `Retry-After`,
//! `/readyz` says why, it serves again within 5 s of the database's return, and nothing
//! acknowledged is lost.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use common::cluster::{Cluster, Node};
use common::load::{progress_in_log, Load};
use common::{safeguards, Server};
use safeguards_app::credentials::Tokens;
use safeguards_infra::Database;

/// How long a writer waits after anything but a 200.
const PAUSE: Duration = Duration::from_millis(100);
const SECRET: &str = "outage-test-secret-key-of-enough-length";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_server_survives_a_database_outage_and_loses_nothing_acknowledged() {
    let cluster = Cluster::start("outage");
    let safeguards_tests::seed::Seeded { admin, milestones } =
        cluster.seed("admin@outage.test", 8).await;

    let url = cluster.url(Node::Primary);
    let server = Server::start(
        safeguards(&cluster.dir.join("app"), Some(&url), SECRET, "error"),
        &[],
    )
    .await;
    let base = &server.base;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let token = Tokens::new(SECRET).issue(admin, 0, chrono::Utc::now()).0;

    let load = Load::start(&client, base, &token, &milestones, "", PAUSE);
    tokio::time::sleep(Duration::from_secs(2)).await;
    cluster.down(Node::Primary);
    let down_at = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let ready = client.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status().as_u16(), 503, "readyz during the outage");
    assert!(ready.headers().contains_key("retry-after"));
    let why: serde_json::Value = ready.json().await.unwrap();
    // Which part is not ready, and nothing of the driver's words (hosts, users, databases).
    assert_eq!(why["reason"], "the store does not answer", "{why}");
    tokio::time::sleep(Duration::from_secs(7)).await;
    // The database answers before `pg_ctl start` returns: the outage ends when it is asked to.
    let restart_at = Instant::now();
    cluster.up(Node::Primary);
    let up_at = Instant::now();
    tokio::time::sleep(Duration::from_secs(8)).await;
    let log = load.stop().await;
    let alive = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert!(alive.status().is_success(), "the server died");

    // A request sent before the database stopped may have committed and still be answered
    // late (its best-effort snapshot waits on the lost connection): only requests sent while
    // the database was down must be refused.
    let during: Vec<_> = log
        .iter()
        .filter(|s| s.sent > down_at && s.answered < restart_at)
        .collect();
    assert!(!during.is_empty());
    let mut kinds: HashMap<Option<u16>, usize> = HashMap::new();
    for s in &during {
        *kinds.entry(s.status).or_default() += 1;
    }
    println!("answers during the outage: {kinds:?}");

    // Every HTTP answer given while the database was down is a 503 with Retry-After. (A
    // request cut by the database's abrupt stop may end in a transport error; those are
    // counted above, and the server answering /readyz during the outage shows it stayed up.)
    for s in &during {
        if let Some(status) = s.status {
            assert_eq!(status, 503, "{} answered during the outage", s.id);
            assert!(s.retry_after, "{}: 503 without Retry-After", s.id);
        }
    }
    let first_ok_after = log
        .iter()
        .filter(|s| s.answered >= up_at && s.status == Some(200))
        .map(|s| s.answered.duration_since(up_at))
        .min()
        .expect("writes succeed again after the outage");
    println!(
        "outage: {} requests, {} answered 503 during the outage, first success {:.2} s after the database returned",
        log.len(),
        during.len(),
        first_ok_after.as_secs_f64()
    );
    assert!(
        first_ok_after < Duration::from_secs(5),
        "recovery took {first_ok_after:?}"
    );

    // Every acknowledged write is in the log, once.
    let db = Database::connect(&url).await.unwrap();
    let in_log = progress_in_log(&db, &milestones).await;
    for s in &log {
        if s.status == Some(200) {
            assert_eq!(
                in_log.get(&s.id),
                Some(&1),
                "acknowledged {} is not in the log once",
                s.id
            );
        }
    }
    db.close().await;
}
