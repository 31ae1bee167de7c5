//! The JSON API of SPEC §3 under `/api/v1`: one module per resource, thin adapters that parse
//! the request, call the use case and answer. The route table and the OpenAPI document come
//! from the one list in [`api`].

pub mod accounts;
pub mod catalogue;
pub mod commitments;
pub mod documents;
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

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use safeguards_domain::values::{
    AccountId, CommitmentId, CountryCode, DpiSystemType, MilestoneId, SubscriberId,
};
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
        .routes(routes!(accounts::set_language))
        .routes(routes!(accounts::sign_out))
        .routes(routes!(accounts::begin_second_factor))
        .routes(routes!(accounts::confirm_second_factor))
        .routes(routes!(accounts::sessions))
        .routes(routes!(accounts::reset_second_factor))
        .routes(routes!(accounts::set_organisation_only))
        .routes(routes!(accounts::unlink_organisation))
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
        .merge(
            // The upload bounds its body itself (`http::upload`).
            OpenApiRouter::new()
                .routes(routes!(documents::attach_file))
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
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

/// A typed parameter of an API path (`Path<MilestoneId>`, `Path<CountryCode>`): one that does
/// not parse names no resource, and is answered 404 as an unknown one is (after the caller's
/// credentials, which the extractors before it check).
#[derive(Debug)]
pub struct Path<T>(pub T);

/// A value a path may name, parsed by the input rules (a country code is upper case).
pub trait PathValue: Sized {
    fn from_path(raw: &str) -> ApiResult<Self>;
}

impl<T: PathValue> FromRequestParts<AppState> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let axum::extract::Path(raw) = <axum::extract::Path<String> as FromRequestParts<
            AppState,
        >>::from_request_parts(parts, state)
        .await
        .map_err(|_| ApiError::not_found("no such resource"))?;
        T::from_path(&raw).map(Self)
    }
}

impl<A: PathValue, B: PathValue> FromRequestParts<AppState> for Path<(A, B)> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let axum::extract::Path((a, b)) = <axum::extract::Path<(String, String)> as FromRequestParts<
            AppState,
        >>::from_request_parts(parts, state)
        .await
        .map_err(|_| ApiError::not_found("no such resource"))?;
        Ok(Self((A::from_path(&a)?, B::from_path(&b)?)))
    }
}

impl PathValue for CountryCode {
    fn from_path(raw: &str) -> ApiResult<Self> {
        CountryCode::parse(raw).map_err(|e| ApiError::not_found(e.reason))
    }
}

macro_rules! path_ids {
    ($($id:ty: $what:literal),* $(,)?) => {$(
        impl PathValue for $id {
            fn from_path(raw: &str) -> ApiResult<Self> {
                <$id>::parse(raw).map_err(|_| ApiError::not_found(concat!("no such ", $what)))
            }
        }
    )*};
}

path_ids! {
    AccountId: "account",
    CommitmentId: "commitment",
    MilestoneId: "milestone",
    SubscriberId: "subscriber",
}

impl PathValue for DpiSystemType {
    fn from_path(raw: &str) -> ApiResult<Self> {
        DpiSystemType::parse(raw).map_err(|e| ApiError::not_found(e.reason))
    }
}
