//! Value types that parse instead of validate: once built, a value is valid.
//!
//! Each type has private fields, a `parse` constructor that names the field and the reason
//! on failure, and serde support that goes through the same `parse`.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::catalogue::{catalogue, country, Entry};

/// Why one field of a request or command is invalid: the field's name and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The same error reported under another field name (e.g. `principles[2]`).
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }
}

/// Serde glue: the value is (de)serialized as its string form and parsed on the way in.
macro_rules! string_serde {
    ($name:ident) => {
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::parse(&raw).map_err(|e| serde::de::Error::custom(e.reason))
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// A code that must appear in one list of the catalogue.
macro_rules! catalogue_code {
    ($(#[$meta:meta])* $name:ident, $what:literal, $list:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(&'static str);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, FieldError> {
                let wanted = raw.trim();
                find_code(&catalogue().$list, wanted)
                    .map(Self)
                    .ok_or_else(|| unknown_code($what, wanted, &catalogue().$list))
            }
            pub fn as_str(&self) -> &'static str {
                self.0
            }
            /// The catalogue's name for this code.
            pub fn name(&self) -> &'static str {
                entry_name(&catalogue().$list, self.0)
            }
            /// Every code of this kind, in catalogue order.
            pub fn all() -> Vec<Self> {
                catalogue().$list.iter().map(|e| Self(e.code.as_str())).collect()
            }
        }
        string_serde!($name);
    };
}

fn find_code(list: &'static [Entry], wanted: &str) -> Option<&'static str> {
    list.iter()
        .find(|e| e.code.eq_ignore_ascii_case(wanted))
        .map(|e| e.code.as_str())
}

fn entry_name(list: &'static [Entry], code: &str) -> &'static str {
    list.iter()
        .find(|e| e.code == code)
        .map(|e| e.name.as_str())
        .unwrap_or("")
}

fn unknown_code(what: &str, raw: &str, list: &[Entry]) -> FieldError {
    let known: Vec<&str> = list.iter().map(|e| e.code.as_str()).collect();
    FieldError::new(
        what,
        format!(
            "unknown {what} `{}`; expected one of {}",
            clip(raw),
            known.join(", ")
        ),
    )
}

/// At most 40 characters of user input, for error messages.
fn clip(raw: &str) -> String {
    let mut s: String = raw.chars().take(40).collect();
    if raw.chars().count() > 40 {
        s.push('…');
    }
    s.chars().filter(|c| !c.is_control()).collect()
}

catalogue_code!(
    /// A principle of the framework: `F1`–`F9` (foundational) or `O1`–`O9` (operational).
    PrincipleCode, "principle", principles
);
catalogue_code!(
    /// A life-cycle stage, `L1`–`L5`.
    StageCode, "stage", stages
);
catalogue_code!(
    /// A responsible authority, `R1`–`R5`.
    AuthorityCode, "authority", authorities
);
catalogue_code!(
    /// A risk to safety (`RS*`), to inclusion (`RI*`) or a structural vulnerability (`SV*`).
    RiskCode, "risk", risks
);
catalogue_code!(
    /// A kind of DPI system: `digital_id`, `payments`, `data_exchange`, `registries`, `other`.
    DpiSystemType, "dpi_system", dpi_system_types
);

/// An ISO 3166-1 alpha-3 country code, upper case (`KEN`). Lower-case input is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 3]);

impl CountryCode {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let upper = raw.trim().to_ascii_uppercase();
        let bytes = upper.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_uppercase) {
            return Err(FieldError::new(
                "country",
                format!("`{}` is not an ISO 3166-1 alpha-3 code", clip(raw)),
            ));
        }
        if country(&upper).is_none() {
            return Err(FieldError::new(
                "country",
                format!("`{upper}` is not an ISO 3166-1 alpha-3 country"),
            ));
        }
        Ok(Self([bytes[0], bytes[1], bytes[2]]))
    }

    pub fn as_str(&self) -> &str {
        // Built only from ASCII upper-case letters in `parse`.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// The country's English short name.
    pub fn name(&self) -> &'static str {
        country(self.as_str())
            .map(|c| c.name.as_str())
            .unwrap_or("")
    }
}
string_serde!(CountryCode);

