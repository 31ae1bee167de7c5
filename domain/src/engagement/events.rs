use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::values::{AccountId, AuthorityCode, CountryCode, DpiSystemType, StageCode, Text, Title};

/// Where a country stands with the framework.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EngagementStatus {
    Exploring,
    Committed,
    Implementing,
    Paused,
    Closed,
}

/// The kinds of in-country engagement activity.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ActivityKind {
    Convening,
    Workshop,
    Dialogue,
    CommitmentLetter,
    Showcase,
    Accelerator,
    Roadmap,
    Other,
}

/// What happened to an engagement. Stored as versioned JSON; renaming a variant or a field
/// needs an upcaster for the events already written.
#[derive(
    Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantNames,
)]
pub enum EngagementEvent {
    EngagementOpened {
        country: CountryCode,
        lead: Title,
        started_on: NaiveDate,
    },
    DpiSystemAdded {
        system: DpiSystemType,
        stage: StageCode,
    },
    DpiSystemMoved {
        system: DpiSystemType,
        from: StageCode,
        to: StageCode,
    },
    ActivityRecorded {
        kind: ActivityKind,
        title: Title,
        held_on: NaiveDate,
        #[serde(default)]
        authorities: Vec<AuthorityCode>,
        #[serde(default)]
        note: Option<Text>,
    },
    /// Older logs: the account became a focal point of the country (now a grant of the
    /// country to the account, `CountriesGranted`).
    FocalPointAssigned {
        account: AccountId,
    },
    FocalPointRemoved {
        account: AccountId,
    },
    EngagementStatusChanged {
        from: EngagementStatus,
        to: EngagementStatus,
        #[serde(default)]
        reason: Option<Text>,
    },
    /// The country's record is public from now on (who and when: the event's metadata).
    EngagementPublished,
    EngagementUnpublished {
        #[serde(default)]
        reason: Option<Text>,
    },
}
