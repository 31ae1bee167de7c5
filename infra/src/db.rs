//! Database connections (our own pools, never failing by panic) and migrations.

use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool};

/// Run `$body` with `$pool` bound to the pool of either store: for queries whose text and
/// binds are the same on both.
#[macro_export]
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Database::Postgres($pool) => $body,
            $crate::db::Database::Sqlite($pool) => $body,
        }
    };
}

/// The two stores the tracker runs on.
#[derive(Debug, Clone)]
pub enum Database {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// Why the database could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL (expected sqlite:// or postgres://)")]
    Scheme,
}

/// A PostgreSQL connection idle in the pool for longer than this is pinged before it is handed
/// out again.
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// Pool sizes and time-outs.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 32,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

impl Database {
    /// Open the database named by `url`. For SQLite the file and its folder are created.
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        Self::connect_with(url, PoolSettings::default()).await
    }

    pub async fn connect_with(url: &str, settings: PoolSettings) -> Result<Self, DbError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)
                .map_err(DbError::Connect)?
                .application_name("safeguards");
            let pool = PgPoolOptions::new()
                .max_connections(settings.max_connections)
                .min_connections(1)
                .acquire_timeout(settings.acquire_timeout)
                // sqlx pings every connection it hands out, and again when it takes one back:
                // two round trips per statement besides the statement itself. A connection
                // back in the pool moments ago was pinged then; only one idle for longer is
                // pinged again (one left from before a database restart is dropped there).
                .test_before_acquire(false)
                .before_acquire(|conn, meta| {
                    Box::pin(async move {
                        if meta.idle_for > PING_AFTER_IDLE {
                            sqlx::Connection::ping(conn).await?;
                        }
                        Ok(true)
                    })
                })
                .connect_with(options)
                .await
                .map_err(DbError::Connect)?;
            Ok(Self::Postgres(pool))
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            let file = path.split('?').next().unwrap_or(path);
            if let Some(dir) = std::path::Path::new(file).parent() {
                if !dir.as_os_str().is_empty() {
                    crate::config::create_private_dir(dir).map_err(|source| DbError::DataDir {
                        path: dir.display().to_string(),
                        source,
                    })?;
                }
            }
            let options = SqliteConnectOptions::from_str(url)
                .map_err(DbError::Connect)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                // Deleted rows (erased personal data) are overwritten, not left in free pages.
                .pragma("secure_delete", "ON")
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(settings.max_connections.min(8))
                // A file in this process cannot have hung up: no ping before each statement.
                .test_before_acquire(false)
                .acquire_timeout(settings.acquire_timeout)
                .connect_with(options)
                .await
                .map_err(DbError::Connect)?;
            Ok(Self::Sqlite(pool))
        } else {
            Err(DbError::Scheme)
        }
    }

    /// Apply every migration of `migrations/postgres` or `migrations/sqlite` not applied yet.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self {
            Database::Postgres(pool) => sqlx::migrate!("../migrations/postgres").run(pool).await?,
            Database::Sqlite(pool) => sqlx::migrate!("../migrations/sqlite").run(pool).await?,
        }
        Ok(())
    }

    /// `postgres` or `sqlite`.
    pub fn kind(&self) -> &'static str {
        match self {
            Database::Postgres(_) => "postgres",
            Database::Sqlite(_) => "sqlite",
        }
    }

    /// Whether the store answers a trivial query.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        with_pool!(self, pool => sqlx::query(crate::sql::both::PING).execute(pool).await.map(|_| ()))
    }

    /// Create the empty PostgreSQL database `name` on the server of `admin_url` (throw-away
    /// stores of tests and benchmarks). `name` must be a plain identifier.
    pub async fn create_postgres_database(admin_url: &str, name: &str) -> Result<(), DbError> {
        Self::on_postgres_server(admin_url, &crate::sql::pg::create_database(plain(name)?)).await
    }

    /// Drop the PostgreSQL database `name` (if it exists), closing its connections.
    pub async fn drop_postgres_database(admin_url: &str, name: &str) -> Result<(), DbError> {
        Self::on_postgres_server(admin_url, &crate::sql::pg::drop_database(plain(name)?)).await
    }

    async fn on_postgres_server(admin_url: &str, statement: &str) -> Result<(), DbError> {
        let admin = Self::connect_with(
            admin_url,
            PoolSettings {
                max_connections: 1,
                ..Default::default()
            },
        )
        .await?;
        let Database::Postgres(pool) = &admin else {
            return Err(DbError::Scheme);
        };
        let done = sqlx::query(statement).execute(pool).await;
        admin.close().await;
        done.map(|_| ()).map_err(DbError::Connect)
    }

    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }
}

