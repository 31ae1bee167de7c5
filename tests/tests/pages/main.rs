//! The pages people use, over real HTTP without JavaScript, on SQLite and on PostgreSQL: one
//! module per concern. Run one of them with `cargo test -p safeguards-tests --test pages sheets`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod documents;
mod framework;
mod pages;
mod sheets;
mod workflows;
