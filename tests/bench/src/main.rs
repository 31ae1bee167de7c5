//! `safeguards-bench`: the benchmark suite of the Safeguards Tracker.
//!
//! Every figure is printed beside a baseline measured in the same run on the same machine, and
//! judged by their ratio: shared machines are noisy, ratios much less so. Run it through
//! `tests/bench/run` (release build); `--full` for the sizes of the targets, quick otherwise.

mod cpu;
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
    #[arg(long, conflicts_with = "smoke")]
    full: bool,
    /// Tiny sizes and one-second runs: proves in seconds that every scenario still runs (CI),
    /// without judging the figures. The exit status says whether every scenario ran.
    #[arg(long)]
    smoke: bool,
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
    Startup,
    Reads,
    Progress,
    Long,
    Digest,
    Embedded,
    Hostile,
    Documents,
}

/// How big a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Tiny sizes: every scenario runs, no figure is judged.
    Smoke,
    Quick,
    /// The sizes of the targets.
    Full,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Smoke => "smoke",
            Mode::Quick => "quick",
            Mode::Full => "full",
        }
    }

    /// The size of this mode among a smoke, a quick and a full one.
    pub fn pick<T>(self, smoke: T, quick: T, full: T) -> T {
        match self {
            Mode::Smoke => smoke,
            Mode::Quick => quick,
            Mode::Full => full,
        }
    }
}

/// Sizes and durations of a run.
#[derive(Debug, Clone)]
pub struct Scale {
    pub mode: Mode,
    pub full: bool,
    /// Each load level of the command path, and each side of the read comparison.
    pub run_for: Duration,
    /// The rounds `run_for` is cut into at each level of the command path, the two sides
    /// taking turns: a spell of the shared machine's noise falls on both.
    pub rounds: u32,
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
    fn new(mode: Mode) -> Self {
        let pick = |smoke, quick, full| mode.pick(smoke, quick, full);
        let pick_n = |smoke, quick, full| mode.pick::<usize>(smoke, quick, full);
        Self {
            mode,
            full: mode == Mode::Full,
            run_for: Duration::from_secs(pick(1, 4, 15)),
            rounds: pick(1, 1, 3) as u32,
            client_levels: mode.pick(vec![1, 4], vec![1, 8, 32, 64], vec![1, 8, 32, 64]),
            rebuild_events: pick(5_000, 200_000, 1_000_000),
            countries: pick_n(5, 200, 200),
            milestones: pick_n(100, 10_000, 50_000),
            long_history: pick_n(200, 10_000, 10_000),
            long_samples: pick_n(10, 100, 500),
            subscribers: pick_n(20, 2_000, 10_000),
            digest_milestones_per_country: pick_n(4, 400, 2_000),
            embedded_commands: pick_n(50, 1_000, 5_000),
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
        scale: Scale::new(match (args.smoke, args.full) {
            (true, _) => Mode::Smoke,
            (false, true) => Mode::Full,
            (false, false) => Mode::Quick,
        }),
    };
    let wanted = |s: Scenario| args.only.is_empty() || args.only.contains(&s);
    let mut report = Report::new(&env);
    eprintln!(
        "safeguards-bench: {} mode against {}",
        env.scale.mode.name(),
        env.admin_url
    );
    let mut failed = Vec::new();
    for scenario in Scenario::value_variants() {
        if !wanted(*scenario) {
            continue;
        }
        let outcome = match scenario {
            Scenario::Commands => scenarios::commands::run(&env, &mut report).await,
            Scenario::Rebuild => scenarios::rebuild::run(&env, &mut report).await,
            Scenario::Startup => scenarios::startup::run(&env, &mut report).await,
            Scenario::Reads => scenarios::reads::run(&env, &mut report).await,
            Scenario::Progress => scenarios::progress::run(&env, &mut report).await,
            Scenario::Long => scenarios::long::run(&env, &mut report).await,
            Scenario::Digest => scenarios::digest::run(&env, &mut report).await,
            Scenario::Embedded => scenarios::embedded::run(&env, &mut report).await,
            Scenario::Hostile => scenarios::hostile::run(&env, &mut report).await,
            Scenario::Documents => scenarios::documents::run(&env, &mut report).await,
        };
        // One scenario failing does not cost the others their figures.
        if let Err(e) = outcome {
            failed.push(format!("{scenario:?}"));
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
    anyhow::ensure!(failed.is_empty(), "scenarios failed: {}", failed.join(", "));
    Ok(())
}
