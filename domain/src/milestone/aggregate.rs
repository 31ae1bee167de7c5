use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Decision, DomainError};
use crate::values::{AccountId, Actor, CommitmentId, CountryCode, Percent};

use super::{MilestoneCommand, MilestoneEvent, MilestoneStatus, MilestoneStep};

/// The state of one milestone.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Milestone {
    added: Option<Added>,
    status: Option<MilestoneStatus>,
    /// The status to return to when unblocked.
    before_block: Option<MilestoneStatus>,
    achieved_by: Option<AccountId>,
    percent: Option<Percent>,
    /// The links of the evidence recorded so far: the same link is not recorded twice.
    #[serde(default)]
    evidence_urls: Vec<String>,
    /// The hashes of the documents attached so far: the same document is not attached twice.
    #[serde(default)]
    evidence_files: Vec<String>,
    /// Evidence was recorded since the milestone was added or last sent back from
    /// verification: an achievement may rest on it without a new link.
    #[serde(default)]
    evidence_since_sent_back: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Added {
    commitment: CommitmentId,
    country: CountryCode,
    due_on: NaiveDate,
}

impl Milestone {
    pub fn status(&self) -> Option<MilestoneStatus> {
        self.status
    }
    pub fn country(&self) -> Option<CountryCode> {
        self.added.as_ref().map(|a| a.country)
    }
    pub fn commitment(&self) -> Option<CommitmentId> {
        self.added.as_ref().map(|a| a.commitment)
    }
    pub fn due_on(&self) -> Option<NaiveDate> {
        self.added.as_ref().map(|a| a.due_on)
    }

    fn remember_evidence(&mut self, evidence: &[crate::values::Evidence]) {
        self.evidence_since_sent_back |= !evidence.is_empty();
        for e in evidence {
            if !self.evidence_urls.iter().any(|u| u == e.url.as_str()) {
                self.evidence_urls.push(e.url.as_str().to_string());
            }
        }
    }

    pub fn decide(&self, command: MilestoneCommand) -> Decision<MilestoneEvent> {
        use MilestoneCommand as C;
        use MilestoneEvent as E;
        use MilestoneStatus::*;
        let (Some(status), Some(added)) = (self.status, &self.added) else {
            return match command {
                C::Add {
                    commitment,
                    country,
                    title,
                    due_on,
                    stage,
                } => Ok(vec![E::MilestoneAdded {
                    commitment,
                    country,
                    title,
                    due_on,
                    stage,
                }]),
                _ => Err(DomainError::not_found("no such milestone")),
            };
        };
        let Some(step) = command.step() else {
            return Err(DomainError::conflict(crate::reason!(
                "milestone-already-exists",
                "the milestone already exists"
            )));
        };
        // The transition table: which step is allowed from which status.
        if !step.allowed_from(status) {
            let refused = step.refused_as();
            return Err(DomainError::conflict(crate::reason!(
                "milestone-step-not-allowed",
                "a milestone that is {shown} cannot be {refused}",
                status = status.as_str(),
                step = step.name(),
                shown = status.replace('_', " "),
            )));
        }
        match command {
            C::Add { .. } => Err(DomainError::conflict(crate::reason!(
                "milestone-already-exists",
                "the milestone already exists"
            ))),
            C::Start { note } => Ok(vec![E::MilestoneStarted { note }]),
            C::ReportProgress { percent, note } => match status {
                Planned => Ok(vec![
                    E::MilestoneStarted { note: None },
                    E::ProgressReported { percent, note },
                ]),
                _ => Ok(vec![E::ProgressReported { percent, note }]),
            },
            C::Block { reason } => Ok(vec![E::MilestoneBlocked { reason }]),
            C::Unblock { note } => Ok(vec![E::MilestoneUnblocked {
                note,
                to: self.before_block.unwrap_or(InProgress),
            }]),
            C::Achieve { evidence, .. }
                if evidence.is_empty() && !self.evidence_since_sent_back =>
            {
                // A refusal of the milestone's state (nothing recorded yet), not of the field.
                Err(DomainError::conflict(crate::reason!(
                    "achievement-needs-least-one-piece",
                    "an achievement needs at least one piece of evidence: a link, or a document attached"
                )))
            }
            C::Achieve { evidence, note, by } => Ok(vec![E::MilestoneAchieved {
                evidence,
                note,
                by: by.account(),
            }]),
            C::AddEvidence { evidence }
                if self
                    .evidence_urls
                    .iter()
                    .any(|u| u == evidence.url.as_str()) =>
            {
                Err(DomainError::conflict(crate::reason!(
                    "evidence-link-recorded-already",
                    "this evidence link is recorded already"
                )))
            }
            C::AddEvidence { evidence } => Ok(vec![E::EvidenceAdded { evidence }]),
            C::AttachFile { file }
                if self
                    .evidence_files
                    .iter()
                    .any(|h| h == file.sha256.as_str()) =>
            {
                Err(DomainError::conflict(crate::reason!(
                    "evidence-file-attached-already",
                    "this document is attached to the milestone already"
                )))
            }
            C::AttachFile { file } => Ok(vec![E::EvidenceFileAttached { file }]),
            C::Verify { note, by } => {
                if let (Actor::Account(verifier), Some(reporter)) = (by, self.achieved_by) {
                    if verifier == reporter {
                        return Err(DomainError::Forbidden(crate::reason!("achievement-must-verified-someone-other", "an achievement must be verified by someone other than the account that reported it")));
                    }
                }
                Ok(vec![E::MilestoneVerified {
                    note,
                    by: by.account(),
                }])
            }
            C::RejectVerification { reason } => Ok(vec![E::VerificationRejected { reason }]),
            C::Reschedule { due_on, .. } if due_on == added.due_on => {
                Err(DomainError::conflict(crate::reason!(
                    "milestone-already-due-date",
                    "the milestone is already due on that date"
                )))
            }
            C::Reschedule { due_on, reason } => Ok(vec![E::MilestoneRescheduled {
                from: added.due_on,
                to: due_on,
                reason,
            }]),
            C::Cancel { reason } => Ok(vec![E::MilestoneCancelled { reason }]),
        }
    }

