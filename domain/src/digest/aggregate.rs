use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Decision, DomainError};
use crate::values::{FieldError, SubscriberId};

use super::{DeliveryCommand, DeliveryEvent, DigestCommand, DigestEvent, Holder, PeriodCommand};

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
                crate::reason!(
                    "not-a-week",
                    "`{value}` is not an ISO week like 2026-W48",
                    value = raw.chars().take(20).collect::<String>()
                ),
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
    /// The period's first day.
    pub fn monday(&self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, chrono::Weekday::Mon).unwrap_or_default()
    }
    /// The month a period counts in for monthly subscribers: its Monday's, `(year, month)`.
    pub fn month(&self) -> (i32, u32) {
        let monday = self.monday();
        (monday.year(), monday.month())
    }
    /// The period after this one.
    pub fn next(&self) -> Self {
        Self::containing(self.monday() + chrono::Duration::days(7))
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(|e| serde::de::Error::custom(e.reason))
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
    composed: Option<(i64, i64)>,
    recipients: Vec<SubscriberId>,
    completion: BTreeMap<String, f64>,
    completed: bool,
}

impl Digest {
    pub fn is_composed(&self) -> bool {
        self.composed.is_some()
    }
    pub fn is_completed(&self) -> bool {
        self.completed
    }
    /// `(from_position, to_position)` once composed.
    pub fn range(&self) -> Option<(i64, i64)> {
        self.composed
    }
    pub fn recipients(&self) -> &[SubscriberId] {
        &self.recipients
    }
    /// Each country's completion at the end of the range.
    pub fn completion(&self) -> &BTreeMap<String, f64> {
        &self.completion
    }

    pub fn decide(&self, PeriodCommand(period, command): PeriodCommand) -> Decision<DigestEvent> {
        match command {
            DigestCommand::Compose {
                from_position,
                to_position,
                mut recipients,
                completion,
            } => {
                if self.composed.is_some() {
                    return Err(DomainError::conflict(crate::reason!(
                        "digest-already-composed",
                        "the digest of {period} is already composed",
                        period = &period
                    )));
                }
                if to_position < from_position {
                    return Err(DomainError::invalid(
                        "to_position",
                        crate::reason!(
                            "range-positions-ends-before-starts",
                            "the range of positions ends before it starts"
                        ),
                    ));
                }
                recipients.sort();
                recipients.dedup();
                Ok(vec![DigestEvent::DigestComposed {
                    period: period.to_string(),
                    from_position,
                    to_position,
                    recipients,
                    completion,
                }])
            }
            DigestCommand::Complete { delivered, failed } => {
                if self.composed.is_none() {
                    return Err(DomainError::not_found(format!(
                        "the digest of {period} has not been composed"
                    )));
                }
                if self.completed {
                    return Err(DomainError::conflict(crate::reason!(
                        "digest-already-completed",
                        "the digest is already completed"
                    )));
                }
                Ok(vec![DigestEvent::DigestCompleted { delivered, failed }])
            }
        }
    }

    pub fn evolve(&mut self, event: DigestEvent) {
        match event {
            DigestEvent::DigestComposed {
                from_position,
                to_position,
                recipients,
                completion,
                ..
            } => {
                self.composed = Some((from_position, to_position));
                self.recipients = recipients;
                self.completion = completion;
            }
            DigestEvent::DigestCompleted { .. } => self.completed = true,
        }
    }
}

crate::event_sourced!(Digest, "digest", PeriodCommand, DigestEvent);

/// Where one recipient's delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryState {
    Claimed { lease_until: DateTime<Utc> },
    Failed { retry_at: Option<DateTime<Utc>> },
    Delivered,
    GivenUp,
}

/// The state of one recipient's delivery.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Delivery {
    state: Option<DeliveryState>,
    attempts: u32,
    worker: Option<String>,
}

impl Delivery {
    pub fn state(&self) -> Option<DeliveryState> {
        self.state
    }
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
    /// The worker holding the latest claim.
    pub fn worker(&self) -> Option<&str> {
        self.worker.as_deref()
    }

