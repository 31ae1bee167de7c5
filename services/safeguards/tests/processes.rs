//! Three `safeguards serve` processes on one PostgreSQL database, each on its own port: writes
//! go through all three (reads in another process see them with `X-Read-After`), and a digest
//! triggered on all three at once reaches each subscriber exactly once, over real SMTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use safeguards_app::credentials::Tokens;
use safeguards_domain::account::{Account, AccountCommand};
use safeguards_domain::values::{AccountId, Email, Role, Title};
use safeguards_infra::CommandContext;
use safeguards_tests::smtp::SmtpServer;
use safeguards_tests::TestDb;

const SECRET: &str = "three-processes-secret-key-long-enough";

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn serve(url: &str, smtp: &SmtpServer, dir: &std::path::Path) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_safeguards"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("SAFEGUARDS_DATABASE_URL", url)
        .env("SAFEGUARDS_DATA_DIR", dir)
        .env("SAFEGUARDS_SECRET_KEY", SECRET)
        .env("SAFEGUARDS_SMTP_URL", smtp.url())
        .env("SAFEGUARDS_PUBLIC_URL", "http://tracker.test/")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(Instant::now() < deadline, "a server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Server { child, base }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_processes_share_the_writes_and_send_each_digest_once() {
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
    for i in 0..12 {
        let r = client
            .post(format!("{}/api/v1/subscriptions", servers[i % 3].base))
            .json(&serde_json::json!({"email": format!("reader{i}@example.org")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 202);
        let mail = smtp.messages().into_iter().last().unwrap();
        let text = mail.text();
        let start = text.find("token=").unwrap() + 6;
        let token: String = text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        let r = client
            .post(format!(
                "{}/subscriptions/confirm",
                servers[(i + 1) % 3].base
            ))
            .form(&[("token", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }

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
    let mut per_address: HashMap<String, usize> = HashMap::new();
    for m in smtp.messages().iter().filter(|m| {
        m.header("Subject")
            .is_some_and(|s| s.contains("Safeguards Digest 2"))
    }) {
        for to in &m.to {
            *per_address.entry(to.clone()).or_default() += 1;
        }
    }
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
