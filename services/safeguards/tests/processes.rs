//! Three `safeguards serve` processes on one PostgreSQL database, each on its own port: writes
//! go through all three (reads in another process see them with `X-Read-After`), and a digest
//! triggered on all three at once reaches each subscriber exactly once, over real SMTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use common::{safeguards, Server};
use safeguards_app::credentials::Tokens;
use safeguards_domain::account::{Account, AccountCommand};
use safeguards_domain::values::{AccountId, Email, Role, Title};
use safeguards_infra::CommandContext;
use safeguards_tests::smtp::SmtpServer;
use safeguards_tests::TestDb;

const SECRET: &str = "three-processes-secret-key-long-enough";

async fn serve(url: &str, smtp: &SmtpServer, dir: &std::path::Path) -> Server {
    serve_with(url, smtp, dir, &[]).await
}

/// `safeguards serve` on the store at `url`, mail through `smtp`, with the settings `env`.
async fn serve_with(
    url: &str,
    smtp: &SmtpServer,
    dir: &std::path::Path,
    env: &[(&str, &str)],
) -> Server {
    let mut command = safeguards(dir, Some(url), SECRET, "error");
    command
        .env("SAFEGUARDS_SMTP_URL", smtp.url())
        .env("SAFEGUARDS_PUBLIC_URL", "http://tracker.test/")
        .envs(env.iter().copied());
    Server::start(command, &[]).await
}

/// A PostgreSQL store with an admin account.
async fn with_admin() -> (TestDb, AccountId) {
    let db = TestDb::postgres().await;
    let admin = AccountId::new();
    db.store()
        .execute::<Account>(
            &admin.to_string(),
            AccountCommand::Create {
                email: Email::parse("admin@three.test").unwrap(),
                name: Title::parse("Admin").unwrap(),
                role: Role::Admin,
                countries: vec![],
                password_hash: None,
            },
            &CommandContext::system("setup"),
            None,
        )
        .await
        .unwrap();
    (db, admin)
}

