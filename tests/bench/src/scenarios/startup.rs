//! Start-up: from process start to `/readyz` 200 on a log of 1 M events over 50,000 milestones
//! (SQLite, 20 events each), reading the read model's snapshot and the events after it,
//! against the first start on the same log, which replays all of it.

use std::time::{Duration, Instant};

use anyhow::bail;
use chrono::{NaiveDate, Utc};
use safeguards_infra::Database;

use crate::generate::Bulk;
use crate::report::{Report, Row};
use crate::scenarios::{admin, commitment, countries, engagement, milestone};
use crate::server::Server;
use crate::Env;

const COUNTRIES: usize = 25;
const COMMITMENTS_PER_COUNTRY: usize = 10;

/// Start the server and measure: seconds to ready, peak RSS in MiB.
async fn start(env: &Env, url: &str) -> anyhow::Result<(Server, f64, f64)> {
    let began = Instant::now();
    let server = Server::start(&env.server_bin, url, &[]).await?;
    let seconds = began.elapsed().as_secs_f64();
    let peak = server.peak_rss_mib().unwrap_or(f64::NAN);
    Ok((server, seconds, peak))
}

pub async fn run(env: &Env, report: &mut Report) -> anyhow::Result<()> {
    // Enough for a snapshot to be written after the first start (100,000 events) in every mode.
    let milestones = env.scale.mode.pick(5_500, 10_000, 50_000);
    eprintln!("start-up: {milestones} milestones of 20 events each (SQLite), from the snapshot against a replay");
    let dir = std::env::temp_dir().join(format!(
        "sg-bench-startup-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}", dir.join("safeguards.db").display());
    let db = Database::connect(&url).await?;
    db.migrate().await?;
    let began = Instant::now();
    let mut bulk = Bulk::new(db.clone(), Utc::now());
    admin(&mut bulk).await?;
    let per_commitment = milestones / (COUNTRIES * COMMITMENTS_PER_COUNTRY);
    let due = NaiveDate::from_ymd_opt(2027, 6, 30).unwrap_or_default();
    for country in countries(COUNTRIES)? {
        engagement(&mut bulk, country).await?;
        for c in 0..COMMITMENTS_PER_COUNTRY {
            let commitment = commitment(&mut bulk, country, c).await?;
            for _ in 0..per_commitment {
                milestone(&mut bulk, commitment, country, due, 18).await?;
            }
        }
    }
    bulk.flush().await?;
    let events = bulk.written;
    eprintln!("  generated {events} events in {:.0?}", began.elapsed());

    // The first start replays the whole log, then writes the snapshot beside the requests.
    let (server, replay_s, replay_rss) = start(env, &url).await?;
    let deadline = Instant::now() + Duration::from_secs(300);
    while !saved(&db).await? {
        if Instant::now() > deadline {
            bail!("no snapshot of the read model was written within five minutes");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    drop(server);
    let (server, snapshot_s, snapshot_rss) = start(env, &url).await?;
    drop(server);
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    report.add(Row {
        figure: format!(
            "Start-up to /readyz, {events} events over {milestones} milestones (SQLite)"
        ),
        measured: format!("from the snapshot: {snapshot_s:.2} s, peak RSS {snapshot_rss:.0} MiB"),
        baseline: format!("replaying the log: {replay_s:.2} s, peak RSS {replay_rss:.0} MiB"),
        ratio: Some(snapshot_s / replay_s),
        target: "≤ 2 s and ≤ 256 MiB".into(),
        met: Some(snapshot_s <= 2.0 && snapshot_rss <= 256.0),
    });
    Ok(())
}

/// Whether a snapshot of the read model is stored.
async fn saved(db: &Database) -> anyhow::Result<bool> {
    Ok(safeguards_infra::probe::model_snapshots(db).await? > 0)
}
