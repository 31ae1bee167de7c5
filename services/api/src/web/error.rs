//! [`PageError`]: every page that says what went wrong — a heading, one sentence and a way
//! back, in the visitor's language — and the one mapping of a use case's refusal to such a page.

use askama::Template;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use safeguards_app::AppError;

use super::i18n::{self, Texts};
use super::render;
use crate::http::error::ApiError;

/// A page that says what went wrong.
#[derive(Debug)]
pub(super) struct PageError {
    t: &'static Texts,
    status: StatusCode,
    user: Option<String>,
    heading: &'static str,
    text: String,
    /// A link back: (target, label).
    back: Option<(String, &'static str)>,
}

impl PageError {
    /// A page with `status` and `heading`; its sentence is the heading until [`Self::text`].
    pub fn new(t: &'static Texts, status: StatusCode, heading: &'static str) -> Self {
        Self {
            t,
            status,
            user: None,
            heading,
            text: heading.to_string(),
            back: None,
        }
    }
    /// The page of something that does not exist, with a link to the start page.
    pub fn not_found(t: &'static Texts, user: Option<String>, text: &str) -> Self {
        Self::new(t, StatusCode::NOT_FOUND, t.no_such)
            .user(user)
            .text(text)
            .back("/", t.back)
    }
    /// The page of a form whose token is not the session's (another site's, or an old page's).
    pub fn form_expired(t: &'static Texts, user: Option<String>) -> Self {
        Self::new(t, StatusCode::FORBIDDEN, t.form_expired)
            .user(user)
            .back("/", t.back)
    }
    /// The page of a use case's refusal: its status and reason.
    pub fn failed(t: &'static Texts, user: Option<String>, e: AppError) -> Self {
        let text = t.refusal(&e);
        let e = ApiError::from(e);
        Self::new(t, e.status, t.failed).user(user).text(text)
    }
    /// The page of an upload larger than the tracker takes, answered before it is read.
    pub fn too_large(parts: &Parts) -> Self {
        let t = i18n::texts(i18n::language(parts).0);
        let back = parts.uri.path().trim_end_matches("/confirm").to_string();
        Self::new(t, StatusCode::PAYLOAD_TOO_LARGE, t.there_is_a_problem)
            .text(t.sh.too_large)
            .back(back, t.sh.again)
    }
    pub fn user(self, user: Option<String>) -> Self {
        Self { user, ..self }
    }
    pub fn text(self, text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..self
        }
    }
    pub fn back(self, target: impl Into<String>, label: &'static str) -> Self {
        Self {
            back: Some((target.into(), label)),
            ..self
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    t: &'static Texts,
    user: Option<String>,
    heading: &'a str,
    text: &'a str,
    back: Option<(&'a str, &'a str)>,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        render(
            self.status,
            MessagePage {
                t: self.t,
                user: self.user,
                heading: self.heading,
                text: &self.text,
                back: self.back.as_ref().map(|(to, label)| (to.as_str(), *label)),
            },
        )
    }
}
