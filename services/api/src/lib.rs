//! The HTTP face of the Safeguards Tracker, assembled in [`router`] from three parts:
//!
//! - [`http`]: what every route shares — the state, the read model's freshness, body limits,
//!   errors, extractors, limits per client, operational routes and middleware;
//! - [`api`]: the JSON API under `/api/v1` (routes, OpenAPI document, schema, paging);
//! - [`web`]: the server-rendered pages (session, forms, templates, languages, spreadsheets).
//!
//! Handlers are thin adapters: parse the request into domain values, call the use case
//! (`safeguards-app`), answer. Authorization, lookups, reads and rules live in the use cases;
//! this crate never talks to the event store, a database or the read model itself (the test
//! `handlers_reach_nothing_past_the_use_cases` holds it to that).

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod api;
pub mod http;
pub mod web;

#[cfg(test)]
mod layering;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use http::error::{ApiError, ApiResult};
pub use http::AppState;
use http::{
    method_not_allowed, no_store_by_default, not_found, ops, refuse_oversized,
    retry_after_when_unavailable, BODY_LIMIT,
};

/// The application's routes: the documented ones (API and operations, with their OpenAPI
/// document), the document itself, and the pages.
pub fn router(state: AppState) -> Router {
    let (documented, document) = OpenApiRouter::with_openapi(api::openapi::ApiDoc::openapi())
        .nest("/api/v1", api::routes())
        .merge(ops::router())
        .split_for_parts();
    Router::new()
        .merge(documented)
        .merge(api::openapi::router(api::openapi::Document::new(document)))
        .merge(web::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(refuse_oversized))
        .layer(axum::middleware::from_fn(no_store_by_default))
        .layer(tower_http::compression::CompressionLayer::new().compress_when(
            // Documents are served as stored, so that their ranges and lengths stay true.
            tower_http::compression::Predicate::and(tower_http::compression::DefaultPredicate::new(),
                |_: StatusCode, _: axum::http::Version, h: &axum::http::HeaderMap, _: &axum::http::Extensions| {
                    !h.contains_key(header::ACCEPT_RANGES)
                },
            ),
        ))
        .layer(axum::middleware::from_fn(ops::observe))
        .layer(axum::middleware::from_fn(http::deadline))
        .layer(axum::middleware::from_fn(retry_after_when_unavailable))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::internal().into_response()
        }))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // A page whose address is a credential (an action link) asks for less.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
