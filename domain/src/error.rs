//! The one error type of the domain's rules.

use crate::reason::Reason;
use crate::values::FieldError;

/// Why a command was refused. Each variant maps to one HTTP status at the edge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A field is invalid (422): the field and the reason.
    #[error("{0}")]
    Invalid(#[from] FieldError),
    /// The command contradicts the aggregate's state: a duplicate or an illegal transition (409).
    #[error("{0}")]
    Conflict(Reason),
    /// The aggregate, or the part of it the command names, does not exist (404).
    #[error("{0}")]
    NotFound(String),
    /// A rule forbids this actor from doing this (403).
    #[error("{0}")]
    Forbidden(Reason),
}

impl DomainError {
    pub fn conflict(why: Reason) -> Self {
        Self::Conflict(why)
    }
    pub fn not_found(msg: impl Into<String>) -> Self {
        Self::NotFound(msg.into())
    }
    pub fn invalid(field: &str, reason: Reason) -> Self {
        Self::Invalid(FieldError::new(field, reason))
    }
}

/// The outcome of deciding a command: the events to record.
pub type Decision<E> = Result<Vec<E>, DomainError>;
