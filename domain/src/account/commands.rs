use crate::subscriber::Language;
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
    ChangeRole {
        role: Role,
        countries: Option<Vec<CountryCode>>,
    },
    SetPassword {
        password_hash: String,
    },
    /// The language of the pages for this account.
    SetLanguage {
        language: Language,
    },
    Disable,
}
