//! Digest: one per period (`2026-W48`). Composed from a range of event positions for a list of
//! recipients; delivered or failed per recipient, with attempts; completed.
//!
//! This aggregate is what makes delivery exactly-once per subscriber and period: a second
//! delivery to the same subscriber is refused by the store's optimistic concurrency, whatever
//! the scheduler, the number of processes or the restarts.

mod aggregate;
mod commands;
mod events;

pub use aggregate::{Digest, Period, PeriodCommand};
pub use commands::DigestCommand;
pub use events::DigestEvent;
