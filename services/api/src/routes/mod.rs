//! The routes of SPEC §3, one module per resource, and the helpers they share.

pub mod accounts;
pub mod catalogue;
pub mod commitments;
pub mod engagements;
pub mod feed;
pub mod milestones;
pub mod progress;
pub mod subscriptions;

use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use safeguards_domain::values::FieldError;
use safeguards_infra::Committed;
use serde::Serialize;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::error::{ApiError, ApiResult};
use crate::{ops, AppState};

/// Largest request body accepted.
pub const BODY_LIMIT: usize = 64 * 1024;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/catalogue", get(catalogue::catalogue))
        .route("/auth/token", post(accounts::token))
        .route("/me", get(accounts::me))
        .route("/accounts", post(accounts::create).get(accounts::list))
        .route("/accounts/{id}/role", post(accounts::change_role))
        .route("/accounts/{id}/disable", post(accounts::disable))
        .route(
            "/engagements",
            post(engagements::open).get(engagements::list),
        )
        .route("/engagements/{country}", get(engagements::get))
        .route(
            "/engagements/{country}/history",
            get(feed::engagement_history),
        )
        .route(
            "/engagements/{country}/activities",
            post(engagements::record_activity),
        )
        .route(
            "/engagements/{country}/dpi-systems",
            post(engagements::add_dpi_system),
        )
        .route(
            "/engagements/{country}/dpi-systems/{type}/stage",
            post(engagements::move_dpi_system),
        )
        .route(
            "/engagements/{country}/focal-points",
            post(engagements::assign_focal_point),
        )
        .route(
            "/engagements/{country}/focal-points/{account_id}",
            delete(engagements::remove_focal_point),
        )
        .route(
            "/engagements/{country}/status",
            post(engagements::change_status),
        )
        .route(
            "/engagements/{country}/commitments",
            post(commitments::create).get(commitments::list_for_country),
        )
        .route("/commitments/{id}", get(commitments::get))
        .route("/commitments/{id}/history", get(feed::commitment_history))
        .route("/commitments/{id}/revise", post(commitments::revise))
        .route("/commitments/{id}/withdraw", post(commitments::withdraw))
        .route("/commitments/{id}/milestones", post(milestones::add))
        .route("/milestones/{id}", get(milestones::get))
        .route("/milestones/{id}/history", get(feed::milestone_history))
        .route("/milestones/{id}/start", post(milestones::start))
        .route("/milestones/{id}/progress", post(milestones::progress))
        .route("/milestones/{id}/block", post(milestones::block))
        .route("/milestones/{id}/unblock", post(milestones::unblock))
        .route("/milestones/{id}/achieve", post(milestones::achieve))
        .route("/milestones/{id}/verify", post(milestones::verify))
        .route("/milestones/{id}/reject", post(milestones::reject))
        .route("/milestones/{id}/reschedule", post(milestones::reschedule))
        .route("/milestones/{id}/cancel", post(milestones::cancel))
        .route("/progress", get(progress::overview))
        .route("/progress/principles", get(progress::principles))
        .route("/progress/{country}", get(progress::country))
        .route("/activity", get(feed::activity))
        .route("/events", get(feed::events))
        .route("/subscriptions", post(subscriptions::subscribe))
        .route("/subscribers", get(subscriptions::subscribers))
        .route("/subscribers/{id}/erase", post(subscriptions::erase))
        .route("/digests", get(subscriptions::digests))
        .route("/digests/preview", get(subscriptions::preview))
        .route("/digests/send", post(subscriptions::send))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed);

    Router::new()
        .nest("/api/v1", api)
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/api/openapi.json", get(crate::openapi::openapi_json))
        .route("/api/docs", get(crate::openapi::docs))
        .route("/", get(crate::pages::dashboard))
        .route("/countries/{country}", get(crate::pages::country))
        .route("/milestones/{id}/{action}", post(crate::pages::milestone_form))
        .route("/commitments/{id}/{action}", post(crate::pages::commitment_form))
        .route("/login", get(crate::pages::login_page).post(crate::pages::login))
        .route("/logout", post(crate::pages::logout))
        .route("/account", get(crate::pages::account))
        .route("/account/language", post(crate::pages::account_language))
        .route("/static/app.css", get(crate::pages::stylesheet))
        .route(
            "/subscribe",
            get(subscriptions::subscribe_page).post(subscriptions::subscribe_form),
        )
        .route("/subscriptions/confirm", get(subscriptions::confirm_page))
        .route(
            "/subscriptions/manage",
            get(subscriptions::manage_page).post(subscriptions::manage_post),
        )
        .route(
            "/unsubscribe",
            get(subscriptions::unsubscribe_page).post(subscriptions::unsubscribe_post),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(refuse_oversized))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::from_fn(ops::observe))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
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
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Answer 413 from the `Content-Length` alone, before the body is read: a client still sending
/// a large body could otherwise not read the answer. Bodies without a length are cut at the
/// limit while they are read.
async fn refuse_oversized(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the body is larger than the limit of {} KiB",
                BODY_LIMIT / 1024
            ),
        )
        .into_response();
    }
    next.run(request).await
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "this route does not take that method",
    )
}

/// The answer to a command: `{id, version, position}`, 201 when it created the aggregate.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CommandAnswer {
    pub id: String,
    pub version: u64,
    pub position: i64,
}

pub fn answer(committed: Committed, status: StatusCode) -> Response {
    let etag = format!("\"{}\"", committed.version);
    let mut response = (
        status,
        Json(CommandAnswer {
            id: committed.aggregate_id,
            version: committed.version,
            position: committed.position,
        }),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

pub fn ok(committed: Committed) -> Response {
    answer(committed, StatusCode::OK)
}

pub fn created(committed: Committed) -> Response {
    answer(committed, StatusCode::CREATED)
}

/// A JSON view with its aggregate's version as `ETag`.
pub fn with_etag<T: Serialize>(version: i64, body: T) -> Response {
    let mut response = Json(body).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

/// Parse a `YYYY-MM-DD` date, naming the field.
pub fn date(field: &str, raw: &str) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        ApiError::invalid(
            field,
            format!(
                "`{}` is not a date like 2026-03-31",
                raw.chars().take(40).collect::<String>()
            ),
        )
    })
}

/// Parse every item of a list, naming the failing one as `field[i]`.
pub fn each<T>(
    field: &str,
    raw: &[String],
    parse: impl Fn(&str) -> Result<T, FieldError>,
) -> ApiResult<Vec<T>> {
    raw.iter()
        .enumerate()
        .map(|(i, r)| parse(r).map_err(|e| e.at(format!("{field}[{i}]")).into()))
        .collect()
}

/// Parse one value, naming the field.
pub fn field<T>(
    name: &str,
    raw: &str,
    parse: impl Fn(&str) -> Result<T, FieldError>,
) -> ApiResult<T> {
    parse(raw).map_err(|e| e.at(name).into())
}
