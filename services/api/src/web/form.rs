//! The model of a page's forms: their fields, the forms of a page and what the last one came
//! to (done, or refused with the user's input kept), a form's fields as posted, and the page's
//! query values.

use std::collections::BTreeMap;

use axum::http::request::Parts;
use axum::http::StatusCode;
use safeguards_app::{AppError, Principal};
use safeguards_domain::subscriber::Language;
use strum::VariantArray;

use super::i18n::Texts;

/// One choice of a drop-down list or a group of checkboxes: the value sent, the label shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Choice {
    pub value: String,
    pub label: String,
}

/// One of a set of choices shown with its state: the value sent, the label shown, and whether
/// it is chosen (or ticked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Pick {
    pub value: &'static str,
    pub label: &'static str,
    pub chosen: bool,
}

/// The languages of the pages and mails, `chosen` chosen.
pub(super) fn language_picks(chosen: Language) -> Vec<Pick> {
    Language::VARIANTS
        .iter()
        .map(|&l| Pick {
            value: l.into(),
            label: super::i18n::texts(l).language_name,
            chosen: l == chosen,
        })
        .collect()
}

/// A hidden field of a form.
#[derive(Debug, Clone)]
pub(super) struct Hidden {
    pub name: &'static str,
    pub value: String,
}

/// A line of a page's error summary: the field (or form) it leads to, and the message.
#[derive(Debug, Clone)]
pub(super) struct ErrorLine {
    pub target: String,
    pub message: String,
}

/// One field of a form: its name, label and input type, whether it must be filled, the value
/// it shows and, when the form was refused for it, its message.
pub(super) struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub required: bool,
    pub value: String,
    pub error: Option<String>,
    /// The choices of a drop-down list (value, label); empty for a text input.
    pub options: Vec<Choice>,
}

impl Field {
    pub(super) fn new(name: &'static str, label: &'static str, kind: &'static str) -> Self {
        Self {
            name,
            label,
            kind,
            required: true,
            value: String::new(),
            error: None,
            options: Vec::new(),
        }
    }
    /// Whether `option` is among the values (a group of checkboxes keeps them comma-separated).
    pub(super) fn checked(&self, option: &str) -> bool {
        self.value.split(',').any(|v| v == option)
    }
    /// A drop-down list of `options` (value, label); checkboxes when the kind is `checkboxes`.
    pub(super) fn choices(self, options: Vec<(String, String)>) -> Self {
        let options = options
            .into_iter()
            .map(|(value, label)| Choice { value, label })
            .collect();
        Self { options, ..self }
    }
    pub(super) fn optional(self) -> Self {
        Self {
            required: false,
            ..self
        }
    }
    pub(super) fn with_value(self, value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            ..self
        }
    }
}

/// A form of one action: posted to `<target>/<action>`, with its fields and button.
pub(super) struct FormView {
    /// The path after the page's base: a word (`progress`), or an id and a word (`<id>/role`).
    pub action: String,
    pub label: &'static str,
    pub fields: Vec<Field>,
    /// A lesser action: shown folded, with a plain button.
    pub secondary: bool,
    /// Hidden fields beyond the CSRF token and the version: (name, value).
    pub hidden: Vec<Hidden>,
    /// A form that sends a file (its field of kind `file`): what it accepts, and the words
    /// that say so before a file is chosen.
    pub upload: Option<UploadHint>,
}

/// What a file field accepts (`accept`: the names' endings, as a hint to the file chooser; the
/// server judges the bytes), and the sentence shown under it.
pub(super) struct UploadHint {
    pub accept: String,
    pub hint: String,
}

impl FormView {
    pub(super) fn new(action: impl Into<String>, label: &'static str, fields: Vec<Field>) -> Self {
        Self {
            action: action.into(),
            label,
            fields,
            secondary: false,
            hidden: Vec::new(),
            upload: None,
        }
    }
    /// A form that sends a file.
    pub(super) fn with_upload(self, upload: UploadHint) -> Self {
        Self {
            upload: Some(upload),
            ..self
        }
    }
    pub(super) fn with_hidden(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.hidden.push(Hidden {
            name,
            value: value.into(),
        });
        self
    }
    pub(super) fn secondary(self) -> Self {
        Self {
            secondary: true,
            ..self
        }
    }
    /// Whether the form was refused for one of its fields.
    pub(super) fn has_error(&self) -> bool {
        self.fields.iter().any(|f| f.error.is_some())
    }
}

/// Who looks at a page with forms, and the CSRF token of their session.
pub(super) struct Viewer<'a> {
    pub t: &'static Texts,
    pub who: &'a Principal,
    pub csrf: String,
}

/// A form that was refused: its action, the field at fault (if any) and the message, and what
/// the user had typed.
pub(super) struct Refused<'a> {
    pub action: &'a str,
    pub field: Option<String>,
    pub message: String,
    pub typed: &'a FormFields,
}