/// `n` subscribers, each through one process and confirmed through the next.
async fn subscribe(servers: &[Server], smtp: &SmtpServer, n: usize) {
    let client = reqwest::Client::new();
    for i in 0..n {
        let r = client
            .post(format!(
                "{}/api/v1/subscriptions",
                servers[i % servers.len()].base
            ))
            .json(&serde_json::json!({"email": format!("reader{i}@example.org")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 202);
        let mail = smtp.messages().into_iter().last().unwrap();
        let token = safeguards_tests::token_in(&mail.text());
        let r = client
            .post(format!(
                "{}/subscriptions/confirm",
                servers[(i + 1) % servers.len()].base
            ))
            .form(&[("token", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
}

/// Digests received per address.
fn digests_by_address(smtp: &SmtpServer) -> HashMap<String, usize> {
    let mut per_address: HashMap<String, usize> = HashMap::new();
    for m in smtp.messages().iter().filter(|m| {
        m.header("Subject")
            .is_some_and(|s| s.contains("Safeguards Digest 2"))
    }) {
        for to in &m.to {
            *per_address.entry(to.clone()).or_default() += 1;
        }
    }
    per_address
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_processes_share_the_writes_and_send_each_digest_once() {
    let (db, admin) = with_admin().await;
    let smtp = SmtpServer::start().await;
    let dir = std::env::temp_dir().join(format!("sg-three-{}", std::process::id()));
    let servers = vec![
        serve(&db.url, &smtp, &dir).await,
        serve(&db.url, &smtp, &dir).await,
        serve(&db.url, &smtp, &dir).await,
    ];
    let token = Tokens::new(SECRET).issue(admin, 0, chrono::Utc::now()).0;
    let client = reqwest::Client::new();
    let post = |i: usize, path: &str, body: serde_json::Value, after: i64| {
        client
            .post(format!("{}{path}", servers[i].base))
            .bearer_auth(&token)
            .header("x-read-after", after.to_string())
            .json(&body)
            .send()
    };

    // Writes through all three, each following the previous one's position.
    let r = post(
        0,
        "/api/v1/engagements",
        serde_json::json!({"country": "KEN", "lead": "Ministry", "started_on": "2025-01-01"}),
        0,
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201);
    let at: serde_json::Value = r.json().await.unwrap();
    let r = post(1, "/api/v1/engagements/KEN/commitments", serde_json::json!({"title": "Law", "principles": ["O3"], "authority": "R1", "stage": "L2", "due_on": "2027-01-01"}), at["position"].as_i64().unwrap()).await.unwrap();
    assert_eq!(r.status(), 201);
    let c: serde_json::Value = r.json().await.unwrap();
    let r = post(
        2,
        &format!(
            "/api/v1/commitments/{}/milestones",
            c["id"].as_str().unwrap()
        ),
        serde_json::json!({"title": "Bill", "due_on": "2027-01-01"}),
        c["position"].as_i64().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());

    // Subscribers, each through a different process, confirmed through yet another.
    subscribe(&servers, &smtp, 12).await;

    // The digest, triggered on all three at once.
    let sends = servers.iter().map(|s| {
        client
            .post(format!("{}/api/v1/digests/send", s.base))
            .bearer_auth(&token)
            .send()
    });
    let reports = futures::future::join_all(sends).await;
    let mut delivered = 0;
    for r in reports {
        let r = r.unwrap();
        assert_eq!(r.status(), 200);
        let report: serde_json::Value = r.json().await.unwrap();
        delivered += report["delivered"].as_u64().unwrap();
    }
    let per_address = digests_by_address(&smtp);
    println!(
        "three processes: {delivered} digests reported, {} addresses received one",
        per_address.len()
    );
    assert_eq!(per_address.len(), 12, "{per_address:?}");
    assert!(per_address.values().all(|n| *n == 1), "{per_address:?}");
    assert_eq!(delivered, 12);
    drop(servers);
    let _ = std::fs::remove_dir_all(dir);
}

/// A mail server that takes longer over each message than a claim's lease, and three runners
/// on two processes (two on the first), the later ones starting while the first one's mails
/// are on their way: the claims are renewed while the mails are sent, so nobody takes over a
/// delivery in progress, every subscriber gets one digest, and every run ends without an
/// error.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_mail_server_slower_than_the_lease_still_gets_one_digest_per_subscriber() {
    let (db, admin) = with_admin().await;
    let smtp = SmtpServer::start().await;
    let dir = std::env::temp_dir().join(format!("sg-slow-{}", std::process::id()));
    let lease = [("SAFEGUARDS_DIGEST_LEASE", "1")];
    let servers = vec![
        serve_with(&db.url, &smtp, &dir, &lease).await,
        serve_with(&db.url, &smtp, &dir, &lease).await,
    ];
    subscribe(&servers, &smtp, 12).await;
    // 1.5 s per message against a lease of 1 s; 12 messages take longer than the lease in
    // total however many go at once.
    smtp.accept_slowly(Duration::from_millis(1500));
    let token = Tokens::new(SECRET).issue(admin, 0, chrono::Utc::now()).0;
    let client = reqwest::Client::new();
    let began = Instant::now();
    // The later runners start while the first one's mails are on their way and its first
    // leases would have run out.
    let sends = [(0, 0), (0, 600), (1, 1200)].map(|(i, after)| {
        let send = client
            .post(format!("{}/api/v1/digests/send", servers[i].base))
            .bearer_auth(&token)
            .send();
        async move {
            tokio::time::sleep(Duration::from_millis(after)).await;
            send.await
        }
    });
    let mut delivered = 0;
    for r in futures::future::join_all(sends).await {
        let r = r.unwrap();
        let status = r.status();
        let report: serde_json::Value = r.json().await.unwrap();
        assert_eq!(status, 200, "a run failed: {report}");
        delivered += report["delivered"].as_u64().unwrap();
    }
    let took = began.elapsed();
    let per_address = digests_by_address(&smtp);
    let renewals = safeguards_infra::feed::read_after(&db.db, 0, 100_000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.event_type == "DeliveryLeaseRenewed")
        .count();
    println!(
        "slow mail server: {delivered} digests recorded, {} received, in {took:.1?} by three runners; {renewals} lease renewals",
        per_address.values().sum::<usize>()
    );
    assert_eq!(per_address.len(), 12, "{per_address:?}");
    assert!(per_address.values().all(|n| *n == 1), "{per_address:?}");
    assert_eq!(delivered, 12);
    assert!(
        took > Duration::from_secs(1),
        "the run was not slower than the lease"
    );
    assert!(renewals > 0, "no claim was renewed");
    drop(servers);
    let _ = std::fs::remove_dir_all(dir);
}

/// The one window left: a process killed after the mail server took a digest and before the
/// delivery was recorded. The claim runs out, the next run sends the digest once more, with
/// the same Message-ID (mail clients fold the two), and the run after that sends nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_crash_between_acceptance_and_record_resends_once_with_the_same_message_id() {
    let (db, admin) = with_admin().await;
    let smtp = SmtpServer::start().await;
    let dir = std::env::temp_dir().join(format!("sg-crash-window-{}", std::process::id()));
    let lease = [("SAFEGUARDS_DIGEST_LEASE", "1")];
    let first = serve_with(&db.url, &smtp, &dir, &lease).await;
    subscribe(std::slice::from_ref(&first), &smtp, 1).await;
    let token = Tokens::new(SECRET).issue(admin, 0, chrono::Utc::now()).0;
    let client = reqwest::Client::new();
    let send = |base: String| {
        let (client, token) = (client.clone(), token.clone());
        async move {
            client
                .post(format!("{base}/api/v1/digests/send"))
                .bearer_auth(&token)
                .send()
                .await
        }
    };
    // The mail server keeps the message but answers only after two seconds; the process is
    // killed before the answer comes.
    smtp.accept_slowly(Duration::from_millis(2000));
    let pending = tokio::spawn(send(first.base.clone()));
    tokio::time::sleep(Duration::from_millis(1000)).await;
    drop(first);
    let _ = pending.await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while digests_by_address(&smtp).is_empty() {
        assert!(
            Instant::now() < deadline,
            "the mail server never kept the message"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    smtp.accept_slowly(Duration::ZERO);

    // Another process, once the claim has run out.
    let second = serve_with(&db.url, &smtp, &dir, &lease).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let report: serde_json::Value = send(second.base.clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["delivered"], 1, "{report}");
    let again: serde_json::Value = send(second.base.clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["delivered"], 0, "{again}");
    let digests: Vec<_> = smtp
        .messages()
        .into_iter()
        .filter(|m| {
            m.header("Subject")
                .is_some_and(|s| s.contains("Safeguards Digest 2"))
        })
        .collect();
    assert_eq!(
        digests.len(),
        2,
        "sent once before the crash and once after"
    );
    assert_eq!(
        digests[0].header("Message-ID"),
        digests[1].header("Message-ID")
    );
    drop(second);
    let _ = std::fs::remove_dir_all(dir);
}
