//! Raw operations on the store that the tracker never does itself: for the tests that prove the
//! store's guarantees (the log refuses rewrites, readers never pass a transaction that commits
//! late, stale snapshots are ignored) and for the benchmarks (bulk generation, the baselines
//! they measure against). They bypass the event store's rules; nothing in production calls them.

use serde_json::Value;

use crate::db::Database;
use crate::transfer::Import;
use crate::{sql, with_pool};

/// A way to try to change the log in place.
#[derive(Debug, Clone, Copy)]
pub enum Rewrite {
    Update,
    Delete,
}

/// Try to change or remove stored events (the log's triggers refuse both).
pub async fn rewrite_log(db: &Database, how: Rewrite) -> Result<(), sqlx::Error> {
    let statement = match how {
        Rewrite::Update => sql::probe::UPDATE_EVENTS,
        Rewrite::Delete => sql::probe::DELETE_EVENTS,
    };
    with_pool!(db, p => sqlx::query(statement).execute(p).await.map(|_| ()))
}

/// The highest position written, whether or not readers may see it yet (0 for none).
pub async fn max_position(db: &Database) -> Result<i64, crate::feed::ReadError> {
    crate::feed::written_head(db).await
}

/// The version of the stored snapshot of an aggregate, if any.
pub async fn snapshot_version(
    db: &Database,
    aggregate_type: &str,
    id: &str,
) -> Result<Option<i64>, sqlx::Error> {
    with_pool!(db, p => {
        sqlx::query_scalar(sql::probe::SNAPSHOT_VERSION)
            .bind(aggregate_type)
            .bind(id)
            .fetch_optional(p)
            .await
    })
}

/// Overwrite the stored snapshot of an aggregate with another format and state.
pub async fn overwrite_snapshot(
    db: &Database,
    aggregate_type: &str,
    id: &str,
    format: &str,
    state: &str,
) -> Result<(), sqlx::Error> {
    with_pool!(db, p => {
        sqlx::query(sql::probe::OVERWRITE_SNAPSHOT)
            .bind(format)
            .bind(state)
            .bind(aggregate_type)
            .bind(id)
            .execute(p)
            .await
            .map(|_| ())
    })
}

/// How many snapshots of the read model are stored.
pub async fn model_snapshots(db: &Database) -> Result<i64, sqlx::Error> {
    with_pool!(db, p => sqlx::query_scalar(sql::probe::MODEL_SNAPSHOTS).fetch_one(p).await)
}

/// Replace the body of every checkpoint of `country`.
pub async fn overwrite_country_checkpoints(
    db: &Database,
    country: &str,
    body: &[u8],
) -> Result<(), sqlx::Error> {
    with_pool!(db, p => {
        sqlx::query(sql::probe::OVERWRITE_COUNTRY_CHECKPOINTS)
            .bind(body)
            .bind(country)
            .execute(p)
            .await
            .map(|_| ())
    })
}

/// Give every stored snapshot of the read model another format, and another body if given.
pub async fn overwrite_model_snapshot(
    db: &Database,
    format: &str,
    body: Option<&[u8]>,
) -> Result<(), sqlx::Error> {
    with_pool!(db, p => {
        sqlx::query(sql::probe::OVERWRITE_MODEL_SNAPSHOT)
            .bind(format)
            .bind(body)
            .execute(p)
            .await
            .map(|_| ())
    })
}

/// Take the transaction's id now (PostgreSQL), as a transaction that writes only later would
/// have; nothing on SQLite, where one writer runs at a time.
pub async fn take_transaction_id(import: &mut Import) -> Result<(), sqlx::Error> {
    match import.postgres() {
        Some(tx) => sqlx::query(sql::probe::TAKE_TRANSACTION_ID)
            .execute(&mut **tx)
            .await
            .map(|_| ()),
        None => Ok(()),
    }
}

/// Refresh PostgreSQL's statistics and visibility map of the log (after a bulk load).
pub async fn vacuum(db: &Database) -> Result<(), sqlx::Error> {
    if let Database::Postgres(p) = db {
        sqlx::query(sql::probe::VACUUM).execute(p).await?;
    }
    Ok(())
}

