//! Infrastructure of the Safeguards Tracker: configuration, database connections and
//! migrations, the event store over postgres-es (PostgreSQL) and sqlite-es (SQLite), the global
//! event feed read in commit order, subscribers' contacts, the import of a whole log, and
//! telemetry. All persistence lives here: every SQL statement is in [`sql`].
//!
//! It depends on the domain and the projections; it must never depend on the use cases, the
//! HTTP layer or the binary.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod append;
pub mod checkpoints;
pub mod config;
pub mod contacts;
pub mod db;
pub mod evidence;
pub mod feed;
pub mod ledger;
pub mod lines;
pub mod metrics;
pub mod oidc;
#[cfg(feature = "probe")]
pub mod probe;
pub mod projector;
pub mod secrets;
pub mod sql;
pub mod store;
pub mod telemetry;
pub mod transfer;

pub use config::{Config, ConfigError, RawConfig};
pub use db::Database;
pub use feed::ReadError;
pub use projector::Projector;
pub use store::{CommandContext, CommandError, Committed, EventStore};
