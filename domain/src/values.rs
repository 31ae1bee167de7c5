//! Value types that parse instead of validate: once built, a value is valid.
//!
//! Each type has private fields and a `parse` constructor that names the field and the reason
//! on failure: the rules for new input, applied at the edge (routes, pages, command line).
//!
//! Deserializing is lenient on purpose: it reads what was recorded (events, snapshots), keeping
//! only the shape the type needs to exist. A rule tightened later can then never hide history
//! that was valid when it was written.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::{LazyLock, Mutex};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::catalogue::{catalogue, country, Entry};
use crate::reason;
use crate::reason::Reason;

/// Why one field of a request or command is invalid: the field's name and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    pub field: String,
    pub reason: Reason,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: Reason) -> Self {
        Self {
            field: field.into(),
            reason,
        }
    }

    /// The same error reported under another field name (e.g. `principles[2]`).
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }
}

/// Serde glue: the value is serialized as its string form and read back through the lenient
/// `from_stored` (the shape only, not the input rules of `parse`).
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
                Self::from_stored(raw).map_err(serde::de::Error::custom)
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
            /// What this kind of code is called (`principle`, `dpi_system`).
            pub const KIND: &'static str = $what;

            /// One of the catalogue's codes, exactly as the catalogue writes it.
            pub fn parse(raw: &str) -> Result<Self, FieldError> {
                find_code(&catalogue().$list, raw)
                    .map(Self)
                    .ok_or_else(|| unknown_code($what, raw, &catalogue().$list))
            }
            /// Every code the catalogue lists, in its order (the allowed values of a field).
            pub fn codes() -> Vec<&'static str> {
                catalogue().$list.iter().map(|e| e.code.as_str()).collect()
            }
            /// A recorded code, whether or not the catalogue still lists it.
            pub fn from_stored(raw: String) -> Result<Self, String> {
                Ok(Self(intern(&catalogue().$list, raw)))
            }
            pub fn as_str(&self) -> &'static str {
                self.0
            }
            /// The catalogue's name for this code ("" for a code it does not list).
            pub fn name(&self) -> &'static str {
                entry_name(&catalogue().$list, self.0)
            }
            /// Whether the catalogue lists this code.
            pub fn is_known(&self) -> bool {
                find_code(&catalogue().$list, self.0).is_some()
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
        .find(|e| e.code == wanted)
        .map(|e| e.code.as_str())
}

/// The `&'static str` of a recorded code: the catalogue's own, else one kept for the life of
/// the process (codes the catalogue no longer lists; their number is bounded by the log).
fn intern(list: &'static [Entry], raw: String) -> &'static str {
    if let Some(e) = list.iter().find(|e| e.code == raw) {
        return e.code.as_str();
    }
    static OTHERS: LazyLock<Mutex<BTreeSet<&'static str>>> = LazyLock::new(Default::default);
    let mut others = OTHERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(kept) = others.get(raw.as_str()) {
        return kept;
    }
    let kept: &'static str = Box::leak(raw.into_boxed_str());
    others.insert(kept);
    kept
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
        reason!(
            "unknown-code",
            "unknown {what} `{value}`; expected one of {choices}",
            value = clip(raw),
            choices = known.join(", "),
        ),
    )
}

/// A pattern of this module, compiled. (They are constants, checked by the tests.)
fn rule(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).unwrap_or_else(|e| unreachable!("pattern {pattern}: {e}"))
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

/// An ISO 3166-1 alpha-3 country code, upper case (`KEN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 3]);

