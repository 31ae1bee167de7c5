use serde::{Deserialize, Serialize};

use crate::values::{CountryCode, Text};

use super::{CommitmentFields, CommitmentRevision};

/// What happened to a commitment.
#[derive(
    Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantNames,
)]
pub enum CommitmentEvent {
    CommitmentCreated {
        country: CountryCode,
        #[serde(flatten)]
        fields: CommitmentFields,
    },
    CommitmentRevised {
        #[serde(flatten)]
        changes: CommitmentRevision,
    },
    CommitmentWithdrawn {
        reason: Text,
    },
}
