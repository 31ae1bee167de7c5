//! History of one aggregate, the activity feed and the CloudEvents feed.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use safeguards_app::history::{self, HistoryItem, Subject};
use safeguards_domain::values::{parse_date, CommitmentId, CountryCode, MilestoneId};
use safeguards_projections::activity::ActivityLine;
use safeguards_projections::cloudevent::CloudEvent;
use serde::Deserialize;

use super::Path;
use crate::api::paging::{self, PageQuery};
use crate::api::schema;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{ApiQuery, Signed};
use crate::AppState;

#[utoipa::path(
    get,
    path = "/engagements/{country}/history",
    operation_id = "engagement_history",
    tag = "history",
    summary = "The engagement's events, oldest first",
    params(("country" = inline(schema::Country), Path, description = "ISO 3166-1 alpha-3 code"), PageQuery),
    responses((status = 200, description = "A page of events; `Link: rel=\"next\"` to the next", body = Vec<HistoryItem>), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn engagement_history(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(country): Path<CountryCode>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    let all = history::history(&state.app, &who, Subject::Engagement, country.as_str()).await?;
    paged_history(&q, all, &format!("/api/v1/engagements/{country}/history"))
}

/// A page of a history, keyed by position.
fn paged_history(q: &PageQuery, all: Vec<HistoryItem>, path: &str) -> ApiResult<Response> {
    let page = q.page(all, |e| e.position.to_string().into())?;
    let next = q.next(path, page.next);
    Ok(paging::array(page.items, next))
}

#[utoipa::path(
    get,
    path = "/commitments/{id}/history",
    operation_id = "commitment_history",
    tag = "history",
    summary = "The commitment's events, oldest first",
    params(("id" = uuid::Uuid, Path, description = "Commitment id"), PageQuery),
    responses((status = 200, description = "A page of events; `Link: rel=\"next\"` to the next", body = Vec<HistoryItem>), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn commitment_history(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(id): Path<CommitmentId>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    let all = history::history(&state.app, &who, Subject::Commitment, &id.to_string()).await?;
    paged_history(&q, all, &format!("/api/v1/commitments/{id}/history"))
}

#[utoipa::path(
    get,
    path = "/milestones/{id}/history",
    operation_id = "milestone_history",
    tag = "history",
    summary = "The milestone's events, oldest first",
    params(("id" = uuid::Uuid, Path, description = "Milestone id"), PageQuery),
    responses((status = 200, description = "A page of events; `Link: rel=\"next\"` to the next", body = Vec<HistoryItem>), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn milestone_history(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(id): Path<MilestoneId>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    let all = history::history(&state.app, &who, Subject::Milestone, &id.to_string()).await?;
    paged_history(&q, all, &format!("/api/v1/milestones/{id}/history"))
}

/// The most lines of activity one answer holds.
pub const ACTIVITY_MAX: usize = 500;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ActivityQuery {
    /// Only this country's changes.
    #[param(value_type = Option<schema::Country>, inline)]
    pub country: Option<String>,
    /// Only changes at or after this date (`2026-11-01`) or time (RFC 3339).
    #[param(schema_with = since_schema)]
    pub since: Option<String>,
    /// How many lines (1–500, default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// From the `Link: rel="next"` of the page before: the lines older than this position.
    #[param(minimum = 0)]
    pub cursor: Option<i64>,
}

fn since_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    use utoipa::openapi::{KnownFormat, SchemaFormat};
    let of = |f| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(f)))
            .build()
    };
    utoipa::openapi::RefOr::T(utoipa::openapi::Schema::OneOf(
        OneOfBuilder::new()
            .item(of(KnownFormat::Date))
            .item(of(KnownFormat::DateTime))
            .build(),
    ))
}

/// `GET /api/v1/activity?country=&since=&limit=`: recent changes, newest first.
#[utoipa::path(
    get,
    path = "/activity",
    operation_id = "activity",
    tag = "progress",
    summary = "Recent changes, newest first",
    params(ActivityQuery),
    responses((status = 200, description = "Activity; `Link: rel=\"next\"` to older lines", body = Vec<ActivityLine>), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn activity(
    State(state): State<AppState>,
    Signed(who): Signed,
    ApiQuery(q): ApiQuery<ActivityQuery>,
) -> ApiResult<Response> {
    let country = q
        .country
        .as_deref()
        .map(|c| CountryCode::parse(c).map_err(ApiError::from))
        .transpose()?;
    let since = q.since.as_deref().map(parse_since).transpose()?;
    let limit = paging::limit("limit", q.limit, paging::DEFAULT_PAGE, ACTIVITY_MAX)?;
    if q.cursor.is_some_and(|c| c < 0) {
        return Err(ApiError::invalid(
            "cursor",
            "must be a position (0 or more)",
        ));
    }
    // One line more than asked tells whether older ones follow.
    let mut lines =
        history::activity(&state.app, &who, country, since, q.cursor, limit + 1).await?;
    let more = lines.len() > limit;
    lines.truncate(limit);
    let next = lines.last().filter(|_| more).map(|last| {
        paging::next_link(
            "/api/v1/activity",
            &[
                ("country", q.country.clone()),
                ("since", q.since.clone()),
                ("limit", q.limit.map(|n| n.to_string())),
                ("cursor", Some(last.position.to_string())),
            ],
        )
    });
    Ok(paging::array(lines, next))
}

/// A date (the start of that day, UTC) or an RFC 3339 time.
fn parse_since(raw: &str) -> ApiResult<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc));
    }
    parse_date("since", raw)
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| {
            ApiError::invalid("since", "must be a date (2026-11-01) or an RFC 3339 time")
        })
}

/// The most events one answer of the feed holds.
pub const EVENTS_MAX: i64 = 1000;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// The position after which to read (0: from the start).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// How many events (1–1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// `GET /api/v1/events?after=&limit=`: the global feed in position order.
#[utoipa::path(
    get,
    path = "/events",
    operation_id = "events",
    tag = "events",
    summary = "The global event feed as CloudEvents 1.0, in position order",
    params(EventsQuery),
    responses((status = 200, description = "CloudEvents; events the reader may not see are passed over", body = Vec<CloudEvent>,
        headers(("X-Next-After" = i64, description = "The position to read after next (the last event read, shown or not)"))),
        crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn events(
    State(state): State<AppState>,
    Signed(who): Signed,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> ApiResult<Response> {
    let after = q.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::invalid("after", "must be 0 or more"));
    }
    let limit = q.limit.unwrap_or(100);
    if !(1..=EVENTS_MAX).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            format!("must be from 1 to {EVENTS_MAX}"),
        ));
    }
    let page = history::events(&state.app, &who, after, limit).await?;
    let mut response = Json(page.events).into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(&page.next_after.to_string()) {
        response.headers_mut().insert("x-next-after", v);
    }
    Ok(response)
}
