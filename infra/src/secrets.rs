//! What proves a sign-in, kept outside the event log and its exports: second-factor secrets
//! (each under the key the account's events name), one-use recovery codes (as hashes), and
//! the record of sign-ins the account page lists. The same SQL serves PostgreSQL and SQLite.
//!
//! Each code is good once across every process: a step's code is taken by one conditional
//! `UPDATE` ([`take_step`]), a recovery code by one `DELETE` ([`take_recovery_code`]).

use crate::db::Database;
use crate::feed::ReadError;
use crate::{sql, with_pool};

/// An account's stored second factor: its secret (base32) and the newest step taken.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredFactor {
    pub secret: String,
    pub last_step: i64,
}

impl std::fmt::Debug for StoredFactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StoredFactor(…, last step {})", self.last_step)
    }
}

/// Keep `account`'s secret under a new `key` with its recovery codes' hashes. Secrets under
/// other keys stay (an enrolment under way in another tab): the account's events say which
/// key is its factor.
pub async fn put_factor(
    db: &Database,
    account: &str,
    key: &str,
    secret: &str,
    recovery_hashes: &[String],
) -> Result<(), ReadError> {
    with_pool!(db, p => {
        let mut tx = p.begin().await?;
        sqlx::query(sql::both::PUT_SECOND_FACTOR)
            .bind(account)
            .bind(key)
            .bind(secret)
            .execute(&mut *tx)
            .await?;
        for hash in recovery_hashes {
            sqlx::query(sql::both::PUT_RECOVERY_CODE)
                .bind(account)
                .bind(key)
                .bind(hash)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    })?;
    Ok(())
}

/// `account`'s secret stored under `key`, if there is one.
pub async fn factor(
    db: &Database,
    account: &str,
    key: &str,
) -> Result<Option<StoredFactor>, ReadError> {
    let row: Option<(String, i64)> = with_pool!(db, p => {
        sqlx::query_as(sql::both::SECOND_FACTOR).bind(account).bind(key).fetch_optional(p).await
    })?;
    Ok(row.map(|(secret, last_step)| StoredFactor { secret, last_step }))
}

/// Take `step`'s code of `account`'s factor under `key`: true if no code of that step or a
/// later one was taken before (by any process).
pub async fn take_step(
    db: &Database,
    account: &str,
    key: &str,
    step: i64,
) -> Result<bool, ReadError> {
    let done = with_pool!(db, p => {
        sqlx::query(sql::both::TAKE_STEP)
            .bind(account)
            .bind(key)
            .bind(step)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(done == 1)
}

/// Take the recovery code hashed as `hash`: true if it was there (it is gone now).
pub async fn take_recovery_code(
    db: &Database,
    account: &str,
    key: &str,
    hash: &str,
) -> Result<bool, ReadError> {
    let done = with_pool!(db, p => {
        sqlx::query(sql::both::TAKE_RECOVERY_CODE)
            .bind(account)
            .bind(key)
            .bind(hash)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(done == 1)
}

/// How many recovery codes of `account`'s factor under `key` are left.
pub async fn recovery_codes_left(
    db: &Database,
    account: &str,
    key: &str,
) -> Result<i64, ReadError> {
    Ok(with_pool!(db, p => {
        sqlx::query_scalar(sql::both::COUNT_RECOVERY_CODES).bind(account).bind(key).fetch_one(p).await
    })?)
}

/// Forget `account`'s factor and recovery codes (after a reset).
pub async fn forget_factor(db: &Database, account: &str) -> Result<(), ReadError> {
    with_pool!(db, p => {
        let mut tx = p.begin().await?;
        sqlx::query(sql::both::FORGET_RECOVERY_CODES).bind(account).execute(&mut *tx).await?;
        sqlx::query(sql::both::FORGET_SECOND_FACTOR).bind(account).execute(&mut *tx).await?;
        tx.commit().await
    })?;
    Ok(())
}

/// Record that `account` signed in by `method` at `at` (seconds since 1970), opening a
/// session in token `generation`. (The account's expired ones are forgotten as it signs in:
/// [`forget_sign_ins`].)
pub async fn record_sign_in(
    db: &Database,
    account: &str,
    generation: u32,
    method: &str,
    at: i64,
) -> Result<(), ReadError> {
    with_pool!(db, p => {
        sqlx::query(sql::both::RECORD_SIGN_IN)
            .bind(account)
            .bind(i64::from(generation))
            .bind(method)
            .bind(at)
            .execute(p)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// `account`'s sign-ins in token `generation` since `since`, newest first (at most 50): how,
/// and when.
pub async fn sign_ins(
    db: &Database,
    account: &str,
    generation: u32,
    since: i64,
) -> Result<Vec<(String, i64)>, ReadError> {
    Ok(with_pool!(db, p => {
        sqlx::query_as(sql::both::SIGN_INS)
            .bind(account)
            .bind(i64::from(generation))
            .bind(since)
            .fetch_all(p)
            .await
    })?)
}

/// Forget `account`'s sign-ins from before `before` (their sessions have expired).
pub async fn forget_sign_ins(db: &Database, account: &str, before: i64) -> Result<u64, ReadError> {
    Ok(with_pool!(db, p => {
        sqlx::query(sql::both::FORGET_SIGN_INS).bind(account).bind(before).execute(p).await.map(|r| r.rows_affected())
    })?)
}
