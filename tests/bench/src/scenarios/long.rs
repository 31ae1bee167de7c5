//! Long histories: command latency on a milestone with 10,000 events against one with 10.

use std::time::{Duration, Instant};

use anyhow::bail;
use chrono::{NaiveDate, Utc};
use safeguards_infra::Database;
use serde_json::json;

use crate::generate::Bulk;
use crate::load::{self, Stats};
use crate::report::{Report, Row};
use crate::scenarios::{admin, commitment, countries, engagement, milestone};
use crate::server::{self, fresh_database, Server};
use crate::Env;

const DB: &str = "safeguards_bench_long";
const SHORT: usize = 10;

pub async fn run(env: &Env, report: &mut Report) -> anyhow::Result<()> {
    let long = env.scale.long_history;
    eprintln!("long histories: commands on {long} events against {SHORT}");
    let (url, db) = fresh_database(&env.admin_url, DB).await?;
    let Database::Postgres(_) = &db else {
        bail!("the long-history benchmark runs on PostgreSQL")
    };
    let mut bulk = Bulk::new(db.clone(), Utc::now());
    let admin = admin(&mut bulk).await?;
    let country = countries(1)?[0];
    engagement(&mut bulk, country).await?;
    let c = commitment(&mut bulk, country, 0).await?;
    let due = NaiveDate::from_ymd_opt(2027, 6, 30).unwrap_or_default();
    let short = milestone(&mut bulk, c, country, due, SHORT - 2).await?;
    let long_one = milestone(&mut bulk, c, country, due, long - 2).await?;
    bulk.flush().await?;
    db.close().await;

    let server = Server::start(&env.server_bin, &url, &[]).await?;
    let token = server::token(admin);
    let http = load::client();
    let command = |id: &str, n: usize| {
        http.post(format!("{}/api/v1/milestones/{id}/progress", server.base))
            .bearer_auth(&token)
            .json(&json!({ "percent": n % 101 }))
    };
    let (mut on_short, mut on_long) = (Vec::new(), Vec::new());
    let mut errors = 0;
    // Alternate the two so that both see the same machine; the histories grow by the samples,
    // which is small beside 10,000.
    for n in 0..env.scale.long_samples {
        for (id, into) in [(&short.id, &mut on_short), (&long_one.id, &mut on_long)] {
            let sent = Instant::now();
            if load::answered(command(id, n)).await {
                into.push(sent.elapsed());
            } else {
                errors += 1;
            }
        }
    }
    let short_stats = Stats::from_latencies(on_short, 0, Duration::ZERO);
    let long_stats = Stats::from_latencies(on_long, 0, Duration::ZERO);
    let ratio = long_stats.p50() / short_stats.p50().max(1e-9);
    report.add(Row {
        figure: format!("Long history, command on {long} events"),
        measured: format!(
            "p50 {:.2} ms, p99 {:.2} ms{}",
            long_stats.p50(),
            long_stats.p99(),
            if errors > 0 {
                format!(", {errors} errors")
            } else {
                String::new()
            }
        ),
        baseline: format!(
            "{SHORT} events: p50 {:.2} ms, p99 {:.2} ms",
            short_stats.p50(),
            short_stats.p99()
        ),
        ratio: Some(ratio),
        target: "≤ 1.5× (p50)".into(),
        met: Some(ratio <= 1.5 && errors == 0),
    });
    drop(server);
    server::drop_database(&env.admin_url, DB).await
}
