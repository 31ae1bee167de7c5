//! The JSON API and the server's edges over real HTTP, on SQLite and on PostgreSQL: one
//! module per concern. Run one of them with `cargo test -p safeguards-tests --test api hostile`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod documents;
mod hostile;
mod links;
mod organisation;
mod second_factor;
mod transparency;
