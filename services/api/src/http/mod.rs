//! What every route shares, API or page: the state a handler gets ([`AppState`]), the read
//! model's freshness (read-your-writes, `X-Read-After`, the stale bound), the body limits, the
//! errors, the extractors, the limits per client and the operational routes and middleware.

pub mod cache;
pub mod error;
pub mod extract;
pub mod input;
pub mod limits;
pub mod ops;
pub mod parsing;
pub mod upload;

use std::sync::Arc;
use std::time::Duration;

use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::PrometheusHandle;
use safeguards_app::credentials::Bearer;
use safeguards_app::{operations, App};

use error::ApiError;

/// Largest request body accepted.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The limit of the preview's confirmation (its sealed changes).
pub const CONFIRM_LIMIT: usize = crate::web::sheet_files::MAX_BYTES + 64 * 1024;

/// The limit of a spreadsheet upload. A file past [`crate::web::sheet_files::MAX_BYTES`] but within this is
/// read to its end and dropped, so that the browser shows the page saying it is too large (a
/// connection closed while a browser still sends shows nothing); past this, it is cut.
pub const UPLOAD_LIMIT: usize = 32 * 1024 * 1024;

/// The body limit of a request to `path`, and whether its refusal is a page.
fn limit_for(path: &str) -> (usize, bool) {
    if path.ends_with("/evidence/files") {
        // Bounded by the handlers, after the document's limit (`upload`).
        (usize::MAX, false)
    } else if !path.starts_with("/countries/") {
        (BODY_LIMIT, false)
    } else if path.ends_with("/upload") {
        (UPLOAD_LIMIT, true)
    } else if path.ends_with("/upload/confirm") {
        (CONFIRM_LIMIT, true)
    } else {
        (BODY_LIMIT, false)
    }
}

/// Everything a request handler may use.
#[derive(Debug, Clone)]
pub struct AppState {
    pub app: App,
    pub metrics: Option<PrometheusHandle>,
    pub limits: Arc<limits::Limits>,
    /// How long a read waits for the read model to catch up with the client's writes.
    pub freshness_wait: Duration,
    /// How long the read model may be behind the log before requests that decide on rights
    /// are answered 503.
    pub stale_bound: Duration,
    /// Views shared between requests while the model stands still.
    pub views: Arc<cache::ViewCache>,
    /// Serve the public pages and the open dataset (`SAFEGUARDS_PUBLIC_PAGES`).
    pub public_pages: bool,
    /// The slots for parsing uploaded files.
    pub parsing: parsing::Parsing,
}

impl AppState {
    pub fn new(app: App, metrics: Option<PrometheusHandle>) -> Self {
        Self {
            app,
            metrics,
            limits: Arc::new(limits::Limits::default()),
            freshness_wait: Duration::from_secs(5),
            stale_bound: Duration::from_secs(5),
            views: Arc::default(),
            public_pages: false,
            parsing: parsing::Parsing::default(),
        }
    }

    /// The principal of a token, decided on a read model fresh enough to decide rights on: a
    /// token that is not even well signed is refused at once (nobody waits on its behalf);
    /// then the model is given the time to take the client's own writes — all of them for a
    /// read, which answers from the model; for a command, those that change rights (a command
    /// decides on the log, and looks up what the model has not seen yet there, as
    /// `milestones::country_of` does); a model behind the log for longer than
    /// [`AppState::stale_bound`] answers 503 rather than decide on old rights.
    ///
    /// The token is checked once, here; the principal comes with what the token says of itself
    /// (its [`Bearer`]: issued while the password had to be changed).
    pub async fn principal(
        &self,
        parts: &Parts,
        token: &str,
    ) -> Result<(safeguards_app::Principal, Bearer), ApiError> {
        let bearer = self
            .app
            .tokens()
            .check(token, chrono::Utc::now())
            .ok_or_else(ApiError::unauthorized)?;
        let writes = if parts.method == axum::http::Method::GET
            || parts.method == axum::http::Method::HEAD
        {
            Writes::All
        } else {
            Writes::Rights
        };
        self.wait_for(parts, writes).await;
        if operations::behind_for(&self.app) > self.stale_bound {
            return Err(ApiError::unavailable(
                "the server's view of the log is behind; retry shortly",
            ));
        }
        let principal = safeguards_app::accounts::principal_of_bearer(&self.app, &bearer).await?;
        Ok((principal, bearer))
    }

