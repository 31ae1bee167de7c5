//! A failover under write load: a PostgreSQL primary with a synchronous standby (two private
//! clusters of this test, never the shared server), reached through a TCP proxy as a managed
//! endpoint would be. The primary is stopped; for a while the proxy accepts connections and
//! closes them (no server behind it), then it points at the standby before its promotion (a
//! read-only server), then the standby is promoted. Every answer is 200 or 503 with
//! `Retry-After`, never 500; writes succeed again soon after the promotion; every acknowledged
//! command is in the promoted standby's log.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use safeguards_app::credentials::Tokens;
use safeguards_infra::{feed, Database, EventStore};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

const SECRET: &str = "failover-test-secret-key-of-enough-length";
const WRITERS: usize = 32;

/// One request of the load: its id, when it was answered, and the answer.
#[derive(Clone)]
struct Sent {
    id: String,
    answered: Instant,
    status: Option<u16>,
    retry_after: bool,
}

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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A primary and its standby in one temporary folder, run as the `postgres` user; both are
/// stopped and the folder removed on drop.
struct Clusters {
    dir: PathBuf,
    bin: PathBuf,
    primary: u16,
    standby: u16,
}

impl Clusters {
    /// A primary, alone for now.
    fn start() -> Self {
        let dir = std::env::temp_dir().join(format!("sg-failover-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        if is_root() {
            assert!(Command::new("chown")
                .args(["postgres:postgres", dir.to_str().unwrap()])
                .status()
                .unwrap()
                .success());
        }
        let clusters = Self {
            dir,
            bin: pg_bin(),
            primary: free_port(),
            standby: free_port(),
        };
        let primary = clusters.data("primary");
        clusters.run(
            "initdb",
            &["-D", &primary, "-A", "trust", "-U", "postgres", "--no-sync"],
        );
        clusters.pg_ctl_start("primary", clusters.primary, "");
        clusters
    }

    /// Copy the primary into the standby, start it, make the primary's commits wait for it
    /// (after the copy: the standby, once promoted, waits for no one), and wait until they do.
    fn add_standby(&self) {
        let standby = self.data("standby");
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
        // The walreceiver names itself by `cluster_name`, the name the primary waits for.
        self.pg_ctl_start("standby", self.standby, "-c cluster_name=standby");
        self.psql(
            self.primary,
            "ALTER SYSTEM SET synchronous_standby_names = 'standby'",
        );
        self.psql(self.primary, "SELECT pg_reload_conf()");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let sync = self.psql(
                self.primary,
                "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'",
            );
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

    fn data(&self, name: &str) -> String {
        self.dir.join(name).to_str().unwrap().to_string()
    }

    fn output(&self, tool: &str, args: &[&str]) -> std::process::Output {
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(self.bin.join(tool));
            c
        } else {
            Command::new(self.bin.join(tool))
        };
        cmd.args(args)
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

    fn psql(&self, port: u16, query: &str) -> String {
        let port = port.to_string();
        let args = ["-h", "127.0.0.1", "-p", &port, "-U", "postgres"];
        self.run(
            "psql",
            &[&args[..], &["-d", "postgres", "-Atc", query]].concat(),
        )
    }

    fn pg_ctl_start(&self, name: &str, port: u16, extra: &str) {
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off {extra}",
            self.dir.display()
        );
        let log = self.dir.join(format!("{name}.log"));
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(name),
                "-o",
                &opts,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        );
    }

    /// Stop a cluster at once, as a crash would.
    fn kill(&self, name: &str) {
        self.run(
            "pg_ctl",
            &["-D", &self.data(name), "-m", "immediate", "-w", "stop"],
        );
    }

    fn promote(&self) {
        self.run("pg_ctl", &["-D", &self.data("standby"), "-w", "promote"]);
    }

    fn url(port: u16) -> String {
        format!("postgres://postgres@127.0.0.1:{port}/postgres")
    }
}

