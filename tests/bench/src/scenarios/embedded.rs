//! The embedded store: commands through the SQLite event store against raw inserts of the same
//! rows into the same kind of database (WAL, synchronous=FULL), each insert a transaction of its
//! own, as each command's append is.

use std::time::Instant;

use anyhow::bail;
use safeguards_domain::milestone::{Milestone, MilestoneCommand};
use safeguards_domain::values::Percent;
use safeguards_infra::{CommandContext, Database, EventStore};

use crate::load::median;
use crate::report::{Report, Row};
use crate::Env;

const ROUNDS: usize = 3;

pub async fn run(env: &Env, report: &mut Report) -> anyhow::Result<()> {
    let n = env.scale.embedded_commands;
    eprintln!("embedded store: {n} commands on SQLite against {n} raw inserts");
    let dir =
        std::env::temp_dir().join(format!("sg-bench-sqlite-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let db =
        Database::connect(&format!("sqlite://{}", dir.join("safeguards.db").display())).await?;
    db.migrate().await?;
    let Database::Sqlite(_) = &db else {
        bail!("a sqlite:// URL opens SQLite")
    };
    let store = EventStore::new(db.clone());
    let seeded = safeguards_tests::seed::started_milestones(&store, "bench@example.org", 1).await;
    let id = &seeded.milestones[0];
    let ctx = CommandContext::system("bench");

    // The row a progress report writes, for the raw side.
    let sample = store
        .execute::<Milestone>(
            id,
            MilestoneCommand::ReportProgress {
                percent: Percent::parse(1)?,
                note: None,
            },
            &ctx,
            None,
        )
        .await?;
    let (payload, metadata) = safeguards_infra::probe::stored_row(&db, sample.position).await?;

    let (mut store_rates, mut raw_rates) = (Vec::new(), Vec::new());
    let mut raw_sequence = 0i64;
    for _ in 0..ROUNDS {
        let began = Instant::now();
        for i in 0..n {
            raw_sequence += 1;
            safeguards_infra::probe::raw_append(&db, "raw", raw_sequence, &payload, &metadata)
                .await?;
            std::hint::black_box(i);
        }
        raw_rates.push(n as f64 / began.elapsed().as_secs_f64());

        let began = Instant::now();
        for i in 0..n {
            let command = MilestoneCommand::ReportProgress {
                percent: Percent::parse((i % 101) as i64)?,
                note: None,
            };
            store.execute::<Milestone>(id, command, &ctx, None).await?;
        }
        store_rates.push(n as f64 / began.elapsed().as_secs_f64());
    }
    let commands = median(&mut store_rates);
    let raw = median(&mut raw_rates);
    let ratio = commands / raw;
    report.add(Row {
        figure: "Embedded store (SQLite), 1 writer".into(),
        measured: format!("{commands:.0} commands/s"),
        baseline: format!("raw WAL inserts {raw:.0} rows/s"),
        ratio: Some(ratio),
        target: "≥ 0.80 of raw inserts".into(),
        met: Some(ratio >= 0.8),
    });
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
