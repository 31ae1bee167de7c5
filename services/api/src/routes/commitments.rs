//! `/api/v1/commitments…` and a country's commitments.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use safeguards_domain::commitment::{
    Commitment, CommitmentCommand, CommitmentFields, CommitmentRevision,
};
use safeguards_domain::engagement::EngagementStatus;
use safeguards_domain::values::{
    AuthorityCode, CommitmentId, DpiSystemType, PrincipleCode, ProcessRef, RiskCode, StageCode,
    Text, Title,
};
use safeguards_projections::views::{self, CommitmentOut};
use safeguards_projections::Tracker;
use serde::Deserialize;

use super::engagements::country;
use super::{created, date, each, field, ok, with_etag};
use crate::auth::{authorize, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, Cmd};
use crate::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub principles: Vec<String>,
    #[serde(default)]
    pub risks: Vec<String>,
    pub authority: String,
    pub stage: String,
    #[serde(default)]
    pub dpi_system: Option<String>,
    #[serde(default)]
    pub process_refs: Vec<String>,
    pub due_on: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/engagements/{country}/commitments",
    tag = "commitments",
    summary = "Record a commitment",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-3 code")),
    request_body = CreateBody,
    responses((status = 201, description = "Created", body = super::CommandAnswer), crate::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    cmd: Cmd,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<CreateBody>,
) -> ApiResult<Response> {
    let country = country(&raw)?;
    authorize(
        &cmd.principal,
        Action::EditCommitments,
        Some(country.as_str()),
    )?;
    let fields = CommitmentFields {
        title: Title::parse(&body.title)?,
        description: Text::parse_optional("description", body.description.as_deref())?,
        principles: each("principles", &body.principles, PrincipleCode::parse)?,
        risks: each("risks", &body.risks, RiskCode::parse)?,
        authority: field("authority", &body.authority, AuthorityCode::parse)?,
        stage: field("stage", &body.stage, StageCode::parse)?,
        dpi_system: body
            .dpi_system
            .as_deref()
            .map(|d| field("dpi_system", d, DpiSystemType::parse))
            .transpose()?,
        process_refs: each("process_refs", &body.process_refs, ProcessRef::parse)?,
        due_on: date("due_on", &body.due_on)?,
    };
    {
        state.projector.wait_for(0, state.freshness_wait).await;
        let model = state.projector.read().await;
        let engagement = model
            .engagements
            .get(country.as_str())
            .ok_or_else(|| ApiError::not_found(format!("no engagement is open for {country}")))?;
        if engagement.status == EngagementStatus::Closed {
            return Err(ApiError::conflict(format!(
                "the engagement with {country} is closed"
            )));
        }
    }
    let id = CommitmentId::new();
    let committed = state
        .execute::<Commitment>(
            &cmd.context(),
            &id.to_string(),
            CommitmentCommand::Create { country, fields },
            None,
        )
        .await?;
    Ok(created(committed))
}