impl CountryCode {
    /// An upper-case code of the ISO 3166-1 list. (Pages upper-case what people type first.)
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let bytes = raw.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_uppercase) {
            return Err(FieldError::new(
                "country",
                reason!(
                    "not-a-country-code",
                    "`{value}` is not an ISO 3166-1 alpha-3 code",
                    value = clip(raw)
                ),
            ));
        }
        if country(raw).is_none() {
            return Err(FieldError::new(
                "country",
                reason!(
                    "not-a-country",
                    "`{value}` is not an ISO 3166-1 alpha-3 country",
                    value = raw
                ),
            ));
        }
        Ok(Self([bytes[0], bytes[1], bytes[2]]))
    }

    /// Every code of the list (the allowed values of a field).
    pub fn codes() -> Vec<&'static str> {
        crate::catalogue::countries()
            .iter()
            .map(|c| c.code.as_str())
            .collect()
    }

    /// A recorded code: three ASCII letters, whether or not ISO 3166-1 still lists them.
    pub fn from_stored(raw: String) -> Result<Self, String> {
        let upper = raw.to_ascii_uppercase();
        match upper.as_bytes() {
            [a, b, c] if upper.bytes().all(|b| b.is_ascii_uppercase()) => Ok(Self([*a, *b, *c])),
            _ => Err(format!(
                "`{}` is not a three-letter country code",
                clip(&raw)
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        // Built only from ASCII upper-case letters.
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
    /// `^[FO][1-9]\.[1-9][0-9]{0,3}$`: a principle, a dot, a number from 1 to 9999 without
    /// leading zeros.
    pub const PATTERN: &'static str = r"^[FO][1-9]\.[1-9][0-9]{0,3}$";

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        static RULE: LazyLock<regex::Regex> = LazyLock::new(|| rule(ProcessRef::PATTERN));
        if !RULE.is_match(raw) {
            return Err(FieldError::new(
                "process_refs",
                reason!(
                    "not-a-process-ref",
                    "`{value}` is not a process reference like `O3.7` (<principle>.<n>)",
                    value = clip(raw)
                ),
            ));
        }
        Ok(Self(raw.to_string()))
    }
    /// A recorded reference, as it was written.
    pub fn from_stored(raw: String) -> Result<Self, String> {
        Ok(Self(raw))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_serde!(ProcessRef);

/// An e-mail address in the common form every mail server takes: a dot-atom local part
/// (letters, digits and ``!#$%&'*+/=?^_`{|}~-``, dots only between them), `@`, and a domain of
/// at least two labels of letters, digits and inner hyphens; at most 254 characters. No
/// quoted local parts, comments or address literals: nothing that could inject a mail header or
/// that a mailer refuses. The domain is lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    pub const MAX: usize = 254;
    pub const PATTERN: &'static str = r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$";

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        static RULE: LazyLock<regex::Regex> = LazyLock::new(|| rule(Email::PATTERN));
        let err = |reason: Reason| FieldError::new("email", reason);
        if raw.is_empty() {
            return Err(err(reason!("empty", "must not be empty")));
        }
        if raw.chars().count() > Self::MAX {
            return Err(err(reason!(
                "too-long",
                "must be at most {max} characters",
                max = Self::MAX
            )));
        }
        let not_an_address = || {
            err(reason!(
                "not-an-email",
                "is not an e-mail address like name@example.org (letters, digits and .!#$%&'*+/=?^_`{{|}}~- before the @, a domain after it)"
            ))
        };
        if !RULE.is_match(raw) {
            return Err(not_an_address());
        }
        let (local, domain) = raw.split_once('@').ok_or_else(not_an_address)?;
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }
    /// A recorded address, as it was written.
    pub fn from_stored(raw: String) -> Result<Self, String> {
        Ok(Self(raw))
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
    /// No control character, and at least one character that is not a space.
    pub const PATTERN: &'static str =
        r"^[^\x00-\x1f\x7f-\x9f]*[^\x00-\x20\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$";

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::parse_field("title", raw)
    }

    /// Parse, naming `field` in the error. Spaces around the title are dropped.
    pub fn parse_field(field: &str, raw: &str) -> Result<Self, FieldError> {
        if raw.chars().count() > Self::MAX {
            return Err(FieldError::new(
                field,
                reason!(
                    "too-long",
                    "must be at most {max} characters",
                    max = Self::MAX
                ),
            ));
        }
        if raw.chars().any(char::is_control) {
            return Err(FieldError::new(
                field,
                reason!(
                    "not-one-line",
                    "must be a single line without control characters"
                ),
            ));
        }
        let s = raw.trim_matches(' ');
        if s.is_empty() {
            return Err(FieldError::new(
                field,
                reason!("empty", "must not be empty"),
            ));
        }
        Ok(Self(s.to_string()))
    }

    /// The same, blank allowed (an optional title or name).
    pub const OPTIONAL_PATTERN: &'static str = r"^[^\x00-\x1f\x7f-\x9f]*$";

    /// An optional title: absent or only spaces is `None`.
    pub fn parse_optional(field: &str, raw: Option<&str>) -> Result<Option<Self>, FieldError> {
        match raw {
            None => Ok(None),
            Some(s) if s.trim_matches(' ').is_empty() && s.chars().count() <= Self::MAX => Ok(None),
            Some(s) => Self::parse_field(field, s).map(Some),
        }
    }

    /// A recorded title, as it was written.
    pub fn from_stored(raw: String) -> Result<Self, String> {
        Ok(Self(raw))
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
    /// No control character but tab and line breaks, and at least one other character.
    pub const PATTERN: &'static str = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\x00-\x20\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$";
    /// The same, blank allowed (an optional text).
    pub const OPTIONAL_PATTERN: &'static str = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$";

    fn check(field: &str, raw: &str) -> Result<(), FieldError> {
        if raw.chars().count() > Self::MAX {
            return Err(FieldError::new(
                field,
                reason!(
                    "too-long",
                    "must be at most {max} characters",
                    max = Self::MAX
                ),
            ));
        }
        if raw
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(FieldError::new(
                field,
                reason!("control-characters", "contains control characters"),
            ));
        }
        Ok(())
    }

    fn blank(raw: &str) -> bool {
        raw.trim_matches([' ', '\t', '\n', '\r']).is_empty()
    }

    /// Parse non-empty text, naming `field` in the error. Blank lines and spaces around it are
    /// dropped; line breaks become `\n`.
    pub fn parse_field(field: &str, raw: &str) -> Result<Self, FieldError> {
        Self::check(field, raw)?;
        if Self::blank(raw) {
            return Err(FieldError::new(
                field,
                reason!("empty", "must not be empty"),
            ));
        }
        Ok(Self(
            raw.trim_matches([' ', '\t', '\n', '\r'])
                .replace("\r\n", "\n"),
        ))
    }

    /// Optional text: `None` and blank strings become `None`.
    pub fn parse_optional(field: &str, raw: Option<&str>) -> Result<Option<Self>, FieldError> {
        match raw {
            None => Ok(None),
            Some(s) => {
                Self::check(field, s)?;
                if Self::blank(s) {
                    Ok(None)
                } else {
                    Self::parse_field(field, s).map(Some)
                }
            }
        }
    }

    /// A recorded text, as it was written.
    pub fn from_stored(raw: String) -> Result<Self, String> {
        Ok(Self(raw))
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
            .ok_or_else(|| {
                FieldError::new(
                    "percent",
                    reason!("not-a-percent", "must be a whole number from 0 to 100"),
                )
            })
    }
    pub fn value(&self) -> u8 {
        self.0
    }
}

/// Read as recorded: any whole number a `u8` holds.
impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        u8::deserialize(d).map(Self)
    }
}

