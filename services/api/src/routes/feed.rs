//! History of one aggregate, the activity feed and the CloudEvents feed.

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use safeguards_infra::feed::{self, RecordedEvent};
use safeguards_projections::activity::ActivityLine;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::engagements::country;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::AppState;

/// One event of an aggregate's history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryItem {
    pub position: i64,
    pub sequence: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub recorded_at: DateTime<Utc>,
    pub actor: String,
    pub actor_name: String,
    pub data: Value,
}

/// The event's fields, without secrets (password and token hashes never leave the server).
pub fn public_data(e: &RecordedEvent) -> Value {
    let mut data = match &e.payload {
        Value::Object(map) if map.len() == 1 => map.values().next().cloned().unwrap_or(Value::Null),
        _ => Value::Null,
    };
    if let Value::Object(map) = &mut data {
        map.remove("password_hash");
        map.remove("token_hash");
    }
    data
}

async fn history(state: &AppState, kind: &str, id: &str) -> ApiResult<Json<Vec<HistoryItem>>> {
    let events = feed::history(state.store.database(), kind, id).await?;
    if events.is_empty() {
        return Err(ApiError::not_found(format!("no such {kind}")));
    }
    let model = state.projector.read().await;
    Ok(Json(
        events
            .iter()
            .map(|e| {
                let actor = e.meta("actor").unwrap_or("system").to_string();
                HistoryItem {
                    position: e.position,
                    sequence: e.sequence,
                    kind: e.event_type.clone(),
                    recorded_at: e.recorded_at,
                    actor_name: model.actor_name(&actor),
                    actor,
                    data: public_data(e),
                }
            })
            .collect(),
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/engagements/{country}/history",
    tag = "history",
    summary = "The engagement's events, oldest first",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-3 code")),
    responses((status = 200, description = "Events", body = Vec<HistoryItem>), crate::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn engagement_history(
    State(state): State<AppState>,
    _: crate::auth::Principal,
    Path(raw): Path<String>,
) -> ApiResult<Json<Vec<HistoryItem>>> {
    let country = country(&raw)?;
    history(&state, "engagement", country.as_str()).await
}

#[utoipa::path(
    get,
    path = "/api/v1/commitments/{id}/history",
    tag = "history",
    summary = "The commitment's events, oldest first",
    params(("id" = String, Path, description = "Commitment id")),
    responses((status = 200, description = "Events", body = Vec<HistoryItem>), crate::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn commitment_history(
    State(state): State<AppState>,
    _: crate::auth::Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<HistoryItem>>> {
    history(&state, "commitment", &id).await
}

#[utoipa::path(
    get,
    path = "/api/v1/milestones/{id}/history",
    tag = "history",
    summary = "The milestone's events, oldest first",
    params(("id" = String, Path, description = "Milestone id")),
    responses((status = 200, description = "Events", body = Vec<HistoryItem>), crate::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn milestone_history(
    State(state): State<AppState>,
    _: crate::auth::Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<HistoryItem>>> {
    history(&state, "milestone", &id).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ActivityQuery {
    pub country: Option<String>,
    pub since: Option<String>,
    pub limit: Option<usize>,
}

/// `GET /api/v1/activity?country=&since=&limit=`: recent changes, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/activity",
    tag = "progress",
    summary = "Recent changes, newest first",
    params(ActivityQuery),
    responses((status = 200, description = "Activity", body = Vec<ActivityLine>), crate::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn activity(
    State(state): State<AppState>,
    _: crate::auth::Principal,
    ApiQuery(q): ApiQuery<ActivityQuery>,
) -> ApiResult<Json<Vec<ActivityLine>>> {
    let country = q
        .country
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(|c| {
            safeguards_domain::values::CountryCode::parse(c)
                .map_err(|e| ApiError::invalid("country", e.reason))
        })
        .transpose()?;
    let since = q
        .since
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(parse_since)
        .transpose()?;
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let model = state.projector.read().await;
    Ok(Json(
        model
            .activity
            .iter()
            .rev()
            .filter(|l| country.is_none_or(|c| l.country.as_deref() == Some(c.as_str())))
            .filter(|l| since.is_none_or(|s| l.at >= s))
            .take(limit)
            .cloned()
            .collect(),
    ))
}

fn parse_since(raw: &str) -> ApiResult<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| {
            ApiError::invalid("since", "must be a date (2026-11-01) or an RFC 3339 time")
        })
}

/// One event of the global feed as a CloudEvents 1.0 JSON object.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CloudEvent {
    pub specversion: &'static str,
    pub id: String,
    pub source: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub subject: String,
    pub time: DateTime<Utc>,
    pub datacontenttype: &'static str,
    pub data: Value,
    /// The global position.
    pub sequence: i64,
    pub aggregatetype: String,
    pub aggregateid: String,
    pub aggregatesequence: i64,
    pub eventversion: String,
    pub actor: String,
    pub correlationid: String,
}

impl CloudEvent {
    pub fn from_recorded(e: &RecordedEvent) -> Self {
        Self {
            specversion: "1.0",
            id: format!("{}:{}:{}", e.aggregate_type, e.aggregate_id, e.sequence),
            source: "/safeguards-tracker".into(),
            kind: format!("org.safeguards.{}.{}", e.aggregate_type, e.event_type),
            subject: format!("{}/{}", e.aggregate_type, e.aggregate_id),
            time: e.recorded_at,
            datacontenttype: "application/json",
            data: public_data(e),
            sequence: e.position,
            aggregatetype: e.aggregate_type.clone(),
            aggregateid: e.aggregate_id.clone(),
            aggregatesequence: e.sequence,
            eventversion: e.event_version.clone(),
            actor: e.meta("actor").unwrap_or("system").to_string(),
            correlationid: e.meta("correlation_id").unwrap_or_default().to_string(),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    pub after: Option<i64>,
    pub limit: Option<i64>,
}

/// `GET /api/v1/events?after=&limit=`: the global feed in position order.
#[utoipa::path(
    get,
    path = "/api/v1/events",
    tag = "events",
    summary = "The global event feed as CloudEvents 1.0, in position order",
    params(EventsQuery),
    responses((status = 200, description = "CloudEvents", body = Vec<CloudEvent>), crate::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn events(
    State(state): State<AppState>,
    _: crate::auth::Principal,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> ApiResult<Json<Vec<CloudEvent>>> {
    let after = q.after.unwrap_or(0).max(0);
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let events = feed::read_after(state.store.database(), after, limit).await?;
    Ok(Json(events.iter().map(CloudEvent::from_recorded).collect()))
}
