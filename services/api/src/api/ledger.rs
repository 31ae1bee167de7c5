//! `GET /api/v1/ledger/checkpoints`: the verifiable log's signing key and signed checkpoints,
//! for anyone (no sign-in: they hold hashes and signatures, nothing else).

use axum::extract::State;
use axum::Json;
use safeguards_app::ledger::{self, Checkpoints, MAX_PAGE};
use serde::Deserialize;

use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::ApiQuery;
use crate::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CheckpointsQuery {
    /// The index after which to list (0: from the first).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// How many checkpoints (1–1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/ledger/checkpoints",
    operation_id = "ledger_checkpoints",
    tag = "ledger",
    summary = "The signing key and the signed checkpoints of the event chain, oldest first",
    description = "Each checkpoint states that after `index` events (in feed order) the chain's SHA-256 hash was `hash`, signed with Ed25519 over `safeguards-ledger-checkpoint-v1\\n{index}\\n{hash}\\n{signed_at}`. `safeguards verify events.jsonl --key <public_key>` checks an export against them. No sign-in.",
    params(CheckpointsQuery),
    responses((status = 200, description = "Checkpoints", body = Checkpoints), crate::api::openapi::OpenReadProblems)
)]
pub async fn checkpoints(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CheckpointsQuery>,
) -> ApiResult<Json<Checkpoints>> {
    let after = u64::try_from(q.after.unwrap_or(0))
        .map_err(|_| ApiError::invalid("after", "must be 0 or more"))?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            format!("must be from 1 to {MAX_PAGE}"),
        ));
    }
    Ok(Json(ledger::checkpoints(&state.app, after, limit).await?))
}
