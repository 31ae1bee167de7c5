//! A private PostgreSQL cluster in a temporary folder, on ports of its own, run as the
//! `postgres` user when the tests run as root: a primary and, when asked, a synchronous
//! standby. Never the shared server, so a test may stop, crash or promote it. Both servers are
//! stopped and the folder removed on drop.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use safeguards_infra::sql::probe as sql;
use safeguards_infra::{Database, EventStore};
use safeguards_tests::seed::{started_milestones, Seeded};

/// One server of the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    Primary,
    Standby,
}

impl Node {
    fn name(self) -> &'static str {
        match self {
            Node::Primary => "primary",
            Node::Standby => "standby",
        }
    }
}

pub struct Cluster {
    pub dir: PathBuf,
    bin: PathBuf,
    primary: u16,
    standby: u16,
}

/// The newest PostgreSQL server binaries installed.
fn pg_bin() -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<PathBuf> = std::fs::read_dir(root)
        .expect("PostgreSQL server binaries in /usr/lib/postgresql (apt-get install postgresql)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("an initdb")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false)
}

impl Cluster {
    /// A primary, alone for now, in a folder named after `name`.
    pub fn start(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("sg-pg-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        if is_root() {
            assert!(Command::new("chown")
                .args(["postgres:postgres", dir.to_str().unwrap()])
                .status()
                .unwrap()
                .success());
        }
        let cluster = Self {
            dir,
            bin: pg_bin(),
            primary: super::free_port(),
            standby: super::free_port(),
        };
        let primary = cluster.data(Node::Primary);
        cluster.run(
            "initdb",
            &["-D", &primary, "-A", "trust", "-U", "postgres", "--no-sync"],
        );
        cluster.up(Node::Primary);
        cluster
    }

    /// Copy the primary into the standby, start it, make the primary's commits wait for it
    /// (after the copy: the standby, once promoted, waits for no one), and wait until they do.
    pub fn add_standby(&self) {
        let standby = self.data(Node::Standby);
        self.run(
            "pg_basebackup",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &self.primary.to_string(),
                "-U",
                "postgres",
                "-D",
                &standby,
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                "--no-sync",
            ],
        );
        self.up(Node::Standby);
        self.psql(Node::Primary, sql::WAIT_FOR_STANDBY);
        self.psql(Node::Primary, sql::RELOAD_CONFIGURATION);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let sync = self.psql(Node::Primary, sql::SYNCHRONOUS_STANDBYS);
            if sync == "1" {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the standby never became synchronous"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn port(&self, node: Node) -> u16 {
        match node {
            Node::Primary => self.primary,
            Node::Standby => self.standby,
        }
    }

    /// The URL of the database `postgres` on `node`.
    pub fn url(&self, node: Node) -> String {
        url(self.port(node))
    }

    /// Start `node` and wait until it answers.
    pub fn up(&self, node: Node) {
        // The walreceiver names itself by `cluster_name`, the name the primary waits for.
        let name = node.name();
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c cluster_name={name}",
            self.port(node),
            self.dir.display()
        );
        let log = self.dir.join(format!("{name}.log"));
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(node),
                "-o",
                &opts,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        );
    }

    /// Stop `node` at once, as a crash would.
    pub fn down(&self, node: Node) {
        self.run(
            "pg_ctl",
            &["-D", &self.data(node), "-m", "immediate", "-w", "stop"],
        );
    }

    /// Promote the standby and wait until it takes writes.
    pub fn promote(&self) {
        self.run(
            "pg_ctl",
            &["-D", &self.data(Node::Standby), "-w", "promote"],
        );
    }

    /// Run `query` on `node` with `psql`: what it printed, trimmed.
    pub fn psql(&self, node: Node, query: &str) -> String {
        let port = self.port(node).to_string();
        self.run(
            "psql",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-Atc",
                query,
            ],
        )
    }

    /// Migrate the primary's store and seed it with an admin and `n` started milestones.
    pub async fn seed(&self, admin_email: &str, n: usize) -> Seeded {
        let db = Database::connect(&self.url(Node::Primary)).await.unwrap();
        db.migrate().await.unwrap();
        let seeded = started_milestones(&EventStore::new(db.clone()), admin_email, n).await;
        db.close().await;
        seeded
    }

    fn data(&self, node: Node) -> String {
        self.dir.join(node.name()).to_str().unwrap().to_string()
    }

    fn output(&self, tool: &str, args: &[&str]) -> Output {
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(self.bin.join(tool));
            c
        } else {
            Command::new(self.bin.join(tool))
        };
        command
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("a PostgreSQL tool runs")
    }

    fn run(&self, tool: &str, args: &[&str]) -> String {
        let out = self.output(tool, args);
        assert!(
            out.status.success(),
            "{tool} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

/// The URL of the database `postgres` of the server at `port` on loopback.
pub fn url(port: u16) -> String {
    format!("postgres://postgres@127.0.0.1:{port}/postgres")
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for node in [Node::Standby, Node::Primary] {
            if Path::new(&self.data(node)).join("postmaster.pid").exists() {
                let _ = self.output(
                    "pg_ctl",
                    &["-D", &self.data(node), "-m", "immediate", "stop"],
                );
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
