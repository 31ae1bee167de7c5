//! `/api/v1/commitments…` and a country's commitments.

use axum::extract::State;
use axum::response::Response;
use safeguards_app::commitments;
use safeguards_domain::commitment::CommitmentRevision;
use safeguards_domain::values::{
    parse_as, parse_date, AuthorityCode, CommitmentId, CountryCode, DpiSystemType, ProcessRef,
    RiskCode, StageCode, Text, Title,
};
use safeguards_projections::views::CommitmentOut;
use serde::Deserialize;

use super::{created, ok, with_etag, Path};
use crate::api::schema::{self, list, max};
use crate::http::error::ApiResult;
use crate::http::extract::{ApiJson, Cmd, Signed};
use crate::http::input::{principles, CommitmentInput};
use crate::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCommitmentBody {
    #[schema(schema_with = schema::title)]
    pub title: String,
    #[serde(default)]
    #[schema(schema_with = schema::optional_text)]
    pub description: Option<String>,
    #[schema(schema_with = schema::principles)]
    pub principles: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = schema::risks)]
    pub risks: Vec<String>,
    #[schema(schema_with = schema::authority)]
    pub authority: String,
    #[schema(schema_with = schema::stage)]
    pub stage: String,
    #[serde(default)]
    #[schema(schema_with = schema::optional_dpi_system)]
    pub dpi_system: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schema::process_refs)]
    pub process_refs: Vec<String>,
    #[schema(schema_with = schema::date)]
    pub due_on: String,
}

#[utoipa::path(
    post,
    path = "/engagements/{country}/commitments",
    operation_id = "create_commitment",
    tag = "commitments",
    summary = "Record a commitment",
    params(("country" = inline(schema::Country), Path, description = "ISO 3166-1 alpha-3 code")),
    request_body = CreateCommitmentBody,
    responses((status = 201, description = "Created", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn create_commitment(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(country): Path<CountryCode>,
    ApiJson(body): ApiJson<CreateCommitmentBody>,
) -> ApiResult<Response> {
    let fields = CommitmentInput {
        title: &body.title,
        description: body.description.as_deref(),
        principles: &body.principles,
        risks: &body.risks,
        authority: &body.authority,
        stage: &body.stage,
        dpi_system: body.dpi_system.as_deref(),
        process_refs: &body.process_refs,
        due_on: &body.due_on,
    }
    .parse()?;
    let committed =
        commitments::create(&state.app, &caller, country, CommitmentId::new(), fields).await?;
    Ok(created(committed))
}

#[utoipa::path(
    get,
    path = "/engagements/{country}/commitments",
    operation_id = "list_commitments",
    tag = "commitments",
    summary = "A country's commitments, a page at a time, each with its first milestones",
    params(("country" = inline(schema::Country), Path, description = "ISO 3166-1 alpha-3 code"), crate::api::paging::PageQuery),
    responses((status = 200, description = "A page of commitments, each with its first five milestones and `milestones_next` to the rest; `Link: rel=\"next\"` to the next page", body = Vec<CommitmentOut>), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn list_commitments(
    State(state): State<AppState>,
    _: Signed,
    Path(country): Path<CountryCode>,
    crate::http::extract::ApiQuery(q): crate::http::extract::ApiQuery<
        crate::api::paging::PageQuery,
    >,
) -> ApiResult<Response> {
    let all = super::progress::country_today(&state, country)
        .await?
        .commitments;
    let mut page = q.page(all, |c| c.commitment.id.as_str().into())?;
    for c in &mut page.items {
        super::progress::cut_milestones(c, super::progress::MILESTONES_SHOWN);
    }
    let next = q.next(
        &format!("/api/v1/engagements/{country}/commitments"),
        page.next,
    );
    Ok(crate::api::paging::array(page.items, next))
}

#[utoipa::path(
    get,
    path = "/commitments/{id}",
    operation_id = "get_commitment",
    tag = "commitments",
    summary = "One commitment with its milestones; ETag is its version",
    params(("id" = uuid::Uuid, Path, description = "Commitment id")),
    responses((status = 200, description = "The commitment", body = CommitmentOut), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn get_commitment(
    State(state): State<AppState>,
    _: Signed,
    Path(id): Path<CommitmentId>,
) -> ApiResult<Response> {
    let out = commitments::get(&state.app, id).await?;
    Ok(with_etag(out.commitment.version, out))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviseBody {
    #[serde(default)]
    #[schema(schema_with = schema::optional_title)]
    pub title: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schema::optional_text)]
    pub description: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schema::optional_principles)]
    pub principles: Option<Vec<String>>,
    #[serde(default)]
    #[schema(schema_with = schema::optional_risks)]
    pub risks: Option<Vec<String>>,
    #[serde(default)]
    #[schema(schema_with = schema::optional_authority)]
    pub authority: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schema::optional_stage)]
    pub stage: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schema::optional_dpi_system)]
    pub dpi_system: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schema::optional_process_refs)]
    pub process_refs: Option<Vec<String>>,
    #[serde(default)]
    #[schema(schema_with = schema::optional_date)]
    pub due_on: Option<String>,
}

#[utoipa::path(
    post,
    path = "/commitments/{id}/revise",
    operation_id = "revise_commitment",
    tag = "commitments",
    summary = "Revise a commitment (only the fields given change; 409 when nothing would)",
    params(("id" = uuid::Uuid, Path, description = "Commitment id")),
    request_body = ReviseBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn revise(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(id): Path<CommitmentId>,
    ApiJson(body): ApiJson<ReviseBody>,
) -> ApiResult<Response> {
    let revision = CommitmentRevision {
        title: Title::parse_optional("title", body.title.as_deref())?,
        description: Text::parse_optional("description", body.description.as_deref())?,
        principles: body.principles.as_deref().map(principles).transpose()?,
        risks: body
            .risks
            .as_deref()
            .map(|r| list("risks", r, max::RISKS, RiskCode::parse))
            .transpose()?,
        authority: body
            .authority
            .as_deref()
            .map(|a| parse_as("authority", a, AuthorityCode::parse))
            .transpose()?,
        stage: body
            .stage
            .as_deref()
            .map(|s| parse_as("stage", s, StageCode::parse))
            .transpose()?,
        dpi_system: body
            .dpi_system
            .as_deref()
            .map(|d| parse_as("dpi_system", d, DpiSystemType::parse))
            .transpose()?,
        process_refs: body
            .process_refs
            .as_deref()
            .map(|r| list("process_refs", r, max::PROCESS_REFS, ProcessRef::parse))
            .transpose()?,
        due_on: body
            .due_on
            .as_deref()
            .map(|d| parse_date("due_on", d))
            .transpose()?,
    };
    Ok(ok(
        commitments::revise(&state.app, &caller, id, revision).await?
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    #[schema(schema_with = schema::text_field)]
    pub reason: String,
}

#[utoipa::path(
    post,
    path = "/commitments/{id}/withdraw",
    operation_id = "withdraw_commitment",
    tag = "commitments",
    summary = "Withdraw a commitment",
    params(("id" = uuid::Uuid, Path, description = "Commitment id")),
    request_body = ReasonBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn withdraw(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(id): Path<CommitmentId>,
    ApiJson(body): ApiJson<ReasonBody>,
) -> ApiResult<Response> {
    let reason = Text::parse_field("reason", &body.reason)?;
    Ok(ok(
        commitments::withdraw(&state.app, &caller, id, reason).await?
    ))
}
