//! The `safeguards` binary's library part: what its subcommands do beyond wiring, kept here so
//! that the tests can call it — the demo data loader and the event export and import.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod demo;
pub mod transfer;
