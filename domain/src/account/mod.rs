//! Account: a person who signs in. Created, role changed, countries granted and revoked,
//! password set, disabled.

mod aggregate;
mod commands;
mod events;

pub use aggregate::Account;
pub use commands::AccountCommand;
pub use events::AccountEvent;
