//! A real S3-compatible server for the evidence store's tests: `moto_server` (PyPI
//! `moto[server]`) on loopback. `tests/run` starts one for the whole run and names it in
//! `SAFEGUARDS_TEST_S3_URL`; without it, the first test that asks starts one for its process
//! (stopped when the process ends). Each test gets a bucket of its own.

use tokio::sync::OnceCell;

static SERVER: OnceCell<String> = OnceCell::const_new();

/// The S3 server's address (`http://127.0.0.1:PORT`).
pub async fn server() -> &'static str {
    SERVER
        .get_or_init(|| async {
            if let Ok(url) = std::env::var("SAFEGUARDS_TEST_S3_URL") {
                return url;
            }
            start().await
        })
        .await
}

async fn start() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    // The shell stops the server when this process (its parent) is gone.
    let script = format!(
        "moto_server -H 127.0.0.1 -p {port} >/dev/null 2>&1 & m=$!; \
         while kill -0 {} 2>/dev/null; do sleep 1; done; kill $m",
        std::process::id()
    );
    let watcher = std::process::Command::new("sh")
        .args(["-c", &script])
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start moto_server: {e}"));
    // Reaped when it ends, after this process: nothing here waits for it.
    std::thread::spawn(move || {
        let mut watcher = watcher;
        let _ = watcher.wait();
    });
    let url = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if client.get(&url).send().await.is_ok() {
            return url;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "moto_server did not start on port {port}: the evidence store's S3 tests need it \
         (pip install 'moto[server]'; tests/run installs it)"
    );
}

/// A new, empty bucket: its `s3://` location and the settings that reach it.
pub async fn bucket() -> (String, Vec<(String, String)>) {
    let url = server().await;
    let name = format!("evidence-{}", uuid::Uuid::new_v4().simple());
    let created = reqwest::Client::new()
        .put(format!("{url}/{name}"))
        .send()
        .await
        .unwrap();
    assert!(created.status().is_success(), "{}", created.status());
    let settings = [
        ("aws_endpoint", url),
        ("aws_allow_http", "true"),
        ("aws_region", "us-east-1"),
        ("aws_access_key_id", "test"),
        ("aws_secret_access_key", "test"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    (format!("s3://{name}/evidence"), settings)
}