/// A reference to one of the framework's numbered recommendations, `<principle>.<n>` (`O3.7`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProcessRef(String);

impl ProcessRef {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        let bad = || {
            FieldError::new(
                "process_refs",
                format!(
                    "`{}` is not a process reference like `O3.7` (<principle>.<n>)",
                    clip(raw)
                ),
            )
        };
        let (principle, number) = raw.split_once('.').ok_or_else(bad)?;
        let principle = PrincipleCode::parse(principle).map_err(|_| bad())?;
        let n: u16 = number.parse().map_err(|_| bad())?;
        if n == 0 || number.starts_with('0') || number.starts_with('+') {
            return Err(bad());
        }
        Ok(Self(format!("{}.{n}", principle.as_str())))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_serde!(ProcessRef);

/// An e-mail address: trimmed, at most 254 characters, one `@`, a dotted domain, no spaces,
/// no control characters (so it can never inject a mail header). The domain is lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        let err = |reason: &str| FieldError::new("email", reason.to_string());
        if raw.is_empty() {
            return Err(err("must not be empty"));
        }
        if raw.len() > 254 {
            return Err(err("must be at most 254 characters"));
        }
        if raw
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || "<>(),;:\\\"[]".contains(c))
        {
            return Err(err("contains a character an e-mail address cannot have"));
        }
        let (local, domain) = raw.split_once('@').ok_or_else(|| err("must contain `@`"))?;
        if local.is_empty() || local.len() > 64 || domain.contains('@') {
            return Err(err("is not a valid e-mail address"));
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2
            || labels
                .iter()
                .any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-') || l.len() > 63)
        {
            return Err(err("has no valid domain"));
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The address in the form used to compare accounts (wholly lower-cased).
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}
string_serde!(Email);

/// Bounded, single-line text: titles, names, leads. No control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Title(String);

impl Title {
    pub const MAX: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::parse_field("title", raw)
    }

    /// Parse, naming `field` in the error.
    pub fn parse_field(field: &str, raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, "must not be empty"));
        }
        if s.chars().count() > Self::MAX {
            return Err(FieldError::new(
                field,
                format!("must be at most {} characters", Self::MAX),
            ));
        }
        if s.chars().any(char::is_control) {
            return Err(FieldError::new(
                field,
                "must be a single line without control characters",
            ));
        }
        Ok(Self(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_serde!(Title);

/// Free text of several lines: descriptions, notes, reasons. Tabs and line breaks are kept;
/// other control characters are refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text(String);

impl Text {
    pub const MAX: usize = 5000;

    /// Parse non-empty text, naming `field` in the error.
    pub fn parse_field(field: &str, raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, "must not be empty"));
        }
        if s.chars().count() > Self::MAX {
            return Err(FieldError::new(
                field,
                format!("must be at most {} characters", Self::MAX),
            ));
        }
        if s.chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(FieldError::new(field, "contains control characters"));
        }
        Ok(Self(s.replace("\r\n", "\n")))
    }

    /// Optional text: `None` and blank strings become `None`.
    pub fn parse_optional(field: &str, raw: Option<&str>) -> Result<Option<Self>, FieldError> {
        match raw {
            Some(s) if !s.trim().is_empty() => Self::parse_field(field, s).map(Some),
            _ => Ok(None),
        }
    }

    fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::parse_field("text", raw)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_serde!(Text);

/// A progress figure, 0–100 inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Percent(u8);

