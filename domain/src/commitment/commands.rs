use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::values::{
    AuthorityCode, CountryCode, DpiSystemType, PrincipleCode, ProcessRef, RiskCode, StageCode,
    Text, Title,
};

/// The content of a commitment, as created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentFields {
    pub title: Title,
    #[serde(default)]
    pub description: Option<Text>,
    pub principles: Vec<PrincipleCode>,
    #[serde(default)]
    pub risks: Vec<RiskCode>,
    pub authority: AuthorityCode,
    pub stage: StageCode,
    #[serde(default)]
    pub dpi_system: Option<DpiSystemType>,
    #[serde(default)]
    pub process_refs: Vec<ProcessRef>,
    pub due_on: NaiveDate,
}

/// A revision: only the fields given change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CommitmentRevision {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Title>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principles: Option<Vec<PrincipleCode>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risks: Option<Vec<RiskCode>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<AuthorityCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<StageCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpi_system: Option<DpiSystemType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_refs: Option<Vec<ProcessRef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_on: Option<NaiveDate>,
}

/// What may be asked of a commitment.
#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum CommitmentCommand {
    Create {
        country: CountryCode,
        fields: CommitmentFields,
    },
    Revise {
        revision: CommitmentRevision,
    },
    Withdraw {
        reason: Text,
    },
}
