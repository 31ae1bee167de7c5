//! Where the CPU of a run went, from Linux's `/proc`: the server, PostgreSQL, and this process
//! with the children it has waited for (pgbench).
//!
//! PostgreSQL's time is that of every live `postgres` process plus what its postmaster has
//! reaped: a backend that ends during the run (pgbench's do, at its end) is counted in the
//! postmaster's children's time. Everything PostgreSQL did in the window counts, its own
//! background work included.

/// Clock ticks per second of `/proc/<pid>/stat` (`USER_HZ`, 100 on Linux).
const TICKS: f64 = 100.0;

/// CPU seconds so far of each part.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample {
    pub server: f64,
    pub postgres: f64,
    /// This process (the load generator).
    pub own: f64,
    /// The children this process has waited for (pgbench).
    pub children: f64,
}

impl Sample {
    /// Read now; `server` is the server's process id.
    pub fn now(server: Option<u32>) -> Self {
        let own = stat(std::process::id()).unwrap_or_default();
        Self {
            server: server.and_then(stat).map(|s| s.own).unwrap_or_default(),
            postgres: postgres(),
            own: own.own,
            children: own.children,
        }
    }

    /// Both spells together.
    pub fn plus(&self, other: &Sample) -> Sample {
        Sample {
            server: self.server + other.server,
            postgres: self.postgres + other.postgres,
            own: self.own + other.own,
            children: self.children + other.children,
        }
    }

    /// What was spent from `earlier` to this sample.
    pub fn since(&self, earlier: &Sample) -> Sample {
        Sample {
            server: self.server - earlier.server,
            postgres: self.postgres - earlier.postgres,
            own: self.own - earlier.own,
            children: self.children - earlier.children,
        }
    }
}

/// A process's CPU seconds: its own, and those of its children it waited for.
#[derive(Debug, Clone, Copy, Default)]
struct Times {
    own: f64,
    children: f64,
    parent: u32,
}

fn stat(pid: u32) -> Option<Times> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_stat(&text)
}

/// Fields after the command name (which may hold spaces, hence the last `)`): state, ppid, …;
/// utime, stime, cutime and cstime are the 14th to 17th fields of the line.
fn parse_stat(text: &str) -> Option<Times> {
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| fields.get(n - 3)?.parse::<f64>().ok();
    Some(Times {
        own: (field(14)? + field(15)?) / TICKS,
        children: (field(16)? + field(17)?) / TICKS,
        parent: fields.get(1)?.parse().ok()?,
    })
}

/// The CPU seconds of PostgreSQL: every `postgres` process, and the reaped children of those
/// whose parent is not one (the postmasters).
fn postgres() -> f64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    let processes: Vec<(u32, Times)> = entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim_end() == "postgres")
        })
        .filter_map(|pid| Some((pid, stat(pid)?)))
        .collect();
    let is_postgres = |pid: u32| processes.iter().any(|(p, _)| *p == pid);
    processes
        .iter()
        .map(|(_, t)| {
            if is_postgres(t.parent) {
                t.own
            } else {
                t.own + t.children
            }
        })
        .sum()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_stat_line_is_read_past_a_command_name_with_spaces_and_parentheses() {
        let line =
            "42 (tokio rt) (x)) S 7 42 42 0 -1 4194560 100 0 0 0 250 50 30 20 20 0 4 0 1 0 0";
        let t = parse_stat(line).unwrap();
        assert_eq!(t.parent, 7);
        assert!((t.own - 3.0).abs() < 1e-9, "{t:?}");
        assert!((t.children - 0.5).abs() < 1e-9, "{t:?}");
    }

    /// Spinning, the process spends CPU, and a sample sees it: 0.1 s of it within 10 s of
    /// spinning, however busy the machine's other cores are (a sampler that sees nothing fails).
    #[test]
    fn this_process_spends_cpu_that_a_sample_sees() {
        let before = Sample::now(None);
        let mut x = 0u64;
        let began = std::time::Instant::now();
        let mut spent = Sample::now(None).since(&before);
        while spent.own < 0.1 && began.elapsed() < std::time::Duration::from_secs(10) {
            for _ in 0..1_000_000 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
            spent = Sample::now(None).since(&before);
        }
        assert!(spent.own >= 0.1, "{spent:?}");
    }
}
