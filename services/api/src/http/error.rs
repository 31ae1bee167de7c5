//! The one error type of the HTTP layer, answered as `application/problem+json` (RFC 9457).

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use safeguards_app::AppError;
use safeguards_domain::reason::Reason;
use safeguards_domain::values::FieldError;
use serde::Serialize;

/// A problem to report to the client.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: String,
    /// The invalid field, for 422.
    pub field: Option<String>,
    /// Seconds, for 503.
    pub retry_after: Option<u64>,
    /// A code a client can act on (`password_change_required`).
    pub code: Option<&'static str>,
    /// Why, for a page to say in its language (a refused value, a conflict, a refusal).
    pub reason: Option<Box<Reason>>,
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    status: u16,
    detail: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: detail.into(),
            field: None,
            retry_after: None,
            code: None,
            reason: None,
        }
    }
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "sign in: send `Authorization: Bearer <token>` from POST /api/v1/auth/token",
        )
    }
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, detail)
    }
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, detail)
    }
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        let field = field.into();
        let reason = reason.into();
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: format!("{field}: {reason}"),
            field: Some(field),
            retry_after: None,
            code: None,
            reason: None,
        }
    }
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self {
            retry_after: Some(5),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, detail)
        }
    }
    pub fn too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the body is larger than the limit of {} KiB",
                crate::http::BODY_LIMIT / 1024
            ),
        )
    }
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the server failed; the request may be retried",
        )
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        Self {
            reason: Some(Box::new(e.reason.clone())),
            ..Self::invalid(e.field, e.reason)
        }
    }
}

/// One status per error; only server faults (5xx) are logged, and never with the request's
/// data.
impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(f) => f.into(),
            AppError::Unauthorized => Self::new(
                StatusCode::UNAUTHORIZED,
                "unknown e-mail or wrong password, or a token that is invalid or has expired",
            ),
            AppError::Forbidden(d) => Self {
                reason: Some(Box::new(d.clone())),
                ..Self::forbidden(d)
            },
            AppError::NotFound(d) => Self::not_found(d),
            AppError::Conflict(d) => Self {
                reason: Some(Box::new(d.clone())),
                ..Self::conflict(d)
            },
            AppError::Stale { expected, actual } => Self::new(
                StatusCode::PRECONDITION_FAILED,
                format!("If-Match names version {expected}, but the current version is {actual}; reload and retry"),
            ),
            AppError::TooLarge { max } => Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the file is larger than the limit of {max} bytes; nothing was stored"),
            ),
            AppError::Unsupported(d) => Self {
                reason: Some(Box::new(d.clone())),
                ..Self::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, d)
            },
            AppError::TooMany { retry_after } => Self {
                retry_after: Some(retry_after.max(1)),
                ..Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too many attempts; wait and try again",
                )
            },
            AppError::Unavailable(detail) => {
                tracing::warn!(%detail, "store unavailable");
                Self::unavailable("the store is unavailable; retry shortly")
            }
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                Self::internal()
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::JsonDataError(e) => {
                // "Failed to deserialize …: <path>: <reason>" — keep the path and the reason.
                let text = e.body_text();
                let detail = text
                    .split_once("target type: ")
                    .map(|(_, rest)| rest.to_string())
                    .unwrap_or(text);
                let field = detail
                    .split_once(": ")
                    .map(|(f, _)| f.to_string())
                    .filter(|f| !f.contains(' '));
                Self {
                    field,
                    ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
                }
            }
            JsonRejection::JsonSyntaxError(e) => {
                Self::bad_request(format!("the body is not valid JSON: {}", e.body_text()))
            }
            JsonRejection::MissingJsonContentType(_) => Self::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the body as JSON with `Content-Type: application/json`",
            ),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => Self::too_large(),
            other => Self::new(other.status(), other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        Self::bad_request(format!("bad query string: {}", r.body_text()))
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        Self::not_found(format!("no such resource: {}", r.body_text()))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let title = self.status.canonical_reason().unwrap_or("Error");
        let problem = Problem {
            kind: "about:blank",
            title,
            status: self.status.as_u16(),
            detail: &self.detail,
            field: self.field.as_deref(),
            code: Some(self.code.unwrap_or_else(|| code_of(self.status))),
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The stable code of a problem that names none of its own: what a client (or a page in
/// another language) keys its words on, whatever the English `detail` says.
fn code_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::CONFLICT => "conflict",
        StatusCode::PRECONDITION_FAILED => "stale",
        StatusCode::PRECONDITION_REQUIRED => "version_required",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid",
        StatusCode::TOO_MANY_REQUESTS => "too_many",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        s if s.is_server_error() => "internal",
        _ => "error",
    }
}
