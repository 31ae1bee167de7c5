//! The framework's reference catalogue (SPEC §1) and the ISO 3166-1 alpha-3 country list.
//!
//! Both are shipped as JSON files in `domain/data/`, compiled into the binary and parsed once.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// One coded entry of the catalogue, e.g. `O3 Ensure data privacy by design`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub code: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The name is the tracker's translation of the framework's (English) wording, not an
    /// official one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub translated: bool,
}

/// The Universal DPI Safeguards Framework's vocabulary, versioned by `framework_version`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Catalogue {
    pub framework_version: String,
    pub principles: Vec<Entry>,
    pub stages: Vec<Entry>,
    pub authorities: Vec<Entry>,
    pub risks: Vec<Entry>,
    pub dpi_system_types: Vec<Entry>,
    pub activity_kinds: Vec<String>,
    pub engagement_statuses: Vec<String>,
    pub milestone_statuses: Vec<String>,
    pub roles: Vec<String>,
    pub process_reference_pattern: String,
}

/// A country of ISO 3166-1.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Country {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
struct CountryFile {
    countries: Vec<Country>,
}

#[allow(clippy::expect_used)] // shipped data, checked by the tests below
static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../data/catalogue.json")).expect("catalogue.json parses")
});

#[allow(clippy::expect_used)] // shipped data, checked by the tests below
static COUNTRIES: LazyLock<(Vec<Country>, HashMap<String, usize>)> = LazyLock::new(|| {
    let file: CountryFile = serde_json::from_str(include_str!("../data/countries.json"))
        .expect("countries.json parses");
    let index = file
        .countries
        .iter()
        .enumerate()
        .map(|(i, c)| (c.code.clone(), i))
        .collect();
    (file.countries, index)
});

/// The framework catalogue.
pub fn catalogue() -> &'static Catalogue {
    &CATALOGUE
}

/// Every ISO 3166-1 alpha-3 country, ordered by code.
pub fn countries() -> &'static [Country] {
    &COUNTRIES.0
}

/// The country with this upper-case alpha-3 code, if ISO 3166-1 knows it.
pub fn country(code: &str) -> Option<&'static Country> {
    COUNTRIES.1.get(code).map(|&i| &COUNTRIES.0[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_has_the_framework_counts() {
        let c = catalogue();
        assert_eq!(c.framework_version, "1.0");
        assert_eq!(c.principles.len(), 18);
        assert_eq!(c.stages.len(), 5);
        assert_eq!(c.authorities.len(), 5);
        assert_eq!(c.risks.len(), 13);
        assert_eq!(c.dpi_system_types.len(), 5);
    }

    #[test]
    fn the_country_list_is_iso_3166_alpha_3() {
        assert!(countries().len() >= 249);
        assert!(countries()
            .iter()
            .all(|c| c.code.len() == 3 && c.code.chars().all(|ch| ch.is_ascii_uppercase())));
        assert_eq!(country("KEN").map(|c| c.name.as_str()), Some("Kenya"));
        assert!(country("XXX").is_none());
    }
}
