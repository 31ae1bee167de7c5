use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::error::{Decision, DomainError};
use crate::values::{CountryCode, PrincipleCode};

use super::{CommitmentCommand, CommitmentEvent, CommitmentFields, CommitmentRevision};

/// The state of one commitment.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Commitment {
    country: Option<CountryCode>,
    fields: Option<CommitmentFields>,
    withdrawn: bool,
}

impl Commitment {
    pub fn exists(&self) -> bool {
        self.fields.is_some()
    }
    pub fn country(&self) -> Option<CountryCode> {
        self.country
    }
    pub fn fields(&self) -> Option<&CommitmentFields> {
        self.fields.as_ref()
    }
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn
    }

    pub fn decide(&self, command: CommitmentCommand) -> Decision<CommitmentEvent> {
        use CommitmentCommand as C;
        use CommitmentEvent as E;
        let Some(current) = &self.fields else {
            return match command {
                C::Create {
                    country,
                    mut fields,
                } => {
                    fields.principles = principles_checked(fields.principles)?;
                    dedup(&mut fields.risks);
                    dedup(&mut fields.process_refs);
                    Ok(vec![E::CommitmentCreated { country, fields }])
                }
                _ => Err(DomainError::not_found("no such commitment")),
            };
        };
        match command {
            C::Create { .. } => Err(DomainError::conflict(crate::reason!(
                "commitment-already-exists",
                "the commitment already exists"
            ))),
            _ if self.withdrawn => Err(DomainError::conflict(crate::reason!(
                "commitment-withdrawn",
                "the commitment was withdrawn"
            ))),
            C::Revise { revision } => {
                let changes = changed(current, revision)?;
                if changes == CommitmentRevision::default() {
                    return Err(DomainError::conflict(crate::reason!(
                        "revision-changes-nothing-give-least",
                        "the revision changes nothing; give at least one field with a new value"
                    )));
                }
                Ok(vec![E::CommitmentRevised { changes }])
            }
            C::Withdraw { reason } => Ok(vec![E::CommitmentWithdrawn { reason }]),
        }
    }

    pub fn evolve(&mut self, event: CommitmentEvent) {
        match event {
            CommitmentEvent::CommitmentCreated { country, fields } => {
                self.country = Some(country);
                self.fields = Some(fields);
            }
            CommitmentEvent::CommitmentRevised { changes } => {
                if let Some(f) = self.fields.as_mut() {
                    apply_revision(f, changes);
                }
            }
            CommitmentEvent::CommitmentWithdrawn { .. } => self.withdrawn = true,
        }
    }
}

fn dedup<T: Ord + Clone>(items: &mut Vec<T>) {
    let mut seen = BTreeSet::new();
    items.retain(|i| seen.insert(i.clone()));
}

fn principles_checked(
    mut principles: Vec<PrincipleCode>,
) -> Result<Vec<PrincipleCode>, DomainError> {
    dedup(&mut principles);
    if principles.is_empty() {
        return Err(DomainError::invalid(
            "principles",
            crate::reason!(
                "commitment-needs-least-one-principle",
                "a commitment needs at least one principle"
            ),
        ));
    }
    Ok(principles)
}

/// Keep only the fields of `revision` whose value differs from the current one.
fn changed(
    current: &CommitmentFields,
    revision: CommitmentRevision,
) -> Result<CommitmentRevision, DomainError> {
    fn keep<T: PartialEq>(new: Option<T>, old: &T) -> Option<T> {
        new.filter(|n| n != old)
    }
    let principles = match revision.principles {
        Some(p) => Some(principles_checked(p)?),
        None => None,
    };
    let mut risks = revision.risks;
    if let Some(r) = risks.as_mut() {
        dedup(r);
    }
    let mut refs = revision.process_refs;
    if let Some(r) = refs.as_mut() {
        dedup(r);
    }
    Ok(CommitmentRevision {
        title: keep(revision.title, &current.title),
        description: revision
            .description
            .filter(|d| Some(d) != current.description.as_ref()),
        principles: keep(principles, &current.principles),
        risks: keep(risks, &current.risks),
        authority: keep(revision.authority, &current.authority),
        stage: keep(revision.stage, &current.stage),
        dpi_system: revision
            .dpi_system
            .filter(|d| Some(d) != current.dpi_system.as_ref()),
        process_refs: keep(refs, &current.process_refs),
        due_on: keep(revision.due_on, &current.due_on),
    })
}

/// Apply a revision to the fields; shared with the projections.
pub fn apply_revision(f: &mut CommitmentFields, changes: CommitmentRevision) {
    let CommitmentRevision {
        title,
        description,
        principles,
        risks,
        authority,
        stage,
        dpi_system,
        process_refs,
        due_on,
    } = changes;
    if let Some(v) = title {
        f.title = v;
    }
    if let Some(v) = description {
        f.description = Some(v);
    }
    if let Some(v) = principles {
        f.principles = v;
    }
    if let Some(v) = risks {
        f.risks = v;
    }
    if let Some(v) = authority {
        f.authority = v;
    }
    if let Some(v) = stage {
        f.stage = v;
    }
    if let Some(v) = dpi_system {
        f.dpi_system = Some(v);
    }
    if let Some(v) = process_refs {
        f.process_refs = v;
    }
    if let Some(v) = due_on {
        f.due_on = v;
    }
}

