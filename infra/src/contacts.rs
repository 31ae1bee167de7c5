//! Subscribers' personal data (address and name), kept outside the event log so that it can be
//! erased. The same SQL serves PostgreSQL and SQLite.

use std::collections::HashMap;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::db::Database;
use crate::feed::ReadError;
use crate::{sql, with_pool};

/// A subscriber's address and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub subscriber_id: String,
    pub email: String,
    pub name: Option<String>,
}

/// HMAC-SHA256 of the normalised address, hex: the lookup key for an address, so that the
/// addresses themselves are never an index anyone could enumerate.
pub fn email_hash(secret: &str, email: &str) -> String {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(format!("safeguards-email:{secret}").as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(email.trim().to_lowercase().as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The subscriber id of an address, if it has one.
pub async fn find(db: &Database, hash: &str) -> Result<Option<String>, ReadError> {
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql::both::CONTACT_BY_HASH).bind(hash).fetch_optional(p).await)?,
    )
}

/// Keep the address and name of `id`; a second call for the same address keeps the first id
/// (and changes nothing) and returns the id.
pub async fn upsert(
    db: &Database,
    id: &str,
    hash: &str,
    email: &str,
    name: Option<&str>,
) -> Result<String, ReadError> {
    Ok(with_pool!(db, p => {
        sqlx::query_scalar(sql::both::UPSERT_CONTACT)
            .bind(id)
            .bind(hash)
            .bind(email)
            .bind(name)
            .fetch_one(p)
            .await
    })?)
}

/// The display name of `id` (the subscriber's own choice).
pub async fn set_name(db: &Database, id: &str, name: Option<&str>) -> Result<(), ReadError> {
    with_pool!(db, p => sqlx::query(sql::both::SET_CONTACT_NAME).bind(id).bind(name).execute(p).await.map(|_| ()))?;
    Ok(())
}

pub async fn get(db: &Database, id: &str) -> Result<Option<Contact>, ReadError> {
    let row: Option<(String, String, Option<String>)> =
        with_pool!(db, p => sqlx::query_as(sql::both::CONTACT).bind(id).fetch_optional(p).await)?;
    Ok(row.map(contact))
}

/// Every contact, by subscriber id.
pub async fn all(db: &Database) -> Result<HashMap<String, Contact>, ReadError> {
    let rows: Vec<(String, String, Option<String>)> =
        with_pool!(db, p => sqlx::query_as(sql::both::CONTACTS).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .map(contact)
        .map(|c| (c.subscriber_id.clone(), c))
        .collect())
}

fn contact((subscriber_id, email, name): (String, String, Option<String>)) -> Contact {
    Contact {
        subscriber_id,
        email,
        name,
    }
}

/// Delete the personal data of `id`. On SQLite the write-ahead log is folded into the file
/// afterwards (deleted rows are overwritten there: `secure_delete`), so the address is gone
/// from both.
pub async fn erase(db: &Database, id: &str) -> Result<(), ReadError> {
    with_pool!(db, p => sqlx::query(sql::both::ERASE_CONTACT).bind(id).execute(p).await.map(|_| ()))?;
    if let Database::Sqlite(p) = db {
        sqlx::query(sql::lite::CHECKPOINT).execute(p).await?;
    }
    Ok(())
}
