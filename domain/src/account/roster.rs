//! The roster of enabled admins: one aggregate (`admins`) through which every change that makes
//! or unmakes an admin passes first, so that concurrent demotions or disablings can never leave
//! the tracker without one. Its optimistic concurrency serializes them: of two admins disabling
//! each other at once, the second is refused.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::error::{Decision, DomainError};
use crate::values::AccountId;

/// The id of the one roster.
pub const ROSTER_ID: &str = "admins";

/// What may be asked of the roster.
#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum RosterCommand {
    /// Start the roster with the admins of today (a store from before the roster).
    Seed { admins: Vec<AccountId> },
    /// An account became an enabled admin.
    Enlist { account: AccountId },
    /// An admin is about to be demoted or disabled: refused if it is the last one.
    Dismiss { account: AccountId },
}

/// What happened to the roster.
#[derive(
    Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantNames,
)]
pub enum RosterEvent {
    RosterSeeded { admins: Vec<AccountId> },
    AdminEnlisted { account: AccountId },
    AdminDismissed { account: AccountId },
}

/// The enabled admins.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Roster {
    seeded: bool,
    admins: BTreeSet<AccountId>,
}

impl Roster {
    pub fn is_seeded(&self) -> bool {
        self.seeded
    }
    pub fn admins(&self) -> &BTreeSet<AccountId> {
        &self.admins
    }

    pub fn decide(&self, command: RosterCommand) -> Decision<RosterEvent> {
        use RosterCommand as C;
        use RosterEvent as E;
        match command {
            C::Seed { .. } if self.seeded => Ok(vec![]),
            C::Seed { admins } => Ok(vec![E::RosterSeeded { admins }]),
            C::Enlist { account } if self.admins.contains(&account) => Ok(vec![]),
            C::Enlist { account } => Ok(vec![E::AdminEnlisted { account }]),
            C::Dismiss { account } if !self.admins.contains(&account) => Ok(vec![]),
            C::Dismiss { .. } if self.admins.len() <= 1 => {
                Err(DomainError::conflict(crate::reason!(
                    "least-one-enabled-admin-must",
                    "at least one enabled admin must remain: make another account admin first"
                )))
            }
            C::Dismiss { account } => Ok(vec![E::AdminDismissed { account }]),
        }
    }

    pub fn evolve(&mut self, event: RosterEvent) {
        match event {
            RosterEvent::RosterSeeded { admins } => {
                self.seeded = true;
                self.admins.extend(admins);
            }
            RosterEvent::AdminEnlisted { account } => {
                self.seeded = true;
                self.admins.insert(account);
            }
            RosterEvent::AdminDismissed { account } => {
                self.admins.remove(&account);
            }
        }
    }
}

crate::event_sourced!(Roster, "roster", RosterCommand, RosterEvent);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::given;

    #[test]
    fn the_last_admin_cannot_be_dismissed_and_others_can() {
        let (a, b) = (AccountId::new(), AccountId::new());
        let roster = given::<Roster>(vec![RosterEvent::RosterSeeded { admins: vec![a, b] }]);
        let events = roster
            .decide(RosterCommand::Dismiss { account: a })
            .unwrap();
        let roster = given::<Roster>(
            [
                vec![RosterEvent::RosterSeeded { admins: vec![a, b] }],
                events,
            ]
            .concat(),
        );
        assert!(matches!(
            roster.decide(RosterCommand::Dismiss { account: b }),
            Err(DomainError::Conflict(_))
        ));
        assert_eq!(
            roster.decide(RosterCommand::Dismiss { account: a }),
            Ok(vec![])
        );
    }

    #[test]
    fn seeding_happens_once_and_enlisting_twice_records_nothing() {
        let a = AccountId::new();
        let roster = given::<Roster>(vec![RosterEvent::AdminEnlisted { account: a }]);
        assert!(roster.is_seeded());
        assert_eq!(
            roster.decide(RosterCommand::Seed { admins: vec![] }),
            Ok(vec![])
        );
        assert_eq!(
            roster.decide(RosterCommand::Enlist { account: a }),
            Ok(vec![])
        );
    }
}
