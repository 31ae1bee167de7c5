//! The verifiable log kept beside the event store: the chain of `safeguards_projections::ledger`
//! computed over the feed, where the order of events is settled (the feed hands out an event
//! only once no running transaction can precede it, so concurrent PostgreSQL commits cannot
//! reorder what was chained), and the checkpoints signed over it.
//!
//! [`catch_up`] chains one batch; [`Ledger::run`] loops over it and signs a checkpoint when
//! enough has happened since the last one.

use std::time::Duration;

use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use safeguards_projections::ledger::{self as chain, Checkpoint, Hash, GENESIS};
use sqlx::Row;

use crate::db::Database;
use crate::feed::{self, ReadError};
use crate::sql;

/// Events chained per step.
const BATCH: i64 = 5000;

/// A checkpoint is signed once this many events are unsigned…
pub const CHECKPOINT_EVERY: u64 = 1000;
/// …or once the oldest unsigned event waited this long.
pub const CHECKPOINT_AFTER: Duration = Duration::from_secs(60);

/// The chain's row of one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The event's index in feed order, from 1.
    pub index: u64,
    pub position: i64,
    pub hash: Hash,
}

/// The last row of the chain (index 0 and the genesis hash when nothing is chained).
pub async fn head(db: &Database) -> Result<Link, ReadError> {
    let row = crate::with_pool!(db, pool => sqlx::query(sql::both::LEDGER_HEAD)
        .fetch_optional(pool)
        .await
        .map(|r| r.map(|r| link_row(&r))))?;
    Ok(row.transpose()?.unwrap_or(Link {
        index: 0,
        position: 0,
        hash: GENESIS,
    }))
}

/// The chain's row of index `index`, if it is chained.
pub async fn at(db: &Database, index: u64) -> Result<Option<Link>, ReadError> {
    let index = i64::try_from(index).unwrap_or(i64::MAX);
    let row = crate::with_pool!(db, pool => sqlx::query(sql::both::LEDGER_AT)
        .bind(index)
        .fetch_optional(pool)
        .await
        .map(|r| r.map(|r| link_row(&r))))?;
    row.transpose()
}

/// Up to `limit` rows of the chain after `position`, in feed order.
pub async fn after(db: &Database, position: i64, limit: i64) -> Result<Vec<Link>, ReadError> {
    let rows = crate::with_pool!(db, pool => sqlx::query(sql::both::LEDGER_AFTER)
        .bind(position)
        .bind(limit)
        .fetch_all(pool)
        .await
        .map(|rows| rows.iter().map(link_row).collect::<Vec<_>>()))?;
    rows.into_iter().collect()
}

fn link_row<R: Row>(row: &R) -> Result<Link, ReadError>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> &'r str: sqlx::ColumnIndex<R>,
{
    let bad = |e: &dyn std::fmt::Display| ReadError::Corrupt(format!("a ledger row: {e}"));
    let index: i64 = row.try_get("ordinal").map_err(|e| bad(&e))?;
    let text: String = row.try_get("hash").map_err(|e| bad(&e))?;
    let hash: Hash = hex::decode(&text)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| bad(&"a hash that is not 32 bytes of hex"))?;
    Ok(Link {
        index: u64::try_from(index).map_err(|e| bad(&e))?,
        position: row.try_get("position").map_err(|e| bad(&e))?,
        hash,
    })
}

/// Chain the next batch of the feed: returns how many events were chained (0: the chain has
/// reached the feed's head).
pub async fn catch_up(db: &Database) -> Result<usize, ReadError> {
    Ok(advance(db).await?.0)
}

/// [`catch_up`], also answering the chain's head after the step.
async fn advance(db: &Database) -> Result<(usize, Link), ReadError> {
    let head = head(db).await?;
    let events = feed::read_after(db, head.position, BATCH).await?;
    if events.is_empty() {
        return Ok((0, head));
    }
    let mut previous = head.hash;
    let mut links = Vec::with_capacity(events.len());
    for (n, e) in events.iter().enumerate() {
        previous = chain::link(&previous, e);
        links.push(Link {
            index: head.index + n as u64 + 1,
            position: e.position,
            hash: previous,
        });
    }
    save(db, &links).await?;
    let chained = links.len();
    let head = links.pop().unwrap_or(head);
    Ok((chained, head))
}

async fn save(db: &Database, links: &[Link]) -> Result<(), ReadError> {
    let index = |l: &Link| i64::try_from(l.index).unwrap_or(i64::MAX);
    match db {
        Database::Postgres(pool) => {
            let indexes: Vec<i64> = links.iter().map(index).collect();
            let positions: Vec<i64> = links.iter().map(|l| l.position).collect();
            let hashes: Vec<String> = links.iter().map(|l| hex::encode(l.hash)).collect();
            sqlx::query(sql::pg::SAVE_LINKS)
                .bind(indexes)
                .bind(positions)
                .bind(hashes)
                .execute(pool)
                .await?;
        }
        Database::Sqlite(pool) => {
            let rows: Vec<(i64, i64, String)> = links
                .iter()
                .map(|l| (index(l), l.position, hex::encode(l.hash)))
                .collect();
            let rows =
                serde_json::to_string(&rows).map_err(|e| ReadError::Corrupt(e.to_string()))?;
            sqlx::query(sql::lite::SAVE_LINKS)
                .bind(rows)
                .execute(pool)
                .await?;
        }
    }
    Ok(())
}

