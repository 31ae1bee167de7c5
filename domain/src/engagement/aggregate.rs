use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Decision, DomainError};
use crate::values::{CountryCode, DpiSystemType, StageCode, Text, Title};

use super::{ActivityKind, EngagementCommand, EngagementEvent, EngagementStatus};

/// The state of one country's engagement, rebuilt from its events.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Engagement {
    opened: Option<Opened>,
    status: Option<EngagementStatus>,
    dpi_systems: BTreeMap<DpiSystemType, StageCode>,
    activities: u32,
    #[serde(default)]
    published: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Opened {
    country: CountryCode,
    lead: Title,
    started_on: NaiveDate,
}

impl Engagement {
    pub fn is_open(&self) -> bool {
        self.opened.is_some()
    }
    pub fn country(&self) -> Option<CountryCode> {
        self.opened.as_ref().map(|o| o.country)
    }
    pub fn status(&self) -> Option<EngagementStatus> {
        self.status
    }
    pub fn dpi_systems(&self) -> &BTreeMap<DpiSystemType, StageCode> {
        &self.dpi_systems
    }
    pub fn is_published(&self) -> bool {
        self.published
    }

    /// Whether an engagement may go from one status to another.
    pub fn transition_allowed(from: EngagementStatus, to: EngagementStatus) -> bool {
        use EngagementStatus::*;
        match (from, to) {
            (Closed, _) => false,
            (a, b) if a == b => false,
            (_, Closed) => true,
            (Exploring, Committed) | (Committed, Implementing) => true,
            (Exploring | Committed | Implementing, Paused) => true,
            (Paused, Exploring | Committed | Implementing) => true,
            _ => false,
        }
    }

    pub fn decide(&self, command: EngagementCommand) -> Decision<EngagementEvent> {
        use EngagementCommand as C;
        use EngagementEvent as E;
        let Some(status) = self.status else {
            return match command {
                C::Open {
                    country,
                    lead,
                    started_on,
                    dpi_systems,
                } => Self::open(country, lead, started_on, dpi_systems),
                _ => Err(DomainError::not_found(
                    "no engagement is open for this country",
                )),
            };
        };
        let writable = || {
            if status == EngagementStatus::Closed {
                Err(DomainError::conflict(crate::reason!(
                    "engagement-closed",
                    "the engagement is closed"
                )))
            } else {
                Ok(())
            }
        };
        match command {
            C::Open { country, .. } => Err(DomainError::conflict(crate::reason!(
                "engagement-already-open",
                "an engagement with {country} is already open",
                country = &country
            ))),
            C::AddDpiSystem { system, stage } => {
                writable()?;
                if self.dpi_systems.contains_key(&system) {
                    return Err(DomainError::conflict(crate::reason!(
                        "dpi-system-already-tracked",
                        "the DPI system {system} is already tracked",
                        system = &system
                    )));
                }
                Ok(vec![E::DpiSystemAdded { system, stage }])
            }
            C::MoveDpiSystem { system, stage } => {
                writable()?;
                let from = *self.dpi_systems.get(&system).ok_or_else(|| {
                    DomainError::not_found(format!("the DPI system {system} is not tracked"))
                })?;
                if from == stage {
                    return Err(DomainError::conflict(crate::reason!(
                        "dpi-system-already-at-stage",
                        "the DPI system {system} is already at stage {stage}",
                        system = &system,
                        stage = &stage
                    )));
                }
                Ok(vec![E::DpiSystemMoved {
                    system,
                    from,
                    to: stage,
                }])
            }
            C::RecordActivity {
                kind,
                title,
                held_on,
                authorities,
                note,
            } => {
                writable()?;
                let mut events = vec![E::ActivityRecorded {
                    kind,
                    title,
                    held_on,
                    authorities,
                    note,
                }];
                if kind == ActivityKind::CommitmentLetter && status == EngagementStatus::Exploring {
                    events.push(E::EngagementStatusChanged {
                        from: status,
                        to: EngagementStatus::Committed,
                        reason: Text::parse_optional("reason", Some("commitment letter signed"))?,
                    });
                }
                Ok(events)
            }
            C::ChangeStatus { status: to, reason } => {
                if !Self::transition_allowed(status, to) {
                    let from: &str = status.into();
                    let to: &str = to.into();
                    return Err(DomainError::conflict(crate::reason!(
                        "engagement-status-not-allowed",
                        "an engagement cannot go from {from} to {to}",
                        from = &from,
                        to = &to
                    )));
                }
                Ok(vec![E::EngagementStatusChanged {
                    from: status,
                    to,
                    reason,
                }])
            }
            // A closed engagement's record may still be published or withdrawn: it is final,
            // not secret.
            C::Publish if self.published => Err(DomainError::conflict(crate::reason!(
                "engagement-already-published",
                "the engagement is already published"
            ))),
            C::Publish => Ok(vec![E::EngagementPublished]),
            C::Unpublish { .. } if !self.published => Err(DomainError::conflict(crate::reason!(
                "engagement-not-published",
                "the engagement is not published"
            ))),
            C::Unpublish { reason } => Ok(vec![E::EngagementUnpublished { reason }]),
        }
    }

