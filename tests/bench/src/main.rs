//! `safeguards-bench`: the benchmark suite of the Safeguards Tracker.
//!
//! Every figure is printed beside a baseline measured in the same run on the same machine, and
//! judged by their ratio: shared machines are noisy, ratios much less so. Run it through
//! `tests/bench/run` (release build); `--full` for the sizes of the targets, quick otherwise.

mod generate;
mod load;
mod pgbench;
mod report;
mod scenarios;
mod server;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, ValueEnum};

use crate::report::Report;

#[derive(Debug, Parser)]
#[command(
    about = "Benchmarks of the Safeguards Tracker against baselines measured in the same run"
)]
struct Args {
    /// The full suite: target sizes and longer runs (about ten minutes). Quick by default.
    #[arg(long)]
    full: bool,
    /// A PostgreSQL server where this user may create databases; the suite creates and drops
    /// databases named `safeguards_bench_*` there.
    #[arg(
        long,
        env = "SAFEGUARDS_BENCH_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    database_url: String,
    /// Run only these scenarios (comma-separated).
    #[arg(long, value_delimiter = ',')]
    only: Vec<Scenario>,
    /// The pgbench executable (default: found on PATH or under /usr/lib/postgresql).
    #[arg(long, env = "PGBENCH")]
    pgbench: Option<PathBuf>,
    /// The `safeguards` binary to measure (default: the one next to this executable).
    #[arg(long)]
    server: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    Commands,
    Rebuild,
    Reads,
    Long,
    Digest,
    Embedded,
    Hostile,
}

/// Sizes and durations of a run.
#[derive(Debug, Clone)]
pub struct Scale {
    pub full: bool,
    /// Each load level of the command path, and each side of the read comparison.
    pub run_for: Duration,
    pub client_levels: Vec<usize>,
    pub rebuild_events: u64,
    pub countries: usize,
    pub milestones: usize,
    pub long_history: usize,
    pub long_samples: usize,
    pub subscribers: usize,
    /// Milestones per country (of 25) in the digest's long log, 20 events each.
    pub digest_milestones_per_country: usize,
    pub embedded_commands: usize,
}

impl Scale {
    fn new(full: bool) -> Self {
        Self {
            full,
            run_for: Duration::from_secs(if full { 15 } else { 4 }),
            client_levels: vec![1, 8, 32, 64],
            rebuild_events: if full { 1_000_000 } else { 200_000 },
            countries: 200,
            milestones: if full { 50_000 } else { 10_000 },
            long_history: 10_000,
            long_samples: if full { 500 } else { 100 },
            subscribers: if full { 10_000 } else { 2_000 },
            digest_milestones_per_country: if full { 2_000 } else { 400 },
            embedded_commands: if full { 5_000 } else { 1_000 },
        }
    }
}

/// What every scenario needs.
#[derive(Debug)]
pub struct Env {
    pub admin_url: String,
    pub server_bin: PathBuf,
    pub pgbench: PathBuf,
    pub scale: Scale,
}

fn find_pgbench(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(p) = given {
        return Ok(p);
    }
    let on_path = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("pgbench"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let mut installed: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path().join("bin/pgbench"))
                .collect()
        })
        .unwrap_or_default();
    installed.sort();
    installed.reverse();
    on_path
        .into_iter()
        .chain(installed)
        .find(|p| p.is_file())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "pgbench not found: install PostgreSQL's client programs or pass --pgbench"
            )
        })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let server_bin = match args.server {
        Some(p) => p,
        None => std::env::current_exe()?
            .parent()
            .map(|d| d.join("safeguards"))
            .ok_or_else(|| anyhow::anyhow!("no directory for the server binary"))?,
    };
    anyhow::ensure!(
        server_bin.is_file(),
        "{} is missing: build it first (cargo build --release -p safeguards)",
        server_bin.display()
    );
    let env = Env {
        admin_url: args.database_url,
        server_bin,
        pgbench: find_pgbench(args.pgbench)?,
        scale: Scale::new(args.full),
    };
    let wanted = |s: Scenario| args.only.is_empty() || args.only.contains(&s);
    let mut report = Report::new(&env);
    eprintln!(
        "safeguards-bench: {} mode against {}",
        if env.scale.full { "full" } else { "quick" },
        env.admin_url
    );
    for scenario in Scenario::value_variants() {
        if !wanted(*scenario) {
            continue;
        }
        let outcome = match scenario {
            Scenario::Commands => scenarios::commands::run(&env, &mut report).await,
            Scenario::Rebuild => scenarios::rebuild::run(&env, &mut report).await,
            Scenario::Reads => scenarios::reads::run(&env, &mut report).await,
            Scenario::Long => scenarios::long::run(&env, &mut report).await,
            Scenario::Digest => scenarios::digest::run(&env, &mut report).await,
            Scenario::Embedded => scenarios::embedded::run(&env, &mut report).await,
            Scenario::Hostile => scenarios::hostile::run(&env, &mut report).await,
        };
        // One scenario failing does not cost the others their figures.
        if let Err(e) = outcome {
            report.add(report::Row {
                figure: format!("{scenario:?}"),
                measured: format!("failed: {e:#}"),
                baseline: "—".into(),
                ratio: None,
                target: "—".into(),
                met: Some(false),
            });
        }
    }
    println!("{}", report.table());
    Ok(())
}