/// A link to evidence of an achievement: `http` or `https` only.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EvidenceUrl(String);

impl EvidenceUrl {
    pub const MAX: usize = 2000;
    /// `http` or `https`, a host name (labels of letters, digits and inner hyphens), an
    /// optional port, then any printable ASCII but space, `"`, `<` and `>`.
    pub const PATTERN: &'static str = r"^https?://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?([/?#][!#-;=?-~]*)?$";

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        static RULE: LazyLock<regex::Regex> = LazyLock::new(|| rule(EvidenceUrl::PATTERN));
        if raw.len() > Self::MAX {
            return Err(FieldError::new(
                "url",
                reason!(
                    "too-long",
                    "must be at most {max} characters",
                    max = Self::MAX
                ),
            ));
        }
        if !RULE.is_match(raw) {
            return Err(FieldError::new(
                "url",
                reason!(
                    "not-a-link",
                    "must be an http or https link like https://example.org/report.pdf"
                ),
            ));
        }
        Ok(Self(raw.to_string()))
    }
    /// A recorded link, as it was written.
    pub fn from_stored(raw: String) -> Result<Self, String> {
        Ok(Self(raw))
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

/// The SHA-256 of a document's bytes, 64 lowercase hexadecimal digits: the name it is stored
/// under, and what the ledger's chain covers of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha256(String);

impl Sha256 {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        if raw.len() == 64 && raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(Self(raw.to_string()))
        } else {
            Err(FieldError::new(
                "sha256",
                reason!("not-a-sha256", "must be 64 lowercase hexadecimal digits"),
            ))
        }
    }
    /// The hash of `digest`'s 32 bytes.
    pub fn of_digest(digest: &[u8; 32]) -> Self {
        Self(digest.iter().map(|b| format!("{b:02x}")).collect())
    }
    pub fn from_stored(raw: String) -> Result<Self, String> {
        Self::parse(&raw).map_err(|e| e.to_string())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_serde!(Sha256);

/// The kinds of document accepted as evidence, each named by its media type. Which kind a file
/// is, is judged from its bytes (never its name), at the edge that receives it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::VariantArray)]
pub enum DocumentType {
    #[serde(rename = "application/pdf")]
    Pdf,
    #[serde(rename = "image/png")]
    Png,
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/webp")]
    Webp,
    #[serde(rename = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    Docx,
    #[serde(rename = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    Xlsx,
    #[serde(rename = "application/vnd.openxmlformats-officedocument.presentationml.presentation")]
    Pptx,
    #[serde(rename = "application/vnd.oasis.opendocument.text")]
    Odt,
    #[serde(rename = "application/vnd.oasis.opendocument.spreadsheet")]
    Ods,
    #[serde(rename = "text/csv")]
    Csv,
    #[serde(rename = "text/plain")]
    Text,
}

impl DocumentType {
    pub const ALL: &'static [DocumentType] = <Self as strum::VariantArray>::VARIANTS;

    /// Its media type.
    pub fn media_type(self) -> &'static str {
        use DocumentType::*;
        match self {
            Pdf => "application/pdf",
            Png => "image/png",
            Jpeg => "image/jpeg",
            Webp => "image/webp",
            Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Pptx => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            Odt => "application/vnd.oasis.opendocument.text",
            Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Csv => "text/csv",
            Text => "text/plain",
        }
    }

    /// The usual ending of its files' names, without the dot (what people know it by).
    pub fn extension(self) -> &'static str {
        use DocumentType::*;
        match self {
            Pdf => "pdf",
            Png => "png",
            Jpeg => "jpg",
            Webp => "webp",
            Docx => "docx",
            Xlsx => "xlsx",
            Pptx => "pptx",
            Odt => "odt",
            Ods => "ods",
            Csv => "csv",
            Text => "txt",
        }
    }
}

