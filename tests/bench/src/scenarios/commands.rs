//! The command path: progress reports through HTTP, each client on a milestone of its own,
//! against pgbench running the store's own statements directly at the same client counts.

use std::sync::Arc;

use safeguards_infra::EventStore;
use serde_json::json;

use crate::load::Stats;
use crate::report::{Report, Row};
use crate::scenarios::rate_and_latency;
use crate::server::{self, fresh_database, Server};
use crate::{cpu, load, pgbench, Env};

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
    let round = env.scale.run_for / env.scale.rounds;
    for &clients in levels {
        let (mut baselines, mut runs) = (Vec::new(), Vec::new());
        let (mut baseline_cpu, mut http_cpu) = (cpu::Sample::default(), cpu::Sample::default());
        for _ in 0..env.scale.rounds {
            let before = cpu::Sample::now(server.pid());
            baselines.push(pgbench::run(&env.pgbench, &pgbench_url, clients, round).await?);
            baseline_cpu = baseline_cpu.plus(&cpu::Sample::now(server.pid()).since(&before));
            let (token, targets) = (token.clone(), targets.clone());
            let before = cpu::Sample::now(server.pid());
            runs.push(
                load::run(clients, round, move |worker, client, n| {
                    let request = client
                        .post(&targets[worker])
                        .bearer_auth(token.as_str())
                        .json(&json!({ "percent": n % 101 }));
                    async move { load::answered(request).await }
                })
                .await,
            );
            http_cpu = http_cpu.plus(&cpu::Sample::now(server.pid()).since(&before));
        }
        let (baseline, http) = (Stats::pooled(baselines), Stats::pooled(runs));
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
        if clients == 32 {
            report.add(cpu_row(clients, &http, &http_cpu, &baseline, &baseline_cpu));
        }
    }
    drop(server);
    server::drop_database(&env.admin_url, DB).await?;
    server::drop_database(&env.admin_url, PGBENCH_DB).await?;
    Ok(())
}

/// Where the CPU of one level went, per command and per pgbench transaction (µs): what the
/// rate ratio is made of on a machine that the server, PostgreSQL and the clients share.
fn cpu_row(
    clients: usize,
    http: &Stats,
    http_cpu: &cpu::Sample,
    baseline: &Stats,
    baseline_cpu: &cpu::Sample,
) -> Row {
    let per = |seconds: f64, stats: &Stats| seconds * 1e6 / (stats.ok.max(1) as f64);
    let (server, postgres, load) = (
        per(http_cpu.server, http),
        per(http_cpu.postgres, http),
        per(http_cpu.own, http),
    );
    let (pg_baseline, client) = (
        per(baseline_cpu.postgres, baseline),
        per(baseline_cpu.children, baseline),
    );
    Row {
        figure: format!("CPU per command, {clients} clients"),
        measured: format!(
            "server {server:.0} µs + PostgreSQL {postgres:.0} µs (load generator {load:.0} µs)"
        ),
        baseline: format!("pgbench: PostgreSQL {pg_baseline:.0} µs + client {client:.0} µs"),
        ratio: Some((server + postgres) / (pg_baseline + client).max(1e-9)),
        target: "none (what the rate ratio is made of)".into(),
        met: None,
    }
}
