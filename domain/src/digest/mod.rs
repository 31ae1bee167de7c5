//! The Safeguards Digest, in two aggregates:
//!
//! - **Digest**, one per period (`2026-W48`): composed from a range of event positions for a
//!   list of recipients, then completed.
//! - **Delivery**, one per period and recipient (`2026-W48:<subscriber>`): claimed by a worker
//!   for a while, delivered or failed (with attempts and a retry time), or given up.
//!
//! A delivery is claimed before the mail is sent, so two processes never send the same digest
//! at once: the second claim is refused by the rules, and two claims racing on the same version
//! are refused by the store's optimistic concurrency. The lease runs from the claim, and the
//! holder renews it while the mail server takes its time; renewing and recording name the
//! claim (worker and attempt), so a holder that lost its lease cannot record over the next one.
//! Small per-recipient streams keep each command cheap however many subscribers there are.

mod aggregate;
mod commands;
mod events;

pub use aggregate::{Delivery, DeliveryState, Digest, Period};
pub use commands::{DeliveryCommand, DigestCommand, Holder, PeriodCommand};
pub use events::{DeliveryEvent, DigestEvent, Failure, FailureClass};
