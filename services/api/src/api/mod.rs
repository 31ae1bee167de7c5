//! The JSON API of SPEC §3 under `/api/v1`: one module per resource, thin adapters that parse
//! the request, call the use case and answer. The route table and the OpenAPI document come
//! from the one list in [`api`].

pub mod accounts;
pub mod catalogue;
pub mod commitments;
pub mod engagements;
pub mod feed;
pub mod ledger;
pub mod milestones;
pub mod openapi;
pub mod paging;
pub mod plans;
pub mod progress;
pub mod schema;
pub mod subscriptions;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use safeguards_domain::values::{CountryCode, FieldError};
use safeguards_infra::Committed;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::{ApiError, ApiResult};
use crate::AppState;

/// Every route of the API, relative to `/api/v1`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(catalogue::catalogue))
        .routes(routes!(accounts::sign_in))
        .routes(routes!(accounts::me))
        .routes(routes!(accounts::change_password))
        .routes(routes!(accounts::sign_out))
        .routes(routes!(accounts::create_account, accounts::list_accounts))
        .routes(routes!(accounts::change_role))
        .routes(routes!(accounts::disable_account))
        .routes(routes!(accounts::enable_account))
        .routes(routes!(engagements::open, engagements::list_engagements))
        .routes(routes!(engagements::get_engagement))
        .routes(routes!(feed::engagement_history))
        .routes(routes!(engagements::record_activity))
        .routes(routes!(engagements::add_dpi_system))
        .routes(routes!(engagements::move_dpi_system))
        .routes(routes!(engagements::assign_focal_point))
        .routes(routes!(engagements::remove_focal_point))
        .routes(routes!(engagements::change_status))
        .routes(routes!(engagements::publish))
        .routes(routes!(engagements::unpublish))
        .routes(routes!(ledger::checkpoints))
        .routes(routes!(
            commitments::create_commitment,
            commitments::list_commitments
        ))
        .routes(routes!(plans::draft_plan, plans::save_plan))
        .routes(routes!(commitments::get_commitment))
        .routes(routes!(feed::commitment_history))
        .routes(routes!(commitments::revise))
        .routes(routes!(commitments::withdraw))
        .routes(routes!(
            milestones::add_milestone,
            milestones::list_milestones
        ))
        .routes(routes!(milestones::get_milestone))
        .routes(routes!(feed::milestone_history))
        .merge(milestones::step_routes())
        .routes(routes!(progress::overview))
        .routes(routes!(progress::principles))
        .routes(routes!(progress::country))
        .routes(routes!(progress::overdue))
        .routes(routes!(plans::coverage_all))
        .routes(routes!(plans::coverage))
        .routes(routes!(feed::activity))
        .routes(routes!(feed::events))
        .routes(routes!(subscriptions::subscribe))
        .routes(routes!(subscriptions::subscribers))
        .routes(routes!(subscriptions::erase))
        .routes(routes!(subscriptions::digests))
        .routes(routes!(subscriptions::preview))
        .routes(routes!(subscriptions::send))
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

/// The country a path names; a code that is not one is "no such resource".
pub fn path_country(raw: &str) -> ApiResult<CountryCode> {
    CountryCode::parse(raw).map_err(|e| ApiError::not_found(e.reason))
}

/// An id a path names; one that is not an id is "no such resource".
pub fn path_id<T>(
    raw: &str,
    what: &str,
    parse: impl Fn(&str) -> Result<T, FieldError>,
) -> ApiResult<T> {
    parse(raw).map_err(|_| ApiError::not_found(format!("no such {what}")))
}
