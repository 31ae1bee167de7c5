//! No secret, token or password ends up in the logs, even at debug level.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Read;
use std::process::Stdio;
use std::time::Duration;

use common::{safeguards, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_logs_hold_no_password_token_or_secret() {
    let dir = std::env::temp_dir().join(format!("sg-logs-{}", std::process::id()));
    let secret = "the-server-secret-key-that-must-never-be-logged";
    let password = "a-password-that-must-never-be-logged";
    // An account with a known password, created by the CLI (password on standard input).
    let mut create = safeguards(&dir, None, secret, "info")
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

    let mut serve = safeguards(&dir, None, secret, "debug");
    serve
        .env("SAFEGUARDS_LOG_FORMAT", "json")
        .stderr(Stdio::piped());
    let mut server = Server::start(serve, &[]).await;
    let base = server.base.clone();
    let client = reqwest::Client::new();
    let token = server.sign_in("logs@example.org", password).await;
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
    let _ = server.child.kill();
    let mut logs = String::new();
    server
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    drop(server);
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
