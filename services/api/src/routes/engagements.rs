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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DpiSystemBody {
    #[serde(rename = "type")]
    pub system: String,
    pub stage: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenBody {
    pub country: String,
    pub lead: String,
    pub started_on: String,
    #[serde(default)]
    pub dpi_systems: Vec<DpiSystemBody>,
}

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

#[derive(Debug, Deserialize)]
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageBody {
    pub stage: String,
}

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FocalPointBody {
    pub account_id: String,
}

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
}

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
