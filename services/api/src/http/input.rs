//! What people send, as typed by them, and its one parse into the use cases' values — shared by
//! the JSON routes and the page forms, which differ only in how the text arrives.

use safeguards_app::engagements::Activity;
use safeguards_domain::commitment::CommitmentFields;
use safeguards_domain::values::{
    parse_as, parse_date, parse_word, AuthorityCode, DpiSystemType, FieldError, PrincipleCode,
    ProcessRef, RiskCode, StageCode, Text, Title,
};

use crate::api::schema::{list, max};

/// A new commitment, as typed.
#[derive(Debug, Clone, Copy)]
pub struct CommitmentInput<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub principles: &'a [String],
    pub risks: &'a [String],
    pub authority: &'a str,
    pub stage: &'a str,
    pub dpi_system: Option<&'a str>,
    pub process_refs: &'a [String],
    pub due_on: &'a str,
}

/// A commitment's principles: at least one, each of the catalogue.
pub fn principles(raw: &[String]) -> Result<Vec<PrincipleCode>, FieldError> {
    if raw.is_empty() {
        return Err(FieldError::new(
            "principles",
            safeguards_domain::reason!(
                "commitment-needs-least-one-principle",
                "a commitment needs at least one principle"
            ),
        ));
    }
    list("principles", raw, max::PRINCIPLES, PrincipleCode::parse)
}

impl CommitmentInput<'_> {
    pub fn parse(self) -> Result<CommitmentFields, FieldError> {
        Ok(CommitmentFields {
            title: Title::parse(self.title)?,
            description: Text::parse_optional("description", self.description)?,
            principles: principles(self.principles)?,
            risks: list("risks", self.risks, max::RISKS, RiskCode::parse)?,
            authority: parse_as("authority", self.authority, AuthorityCode::parse)?,
            stage: parse_as("stage", self.stage, StageCode::parse)?,
            dpi_system: self
                .dpi_system
                .map(|d| parse_as("dpi_system", d, DpiSystemType::parse))
                .transpose()?,
            process_refs: list(
                "process_refs",
                self.process_refs,
                max::PROCESS_REFS,
                ProcessRef::parse,
            )?,
            due_on: parse_date("due_on", self.due_on)?,
        })
    }
}

/// An activity of an engagement, as typed.
#[derive(Debug, Clone, Copy)]
pub struct ActivityInput<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub held_on: &'a str,
    pub authorities: &'a [String],
    pub note: Option<&'a str>,
}

impl ActivityInput<'_> {
    pub fn parse(self) -> Result<Activity, FieldError> {
        Ok(Activity {
            kind: parse_word("kind", self.kind)?,
            title: Title::parse(self.title)?,
            held_on: parse_date("held_on", self.held_on)?,
            authorities: list(
                "authorities",
                self.authorities,
                max::AUTHORITIES,
                AuthorityCode::parse,
            )?,
            note: Text::parse_optional("note", self.note)?,
        })
    }
}