    fn open(
        country: CountryCode,
        lead: Title,
        started_on: NaiveDate,
        dpi_systems: Vec<(DpiSystemType, StageCode)>,
    ) -> Decision<EngagementEvent> {
        let mut events = vec![EngagementEvent::EngagementOpened {
            country,
            lead,
            started_on,
        }];
        let mut seen = BTreeSet::new();
        for (system, stage) in dpi_systems {
            if !seen.insert(system) {
                // Two entries for one system contradict each other (which stage?); JSON Schema
                // cannot say "unique by type", so this is a conflict, not an invalid field.
                return Err(DomainError::conflict(crate::reason!(
                    "dpi-system-twice",
                    "dpi_systems lists {system} twice",
                    system = &system
                )));
            }
            events.push(EngagementEvent::DpiSystemAdded { system, stage });
        }
        Ok(events)
    }

    pub fn evolve(&mut self, event: EngagementEvent) {
        use EngagementEvent as E;
        match event {
            E::EngagementOpened {
                country,
                lead,
                started_on,
            } => {
                self.opened = Some(Opened {
                    country,
                    lead,
                    started_on,
                });
                self.status = Some(EngagementStatus::Exploring);
            }
            E::DpiSystemAdded { system, stage } => {
                self.dpi_systems.insert(system, stage);
            }
            E::DpiSystemMoved { system, to, .. } => {
                self.dpi_systems.insert(system, to);
            }
            E::ActivityRecorded { .. } => self.activities += 1,
            // Focal points are the accounts' own countries now (see `account`); these events
            // of older logs change nothing here.
            E::FocalPointAssigned { .. } | E::FocalPointRemoved { .. } => {}
            E::EngagementStatusChanged { to, .. } => self.status = Some(to),
            E::EngagementPublished => self.published = true,
            E::EngagementUnpublished { .. } => self.published = false,
        }
    }
}

