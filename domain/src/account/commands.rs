use crate::subscriber::{Digits, Language};
use crate::values::{CountryCode, Email, Role, Title};

/// What may be asked of an account. Password hashes arrive already hashed (argon2id, PHC form).
#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum AccountCommand {
    Create {
        email: Email,
        name: Title,
        role: Role,
        countries: Vec<CountryCode>,
        password_hash: Option<String>,
    },
    /// Create an account with a password made for it, which must be changed at the first
    /// sign-in.
    CreateWithOneTimePassword {
        email: Email,
        name: Title,
        role: Role,
        countries: Vec<CountryCode>,
        password_hash: String,
    },
    ChangeRole {
        role: Role,
        countries: Option<Vec<CountryCode>>,
    },
    /// Let the account act in these countries too (a focal point assigned to an engagement).
    GrantCountries {
        countries: Vec<CountryCode>,
    },
    /// No longer let the account act in these countries.
    RevokeCountries {
        countries: Vec<CountryCode>,
    },
    /// A new password; every token issued before stops working.
    SetPassword {
        password_hash: String,
    },
    /// Every token issued so far stops working (signing out everywhere).
    RevokeTokens,
    /// The language of the pages for this account.
    SetLanguage {
        language: Language,
        digits: Digits,
    },
    Disable,
    /// A disabled account may sign in again; tokens issued before stay ended.
    Enable,
    /// A second factor, its secret stored under `key`, was confirmed by a code.
    EnrolSecondFactor {
        key: String,
    },
    /// A recovery code was used (it was taken from the stored ones already).
    UseRecoveryCode,
    /// Remove the second factor (an admin, saying why).
    ResetSecondFactor {
        reason: Title,
    },
    /// The provider vouched for the account: link it, unless it is linked already.
    LinkOrganisation {
        issuer: String,
        subject: String,
    },
    UnlinkOrganisation,
    SetOrganisationOnly {
        only: bool,
    },
}
