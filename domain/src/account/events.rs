use serde::{Deserialize, Serialize};

use crate::subscriber::Language;
use crate::values::{CountryCode, Email, Role, Title};

/// What happened to an account.
#[derive(
    Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantNames,
)]
pub enum AccountEvent {
    AccountCreated {
        email: Email,
        name: Title,
        role: Role,
        #[serde(default)]
        countries: Vec<CountryCode>,
    },
    RoleChanged {
        from: Role,
        to: Role,
    },
    CountriesGranted {
        countries: Vec<CountryCode>,
    },
    CountriesRevoked {
        countries: Vec<CountryCode>,
    },
    /// A new password. Tokens issued before it stop working.
    PasswordSet {
        password_hash: String,
    },
    /// Tokens issued before this stop working.
    TokensRevoked,
    LanguageSet {
        language: Language,
    },
    AccountDisabled,
}
