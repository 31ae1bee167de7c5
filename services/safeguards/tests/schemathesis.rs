//! Hostile input: schemathesis (PyPI) generates requests for every operation of
//! `/api/openapi.json`, signed in as a programme manager, against a running server with demo
//! data: no server error, every response as documented. `tests/run` installs schemathesis when
//! it is missing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_error_and_no_undocumented_response() {
    let version = Command::new("schemathesis").arg("--version").output();
    assert!(
        version.is_ok_and(|o| o.status.success()),
        "schemathesis is needed: pip install schemathesis (tests/run does it)"
    );
    let dir = std::env::temp_dir().join(format!("sg-schemathesis-{}", std::process::id()));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_safeguards"))
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .env("SAFEGUARDS_DATA_DIR", &dir)
        .env_remove("SAFEGUARDS_DATABASE_URL")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let token: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/token"))
        .json(&serde_json::json!({"email": "manager@demo.safeguards.test", "password": "demo-manager-2026"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"]
        .as_str()
        .expect("the demo manager signs in")
        .to_string();
    // Run it in the temporary folder: schemathesis keeps a cache where it runs.
    let output = Command::new("schemathesis")
        .current_dir(&dir)
        .args([
            "run",
            &format!("{base}/api/openapi.json"),
            "-H",
            &format!("Authorization: Bearer {token}"),
            "--max-examples",
            "25",
            "--checks",
            "not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance",
            "--exclude-path",
            "/api/v1/auth/token",
            "--seed",
            "20261124",
        ])
        .output()
        .unwrap();
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    let out = String::from_utf8_lossy(&output.stdout);
    let summary = out.split("SUMMARY").last().unwrap_or_default();
    println!("{summary}");
    assert!(
        output.status.success(),
        "schemathesis found failures:\n{out}"
    );
}
