//! `/api/v1/engagements…`: one engagement per country.

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use safeguards_app::engagements;
use safeguards_domain::values::{
    parse_as, parse_date, parse_word, AccountId, CountryCode, DpiSystemType, StageCode, Text, Title,
};
use safeguards_projections::model::EngagementView;
use serde::Deserialize;

use super::{created, ok, with_etag, Path};
use crate::api::schema::{self, max};
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{ApiJson, Cmd, Signed};
use crate::http::input::ActivityInput;
use crate::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DpiSystemBody {
    #[serde(rename = "type")]
    #[schema(schema_with = schema::dpi_system)]
    pub system: String,
    #[schema(schema_with = schema::stage)]
    pub stage: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenBody {
    #[schema(schema_with = schema::country)]
    pub country: String,
    #[schema(schema_with = schema::title)]
    pub lead: String,
    #[schema(schema_with = schema::date)]
    pub started_on: String,
    /// At most one entry per DPI system type.
    #[serde(default)]
    #[schema(max_items = 5)]
    pub dpi_systems: Vec<DpiSystemBody>,
}

#[utoipa::path(
    post,
    path = "/engagements",
    operation_id = "open_engagement",
    tag = "engagements",
    summary = "Open an engagement with a country",
    request_body = OpenBody,
    responses((status = 201, description = "Created", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn open(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    ApiJson(body): ApiJson<OpenBody>,
) -> ApiResult<Response> {
    let country = parse_as("country", &body.country, CountryCode::parse)?;
    if body.dpi_systems.len() > max::DPI_SYSTEMS {
        return Err(ApiError::invalid(
            "dpi_systems",
            format!("takes at most {} items", max::DPI_SYSTEMS),
        ));
    }
    let mut dpi_systems = Vec::new();
    for (i, d) in body.dpi_systems.iter().enumerate() {
        dpi_systems.push((
            parse_as(
                &format!("dpi_systems[{i}].type"),
                &d.system,
                DpiSystemType::parse,
            )?,
            parse_as(
                &format!("dpi_systems[{i}].stage"),
                &d.stage,
                StageCode::parse,
            )?,
        ));
    }
    let committed = engagements::open(
        &state.app,
        &caller,
        country,
        Title::parse_field("lead", &body.lead)?,
        parse_date("started_on", &body.started_on)?,
        dpi_systems,
    )
    .await?;
    Ok(created(committed))
}

#[utoipa::path(
    get,
    path = "/engagements",
    operation_id = "list_engagements",
    tag = "engagements",
    summary = "Every engagement",
    responses((status = 200, description = "Engagements", body = Vec<EngagementView>), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn list_engagements(
    State(state): State<AppState>,
    _: Signed,
) -> Json<Vec<EngagementView>> {
    Json(engagements::list(&state.app).await)
}

#[utoipa::path(
    get,
    path = "/engagements/{country}",
    operation_id = "get_engagement",
    tag = "engagements",
    summary = "One engagement; ETag is its version",
    params(("country" = inline(schema::Country), Path, description = "ISO 3166-1 alpha-3 code")),
    responses((status = 200, description = "The engagement", body = EngagementView), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn get_engagement(
    State(state): State<AppState>,
    _: Signed,
    Path(country): Path<CountryCode>,
) -> ApiResult<Response> {
    let view = engagements::get(&state.app, country).await?;
    Ok(with_etag(view.version, view))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityBody {
    #[schema(schema_with = schema::activity_kind)]
    pub kind: String,
    #[schema(schema_with = schema::title)]
    pub title: String,
    #[schema(schema_with = schema::date)]
    pub held_on: String,
    #[serde(default)]
    #[schema(schema_with = schema::authorities)]
    pub authorities: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = schema::optional_text)]
    pub note: Option<String>,
}

#[utoipa::path(
    post,
    path = "/engagements/{country}/activities",
    operation_id = "record_activity",
    tag = "engagements",
    summary = "Record an activity (a signed commitment letter moves exploring to committed)",
    params(("country" = inline(schema::Country), Path, description = "ISO 3166-1 alpha-3 code")),
    request_body = ActivityBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn record_activity(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(country): Path<CountryCode>,
    ApiJson(body): ApiJson<ActivityBody>,
) -> ApiResult<Response> {
    let activity = ActivityInput {
        kind: &body.kind,
        title: &body.title,
        held_on: &body.held_on,
        authorities: &body.authorities,
        note: body.note.as_deref(),
    }
    .parse()?;
    Ok(ok(engagements::record_activity(
        &state.app, &caller, country, activity,
    )
    .await?))
}

#[utoipa::path(
    post,
    path = "/engagements/{country}/dpi-systems",
    operation_id = "add_dpi_system",
    tag = "engagements",
    summary = "Track a DPI system at a stage",
    params(("country" = inline(schema::Country), Path, description = "ISO 3166-1 alpha-3 code")),
    request_body = DpiSystemBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn add_dpi_system(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(country): Path<CountryCode>,
    ApiJson(body): ApiJson<DpiSystemBody>,
) -> ApiResult<Response> {
    let system = parse_as("type", &body.system, DpiSystemType::parse)?;
    let stage = StageCode::parse(&body.stage)?;
    Ok(ok(engagements::add_dpi_system(
        &state.app, &caller, country, system, stage,
    )
    .await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageBody {
    #[schema(schema_with = schema::stage)]
    pub stage: String,
}

#[utoipa::path(
    post,
    path = "/engagements/{country}/dpi-systems/{type}/stage",
    operation_id = "move_dpi_system",
    tag = "engagements",
    summary = "Move a DPI system to another stage",
    params(
        ("country" = inline(schema::Country), Path, description = "ISO 3166-1 alpha-3 code"),
        ("type" = inline(schema::DpiSystem), Path, description = "DPI system type")
    ),
    request_body = StageBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn move_dpi_system(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path((country, system)): Path<(CountryCode, DpiSystemType)>,
    ApiJson(body): ApiJson<StageBody>,
) -> ApiResult<Response> {
    let stage = StageCode::parse(&body.stage)?;
    Ok(ok(engagements::move_dpi_system(
        &state.app, &caller, country, system, stage,
    )
    .await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FocalPointBody {
    #[schema(schema_with = schema::uuid)]
    pub account_id: String,
}

#[utoipa::path(
    post,
    path = "/engagements/{country}/focal-points",
    operation_id = "assign_focal_point",
    tag = "engagements",
    summary = "Assign a focal point (404 when no account has the id)",
    params(("country" = inline(schema::Country), Path, description = "ISO 3166-1 alpha-3 code")),
    request_body = FocalPointBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn assign_focal_point(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(country): Path<CountryCode>,
    ApiJson(body): ApiJson<FocalPointBody>,
) -> ApiResult<Response> {
    let account = AccountId::parse(&body.account_id)?;
    Ok(ok(engagements::assign_focal_point(
        &state.app, &caller, country, account,
    )
    .await?))
}

#[utoipa::path(
    delete,
    path = "/engagements/{country}/focal-points/{account_id}",
    operation_id = "remove_focal_point",
    tag = "engagements",
    summary = "Remove a focal point",
    params(
        ("country" = inline(schema::Country), Path, description = "ISO 3166-1 alpha-3 code"),
        ("account_id" = uuid::Uuid, Path, description = "Account id")
    ),
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn remove_focal_point(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path((country, account)): Path<(CountryCode, AccountId)>,
) -> ApiResult<Response> {
    Ok(ok(engagements::remove_focal_point(
        &state.app, &caller, country, account,
    )
    .await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    #[schema(schema_with = schema::engagement_status)]
    pub status: String,
    #[serde(default)]
    #[schema(schema_with = schema::optional_text)]
    pub reason: Option<String>,
}

#[utoipa::path(
    post,
    path = "/engagements/{country}/status",
    operation_id = "change_engagement_status",
    tag = "engagements",
    summary = "Change the engagement's status",
    params(("country" = inline(schema::Country), Path, description = "ISO 3166-1 alpha-3 code")),
    request_body = StatusBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn change_status(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(country): Path<CountryCode>,
    ApiJson(body): ApiJson<StatusBody>,
) -> ApiResult<Response> {
    let status = parse_word("status", &body.status)?;
    let reason = Text::parse_optional("reason", body.reason.as_deref())?;
    Ok(ok(engagements::change_status(
        &state.app, &caller, country, status, reason,
    )
    .await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnpublishBody {
    #[serde(default)]
    #[schema(schema_with = schema::optional_text)]
    pub reason: Option<String>,
}

#[utoipa::path(
    post,
    path = "/engagements/{country}/publish",
    operation_id = "publish_engagement",
    tag = "engagements",
    summary = "Publish the country's record",
    description = "The country appears on the public pages (when `SAFEGUARDS_PUBLIC_PAGES` is on) and in the open dataset from the next version. Programme managers and administrators.",
    params(("country" = inline(schema::Country), Path, description = "ISO 3166-1 alpha-3 code")),
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn publish(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(country): Path<CountryCode>,
) -> ApiResult<Response> {
    Ok(ok(engagements::publish(&state.app, &caller, country).await?))
}

#[utoipa::path(
    post,
    path = "/engagements/{country}/unpublish",
    operation_id = "unpublish_engagement",
    tag = "engagements",
    summary = "Take the country's record off the public pages",
    description = "Gone from the public pages at once and from the next dataset versions (versions already cited stay as they were).",
    params(("country" = inline(schema::Country), Path, description = "ISO 3166-1 alpha-3 code")),
    request_body = UnpublishBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn unpublish(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(country): Path<CountryCode>,
    ApiJson(body): ApiJson<UnpublishBody>,
) -> ApiResult<Response> {
    let reason = Text::parse_optional("reason", body.reason.as_deref())?;
    Ok(ok(engagements::unpublish(
        &state.app, &caller, country, reason,
    )
    .await?))
}
