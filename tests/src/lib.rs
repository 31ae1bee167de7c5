//! Test harness of the Safeguards Tracker: throw-away stores on SQLite (a temporary file) and
//! PostgreSQL (a database of its own per test, dropped afterwards, even when the test fails).
//!
//! PostgreSQL is found at `SAFEGUARDS_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`). When it is not reachable the tests fail with a
//! message that says how to start or install it; they are never skipped.

#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod app;
pub mod forms;
pub mod hostile;
pub mod oidc;
pub mod s3;
pub mod seed;
pub mod smtp;

use std::path::PathBuf;

use safeguards_infra::{Database, EventStore};

/// Where the tests find PostgreSQL.
pub fn admin_url() -> String {
    std::env::var("SAFEGUARDS_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A migrated, empty store that disappears with the value.
#[derive(Debug)]
pub struct TestDb {
    pub db: Database,
    pub url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    /// Another value owns the store.
    Nothing,
    File(PathBuf),
    PgDatabase {
        admin: String,
        name: String,
    },
}

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self::sqlite().await,
            Backend::Postgres => Self::postgres().await,
        }
    }

    pub async fn sqlite() -> Self {
        let dir = std::env::temp_dir().join(format!("sg-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("safeguards.db").display());
        let db = Database::connect(&url).await.unwrap();
        db.migrate().await.unwrap();
        Self {
            db,
            url,
            cleanup: Cleanup::File(dir),
        }
    }

    pub async fn postgres() -> Self {
        let admin = admin_url();
        let name = format!("sg_test_{}", uuid::Uuid::new_v4().simple());
        Database::create_postgres_database(&admin, &name)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL is not reachable at {admin} ({e}).\n\
                     Start it (e.g. `pg_ctlcluster --skip-systemctl-redirect 15 main start`), point \
                     SAFEGUARDS_TEST_DATABASE_URL at a server, or install one \
                     (`apt-get install postgresql`)."
                )
            });
        let url = replace_database(&admin, &name);
        let db = Database::connect(&url).await.unwrap();
        db.migrate().await.unwrap();
        Self {
            db,
            url,
            cleanup: Cleanup::PgDatabase { admin, name },
        }
    }

    /// A second, independent connection pool to the same store, as another process would
    /// have; `owner` drops the store.
    pub async fn attach(owner: &TestDb) -> Self {
        let db = Database::connect(&owner.url).await.unwrap();
        Self {
            db,
            url: owner.url.clone(),
            cleanup: Cleanup::Nothing,
        }
    }

    pub fn store(&self) -> EventStore {
        EventStore::new(self.db.clone())
    }
}

/// The same server URL with another database name.
pub fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let prefix = match base.rfind('/') {
        Some(i) if i > base.find("://").map(|j| j + 2).unwrap_or(0) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Nothing => {}
            Cleanup::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PgDatabase { admin, name } => {
                let (admin, name) = (admin.clone(), name.clone());
                // Drop may run inside a runtime: do the async clean-up on a thread of its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    rt.block_on(async {
                        let _ = Database::drop_postgres_database(&admin, &name).await;
                    });
                })
                .join();
            }
        }
    }
}

/// Define each listed async test once per backend, in modules `sqlite` and `postgres`.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name($crate::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name($crate::Backend::Postgres).await;
                }
            )*
        }
    };
}

/// Wait until the feed's horizon has passed every committed event (on PostgreSQL, transactions
/// of other tests on the same server hold it back for a moment).
pub async fn wait_until_all_visible(db: &Database) {
    let written = safeguards_infra::probe::max_position(db).await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while safeguards_infra::feed::head(db).await.unwrap() < written {
        assert!(
            std::time::Instant::now() < deadline,
            "the feed never reached {written}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// The value of the first `token=` in `text` (a link in a mail), up to the first character a
/// token never holds.
pub fn token_in(text: &str) -> String {
    let start = text.find("token=").expect("a link with a token") + "token=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect()
}

/// Run `program` with `args`, `input` on its standard input; what it printed and its status.
/// Panics, naming `needs`, when the program cannot be started.
pub fn run_with_input(
    program: &str,
    args: &[&str],
    input: &[u8],
    needs: &str,
) -> std::process::Output {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} does not run ({needs}): {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input)
            .expect("writing to the program's input");
    }
    child.wait_with_output().expect("the program's output")
}

/// An empty evidence store in a fresh directory of its own.
pub fn evidence_dir() -> safeguards_infra::evidence::EvidenceStore {
    let dir = std::env::temp_dir().join(format!("sg-evidence-{}", uuid::Uuid::new_v4().simple()));
    safeguards_infra::evidence::EvidenceStore::open(
        &safeguards_infra::evidence::EvidenceLocation::Dir(dir),
    )
    .unwrap()
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn a_database_name_is_swapped_in_the_url() {
        assert_eq!(
            replace_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            replace_database("postgres://u:p@h/test?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
    }
}