    /// Refuse `holder` unless it holds the current claim.
    fn held_by(&self, holder: &Holder) -> Result<(), DomainError> {
        let current = matches!(self.state, Some(DeliveryState::Claimed { .. }))
            && self.worker.as_deref() == Some(holder.worker.as_str())
            && self.attempts == holder.attempt;
        if current {
            Ok(())
        } else {
            Err(DomainError::conflict(crate::reason!(
                "delivery-not-held",
                "attempt {attempt} no longer holds this delivery",
                attempt = holder.attempt
            )))
        }
    }

    pub fn decide(&self, command: DeliveryCommand) -> Decision<DeliveryEvent> {
        use DeliveryState::*;
        match command {
            DeliveryCommand::Claim {
                period,
                subscriber,
                worker,
                now,
                lease_until,
            } => {
                match self.state {
                    Some(Delivered) => {
                        return Err(DomainError::conflict(crate::reason!(
                            "digest-already-delivered",
                            "the digest was already delivered"
                        )))
                    }
                    Some(GivenUp) => {
                        return Err(DomainError::conflict(crate::reason!(
                            "delivery-given-up",
                            "delivery was given up"
                        )))
                    }
                    Some(Claimed { lease_until }) if now < lease_until => {
                        return Err(DomainError::conflict(crate::reason!(
                            "another-worker-holds-delivery",
                            "another worker holds this delivery"
                        )))
                    }
                    Some(Failed { retry_at: Some(at) }) if now < at => {
                        return Err(DomainError::conflict(crate::reason!(
                            "next-attempt-not-due-yet",
                            "the next attempt is not due yet"
                        )))
                    }
                    _ => {}
                }
                Ok(vec![DeliveryEvent::DeliveryClaimed {
                    period: period.to_string(),
                    subscriber,
                    worker,
                    attempt: self.attempts + 1,
                    lease_until,
                }])
            }
            DeliveryCommand::Renew {
                holder,
                lease_until,
            } => {
                self.held_by(&holder)?;
                Ok(vec![DeliveryEvent::DeliveryLeaseRenewed {
                    attempt: holder.attempt,
                    lease_until,
                }])
            }
            DeliveryCommand::Deliver {
                holder,
                message_id,
                from_position,
                to_position,
            } => match self.state {
                Some(Delivered) => Err(DomainError::conflict(crate::reason!(
                    "digest-already-delivered",
                    "the digest was already delivered"
                ))),
                None => Err(DomainError::not_found("the delivery was never claimed")),
                _ => {
                    self.held_by(&holder)?;
                    Ok(vec![DeliveryEvent::DigestDelivered {
                        message_id,
                        from_position,
                        to_position,
                        attempt: self.attempts,
                    }])
                }
            },
            DeliveryCommand::Fail {
                holder,
                failure,
                retry_at,
                give_up,
            } => match self.state {
                Some(Delivered | GivenUp) => Err(DomainError::conflict(crate::reason!(
                    "delivery-already-settled",
                    "the delivery is already settled"
                ))),
                None => Err(DomainError::not_found("the delivery was never claimed")),
                _ => {
                    self.held_by(&holder)?;
                    Ok(vec![DeliveryEvent::DeliveryFailed {
                        attempt: self.attempts,
                        error: None,
                        failure: Some(failure),
                        retry_at,
                        gave_up: give_up,
                    }])
                }
            },
        }
    }

    pub fn evolve(&mut self, event: DeliveryEvent) {
        match event {
            DeliveryEvent::DeliveryClaimed {
                worker,
                attempt,
                lease_until,
                ..
            } => {
                self.attempts = attempt;
                self.worker = Some(worker);
                self.state = Some(DeliveryState::Claimed { lease_until });
            }
            DeliveryEvent::DeliveryLeaseRenewed { lease_until, .. } => {
                self.state = Some(DeliveryState::Claimed { lease_until })
            }
            DeliveryEvent::DigestDelivered { .. } => self.state = Some(DeliveryState::Delivered),
            DeliveryEvent::DeliveryFailed {
                retry_at, gave_up, ..
            } => {
                self.state = Some(if gave_up {
                    DeliveryState::GivenUp
                } else {
                    DeliveryState::Failed { retry_at }
                });
            }
        }
    }
}

