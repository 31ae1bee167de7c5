//! The baseline of the command path: `pgbench` running, directly against PostgreSQL, what a
//! command does in the store — read the aggregate's events, insert one event, commit — each
//! client on an aggregate of its own.

use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context};
use tokio::process::Command;

use crate::load::Stats;

/// Create the one-row table of the event pgbench writes (a progress report's payload and
/// metadata).
pub async fn prepare(url: &str) -> anyhow::Result<()> {
    let db = safeguards_infra::Database::connect(url).await?;
    safeguards_infra::probe::prepare_pgbench(
        &db,
        &serde_json::json!({"percent": 50, "note": null}),
        &serde_json::json!({"actor": "system", "correlation_id": "pgbench", "time": "2026-01-01T00:00:00.000000Z"}),
    )
    .await?;
    db.close().await;
    Ok(())
}

/// Run the script with `clients` clients for `duration`; latencies come from pgbench's
/// per-transaction log.
pub async fn run(
    pgbench: &Path,
    url: &str,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<Stats> {
    let dir = std::env::temp_dir().join(format!("sg-pgbench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let script = dir.join("command.sql");
    std::fs::write(&script, safeguards_infra::probe::pgbench_script())?;
    let threads = clients.min(4);
    let output = Command::new(pgbench)
        .args(["--no-vacuum", "--protocol=prepared", "--log"])
        .arg(format!("--log-prefix={}", dir.join("log").display()))
        .arg(format!("--define=run={}", uuid::Uuid::new_v4().simple()))
        .arg("--define=known=0")
        .arg(format!("--client={clients}"))
        .arg(format!("--jobs={threads}"))
        .arg(format!("--time={}", duration.as_secs().max(1)))
        .arg(format!("--file={}", script.display()))
        .arg(url)
        .output()
        .await
        .with_context(|| format!("running {}", pgbench.display()))?;
    if !output.status.success() {
        bail!(
            "pgbench failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if !path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("log"))
        {
            continue;
        }
        // client_id transaction_no time script_no time_epoch time_us: `time` is the latency in
        // microseconds, or "failed"/"skipped".
        for line in std::fs::read_to_string(&path)?.lines() {
            match line.split_whitespace().nth(2).map(str::parse::<u64>) {
                Some(Ok(us)) => latencies.push(Duration::from_micros(us)),
                _ => errors += 1,
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(Stats::from_latencies(latencies, errors, duration))
}