    /// The steps this milestone may take now (none before it is added): the table
    /// [`Self::decide`] checks.
    pub fn allowed_steps(&self) -> Vec<MilestoneStep> {
        self.status
            .map(MilestoneStatus::allowed_steps)
            .unwrap_or_default()
    }

    pub fn evolve(&mut self, event: MilestoneEvent) {
        use MilestoneEvent as E;
        use MilestoneStatus::*;
        match event {
            E::MilestoneAdded {
                commitment,
                country,
                due_on,
                ..
            } => {
                self.added = Some(Added {
                    commitment,
                    country,
                    due_on,
                });
                self.status = Some(Planned);
            }
            E::MilestoneStarted { .. } => self.status = Some(InProgress),
            E::ProgressReported { percent, .. } => self.percent = Some(percent),
            E::MilestoneBlocked { .. } => {
                self.before_block = self.status;
                self.status = Some(Blocked);
            }
            E::MilestoneUnblocked { to, .. } => {
                self.status = Some(to);
                self.before_block = None;
            }
            E::MilestoneAchieved { by, evidence, .. } => {
                self.status = Some(Achieved);
                self.achieved_by = by;
                self.remember_evidence(&evidence);
            }
            E::EvidenceAdded { evidence } => self.remember_evidence(&[evidence]),
            E::EvidenceFileAttached { file } => {
                self.evidence_since_sent_back = true;
                self.evidence_files.push(file.sha256.as_str().to_string())
            }
            E::MilestoneVerified { .. } => self.status = Some(Verified),
            E::VerificationRejected { .. } => {
                self.status = Some(InProgress);
                self.achieved_by = None;
                // What was sent back does not count again: new evidence is asked for.
                self.evidence_since_sent_back = false;
            }
            E::MilestoneRescheduled { to, .. } => {
                if let Some(a) = self.added.as_mut() {
                    a.due_on = to;
                }
            }
            E::MilestoneCancelled { .. } => self.status = Some(Cancelled),
        }
    }
}

