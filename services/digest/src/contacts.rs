//! Subscribers' personal data (address and name), kept outside the event log so that it can be
//! erased. The same SQL serves PostgreSQL and SQLite.

use std::collections::HashMap;

use hmac::{Hmac, Mac};
use safeguards_infra::{with_pool, Database};
use sha2::Sha256;

/// A subscriber's address and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub subscriber_id: String,
    pub email: String,
    pub name: Option<String>,
}

/// HMAC-SHA256 of the normalised address, hex: the lookup key for an address.
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
pub async fn find(db: &Database, hash: &str) -> Result<Option<String>, sqlx::Error> {
    let sql = "SELECT subscriber_id FROM subscriber_contacts WHERE email_hash = $1";
    with_pool!(db, p => sqlx::query_scalar(sql).bind(hash).fetch_optional(p).await)
}

/// Keep the address and name of `id`; a second call for the same address keeps the first id
/// and returns it.
pub async fn upsert(
    db: &Database,
    id: &str,
    hash: &str,
    email: &str,
    name: Option<&str>,
) -> Result<String, sqlx::Error> {
    let sql = "INSERT INTO subscriber_contacts (subscriber_id, email_hash, email, name) VALUES ($1, $2, $3, $4)
               ON CONFLICT (email_hash) DO UPDATE SET name = coalesce(excluded.name, subscriber_contacts.name)
               RETURNING subscriber_id";
    with_pool!(db, p => {
        sqlx::query_scalar(sql)
            .bind(id)
            .bind(hash)
            .bind(email)
            .bind(name)
            .fetch_one(p)
            .await
    })
}

pub async fn get(db: &Database, id: &str) -> Result<Option<Contact>, sqlx::Error> {
    let sql = "SELECT subscriber_id, email, name FROM subscriber_contacts WHERE subscriber_id = $1";
    let row: Option<(String, String, Option<String>)> =
        with_pool!(db, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?;
    Ok(row.map(|(subscriber_id, email, name)| Contact {
        subscriber_id,
        email,
        name,
    }))
}

/// Every contact, by subscriber id.
pub async fn all(db: &Database) -> Result<HashMap<String, Contact>, sqlx::Error> {
    let sql = "SELECT subscriber_id, email, name FROM subscriber_contacts";
    let rows: Vec<(String, String, Option<String>)> =
        with_pool!(db, p => sqlx::query_as(sql).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .map(|(subscriber_id, email, name)| {
            (
                subscriber_id.clone(),
                Contact {
                    subscriber_id,
                    email,
                    name,
                },
            )
        })
        .collect())
}

/// Delete the personal data of `id`.
pub async fn erase(db: &Database, id: &str) -> Result<(), sqlx::Error> {
    let sql = "DELETE FROM subscriber_contacts WHERE subscriber_id = $1";
    with_pool!(db, p => sqlx::query(sql).bind(id).execute(p).await.map(|_| ()))
}
