//! A failover under write load: a PostgreSQL primary with a synchronous standby (two private
//! clusters of this test, never the shared server), reached through a TCP proxy as a managed
//! endpoint would be. The primary is stopped; for a while the proxy accepts connections and
//! closes them (no server behind it), then it points at the standby before its promotion (a
//! read-only server), then the standby is promoted. Every answer is 200 or 503 with
//! `Retry-After`, never 500; writes succeed again soon after the promotion; every acknowledged
//! command is in the promoted standby's log.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use common::cluster::{self, Cluster, Node};
use common::load::{progress_in_log, Load};
use common::{safeguards, Server};
use safeguards_app::credentials::Tokens;
use safeguards_infra::Database;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// How long a writer waits after anything but a 200.
const PAUSE: Duration = Duration::from_millis(50);
const SECRET: &str = "failover-test-secret-key-of-enough-length";
const WRITERS: usize = 32;

/// A TCP proxy on loopback in front of one server port at a time, like a managed endpoint: a
/// connection whose server cannot be reached is accepted and closed; switching the target
/// closes the connections to the previous one.
struct Proxy {
    port: u16,
    target: watch::Sender<u16>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    async fn start(target: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (target, rx) = watch::channel(target);
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    continue;
                };
                let mut rx = rx.clone();
                let to = *rx.borrow_and_update();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(("127.0.0.1", to)).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = rx.changed() => {}
                    }
                });
            }
        });
        Self { port, target, task }
    }

    fn switch(&self, to: u16) {
        self.target.send_replace(to);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The lines of the server's log that report a fault (the cause of a 500).
fn faults(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("ERROR") || l.contains("internal"))
        .take(20)
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failover_to_a_synchronous_standby_answers_503_and_loses_nothing_acknowledged() {
    let clusters = Cluster::start("failover");
    let safeguards_tests::seed::Seeded { admin, milestones } =
        clusters.seed("admin@failover.test", WRITERS).await;
    clusters.add_standby();

    let proxy = Proxy::start(clusters.port(Node::Primary)).await;
    let server_log = clusters.dir.join("serve.log");
    let mut serve = safeguards(
        &clusters.dir.join("app"),
        Some(&cluster::url(proxy.port)),
        SECRET,
        "error",
    );
    serve.stderr(std::fs::File::create(&server_log).unwrap());
    let server = Server::start(serve, &[]).await;
    let base = &server.base;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(40))
        .build()
        .unwrap();
    let token = Tokens::new(SECRET).issue(admin, 0, chrono::Utc::now()).0;

    let load = Load::start(&client, base, &token, &milestones, "", PAUSE);

    tokio::time::sleep(Duration::from_secs(2)).await;
    let killed_at = Instant::now();
    clusters.down(Node::Primary);
    // The endpoint still points at the primary, which is gone: connections are accepted and
    // closed at once.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // The endpoint points at the standby before its promotion ends: a read-only server.
    let switched_at = Instant::now();
    proxy.switch(clusters.port(Node::Standby));
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let promoting_at = Instant::now();
    clusters.promote();
    let promoted_at = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let log = load.stop().await;
    let alive = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert!(alive.status().is_success(), "the server died");

    let mut kinds: HashMap<Option<u16>, usize> = HashMap::new();
    for s in &log {
        *kinds.entry(s.status).or_default() += 1;
    }
    let refused = |from: Instant, to: Instant| {
        log.iter()
            .filter(|s| s.answered >= from && s.answered < to && s.status == Some(503))
            .count()
    };
    let first_ok_after = log
        .iter()
        .filter(|s| s.answered >= promoted_at && s.status == Some(200))
        .map(|s| s.answered.duration_since(promoted_at))
        .min();
    println!(
        "failover: {} requests by {WRITERS} writers, answers {kinds:?}; 503 with the primary gone: {}, \
         with the standby not promoted: {}, after the promotion: {}; promotion took {:.2} s; \
         first success {} after the promotion",
        log.len(),
        refused(killed_at, switched_at),
        refused(switched_at, promoted_at),
        refused(promoted_at, Instant::now()),
        promoted_at.duration_since(promoting_at).as_secs_f64(),
        first_ok_after.map_or("never".into(), |d| format!("{:.2} s", d.as_secs_f64())),
    );

    let wrong: Vec<_> = log
        .iter()
        .filter(|s| !(s.status == Some(200) || (s.status == Some(503) && s.retry_after)))
        .map(|s| (s.id.clone(), s.status, s.retry_after, s.error.clone()))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} answers neither 200 nor 503 with Retry-After, e.g. {:?}; server log: {:#?}",
        wrong.len(),
        &wrong[..wrong.len().min(5)],
        faults(&server_log)
    );
    assert!(
        refused(killed_at, promoted_at) > 0,
        "no write was refused while the primary was gone"
    );
    let first_ok_after = first_ok_after.expect("writes succeed again after the promotion");
    assert!(
        first_ok_after < Duration::from_secs(2),
        "recovery took {first_ok_after:?}"
    );

    // Every acknowledged command is in the promoted standby's log, once.
    let db = Database::connect(&clusters.url(Node::Standby))
        .await
        .unwrap();
    let in_log = progress_in_log(&db, &milestones).await;
    db.close().await;
    let acknowledged: Vec<_> = log.iter().filter(|s| s.status == Some(200)).collect();
    for s in &acknowledged {
        assert_eq!(
            in_log.get(&s.id),
            Some(&1),
            "acknowledged {} is not in the log once",
            s.id
        );
    }
    println!(
        "failover: {} acknowledged commands, all in the promoted standby's log",
        acknowledged.len()
    );
}
