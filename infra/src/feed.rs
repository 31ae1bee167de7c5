//! The global event feed: every event of every aggregate in one order, by `position`.
//!
//! In SQLite, positions are assigned by the single writer in commit order. In PostgreSQL,
//! transactions commit out of order, so a reader only takes rows whose writing transaction is
//! older than the oldest transaction still running (`pg_snapshot_xmin`): such rows can no longer
//! be joined by a row with a lower position, and positions (which carry the transaction id in
//! their high bits) are read in strictly increasing order without a gap being skipped.

use chrono::{DateTime, Utc};
pub use safeguards_projections::RecordedEvent;
use sqlx::Row;

use crate::db::Database;
use crate::store::{sql_error, CommandError};

const COLUMNS: &str = "position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at";

/// Up to `limit` events after `after`, in position order, that no running transaction can
/// precede any more.
pub async fn read_after(
    db: &Database,
    after: i64,
    limit: i64,
) -> Result<Vec<RecordedEvent>, CommandError> {
    match db {
        Database::Postgres(pool) => {
            let sql = format!(
                "SELECT {COLUMNS} FROM events
                  WHERE position > $1 AND txid < pg_snapshot_xmin(pg_current_snapshot())
                  ORDER BY position LIMIT $2"
            );
            let rows = sqlx::query(&sql)
                .bind(after)
                .bind(limit)
                .fetch_all(pool)
                .await
                .map_err(sql_error)?;
            rows.iter().map(pg_row).collect()
        }
        Database::Sqlite(pool) => {
            let sql = format!(
                "SELECT {COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?"
            );
            let rows = sqlx::query(&sql)
                .bind(after)
                .bind(limit)
                .fetch_all(pool)
                .await
                .map_err(sql_error)?;
            rows.iter().map(sqlite_row).collect()
        }
    }
}

/// Every event of one aggregate, oldest first.
pub async fn history(
    db: &Database,
    aggregate_type: &str,
    aggregate_id: &str,
) -> Result<Vec<RecordedEvent>, CommandError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence"
    );
    match db {
        Database::Postgres(pool) => {
            let rows = sqlx::query(&sql)
                .bind(aggregate_type)
                .bind(aggregate_id)
                .fetch_all(pool)
                .await
                .map_err(sql_error)?;
            rows.iter().map(pg_row).collect()
        }
        Database::Sqlite(pool) => {
            let rows = sqlx::query(&sql)
                .bind(aggregate_type)
                .bind(aggregate_id)
                .fetch_all(pool)
                .await
                .map_err(sql_error)?;
            rows.iter().map(sqlite_row).collect()
        }
    }
}

/// The highest position a reader may see now (0 for an empty log).
pub async fn head(db: &Database) -> Result<i64, CommandError> {
    let found: Result<Option<i64>, sqlx::Error> = match db {
        Database::Postgres(pool) => sqlx::query_scalar(
            "SELECT max(position) FROM events WHERE txid < pg_snapshot_xmin(pg_current_snapshot())",
        )
        .fetch_one(pool)
        .await,
        Database::Sqlite(pool) => {
            sqlx::query_scalar("SELECT max(position) FROM events")
                .fetch_one(pool)
                .await
        }
    };
    found.map(|p| p.unwrap_or(0)).map_err(sql_error)
}

/// How many events the log holds.
pub async fn count(db: &Database) -> Result<i64, CommandError> {
    crate::with_pool!(db, pool => sqlx::query_scalar("SELECT count(*) FROM events").fetch_one(pool).await)
        .map_err(sql_error)
}

/// Copy every event row out as raw text, as fast as the database can: the baseline for the
/// rebuild rate. PostgreSQL: `COPY … TO STDOUT`; SQLite: a plain `SELECT`. Returns the rows.
pub async fn copy_all(db: &Database) -> Result<u64, CommandError> {
    use futures::TryStreamExt;
    match db {
        Database::Postgres(pool) => {
            let mut conn = pool.acquire().await.map_err(sql_error)?;
            let mut stream = conn
                .copy_out_raw(&format!(
                    "COPY (SELECT {COLUMNS} FROM events ORDER BY position) TO STDOUT"
                ))
                .await
                .map_err(sql_error)?;
            let mut rows = 0u64;
            while let Some(chunk) = stream.try_next().await.map_err(sql_error)? {
                rows += chunk.iter().filter(|b| **b == b'\n').count() as u64;
            }
            Ok(rows)
        }
        Database::Sqlite(pool) => {
            let mut rows = 0u64;
            let sql = format!("SELECT {COLUMNS} FROM events ORDER BY position");
            let mut stream = sqlx::query(&sql).fetch(pool);
            while stream.try_next().await.map_err(sql_error)?.is_some() {
                rows += 1;
            }
            Ok(rows)
        }
    }
}

fn decode(e: sqlx::Error) -> CommandError {
    CommandError::Internal(format!("cannot decode a stored event: {e}"))
}

fn pg_row(row: &sqlx::postgres::PgRow) -> Result<RecordedEvent, CommandError> {
    Ok(RecordedEvent {
        position: row.try_get("position").map_err(decode)?,
        aggregate_type: row.try_get("aggregate_type").map_err(decode)?,
        aggregate_id: row.try_get("aggregate_id").map_err(decode)?,
        sequence: row.try_get("sequence").map_err(decode)?,
        event_type: row.try_get("event_type").map_err(decode)?,
        event_version: row.try_get("event_version").map_err(decode)?,
        payload: row.try_get("payload").map_err(decode)?,
        metadata: row.try_get("metadata").map_err(decode)?,
        recorded_at: row.try_get("recorded_at").map_err(decode)?,
    })
}

fn sqlite_row(row: &sqlx::sqlite::SqliteRow) -> Result<RecordedEvent, CommandError> {
    let payload: String = row.try_get("payload").map_err(decode)?;
    let metadata: String = row.try_get("metadata").map_err(decode)?;
    let recorded_at: Option<String> = row.try_get("recorded_at").map_err(decode)?;
    let recorded_at = recorded_at
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| CommandError::Internal("a stored event has no valid time".into()))?;
    Ok(RecordedEvent {
        position: row.try_get("position").map_err(decode)?,
        aggregate_type: row.try_get("aggregate_type").map_err(decode)?,
        aggregate_id: row.try_get("aggregate_id").map_err(decode)?,
        sequence: row.try_get("sequence").map_err(decode)?,
        event_type: row.try_get("event_type").map_err(decode)?,
        event_version: row.try_get("event_version").map_err(decode)?,
        payload: serde_json::from_str(&payload)
            .map_err(|e| CommandError::Internal(e.to_string()))?,
        metadata: serde_json::from_str(&metadata)
            .map_err(|e| CommandError::Internal(e.to_string()))?,
        recorded_at,
    })
}
