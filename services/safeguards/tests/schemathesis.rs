//! The OpenAPI document against a running server with demo data: `openapi-spec-validator`
//! (PyPI) accepts it, and schemathesis (PyPI) with every check (`--checks all`) finds nothing —
//! no server error, every response as documented, every schema-valid request accepted and every
//! schema-invalid one refused — signed in as a programme manager. `tests/run` installs both
//! when they are missing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_is_valid_openapi_and_tells_the_truth_about_every_operation() {
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
    let document = client
        .get(format!("{base}/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc_file = dir.join("openapi.json");
    std::fs::write(&doc_file, &document).unwrap();
    let validator = Command::new("openapi-spec-validator")
        .arg(&doc_file)
        .output()
        .expect("openapi-spec-validator is needed: pip install openapi-spec-validator (tests/run does it)");
    assert!(
        validator.status.success(),
        "openapi-spec-validator refuses the document:\n{}{}",
        String::from_utf8_lossy(&validator.stdout),
        String::from_utf8_lossy(&validator.stderr)
    );
    // Run it in the temporary folder: schemathesis keeps a cache where it runs.
    let output = Command::new("schemathesis")
        .current_dir(&dir)
        .args([
            "run",
            &format!("{base}/api/openapi.json"),
            "-H",
            &format!("Authorization: Bearer {token}"),
            "--max-examples",
            "30",
            "--checks",
            "all",
            // These end the session schemathesis signs in with (tested in the hostile suite).
            "--exclude-path",
            "/api/v1/auth/token",
            "--exclude-path",
            "/api/v1/auth/logout",
            "--exclude-path",
            "/api/v1/me/password",
            "--seed",
            "1201",
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
