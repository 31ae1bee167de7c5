use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::values::{CountryCode, PrincipleCode};

/// Languages the pages and mails are written in: the six official languages of the United
/// Nations, in their order (Arabic is written right to left; Chinese is Simplified).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
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
    Ar,
    Zh,
    #[default]
    En,
    Fr,
    Ru,
    Es,
}

/// The digits numbers are written in. CLDR writes Arabic with Latin digits by default
/// (`ar`); Egypt and much of the Arab East write Arabic-Indic digits (٠١٢٣), which an account
/// may choose. Other languages write Latin digits whatever the choice.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Digits {
    /// 0123456789.
    #[default]
    Latin,
    /// ٠١٢٣٤٥٦٧٨٩, for Arabic.
    Arab,
}

impl Digits {
    pub fn is_latin(&self) -> bool {
        *self == Self::Latin
    }
}

/// How often a subscriber receives the digest.
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
pub enum Frequency {
    /// Every period's digest.
    #[default]
    Weekly,
    /// The first digest of each month (months counted by the period's Monday).
    Monthly,
}

impl Frequency {
    pub fn is_weekly(&self) -> bool {
        *self == Self::Weekly
    }
}

/// What a subscriber chose to receive. Empty lists mean "all".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    pub countries: Vec<CountryCode>,
    pub principles: Vec<PrincipleCode>,
    pub language: Language,
    pub frequency: Frequency,
}

impl Preferences {
    /// The same choice with its lists sorted and without repeats.
    pub fn normalized(mut self) -> Self {
        self.countries.sort();
        self.countries.dedup();
        self.principles.sort();
        self.principles.dedup();
        self
    }
}

/// Permanent failures (SMTP 5xx) in a row after which an address gets no more digests.
pub const SUPPRESS_AFTER: u32 = 3;

/// What happened to a subscriber. An empty country or principle list means "all".
#[derive(
    Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantNames,
)]
pub enum SubscriberEvent {
    SubscriptionRequested {
        countries: Vec<CountryCode>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        principles: Vec<PrincipleCode>,
        language: Language,
        #[serde(default, skip_serializing_if = "Frequency::is_weekly")]
        frequency: Frequency,
        token_hash: String,
        expires_at: DateTime<Utc>,
    },
    SubscriptionConfirmed,
    PreferencesChanged {
        countries: Vec<CountryCode>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        principles: Vec<PrincipleCode>,
        language: Language,
        #[serde(default, skip_serializing_if = "Frequency::is_weekly")]
        frequency: Frequency,
    },
    Unsubscribed,
    SubscriberErased,
    /// A digest to the address was refused for good (SMTP 5xx); `in_a_row` counts such
    /// refusals since the last delivery.
    PermanentFailureCounted {
        in_a_row: u32,
    },
    /// A digest reached the address again: the count of refusals starts over.
    FailuresCleared,
    /// After [`SUPPRESS_AFTER`] refusals in a row, no more digests go to the address until its
    /// subscriber confirms again.
    AddressSuppressed,
}

impl SubscriberEvent {
    /// The preferences an event sets, if it sets them.
    pub fn preferences(&self) -> Option<Preferences> {
        match self {
            Self::SubscriptionRequested {
                countries,
                principles,
                language,
                frequency,
                ..
            }
            | Self::PreferencesChanged {
                countries,
                principles,
                language,
                frequency,
            } => Some(Preferences {
                countries: countries.clone(),
                principles: principles.clone(),
                language: *language,
                frequency: *frequency,
            }),
            _ => None,
        }
    }
}
