//! Milestone: one step of a commitment, with its own life:
//! `planned → in_progress → achieved → verified`, `blocked` and back, `cancelled` from any state
//! but `verified`, and a rejected verification back to `in_progress`.

mod aggregate;
mod commands;
mod events;

pub use aggregate::Milestone;
pub use commands::{MilestoneCommand, MilestoneStep, StepField, StepInput, StepPermission};
pub use events::{MilestoneEvent, MilestoneStatus};
