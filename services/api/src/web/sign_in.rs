//! Signing in and out of the pages.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use safeguards_app::{accounts, AppError};
use safeguards_domain::values::Role;

use super::session::{to_login, without_session};
use super::{local_path, message, render, with_session, FormToken, PageError, Visit};
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
}

fn login_page_with(
    t: &'static Texts,
    error: Option<String>,
    status: StatusCode,
    next: Option<&str>,
) -> Response {
    LOGIN_FORM.issue(|csrf| {
        render(
            status,
            LoginPage {
                t,
                user: None,
                csrf: csrf.to_string(),
                error,
                next: next.and_then(local_path).map(str::to_string),
            },
        )
    })
}

/// `GET /login`.
pub async fn login_page(parts: Parts) -> Response {
    let (lang, chosen) = i18n::language(&parts);
    let next = super::query_value(&parts, "next");
    i18n::remember(
        login_page_with(i18n::texts(lang), None, StatusCode::OK, next.as_deref()),
        lang,
        chosen,
    )
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
    if let Err(e) = state.limits.check_sign_in(&parts) {
        return message(
            t,
            StatusCode::TOO_MANY_REQUESTS,
            None,
            t.too_many,
            &t.api_refusal(&e),
            Some(("/login", t.back)),
        );
    }
    if !LOGIN_FORM.matches(&parts, &form.csrf) {
        return login_page_with(
            t,
            Some(t.form_expired.into()),
            StatusCode::FORBIDDEN,
            Some(&form.next),
        );
    }
    let client = state.limits.client(&parts);
    let session =
        match accounts::sign_in(&state.app, client, form.email.trim(), &form.password).await {
            Ok(s) => s,
            Err(AppError::TooMany { retry_after }) => {
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
                return r;
            }
            Err(AppError::Unauthorized) => {
                return login_page_with(
                    t,
                    Some(t.wrong_login.into()),
                    StatusCode::UNAUTHORIZED,
                    Some(&form.next),
                )
            }
            Err(e) => return crate::http::error::ApiError::from(e).into_response(),
        };
    // A password made for the account is changed before anything else; then back to the page
    // asked for; else a focal point starts on their task list, everyone else on the dashboard.
    let start = if session.password_change_required {
        "/account#password"
    } else {
        local_path(&form.next).unwrap_or(match session.account.role {
            Role::FocalPoint => "/work",
            _ => "/",
        })
    };
    with_session(&state, Redirect::to(start).into_response(), &session.token)
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
