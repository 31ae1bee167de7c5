//! Loading a whole log into an empty store, in one transaction: the storage side of
//! `events import` (the file format lives with the command). The tests use the same raw
//! transactions to write events the way another writer would.

use safeguards_projections::event::Metadata;

use crate::db::Database;
use crate::sql;
use crate::store::{sql_error, CommandError};

enum Tx {
    Pg(sqlx::Transaction<'static, sqlx::Postgres>),
    Lite(sqlx::Transaction<'static, sqlx::Sqlite>),
}

/// An import under way: nothing is visible until [`Import::commit`]; dropped, it leaves nothing.
pub struct Import {
    tx: Tx,
}

impl std::fmt::Debug for Import {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Import(…)")
    }
}

/// One event as the import stores it; the store assigns its position.
#[derive(Debug)]
pub struct ImportedEvent<'a> {
    pub aggregate_type: &'a str,
    pub aggregate_id: &'a str,
    pub sequence: i64,
    pub event_type: &'a str,
    pub event_version: &'a str,
    /// The payload as stored: JSON text.
    pub payload: &'a str,
    pub metadata: &'a Metadata,
}

impl Import {
    pub async fn begin(db: &Database) -> Result<Self, CommandError> {
        let tx = match db {
            Database::Postgres(p) => Tx::Pg(p.begin().await.map_err(sql_error)?),
            Database::Sqlite(p) => Tx::Lite(p.begin().await.map_err(sql_error)?),
        };
        Ok(Self { tx })
    }

    pub async fn event(&mut self, e: &ImportedEvent<'_>) -> Result<(), CommandError> {
        let metadata =
            serde_json::to_value(e.metadata).map_err(|x| CommandError::Internal(x.to_string()))?;
        macro_rules! insert {
            ($tx:expr, $payload:expr, $metadata:expr) => {
                sqlx::query(sql::both::IMPORT_EVENT)
                    .bind(e.aggregate_type)
                    .bind(e.aggregate_id)
                    .bind(e.sequence)
                    .bind(e.event_type)
                    .bind(e.event_version)
                    .bind($payload)
                    .bind($metadata)
                    .execute(&mut **$tx)
                    .await
                    .map(|_| ())
            };
        }
        match &mut self.tx {
            // PostgreSQL takes JSON values for its json columns; SQLite keeps text.
            Tx::Pg(t) => {
                let payload = serde_json::value::RawValue::from_string(e.payload.to_string())
                    .map_err(|err| {
                        CommandError::Internal(format!("a payload does not read: {err}"))
                    })?;
                insert!(t, sqlx::types::Json(payload), &metadata)
            }
            Tx::Lite(t) => insert!(t, e.payload, metadata.to_string()),
        }
        .map_err(sql_error)
    }

    pub async fn contact(
        &mut self,
        subscriber_id: &str,
        email_hash: &str,
        email: &str,
        name: Option<&str>,
    ) -> Result<(), CommandError> {
        macro_rules! insert {
            ($tx:expr) => {
                sqlx::query(sql::both::IMPORT_CONTACT)
                    .bind(subscriber_id)
                    .bind(email_hash)
                    .bind(email)
                    .bind(name)
                    .execute(&mut **$tx)
                    .await
                    .map(|_| ())
            };
        }
        match &mut self.tx {
            Tx::Pg(t) => insert!(t),
            Tx::Lite(t) => insert!(t),
        }
        .map_err(sql_error)
    }

    /// The PostgreSQL transaction, when it is one (for `probe`).
    #[cfg(feature = "probe")]
    pub(crate) fn postgres(&mut self) -> Option<&mut sqlx::Transaction<'static, sqlx::Postgres>> {
        match &mut self.tx {
            Tx::Pg(t) => Some(t),
            Tx::Lite(_) => None,
        }
    }

    /// Undo everything this import wrote (dropping it does the same).
    pub async fn rollback(self) -> Result<(), CommandError> {
        match self.tx {
            Tx::Pg(t) => t.rollback().await,
            Tx::Lite(t) => t.rollback().await,
        }
        .map_err(sql_error)
    }

    pub async fn commit(self) -> Result<(), CommandError> {
        match self.tx {
            Tx::Pg(t) => t.commit().await,
            Tx::Lite(t) => t.commit().await,
        }
        .map_err(sql_error)
    }
}
