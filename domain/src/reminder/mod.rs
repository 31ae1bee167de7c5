//! Reminder: one per ISO week, milestone and focal point (`2026-W48:<milestone>:<account>`).
//! Recorded before the mail goes out, so a focal point hears about a milestone at most once a
//! week, whatever the number of processes or runs; released again when the mail could not be
//! handed over, so that the next run sends it instead of the week passing without one.

use serde::{Deserialize, Serialize};

use crate::error::{Decision, DomainError};
use crate::values::{AccountId, MilestoneId};

/// What may be asked of a reminder.
#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ReminderCommand {
    Record {
        week: String,
        milestone: MilestoneId,
        account: AccountId,
        overdue: bool,
    },
    /// The mail of a recorded reminder could not be handed to the mail server.
    Release { reason: String },
}

/// What happened.
#[derive(
    Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantNames,
)]
pub enum ReminderEvent {
    ReminderSent {
        week: String,
        milestone: MilestoneId,
        account: AccountId,
        overdue: bool,
    },
    ReminderNotSent {
        reason: String,
    },
}

/// The state of one week's reminder about one milestone to one focal point.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Reminder {
    sent: bool,
}

impl Reminder {
    pub fn decide(&self, command: ReminderCommand) -> Decision<ReminderEvent> {
        match command {
            ReminderCommand::Record {
                week,
                milestone,
                account,
                overdue,
            } => {
                if self.sent {
                    return Err(DomainError::conflict(crate::reason!(
                        "focal-point-reminded-milestone-week",
                        "this focal point was reminded of this milestone this week"
                    )));
                }
                Ok(vec![ReminderEvent::ReminderSent {
                    week,
                    milestone,
                    account,
                    overdue,
                }])
            }
            ReminderCommand::Release { reason } => {
                if !self.sent {
                    return Err(DomainError::conflict(crate::reason!(
                        "reminder-not-recorded",
                        "this reminder is not recorded"
                    )));
                }
                Ok(vec![ReminderEvent::ReminderNotSent { reason }])
            }
        }
    }

    pub fn evolve(&mut self, event: ReminderEvent) {
        self.sent = matches!(event, ReminderEvent::ReminderSent { .. });
    }
}

crate::event_sourced!(Reminder, "reminder", ReminderCommand, ReminderEvent);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::given;

    #[test]
    fn a_reminder_is_recorded_once() {
        let cmd = ReminderCommand::Record {
            week: "2026-W48".into(),
            milestone: MilestoneId::new(),
            account: AccountId::new(),
            overdue: true,
        };
        let events = given::<Reminder>(vec![]).decide(cmd.clone()).unwrap();
        assert!(matches!(
            given::<Reminder>(events.clone()).decide(cmd.clone()),
            Err(DomainError::Conflict(_))
        ));
        // A reminder whose mail failed is released, and recorded again by the next run.
        let release = ReminderCommand::Release {
            reason: "the mail server refused".into(),
        };
        let mut history = events.clone();
        history.extend(given::<Reminder>(events).decide(release.clone()).unwrap());
        assert!(given::<Reminder>(history.clone()).decide(cmd).is_ok());
        assert!(matches!(
            given::<Reminder>(history).decide(release),
            Err(DomainError::Conflict(_))
        ));
    }
}
