use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::values::{
    AccountId, CommitmentId, CountryCode, Evidence, EvidenceFile, Percent, StageCode, Text, Title,
};

/// Where a milestone stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MilestoneStatus {
    Planned,
    InProgress,
    Blocked,
    Achieved,
    Verified,
    Cancelled,
}

impl MilestoneStatus {
    pub fn as_str(&self) -> &'static str {
        self.into()
    }
}

/// What happened to a milestone.
#[derive(
    Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantNames,
)]
pub enum MilestoneEvent {
    MilestoneAdded {
        commitment: CommitmentId,
        country: CountryCode,
        title: Title,
        due_on: NaiveDate,
        #[serde(default)]
        stage: Option<StageCode>,
    },
    MilestoneStarted {
        #[serde(default)]
        note: Option<Text>,
    },
    ProgressReported {
        percent: Percent,
        #[serde(default)]
        note: Option<Text>,
    },
    MilestoneBlocked {
        reason: Text,
    },
    MilestoneUnblocked {
        #[serde(default)]
        note: Option<Text>,
        /// The status the milestone returns to: the one it had when blocked.
        to: MilestoneStatus,
    },
    MilestoneAchieved {
        evidence: Vec<Evidence>,
        #[serde(default)]
        note: Option<Text>,
        #[serde(default)]
        by: Option<AccountId>,
    },
    EvidenceAdded {
        evidence: Evidence,
    },
    /// A document attached as evidence; its bytes are in the evidence store under its hash.
    EvidenceFileAttached {
        file: EvidenceFile,
    },
    MilestoneVerified {
        #[serde(default)]
        note: Option<Text>,
        #[serde(default)]
        by: Option<AccountId>,
    },
    VerificationRejected {
        reason: Text,
    },
    MilestoneRescheduled {
        from: NaiveDate,
        to: NaiveDate,
        reason: Text,
    },
    MilestoneCancelled {
        reason: Text,
    },
}
