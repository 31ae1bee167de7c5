//! The global event feed: every event of every aggregate in one order, by `position`.
//!
//! In SQLite, positions are assigned by the single writer in commit order. In PostgreSQL,
//! transactions commit out of order, so a reader only takes rows whose writing transaction is
//! older than the oldest transaction still running (`pg_snapshot_xmin`): such rows can no longer
//! be joined by a row with a lower position, and positions (which carry the transaction id in
//! their high bits) are read in strictly increasing order without a gap being skipped.

use chrono::{DateTime, Utc};
use futures::TryStreamExt as _;
pub use safeguards_projections::RecordedEvent;
use sqlx::Row;

use crate::db::{is_unavailable, Database, Held};
use crate::sql;

/// Why the log could not be read. (A read is never refused for a stale version or a conflict:
/// those belong to commands.)
#[derive(Debug, Clone, thiserror::Error)]
pub enum ReadError {
    /// The store cannot be reached now; try later.
    #[error("the event store is unavailable: {0}")]
    Unavailable(String),
    /// A row does not read: a fault in the store or the code, not in the request.
    #[error("the event log cannot be read: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for ReadError {
    fn from(err: sqlx::Error) -> Self {
        if is_unavailable(&err) {
            Self::Unavailable(err.to_string())
        } else {
            Self::Corrupt(err.to_string())
        }
    }
}

/// Runs an event query on an executor of one store and decodes its rows. PostgreSQL's rows
/// are decoded as they arrive, so decoding overlaps the server sending the rest (a replay of
/// 1 M events: 0.42-0.56 -> 0.53-0.59 of COPY). SQLite's are collected first: its driver hands
/// them over one by one from a worker thread through a small channel, and decoding between
/// them stalled the worker (a start-up replay of 1 M events: 13-15 s instead of 7-9).
macro_rules! decoded {
    (Postgres, $query:expr, $executor:expr) => {
        $query
            .fetch($executor)
            .map_err(ReadError::from)
            .and_then(|row| std::future::ready(pg_row(&row)))
            .try_collect()
            .await
    };
    (Sqlite, $query:expr, $executor:expr) => {
        $query
            .fetch_all($executor)
            .await?
            .iter()
            .map(sqlite_row)
            .collect()
    };
}

/// The events a statement selects (in [`sql::EVENT_COLUMNS`]), with the same binds on both
/// stores, decoded by each store's row decoder.
macro_rules! fetch_events {
    ($db:expr, $pg:expr, $lite:expr $(, $bind:expr)*) => {
        match $db {
            Database::Postgres(pool) => decoded!(Postgres, sqlx::query($pg)$(.bind($bind))*, pool),
            Database::Sqlite(pool) => decoded!(Sqlite, sqlx::query($lite)$(.bind($bind))*, pool),
        }
    };
}

/// Up to `limit` events after `after`, in position order, that no running transaction can
/// precede any more.
pub async fn read_after(
    db: &Database,
    after: i64,
    limit: i64,
) -> Result<Vec<RecordedEvent>, ReadError> {
    read_after_on(&mut db.hold().await?, after, limit).await
}

/// [`read_after`] on a connection held for a spell of reads (the projector's).
pub async fn read_after_on(
    held: &mut Held,
    after: i64,
    limit: i64,
) -> Result<Vec<RecordedEvent>, ReadError> {
    match held {
        Held::Postgres(conn) => {
            let query = sqlx::query(sql::pg::READ_AFTER).bind(after).bind(limit);
            decoded!(Postgres, query, &mut **conn)
        }
        Held::Sqlite(conn) => {
            let query = sqlx::query(sql::lite::READ_AFTER).bind(after).bind(limit);
            decoded!(Sqlite, query, &mut **conn)
        }
    }
}

/// Every event of one aggregate, oldest first.
pub async fn history(
    db: &Database,
    aggregate_type: &str,
    aggregate_id: &str,
) -> Result<Vec<RecordedEvent>, ReadError> {
    fetch_events!(
        db,
        sql::both::HISTORY,
        sql::both::HISTORY,
        aggregate_type,
        aggregate_id
    )
}

/// The events of the given aggregates after a sequence of each (`(type, id, after)`) that a
/// reader may see now, in feed order, in one query. Each aggregate's events are found by its
/// key (type, id, sequence): the cost is what is read, not the aggregates' whole histories.
pub async fn events_of(
    db: &Database,
    wanted: &[(&str, String, i64)],
) -> Result<Vec<RecordedEvent>, ReadError> {
    // PostgreSQL takes the triples as three arrays, SQLite as one JSON array.
    match db {
        Database::Postgres(pool) => {
            let types: Vec<&str> = wanted.iter().map(|(t, _, _)| *t).collect();
            let ids: Vec<&str> = wanted.iter().map(|(_, i, _)| i.as_str()).collect();
            let after: Vec<i64> = wanted.iter().map(|(_, _, s)| *s).collect();
            let query = sqlx::query(sql::pg::EVENTS_OF)
                .bind(types)
                .bind(ids)
                .bind(after);
            decoded!(Postgres, query, pool)
        }
        Database::Sqlite(pool) => {
            let triples =
                serde_json::to_string(wanted).map_err(|e| ReadError::Corrupt(e.to_string()))?;
            decoded!(
                Sqlite,
                sqlx::query(sql::lite::EVENTS_OF).bind(triples),
                pool
            )
        }
    }
}

