//! The command path: progress reports through HTTP, each client on a milestone of its own,
//! against pgbench running the store's own statements directly at the same client counts.

use std::sync::Arc;

use safeguards_infra::EventStore;
use serde_json::json;

use crate::report::{Report, Row};
use crate::scenarios::rate_and_latency;
use crate::server::{self, fresh_database, Server};
use crate::{load, pgbench, Env};

const DB: &str = "safeguards_bench_commands";
const PGBENCH_DB: &str = "safeguards_bench_pgbench";

pub async fn run(env: &Env, report: &mut Report) -> anyhow::Result<()> {
    let levels = &env.scale.client_levels;
    eprintln!("command path: HTTP against pgbench at {levels:?} clients");
    let (url, db) = fresh_database(&env.admin_url, DB).await?;
    let most = levels.iter().copied().max().unwrap_or(1);
    let seeded = safeguards_tests::seed::started_milestones(
        &EventStore::new(db.clone()),
        "bench@example.org",
        most,
    )
    .await;
    db.close().await;
    let (pgbench_url, pgbench_db) = fresh_database(&env.admin_url, PGBENCH_DB).await?;
    pgbench_db.close().await;
    pgbench::prepare(&pgbench_url).await?;

    let server = Server::start(&env.server_bin, &url, &[]).await?;
    let token = Arc::new(server::token(seeded.admin));
    let targets: Arc<Vec<String>> = Arc::new(
        seeded
            .milestones
            .iter()
            .map(|m| format!("{}/api/v1/milestones/{m}/progress", server.base))
            .collect(),
    );
    for &clients in levels {
        let baseline = pgbench::run(&env.pgbench, &pgbench_url, clients, env.scale.run_for).await?;
        let (token, targets) = (token.clone(), targets.clone());
        let http = load::run(clients, env.scale.run_for, move |worker, client, n| {
            let request = client
                .post(&targets[worker])
                .bearer_auth(token.as_str())
                .json(&json!({ "percent": n % 101 }));
            async move { load::answered(request).await }
        })
        .await;
        let ratio = http.rate() / baseline.rate().max(1e-9);
        let latency_ok = http.p99() <= 50.0 && http.errors == 0;
        let (target, met) = if clients == 32 {
            ("≥ 1.0 of pgbench, p99 ≤ 50 ms", ratio >= 1.0 && latency_ok)
        } else {
            ("p99 ≤ 50 ms", latency_ok)
        };
        report.add(Row {
            figure: format!("Command path, {clients} clients"),
            measured: rate_and_latency(&http, "commands"),
            baseline: format!("pgbench {}", rate_and_latency(&baseline, "tx")),
            ratio: Some(ratio),
            target: target.into(),
            met: Some(met),
        });
    }
    drop(server);
    server::drop_database(&env.admin_url, DB).await?;
    server::drop_database(&env.admin_url, PGBENCH_DB).await?;
    Ok(())
}