/// A document's original file name, made harmless: the last segment of any path, without
/// control and invisible formatting characters (a right-to-left override turns `exe.pdf`
/// around) or the characters file systems and headers treat specially, without leading dots,
/// at most [`FileName::MAX`] characters — and ending in the extension of the type its bytes
/// were judged to be, whatever the sender called it. The name is only shown and offered when
/// the document is downloaded; the bytes are stored under their hash.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileName(String);

impl FileName {
    pub const MAX: usize = 120;

    /// The harmless form of `raw` for a document of type `kind`: its stem (`document` when
    /// nothing of it is left) and the type's extension.
    pub fn of_document(raw: &str, kind: DocumentType) -> Self {
        let extension = kind.extension();
        let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
        let cleaned: String = last
            .chars()
            .filter(|c| !c.is_control() && !is_format_character(*c))
            .map(|c| match c {
                '"' | '<' | '>' | ':' | '*' | '?' | '|' | ';' | '%' => '_',
                c => c,
            })
            .collect();
        // The sender's own extension goes: the type decides it.
        let stem = match cleaned.rsplit_once('.') {
            Some((stem, _)) => stem,
            None => cleaned.as_str(),
        };
        let stem: String = stem
            .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
            .trim_end_matches(|c: char| c == '.' || c.is_whitespace())
            .chars()
            .take(Self::MAX - extension.len() - 1)
            .collect();
        let stem = stem.trim_end_matches(|c: char| c == '.' || c.is_whitespace());
        let stem = if stem.is_empty() { "document" } else { stem };
        Self(format!("{stem}.{extension}"))
    }
    /// A recorded name, as it was recorded.
    pub fn from_stored(raw: String) -> Result<Self, String> {
        Ok(Self(raw))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_serde!(FileName);

/// Invisible characters that change how text around them is shown: bidirectional overrides,
/// embeddings and isolates, zero-width characters, the byte-order mark.
fn is_format_character(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// A document attached as evidence, as the ledger records it: the bytes are kept apart, in the
/// evidence store, under `sha256`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EvidenceFile {
    pub title: Title,
    pub sha256: Sha256,
    pub size: u64,
    pub media_type: DocumentType,
    pub file_name: FileName,
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
                    .map_err(|_| FieldError::new($field, $crate::reason!("not-an-id", "`{value}` is not a valid id", value = clip(raw))))
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
    raw.parse::<T>().map_err(|_| {
        let choices: Vec<&'static str> = T::VARIANTS.iter().map(|v| (*v).into()).collect();
        FieldError::new(
            field,
            reason!(
                "unknown-word",
                "unknown value `{value}`; expected one of {choices}",
                value = clip(raw),
                choices = choices.join(", "),
            ),
        )
    })
}

/// Parse a `YYYY-MM-DD` date (RFC 3339 `full-date`), naming the field.
pub fn parse_date(field: &str, raw: &str) -> Result<chrono::NaiveDate, FieldError> {
    let shaped = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shaped
        .then(|| chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| {
            FieldError::new(
                field,
                reason!(
                    "not-a-date",
                    "`{value}` is not a date like 2026-03-31",
                    value = clip(raw)
                ),
            )
        })
}

/// Parse one value with `parse`, reporting its failure under `field`.
pub fn parse_as<T>(
    field: &str,
    raw: &str,
    parse: impl Fn(&str) -> Result<T, FieldError>,
) -> Result<T, FieldError> {
    parse(raw).map_err(|e| e.at(field))
}

/// Parse every item of a list, naming the failing one as `field[i]`.
pub fn parse_each<T, S: AsRef<str>>(
    field: &str,
    raw: &[S],
    parse: impl Fn(&str) -> Result<T, FieldError>,
) -> Result<Vec<T>, FieldError> {
    raw.iter()
        .enumerate()
        .map(|(i, r)| parse(r.as_ref()).map_err(|e| e.at(format!("{field}[{i}]"))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_lists_name_the_failing_field() {
        assert_eq!(
            parse_date("due_on", "2026-03-31").unwrap().to_string(),
            "2026-03-31"
        );
        for bad in [
            " 2026-03-31",
            "2026-3-31",
            "+2026-03-31",
            "20260-03-31",
            "2026-03-31T00",
        ] {
            assert!(parse_date("due_on", bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_date("due_on", "2026-02-30").unwrap_err().field,
            "due_on"
        );
        let err = parse_each("principles", &["O3", "X9"], PrincipleCode::parse).unwrap_err();
        assert_eq!(err.field, "principles[1]");
        assert_eq!(
            parse_as("lead", "", Title::parse).unwrap_err().field,
            "lead"
        );
    }

    #[test]
    fn catalogue_codes_parse_and_unknown_codes_name_the_field() {
        assert_eq!(PrincipleCode::parse("O3").unwrap().as_str(), "O3");
        assert!(PrincipleCode::parse("f4").is_err());
        assert!(PrincipleCode::parse(" O3").is_err());
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
        assert!(CountryCode::parse("bra").is_err());
        assert!(CountryCode::parse(" BRA").is_err());
        assert_eq!(CountryCode::parse("ZAF").unwrap().name(), "South Africa");
        assert!(CountryCode::parse("XYZ").is_err());
        assert!(CountryCode::parse("KE").is_err());
        assert!(CountryCode::parse("K3N").is_err());
        assert!(CountryCode::parse("ÄBC").is_err());
    }

    #[test]
    fn process_references_need_an_existing_principle_and_a_positive_number() {
        assert_eq!(ProcessRef::parse("O3.7").unwrap().as_str(), "O3.7");
        assert_eq!(ProcessRef::parse("F4.9999").unwrap().as_str(), "F4.9999");
        for bad in [
            "O3", "O3.", "O3.0", "O3.07", "Z1.2", "O3.x", ".7", "O3.+7", "O3.7.1", "f4.9",
            "F4.10000", " O3.7", "O0.1",
        ] {
            assert!(ProcessRef::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn emails_refuse_header_injection_and_lower_case_the_domain() {
        assert_eq!(
            Email::parse("Ana@Example.ORG").unwrap().as_str(),
            "Ana@example.org"
        );
        assert!(Email::parse("o'brien+tag@sub.example.org").is_ok());
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
            " a@b.org",
            "a..b@x.org",
            ".a@x.org",
            "a.@x.org",
            "a@-x.org",
            "a@x-.org",
            "a@[127.0.0.1]",
            "é@x.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn titles_are_single_lines_of_bounded_length() {
        assert_eq!(Title::parse("  Data law  ").unwrap().as_str(), "Data law");
        assert!(Title::parse("").is_err());
        assert!(Title::parse("   ").is_err());
        assert!(Title::parse(&format!("{} ", "x".repeat(200))).is_err());
        assert_eq!(Title::parse_optional("name", Some("  ")).unwrap(), None);
        assert!(Title::parse_optional("name", Some("a\u{7}")).is_err());
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
    }

    #[test]
    fn evidence_links_are_http_or_https() {
        assert!(EvidenceUrl::parse("https://example.org/report.pdf").is_ok());
        assert!(EvidenceUrl::parse("javascript:alert(1)").is_err());
        assert!(EvidenceUrl::parse("ftp://example.org/x").is_err());
        assert!(EvidenceUrl::parse("not a url").is_err());
        assert!(EvidenceUrl::parse("https://example.org:8443/a?b=c#d").is_ok());
        assert!(EvidenceUrl::parse("https://exa mple.org/").is_err());
        assert!(EvidenceUrl::parse("https://example.org/<script>").is_err());
    }

    #[test]
    fn recorded_values_load_even_where_the_input_rules_would_refuse_them() {
        // What the log holds was valid when written; a rule tightened since must not hide it.
        let c: CountryCode = serde_json::from_str("\"ANT\"").unwrap();
        assert_eq!(c.as_str(), "ANT");
        assert!(CountryCode::parse("ANT").is_err());
        assert!(serde_json::from_str::<CountryCode>("\"KENYA\"").is_err());
        let p: PrincipleCode = serde_json::from_str("\"O10\"").unwrap();
        assert_eq!(p.as_str(), "O10");
        assert!(!p.is_known() && p.name().is_empty());
        let again: PrincipleCode = serde_json::from_str("\"O10\"").unwrap();
        assert_eq!(p, again);
        assert!(PrincipleCode::parse("O3").unwrap().is_known());
        let long: Title = serde_json::from_value(serde_json::json!("x".repeat(300))).unwrap();
        assert_eq!(long.as_str().len(), 300);
        let percent: Percent = serde_json::from_str("150").unwrap();
        assert_eq!(percent.value(), 150);
        let email: Email = serde_json::from_str("\"a..b@x.org\"").unwrap();
        assert_eq!(email.as_str(), "a..b@x.org");
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

    /// The published patterns (OpenAPI) and the parsers agree on every input: what the pattern
    /// and the length bound accept is accepted, and nothing else.
    mod patterns_agree_with_parse {
        use proptest::prelude::*;

        use super::*;

        fn matches(pattern: &str, raw: &str) -> bool {
            regex::Regex::new(pattern).unwrap().is_match(raw)
        }

        /// Strings of characters that the rules treat differently.
        fn tricky(max: usize) -> impl Strategy<Value = String> {
            let chars = prop_oneof![
                Just(' '),
                Just('\t'),
                Just('\n'),
                Just('\r'),
                Just('\u{0}'),
                Just('\u{7f}'),
                Just('\u{85}'),
                Just('\u{a0}'),
                Just('\u{3000}'),
                Just('é'),
                Just('a'),
                Just('Z'),
                Just('0'),
                Just('.'),
                Just('@'),
                Just('-'),
                Just(':'),
                Just('/'),
                Just('?'),
                Just('#'),
                Just('<'),
                Just('"'),
                Just('+'),
                Just('_'),
                Just('%'),
                any::<char>(),
            ];
            proptest::collection::vec(chars, 0..max).prop_map(|v| v.into_iter().collect())
        }

        proptest! {
            #[test]
            fn titles(raw in tricky(12)) {
                prop_assert_eq!(
                    Title::parse(&raw).is_ok(),
                    matches(Title::PATTERN, &raw) && raw.chars().count() <= Title::MAX
                );
                prop_assert_eq!(
                    Title::parse_optional("name", Some(&raw)).is_ok(),
                    matches(Title::OPTIONAL_PATTERN, &raw) && raw.chars().count() <= Title::MAX
                );
            }

            #[test]
            fn texts(raw in tricky(12)) {
                prop_assert_eq!(
                    Text::parse_field("note", &raw).is_ok(),
                    matches(Text::PATTERN, &raw) && raw.chars().count() <= Text::MAX
                );
                prop_assert_eq!(
                    Text::parse_optional("note", Some(&raw)).is_ok(),
                    matches(Text::OPTIONAL_PATTERN, &raw) && raw.chars().count() <= Text::MAX
                );
            }

            #[test]
            fn emails(raw in prop_oneof![tricky(16), "[a-z.+]{1,6}@[a-z0-9.-]{1,8}"]) {
                prop_assert_eq!(
                    Email::parse(&raw).is_ok(),
                    matches(Email::PATTERN, &raw) && raw.chars().count() <= Email::MAX
                );
            }

            #[test]
            fn evidence_links(raw in prop_oneof![tricky(16), "https?://[a-z0-9.-]{1,8}(:[0-9]{1,6})?[/?#a-z<\"]{0,5}"]) {
                prop_assert_eq!(
                    EvidenceUrl::parse(&raw).is_ok(),
                    matches(EvidenceUrl::PATTERN, &raw) && raw.len() <= EvidenceUrl::MAX
                );
            }

            #[test]
            fn process_references(raw in prop_oneof![tricky(6), "[FOX][0-9]{1,2}[.][0-9]{1,5}"]) {
                prop_assert_eq!(ProcessRef::parse(&raw).is_ok(), matches(ProcessRef::PATTERN, &raw));
            }
        }

        #[test]
        fn the_bounds_are_counted_in_characters() {
            let at_max = "é".repeat(Title::MAX);
            assert!(Title::parse(&at_max).is_ok());
            assert!(Title::parse(&format!("{at_max}é")).is_err());
            assert!(Text::parse_optional("note", Some(&" ".repeat(Text::MAX + 1))).is_err());
        }
    }
}
