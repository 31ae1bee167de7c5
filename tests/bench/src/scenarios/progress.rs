//! One country's progress with 2,000 milestones: the size of the default (paged) answer against
//! the whole one, and the time of `as_of` against the answer of today. Each milestone has 20
//! events, as in a log of 1 M events over 50,000 milestones.

use std::time::Instant;

use anyhow::{bail, ensure};
use chrono::{Duration, NaiveDate, Utc};
use safeguards_infra::Database;

use crate::generate::Bulk;
use crate::load::median;
use crate::report::{Report, Row};
use crate::scenarios::{admin, commitment, countries, engagement, milestone};
use crate::server::{self, fresh_database, Server};
use crate::Env;

const DB: &str = "safeguards_bench_progress";
const COMMITMENTS: usize = 10;
const SAMPLES: usize = 21;

/// The body of `path` and the median time to answer it.
async fn timed(server: &Server, token: &str, path: &str) -> anyhow::Result<(usize, f64)> {
    let http = crate::load::client();
    let (mut times, mut size) = (Vec::new(), 0);
    for n in 0..SAMPLES {
        let began = Instant::now();
        let answer = http
            .get(format!("{}{path}", server.base))
            .bearer_auth(token)
            .send()
            .await?;
        ensure!(answer.status().is_success(), "{path}: {}", answer.status());
        size = answer.bytes().await?.len();
        // The first answer warms the path.
        if n > 0 {
            times.push(began.elapsed().as_secs_f64() * 1000.0);
        }
    }
    Ok((size, median(&mut times)))
}

pub async fn run(env: &Env, report: &mut Report) -> anyhow::Result<()> {
    let wanted = env.scale.mode.pick(100, 2_000, 2_000);
    eprintln!("progress of one country with {wanted} milestones: paged size, as_of time");
    let (url, db) = fresh_database(&env.admin_url, DB).await?;
    let Database::Postgres(_) = &db else {
        bail!("the progress benchmark runs on PostgreSQL")
    };
    let mut bulk = Bulk::new(db.clone(), Utc::now());
    let admin = admin(&mut bulk).await?;
    let country = countries(1)?[0];
    engagement(&mut bulk, country).await?;
    let first_due = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    for c in 0..COMMITMENTS {
        let commitment = commitment(&mut bulk, country, c).await?;
        for n in 0..wanted / COMMITMENTS {
            let due = first_due + Duration::days((n % 730) as i64);
            // 20 events each, as in a log of 1 M events over 50,000 milestones.
            milestone(&mut bulk, commitment, country, due, 18).await?;
        }
    }
    bulk.flush().await?;
    db.close().await;
    let events = bulk.written;

    let server = Server::start(&env.server_bin, &url, &[]).await?;
    let token = server::token(admin);
    let code = country.as_str();
    let path = format!("/api/v1/progress/{code}");
    let (paged, today_ms) = timed(&server, &token, &path).await?;
    let (whole, _) = timed(
        &server,
        &token,
        &format!("{path}?limit=200&milestone_limit=1000"),
    )
    .await?;
    // The end of today: the whole log, replayed for this country.
    let today = Utc::now().date_naive();
    let (_, as_of_ms) = timed(&server, &token, &format!("{path}?as_of={today}")).await?;
    report.add(Row {
        figure: format!("GET {path}, {wanted} milestones: size by default"),
        measured: format!("{:.0} KB", paged as f64 / 1024.0),
        baseline: format!("every milestone listed: {:.0} KB", whole as f64 / 1024.0),
        ratio: Some(paged as f64 / whole as f64),
        target: "≤ 100 KB".into(),
        met: Some(paged <= 100 * 1024),
    });
    report.add(Row {
        figure: format!("GET {path}?as_of=…, {wanted} milestones ({events} events)"),
        measured: format!("median {as_of_ms:.1} ms"),
        baseline: format!("today's answer: median {today_ms:.1} ms"),
        ratio: Some(as_of_ms / today_ms.max(1e-9)),
        target: "≤ 50 ms".into(),
        met: Some(as_of_ms <= 50.0),
    });
    drop(server);
    server::drop_database(&env.admin_url, DB).await
}