/// Chain everything the feed holds now.
pub async fn catch_up_all(db: &Database) -> Result<Link, ReadError> {
    while catch_up(db).await? > 0 {}
    head(db).await
}

/// The newest checkpoint.
pub async fn last_checkpoint(db: &Database) -> Result<Option<Checkpoint>, ReadError> {
    let found = crate::with_pool!(db, pool => sqlx::query(sql::both::LAST_CHECKPOINT)
        .fetch_optional(pool)
        .await
        .map(|r| r.map(|r| checkpoint_row(&r))))?;
    found.transpose()
}

/// The newest `limit` checkpoints, newest first.
pub async fn latest(db: &Database, limit: i64) -> Result<Vec<Checkpoint>, ReadError> {
    let rows = crate::with_pool!(db, pool => sqlx::query(sql::both::LATEST_CHECKPOINTS)
        .bind(limit)
        .fetch_all(pool)
        .await
        .map(|rows| rows.iter().map(checkpoint_row).collect::<Vec<_>>()))?;
    rows.into_iter().collect()
}

/// Up to `limit` checkpoints after index `after`, oldest first.
pub async fn checkpoints(
    db: &Database,
    after: u64,
    limit: i64,
) -> Result<Vec<Checkpoint>, ReadError> {
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    let rows = crate::with_pool!(db, pool => sqlx::query(sql::both::CHECKPOINTS_AFTER)
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await
        .map(|rows| rows.iter().map(checkpoint_row).collect::<Vec<_>>()))?;
    rows.into_iter().collect()
}

fn checkpoint_row<R: Row>(row: &R) -> Result<Checkpoint, ReadError>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> &'r str: sqlx::ColumnIndex<R>,
{
    let bad = |e: &dyn std::fmt::Display| ReadError::Corrupt(format!("a checkpoint row: {e}"));
    let index: i64 = row.try_get("ordinal").map_err(|e| bad(&e))?;
    let signed_at: String = row.try_get("signed_at").map_err(|e| bad(&e))?;
    Ok(Checkpoint {
        index: u64::try_from(index).map_err(|e| bad(&e))?,
        hash: row.try_get("hash").map_err(|e| bad(&e))?,
        signed_at: DateTime::parse_from_rfc3339(&signed_at)
            .map_err(|e| bad(&e))?
            .with_timezone(&Utc),
        signature: row.try_get("signature").map_err(|e| bad(&e))?,
        public_key: row.try_get("public_key").map_err(|e| bad(&e))?,
    })
}

/// Sign the chain's head, unless the newest checkpoint covers it already. Returns the new
/// checkpoint.
pub async fn sign_head(
    db: &Database,
    key: &SigningKey,
    now: DateTime<Utc>,
) -> Result<Option<Checkpoint>, ReadError> {
    let head = head(db).await?;
    let last = last_checkpoint(db).await?.map_or(0, |c| c.index);
    if head.index == 0 || head.index <= last {
        return Ok(None);
    }
    let cp = Checkpoint::sign(key, head.index, &head.hash, now);
    let index = i64::try_from(cp.index).unwrap_or(i64::MAX);
    crate::with_pool!(db, pool => sqlx::query(sql::both::SAVE_CHECKPOINT)
        .bind(index)
        .bind(&cp.hash)
        .bind(chain::time_text(cp.signed_at))
        .bind(&cp.signature)
        .bind(&cp.public_key)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(Some(cp))
}

/// The signing key from its hex seed (the `ledger.key` file of the data directory).
pub fn signing_key(seed_hex: &str) -> Result<SigningKey, String> {
    let seed: [u8; 32] = hex::decode(seed_hex.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the ledger key is not 32 bytes of hex")?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The loop that keeps the chain up with the feed and signs checkpoints.
#[derive(Debug)]
pub struct Ledger {
    db: Database,
    key: SigningKey,
}

impl Ledger {
    pub fn new(db: Database, key: SigningKey) -> Self {
        Self { db, key }
    }

    /// Chain and sign until `stop` fires. A store that is down is tried again; nothing chained
    /// is ever taken back, so a restart goes on from the last row.
    pub async fn run(self, mut stop: tokio::sync::watch::Receiver<bool>) {
        let mut unsigned_since: Option<tokio::time::Instant> = None;
        loop {
            match self.step(&mut unsigned_since).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "the ledger could not advance; trying again"),
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                _ = stop.changed() => return,
            }
        }
    }

    /// One step: chain a batch, sign when due. `true` when there may be more to chain now.
    async fn step(
        &self,
        unsigned_since: &mut Option<tokio::time::Instant>,
    ) -> Result<bool, ReadError> {
        let (chained, head) = advance(&self.db).await?;
        if chained > 0 && unsigned_since.is_none() {
            *unsigned_since = Some(tokio::time::Instant::now());
        }
        let last = last_checkpoint(&self.db).await?.map_or(0, |c| c.index);
        let due = head.index >= last + CHECKPOINT_EVERY
            || unsigned_since.is_some_and(|t| t.elapsed() >= CHECKPOINT_AFTER);
        if head.index > last && due {
            sign_head(&self.db, &self.key, Utc::now()).await?;
            *unsigned_since = None;
        } else if head.index <= last {
            *unsigned_since = None;
        }
        Ok(chained as i64 == BATCH)
    }
}
