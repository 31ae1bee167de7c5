use chrono::NaiveDate;

use super::MilestoneStatus;
use crate::values::{
    Actor, CommitmentId, CountryCode, Evidence, EvidenceFile, FieldError, Percent, StageCode, Text,
    Title,
};

/// What may be asked of a milestone.
#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum MilestoneCommand {
    Add {
        commitment: CommitmentId,
        country: CountryCode,
        title: Title,
        due_on: NaiveDate,
        stage: Option<StageCode>,
    },
    Start {
        note: Option<Text>,
    },
    ReportProgress {
        percent: Percent,
        note: Option<Text>,
    },
    Block {
        reason: Text,
    },
    Unblock {
        note: Option<Text>,
    },
    Achieve {
        evidence: Vec<Evidence>,
        note: Option<Text>,
        by: Actor,
    },
    /// Add a link to evidence before or after the achievement is reported.
    AddEvidence {
        evidence: Evidence,
    },
    /// Attach a document as evidence: the evidence step by another channel, under its rules.
    AttachFile {
        file: EvidenceFile,
    },
    Verify {
        note: Option<Text>,
        by: Actor,
    },
    RejectVerification {
        reason: Text,
    },
    Reschedule {
        due_on: NaiveDate,
        reason: Text,
    },
    Cancel {
        reason: Text,
    },
}

/// One step of a milestone's life, as every channel offers it: its name (the last segment of
/// its address), who may take it, what it asks for, and from which statuses it is allowed.
/// [`MilestoneStep::ALL`] is in the order the steps are offered.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum MilestoneStep {
    Start,
    Progress,
    Achieve,
    Evidence,
    Block,
    Unblock,
    Reschedule,
    Cancel,
    Verify,
    Reject,
}

/// The permission a step needs in the milestone's country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepPermission {
    UpdateMilestones,
    /// A verifier's step: never offered to the account that reported the achievement.
    Verify,
}

/// What a step asks for, in the order it is asked. Only the note may be left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepField {
    Percent,
    /// One piece of evidence (title and link); an achievement may carry several.
    Evidence,
    DueOn,
    Reason,
    Note,
}

/// What one step is given, as parsed by its channel: the fields of [`MilestoneStep::fields`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StepInput {
    pub percent: Option<Percent>,
    pub evidence: Vec<Evidence>,
    pub due_on: Option<NaiveDate>,
    pub reason: Option<Text>,
    pub note: Option<Text>,
}

/// Everything a step is, in one place.
struct StepSpec {
    permission: StepPermission,
    fields: &'static [StepField],
    /// The statuses the step is allowed from.
    from: &'static [MilestoneStatus],
    /// How a refusal says it: "a milestone that is verified cannot be …".
    refused_as: &'static str,
}

impl MilestoneStep {
    pub const ALL: &'static [MilestoneStep] = <Self as strum::VariantArray>::VARIANTS;

    fn spec(self) -> StepSpec {
        use MilestoneStatus::*;
        use StepField as F;
        use StepPermission::*;
        let (permission, fields, from, refused_as): (_, &'static [StepField], _, _) = match self {
            Self::Start => (UpdateMilestones, &[F::Note], &[Planned][..], "started"),
            Self::Progress => (
                UpdateMilestones,
                &[F::Percent, F::Note],
                &[Planned, InProgress][..],
                "given a progress report",
            ),
            Self::Achieve => (
                UpdateMilestones,
                &[F::Evidence, F::Note],
                &[InProgress][..],
                "achieved",
            ),
            Self::Evidence => (
                UpdateMilestones,
                &[F::Evidence],
                &[Planned, InProgress, Blocked, Achieved][..],
                "given evidence",
            ),
            Self::Block => (
                UpdateMilestones,
                &[F::Reason],
                &[Planned, InProgress][..],
                "blocked",
            ),
            Self::Unblock => (UpdateMilestones, &[F::Note], &[Blocked][..], "unblocked"),
            Self::Reschedule => (
                UpdateMilestones,
                &[F::DueOn, F::Reason],
                &[Planned, InProgress, Blocked, Achieved][..],
                "rescheduled",
            ),
            Self::Cancel => (
                UpdateMilestones,
                &[F::Reason],
                &[Planned, InProgress, Blocked, Achieved][..],
                "cancelled",
            ),
            Self::Verify => (Verify, &[F::Note], &[Achieved][..], "verified"),
            Self::Reject => (
                Verify,
                &[F::Reason],
                &[Achieved][..],
                "sent back from verification",
            ),
        };
        StepSpec {
            permission,
            fields,
            from,
            refused_as,
        }
    }

