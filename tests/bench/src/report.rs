//! The table the suite prints: one row per figure, with its baseline, their ratio and the target.

use crate::Env;

/// One measured figure.
#[derive(Debug, Clone)]
pub struct Row {
    pub figure: String,
    pub measured: String,
    pub baseline: String,
    /// Measured over baseline, where the target is a ratio.
    pub ratio: Option<f64>,
    pub target: String,
    /// Whether the target is met; `None` for figures without a target.
    pub met: Option<bool>,
}

/// The rows so far, and what the run was on.
#[derive(Debug)]
pub struct Report {
    heading: String,
    rows: Vec<Row>,
    /// Smoke runs are too small to judge: their rows carry no verdict.
    judge: bool,
}

impl Report {
    pub fn new(env: &Env) -> Self {
        let heading = format!(
            "Safeguards Tracker benchmarks — {} mode, {}\nMachine: {}",
            env.scale.mode.name(),
            chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
            machine()
        );
        Self {
            heading,
            rows: Vec::new(),
            judge: env.scale.mode != crate::Mode::Smoke,
        }
    }

    /// Add a row and print it at once, so a long run shows its progress.
    pub fn add(&mut self, mut row: Row) {
        if !self.judge && row.met.is_some() {
            row.met = None;
            row.target = format!("{} (not judged at smoke sizes)", row.target);
        }
        eprintln!(
            "  {}: {} (baseline {}){}{}",
            row.figure,
            row.measured,
            row.baseline,
            row.ratio
                .map(|r| format!(", ratio {r:.2}"))
                .unwrap_or_default(),
            match row.met {
                Some(true) => " — target met",
                Some(false) => " — TARGET MISSED",
                None => "",
            }
        );
        self.rows.push(row);
    }

    /// The whole run as a Markdown table.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{}\n\n| figure | measured | baseline (same run) | ratio | target | met |\n|---|---|---|---|---|---|\n",
            self.heading
        );
        for r in &self.rows {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                r.figure,
                r.measured,
                r.baseline,
                r.ratio
                    .map(|r| format!("{r:.2}"))
                    .unwrap_or_else(|| "—".into()),
                r.target,
                match r.met {
                    Some(true) => "yes",
                    Some(false) => "**no**",
                    None => "—",
                }
            ));
        }
        out
    }
}

/// CPU model, cores, memory and kernel, from /proc.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(str::trim)
        .unwrap_or("unknown CPU")
        .to_string();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mem_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0 / 1024.0)
        .unwrap_or(0.0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "{model}, {cores} cores, {mem_gib:.0} GiB, Linux {}",
        kernel.trim()
    )
}