/// The columns of many events, for [`bulk_append`]: one entry per event in each.
#[derive(Debug, Default)]
pub struct Rows {
    pub types: Vec<String>,
    pub ids: Vec<String>,
    pub sequences: Vec<i64>,
    pub event_types: Vec<String>,
    pub versions: Vec<String>,
    pub payloads: Vec<String>,
    pub metadata: Vec<String>,
}

/// Append many events in one statement (PostgreSQL; SQLite: one transaction), as the store
/// would have written them one command at a time. Returns the rows written.
pub async fn bulk_append(db: &Database, rows: Rows) -> Result<u64, sqlx::Error> {
    let p = match db {
        Database::Postgres(p) => p,
        Database::Sqlite(pool) => {
            // One transaction, statements of at most 2,000 rows (seven values each).
            let mut tx = pool.begin().await?;
            let n = rows.types.len();
            for start in (0..n).step_by(2_000) {
                let end = (start + 2_000).min(n);
                let statement = sql::lite::append_many(end - start);
                let mut query = sqlx::query(&statement);
                for i in start..end {
                    query = query
                        .bind(&rows.types[i])
                        .bind(&rows.ids[i])
                        .bind(rows.sequences[i])
                        .bind(&rows.event_types[i])
                        .bind(&rows.versions[i])
                        .bind(&rows.payloads[i])
                        .bind(&rows.metadata[i]);
                }
                query.execute(&mut *tx).await?;
            }
            tx.commit().await?;
            return Ok(n as u64);
        }
    };
    let done = sqlx::query(sql::probe::BULK_APPEND)
        .bind(rows.types)
        .bind(rows.ids)
        .bind(rows.sequences)
        .bind(rows.event_types)
        .bind(rows.versions)
        .bind(rows.payloads)
        .bind(rows.metadata)
        .execute(p)
        .await?;
    Ok(done.rows_affected())
}

/// Keep many subscribers' contacts in one statement (PostgreSQL).
pub async fn bulk_contacts(
    db: &Database,
    ids: Vec<String>,
    hashes: Vec<String>,
    emails: Vec<String>,
) -> Result<(), sqlx::Error> {
    let Database::Postgres(p) = db else {
        return Err(sqlx::Error::Protocol(
            "bulk contacts are for PostgreSQL".into(),
        ));
    };
    sqlx::query(sql::probe::BULK_CONTACTS)
        .bind(ids)
        .bind(hashes)
        .bind(emails)
        .execute(p)
        .await
        .map(|_| ())
}

/// The stored payload and metadata of the event at `position`, as text.
pub async fn stored_row(db: &Database, position: i64) -> Result<(String, String), sqlx::Error> {
    with_pool!(db, p => {
        sqlx::query_as(sql::probe::STORED_ROW)
            .bind(position)
            .fetch_one(p)
            .await
    })
}

/// Insert one event row by itself, as raw as the database takes it: the baseline of the
/// embedded store's command path.
pub async fn raw_append(
    db: &Database,
    aggregate_id: &str,
    sequence: i64,
    payload: &str,
    metadata: &str,
) -> Result<(), sqlx::Error> {
    with_pool!(db, p => {
        sqlx::query(sql::probe::RAW_APPEND)
            .bind(aggregate_id)
            .bind(sequence)
            .bind(payload)
            .bind(metadata)
            .execute(p)
            .await
            .map(|_| ())
    })
}

/// The one-row table that the pgbench baseline reads its event from, filled with `payload` and
/// `metadata`.
pub async fn prepare_pgbench(
    db: &Database,
    payload: &Value,
    metadata: &Value,
) -> Result<(), sqlx::Error> {
    let Database::Postgres(p) = db else {
        return Err(sqlx::Error::Protocol("pgbench runs on PostgreSQL".into()));
    };
    sqlx::query(sql::probe::PGBENCH_TABLE).execute(p).await?;
    sqlx::query(sql::probe::PGBENCH_ROW)
        .bind(payload)
        .bind(metadata)
        .execute(p)
        .await
        .map(|_| ())
}

/// The script pgbench runs for each of its transactions (see [`sql::probe::PGBENCH_SCRIPT`]).
pub fn pgbench_script() -> &'static str {
    sql::probe::PGBENCH_SCRIPT
}
