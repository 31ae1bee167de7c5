//! The `safeguards` binary's library part, kept here so that the tests can call it: the wiring
//! of a running server ([`server`]), the demo data loader and the event export and import.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod demo;
pub mod server;
pub mod transfer;
