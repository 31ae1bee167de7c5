//! Signing in and out of the pages.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use safeguards_app::accounts::SignedIn;
use safeguards_app::{accounts, AppError};
use safeguards_domain::values::Role;

use super::session::{to_login, without_session};
use super::{local_path, message, render, with_session, FormToken, PageError, Visit};
use crate::http::extract::correlation_id;
use crate::web::i18n::{self, Texts};
use crate::AppState;

/// The cookie that carries the sign-in form's CSRF token.
const LOGIN_FORM: FormToken = FormToken {
    form: "sg_login",
    path: "/login",
};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: &'static Texts,
    user: Option<String>,
    csrf: String,
    error: Option<String>,
    /// The page to go to once signed in.
    next: Option<String>,
    /// The button of the organisation's sign-in, where it is set up.
    organisation: Option<String>,
}

fn login_page_with(
    state: &AppState,
    t: &'static Texts,
    error: Option<String>,
    status: StatusCode,
    next: Option<&str>,
) -> Response {
    let organisation = safeguards_app::organisation::offered(&state.app).map(|label| match label {
        Some(label) => label.to_string(),
        None => t.sign_in_with(t.sign_in_organisation),
    });
    LOGIN_FORM.issue(|csrf| {
        render(
            status,
            LoginPage {
                t,
                user: None,
                csrf: csrf.to_string(),
                error,
                next: next.and_then(local_path).map(str::to_string),
                organisation,
            },
        )
    })
}

/// `GET /login`.
pub async fn login_page(State(state): State<AppState>, parts: Parts) -> Response {
    let (lang, chosen) = i18n::language(&parts);
    let next = super::query_value(&parts, "next");
    i18n::remember(
        login_page_with(
            &state,
            i18n::texts(lang),
            None,
            StatusCode::OK,
            next.as_deref(),
        ),
        lang,
        chosen,
    )
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    t: &'static Texts,
    user: Option<String>,
    csrf: String,
    error: Option<String>,
    ticket: String,
    next: Option<String>,
}

fn code_page(
    t: &'static Texts,
    ticket: String,
    error: Option<String>,
    status: StatusCode,
    next: &str,
) -> Response {
    LOGIN_FORM.issue(|csrf| {
        render(
            status,
            CodePage {
                t,
                user: None,
                csrf: csrf.to_string(),
                error,
                ticket,
                next: local_path(next).map(str::to_string),
            },
        )
    })
}

/// A sign-in that failed for another reason than the credentials (the store unavailable, a
/// step refused), as a page under `heading` that leads back to signing in.
fn failed(t: &'static Texts, heading: &'static str, e: AppError) -> Response {
    let e = crate::http::error::ApiError::from(e);
    message(
        t,
        e.status,
        None,
        heading,
        &t.api_refusal(&e),
        Some(("/login", t.back)),
    )
}

/// Why a posted sign-in form may not be checked, as a page: past the sign-in rate limit, or
/// without the token of the form this browser was given. `None`: it may.
fn refusal(
    state: &AppState,
    parts: &Parts,
    t: &'static Texts,
    csrf: &str,
    next: &str,
) -> Option<Response> {
    if let Err(e) = state.limits.check_sign_in(parts) {
        return Some(message(
            t,
            StatusCode::TOO_MANY_REQUESTS,
            None,
            t.too_many,
            &t.api_refusal(&e),
            Some(("/login", t.back)),
        ));
    }
    if !LOGIN_FORM.matches(parts, csrf) {
        return Some(login_page_with(
            state,
            t,
            Some(t.form_expired.into()),
            StatusCode::FORBIDDEN,
            Some(next),
        ));
    }
    None
}

/// A refusal for too many attempts, with the wait.
fn too_many(t: &'static Texts, retry_after: u64) -> Response {
    let mut r = message(
        t,
        StatusCode::TOO_MANY_REQUESTS,
        None,
        t.too_many,
        t.too_many,
        Some(("/login", t.back)),
    );
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    r
}

/// Where a new session starts: a password made for the account is changed before anything
/// else, a second factor its role requires is enrolled; then back to the page asked for; else
/// a focal point starts on their task list, everyone else on the dashboard.
pub(super) fn start_of(session: &accounts::Session, next: &str) -> String {
    if session.password_change_required {
        return "/account#password".into();
    }
    if session.second_factor_enrolment_required {
        return "/account/second-factor".into();
    }
    local_path(next)
        .unwrap_or(match session.account.role {
            Role::FocalPoint => "/work",
            _ => "/",
        })
        .to_string()
}

/// `response` as a new session beginning at its start.
fn signed_in(state: &AppState, session: &accounts::Session, next: &str) -> Response {
    with_session(
        state,
        Redirect::to(&start_of(session, next)).into_response(),
        &session.token,
    )
}

#[derive(Debug, serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    ticket: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

/// `POST /login/code`: the code of a sign-in whose password was right.
pub async fn login_code(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CodeForm>,
) -> Response {
    let t = i18n::texts(i18n::language(&parts).0);
    if let Some(refused) = refusal(&state, &parts, t, &form.csrf, &form.next) {
        return refused;
    }
    let client = state.limits.client(&parts);
    match accounts::sign_in_with_code(
        &state.app,
        &correlation_id(&parts),
        client,
        &form.ticket,
        form.code.trim(),
    )
    .await
    {
        Ok(session) => signed_in(&state, &session, &form.next),
        Err(AppError::TooMany { retry_after }) => too_many(t, retry_after),
        Err(AppError::Unauthorized) => code_page(
            t,
            form.ticket,
            Some(t.code_refused.into()),
            StatusCode::UNAUTHORIZED,
            &form.next,
        ),
        Err(e) => failed(t, t.sign_in_code_title, e),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`.
pub async fn login(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<LoginForm>,
) -> Response {
    let t = i18n::texts(i18n::language(&parts).0);
    if let Some(refused) = refusal(&state, &parts, t, &form.csrf, &form.next) {
        return refused;
    }
    let client = state.limits.client(&parts);
    let signed = accounts::sign_in(
        &state.app,
        &correlation_id(&parts),
        client,
        form.email.trim(),
        &form.password,
        None,
    )
    .await;
    match signed {
        Ok(SignedIn::Session(session)) => signed_in(&state, &session, &form.next),
        Ok(SignedIn::CodeNeeded { ticket }) => {
            code_page(t, ticket, None, StatusCode::OK, &form.next)
        }
        Err(AppError::TooMany { retry_after }) => too_many(t, retry_after),
        Err(AppError::Unauthorized) => login_page_with(
            &state,
            t,
            Some(t.wrong_login.into()),
            StatusCode::UNAUTHORIZED,
            Some(&form.next),
        ),
        Err(AppError::Forbidden(_)) => login_page_with(
            &state,
            t,
            Some(t.organisation_password_refused.into()),
            StatusCode::FORBIDDEN,
            Some(&form.next),
        ),
        Err(e) => failed(t, t.sign_in, e),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<AppState>,
    visit: Option<Visit>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(visit) = visit {
        if !visit.sent_by(&state, &form.csrf) {
            return PageError::form_expired(visit.t, None)
                .back("/account", visit.t.back)
                .into_response();
        }
        // The session ends for good: every token of the account stops working.
        if let Err(e) = accounts::sign_out(&state.app, &visit.caller()).await {
            return crate::http::error::ApiError::from(e).into_response();
        }
    }
    without_session(&state, to_login())
}
