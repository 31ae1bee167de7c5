//! The one error type of the use cases. Every channel maps it to its own answer (an HTTP
//! status, a page message, a command-line error), one answer per variant.

use safeguards_domain::reason::Reason;
use safeguards_domain::values::FieldError;
use safeguards_domain::DomainError;
use safeguards_infra::{CommandError, ReadError};

/// Why a use case did not do what was asked. In every case nothing was recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    /// A value is invalid: the field and the reason.
    #[error("{0}")]
    Invalid(FieldError),
    /// No valid credentials or token.
    #[error("unknown e-mail or wrong password, or an expired token")]
    Unauthorized,
    /// The caller may not do this (here).
    #[error("{0}")]
    Forbidden(Reason),
    /// What the request names does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request contradicts the current state: a duplicate, an illegal transition.
    #[error("{0}")]
    Conflict(Reason),
    /// The caller's version (`If-Match`) is not the current one.
    #[error("the version given is {expected}, but the current version is {actual}")]
    Stale { expected: u64, actual: u64 },
    /// A file larger than this many bytes.
    #[error("the file is larger than {max} bytes")]
    TooLarge { max: u64 },
    /// A file of a kind not taken here.
    #[error("{0}")]
    Unsupported(Reason),
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts; try again in {retry_after} s")]
    TooMany { retry_after: u64 },
    /// The store cannot be reached, or is too far behind to decide; try again shortly.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// A fault of the server, not of the request.
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn invalid(field: &str, reason: Reason) -> Self {
        Self::Invalid(FieldError::new(field, reason))
    }
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }
    pub fn conflict(why: Reason) -> Self {
        Self::Conflict(why)
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        Self::Invalid(e)
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(f) => Self::Invalid(f),
            DomainError::Conflict(d) => Self::Conflict(d),
            DomainError::NotFound(d) => Self::NotFound(d),
            DomainError::Forbidden(d) => Self::Forbidden(d),
        }
    }
}

impl From<CommandError> for AppError {
    fn from(e: CommandError) -> Self {
        match e {
            CommandError::Domain(d) => d.into(),
            CommandError::StaleVersion { expected, actual } => Self::Stale { expected, actual },
            CommandError::Conflict => Self::Conflict(safeguards_domain::reason!(
                "kept-changing",
                "the resource kept changing concurrently; retry the request"
            )),
            CommandError::Unavailable(d) => Self::Unavailable(d),
            CommandError::Internal(d) => Self::Internal(d),
        }
    }
}

impl From<ReadError> for AppError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Unavailable(d) => Self::Unavailable(d),
            ReadError::Corrupt(d) => Self::Internal(d),
        }
    }
}

impl From<safeguards_digest::DigestError> for AppError {
    fn from(e: safeguards_digest::DigestError) -> Self {
        use safeguards_digest::DigestError as D;
        match e {
            D::Command(c) => c.into(),
            D::Read(r) => r.into(),
            other => Self::Internal(other.to_string()),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
