//! Extractors whose failures are answered as problem+json: JSON bodies, query strings, the
//! signed-in principal (bearer token) and the caller of a command.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use safeguards_app::{Caller, Principal};
use serde::de::DeserializeOwned;

use crate::http::error::{ApiError, ApiResult};
use crate::AppState;

/// A JSON body; malformed → 400, invalid field → 422, too large → 413.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> ApiResult<Self> {
        let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
        Ok(Self(value))
    }
}

/// A JSON body that may be left out: no body, only white space or `null` reads as the
/// body's default (`{}`).
#[derive(Debug)]
pub struct OptionalJson<T>(pub T);

impl<T, S> FromRequest<S> for OptionalJson<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> ApiResult<Self> {
        let (parts, body) = req.into_parts();
        let bytes =
            axum::body::Bytes::from_request(Request::from_parts(parts.clone(), body), state)
                .await
                .map_err(|r| {
                    if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                        ApiError::too_large()
                    } else {
                        ApiError::bad_request(r.body_text())
                    }
                })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(T::default()));
        }
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        let axum::Json(value) = axum::Json::<Option<T>>::from_request(req, state).await?;
        Ok(Self(value.unwrap_or_default()))
    }
}

/// A query string; malformed → 400.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Self> {
        let axum::extract::Query(value) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(Self(value))
    }
}

/// The request's correlation id: `X-Request-Id` when it is sane, else a fresh one (the
/// request-id layer has already put one on every request).
pub fn correlation_id(parts: &Parts) -> String {
    parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// The bearer token of a request, if it carries one.
fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
}

/// The signed-in principal of an API request (`Authorization: Bearer …`). A token issued to an
/// account that must change its password is good only for [`PASSWORD_CHANGE_PATHS`]; any other
/// request with it answers 403 with the problem code `password_change_required`.
#[derive(Debug, Clone)]
pub struct Signed(pub Principal);

/// What a token issued to an account that must change its password may still reach.
pub const PASSWORD_CHANGE_PATHS: [&str; 3] =
    ["/api/v1/me/password", "/api/v1/me", "/api/v1/auth/logout"];

/// What a token issued to an account that must enrol a second factor may still reach.
pub const SECOND_FACTOR_PATHS: [&str; 4] = [
    "/api/v1/me/second-factor",
    "/api/v1/me/second-factor/confirm",
    "/api/v1/me",
    "/api/v1/auth/logout",
];

impl FromRequestParts<AppState> for Signed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let token = bearer(parts).ok_or_else(ApiError::unauthorized)?;
        let (principal, bearer) = state.principal(parts, token).await?;
        if bearer.password_change_required && !PASSWORD_CHANGE_PATHS.contains(&original_path(parts))
        {
            return Err(password_change_required());
        }
        if bearer.second_factor_required && !SECOND_FACTOR_PATHS.contains(&original_path(parts)) {
            return Err(ApiError {
                code: Some("second_factor_enrolment_required"),
                ..ApiError::forbidden(
                    "the account's role requires a second factor: enrol one first, POST /api/v1/me/second-factor",
                )
            });
        }
        Ok(Self(principal))
    }
}

/// The path the client asked for (routers nested under a prefix see it without the prefix).
pub fn original_path(parts: &Parts) -> &str {
    parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or(parts.uri.path(), |u| u.0.path())
}

/// The answer to a request made with a token good only for changing the password.
pub fn password_change_required() -> ApiError {
    ApiError {
        code: Some("password_change_required"),
        ..ApiError::forbidden(
            "the account's password was generated and must be changed first: POST /api/v1/me/password",
        )
    }
}

/// The caller of a command: who, which request, which version (`If-Match`).
#[derive(Debug, Clone)]
pub struct Cmd(pub Caller);

/// The version an `If-Match` header names (`"3"`, `W/"3"`; `*` names none).
pub fn if_match(parts: &Parts) -> ApiResult<Option<u64>> {
    match parts.headers.get(axum::http::header::IF_MATCH) {
        None => Ok(None),
        Some(v) => {
            let raw = v.to_str().unwrap_or_default().trim();
            if raw == "*" {
                return Ok(None);
            }
            let digits = raw.trim_start_matches("W/").trim_matches('"');
            digits.parse::<u64>().map(Some).map_err(|_| {
                ApiError::bad_request("If-Match must be an ETag this server gave, like \"3\"")
            })
        }
    }
}

impl FromRequestParts<AppState> for Cmd {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let Signed(principal) = Signed::from_request_parts(parts, state).await?;
        let version = if_match(parts)?;
        Ok(Self(
            Caller::new(principal, correlation_id(parts)).if_match(version),
        ))
    }
}
