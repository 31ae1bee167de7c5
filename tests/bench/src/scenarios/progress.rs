//! One country's progress with 2,000 milestones: the size of the default (paged) answer against
//! the whole one, and the time of `as_of` — from the country's checkpoint and nearly another
//! checkpoint's worth of events after it — against the fold of the country from its first
//! event. Each milestone has 20 events, as in a log of 1 M events over 50,000 milestones.

use std::time::Instant;

use anyhow::{bail, ensure};
use chrono::{Duration, NaiveDate, Utc};
use safeguards_infra::checkpoints::{self, CountryAggregates, CHECKPOINT_EVERY};
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

/// Wait until the server's read model has folded every event written (`/readyz`).
async fn caught_up(server: &Server) -> anyhow::Result<()> {
    let http = crate::load::client();
    let began = Instant::now();
    while began.elapsed() < std::time::Duration::from_secs(120) {
        let ready: serde_json::Value = http
            .get(format!("{}/readyz", server.base))
            .send()
            .await?
            .json()
            .await?;
        if ready["projection"]["behind"] == false {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    bail!("the read model did not catch up within two minutes")
}

/// Wait until a checkpoint of `country` is stored; how long that took.
async fn first_checkpoint(db: &Database, country: &str) -> anyhow::Result<f64> {
    let began = Instant::now();
    while checkpoints::kept(db, country).await?.is_empty() {
        ensure!(
            began.elapsed() < std::time::Duration::from_secs(120),
            "no checkpoint of {country} within two minutes"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    Ok(began.elapsed().as_secs_f64())
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
    let code = country.as_str();
    engagement(&mut bulk, country).await?;
    let mut aggregates = vec![("engagement", code.to_string())];
    let first_due = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    let due = |n: usize| first_due + Duration::days((n % 730) as i64);
    let mut last = None;
    for c in 0..COMMITMENTS {
        let commitment = commitment(&mut bulk, country, c).await?;
        aggregates.push(("commitment", commitment.to_string()));
        for n in 0..wanted / COMMITMENTS {
            // 20 events each, as in a log of 1 M events over 50,000 milestones.
            let m = milestone(&mut bulk, commitment, country, due(n), 18).await?;
            aggregates.push(("milestone", m.id));
        }
        last = Some(commitment);
    }
    bulk.flush().await?;

    // A log without checkpoints (as after an upgrade): the first answer folds the whole
    // country and asks for the country's checkpoint, which the projector writes beside it.
    let server = Server::start(&env.server_bin, &url, &[]).await?;
    let token = server::token(admin);
    let path = format!("/api/v1/progress/{code}");
    let today = Utc::now().date_naive();
    let http = crate::load::client();
    let began = Instant::now();
    let first = http
        .get(format!("{}{path}?as_of={today}", server.base))
        .bearer_auth(&token)
        .send()
        .await?;
    ensure!(first.status().is_success(), "as_of: {}", first.status());
    first.bytes().await?;
    let first_ms = began.elapsed().as_secs_f64() * 1000.0;
    let checkpoint_s = first_checkpoint(&db, code).await?;
    // The country then goes on by nearly another checkpoint's worth of events, which an answer
    // as of today folds after the checkpoint: the most it ever folds.
    let more = (CHECKPOINT_EVERY as usize - 1) / 20;
    if let Some(commitment) = last {
        for n in 0..more {
            let m = milestone(&mut bulk, commitment, country, due(n), 18).await?;
            aggregates.push(("milestone", m.id));
        }
    }
    bulk.flush().await?;
    let events = bulk.written;
    caught_up(&server).await?;
    let kept = checkpoints::kept(&db, code).await?;
    ensure!(kept.len() == 1, "checkpoints of {code}: {kept:?}");

    let (paged, today_ms) = timed(&server, &token, &path).await?;
    let (whole, _) = timed(
        &server,
        &token,
        &format!("{path}?limit=200&milestone_limit=1000"),
    )
    .await?;
    // The end of today: the checkpoint, then the events after it.
    let (_, as_of_ms) = timed(&server, &token, &format!("{path}?as_of={today}")).await?;
    // The same fold from the country's first event, as `as_of` did before checkpoints (in
    // this process: without the HTTP round trip and the rendering of the answer).
    let cutoff = Utc::now() + Duration::days(1);
    // Every event of every aggregate the country has.
    let everything = CountryAggregates {
        position: i64::MAX,
        held: aggregates
            .iter()
            .map(|(t, id)| (*t, id.clone(), i64::MAX))
            .collect(),
    };
    let mut replays = Vec::new();
    for _ in 0..5 {
        let began = Instant::now();
        let model = checkpoints::replay_country(&db, &everything, cutoff).await?;
        replays.push(began.elapsed().as_secs_f64() * 1000.0);
        ensure!(
            model.milestones.len() == wanted + more,
            "the fold misses milestones"
        );
    }
    let replay_ms = median(&mut replays);
    db.close().await;
    let milestones = wanted + more;
    report.add(Row {
        figure: format!("GET {path}, {milestones} milestones: size by default"),
        measured: format!("{:.0} KB", paged as f64 / 1024.0),
        baseline: format!("every milestone listed: {:.0} KB", whole as f64 / 1024.0),
        ratio: Some(paged as f64 / whole as f64),
        target: "≤ 100 KB".into(),
        met: Some(paged <= 100 * 1024),
    });
    report.add(Row {
        figure: format!(
            "GET {path}?as_of=…, {milestones} milestones ({events} events, {more}×20 after the checkpoint)"
        ),
        measured: format!("median {as_of_ms:.1} ms"),
        baseline: format!(
            "the country folded from its first event: median {replay_ms:.1} ms (the first answer, before any checkpoint: {first_ms:.0} ms, its checkpoint written {checkpoint_s:.1} s later); today's answer: median {today_ms:.1} ms"
        ),
        ratio: Some(as_of_ms / replay_ms.max(1e-9)),
        target: "≤ 50 ms".into(),
        met: Some(as_of_ms <= 50.0),
    });
    drop(server);
    server::drop_database(&env.admin_url, DB).await
}
