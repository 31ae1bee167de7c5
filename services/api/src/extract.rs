//! Extractors whose failures are answered as problem+json.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use safeguards_domain::values::Actor;
use safeguards_infra::CommandContext;
use serde::de::DeserializeOwned;

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
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

/// Everything a command handler needs besides its body: who, which request, which version.
#[derive(Debug, Clone)]
pub struct Cmd {
    pub principal: Principal,
    pub correlation_id: String,
    /// From `If-Match`: the version the client last saw.
    pub if_match: Option<u64>,
}

impl Cmd {
    pub fn context(&self) -> CommandContext {
        CommandContext::new(
            Actor::Account(self.principal.id),
            self.correlation_id.clone(),
        )
    }
}

impl FromRequestParts<AppState> for Cmd {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let principal = Principal::from_request_parts(parts, state).await?;
        let if_match = match parts.headers.get(axum::http::header::IF_MATCH) {
            None => None,
            Some(v) => {
                let raw = v.to_str().unwrap_or_default().trim();
                if raw == "*" {
                    None
                } else {
                    let digits = raw.trim_start_matches("W/").trim_matches('"');
                    Some(digits.parse::<u64>().map_err(|_| {
                        ApiError::bad_request(
                            "If-Match must be an ETag this server gave, like \"3\"",
                        )
                    })?)
                }
            }
        };
        Ok(Self {
            principal,
            correlation_id: correlation_id(parts),
            if_match,
        })
    }
}
