use serde::{Deserialize, Serialize};

use crate::subscriber::{Digits, Language};
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
    /// The password just set was made for the account: it must be changed at the next sign-in
    /// (a later `PasswordSet` ends the requirement).
    PasswordChangeRequired,
    /// Tokens issued before this stop working.
    TokensRevoked,
    LanguageSet {
        language: Language,
        /// The digits of its pages (Arabic only); recorded only when not Latin.
        #[serde(default, skip_serializing_if = "Digits::is_latin")]
        digits: Digits,
    },
    AccountDisabled,
    /// The account may sign in again. Tokens issued before it stay ended.
    AccountEnabled,
    /// A second factor (TOTP) was enrolled. Its secret and recovery codes are kept outside the
    /// log, under `key`: a secret stored under another key is not the account's.
    SecondFactorEnrolled {
        key: String,
    },
    /// A one-use recovery code stood in for a code.
    RecoveryCodeUsed,
    /// An admin removed the account's second factor (a lost phone); it may enrol again.
    SecondFactorReset {
        reason: Title,
    },
    /// The first sign-in through the organisation's identity provider tied the account to
    /// the provider's `issuer` and its `subject` there: from now on the link decides.
    OrganisationLinked {
        issuer: String,
        subject: String,
    },
    /// An admin untied the account from the provider.
    OrganisationUnlinked,
    /// An admin made the account sign in only through the organisation (`only`: its password
    /// stops working) or let its password work again.
    OrganisationOnlySet {
        only: bool,
    },
}
