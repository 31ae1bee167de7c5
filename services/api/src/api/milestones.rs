//! `/api/v1/milestones…`: a milestone's life, one route per step.

use axum::extract::State;
use axum::response::Response;
use safeguards_app::milestones;
use safeguards_domain::milestone::{MilestoneStep, StepInput};
use safeguards_domain::values::{
    parse_as, parse_date, CommitmentId, Evidence, EvidenceUrl, MilestoneId, Percent, StageCode,
    Text, Title,
};
use safeguards_projections::views::MilestoneOut;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{created, ok, with_etag, Path};
use crate::api::schema::{self, max};
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{ApiJson, Cmd, OptionalJson, Signed};
use crate::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMilestoneBody {
    #[schema(schema_with = schema::title)]
    pub title: String,
    #[schema(schema_with = schema::date)]
    pub due_on: String,
    #[serde(default)]
    #[schema(schema_with = schema::optional_stage)]
    pub stage: Option<String>,
}

#[utoipa::path(
    post,
    path = "/commitments/{id}/milestones",
    operation_id = "add_milestone",
    tag = "milestones",
    summary = "Add a milestone to a commitment",
    params(("id" = uuid::Uuid, Path, description = "Commitment id")),
    request_body = AddMilestoneBody,
    responses((status = 201, description = "Created", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn add_milestone(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(commitment): Path<CommitmentId>,
    ApiJson(body): ApiJson<AddMilestoneBody>,
) -> ApiResult<Response> {
    let committed = milestones::add(
        &state.app,
        &caller,
        commitment,
        MilestoneId::new(),
        Title::parse(&body.title)?,
        parse_date("due_on", &body.due_on)?,
        body.stage
            .as_deref()
            .map(|s| parse_as("stage", s, StageCode::parse))
            .transpose()?,
    )
    .await?;
    Ok(created(committed))
}

/// `GET /api/v1/commitments/{id}/milestones?limit=&cursor=`.
#[utoipa::path(
    get,
    path = "/commitments/{id}/milestones",
    operation_id = "list_milestones",
    tag = "milestones",
    summary = "A commitment's milestones, a page at a time",
    params(("id" = uuid::Uuid, Path, description = "Commitment id"), crate::api::paging::PageQuery),
    responses((status = 200, description = "A page of milestones; `Link: rel=\"next\"` to the next", body = Vec<MilestoneOut>), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn list_milestones(
    State(state): State<AppState>,
    _: Signed,
    Path(id): Path<CommitmentId>,
    crate::http::extract::ApiQuery(q): crate::http::extract::ApiQuery<
        crate::api::paging::PageQuery,
    >,
) -> ApiResult<Response> {
    let all = safeguards_app::commitments::milestones(&state.app, id).await?;
    let page = q.page(all, |m| m.milestone.id.as_str().into())?;
    let next = q.next(&format!("/api/v1/commitments/{id}/milestones"), page.next);
    Ok(crate::api::paging::array(page.items, next))
}

#[utoipa::path(
    get,
    path = "/milestones/{id}",
    operation_id = "get_milestone",
    tag = "milestones",
    summary = "One milestone; ETag is its version",
    params(("id" = uuid::Uuid, Path, description = "Milestone id")),
    responses((status = 200, description = "The milestone", body = MilestoneOut), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn get_milestone(
    State(state): State<AppState>,
    _: Signed,
    Path(id): Path<MilestoneId>,
) -> ApiResult<Response> {
    let out = milestones::get(&state.app, id).await?;
    Ok(with_etag(out.milestone.version, out))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    #[serde(default)]
    #[schema(schema_with = schema::optional_text)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressBody {
    #[schema(schema_with = schema::percent)]
    pub percent: serde_json::Number,
    #[serde(default)]
    #[schema(schema_with = schema::optional_text)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    #[schema(schema_with = schema::text_field)]
    pub reason: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceBody {
    #[schema(schema_with = schema::title)]
    pub title: String,
    #[schema(schema_with = schema::evidence_url)]
    pub url: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AchieveBody {
    /// Links to the evidence; may be left out when evidence (a link, a document) is recorded
    /// on the milestone already.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub evidence: Vec<EvidenceBody>,
    #[serde(default)]
    #[schema(schema_with = schema::optional_text)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleBody {
    #[schema(schema_with = schema::date)]
    pub due_on: String,
    #[schema(schema_with = schema::text_field)]
    pub reason: String,
}

/// A percentage: a whole number from 0 to 100 (`40` or `40.0`, as JSON Schema's integers are).
fn percent(raw: &serde_json::Number) -> ApiResult<Percent> {
    let whole = raw
        .as_i64()
        .or_else(|| {
            raw.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() <= 1e15)
                .map(|f| f as i64)
        })
        .unwrap_or(-1);
    Ok(Percent::parse(whole)?)
}

fn note(raw: Option<String>) -> ApiResult<Option<Text>> {
    Ok(Text::parse_optional("note", raw.as_deref())?)
}

fn reason(raw: &str) -> ApiResult<Option<Text>> {
    Ok(Some(Text::parse_field("reason", raw)?))
}

fn evidence(raw: &[EvidenceBody]) -> ApiResult<Vec<Evidence>> {
    // None is a question for the milestone: whether evidence is recorded on it already.
    if raw.len() > max::EVIDENCE {
        return Err(ApiError::invalid(
            "evidence",
            format!(
                "an achievement takes at most {} pieces of evidence (title and url)",
                max::EVIDENCE
            ),
        ));
    }
    raw.iter()
        .enumerate()
        .map(|(i, e)| {
            Ok(Evidence {
                title: parse_as(&format!("evidence[{i}].title"), &e.title, Title::parse)?,
                url: parse_as(&format!("evidence[{i}].url"), &e.url, EvidenceUrl::parse)?,
            })
        })
        .collect()
}

/// A step's body, parsed into what the step is given.
trait StepBody {
    fn input(self) -> ApiResult<StepInput>;
}

impl StepBody for NoteBody {
    fn input(self) -> ApiResult<StepInput> {
        Ok(StepInput {
            note: note(self.note)?,
            ..StepInput::default()
        })
    }
}

impl StepBody for ProgressBody {
    fn input(self) -> ApiResult<StepInput> {
        Ok(StepInput {
            percent: Some(percent(&self.percent)?),
            note: note(self.note)?,
            ..StepInput::default()
        })
    }
}

impl StepBody for ReasonBody {
    fn input(self) -> ApiResult<StepInput> {
        Ok(StepInput {
            reason: reason(&self.reason)?,
            ..StepInput::default()
        })
    }
}

impl StepBody for EvidenceBody {
    fn input(self) -> ApiResult<StepInput> {
        Ok(StepInput {
            evidence: vec![Evidence {
                title: parse_as("title", &self.title, Title::parse)?,
                url: parse_as("url", &self.url, EvidenceUrl::parse)?,
            }],
            ..StepInput::default()
        })
    }
}

impl StepBody for AchieveBody {
    fn input(self) -> ApiResult<StepInput> {
        Ok(StepInput {
            evidence: evidence(&self.evidence)?,
            note: note(self.note)?,
            ..StepInput::default()
        })
    }
}

impl StepBody for RescheduleBody {
    fn input(self) -> ApiResult<StepInput> {
        Ok(StepInput {
            due_on: Some(parse_date("due_on", &self.due_on)?),
            reason: reason(&self.reason)?,
            ..StepInput::default()
        })
    }
}

/// The routes of the milestone steps (`POST /milestones/{id}/<step>`), each with its body and
/// its documentation, and [`step_routes`] to serve them all. The path is the step's name.
macro_rules! steps {
    ($($name:ident: $step:ident, $path:literal, $summary:literal, $extract:ident<$body:ty>, $doc_body:ty;)*) => {
        $(
            #[utoipa::path(
                post,
                path = concat!("/milestones/{id}/", $path),
                operation_id = concat!("milestone_", $path),
                tag = "milestones",
                summary = $summary,
                params(("id" = uuid::Uuid, Path, description = "Milestone id")),
                request_body = $doc_body,
                responses((status = 200, description = "Done", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
                security(("bearer" = []))
            )]
            pub async fn $name(
                State(state): State<AppState>,
                Cmd(caller): Cmd,
                Path(id): Path<MilestoneId>,
                $extract(body): $extract<$body>,
            ) -> ApiResult<Response> {
                let input = body.input()?;
                Ok(ok(milestones::take(&state.app, &caller, id, MilestoneStep::$step, input).await?))
            }
        )*

        /// Every step's route, with its documentation.
        pub fn step_routes() -> OpenApiRouter<AppState> {
            OpenApiRouter::new()
                $(.routes(routes!($name)))*
        }

        /// The step each route takes, by its path.
        #[cfg(test)]
        const ROUTED: &[(MilestoneStep, &str)] = &[$((MilestoneStep::$step, $path)),*];
    };
}

steps! {
    start: Start, "start", "Start a planned milestone",
        OptionalJson<NoteBody>, Option<NoteBody>;
    progress: Progress, "progress",
        "Report progress (0–100 %); a planned milestone is started by it",
        ApiJson<ProgressBody>, ProgressBody;
    block: Block, "block", "Block a milestone, with a reason", ApiJson<ReasonBody>, ReasonBody;
    unblock: Unblock, "unblock", "Unblock a milestone", OptionalJson<NoteBody>, Option<NoteBody>;
    achieve: Achieve, "achieve", "Report an achievement with evidence",
        ApiJson<AchieveBody>, AchieveBody;
    add_evidence: Evidence, "evidence",
        "Add one piece of evidence (409 when its link is recorded already)",
        ApiJson<EvidenceBody>, EvidenceBody;
    verify: Verify, "verify", "Verify an achievement (not by its reporter)",
        OptionalJson<NoteBody>, Option<NoteBody>;
    reject: Reject, "reject", "Send an achievement back to in progress, with a reason",
        ApiJson<ReasonBody>, ReasonBody;
    reschedule: Reschedule, "reschedule", "Move the due date (409 when it is the same)",
        ApiJson<RescheduleBody>, RescheduleBody;
    cancel: Cancel, "cancel", "Cancel a milestone, with a reason", ApiJson<ReasonBody>, ReasonBody;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_milestone_step_has_one_route_at_its_name() {
        for step in MilestoneStep::ALL {
            let routed: Vec<&str> = ROUTED
                .iter()
                .filter(|(s, _)| s == step)
                .map(|(_, p)| *p)
                .collect();
            assert_eq!(routed, [step.name()], "{step:?}");
        }
        assert_eq!(ROUTED.len(), MilestoneStep::ALL.len());
    }
}