crate::event_sourced!(Commitment, "commitment", CommitmentCommand, CommitmentEvent);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::given;
    use crate::values::{AuthorityCode, ProcessRef, RiskCode, StageCode, Text, Title};
    use CommitmentCommand as C;
    use CommitmentEvent as E;

    fn fields() -> CommitmentFields {
        CommitmentFields {
            title: Title::parse("Adopt a data protection law").unwrap(),
            description: None,
            principles: vec![PrincipleCode::parse("O3").unwrap()],
            risks: vec![RiskCode::parse("RS1").unwrap()],
            authority: AuthorityCode::parse("R1").unwrap(),
            stage: StageCode::parse("L2").unwrap(),
            dpi_system: None,
            process_refs: vec![ProcessRef::parse("O3.7").unwrap()],
            due_on: "2026-12-31".parse().unwrap(),
        }
    }
    fn created() -> E {
        E::CommitmentCreated {
            country: CountryCode::parse("KEN").unwrap(),
            fields: fields(),
        }
    }

    #[test]
    fn a_commitment_is_created_with_its_fields() {
        let events = given::<Commitment>(vec![])
            .decide(C::Create {
                country: CountryCode::parse("KEN").unwrap(),
                fields: fields(),
            })
            .unwrap();
        assert_eq!(events, vec![created()]);
    }

    #[test]
    fn a_commitment_needs_at_least_one_principle() {
        let mut f = fields();
        f.principles.clear();
        let err = given::<Commitment>(vec![])
            .decide(C::Create {
                country: CountryCode::parse("KEN").unwrap(),
                fields: f,
            })
            .unwrap_err();
        assert!(matches!(err, DomainError::Invalid(e) if e.field == "principles"));
    }

    #[test]
    fn duplicate_principles_are_recorded_once() {
        let mut f = fields();
        f.principles.push(PrincipleCode::parse("O3").unwrap());
        let events = given::<Commitment>(vec![])
            .decide(C::Create {
                country: CountryCode::parse("KEN").unwrap(),
                fields: f,
            })
            .unwrap();
        assert!(
            matches!(&events[0], E::CommitmentCreated { fields, .. } if fields.principles.len() == 1)
        );
    }

    #[test]
    fn creating_twice_conflicts() {
        let err = given::<Commitment>(vec![created()])
            .decide(C::Create {
                country: CountryCode::parse("KEN").unwrap(),
                fields: fields(),
            })
            .unwrap_err();
        assert!(matches!(err, DomainError::Conflict(_)));
    }

    #[test]
    fn a_revision_records_only_what_changes() {
        let revision = CommitmentRevision {
            title: Some(Title::parse("Adopt a data protection law").unwrap()),
            stage: Some(StageCode::parse("L3").unwrap()),
            ..Default::default()
        };
        let events = given::<Commitment>(vec![created()])
            .decide(C::Revise { revision })
            .unwrap();
        assert_eq!(
            events,
            vec![E::CommitmentRevised {
                changes: CommitmentRevision {
                    stage: Some(StageCode::parse("L3").unwrap()),
                    ..Default::default()
                }
            }]
        );
        let state = given::<Commitment>([vec![created()], events].concat());
        assert_eq!(state.fields().unwrap().stage.as_str(), "L3");
    }

    #[test]
    fn a_revision_that_changes_nothing_is_invalid() {
        let err = given::<Commitment>(vec![created()])
            .decide(C::Revise {
                revision: CommitmentRevision {
                    title: Some(fields().title),
                    ..Default::default()
                },
            })
            .unwrap_err();
        assert!(matches!(err, DomainError::Conflict(_)));
    }

    #[test]
    fn a_revision_cannot_remove_every_principle() {
        let err = given::<Commitment>(vec![created()])
            .decide(C::Revise {
                revision: CommitmentRevision {
                    principles: Some(vec![]),
                    ..Default::default()
                },
            })
            .unwrap_err();
        assert!(matches!(err, DomainError::Invalid(e) if e.field == "principles"));
    }

    #[test]
    fn a_withdrawn_commitment_can_be_neither_revised_nor_withdrawn_again() {
        let withdrawn = E::CommitmentWithdrawn {
            reason: Text::parse_field("reason", "superseded").unwrap(),
        };
        let state = given::<Commitment>(vec![created(), withdrawn]);
        assert!(state.is_withdrawn());
        assert!(matches!(
            state.decide(C::Withdraw {
                reason: Text::parse_field("reason", "again").unwrap()
            }),
            Err(DomainError::Conflict(_))
        ));
        assert!(matches!(
            state.decide(C::Revise {
                revision: CommitmentRevision {
                    stage: Some(StageCode::parse("L4").unwrap()),
                    ..Default::default()
                }
            }),
            Err(DomainError::Conflict(_))
        ));
    }

    #[test]
    fn commands_on_a_missing_commitment_are_not_found() {
        assert!(matches!(
            given::<Commitment>(vec![]).decide(C::Withdraw {
                reason: Text::parse_field("reason", "x").unwrap()
            }),
            Err(DomainError::NotFound(_))
        ));
    }

    #[test]
    fn commitment_events_round_trip_through_json() {
        let json = serde_json::to_value(created()).unwrap();
        assert_eq!(json["CommitmentCreated"]["principles"][0], "O3");
        let back: E = serde_json::from_value(json).unwrap();
        assert_eq!(back, created());
    }
}