crate::event_sourced!(Milestone, "milestone", MilestoneCommand, MilestoneEvent);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::given;
    use crate::values::{Evidence, EvidenceUrl, Text, Title};
    use strum::VariantArray;
    use MilestoneCommand as C;
    use MilestoneEvent as E;
    use MilestoneStatus::*;

    fn text(s: &str) -> Text {
        Text::parse_field("reason", s).unwrap()
    }
    fn added() -> E {
        E::MilestoneAdded {
            commitment: CommitmentId::new(),
            country: CountryCode::parse("KEN").unwrap(),
            title: Title::parse("Draft bill tabled").unwrap(),
            due_on: "2026-03-31".parse().unwrap(),
            stage: None,
        }
    }
    fn evidence() -> Vec<Evidence> {
        vec![Evidence {
            title: Title::parse("Gazette notice").unwrap(),
            url: EvidenceUrl::parse("https://example.org/gazette").unwrap(),
        }]
    }
    /// The events that bring a new milestone to `status`, the achievement reported by `reporter`.
    fn history(status: MilestoneStatus, reporter: AccountId) -> Vec<E> {
        let started = E::MilestoneStarted { note: None };
        let achieved = E::MilestoneAchieved {
            evidence: evidence(),
            note: None,
            by: Some(reporter),
        };
        match status {
            Planned => vec![added()],
            InProgress => vec![added(), started],
            Blocked => vec![added(), started, E::MilestoneBlocked { reason: text("x") }],
            Achieved => vec![added(), started, achieved],
            Verified => vec![
                added(),
                started,
                achieved,
                E::MilestoneVerified {
                    note: None,
                    by: None,
                },
            ],
            Cancelled => vec![added(), E::MilestoneCancelled { reason: text("x") }],
        }
    }
    fn in_state(status: MilestoneStatus) -> Milestone {
        given::<Milestone>(history(status, AccountId::new()))
    }
    fn verify_by(who: AccountId) -> C {
        C::Verify {
            note: None,
            by: Actor::Account(who),
        }
    }
    fn all_commands() -> Vec<(&'static str, C)> {
        vec![
            ("start", C::Start { note: None }),
            (
                "progress",
                C::ReportProgress {
                    percent: Percent::parse(40).unwrap(),
                    note: None,
                },
            ),
            (
                "block",
                C::Block {
                    reason: text("no budget"),
                },
            ),
            ("unblock", C::Unblock { note: None }),
            (
                "achieve",
                C::Achieve {
                    evidence: evidence(),
                    note: None,
                    by: Actor::Account(AccountId::new()),
                },
            ),
            (
                "evidence",
                C::AddEvidence {
                    evidence: Evidence {
                        title: Title::parse("Minutes").unwrap(),
                        url: EvidenceUrl::parse("https://example.org/minutes").unwrap(),
                    },
                },
            ),
            ("evidence", C::AttachFile { file: decree() }),
            ("verify", verify_by(AccountId::new())),
            (
                "reject",
                C::RejectVerification {
                    reason: text("no proof"),
                },
            ),
            (
                "reschedule",
                C::Reschedule {
                    due_on: "2027-01-01".parse().unwrap(),
                    reason: text("elections"),
                },
            ),
            (
                "cancel",
                C::Cancel {
                    reason: text("dropped"),
                },
            ),
        ]
    }

    /// The whole transition table: which command is accepted in which state, and the state after.
    #[test]
    fn every_command_in_every_state_follows_the_transition_table() {
        let expected: &[(MilestoneStatus, &str, Option<MilestoneStatus>)] = &[
            (Planned, "start", Some(InProgress)),
            (Planned, "progress", Some(InProgress)),
            (Planned, "block", Some(Blocked)),
            (Planned, "unblock", None),
            (Planned, "achieve", None),
            (Planned, "evidence", Some(Planned)),
            (Planned, "verify", None),
            (Planned, "reject", None),
            (Planned, "reschedule", Some(Planned)),
            (Planned, "cancel", Some(Cancelled)),
            (InProgress, "start", None),
            (InProgress, "progress", Some(InProgress)),
            (InProgress, "block", Some(Blocked)),
            (InProgress, "unblock", None),
            (InProgress, "achieve", Some(Achieved)),
            (InProgress, "evidence", Some(InProgress)),
            (InProgress, "verify", None),
            (InProgress, "reject", None),
            (InProgress, "reschedule", Some(InProgress)),
            (InProgress, "cancel", Some(Cancelled)),
            (Blocked, "start", None),
            (Blocked, "progress", None),
            (Blocked, "block", None),
            (Blocked, "unblock", Some(InProgress)),
            (Blocked, "achieve", None),
            (Blocked, "evidence", Some(Blocked)),
            (Blocked, "verify", None),
            (Blocked, "reject", None),
            (Blocked, "reschedule", Some(Blocked)),
            (Blocked, "cancel", Some(Cancelled)),
            (Achieved, "start", None),
            (Achieved, "progress", None),
            (Achieved, "block", None),
            (Achieved, "unblock", None),
            (Achieved, "achieve", None),
            (Achieved, "evidence", Some(Achieved)),
            (Achieved, "verify", Some(Verified)),
            (Achieved, "reject", Some(InProgress)),
            (Achieved, "reschedule", Some(Achieved)),
            (Achieved, "cancel", Some(Cancelled)),
            (Verified, "start", None),
            (Verified, "progress", None),
            (Verified, "block", None),
            (Verified, "unblock", None),
            (Verified, "achieve", None),
            (Verified, "evidence", None),
            (Verified, "verify", None),
            (Verified, "reject", None),
            (Verified, "reschedule", None),
            (Verified, "cancel", None),
            (Cancelled, "start", None),
            (Cancelled, "progress", None),
            (Cancelled, "block", None),
            (Cancelled, "unblock", None),
            (Cancelled, "achieve", None),
            (Cancelled, "evidence", None),
            (Cancelled, "verify", None),
            (Cancelled, "reject", None),
            (Cancelled, "reschedule", None),
            (Cancelled, "cancel", None),
        ];
        assert_eq!(expected.len(), 6 * 10);
        for (from, name, to) in expected {
            let (_, cmd) = all_commands().into_iter().find(|(n, _)| n == name).unwrap();
            let state = in_state(*from);
            match (state.decide(cmd), to) {
                (Ok(events), Some(to)) => {
                    let mut state = state;
                    for e in events {
                        state.evolve(e);
                    }
                    assert_eq!(state.status(), Some(*to), "{from:?} --{name}-->");
                }
                (Err(DomainError::Conflict(_)), None) => {}
                (other, to) => panic!("{from:?} --{name}--> expected {to:?}, got {other:?}"),
            }
        }
    }

    /// What each status offers, and that `decide` accepts exactly those steps from it.
    #[test]
    fn the_steps_allowed_in_each_status_are_the_ones_decide_accepts() {
        let expected: &[(MilestoneStatus, &[&str])] = &[
            (
                Planned,
                &[
                    "start",
                    "progress",
                    "evidence",
                    "block",
                    "reschedule",
                    "cancel",
                ],
            ),
            (
                InProgress,
                &[
                    "progress",
                    "achieve",
                    "evidence",
                    "block",
                    "reschedule",
                    "cancel",
                ],
            ),
            (Blocked, &["evidence", "unblock", "reschedule", "cancel"]),
            (
                Achieved,
                &["evidence", "reschedule", "cancel", "verify", "reject"],
            ),
            (Verified, &[]),
            (Cancelled, &[]),
        ];
        assert_eq!(expected.len(), MilestoneStatus::VARIANTS.len());
        let named: Vec<&str> = all_commands().into_iter().map(|(n, _)| n).collect();
        for step in MilestoneStep::ALL {
            assert!(named.contains(&step.name()), "{step:?} has no command here");
        }
        for (status, names) in expected {
            let state = in_state(*status);
            let allowed: Vec<&str> = state.allowed_steps().iter().map(|s| s.name()).collect();
            assert_eq!(allowed, *names, "{status:?}");
            for (name, cmd) in all_commands() {
                assert_eq!(cmd.step().map(MilestoneStep::name), Some(name));
                let accepted = !matches!(state.decide(cmd), Err(DomainError::Conflict(_)));
                assert_eq!(accepted, names.contains(&name), "{status:?} --{name}-->");
            }
        }
        assert!(Milestone::default().allowed_steps().is_empty());
    }

    #[test]
    fn the_same_evidence_link_is_recorded_once_whether_added_or_reported_with_the_achievement() {
        let gazette = evidence().remove(0);
        let achieved = in_state(Achieved);
        assert!(matches!(
            achieved.decide(C::AddEvidence {
                evidence: gazette.clone()
            }),
            Err(DomainError::Conflict(_))
        ));
        let mut started = in_state(InProgress);
        let events = started
            .decide(C::AddEvidence {
                evidence: gazette.clone(),
            })
            .unwrap();
        assert_eq!(
            events,
            vec![E::EvidenceAdded {
                evidence: gazette.clone()
            }]
        );
        for e in events {
            started.evolve(e);
        }
        assert!(matches!(
            started.decide(C::AddEvidence { evidence: gazette }),
            Err(DomainError::Conflict(_))
        ));
    }

    fn decree() -> crate::values::EvidenceFile {
        crate::values::EvidenceFile {
            title: Title::parse("Signed decree").unwrap(),
            sha256: crate::values::Sha256::of_digest(&[7; 32]),
            size: 1234,
            media_type: crate::values::DocumentType::Pdf,
            file_name: crate::values::FileName::of_document(
                "decree.pdf",
                crate::values::DocumentType::Pdf,
            ),
        }
    }

    #[test]
    fn the_same_document_is_attached_once_and_counts_as_evidence_for_the_achievement() {
        let mut started = in_state(InProgress);
        assert!(matches!(
            started.decide(C::Achieve {
                evidence: vec![],
                note: None,
                by: Actor::System,
            }),
            Err(DomainError::Conflict(_))
        ));
        let events = started.decide(C::AttachFile { file: decree() }).unwrap();
        assert_eq!(events, vec![E::EvidenceFileAttached { file: decree() }]);
        for e in events {
            started.evolve(e);
        }
        assert!(matches!(
            started.decide(C::AttachFile { file: decree() }),
            Err(DomainError::Conflict(_))
        ));
        let achieve = || C::Achieve {
            evidence: vec![],
            note: None,
            by: Actor::System,
        };
        let events = started.decide(achieve()).unwrap();
        for e in events {
            started.evolve(e);
        }
        // Sent back: the same document does not count again; a new one does.
        started.evolve(E::VerificationRejected {
            reason: text("no proof"),
        });
        assert!(matches!(
            started.decide(achieve()),
            Err(DomainError::Conflict(_))
        ));
        let mut other = decree();
        other.sha256 = crate::values::Sha256::of_digest(&[8; 32]);
        started.evolve(E::EvidenceFileAttached { file: other });
        assert!(started.decide(achieve()).is_ok());
    }

    #[test]
    fn a_file_name_keeps_its_last_segment_and_ends_as_its_type_does() {
        use crate::values::{DocumentType, FileName};
        let cases = [
            ("../../etc/passwd", DocumentType::Pdf, "passwd.pdf"),
            ("..\\..\\boot.ini", DocumentType::Text, "boot.txt"),
            ("décret n°12.pdf", DocumentType::Pdf, "décret n°12.pdf"),
            ("a\"b;c\r\n.pdf", DocumentType::Pdf, "a_b_c.pdf"),
            ("...", DocumentType::Pdf, "document.pdf"),
            ("/", DocumentType::Png, "document.png"),
            (".hidden", DocumentType::Csv, "document.csv"),
            ("مرسوم.pdf", DocumentType::Pdf, "مرسوم.pdf"),
            ("minutes.hta", DocumentType::Text, "minutes.txt"),
            ("report.docm", DocumentType::Docx, "report.docx"),
            ("photo", DocumentType::Jpeg, "photo.jpg"),
            // A right-to-left override (U+202E) would show `invoice<RLO>fdp.exe` as `invoiceexe.pdf`.
            (
                "invoice\u{202e}fdp.exe",
                DocumentType::Pdf,
                "invoicefdp.pdf",
            ),
        ];
        for (raw, kind, expected) in cases {
            assert_eq!(FileName::of_document(raw, kind).as_str(), expected, "{raw}");
        }
        let long = FileName::of_document(&format!("{}.pdf", "x".repeat(500)), DocumentType::Pdf);
        assert_eq!(long.as_str().chars().count(), FileName::MAX);
        assert!(long.as_str().ends_with(".pdf"));
    }

    #[test]
    fn unblocking_returns_to_the_state_before_the_block() {
        let planned_then_blocked = [
            history(Planned, AccountId::new()),
            vec![E::MilestoneBlocked { reason: text("x") }],
        ]
        .concat();
        let events = given::<Milestone>(planned_then_blocked)
            .decide(C::Unblock { note: None })
            .unwrap();
        assert_eq!(
            events,
            vec![E::MilestoneUnblocked {
                note: None,
                to: Planned
            }]
        );
    }

    #[test]
    fn the_account_that_reported_the_achievement_cannot_verify_it() {
        let reporter = AccountId::new();
        let state = given::<Milestone>(history(Achieved, reporter));
        assert!(matches!(
            state.decide(verify_by(reporter)),
            Err(DomainError::Forbidden(_))
        ));
        let other = AccountId::new();
        assert_eq!(
            state.decide(verify_by(other)).unwrap(),
            vec![E::MilestoneVerified {
                note: None,
                by: Some(other)
            }]
        );
    }

    #[test]
    fn after_a_rejected_verification_the_reporter_is_forgotten() {
        let reporter = AccountId::new();
        let mut events = history(Achieved, reporter);
        events.push(E::VerificationRejected { reason: text("x") });
        events.push(E::MilestoneAchieved {
            evidence: evidence(),
            note: None,
            by: Some(AccountId::new()),
        });
        let state = given::<Milestone>(events);
        assert!(state.decide(verify_by(reporter)).is_ok());
    }

    #[test]
    fn an_achievement_needs_evidence_given_or_recorded_before() {
        let err = in_state(InProgress)
            .decide(C::Achieve {
                evidence: vec![],
                note: None,
                by: Actor::System,
            })
            .unwrap_err();
        assert!(matches!(err, DomainError::Conflict(_)));
    }

    #[test]
    fn progress_on_a_planned_milestone_starts_it() {
        let events = in_state(Planned)
            .decide(C::ReportProgress {
                percent: Percent::parse(10).unwrap(),
                note: None,
            })
            .unwrap();
        assert!(matches!(events[0], E::MilestoneStarted { .. }));
        assert!(matches!(events[1], E::ProgressReported { .. }));
    }

    #[test]
    fn rescheduling_to_the_same_date_conflicts_and_to_another_records_both_dates() {
        let state = in_state(Planned);
        assert!(matches!(
            state.decide(C::Reschedule {
                due_on: "2026-03-31".parse().unwrap(),
                reason: text("x")
            }),
            Err(DomainError::Conflict(_))
        ));
        let events = state
            .decide(C::Reschedule {
                due_on: "2026-06-30".parse().unwrap(),
                reason: text("x"),
            })
            .unwrap();
        assert!(matches!(
            &events[0],
            E::MilestoneRescheduled { from, to, .. }
                if from.to_string() == "2026-03-31" && to.to_string() == "2026-06-30"
        ));
    }

    #[test]
    fn commands_on_a_missing_milestone_are_not_found_and_adding_twice_conflicts() {
        for (name, cmd) in all_commands() {
            assert!(
                matches!(
                    given::<Milestone>(vec![]).decide(cmd),
                    Err(DomainError::NotFound(_))
                ),
                "{name}"
            );
        }
        let again = C::Add {
            commitment: CommitmentId::new(),
            country: CountryCode::parse("KEN").unwrap(),
            title: Title::parse("x").unwrap(),
            due_on: "2026-01-01".parse().unwrap(),
            stage: None,
        };
        assert!(matches!(
            in_state(Planned).decide(again),
            Err(DomainError::Conflict(_))
        ));
    }
}