crate::event_sourced!(Engagement, "engagement", EngagementCommand, EngagementEvent);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::given;
    use crate::values::AuthorityCode;
    use EngagementCommand as C;
    use EngagementEvent as E;

    fn day(d: &str) -> NaiveDate {
        d.parse().unwrap()
    }
    fn ken() -> CountryCode {
        CountryCode::parse("KEN").unwrap()
    }
    fn opened() -> E {
        E::EngagementOpened {
            country: ken(),
            lead: Title::parse("Ministry of ICT").unwrap(),
            started_on: day("2025-05-01"),
        }
    }
    fn digital_id() -> DpiSystemType {
        DpiSystemType::parse("digital_id").unwrap()
    }
    fn stage(s: &str) -> StageCode {
        StageCode::parse(s).unwrap()
    }
    fn activity(kind: ActivityKind) -> C {
        C::RecordActivity {
            kind,
            title: Title::parse("Kick-off").unwrap(),
            held_on: day("2025-06-01"),
            authorities: vec![AuthorityCode::parse("R1").unwrap()],
            note: None,
        }
    }
    fn status(to: EngagementStatus) -> C {
        C::ChangeStatus {
            status: to,
            reason: None,
        }
    }

    #[test]
    fn opening_an_engagement_records_it_with_its_dpi_systems() {
        let events = given::<Engagement>(vec![])
            .decide(C::Open {
                country: ken(),
                lead: Title::parse("Ministry of ICT").unwrap(),
                started_on: day("2025-05-01"),
                dpi_systems: vec![(digital_id(), stage("L2"))],
            })
            .unwrap();
        assert_eq!(
            events,
            vec![
                opened(),
                E::DpiSystemAdded {
                    system: digital_id(),
                    stage: stage("L2")
                }
            ]
        );
        let state = given::<Engagement>(events);
        assert_eq!(state.status(), Some(EngagementStatus::Exploring));
    }

    #[test]
    fn a_country_has_at_most_one_engagement() {
        let err = given::<Engagement>(vec![opened()])
            .decide(C::Open {
                country: ken(),
                lead: Title::parse("Other").unwrap(),
                started_on: day("2025-05-01"),
                dpi_systems: vec![],
            })
            .unwrap_err();
        assert!(matches!(err, DomainError::Conflict(_)));
    }

    #[test]
    fn listing_a_dpi_system_twice_when_opening_conflicts() {
        let err = given::<Engagement>(vec![])
            .decide(C::Open {
                country: ken(),
                lead: Title::parse("Lead").unwrap(),
                started_on: day("2025-05-01"),
                dpi_systems: vec![(digital_id(), stage("L1")), (digital_id(), stage("L2"))],
            })
            .unwrap_err();
        assert!(matches!(err, DomainError::Conflict(m) if m.contains("dpi_systems")));
    }

    #[test]
    fn commands_on_an_unopened_engagement_are_not_found() {
        for cmd in [
            activity(ActivityKind::Workshop),
            status(EngagementStatus::Committed),
            C::AddDpiSystem {
                system: digital_id(),
                stage: stage("L1"),
            },
        ] {
            let err = given::<Engagement>(vec![]).decide(cmd).unwrap_err();
            assert!(matches!(err, DomainError::NotFound(_)));
        }
    }

    #[test]
    fn a_signed_commitment_letter_moves_exploring_to_committed() {
        let events = given::<Engagement>(vec![opened()])
            .decide(activity(ActivityKind::CommitmentLetter))
            .unwrap();
        assert_eq!(events.len(), 2);
        assert!(matches!(
            events[1],
            E::EngagementStatusChanged {
                from: EngagementStatus::Exploring,
                to: EngagementStatus::Committed,
                ..
            }
        ));
    }

    #[test]
    fn a_commitment_letter_after_exploring_changes_no_status() {
        let committed = E::EngagementStatusChanged {
            from: EngagementStatus::Exploring,
            to: EngagementStatus::Committed,
            reason: None,
        };
        let events = given::<Engagement>(vec![opened(), committed])
            .decide(activity(ActivityKind::CommitmentLetter))
            .unwrap();
        assert_eq!(events.len(), 1);
    }

    #[test]
    fn other_activities_change_no_status() {
        let events = given::<Engagement>(vec![opened()])
            .decide(activity(ActivityKind::Workshop))
            .unwrap();
        assert_eq!(events.len(), 1);
    }

    #[test]
    fn status_follows_exploring_committed_implementing_with_pause_and_close() {
        use EngagementStatus::*;
        let allowed = [
            (Exploring, Committed),
            (Committed, Implementing),
            (Exploring, Paused),
            (Implementing, Paused),
            (Paused, Implementing),
            (Exploring, Closed),
            (Paused, Closed),
        ];
        let refused = [
            (Exploring, Implementing),
            (Committed, Exploring),
            (Implementing, Committed),
            (Closed, Exploring),
            (Closed, Paused),
            (Paused, Paused),
            (Exploring, Exploring),
        ];
        for (from, to) in allowed {
            assert!(Engagement::transition_allowed(from, to), "{from:?}->{to:?}");
        }
        for (from, to) in refused {
            assert!(
                !Engagement::transition_allowed(from, to),
                "{from:?}->{to:?}"
            );
        }
        let err = given::<Engagement>(vec![opened()])
            .decide(status(Implementing))
            .unwrap_err();
        assert!(matches!(err, DomainError::Conflict(_)));
    }

    #[test]
    fn a_closed_engagement_takes_no_more_activities() {
        let closed = E::EngagementStatusChanged {
            from: EngagementStatus::Exploring,
            to: EngagementStatus::Closed,
            reason: None,
        };
        let err = given::<Engagement>(vec![opened(), closed])
            .decide(activity(ActivityKind::Workshop))
            .unwrap_err();
        assert!(matches!(err, DomainError::Conflict(_)));
    }

    #[test]
    fn publishing_is_recorded_once_and_unpublishing_only_what_is_published() {
        let unpublish = || C::Unpublish { reason: None };
        let fresh = given::<Engagement>(vec![opened()]);
        assert!(!fresh.is_published());
        assert_eq!(
            fresh.decide(C::Publish).unwrap(),
            vec![E::EngagementPublished]
        );
        assert!(matches!(
            fresh.decide(unpublish()).unwrap_err(),
            DomainError::Conflict(_)
        ));
        let published = given::<Engagement>(vec![opened(), E::EngagementPublished]);
        assert!(published.is_published());
        assert!(matches!(
            published.decide(C::Publish).unwrap_err(),
            DomainError::Conflict(_)
        ));
        assert_eq!(
            published.decide(unpublish()).unwrap(),
            vec![E::EngagementUnpublished { reason: None }]
        );
        let withdrawn = given::<Engagement>(vec![
            opened(),
            E::EngagementPublished,
            E::EngagementUnpublished { reason: None },
        ]);
        assert!(!withdrawn.is_published());
        let closed = E::EngagementStatusChanged {
            from: EngagementStatus::Exploring,
            to: EngagementStatus::Closed,
            reason: None,
        };
        let final_record = given::<Engagement>(vec![opened(), closed]);
        assert_eq!(
            final_record.decide(C::Publish).unwrap(),
            vec![E::EngagementPublished]
        );
        assert!(matches!(
            Engagement::default().decide(C::Publish).unwrap_err(),
            DomainError::NotFound(_)
        ));
    }

    #[test]
    fn dpi_systems_are_added_once_and_moved_between_stages() {
        let added = E::DpiSystemAdded {
            system: digital_id(),
            stage: stage("L2"),
        };
        let state = given::<Engagement>(vec![opened(), added]);
        assert!(matches!(
            state.decide(C::AddDpiSystem {
                system: digital_id(),
                stage: stage("L3")
            }),
            Err(DomainError::Conflict(_))
        ));
        assert_eq!(
            state
                .decide(C::MoveDpiSystem {
                    system: digital_id(),
                    stage: stage("L3")
                })
                .unwrap(),
            vec![E::DpiSystemMoved {
                system: digital_id(),
                from: stage("L2"),
                to: stage("L3")
            }]
        );
        assert!(matches!(
            state.decide(C::MoveDpiSystem {
                system: digital_id(),
                stage: stage("L2")
            }),
            Err(DomainError::Conflict(_))
        ));
        assert!(matches!(
            state.decide(C::MoveDpiSystem {
                system: DpiSystemType::parse("payments").unwrap(),
                stage: stage("L2")
            }),
            Err(DomainError::NotFound(_))
        ));
    }

    #[tokio::test]
    async fn the_cqrs_es_shell_applies_what_decide_returns() {
        use cqrs_es::test::TestFramework;
        TestFramework::<Engagement>::with(())
            .given(vec![opened()])
            .when_async(activity(ActivityKind::CommitmentLetter))
            .await
            .then_expect_events(vec![
                E::ActivityRecorded {
                    kind: ActivityKind::CommitmentLetter,
                    title: Title::parse("Kick-off").unwrap(),
                    held_on: day("2025-06-01"),
                    authorities: vec![AuthorityCode::parse("R1").unwrap()],
                    note: None,
                },
                E::EngagementStatusChanged {
                    from: EngagementStatus::Exploring,
                    to: EngagementStatus::Committed,
                    reason: Text::parse_optional("reason", Some("commitment letter signed"))
                        .unwrap(),
                },
            ]);
    }
}
