//! `/auth/oidc/start` and `/auth/oidc/callback`: the browser's round trip to the organisation's
//! identity provider.
//!
//! The start keeps `state`, `nonce`, the PKCE verifier and the page to return to in a cookie
//! sealed with the server's key, for this path only and ten minutes; the callback takes it
//! back, compares `state`, and spends it: a `state` seen once is refused again (a replayed
//! callback), here at once and at the provider because its code is good once. Every refusal is
//! a page that says what to do, and a line in the log at info level; nothing is recorded.

use std::time::Duration;

use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use safeguards_app::{organisation, AppError};
use serde::{Deserialize, Serialize};

use super::session::cookie;
use super::{local_path, message, with_session};
use crate::http::extract::correlation_id;
use crate::web::i18n::{self, Texts};
use crate::AppState;

/// The cookie that carries a sign-in under way.
const FLOW: &str = "sg_oidc";
/// What the cookie's value is sealed for.
const SEALED_FOR: &str = "oidc-flow";
/// How long a sign-in may take at the provider.
const FLOW_LIFETIME: Duration = organisation::FLOW_LIFETIME;

/// What the flow's cookie holds.
#[derive(Serialize, Deserialize)]
struct Flow {
    state: String,
    nonce: String,
    pkce: String,
    next: Option<String>,
    /// Seconds since 1970 after which the flow is over.
    until: i64,
}

/// The page of a refused sign-in, in the visitor's language.
fn refused(t: &'static Texts, status: StatusCode, text: &str) -> Response {
    message(
        t,
        status,
        None,
        t.organisation_refused_title,
        text,
        Some(("/login", t.sign_in)),
    )
}

/// `GET /auth/oidc/start?next=`: to the provider, with a fresh `state`, `nonce` and PKCE.
pub async fn start(State(state): State<AppState>, parts: Parts) -> Response {
    let t = i18n::texts(i18n::language(&parts).0);
    if let Err(e) = state.limits.check_sign_in(&parts) {
        return refused(t, e.status, &t.api_refusal(&e));
    }
    let started = match organisation::start(&state.app).await {
        Ok(s) => s,
        Err(AppError::NotFound(_)) => {
            return refused(t, StatusCode::NOT_FOUND, t.organisation_not_set_up)
        }
        Err(_) => return refused(t, StatusCode::SERVICE_UNAVAILABLE, t.organisation_refused),
    };
    let flow = Flow {
        state: started.state,
        nonce: started.nonce,
        pkce: started.pkce_verifier,
        next: super::query_value(&parts, "next")
            .as_deref()
            .and_then(local_path)
            .map(str::to_string),
        until: chrono::Utc::now().timestamp() + FLOW_LIFETIME.as_secs() as i64,
    };
    let sealed = state.app.tokens().seal(
        SEALED_FOR,
        "",
        &serde_json::to_vec(&flow).unwrap_or_default(),
    );
    // `Lax`: the cookie comes back on the provider's top-level redirect to the callback.
    let cookie = Cookie::build((FLOW, sealed))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/auth/oidc")
        .secure(state.app.digest().settings.public_url.scheme() == "https")
        .max_age(cookie::time::Duration::seconds(
            FLOW_LIFETIME.as_secs() as i64
        ))
        .build();
    (CookieJar::new().add(cookie), Redirect::to(&started.url)).into_response()
}

/// `GET /auth/oidc/callback?code=&state=`: back from the provider.
pub async fn callback(State(state): State<AppState>, parts: Parts) -> Response {
    let t = i18n::texts(i18n::language(&parts).0);
    if let Err(e) = state.limits.check_sign_in(&parts) {
        return refused(t, e.status, &t.api_refusal(&e));
    }
    if organisation::offered(&state.app).is_none() {
        return refused(t, StatusCode::NOT_FOUND, t.organisation_not_set_up);
    }
    // The flow's cookie ends whatever happens.
    let mut ended = Cookie::build((FLOW, "")).path("/auth/oidc").build();
    ended.make_removal();
    let end = |response: Response| (CookieJar::new().add(ended.clone()), response).into_response();
    let refuse = |why: &str| {
        tracing::info!(
            refused = why,
            "a sign-in with the organisation's account was refused"
        );
        end(refused(t, StatusCode::FORBIDDEN, t.organisation_refused))
    };
    let flow = cookie(&parts, FLOW)
        .and_then(|c| state.app.tokens().unseal(SEALED_FOR, "", &c))
        .and_then(|b| serde_json::from_slice::<Flow>(&b).ok());
    let Some(flow) = flow else {
        return refuse("no sign-in under way in this browser");
    };
    if flow.until < chrono::Utc::now().timestamp() {
        return refuse("the sign-in took too long");
    }
    let sent_state = super::query_value(&parts, "state").unwrap_or_default();
    if !safeguards_app::credentials::same_secret(&flow.state, &sent_state) {
        return refuse("the state is not this browser's");
    }
    if !organisation::spend(&state.app, &flow.state) {
        return refuse("the state was used already");
    }
    if let Some(error) = super::query_value(&parts, "error") {
        tracing::info!(error = %error, "the identity provider refused the sign-in");
        return end(refused(t, StatusCode::FORBIDDEN, t.organisation_refused));
    }
    let code = super::query_value(&parts, "code").unwrap_or_default();
    let signed = organisation::finish(
        &state.app,
        &correlation_id(&parts),
        &code,
        &flow.pkce,
        &flow.nonce,
    )
    .await;
    match signed {
        Ok(session) => {
            let start = super::sign_in::start_of(&session, flow.next.as_deref().unwrap_or(""));
            end(with_session(
                &state,
                Redirect::to(&start).into_response(),
                &session.token,
            ))
        }
        Err(AppError::Forbidden(reason)) => {
            let text = match reason.code {
                "organisation-unverified" => t.organisation_unverified,
                "organisation-linked-other" => t.organisation_other_identity,
                "organisation-no-account" => t.organisation_no_account,
                _ => t.organisation_refused,
            };
            end(refused(t, StatusCode::FORBIDDEN, text))
        }
        Err(AppError::Unavailable(_)) => end(refused(
            t,
            StatusCode::SERVICE_UNAVAILABLE,
            t.organisation_refused,
        )),
        // Two first sign-ins of one account at once: one linked it; the other tries again.
        Err(_) => end(refused(t, StatusCode::CONFLICT, t.organisation_refused)),
    }
}
