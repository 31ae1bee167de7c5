//! Reads: `GET /api/v1/progress` over 64 connections against `GET /healthz` on the same
//! server, with 200 countries and their milestones loaded.

use std::sync::Arc;

use anyhow::bail;
use chrono::{Duration, NaiveDate, Utc};
use safeguards_infra::Database;

use crate::generate::Bulk;
use crate::report::{Report, Row};
use crate::scenarios::{admin, commitment, countries, engagement, milestone, rate_and_latency};
use crate::server::{self, fresh_database, Server};
use crate::{load, Env};

const DB: &str = "safeguards_bench_reads";
const CONNECTIONS: usize = 64;
const COMMITMENTS_PER_COUNTRY: usize = 10;

pub async fn run(env: &Env, report: &mut Report) -> anyhow::Result<()> {
    let scale = &env.scale;
    eprintln!(
        "reads: /api/v1/progress against /healthz, {CONNECTIONS} connections, {} countries, {} milestones",
        scale.countries, scale.milestones
    );
    let (url, db) = fresh_database(&env.admin_url, DB).await?;
    let Database::Postgres(_) = &db else {
        bail!("the read benchmark runs on PostgreSQL")
    };
    let mut bulk = Bulk::new(db.clone(), Utc::now());
    let admin = admin(&mut bulk).await?;
    let all = countries(scale.countries)?;
    let per_commitment = scale.milestones / (all.len() * COMMITMENTS_PER_COUNTRY).max(1);
    let first_due = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    let mut n = 0usize;
    for &country in &all {
        engagement(&mut bulk, country).await?;
        for c in 0..COMMITMENTS_PER_COUNTRY {
            let commitment = commitment(&mut bulk, country, c).await?;
            for _ in 0..per_commitment {
                // Due dates over two years around today: some overdue, most not.
                let due = first_due + Duration::days((n % 730) as i64);
                milestone(&mut bulk, commitment, country, due, n % 3).await?;
                n += 1;
            }
        }
    }
    bulk.flush().await?;
    db.close().await;
    eprintln!("  generated {} events for {n} milestones", bulk.written);

    let server = Server::start(&env.server_bin, &url, &[]).await?;
    let token = Arc::new(server::token(admin));
    let progress = {
        let url = format!("{}/api/v1/progress", server.base);
        let token = token.clone();
        move |_: usize, client: reqwest::Client, _: u64| {
            let request = client.get(&url).bearer_auth(token.as_str());
            async move { crate::load::answered(request).await }
        }
    };
    let healthz = {
        let url = format!("{}/healthz", server.base);
        move |_: usize, client: reqwest::Client, _: u64| {
            let request = client.get(&url);
            async move { crate::load::answered(request).await }
        }
    };
    // A first pass warms both paths; the second is measured.
    load::run(
        CONNECTIONS,
        std::time::Duration::from_secs(1),
        progress.clone(),
    )
    .await;
    let baseline = load::run(CONNECTIONS, scale.run_for, healthz).await;
    let reads = load::run(CONNECTIONS, scale.run_for, progress).await;
    let body = load::client()
        .get(format!("{}/api/v1/progress", server.base))
        .bearer_auth(token.as_str())
        .send()
        .await?
        .bytes()
        .await?
        .len();
    let ratio = reads.rate() / baseline.rate().max(1e-9);
    report.add(Row {
        figure: format!(
            "Reads GET /api/v1/progress, {CONNECTIONS} connections, {} countries, {n} milestones",
            all.len()
        ),
        measured: format!(
            "{}, {:.0} KB each",
            rate_and_latency(&reads, "req"),
            body as f64 / 1024.0
        ),
        baseline: format!("/healthz {}", rate_and_latency(&baseline, "req")),
        ratio: Some(ratio),
        target: "≥ 0.50 of /healthz, p99 ≤ 20 ms".into(),
        met: Some(ratio >= 0.5 && reads.p99() <= 20.0 && reads.errors == 0),
    });
    drop(server);
    server::drop_database(&env.admin_url, DB).await
}
