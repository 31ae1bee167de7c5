use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::values::CountryCode;

/// Languages the pages and mails are written in.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Fr,
    Es,
}

/// What happened to a subscriber. An empty country list means "every country".
#[derive(
    Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantNames,
)]
pub enum SubscriberEvent {
    SubscriptionRequested {
        countries: Vec<CountryCode>,
        language: Language,
        token_hash: String,
        expires_at: DateTime<Utc>,
    },
    SubscriptionConfirmed,
    PreferencesChanged {
        countries: Vec<CountryCode>,
        language: Language,
    },
    Unsubscribed,
    SubscriberErased,
}
