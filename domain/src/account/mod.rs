//! Account: a person who signs in. Created, role changed, countries granted and revoked,
//! password set (a one-time one to be changed at the first sign-in), tokens revoked, disabled,
//! enabled again. The roster of enabled admins keeps at least one.

mod aggregate;
mod commands;
mod events;
pub mod roster;

pub use aggregate::Account;
pub use commands::AccountCommand;
pub use events::AccountEvent;

use crate::values::{AccountId, Email};

/// The id of the account of an address: accounts are keyed by their e-mail address (compared
/// wholly lower-cased), so an address has at most one account, whichever process creates it.
pub fn account_id(email: &Email) -> AccountId {
    const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x5afe_9a2d_0000_4000_8000_5afe_9a2d_0001);
    AccountId::from_uuid(uuid::Uuid::new_v5(
        &NAMESPACE,
        email.normalized().as_bytes(),
    ))
}
