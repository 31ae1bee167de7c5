//! `/api/v1/milestones…`: a milestone's life, one route per step.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use safeguards_domain::milestone::{Milestone, MilestoneCommand};
use safeguards_domain::values::{
    Actor, CommitmentId, Evidence, EvidenceUrl, Percent, StageCode, Text, Title,
};
use safeguards_projections::views::MilestoneOut;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::commitments::country_of;
use super::{created, date, field, ok, with_etag, BODY_LIMIT};
use crate::auth::{authorize, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, Cmd};
use crate::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddBody {
    pub title: String,
    pub due_on: String,
    #[serde(default)]
    pub stage: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/commitments/{id}/milestones",
    tag = "milestones",
    summary = "Add a milestone to a commitment",
    params(("id" = String, Path, description = "Commitment id")),
    request_body = AddBody,
    responses((status = 201, description = "Created", body = super::CommandAnswer), crate::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn add(
    State(state): State<AppState>,
    cmd: Cmd,
    Path(commitment): Path<String>,
    ApiJson(body): ApiJson<AddBody>,
) -> ApiResult<Response> {
    let country = country_of(&state, &commitment).await?;
    authorize(&cmd.principal, Action::EditCommitments, Some(&country))?;
    let commitment_id =
        CommitmentId::parse(&commitment).map_err(|_| ApiError::not_found("no such commitment"))?;
    let withdrawn = state
        .projector
        .read()
        .await
        .commitments
        .get(&commitment)
        .is_some_and(|c| c.withdrawn);
    if withdrawn {
        return Err(ApiError::conflict("the commitment was withdrawn"));
    }
    let command = MilestoneCommand::Add {
        commitment: commitment_id,
        country: super::engagements::country(&country)?,
        title: Title::parse(&body.title)?,
        due_on: date("due_on", &body.due_on)?,
        stage: body
            .stage
            .as_deref()
            .map(|s| field("stage", s, StageCode::parse))
            .transpose()?,
    };
    let id = safeguards_domain::values::MilestoneId::new().to_string();
    let committed = state
        .execute::<Milestone>(&cmd.context(), &id, command, None)
        .await?;
    Ok(created(committed))
}

#[utoipa::path(
    get,
    path = "/api/v1/milestones/{id}",
    tag = "milestones",
    summary = "One milestone; ETag is its version",
    params(("id" = String, Path, description = "Milestone id")),
    responses((status = 200, description = "The milestone", body = MilestoneOut), crate::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    _: crate::auth::Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let model = state.projector.read().await;
    let m = model
        .milestones
        .get(&id)
        .ok_or_else(|| ApiError::not_found("no such milestone"))?;
    let today = state.clock.today();
    let out = MilestoneOut {
        milestone: m.clone(),
        overdue: m.is_overdue(today),
    };
    Ok(with_etag(m.version, out))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressBody {
    pub percent: i64,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    pub reason: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceBody {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AchieveBody {
    pub evidence: Vec<EvidenceBody>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleBody {
    pub due_on: String,
    pub reason: String,
}

/// Parse a body that may be empty (`{}` is assumed then).
fn body<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request(format!("the body is not valid JSON: {e}")))?;
    serde_json::from_value(value).map_err(|e| {
        let msg = e.to_string();
        let field = msg
            .strip_prefix("unknown field `")
            .or_else(|| msg.strip_prefix("missing field `"))
            .and_then(|r| r.split('`').next())
            .unwrap_or("body")
            .to_string();
        ApiError::invalid(field, msg)
    })
}

fn note(raw: Option<String>) -> ApiResult<Option<Text>> {
    Ok(Text::parse_optional("note", raw.as_deref())?)
}

fn reason(raw: &str) -> ApiResult<Text> {
    Ok(Text::parse_field("reason", raw)?)
}

macro_rules! step_handlers {
    ($($name:ident => $action:literal, $body:ty, $summary:literal);* $(;)?) => {
        $(
            #[doc = concat!("`POST /api/v1/milestones/{id}/", $action, "`")]
            #[utoipa::path(
                post,
                path = concat!("/api/v1/milestones/{id}/", $action),
                tag = "milestones",
                summary = $summary,
                params(("id" = String, Path, description = "Milestone id")),
                request_body = $body,
                responses((status = 200, description = "Done", body = super::CommandAnswer), crate::openapi::CommandProblems),
                security(("bearer" = []))
            )]
            pub async fn $name(
                state: State<AppState>,
                cmd: Cmd,
                Path(id): Path<String>,
                bytes: Result<Bytes, BytesRejection>,
            ) -> ApiResult<Response> {
                act(state, cmd, id, $action, bytes).await
            }
        )*
    };
}

step_handlers!(
    start => "start", NoteBody, "Start a planned milestone";
    progress => "progress", ProgressBody, "Report progress (0–100 %)";
    block => "block", ReasonBody, "Block a milestone, with a reason";
    unblock => "unblock", NoteBody, "Unblock a milestone";
    achieve => "achieve", AchieveBody, "Report an achievement with evidence";
    verify => "verify", NoteBody, "Verify an achievement (not by its reporter)";
    reject => "reject", ReasonBody, "Send an achievement back to in progress";
    reschedule => "reschedule", RescheduleBody, "Move the due date";
    cancel => "cancel", ReasonBody, "Cancel a milestone";
);

async fn act(
    State(state): State<AppState>,
    cmd: Cmd,
    id: String,
    action: &str,
    bytes: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let bytes = bytes.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the body is larger than the limit of {} KiB",
                    BODY_LIMIT / 1024
                ),
            )
        } else {
            ApiError::bad_request(r.body_text())
        }
    })?;
    let committed = run_step(&state, &cmd, &id, action, &bytes).await?;
    Ok(ok(committed))
}

