//! Who is asking, and what they may do: the table of SPEC §3, decided in [`authorize`] and
//! nowhere else.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use safeguards_domain::subscriber::{Digits, Language};
use safeguards_domain::values::{AccountId, Actor, Role};
use safeguards_infra::CommandContext;

use crate::error::AppError;

/// The account (or the system itself) on whose behalf a use case runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// An account, or [`Actor::System`] for the scheduler, the demo loader and the command
    /// line acting for the operator.
    pub actor: Actor,
    pub role: Role,
    pub name: String,
    /// Countries where a focal point may act.
    pub countries: BTreeSet<String>,
    /// The language the account chose for the pages.
    pub language: Option<Language>,
    /// The digits the account chose for its pages.
    pub digits: Digits,
}

impl Principal {
    /// The operator: every right, recorded as `system`.
    pub fn system() -> Self {
        Self {
            actor: Actor::System,
            role: Role::Admin,
            name: "system".into(),
            countries: BTreeSet::new(),
            language: None,
            digits: Digits::Latin,
        }
    }
    /// The account, unless this is the system.
    pub fn account(&self) -> Option<AccountId> {
        self.actor.account()
    }
}

/// A principal with the request it makes: its correlation id, the version it last saw of the
/// aggregate (`If-Match`), and the business time of the events (`None`: now; the demo loader
/// records history in the past).
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub correlation_id: String,
    pub if_match: Option<u64>,
    pub at: Option<DateTime<Utc>>,
}

impl Caller {
    pub fn new(principal: Principal, correlation_id: impl Into<String>) -> Self {
        Self {
            principal,
            correlation_id: correlation_id.into(),
            if_match: None,
            at: None,
        }
    }
    /// The system, for the request `correlation_id`.
    pub fn system(correlation_id: impl Into<String>) -> Self {
        Self::new(Principal::system(), correlation_id)
    }
    pub fn if_match(mut self, version: Option<u64>) -> Self {
        self.if_match = version;
        self
    }
    pub fn at(mut self, time: DateTime<Utc>) -> Self {
        self.at = Some(time);
        self
    }
    /// What the event store records of this caller.
    pub fn context(&self) -> CommandContext {
        let ctx = CommandContext::new(self.principal.actor, self.correlation_id.clone());
        match self.at {
            Some(t) => ctx.at(t),
            None => ctx,
        }
    }
}

/// The actions of SPEC §3's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ManageAccounts,
    /// Open an engagement, change its status, DPI systems, focal points.
    ManageEngagement,
    RecordActivity,
    /// Create, revise, withdraw commitments; add milestones.
    EditCommitments,
    /// Start, progress, block, unblock, achieve, reschedule, cancel milestones.
    UpdateMilestones,
    Verify,
    /// Send the digest now, preview it, list and erase subscribers.
    ManageDigest,
}

/// Whether `who` may do `action` (in `country`, for country-scoped actions).
pub fn may(who: &Principal, action: Action, country: Option<&str>) -> bool {
    use Action::*;
    match who.role {
        Role::Admin => true,
        Role::ProgrammeManager => action != ManageAccounts,
        Role::FocalPoint => {
            matches!(action, RecordActivity | EditCommitments | UpdateMilestones)
                && country.is_some_and(|c| who.countries.contains(c))
        }
        Role::Viewer => false,
    }
}

/// [`may`], as an answer: the refusal says why.
pub fn authorize(who: &Principal, action: Action, country: Option<&str>) -> Result<(), AppError> {
    if may(who, action, country) {
        return Ok(());
    }
    let role: &str = who.role.into();
    Err(AppError::Forbidden(match (who.role, country) {
        (Role::FocalPoint, Some(c)) => safeguards_domain::reason!(
            "not-your-country",
            "a focal point may do this only in their own countries, and {country} is not one of them",
            country = c
        ),
        _ => safeguards_domain::reason!(
            "role-may-not",
            "the role {role} may not do this",
            role = role
        ),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: Role, countries: &[&str]) -> Principal {
        Principal {
            actor: Actor::Account(AccountId::new()),
            role,
            name: "x".into(),
            countries: countries.iter().map(|c| c.to_string()).collect(),
            language: None,
            digits: Digits::Latin,
        }
    }

    /// The whole table of SPEC §3, as data: role, action, and whether it is allowed in the
    /// focal point's own country (KEN) and in another (BRA).
    #[test]
    fn every_role_may_do_exactly_what_the_table_says() {
        use Action::*;
        let table: &[(Role, Action, bool, bool)] = &[
            (Role::Admin, ManageAccounts, true, true),
            (Role::Admin, ManageEngagement, true, true),
            (Role::Admin, RecordActivity, true, true),
            (Role::Admin, EditCommitments, true, true),
            (Role::Admin, UpdateMilestones, true, true),
            (Role::Admin, Verify, true, true),
            (Role::Admin, ManageDigest, true, true),
            (Role::ProgrammeManager, ManageAccounts, false, false),
            (Role::ProgrammeManager, ManageEngagement, true, true),
            (Role::ProgrammeManager, RecordActivity, true, true),
            (Role::ProgrammeManager, EditCommitments, true, true),
            (Role::ProgrammeManager, UpdateMilestones, true, true),
            (Role::ProgrammeManager, Verify, true, true),
            (Role::ProgrammeManager, ManageDigest, true, true),
            (Role::FocalPoint, ManageAccounts, false, false),
            (Role::FocalPoint, ManageEngagement, false, false),
            (Role::FocalPoint, RecordActivity, true, false),
            (Role::FocalPoint, EditCommitments, true, false),
            (Role::FocalPoint, UpdateMilestones, true, false),
            (Role::FocalPoint, Verify, false, false),
            (Role::FocalPoint, ManageDigest, false, false),
            (Role::Viewer, ManageAccounts, false, false),
            (Role::Viewer, ManageEngagement, false, false),
            (Role::Viewer, RecordActivity, false, false),
            (Role::Viewer, EditCommitments, false, false),
            (Role::Viewer, UpdateMilestones, false, false),
            (Role::Viewer, Verify, false, false),
            (Role::Viewer, ManageDigest, false, false),
        ];
        assert_eq!(table.len(), 4 * 7);
        for (role, action, own, other) in table {
            let p = who(*role, &["KEN"]);
            assert_eq!(
                may(&p, *action, Some("KEN")),
                *own,
                "{role:?} {action:?} KEN"
            );
            assert_eq!(
                may(&p, *action, Some("BRA")),
                *other,
                "{role:?} {action:?} BRA"
            );
            assert_eq!(authorize(&p, *action, Some("BRA")).is_ok(), *other);
        }
        assert!(may(&Principal::system(), Action::ManageAccounts, None));
    }
}
