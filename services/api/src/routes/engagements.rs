//! `/api/v1/engagements…`: one engagement per country.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use safeguards_domain::engagement::{
    ActivityKind, Engagement, EngagementCommand, EngagementStatus,
};
use safeguards_domain::values::{
    parse_word, AccountId, AuthorityCode, CountryCode, DpiSystemType, StageCode, Text, Title,
};
use safeguards_projections::model::EngagementView;
use serde::Deserialize;

use super::{created, date, each, field, ok, with_etag};
use crate::auth::{authorize, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, Cmd};
use crate::AppState;

/// The engagement of `raw`, which must be a known country with an open engagement.
pub(super) fn country(raw: &str) -> ApiResult<CountryCode> {
    CountryCode::parse(raw).map_err(|e| ApiError::not_found(e.reason))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DpiSystemBody {
    #[serde(rename = "type")]
    pub system: String,
    pub stage: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenBody {
    pub country: String,
    pub lead: String,
    pub started_on: String,
    #[serde(default)]
    pub dpi_systems: Vec<DpiSystemBody>,
}

#[utoipa::path(
    post,
    path = "/api/v1/engagements",
    tag = "engagements",
    summary = "Open an engagement with a country",
    request_body = OpenBody,
    responses((status = 201, description = "Created", body = super::CommandAnswer), crate::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn open(
    State(state): State<AppState>,
    cmd: Cmd,
    ApiJson(body): ApiJson<OpenBody>,
) -> ApiResult<Response> {
    authorize(
        &cmd.principal,
        Action::ManageEngagement,
        Some(body.country.trim()),
    )?;
    let country = field("country", &body.country, CountryCode::parse)?;
    let mut dpi_systems = Vec::new();
    for (i, d) in body.dpi_systems.iter().enumerate() {
        dpi_systems.push((
            field(
                &format!("dpi_systems[{i}].type"),
                &d.system,
                DpiSystemType::parse,
            )?,
            field(
                &format!("dpi_systems[{i}].stage"),
                &d.stage,
                StageCode::parse,
            )?,
        ));
    }
    let command = EngagementCommand::Open {
        country,
        lead: field("lead", &body.lead, |r| Title::parse_field("lead", r))?,
        started_on: date("started_on", &body.started_on)?,
        dpi_systems,
    };
    let committed = state
        .execute::<Engagement>(&cmd.context(), country.as_str(), command, cmd.if_match)
        .await?;
    Ok(created(committed))
}

#[utoipa::path(
    get,
    path = "/api/v1/engagements",
    tag = "engagements",
    summary = "Every engagement",
    responses((status = 200, description = "Engagements", body = Vec<EngagementView>), crate::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    _: crate::auth::Principal,
) -> Json<Vec<EngagementView>> {
    Json(
        state
            .projector
            .read()
            .await
            .engagements
            .values()
            .cloned()
            .collect(),
    )
}

#[utoipa::path(
    get,
    path = "/api/v1/engagements/{country}",
    tag = "engagements",
    summary = "One engagement; ETag is its version",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-3 code")),
    responses((status = 200, description = "The engagement", body = EngagementView), crate::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    _: crate::auth::Principal,
    Path(raw): Path<String>,
) -> ApiResult<Response> {
    let country = country(&raw)?;
    let model = state.projector.read().await;
    let view = model
        .engagements
        .get(country.as_str())
        .ok_or_else(|| ApiError::not_found(format!("no engagement is open for {country}")))?;
    Ok(with_etag(view.version, view))
}

/// Run an engagement command after checking the role for `action` in that country.
async fn run(
    state: &AppState,
    cmd: &Cmd,
    raw: &str,
    action: Action,
    command: EngagementCommand,
) -> ApiResult<Response> {
    let country = country(raw)?;
    authorize(&cmd.principal, action, Some(country.as_str()))?;
    let committed = state
        .execute::<Engagement>(&cmd.context(), country.as_str(), command, cmd.if_match)
        .await?;
    Ok(ok(committed))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityBody {
    pub kind: String,
    pub title: String,
    pub held_on: String,
    #[serde(default)]
    pub authorities: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/engagements/{country}/activities",
    tag = "engagements",
    summary = "Record an engagement activity",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-3 code")),
    request_body = ActivityBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn record_activity(
    State(state): State<AppState>,
    cmd: Cmd,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<ActivityBody>,
) -> ApiResult<Response> {
    country(&raw)
        .and_then(|c| authorize(&cmd.principal, Action::RecordActivity, Some(c.as_str())))?;
    let command = EngagementCommand::RecordActivity {
        kind: parse_word::<ActivityKind>("kind", &body.kind)?,
        title: Title::parse(&body.title)?,
        held_on: date("held_on", &body.held_on)?,
        authorities: each("authorities", &body.authorities, AuthorityCode::parse)?,
        note: Text::parse_optional("note", body.note.as_deref())?,
    };
    run(&state, &cmd, &raw, Action::RecordActivity, command).await
}

#[utoipa::path(
    post,
    path = "/api/v1/engagements/{country}/dpi-systems",
    tag = "engagements",
    summary = "Track a DPI system at a stage",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-3 code")),
    request_body = DpiSystemBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn add_dpi_system(
    State(state): State<AppState>,
    cmd: Cmd,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<DpiSystemBody>,
) -> ApiResult<Response> {
    country(&raw)
        .and_then(|c| authorize(&cmd.principal, Action::ManageEngagement, Some(c.as_str())))?;
    let command = EngagementCommand::AddDpiSystem {
        system: field("type", &body.system, DpiSystemType::parse)?,
        stage: field("stage", &body.stage, StageCode::parse)?,
    };
    run(&state, &cmd, &raw, Action::ManageEngagement, command).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageBody {
    pub stage: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/engagements/{country}/dpi-systems/{type}/stage",
    tag = "engagements",
    summary = "Move a DPI system to another stage",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-3 code"), ("type" = String, Path, description = "DPI system type")),
    request_body = StageBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn move_dpi_system(
    State(state): State<AppState>,
    cmd: Cmd,
    Path((raw, system)): Path<(String, String)>,
    ApiJson(body): ApiJson<StageBody>,
) -> ApiResult<Response> {
    country(&raw)
        .and_then(|c| authorize(&cmd.principal, Action::ManageEngagement, Some(c.as_str())))?;
    let system = DpiSystemType::parse(&system).map_err(|e| ApiError::not_found(e.reason))?;
    let command = EngagementCommand::MoveDpiSystem {
        system,
        stage: field("stage", &body.stage, StageCode::parse)?,
    };
    run(&state, &cmd, &raw, Action::ManageEngagement, command).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FocalPointBody {
    pub account_id: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/engagements/{country}/focal-points",
    tag = "engagements",
    summary = "Assign a focal point",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-3 code")),
    request_body = FocalPointBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn assign_focal_point(
    State(state): State<AppState>,
    cmd: Cmd,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<FocalPointBody>,
) -> ApiResult<Response> {
    country(&raw)
        .and_then(|c| authorize(&cmd.principal, Action::ManageEngagement, Some(c.as_str())))?;
    let account = AccountId::parse(&body.account_id)?;
    if !state
        .projector
        .read()
        .await
        .accounts
        .contains_key(&account.to_string())
    {
        return Err(ApiError::invalid("account_id", "no account has this id"));
    }
    run(
        &state,
        &cmd,
        &raw,
        Action::ManageEngagement,
        EngagementCommand::AssignFocalPoint { account },
    )
    .await
}

#[utoipa::path(
    delete,
    path = "/api/v1/engagements/{country}/focal-points/{account_id}",
    tag = "engagements",
    summary = "Remove a focal point",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-3 code"), ("account_id" = String, Path, description = "Account id")),
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn remove_focal_point(
    State(state): State<AppState>,
    cmd: Cmd,
    Path((raw, account)): Path<(String, String)>,
) -> ApiResult<Response> {
    let account = AccountId::parse(&account).map_err(|e| ApiError::not_found(e.reason))?;
    run(
        &state,
        &cmd,
        &raw,
        Action::ManageEngagement,
        EngagementCommand::RemoveFocalPoint { account },
    )
    .await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/engagements/{country}/status",
    tag = "engagements",
    summary = "Change the engagement's status",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-3 code")),
    request_body = StatusBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn change_status(
    State(state): State<AppState>,
    cmd: Cmd,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<StatusBody>,
) -> ApiResult<Response> {
    country(&raw)
        .and_then(|c| authorize(&cmd.principal, Action::ManageEngagement, Some(c.as_str())))?;
    let command = EngagementCommand::ChangeStatus {
        status: parse_word::<EngagementStatus>("status", &body.status)?,
        reason: Text::parse_optional("reason", body.reason.as_deref())?,
    };
    run(&state, &cmd, &raw, Action::ManageEngagement, command).await
}