/// Run one step of a milestone's life (`start`, `progress`, …) with its JSON body; shared by
/// the API and the page forms.
pub async fn run_step(
    state: &AppState,
    cmd: &Cmd,
    id: &str,
    action: &str,
    bytes: &[u8],
) -> ApiResult<safeguards_infra::Committed> {
    let needed = match action {
        "verify" | "reject" => Action::Verify,
        "start" | "progress" | "block" | "unblock" | "achieve" | "reschedule" | "cancel" => {
            Action::UpdateMilestones
        }
        _ => return Err(ApiError::not_found("no such route")),
    };
    state.projector.wait_for(0, state.freshness_wait).await;
    let country = state
        .projector
        .read()
        .await
        .milestones
        .get(id)
        .map(|m| m.country.clone())
        .ok_or_else(|| ApiError::not_found("no such milestone"))?;
    authorize(&cmd.principal, needed, Some(&country))?;
    let by = Actor::Account(cmd.principal.id);
    let command = match action {
        "start" => MilestoneCommand::Start {
            note: note(body::<NoteBody>(bytes)?.note)?,
        },
        "progress" => {
            let b: ProgressBody = body(bytes)?;
            MilestoneCommand::ReportProgress {
                percent: Percent::parse(b.percent)?,
                note: note(b.note)?,
            }
        }
        "block" => MilestoneCommand::Block {
            reason: reason(&body::<ReasonBody>(bytes)?.reason)?,
        },
        "unblock" => MilestoneCommand::Unblock {
            note: note(body::<NoteBody>(bytes)?.note)?,
        },
        "achieve" => {
            let b: AchieveBody = body(bytes)?;
            let mut evidence = Vec::new();
            for (i, e) in b.evidence.iter().enumerate() {
                evidence.push(Evidence {
                    title: field(&format!("evidence[{i}].title"), &e.title, Title::parse)?,
                    url: field(&format!("evidence[{i}].url"), &e.url, EvidenceUrl::parse)?,
                });
            }
            MilestoneCommand::Achieve {
                evidence,
                note: note(b.note)?,
                by,
            }
        }
        "verify" => MilestoneCommand::Verify {
            note: note(body::<NoteBody>(bytes)?.note)?,
            by,
        },
        "reject" => MilestoneCommand::RejectVerification {
            reason: reason(&body::<ReasonBody>(bytes)?.reason)?,
        },
        "reschedule" => {
            let b: RescheduleBody = body(bytes)?;
            MilestoneCommand::Reschedule {
                due_on: date("due_on", &b.due_on)?,
                reason: reason(&b.reason)?,
            }
        }
        _ => MilestoneCommand::Cancel {
            reason: reason(&body::<ReasonBody>(bytes)?.reason)?,
        },
    };
    state
        .execute::<Milestone>(&cmd.context(), id, command, cmd.if_match)
        .await
}