/// A connection of either store kept across a spell of statements: sqlx pings a pooled
/// connection each time it goes back to the pool, so a loop that sends statement after
/// statement (the projector, the appender's flusher) keeps one until it has nothing to do.
#[derive(Debug)]
pub enum Held {
    Postgres(PoolConnection<Postgres>),
    Sqlite(PoolConnection<Sqlite>),
}

impl Database {
    /// A connection to keep for a while (see [`Held`]).
    pub async fn hold(&self) -> Result<Held, sqlx::Error> {
        Ok(match self {
            Database::Postgres(pool) => Held::Postgres(crate::metrics::acquire(pool).await?),
            Database::Sqlite(pool) => Held::Sqlite(crate::metrics::acquire(pool).await?),
        })
    }

    /// The connection in `held`, taken from the pool first when there is none.
    pub async fn held<'h>(&self, held: &'h mut Option<Held>) -> Result<&'h mut Held, sqlx::Error> {
        let conn = match held.take() {
            Some(conn) => conn,
            None => self.hold().await?,
        };
        Ok(held.insert(conn))
    }
}

/// A database name that can be written into a statement as it is.
fn plain(name: &str) -> Result<&str, DbError> {
    if !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        Ok(name)
    } else {
        Err(DbError::Scheme)
    }
}

/// Whether an error means "the store cannot be reached now" (answer 503, try later) rather than
/// a fault in the request or the code: no connection, a connection lost or refused, a server
/// stopping, starting or still a standby (a failover in progress).
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Protocol(detail) => is_cut_at_start_up(detail),
        sqlx::Error::Database(db) => {
            let code = db.code();
            is_unavailable_code(code.as_deref().unwrap_or_default())
        }
        _ => false,
    }
}

/// A connection that a proxy or a managed endpoint accepted and closed (or answered with
/// something else than PostgreSQL) before the server's start-up answer: the driver reports
/// it as a protocol error, not an I/O one. With TLS preferred, the first byte read is the
/// answer to the SSLRequest, and an end of stream reads as `0x00`.
fn is_cut_at_start_up(detail: &str) -> bool {
    detail.starts_with("unexpected response from SSLRequest")
}

/// PostgreSQL: connection exceptions (08*), a server shutting down, starting up or in
/// recovery (57P*), too many connections (53300), a read-only transaction (25006: a standby
/// not promoted yet, or a primary being demoted). SQLite: busy / locked (5, 6, 517, 261).
fn is_unavailable_code(code: &str) -> bool {
    code.starts_with("08")
        || code.starts_with("57P")
        || matches!(code, "53300" | "25006")
        || matches!(code, "5" | "6" | "261" | "517")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    /// The driver's own error for a connection accepted and closed at once (a proxy with no
    /// server behind it), whatever its wording in the driver's version.
    #[tokio::test]
    async fn a_connection_accepted_and_closed_is_the_store_unavailable() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let closer = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                drop(socket);
            }
        });
        for mode in ["prefer", "disable"] {
            let url = format!("postgres://postgres@127.0.0.1:{port}/test?sslmode={mode}");
            let options = PgConnectOptions::from_str(&url).unwrap();
            let err = sqlx::ConnectOptions::connect(&options)
                .await
                .expect_err("nothing answers behind the listener");
            assert!(is_unavailable(&err), "sslmode={mode}: {err:?}");
        }
        closer.abort();
    }

    #[test]
    fn a_standby_and_a_server_in_recovery_are_the_store_unavailable() {
        for code in ["25006", "57P03", "57P01", "08006", "53300", "5"] {
            assert!(is_unavailable_code(code), "{code}");
        }
        for code in ["23505", "42601", "22P02", "40001", ""] {
            assert!(!is_unavailable_code(code), "{code}");
        }
    }
}
