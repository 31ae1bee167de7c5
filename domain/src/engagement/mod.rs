//! Engagement: one per country (its id is the country code). Opened, DPI systems added and moved
//! between stages, activities recorded, focal points assigned and removed, status changed.

mod aggregate;
mod commands;
mod events;

pub use aggregate::Engagement;
pub use commands::EngagementCommand;
pub use events::{ActivityKind, EngagementEvent, EngagementStatus};