/// The highest position a reader may see now (0 for an empty log).
pub async fn head(db: &Database) -> Result<i64, ReadError> {
    let found: Option<i64> = match db {
        Database::Postgres(pool) => sqlx::query_scalar(sql::pg::HEAD).fetch_one(pool).await?,
        Database::Sqlite(pool) => sqlx::query_scalar(sql::lite::HEAD).fetch_one(pool).await?,
    };
    Ok(found.unwrap_or(0))
}

/// The newest committed position, whether or not the feed may hand it out yet (0 for an empty
/// log): a read model behind it is behind the log.
pub async fn written_head(db: &Database) -> Result<i64, ReadError> {
    Ok(
        crate::with_pool!(db, pool => sqlx::query_scalar(sql::both::WRITTEN_HEAD).fetch_one(pool).await)?,
    )
}

/// How many events the log holds.
pub async fn count(db: &Database) -> Result<i64, ReadError> {
    Ok(crate::with_pool!(db, pool => sqlx::query_scalar(sql::both::COUNT).fetch_one(pool).await)?)
}

/// Copy every event row out as raw text, as fast as the database can: the baseline for the
/// rebuild rate. PostgreSQL: `COPY … TO STDOUT`; SQLite: a plain `SELECT`. Returns the rows.
pub async fn copy_all(db: &Database) -> Result<u64, ReadError> {
    match db {
        Database::Postgres(pool) => {
            let mut conn = pool.acquire().await?;
            let mut stream = conn.copy_out_raw(sql::pg::COPY_ALL).await?;
            let mut rows = 0u64;
            while let Some(chunk) = stream.try_next().await? {
                rows += chunk.iter().filter(|b| **b == b'\n').count() as u64;
            }
            Ok(rows)
        }
        Database::Sqlite(pool) => {
            let mut rows = 0u64;
            let mut stream = sqlx::query(sql::lite::SELECT_ALL).fetch(pool);
            while stream.try_next().await?.is_some() {
                rows += 1;
            }
            Ok(rows)
        }
    }
}

fn decode(e: impl std::fmt::Display) -> ReadError {
    ReadError::Corrupt(format!("cannot decode a stored event: {e}"))
}

/// Columns are read by their place in [`sql::EVENT_COLUMNS`], which every event query selects
/// in that order (a replay reads millions of rows: no lookup of each column's name).
fn pg_row(row: &sqlx::postgres::PgRow) -> Result<RecordedEvent, ReadError> {
    // `payload` and `metadata` are `json`, whose wire form is the text itself: the payload is
    // kept as it is (decoding it checks it), the metadata read straight into its type.
    let payload: &str = row.try_get_unchecked(6).map_err(decode)?;
    let metadata: &str = row.try_get_unchecked(7).map_err(decode)?;
    event_row(row, payload, metadata, row.try_get(8).map_err(decode)?)
}

fn sqlite_row(row: &sqlx::sqlite::SqliteRow) -> Result<RecordedEvent, ReadError> {
    let payload: &str = row.try_get(6).map_err(decode)?;
    let metadata: &str = row.try_get(7).map_err(decode)?;
    let recorded_at: Option<&str> = row.try_get(8).map_err(decode)?;
    let recorded_at = recorded_at
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| decode("a stored event has no valid time"))?;
    event_row(row, payload, metadata, recorded_at)
}

/// The columns both stores read alike, with those each reads its own way.
fn event_row<'r, R: Row>(
    row: &'r R,
    payload: &str,
    metadata: &str,
    recorded_at: DateTime<Utc>,
) -> Result<RecordedEvent, ReadError>
where
    usize: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(RecordedEvent {
        position: row.try_get(0).map_err(decode)?,
        aggregate_type: row.try_get(1).map_err(decode)?,
        aggregate_id: row.try_get(2).map_err(decode)?,
        sequence: row.try_get(3).map_err(decode)?,
        event_type: row.try_get(4).map_err(decode)?,
        event_version: row.try_get(5).map_err(decode)?,
        payload: payload.to_string(),
        metadata: serde_json::from_str(metadata).map_err(decode)?,
        recorded_at,
    })
}