    /// Its name: the last segment of its address (`/milestones/{id}/progress`).
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn permission(self) -> StepPermission {
        self.spec().permission
    }

    /// Whether it is a verifier's step (not for the reporter of the achievement).
    pub fn is_verifiers(self) -> bool {
        self.permission() == StepPermission::Verify
    }

    pub fn fields(self) -> &'static [StepField] {
        self.spec().fields
    }

    /// Whether a milestone in `status` may take this step.
    pub fn allowed_from(self, status: MilestoneStatus) -> bool {
        self.spec().from.contains(&status)
    }

    /// The past participle a refusal uses.
    pub(super) fn refused_as(self) -> &'static str {
        self.spec().refused_as
    }

    /// The command of this step with `input`, taken by `by`.
    pub fn command(self, input: StepInput, by: Actor) -> Result<MilestoneCommand, FieldError> {
        let required = |field: &str| FieldError::new(field, crate::reason!("required", "required"));
        let StepInput {
            percent,
            evidence,
            due_on,
            reason,
            note,
        } = input;
        let reason = || reason.ok_or_else(|| required("reason"));
        Ok(match self {
            Self::Start => MilestoneCommand::Start { note },
            Self::Progress => MilestoneCommand::ReportProgress {
                percent: percent.ok_or_else(|| required("percent"))?,
                note,
            },
            Self::Achieve => MilestoneCommand::Achieve { evidence, note, by },
            Self::Evidence => MilestoneCommand::AddEvidence {
                evidence: evidence
                    .into_iter()
                    .next()
                    .ok_or_else(|| required("evidence"))?,
            },
            Self::Block => MilestoneCommand::Block { reason: reason()? },
            Self::Unblock => MilestoneCommand::Unblock { note },
            Self::Reschedule => MilestoneCommand::Reschedule {
                due_on: due_on.ok_or_else(|| required("due_on"))?,
                reason: reason()?,
            },
            Self::Cancel => MilestoneCommand::Cancel { reason: reason()? },
            Self::Verify => MilestoneCommand::Verify { note, by },
            Self::Reject => MilestoneCommand::RejectVerification { reason: reason()? },
        })
    }
}

impl MilestoneCommand {
    /// The step this command takes; `None` for adding the milestone.
    pub fn step(&self) -> Option<MilestoneStep> {
        use MilestoneStep as S;
        Some(match self {
            Self::Add { .. } => return None,
            Self::Start { .. } => S::Start,
            Self::ReportProgress { .. } => S::Progress,
            Self::Block { .. } => S::Block,
            Self::Unblock { .. } => S::Unblock,
            Self::Achieve { .. } => S::Achieve,
            Self::AddEvidence { .. } | Self::AttachFile { .. } => S::Evidence,
            Self::Verify { .. } => S::Verify,
            Self::RejectVerification { .. } => S::Reject,
            Self::Reschedule { .. } => S::Reschedule,
            Self::Cancel { .. } => S::Cancel,
        })
    }
}

impl MilestoneStatus {
    /// The steps a milestone in this status may take, in the order they are offered.
    pub fn allowed_steps(self) -> Vec<MilestoneStep> {
        MilestoneStep::ALL
            .iter()
            .copied()
            .filter(|s| s.allowed_from(self))
            .collect()
    }
}