impl Drop for Clusters {
    fn drop(&mut self) {
        for name in ["standby", "primary"] {
            if Path::new(&self.data(name)).join("postmaster.pid").exists() {
                let _ = self.output(
                    "pg_ctl",
                    &["-D", &self.data(name), "-m", "immediate", "stop"],
                );
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A TCP proxy on loopback in front of one server port at a time, like a managed endpoint: a
/// connection whose server cannot be reached is accepted and closed; switching the target
/// closes the connections to the previous one.
struct Proxy {
    port: u16,
    target: watch::Sender<u16>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    async fn start(target: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (target, rx) = watch::channel(target);
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    continue;
                };
                let mut rx = rx.clone();
                let to = *rx.borrow_and_update();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(("127.0.0.1", to)).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = rx.changed() => {}
                    }
                });
            }
        });
        Self { port, target, task }
    }

    fn switch(&self, to: u16) {
        self.target.send_replace(to);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `safeguards serve`, killed on drop.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The lines of the server's log that report a fault (the cause of a 500).
fn faults(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("ERROR") || l.contains("internal"))
        .take(20)
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failover_to_a_synchronous_standby_answers_503_and_loses_nothing_acknowledged() {
    let clusters = Clusters::start();
    let db = Database::connect(&Clusters::url(clusters.primary))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let store = EventStore::new(db.clone());
    let safeguards_tests::seed::Seeded { admin, milestones } =
        safeguards_tests::seed::started_milestones(&store, "admin@failover.test", WRITERS).await;
    db.close().await;
    clusters.add_standby();

    let proxy = Proxy::start(clusters.primary).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server_log = clusters.dir.join("serve.log");
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_safeguards"))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("SAFEGUARDS_DATABASE_URL", Clusters::url(proxy.port))
            .env("SAFEGUARDS_DATA_DIR", clusters.dir.join("app"))
            .env("SAFEGUARDS_SECRET_KEY", SECRET)
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&server_log).unwrap())
            .spawn()
            .unwrap(),
    );
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(40))
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let token = Tokens::new(SECRET).issue(admin, 0, chrono::Utc::now()).0;

    let log: Arc<Mutex<Vec<Sent>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for (i, m) in milestones.iter().enumerate() {
        let (client, base, token, m, log, stop) = (
            client.clone(),
            base.clone(),
            token.clone(),
            m.clone(),
            log.clone(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let id = format!("w{i}-n{n}");
                let r = client
                    .post(format!("{base}/api/v1/milestones/{m}/progress"))
                    .bearer_auth(&token)
                    .header("x-request-id", &id)
                    .json(&serde_json::json!({"percent": n % 101}))
                    .send()
                    .await;
                let (status, retry_after) = match r {
                    Ok(r) => (
                        Some(r.status().as_u16()),
                        r.headers().contains_key("retry-after"),
                    ),
                    Err(e) => {
                        eprintln!("request {id} failed: {e:?}");
                        (None, false)
                    }
                };
                log.lock().unwrap().push(Sent {
                    id,
                    answered: Instant::now(),
                    status,
                    retry_after,
                });
                if status != Some(200) {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }));
    }

    tokio::time::sleep(Duration::from_secs(2)).await;
    let killed_at = Instant::now();
    clusters.kill("primary");
    // The endpoint still points at the primary, which is gone: connections are accepted and
    // closed at once.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // The endpoint points at the standby before its promotion ends: a read-only server.
    let switched_at = Instant::now();
    proxy.switch(clusters.standby);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let promoting_at = Instant::now();
    clusters.promote();
    let promoted_at = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    let alive = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert!(alive.status().is_success(), "the server died");

    let log = log.lock().unwrap().clone();
    let mut kinds: HashMap<Option<u16>, usize> = HashMap::new();
    for s in &log {
        *kinds.entry(s.status).or_default() += 1;
    }
    let refused = |from: Instant, to: Instant| {
        log.iter()
            .filter(|s| s.answered >= from && s.answered < to && s.status == Some(503))
            .count()
    };
    let first_ok_after = log
        .iter()
        .filter(|s| s.answered >= promoted_at && s.status == Some(200))
        .map(|s| s.answered.duration_since(promoted_at))
        .min();
    println!(
        "failover: {} requests by {WRITERS} writers, answers {kinds:?}; 503 with the primary gone: {}, \
         with the standby not promoted: {}, after the promotion: {}; promotion took {:.2} s; \
         first success {} after the promotion",
        log.len(),
        refused(killed_at, switched_at),
        refused(switched_at, promoted_at),
        refused(promoted_at, Instant::now()),
        promoted_at.duration_since(promoting_at).as_secs_f64(),
        first_ok_after.map_or("never".into(), |d| format!("{:.2} s", d.as_secs_f64())),
    );

    let wrong: Vec<_> = log
        .iter()
        .filter(|s| !(s.status == Some(200) || (s.status == Some(503) && s.retry_after)))
        .map(|s| (s.id.clone(), s.status, s.retry_after))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} answers neither 200 nor 503 with Retry-After, e.g. {:?}; server log: {:#?}",
        wrong.len(),
        &wrong[..wrong.len().min(5)],
        faults(&server_log)
    );
    assert!(
        refused(killed_at, promoted_at) > 0,
        "no write was refused while the primary was gone"
    );
    let first_ok_after = first_ok_after.expect("writes succeed again after the promotion");
    assert!(
        first_ok_after < Duration::from_secs(2),
        "recovery took {first_ok_after:?}"
    );

    // Every acknowledged command is in the promoted standby's log, once.
    let db = Database::connect(&Clusters::url(clusters.standby))
        .await
        .unwrap();
    let mut in_log: HashMap<String, usize> = HashMap::new();
    for m in &milestones {
        for e in feed::history(&db, "milestone", m).await.unwrap() {
            if e.event_type == "ProgressReported" {
                *in_log.entry(e.metadata.correlation_id.clone()).or_default() += 1;
            }
        }
    }
    db.close().await;
    let acknowledged: Vec<_> = log.iter().filter(|s| s.status == Some(200)).collect();
    for s in &acknowledged {
        assert_eq!(
            in_log.get(&s.id),
            Some(&1),
            "acknowledged {} is not in the log once",
            s.id
        );
    }
    println!(
        "failover: {} acknowledged commands, all in the promoted standby's log",
        acknowledged.len()
    );
}