crate::event_sourced!(Delivery, "delivery", DeliveryCommand, DeliveryEvent);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::{Failure, FailureClass};
    use crate::given;
    use chrono::Duration;

    fn period() -> Period {
        Period::parse("2026-W48").unwrap()
    }
    fn now() -> DateTime<Utc> {
        "2026-11-23T08:00:00Z".parse().unwrap()
    }
    fn claim(worker: &str, at: DateTime<Utc>) -> DeliveryCommand {
        DeliveryCommand::Claim {
            period: period(),
            subscriber: SubscriberId::from_uuid(uuid::Uuid::nil()),
            worker: worker.into(),
            now: at,
            lease_until: at + Duration::minutes(5),
        }
    }
    fn holder(worker: &str, attempt: u32) -> Holder {
        Holder {
            worker: worker.into(),
            attempt,
        }
    }
    /// Decide `command` and apply what it produced.
    fn step(state: &mut Delivery, command: DeliveryCommand) {
        for e in state.decide(command).unwrap() {
            state.evolve(e);
        }
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
        // A period counts in its Monday's month; the week after W53 is W01.
        assert_eq!(period().month(), (2026, 11));
        assert_eq!(Period::parse("2026-W49").unwrap().month(), (2026, 11));
        assert_eq!(Period::parse("2026-W50").unwrap().month(), (2026, 12));
        assert_eq!(
            Period::parse("2026-W53").unwrap().next().to_string(),
            "2027-W01"
        );
    }

    #[test]
    fn a_digest_is_composed_once_and_completed_once() {
        let composed = given::<Digest>(vec![])
            .decide(PeriodCommand(
                period(),
                DigestCommand::Compose {
                    from_position: 0,
                    to_position: 10,
                    recipients: vec![],
                    completion: BTreeMap::new(),
                },
            ))
            .unwrap();
        let state = given::<Digest>(composed);
        assert!(matches!(
            state.decide(PeriodCommand(
                period(),
                DigestCommand::Compose {
                    from_position: 0,
                    to_position: 10,
                    recipients: vec![],
                    completion: BTreeMap::new(),
                }
            )),
            Err(DomainError::Conflict(_))
        ));
        let done = state
            .decide(PeriodCommand(
                period(),
                DigestCommand::Complete {
                    delivered: 0,
                    failed: 0,
                },
            ))
            .unwrap();
        let state = given::<Digest>(
            [
                vec![DigestEvent::DigestComposed {
                    period: period().to_string(),
                    from_position: 0,
                    to_position: 10,
                    recipients: vec![],
                    completion: BTreeMap::new(),
                }],
                done,
            ]
            .concat(),
        );
        assert!(state.is_completed());
        assert!(given::<Digest>(vec![])
            .decide(PeriodCommand(
                period(),
                DigestCommand::Complete {
                    delivered: 0,
                    failed: 0
                }
            ))
            .is_err());
    }

    #[test]
    fn a_claim_excludes_other_workers_until_its_lease_ends() {
        let mut d = Delivery::default();
        step(&mut d, claim("a", now()));
        assert!(matches!(
            d.decide(claim("b", now() + Duration::minutes(1))),
            Err(DomainError::Conflict(_))
        ));
        let late = d.decide(claim("b", now() + Duration::minutes(6))).unwrap();
        assert!(matches!(
            late[0],
            DeliveryEvent::DeliveryClaimed { attempt: 2, .. }
        ));
    }

    #[test]
    fn a_delivered_digest_is_never_claimed_or_delivered_again() {
        let mut d = Delivery::default();
        step(&mut d, claim("a", now()));
        step(
            &mut d,
            DeliveryCommand::Deliver {
                holder: holder("a", 1),
                message_id: "<m@x>".into(),
                from_position: 0,
                to_position: 9,
            },
        );
        assert_eq!(d.state(), Some(DeliveryState::Delivered));
        let later = now() + Duration::days(1);
        assert!(matches!(
            d.decide(claim("b", later)),
            Err(DomainError::Conflict(_))
        ));
        assert!(matches!(
            d.decide(DeliveryCommand::Deliver {
                holder: holder("a", 1),
                message_id: "<m@x>".into(),
                from_position: 0,
                to_position: 9
            }),
            Err(DomainError::Conflict(_))
        ));
    }

    #[test]
    fn a_failure_waits_for_its_retry_time_and_giving_up_settles() {
        let mut d = Delivery::default();
        step(&mut d, claim("a", now()));
        let retry_at = now() + Duration::seconds(30);
        step(
            &mut d,
            DeliveryCommand::Fail {
                holder: holder("a", 1),
                failure: Failure {
                    class: FailureClass::Transient,
                    smtp_code: Some(451),
                },
                retry_at: Some(retry_at),
                give_up: false,
            },
        );
        assert!(matches!(
            d.decide(claim("a", now() + Duration::seconds(10))),
            Err(DomainError::Conflict(_))
        ));
        step(&mut d, claim("a", retry_at));
        assert_eq!(d.attempts(), 2);
        step(
            &mut d,
            DeliveryCommand::Fail {
                holder: holder("a", 2),
                failure: Failure {
                    class: FailureClass::Permanent,
                    smtp_code: Some(550),
                },
                retry_at: None,
                give_up: true,
            },
        );
        assert_eq!(d.state(), Some(DeliveryState::GivenUp));
        assert!(d.decide(claim("a", now() + Duration::days(1))).is_err());
    }

    #[test]
    fn an_unclaimed_delivery_cannot_be_recorded() {
        assert!(matches!(
            Delivery::default().decide(DeliveryCommand::Deliver {
                holder: holder("a", 1),
                message_id: "m".into(),
                from_position: 0,
                to_position: 1
            }),
            Err(DomainError::NotFound(_))
        ));
    }

    #[test]
    fn a_renewed_lease_keeps_other_workers_away_for_as_long_as_it_says() {
        let mut d = Delivery::default();
        step(&mut d, claim("a", now()));
        step(
            &mut d,
            DeliveryCommand::Renew {
                holder: holder("a", 1),
                lease_until: now() + Duration::minutes(9),
            },
        );
        assert!(matches!(
            d.decide(claim("b", now() + Duration::minutes(6))),
            Err(DomainError::Conflict(_))
        ));
        assert!(d.decide(claim("b", now() + Duration::minutes(10))).is_ok());
    }

    #[test]
    fn a_holder_whose_delivery_was_claimed_again_can_neither_renew_nor_record() {
        let mut d = Delivery::default();
        step(&mut d, claim("a", now()));
        // a's lease runs out while its mail server is slow; b claims.
        step(&mut d, claim("b", now() + Duration::minutes(6)));
        let stale = holder("a", 1);
        let refused = [
            DeliveryCommand::Renew {
                holder: stale.clone(),
                lease_until: now() + Duration::minutes(20),
            },
            DeliveryCommand::Deliver {
                holder: stale.clone(),
                message_id: "<m@x>".into(),
                from_position: 0,
                to_position: 9,
            },
            DeliveryCommand::Fail {
                holder: stale,
                failure: Failure {
                    class: FailureClass::Unreachable,
                    smtp_code: None,
                },
                retry_at: None,
                give_up: false,
            },
            // The same worker with the attempt before is no holder either.
            DeliveryCommand::Deliver {
                holder: holder("b", 1),
                message_id: "<m@x>".into(),
                from_position: 0,
                to_position: 9,
            },
        ];
        for command in refused {
            assert!(
                matches!(d.decide(command.clone()), Err(DomainError::Conflict(_))),
                "{command:?}"
            );
        }
        step(
            &mut d,
            DeliveryCommand::Deliver {
                holder: holder("b", 2),
                message_id: "<m@x>".into(),
                from_position: 0,
                to_position: 9,
            },
        );
        assert_eq!(d.state(), Some(DeliveryState::Delivered));
    }
}
