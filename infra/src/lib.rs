//! Infrastructure of the Safeguards Tracker: configuration, database connections and
//! migrations, the event store over postgres-es (PostgreSQL) and sqlite-es (SQLite), the global
//! event feed read in commit order, and telemetry.
//!
//! It depends on the domain; it must never depend on the HTTP layer or the binary.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod config;
pub mod db;
pub mod feed;
pub mod projector;
pub mod store;
pub mod telemetry;

pub use config::{Config, ConfigError, RawConfig};
pub use db::Database;
pub use projector::Projector;
pub use store::{CommandContext, CommandError, Committed, EventStore};