    /// Wait until the read model reflects every write of this process and the position the
    /// client names in `X-Read-After` (read-your-writes across processes).
    pub async fn fresh(&self, parts: &Parts) {
        self.wait_for(parts, Writes::All).await;
    }

    /// Wait until the read model reflects the position the client names in `X-Read-After` and
    /// the writes of this process that `writes` names.
    async fn wait_for(&self, parts: &Parts, writes: Writes) {
        let wanted = read_after(parts);
        let rights_only = matches!(writes, Writes::Rights);
        let caught_up =
            operations::wait_for(&self.app, wanted, rights_only, self.freshness_wait).await;
        if !caught_up {
            tracing::warn!(
                wanted,
                applied = operations::applied(&self.app),
                ?writes,
                "served before the model caught up"
            );
        }
    }
}

/// Which of this process's writes a request waits for the read model to hold.
#[derive(Debug, Clone, Copy)]
enum Writes {
    All,
    /// Those that change rights (`store::RIGHTS`).
    Rights,
}

/// The position a client names in `X-Read-After` (0 when none).
fn read_after(parts: &Parts) -> i64 {
    parts
        .headers
        .get("x-read-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(0)
}

/// How long a request may take before it is answered 503.
const REQUEST_DEADLINE: Duration = Duration::from_secs(30);

/// How long an upload may take: a document of 10 MB takes minutes on a slow link. An upload
/// that stops sending is given up sooner, after a minute of silence (`upload`).
const UPLOAD_DEADLINE: Duration = Duration::from_secs(15 * 60);

/// Every request within its deadline ([`REQUEST_DEADLINE`], or [`UPLOAD_DEADLINE`] for the
/// routes that take files), else 503.
pub(crate) async fn deadline(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path();
    let limit = if path.ends_with("/evidence/files") || path.ends_with("/upload") {
        UPLOAD_DEADLINE
    } else {
        REQUEST_DEADLINE
    };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// Answer 413 from the `Content-Length` alone, before the body is read: a client still sending
/// a large body could otherwise not read the answer. Bodies without a length are cut at the
/// limit while they are read.
pub(crate) async fn refuse_oversized(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let (limit, page) = limit_for(request.uri().path());
    if declared.is_some_and(|n| n > limit as u64) {
        if page {
            let (parts, _) = request.into_parts();
            return crate::web::too_large(&parts);
        }
        return ApiError::too_large().into_response();
    }
    next.run(request).await
}

/// An answer of the API, or one to a request that carries credentials (a bearer token or a
/// session), is stored by no cache unless its handler says otherwise: what one person may read
/// must not be served to the next from a shared or browser cache, nor a token from history.
pub(crate) async fn no_store_by_default(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let personal = request.uri().path().starts_with("/api/v1/")
        || request.headers().contains_key(header::AUTHORIZATION)
        || request
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.contains(crate::web::SESSION));
    let mut response = next.run(request).await;
    if personal && !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Every 503 tells the client when to try again (`Retry-After`), whoever made it: a handler, a
/// page, or the request timeout.
pub(crate) async fn retry_after_when_unavailable(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let mut response = next.run(request).await;
    if response.status() == StatusCode::SERVICE_UNAVAILABLE
        && !response.headers().contains_key(header::RETRY_AFTER)
    {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    }
    response
}

pub(crate) async fn not_found() -> ApiError {
    ApiError::not_found("no such route")
}

pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "this route does not take that method",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    #[tokio::test]
    async fn every_503_says_when_to_try_again_and_one_that_says_keeps_its_own() {
        let app = Router::new()
            .route("/plain", get(|| async { StatusCode::SERVICE_UNAVAILABLE }))
            .route(
                "/told",
                get(|| async {
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        [(header::RETRY_AFTER, "30")],
                    )
                }),
            )
            .route("/fine", get(|| async { StatusCode::OK }))
            .layer(axum::middleware::from_fn(retry_after_when_unavailable));
        let retry_after = |path: &'static str| {
            let app = app.clone();
            async move {
                let r = app
                    .oneshot(axum::http::Request::get(path).body(Body::empty()).unwrap())
                    .await
                    .unwrap();
                r.headers()
                    .get(header::RETRY_AFTER)
                    .map(|v| v.to_str().unwrap().to_string())
            }
        };
        assert_eq!(retry_after("/plain").await.as_deref(), Some("5"));
        assert_eq!(retry_after("/told").await.as_deref(), Some("30"));
        assert_eq!(retry_after("/fine").await, None);
    }
}
