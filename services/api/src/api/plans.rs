//! `/api/v1/engagements/{country}/plan` (action plans from the catalogue's processes) and
//! `/api/v1/coverage…` (the risks a country's commitments leave uncovered).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use safeguards_app::{plans, progress};
use safeguards_domain::processes::Process;
use safeguards_domain::values::{
    parse_as, parse_date, AuthorityCode, CommitmentId, CountryCode, StageCode,
};
use safeguards_projections::coverage::Coverage;
use serde::{Deserialize, Serialize};

use super::{CommandAnswer, Path};
use crate::api::commitments::CreateCommitmentBody;
use crate::api::schema;
use crate::http::error::ApiResult;
use crate::http::extract::{ApiJson, ApiQuery, Cmd, Signed};
use crate::http::input::CommitmentInput;
use crate::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PlanQuery {
    /// The responsible authority (`R1`–`R5`)
    #[param(value_type = schema::Authority, inline)]
    pub authority: String,
    /// The life-cycle stage (`L1`–`L5`)
    #[param(value_type = schema::Stage, inline)]
    pub stage: String,
    /// `YYYY-MM-DD`: the due date of the drafted commitments
    #[param(value_type = schema::Date, inline)]
    pub due_on: String,
}

/// A commitment drafted from a process, in the shape `POST …/plan` and
/// `POST …/commitments` take.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DraftCommitment {
    pub title: String,
    pub principles: Vec<String>,
    pub risks: Vec<String>,
    pub authority: String,
    pub stage: String,
    pub process_refs: Vec<String>,
    pub due_on: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlanDraft {
    pub process: Process,
    pub commitment: DraftCommitment,
}

#[utoipa::path(
    get,
    path = "/engagements/{country}/plan",
    operation_id = "draft_plan",
    tag = "plans",
    summary = "The processes an authority carries at a stage, drafted as commitments to edit and save",
    params(("country" = inline(schema::Country), Path, description = "ISO 3166-1 alpha-3 code"), PlanQuery),
    responses((status = 200, description = "Drafts", body = Vec<PlanDraft>), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn draft_plan(
    State(state): State<AppState>,
    _: Signed,
    Path(_): Path<CountryCode>,
    ApiQuery(q): ApiQuery<PlanQuery>,
) -> ApiResult<Json<Vec<PlanDraft>>> {
    let authority = parse_as("authority", &q.authority, AuthorityCode::parse)?;
    let stage = parse_as("stage", &q.stage, StageCode::parse)?;
    let due_on = parse_date("due_on", &q.due_on)?;
    let drafts = plans::draft(&state.app, authority, stage, due_on)?;
    Ok(Json(
        drafts
            .into_iter()
            .map(|d| PlanDraft {
                commitment: DraftCommitment {
                    title: d.fields.title.as_str().to_string(),
                    principles: strings(d.fields.principles.iter().map(|p| p.as_str())),
                    risks: strings(d.fields.risks.iter().map(|r| r.as_str())),
                    authority: d.fields.authority.as_str().to_string(),
                    stage: d.fields.stage.as_str().to_string(),
                    process_refs: strings(d.fields.process_refs.iter().map(|r| r.as_str())),
                    due_on: d.fields.due_on.to_string(),
                },
                process: d.process,
            })
            .collect(),
    ))
}

fn strings<'a>(items: impl Iterator<Item = &'a str>) -> Vec<String> {
    items.map(str::to_string).collect()
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SavePlanBody {
    /// The plan's commitments (at most 100), each as `POST …/commitments` takes it.
    #[schema(min_items = 1, max_items = 100)]
    pub commitments: Vec<CreateCommitmentBody>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SavedPlan {
    pub created: Vec<CommandAnswer>,
}

#[utoipa::path(
    post,
    path = "/engagements/{country}/plan",
    operation_id = "save_plan",
    tag = "plans",
    summary = "Record a plan's commitments; one invalid commitment records none",
    params(("country" = inline(schema::Country), Path, description = "ISO 3166-1 alpha-3 code")),
    request_body = SavePlanBody,
    responses((status = 201, description = "Created", body = SavedPlan), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn save_plan(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(country): Path<CountryCode>,
    ApiJson(body): ApiJson<SavePlanBody>,
) -> ApiResult<Response> {
    let plan = body
        .commitments
        .iter()
        .map(|c| {
            CommitmentInput {
                title: &c.title,
                description: c.description.as_deref(),
                principles: &c.principles,
                risks: &c.risks,
                authority: &c.authority,
                stage: &c.stage,
                dpi_system: c.dpi_system.as_deref(),
                process_refs: &c.process_refs,
                due_on: &c.due_on,
            }
            .parse()
            .map(|fields| (CommitmentId::new(), fields))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let saved = plans::save(&state.app, &caller, country, plan).await?;
    let created = saved
        .created
        .into_iter()
        .map(|(_, c)| CommandAnswer {
            id: c.aggregate_id,
            version: c.version,
            position: c.position,
        })
        .collect();
    Ok((StatusCode::CREATED, Json(SavedPlan { created })).into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AsOfQuery {
    /// `YYYY-MM-DD`: the state at the end of that day (UTC)
    #[param(schema_with = schema::date)]
    pub as_of: Option<String>,
}

fn day(q: &AsOfQuery) -> ApiResult<Option<chrono::NaiveDate>> {
    Ok(q.as_of
        .as_deref()
        .map(|d| parse_date("as_of", d))
        .transpose()?)
}

#[utoipa::path(
    get,
    path = "/coverage",
    operation_id = "coverage",
    tag = "progress",
    summary = "Every engaged country's coverage of the 13 risks (the risk × country matrix)",
    params(AsOfQuery),
    responses((status = 200, description = "Coverage per country", body = Vec<Coverage>), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn coverage_all(
    State(state): State<AppState>,
    _: Signed,
    ApiQuery(q): ApiQuery<AsOfQuery>,
) -> ApiResult<Json<Vec<Coverage>>> {
    Ok(Json(progress::coverage_all(&state.app, day(&q)?).await?))
}

#[utoipa::path(
    get,
    path = "/coverage/{country}",
    operation_id = "coverage_of_country",
    tag = "progress",
    summary = "Which risks a country's active commitments cover at its DPI systems' stages, and the processes that would cover the rest",
    params(("country" = inline(schema::Country), Path, description = "ISO 3166-1 alpha-3 code"), AsOfQuery),
    responses((status = 200, description = "Coverage", body = Coverage), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn coverage(
    State(state): State<AppState>,
    _: Signed,
    Path(country): Path<CountryCode>,
    ApiQuery(q): ApiQuery<AsOfQuery>,
) -> ApiResult<Json<Coverage>> {
    Ok(Json(
        progress::coverage(&state.app, country, day(&q)?).await?,
    ))
}