impl Percent {
    pub fn parse(raw: i64) -> Result<Self, FieldError> {
        u8::try_from(raw)
            .ok()
            .filter(|p| *p <= 100)
            .map(Self)
            .ok_or_else(|| FieldError::new("percent", "must be a whole number from 0 to 100"))
    }
    pub fn value(&self) -> u8 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = i64::deserialize(d)?;
        Self::parse(raw).map_err(|e| serde::de::Error::custom(e.reason))
    }
}

/// A link to evidence of an achievement: `http` or `https` only.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EvidenceUrl(String);

impl EvidenceUrl {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        let url = url::Url::parse(raw)
            .map_err(|e| FieldError::new("url", format!("is not a URL ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(FieldError::new("url", "must be an http or https link"));
        }
        if raw.len() > 2000 {
            return Err(FieldError::new("url", "must be at most 2000 characters"));
        }
        Ok(Self(url.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_serde!(EvidenceUrl);

/// One piece of evidence: a title and a link.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Evidence {
    pub title: Title,
    pub url: EvidenceUrl,
}

/// Identifiers of aggregates that are not named by a natural key.
macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident, $field:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }
            pub fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
            pub fn parse(raw: &str) -> Result<Self, FieldError> {
                Uuid::parse_str(raw.trim())
                    .map(Self)
                    .map_err(|_| FieldError::new($field, format!("`{}` is not a valid id", clip(raw))))
            }
            pub fn uuid(&self) -> Uuid {
                self.0
            }
        }
        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

uuid_id!(
    /// An account's id.
    AccountId, "account_id"
);
uuid_id!(
    /// A commitment's id.
    CommitmentId, "commitment_id"
);
uuid_id!(
    /// A milestone's id.
    MilestoneId, "milestone_id"
);
uuid_id!(
    /// A subscriber's id.
    SubscriberId, "subscriber_id"
);

/// Who caused an event: an account, or the system itself (scheduler, import, demo loader).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    Account(AccountId),
    System,
}

impl Actor {
    /// The form kept in event metadata: the account's id, or `system`.
    pub fn as_metadata(&self) -> String {
        match self {
            Actor::Account(id) => id.to_string(),
            Actor::System => "system".to_string(),
        }
    }
    pub fn from_metadata(raw: &str) -> Self {
        AccountId::parse(raw)
            .map(Actor::Account)
            .unwrap_or(Actor::System)
    }
    pub fn account(&self) -> Option<AccountId> {
        match self {
            Actor::Account(id) => Some(*id),
            Actor::System => None,
        }
    }
}

/// An account's role.
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
pub enum Role {
    Admin,
    ProgrammeManager,
    FocalPoint,
    Viewer,
}

/// Parse one of the snake_case words of an enum, naming the field and the choices on failure.
pub fn parse_word<T>(field: &str, raw: &str) -> Result<T, FieldError>
where
    T: std::str::FromStr + strum::VariantArray + Copy + Into<&'static str>,
{
    raw.trim().parse::<T>().map_err(|_| {
        let choices: Vec<&'static str> = T::VARIANTS.iter().map(|v| (*v).into()).collect();
        FieldError::new(
            field,
            format!(
                "unknown value `{}`; expected one of {}",
                clip(raw),
                choices.join(", ")
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_codes_parse_and_unknown_codes_name_the_field() {
        assert_eq!(PrincipleCode::parse("O3").unwrap().as_str(), "O3");
        assert_eq!(PrincipleCode::parse("f4").unwrap().as_str(), "F4");
        assert_eq!(
            PrincipleCode::parse("O3").unwrap().name(),
            "Ensure data privacy by design"
        );
        let err = PrincipleCode::parse("X1").unwrap_err();
        assert_eq!(err.field, "principle");
        assert!(err.reason.contains("X1"));
        assert!(StageCode::parse("L6").is_err());
        assert!(RiskCode::parse("SV5").is_ok());
        assert!(RiskCode::parse("RS5").is_err());
        assert!(AuthorityCode::parse("R5").is_ok());
        assert!(DpiSystemType::parse("digital_id").is_ok());
        assert!(DpiSystemType::parse("blockchain").is_err());
        assert_eq!(PrincipleCode::all().len(), 18);
    }

    #[test]
    fn country_codes_are_upper_case_iso_alpha_3() {
        assert_eq!(CountryCode::parse("KEN").unwrap().as_str(), "KEN");
        assert_eq!(CountryCode::parse("bra").unwrap().as_str(), "BRA");
        assert_eq!(CountryCode::parse("ZAF").unwrap().name(), "South Africa");
        assert!(CountryCode::parse("XYZ").is_err());
        assert!(CountryCode::parse("KE").is_err());
        assert!(CountryCode::parse("K3N").is_err());
        assert!(CountryCode::parse("ÄBC").is_err());
    }

    #[test]
    fn process_references_need_an_existing_principle_and_a_positive_number() {
        assert_eq!(ProcessRef::parse("O3.7").unwrap().as_str(), "O3.7");
        assert_eq!(ProcessRef::parse("f4.9").unwrap().as_str(), "F4.9");
        for bad in [
            "O3", "O3.", "O3.0", "O3.07", "Z1.2", "O3.x", ".7", "O3.+7", "O3.7.1",
        ] {
            assert!(ProcessRef::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn emails_refuse_header_injection_and_lower_case_the_domain() {
        assert_eq!(
            Email::parse(" Ana@Example.ORG ").unwrap().as_str(),
            "Ana@example.org"
        );
        for bad in [
            "",
            "no-at-sign",
            "a@b",
            "a@@b.org",
            "a b@c.org",
            "a@c.org\r\nBcc: x@y.org",
            "\"x\"@y.org",
            "@y.org",
            "x@.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn titles_are_single_lines_of_bounded_length() {
        assert_eq!(Title::parse("  Data law  ").unwrap().as_str(), "Data law");
        assert!(Title::parse("").is_err());
        assert!(Title::parse("a\nb").is_err());
        assert!(Title::parse(&"x".repeat(201)).is_err());
        assert!(Title::parse(&"é".repeat(200)).is_ok());
        assert!(Text::parse_field("note", "line one\nline two").is_ok());
        assert!(Text::parse_field("note", "bell\u{7}").is_err());
        assert_eq!(Text::parse_optional("note", Some("  ")).unwrap(), None);
    }

    #[test]
    fn percent_is_zero_to_one_hundred() {
        assert_eq!(Percent::parse(0).unwrap().value(), 0);
        assert_eq!(Percent::parse(100).unwrap().value(), 100);
        assert!(Percent::parse(101).is_err());
        assert!(Percent::parse(-1).is_err());
        assert!(serde_json::from_str::<Percent>("150").is_err());
    }

    #[test]
    fn evidence_links_are_http_or_https() {
        assert!(EvidenceUrl::parse("https://example.org/report.pdf").is_ok());
        assert!(EvidenceUrl::parse("javascript:alert(1)").is_err());
        assert!(EvidenceUrl::parse("ftp://example.org/x").is_err());
        assert!(EvidenceUrl::parse("not a url").is_err());
    }

    #[test]
    fn values_deserialize_through_parse() {
        assert!(serde_json::from_str::<CountryCode>("\"XXX\"").is_err());
        let c: CountryCode = serde_json::from_str("\"ken\"").unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"KEN\"");
        let role: Role = parse_word("role", "focal_point").unwrap();
        assert_eq!(role, Role::FocalPoint);
        let err = parse_word::<Role>("role", "king").unwrap_err();
        assert!(err.reason.contains("programme_manager"));
    }

    #[test]
    fn actors_round_trip_through_metadata() {
        let id = AccountId::new();
        assert_eq!(
            Actor::from_metadata(&Actor::Account(id).as_metadata()),
            Actor::Account(id)
        );
        assert_eq!(Actor::from_metadata("system"), Actor::System);
    }
}
