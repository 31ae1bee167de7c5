//! No secret, token or password ends up in the logs, even at debug level.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_logs_hold_no_password_token_or_secret() {
    let dir = std::env::temp_dir().join(format!("sg-logs-{}", std::process::id()));
    let secret = "the-server-secret-key-that-must-never-be-logged";
    let password = "a-password-that-must-never-be-logged";
    // An account with a known password, created by the CLI (password on standard input).
    let mut create = Command::new(env!("CARGO_BIN_EXE_safeguards"))
        .args([
            "account",
            "create",
            "--email",
            "logs@example.org",
            "--name",
            "Logs",
            "--role",
            "admin",
        ])
        .env("SAFEGUARDS_DATA_DIR", &dir)
        .env("SAFEGUARDS_SECRET_KEY", secret)
        .env_remove("SAFEGUARDS_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    create
        .stdin
        .take()
        .unwrap()
        .write_all(password.as_bytes())
        .unwrap();
    let out = create.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(password),
        "the CLI echoed the password"
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_safeguards"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("SAFEGUARDS_DATA_DIR", &dir)
        .env("SAFEGUARDS_SECRET_KEY", secret)
        .env_remove("SAFEGUARDS_DATABASE_URL")
        .env("RUST_LOG", "debug")
        .env("SAFEGUARDS_LOG_FORMAT", "json")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let r: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/token"))
        .json(&serde_json::json!({"email": "logs@example.org", "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = r["token"].as_str().unwrap().to_string();
    let _ = client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let _ = client
        .post(format!("{base}/api/v1/accounts"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"email": "second@example.org", "name": "Second", "role": "viewer", "password": "another-secret-password"}))
        .send()
        .await
        .unwrap();
    let _ = client
        .post(format!("{base}/api/v1/subscriptions"))
        .json(&serde_json::json!({"email": "reader@example.org"}))
        .send()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = server.kill();
    let mut logs = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(logs.len() > 1000, "no logs were written at debug level");
    for (what, needle) in [
        ("the password", password),
        ("another password", "another-secret-password"),
        ("the bearer token", token.as_str()),
        ("the secret key", secret),
        ("a password hash", "$argon2id$"),
    ] {
        assert!(!logs.contains(needle), "{what} is in the logs");
    }
    println!("{} bytes of debug logs checked", logs.len());
}
