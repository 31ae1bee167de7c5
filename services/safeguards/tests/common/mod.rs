//! What the tests of the `safeguards` binary share: the binary itself, started the way an
//! operator would ([`safeguards`], [`Server`]), a private PostgreSQL cluster ([`cluster`]) and
//! a write load of one writer per milestone ([`load`]).
//!
//! Each test binary uses a part of it.
#![allow(dead_code)]

pub mod cluster;
pub mod load;

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The `safeguards` binary over the data directory `data_dir` and the store at `database_url`
/// (`None`: the embedded SQLite store in `data_dir`), with the secret key `secret` and the log
/// level `log`; no input, output discarded (see [`output`] to read it). The caller adds the
/// arguments.
pub fn safeguards(data_dir: &Path, database_url: Option<&str>, secret: &str, log: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_safeguards"));
    command
        .env("SAFEGUARDS_DATA_DIR", data_dir)
        .env("SAFEGUARDS_SECRET_KEY", secret)
        .env("RUST_LOG", log)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    match database_url {
        Some(url) => command.env("SAFEGUARDS_DATABASE_URL", url),
        None => command.env_remove("SAFEGUARDS_DATABASE_URL"),
    };
    command
}

/// Run `command` to its end: its status and what it printed.
pub fn output(mut command: Command) -> Output {
    command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs")
}

/// A port free on loopback a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `safeguards serve` on a loopback port of its own, killed on drop.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    /// Start `command` (from [`safeguards`]) as `serve <args> --bind 127.0.0.1:<port>`,
    /// without waiting for it.
    pub fn spawn(mut command: Command, args: &[&str]) -> Self {
        let port = free_port();
        let child = command
            .arg("serve")
            .args(args)
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .spawn()
            .expect("the server starts");
        Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// As [`Server::spawn`], and wait until `/healthz` answers.
    pub async fn start(command: Command, args: &[&str]) -> Self {
        let server = Self::spawn(command, args);
        server.healthy(Duration::from_secs(60)).await;
        server
    }

    /// Wait until `/healthz` answers with success, at most `within`.
    pub async fn healthy(&self, within: Duration) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + within;
        loop {
            if let Ok(r) = client.get(format!("{}/healthz", self.base)).send().await {
                if r.status().is_success() {
                    return;
                }
            }
            assert!(Instant::now() < deadline, "the server did not come up");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sign in through the API: the bearer token.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let answer: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/api/v1/auth/token", self.base))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        answer["token"]
            .as_str()
            .unwrap_or_else(|| panic!("{email} does not sign in: {answer}"))
            .to_string()
    }

    /// Kill the process at once (SIGKILL) and reap it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}
