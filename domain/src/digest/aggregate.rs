use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Decision, DomainError};
use crate::values::{FieldError, SubscriberId};

use super::{DigestCommand, DigestEvent};

/// An ISO week, `YYYY-Www`: the digest's period and its aggregate id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    year: i32,
    week: u32,
}

impl Period {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let bad = || {
            FieldError::new(
                "period",
                format!("`{raw}` is not an ISO week like 2026-W48"),
            )
        };
        let (year, week) = raw.trim().split_once("-W").ok_or_else(bad)?;
        let year: i32 = year.parse().map_err(|_| bad())?;
        let week: u32 = week.parse().map_err(|_| bad())?;
        NaiveDate::from_isoywd_opt(year, week, chrono::Weekday::Mon).ok_or_else(bad)?;
        Ok(Self { year, week })
    }
    /// The ISO week that contains `day`.
    pub fn containing(day: NaiveDate) -> Self {
        let w = day.iso_week();
        Self {
            year: w.year(),
            week: w.week(),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

/// The state of one period's digest.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Digest {
    composed: bool,
    recipients: BTreeSet<SubscriberId>,
    delivered: BTreeSet<SubscriberId>,
    attempts: BTreeMap<SubscriberId, u32>,
    given_up: BTreeSet<SubscriberId>,
    completed: bool,
}

impl Digest {
    pub fn is_composed(&self) -> bool {
        self.composed
    }
    pub fn is_completed(&self) -> bool {
        self.completed
    }
    pub fn recipients(&self) -> &BTreeSet<SubscriberId> {
        &self.recipients
    }
    /// Recipients still owed a delivery: neither delivered nor given up.
    pub fn pending(&self) -> impl Iterator<Item = &SubscriberId> {
        self.recipients
            .iter()
            .filter(|s| !self.delivered.contains(s) && !self.given_up.contains(s))
    }
    pub fn attempts(&self, subscriber: &SubscriberId) -> u32 {
        self.attempts.get(subscriber).copied().unwrap_or(0)
    }

    /// Decide a command for the digest of `period`.
    pub fn decide_for(&self, period: Period, command: DigestCommand) -> Decision<DigestEvent> {
        use DigestCommand as C;
        use DigestEvent as E;
        match command {
            C::Compose {
                from_position,
                to_position,
                recipients,
            } => {
                if self.composed {
                    return Err(DomainError::conflict(format!(
                        "the digest of {period} is already composed"
                    )));
                }
                if to_position < from_position {
                    return Err(DomainError::invalid(
                        "to_position",
                        "the range of positions ends before it starts",
                    ));
                }
                let recipients: BTreeSet<_> = recipients.into_iter().collect();
                Ok(vec![E::DigestComposed {
                    period: period.to_string(),
                    from_position,
                    to_position,
                    recipients: recipients.into_iter().collect(),
                }])
            }
            _ if !self.composed => Err(DomainError::not_found(format!(
                "the digest of {period} has not been composed"
            ))),
            C::RecordDelivery {
                subscriber,
                from_position,
                message_id,
                attempt,
            } => {
                self.owed(&subscriber)?;
                Ok(vec![E::DigestDelivered {
                    subscriber,
                    from_position,
                    message_id,
                    attempt,
                }])
            }
            C::RecordFailure {
                subscriber,
                attempt,
                error,
                give_up,
            } => {
                self.owed(&subscriber)?;
                Ok(vec![E::DigestDeliveryFailed {
                    subscriber,
                    attempt,
                    error,
                    gave_up: give_up,
                }])
            }
            C::Complete => {
                if self.completed {
                    return Err(DomainError::conflict("the digest is already completed"));
                }
                if self.pending().next().is_some() {
                    return Err(DomainError::conflict(
                        "some recipients are still owed their digest",
                    ));
                }
                Ok(vec![E::DigestCompleted {
                    delivered: self.delivered.len() as u32,
                    failed: self.given_up.len() as u32,
                }])
            }
        }
    }

    fn owed(&self, subscriber: &SubscriberId) -> Result<(), DomainError> {
        if !self.recipients.contains(subscriber) {
            return Err(DomainError::not_found(
                "the subscriber is not a recipient of this digest",
            ));
        }
        if self.delivered.contains(subscriber) {
            return Err(DomainError::conflict(
                "the digest was already delivered to this subscriber",
            ));
        }
        if self.given_up.contains(subscriber) {
            return Err(DomainError::conflict(
                "delivery to this subscriber was given up",
            ));
        }
        Ok(())
    }

    pub fn evolve(&mut self, event: DigestEvent) {
        use DigestEvent as E;
        match event {
            E::DigestComposed { recipients, .. } => {
                self.composed = true;
                self.recipients = recipients.into_iter().collect();
            }
            E::DigestDelivered {
                subscriber,
                attempt,
                ..
            } => {
                self.delivered.insert(subscriber);
                self.attempts.insert(subscriber, attempt);
            }
            E::DigestDeliveryFailed {
                subscriber,
                attempt,
                gave_up,
                ..
            } => {
                self.attempts.insert(subscriber, attempt);
                if gave_up {
                    self.given_up.insert(subscriber);
                }
            }
            E::DigestCompleted { .. } => self.completed = true,
        }
    }
}

/// The aggregate's command carries its period so the rules can name it.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodCommand(pub Period, pub DigestCommand);

impl Digest {
    pub fn decide(&self, command: PeriodCommand) -> Decision<DigestEvent> {
        self.decide_for(command.0, command.1)
    }
}

crate::event_sourced!(Digest, "digest", PeriodCommand, DigestEvent);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::given;
    use DigestCommand as C;

    fn period() -> Period {
        Period::parse("2026-W48").unwrap()
    }

    #[test]
    fn periods_are_iso_weeks() {
        assert_eq!(period().to_string(), "2026-W48");
        assert_eq!(
            Period::containing("2026-11-24".parse().unwrap()).to_string(),
            "2026-W48"
        );
        assert_eq!(
            Period::containing("2027-01-01".parse().unwrap()).to_string(),
            "2026-W53"
        );
        assert!(Period::parse("2026-W54").is_err());
        assert!(Period::parse("2026-48").is_err());
    }

    #[test]
    fn each_recipient_gets_one_delivery_and_the_digest_completes_when_none_is_owed() {
        let (a, b) = (SubscriberId::new(), SubscriberId::new());
        let composed = given::<Digest>(vec![])
            .decide_for(
                period(),
                C::Compose {
                    from_position: 0,
                    to_position: 10,
                    recipients: vec![a, b],
                },
            )
            .unwrap();
        let mut state = given::<Digest>(composed.clone());
        assert!(matches!(
            state.decide_for(period(), C::Complete),
            Err(DomainError::Conflict(_))
        ));
        let deliver = |s| C::RecordDelivery {
            subscriber: s,
            from_position: 0,
            message_id: "<m@x>".into(),
            attempt: 1,
        };
        for e in state.decide_for(period(), deliver(a)).unwrap() {
            state.evolve(e);
        }
        assert!(matches!(
            state.decide_for(period(), deliver(a)),
            Err(DomainError::Conflict(_))
        ));
        let give_up = C::RecordFailure {
            subscriber: b,
            attempt: 5,
            error: "mailbox full".into(),
            give_up: true,
        };
        for e in state.decide_for(period(), give_up).unwrap() {
            state.evolve(e);
        }
        assert_eq!(
            state.decide_for(period(), C::Complete).unwrap(),
            vec![DigestEvent::DigestCompleted {
                delivered: 1,
                failed: 1
            }]
        );
    }

    #[test]
    fn a_digest_is_composed_once_and_only_for_its_recipients() {
        let stranger = SubscriberId::new();
        let composed = DigestEvent::DigestComposed {
            period: period().to_string(),
            from_position: 0,
            to_position: 5,
            recipients: vec![],
        };
        let state = given::<Digest>(vec![composed]);
        assert!(matches!(
            state.decide_for(
                period(),
                C::Compose {
                    from_position: 0,
                    to_position: 5,
                    recipients: vec![]
                }
            ),
            Err(DomainError::Conflict(_))
        ));
        assert!(matches!(
            state.decide_for(
                period(),
                C::RecordDelivery {
                    subscriber: stranger,
                    from_position: 0,
                    message_id: "m".into(),
                    attempt: 1
                }
            ),
            Err(DomainError::NotFound(_))
        ));
        assert!(matches!(
            given::<Digest>(vec![]).decide_for(period(), C::Complete),
            Err(DomainError::NotFound(_))
        ));
    }
}
