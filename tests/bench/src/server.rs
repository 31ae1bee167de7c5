//! The server under test: the release `safeguards` binary in a process of its own, and the
//! databases the scenarios run on.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use safeguards_domain::values::AccountId;
use safeguards_infra::Database;
use tokio::process::{Child, Command};

/// The secret key every server of the suite runs with, so the suite can sign tokens.
pub const SECRET: &str = "safeguards-benchmark-secret-key-0123456789abcdef";

/// A token for `account`, as the server signs them.
pub fn token(account: AccountId) -> String {
    safeguards_app::credentials::Tokens::new(SECRET)
        .issue(account, 0, chrono::Utc::now())
        .0
}

/// A `safeguards serve` process; killed when dropped.
#[derive(Debug)]
pub struct Server {
    child: Child,
    pub base: String,
    dir: PathBuf,
}

impl Server {
    /// Start the server on `database_url` and wait until `/readyz` answers 200.
    pub async fn start(
        bin: &Path,
        database_url: &str,
        env: &[(&str, String)],
    ) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let dir = std::env::temp_dir().join(format!("sg-bench-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir)?;
        let log = std::fs::File::create(dir.join("server.log"))?;
        let base = format!("http://127.0.0.1:{port}");
        let mut command = Command::new(bin);
        command
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("SAFEGUARDS_DATA_DIR", &dir)
            .env("SAFEGUARDS_DATABASE_URL", database_url)
            .env("SAFEGUARDS_SECRET_KEY", SECRET)
            .env("SAFEGUARDS_PUBLIC_URL", &base)
            .env("RUST_LOG", "warn")
            // The load generator is one client of many connections; a scenario that measures
            // the per-client limit sets it.
            .env("SAFEGUARDS_MAX_CONNECTIONS_PER_CLIENT", "1000000")
            .stdout(Stdio::null())
            .stderr(log)
            .kill_on_drop(true);
        for (k, v) in env {
            command.env(k, v);
        }
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let mut server = Self { child, base, dir };
        server.ready(Duration::from_secs(600)).await?;
        Ok(server)
    }

    async fn ready(&mut self, within: Duration) -> anyhow::Result<()> {
        let http = reqwest::Client::new();
        let began = Instant::now();
        while began.elapsed() < within {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "the server stopped ({status}); its log: {}",
                    self.dir.join("server.log").display()
                );
            }
            let answer = http.get(format!("{}/readyz", self.base)).send().await;
            if answer.is_ok_and(|r| r.status().is_success()) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("the server was not ready within {within:?}")
    }

    /// The server's process id (none once it has stopped).
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// The resident memory of the server now, in MiB (Linux `VmRSS`).
    pub fn rss_mib(&self) -> Option<f64> {
        self.status_mib("VmRSS:")
    }

    fn status_mib(&self, field: &str) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()?)).ok()?;
        let line = status.lines().find(|l| l.starts_with(field))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    }

    /// Forget the server's peak resident memory so far (Linux: `5` into `clear_refs`), so that
    /// the next [`Server::peak_rss_mib`] is the peak from now on.
    pub fn reset_peak(&self) {
        if let Some(pid) = self.child.id() {
            let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
        }
    }

    /// The peak resident memory of the server so far, in MiB (Linux `VmHWM`).
    pub fn peak_rss_mib(&self) -> Option<f64> {
        self.status_mib("VmHWM:")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A fresh, migrated database `name` on the server of `admin_url` (dropped first if a previous
/// run left it).
pub async fn fresh_database(admin_url: &str, name: &str) -> anyhow::Result<(String, Database)> {
    drop_database(admin_url, name).await?;
    Database::create_postgres_database(admin_url, name)
        .await
        .with_context(|| format!("PostgreSQL at {admin_url}"))?;
    let url = safeguards_tests::replace_database(admin_url, name);
    let db = Database::connect(&url).await?;
    db.migrate().await?;
    Ok((url, db))
}

pub async fn drop_database(admin_url: &str, name: &str) -> anyhow::Result<()> {
    Database::drop_postgres_database(admin_url, name)
        .await
        .with_context(|| format!("PostgreSQL at {admin_url}"))
}
