//! Commitment: a safeguard measure a country commits to. Created, revised, withdrawn.
//!
//! Whether a commitment is *fulfilled* depends on its milestones (each its own aggregate), so
//! it is computed by the projections, not stored here.

mod aggregate;
mod commands;
mod events;

pub use aggregate::{apply_revision, Commitment};
pub use commands::{CommitmentCommand, CommitmentFields, CommitmentRevision};
pub use events::CommitmentEvent;
