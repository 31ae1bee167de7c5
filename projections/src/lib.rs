//! Read models of the Safeguards Tracker. Pure: a recorded event goes in, the model changes;
//! queries take the model and today's date and return views. No I/O happens here.
//!
//! The model is rebuilt by folding the global event feed in position order, so a live model
//! and one rebuilt from scratch are equal by construction. This crate depends on the domain
//! only; it must never depend on a database, the HTTP layer or the mailer.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod activity;
pub mod cloudevent;
pub mod coverage;
pub mod event;
pub mod ledger;
pub mod model;
pub mod snapshot;
pub mod views;

pub use event::{DecodedEvent, RecordedEvent};
pub use model::Tracker;