/// What a form's refusal shows: its status, the field at fault (if any) and the reason.
pub(super) type Refusal = (StatusCode, Option<String>, String);

impl Refused<'_> {
    /// A use case's refusal as a form's; an error that is not the form's fault (something that
    /// does not exist, a failure of the server's) is given back.
    pub(super) fn reason(t: &'static Texts, e: AppError) -> Result<Refusal, AppError> {
        let said = t.refusal(&e);
        Ok(match e {
            AppError::Invalid(f) => (StatusCode::UNPROCESSABLE_ENTITY, Some(f.field), said),
            AppError::Stale { .. } | AppError::Conflict(_) => (StatusCode::CONFLICT, None, said),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, None, said),
            AppError::TooMany { .. } => (StatusCode::TOO_MANY_REQUESTS, None, said),
            AppError::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, Some("file".into()), said),
            AppError::Unsupported(_) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Some("file".into()),
                said,
            ),
            other => return Err(other),
        })
    }

    /// Put the refusal on the page's forms: the user's input back in the form, the message next
    /// to the field at fault. Returns the line of the error summary.
    pub(super) fn apply(self, forms: &mut [FormView]) -> ErrorLine {
        let Some(form) = forms.iter_mut().find(|f| f.action == self.action) else {
            return ErrorLine {
                target: "#actions".to_string(),
                message: self.message,
            };
        };
        let mut line = ErrorLine {
            target: format!("#do-{}", self.action),
            message: self.message.clone(),
        };
        let action = form.action.clone();
        for f in &mut form.fields {
            f.value = self.typed.get(f.name).cloned().unwrap_or_default();
            // `principles[2]` is a value of the field `principles`.
            let at_fault = self
                .field
                .as_deref()
                .and_then(|n| n.split(['[', '.']).next());
            if at_fault == Some(f.name) {
                f.error = Some(self.message.clone());
                line = ErrorLine {
                    target: format!("#{action}-{}", f.name),
                    message: format!("{}: {}", f.label, self.message),
                };
            }
        }
        line
    }
}

/// The forms of a page that has actions, and what the last one came to: the confirmation of an
/// action done, or the error summary of a refused form.
pub(super) struct PageForms {
    pub actions: Vec<FormView>,
    pub csrf: String,
    /// The confirmation of the action just done (its label).
    pub done: Option<&'static str>,
    /// The error summary: (link to the field, message).
    pub errors: Vec<ErrorLine>,
}

impl PageForms {
    pub(super) fn new(
        viewer: &Viewer<'_>,
        mut actions: Vec<FormView>,
        done: Option<&'static str>,
        refused: Option<Refused<'_>>,
    ) -> Self {
        let errors = refused.map(|r| r.apply(&mut actions)).into_iter().collect();
        Self {
            actions,
            csrf: viewer.csrf.clone(),
            done,
            errors,
        }
    }
}

/// The value of `key` in the page's query; `None` when absent or empty.
pub(super) fn query_value(parts: &Parts, key: &str) -> Option<String> {
    url::form_urlencoded::parse(parts.uri.query()?.as_bytes())
        .find(|(k, v)| k == key && !v.is_empty())
        .map(|(_, v)| v.into_owned())
}

/// The `?done=` of a page reached after a form's command.
pub(super) fn done_query(parts: &Parts) -> Option<String> {
    query_value(parts, "done")
}

/// The page number asked for in `?page=` (1 when absent or not a number).
pub(super) fn page_number(parts: &Parts) -> usize {
    query_value(parts, "page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1)
}

/// The items typed in one field, separated by commas or spaces ("KEN, UGA", "F8.1 O3.7").
pub(super) fn items(raw: &str) -> Vec<String> {
    raw.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|i| !i.is_empty())
        .map(str::to_string)
        .collect()
}

/// A form's fields, as posted.
pub(super) type FormFields = BTreeMap<String, String>;

/// A form's fields with the repeated ones (a group of checkboxes) kept: `Form<Posted>`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(transparent)]
pub(super) struct Posted(Vec<(String, String)>);

impl Posted {
    /// The first value of `key`, as typed ("" when absent).
    pub(super) fn one(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }
    /// The fields as a form of single values: a repeated key's values joined by commas.
    pub(super) fn fields(&self) -> FormFields {
        let mut fields = FormFields::new();
        for (k, v) in &self.0 {
            fields
                .entry(k.clone())
                .and_modify(|all: &mut String| {
                    all.push(',');
                    all.push_str(v);
                })
                .or_insert_with(|| v.clone());
        }
        fields
    }
    /// Every value of `key`, trimmed, blanks left out.
    pub(super) fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect()
    }
}

/// A form field as typed, trimmed; `None` when absent or blank.
pub(super) fn form_text(form: &FormFields, key: &str) -> Option<String> {
    form.get(key)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}