#[utoipa::path(
    get,
    path = "/api/v1/engagements/{country}/commitments",
    tag = "commitments",
    summary = "A country's commitments with their milestones",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-3 code")),
    responses((status = 200, description = "Commitments", body = Vec<CommitmentOut>), crate::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn list_for_country(
    State(state): State<AppState>,
    _: crate::auth::Principal,
    Path(raw): Path<String>,
) -> ApiResult<Json<Vec<CommitmentOut>>> {
    let country = country(&raw)?;
    let model = state.projector.read().await;
    let progress = views::country(&model, country.as_str(), state.clock.today())
        .ok_or_else(|| ApiError::not_found(format!("no engagement is open for {country}")))?;
    Ok(Json(progress.commitments))
}

/// The commitment with its milestones, as the views show it.
pub(super) fn commitment_out(
    model: &Tracker,
    id: &str,
    today: chrono::NaiveDate,
) -> ApiResult<CommitmentOut> {
    let c = model
        .commitments
        .get(id)
        .ok_or_else(|| ApiError::not_found("no such commitment"))?;
    Ok(views::commitment_out(model, c, today))
}

#[utoipa::path(
    get,
    path = "/api/v1/commitments/{id}",
    tag = "commitments",
    summary = "One commitment with its milestones; ETag is its version",
    params(("id" = String, Path, description = "Commitment id")),
    responses((status = 200, description = "The commitment", body = CommitmentOut), crate::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    _: crate::auth::Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let model = state.projector.read().await;
    let out = commitment_out(&model, &id, state.clock.today())?;
    Ok(with_etag(out.commitment.version, out))
}

/// The country of an existing commitment (404 when there is none).
pub(super) async fn country_of(state: &AppState, id: &str) -> ApiResult<String> {
    state.projector.wait_for(0, state.freshness_wait).await;
    state
        .projector
        .read()
        .await
        .commitments
        .get(id)
        .map(|c| c.country.clone())
        .ok_or_else(|| ApiError::not_found("no such commitment"))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviseBody {
    pub title: Option<String>,
    pub description: Option<String>,
    pub principles: Option<Vec<String>>,
    pub risks: Option<Vec<String>>,
    pub authority: Option<String>,
    pub stage: Option<String>,
    pub dpi_system: Option<String>,
    pub process_refs: Option<Vec<String>>,
    pub due_on: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/commitments/{id}/revise",
    tag = "commitments",
    summary = "Revise a commitment (only the fields given change)",
    params(("id" = String, Path, description = "Commitment id")),
    request_body = ReviseBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn revise(
    State(state): State<AppState>,
    cmd: Cmd,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReviseBody>,
) -> ApiResult<Response> {
    Ok(ok(run_revise(&state, &cmd, &id, body).await?))
}

/// Revise a commitment; shared by the API and the page forms.
pub async fn run_revise(
    state: &AppState,
    cmd: &Cmd,
    id: &str,
    body: ReviseBody,
) -> ApiResult<safeguards_infra::Committed> {
    let country = country_of(state, id).await?;
    authorize(&cmd.principal, Action::EditCommitments, Some(&country))?;
    let revision = CommitmentRevision {
        title: body.title.as_deref().map(Title::parse).transpose()?,
        description: Text::parse_optional("description", body.description.as_deref())?,
        principles: body
            .principles
            .as_deref()
            .map(|p| each("principles", p, PrincipleCode::parse))
            .transpose()?,
        risks: body
            .risks
            .as_deref()
            .map(|r| each("risks", r, RiskCode::parse))
            .transpose()?,
        authority: body
            .authority
            .as_deref()
            .map(|a| field("authority", a, AuthorityCode::parse))
            .transpose()?,
        stage: body
            .stage
            .as_deref()
            .map(|s| field("stage", s, StageCode::parse))
            .transpose()?,
        dpi_system: body
            .dpi_system
            .as_deref()
            .map(|d| field("dpi_system", d, DpiSystemType::parse))
            .transpose()?,
        process_refs: body
            .process_refs
            .as_deref()
            .map(|r| each("process_refs", r, ProcessRef::parse))
            .transpose()?,
        due_on: body
            .due_on
            .as_deref()
            .map(|d| date("due_on", d))
            .transpose()?,
    };
    state
        .execute::<Commitment>(
            &cmd.context(),
            id,
            CommitmentCommand::Revise { revision },
            cmd.if_match,
        )
        .await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    pub reason: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/commitments/{id}/withdraw",
    tag = "commitments",
    summary = "Withdraw a commitment",
    params(("id" = String, Path, description = "Commitment id")),
    request_body = ReasonBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn withdraw(
    State(state): State<AppState>,
    cmd: Cmd,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonBody>,
) -> ApiResult<Response> {
    Ok(ok(run_withdraw(&state, &cmd, &id, &body.reason).await?))
}

/// Withdraw a commitment; shared by the API and the page forms.
pub async fn run_withdraw(
    state: &AppState,
    cmd: &Cmd,
    id: &str,
    reason: &str,
) -> ApiResult<safeguards_infra::Committed> {
    let country = country_of(state, id).await?;
    authorize(&cmd.principal, Action::EditCommitments, Some(&country))?;
    let reason = Text::parse_field("reason", reason)?;
    state
        .execute::<Commitment>(
            &cmd.context(),
            id,
            CommitmentCommand::Withdraw { reason },
            cmd.if_match,
        )
        .await
}
