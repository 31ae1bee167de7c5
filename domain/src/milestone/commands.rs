use chrono::NaiveDate;

use crate::values::{Actor, CommitmentId, CountryCode, Evidence, Percent, StageCode, Text, Title};

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
