//! Projection rebuild: fold a generated log of events into a fresh read model, against
//! a `COPY … TO STDOUT` of the same rows in position order.

use std::time::{Duration, Instant};

use anyhow::bail;
use chrono::{NaiveDate, Utc};
use safeguards_infra::{projector, Database};

use crate::generate::Bulk;
use crate::load::median;
use crate::report::{Report, Row};
use crate::scenarios::{commitment, countries, engagement, milestone};
use crate::server::{self, fresh_database};
use crate::Env;

const DB: &str = "safeguards_bench_rebuild";
/// Events per generated milestone.
const PER_MILESTONE: u64 = 1_000;
const ROUNDS: usize = 3;

pub async fn run(env: &Env, report: &mut Report) -> anyhow::Result<()> {
    let wanted = env.scale.rebuild_events;
    eprintln!("projection rebuild: {wanted} events against COPY of the same rows");
    let (_, db) = fresh_database(&env.admin_url, DB).await?;
    let Database::Postgres(_) = &db else {
        bail!("the rebuild benchmark runs on PostgreSQL")
    };
    let began = Instant::now();
    let mut bulk = Bulk::new(db.clone(), Utc::now());
    let country = countries(1)?[0];
    engagement(&mut bulk, country).await?;
    let c = commitment(&mut bulk, country, 0).await?;
    let due = NaiveDate::from_ymd_opt(2027, 6, 30).unwrap_or_default();
    for _ in 0..wanted.div_ceil(PER_MILESTONE) {
        milestone(&mut bulk, c, country, due, (PER_MILESTONE - 2) as usize).await?;
    }
    bulk.flush().await?;
    safeguards_infra::probe::vacuum(&db).await?;
    let events = bulk.written;
    eprintln!("  generated {events} events in {:.0?}", began.elapsed());

    let (mut copy_rates, mut fold_rates) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let began = Instant::now();
        let rows = safeguards_infra::feed::copy_all(&db).await?;
        copy_rates.push(rows as f64 / began.elapsed().as_secs_f64());

        let began = Instant::now();
        let (model, folded) = projector::replay(&db, i64::MAX, None, |_| {}).await?;
        let elapsed = began.elapsed();
        if folded != events {
            bail!("the rebuild folded {folded} events of {events}");
        }
        drop(model);
        fold_rates.push(folded as f64 / elapsed.as_secs_f64());
    }
    let copy = median(&mut copy_rates);
    let fold = median(&mut fold_rates);
    let ratio = fold / copy;
    report.add(Row {
        figure: format!("Projection rebuild, {events} events"),
        measured: format!(
            "{:.0} events/s ({:.1?})",
            fold,
            Duration::from_secs_f64(events as f64 / fold)
        ),
        baseline: format!("COPY {copy:.0} rows/s"),
        ratio: Some(ratio),
        target: "≥ 0.50 of COPY".into(),
        met: Some(ratio >= 0.5),
    });
    // The ledger's first pass over the same log: every event hashed into the chain and its row
    // written, as a server does once after an upgrade to a store without a chain.
    let began = Instant::now();
    let head = safeguards_infra::ledger::catch_up_all(&db).await?;
    let elapsed = began.elapsed();
    if head.index != events {
        bail!("the ledger chained {} events of {events}", head.index);
    }
    let chain = events as f64 / elapsed.as_secs_f64();
    report.add(Row {
        figure: format!("Ledger chaining, {events} events"),
        measured: format!("{chain:.0} events/s ({elapsed:.1?})"),
        baseline: format!("COPY {copy:.0} rows/s"),
        ratio: Some(chain / copy),
        target: "none (background work)".into(),
        met: None,
    });
    db.close().await;
    server::drop_database(&env.admin_url, DB).await
}
