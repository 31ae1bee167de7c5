//! The HTTP face of the Safeguards Tracker: the JSON API under `/api/v1`, operational routes and
//! server-rendered pages, built as one `axum::Router` over an [`AppState`].
//!
//! It depends on the domain and infra crates; it must never open connections of its own or know
//! which database is behind the event store.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use safeguards_infra::EventStore;

/// Everything a request handler may use.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<EventStore>,
}

/// The application's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .with_state(state)
}

/// The process is alive.
async fn healthz() -> (StatusCode, &'static str) {
    (StatusCode::OK, "ok\n")
}
