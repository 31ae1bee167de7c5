//! The store and what is built on it: the event store's contract, the read model against the
//! log, the move of data in and out, and the rules of the repository's shape. Run one module
//! with `cargo test -p safeguards-tests --test store projections`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod projections;
mod repository;
mod store_contract;
mod transfer;
