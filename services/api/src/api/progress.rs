//! `/api/v1/progress…`: progress views, with time travel for one country.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use safeguards_domain::values::{parse_date, CountryCode};
use safeguards_projections::views::{
    self, CommitmentOut, CountryProgress, Overview, PrincipleProgress,
};
use serde::Deserialize;

use super::Path;
use crate::api::paging;
use crate::api::schema;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{ApiQuery, Signed};
use crate::AppState;

/// The formats of the progress views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum Format {
    Json,
    Csv,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FormatQuery {
    /// `json` (default) or `csv`
    #[param(value_type = Option<Format>, inline)]
    pub format: Option<String>,
}

/// Whether the client asked for CSV (422 naming `format` for anything but json and csv).
fn wants_csv(format: Option<&str>) -> ApiResult<bool> {
    match format {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(_) => Err(ApiError::invalid("format", "must be json or csv")),
    }
}

/// A cell that a spreadsheet will not run as a formula.
fn cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

/// A CSV answer.
fn csv_response(name: &str, rows: Vec<Vec<String>>) -> ApiResult<Response> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer
            .write_record(row.iter().map(|c| cell(c)))
            .map_err(|_| ApiError::internal())?;
    }
    let body = writer.into_inner().map_err(|_| ApiError::internal())?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        body,
    )
        .into_response())
}

#[utoipa::path(
    get,
    path = "/progress",
    operation_id = "progress_overview",
    tag = "progress",
    summary = "Progress of every engaged country",
    params(FormatQuery),
    responses((status = 200, description = "Progress (CSV with format=csv)", content(
        (Overview = "application/json"),
        (String = "text/csv"),
    )), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn overview(
    State(state): State<AppState>,
    _: Signed,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> ApiResult<Response> {
    let csv = wants_csv(q.format.as_deref())?;
    let cached = safeguards_app::progress::overview(&state.app).await;
    if !csv {
        return Ok((
            [(header::CONTENT_TYPE, "application/json")],
            cached.json.clone(),
        )
            .into_response());
    }
    let mut rows = vec![[
        "country",
        "name",
        "status",
        "commitments",
        "planned",
        "in_progress",
        "blocked",
        "achieved",
        "verified",
        "cancelled",
        "overdue",
        "completion",
        "last_activity_at",
    ]
    .map(String::from)
    .to_vec()];
    for c in &cached.overview.countries {
        let m = c.milestones;
        let status: &str = c.status.into();
        rows.push(vec![
            c.country.clone(),
            c.name.clone(),
            status.to_string(),
            c.commitments.to_string(),
            m.planned.to_string(),
            m.in_progress.to_string(),
            m.blocked.to_string(),
            m.achieved.to_string(),
            m.verified.to_string(),
            m.cancelled.to_string(),
            m.overdue.to_string(),
            format!("{:.1}", c.completion),
            c.last_activity_at.to_rfc3339(),
        ]);
    }
    csv_response("progress", rows)
}

#[utoipa::path(
    get,
    path = "/progress/principles",
    operation_id = "progress_by_principle",
    tag = "progress",
    summary = "For each principle, each country's commitments and milestones",
    responses((status = 200, description = "By principle", body = Vec<PrincipleProgress>), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn principles(State(state): State<AppState>, _: Signed) -> Json<Vec<PrincipleProgress>> {
    Json(safeguards_app::progress::principles(&state.app).await)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CountryQuery {
    /// `YYYY-MM-DD`: the state at the end of that day (UTC)
    #[param(schema_with = schema::date)]
    pub as_of: Option<String>,
    /// `json` (default) or `csv` (one row per milestone, all of them)
    #[param(value_type = Option<Format>, inline)]
    pub format: Option<String>,
    /// Commitments per page of `commitment_list` (1–200, default 20); `commitment_list_next`
    /// links to the next page
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// From `commitment_list_next`: where this page of `commitment_list` starts
    pub cursor: Option<String>,
    /// Milestones shown per commitment and in `overdue` (1–1000, default 5). A cut list links
    /// to the rest of it as it stands now (`milestones_next`, `overdue_next`); with `as_of`,
    /// raise this instead
    #[param(minimum = 1, maximum = 1000)]
    pub milestone_limit: Option<u32>,
}

/// Commitments per page of `/progress/{country}`, and milestones shown in each list.
const COMMITMENTS_PER_PAGE: usize = 20;
const MAX_COMMITMENTS_PER_PAGE: usize = 200;
pub(super) const MILESTONES_SHOWN: usize = 5;
const MAX_MILESTONES_SHOWN: usize = 1000;

/// Cut the lists of `progress` as `q` asks: a page of its commitments, the first milestones of
/// each and of `overdue`, each cut list with the link to the rest. The counts stay whole.
fn cut(progress: &mut CountryProgress, country: &str, q: &CountryQuery) -> ApiResult<()> {
    let per_page = paging::limit(
        "limit",
        q.limit,
        COMMITMENTS_PER_PAGE,
        MAX_COMMITMENTS_PER_PAGE,
    )?;
    let shown = paging::limit(
        "milestone_limit",
        q.milestone_limit,
        MILESTONES_SHOWN,
        MAX_MILESTONES_SHOWN,
    )?;
    let all = std::mem::take(&mut progress.commitments);
    let page = paging::page(
        all,
        |c| c.commitment.id.as_str().into(),
        q.cursor.as_deref(),
        per_page,
    )?;
    progress.commitment_list_next = page.next.map(|cursor| {
        paging::next_link(
            &format!("/api/v1/progress/{country}"),
            &[
                ("as_of", q.as_of.clone()),
                ("limit", q.limit.map(|n| n.to_string())),
                ("milestone_limit", q.milestone_limit.map(|n| n.to_string())),
                ("cursor", Some(cursor)),
            ],
        )
    });
    progress.commitments = page.items;
    for c in &mut progress.commitments {
        cut_milestones(c, shown);
    }
    let overdue = std::mem::take(&mut progress.overdue);
    let first = paging::first(overdue, |m| m.milestone.id.as_str().into(), shown);
    progress.overdue = first.items;
    progress.overdue_next = rest(format!("/api/v1/progress/{country}/overdue"), first.next);
    Ok(())
}

/// The link to the rest of a list cut after the item `cursor` names.
fn rest(path: String, cursor: Option<String>) -> Option<String> {
    cursor.map(|c| paging::next_link(&path, &[("cursor", Some(c))]))
}

/// Keep the first `shown` milestones of a commitment, and link to the rest.
pub(super) fn cut_milestones(c: &mut CommitmentOut, shown: usize) {
    let list = std::mem::take(&mut c.milestone_list);
    let first = paging::first(list, |m| m.milestone.id.as_str().into(), shown);
    c.milestone_list = first.items;
    // `milestone_ids` is cut with the list it names.
    c.commitment.milestones.truncate(shown);
    c.milestones_next = rest(
        format!("/api/v1/commitments/{}/milestones", c.commitment.id),
        first.next,
    );
}

/// One country's progress today; 404 when it has no engagement.
pub(super) async fn country_today(
    state: &AppState,
    country: CountryCode,
) -> ApiResult<CountryProgress> {
    Ok(safeguards_app::progress::country(&state.app, country).await?)
}

/// `GET /api/v1/progress/{country}/overdue?limit=&cursor=`.
#[utoipa::path(
    get,
    path = "/progress/{country}/overdue",
    operation_id = "overdue_of_country",
    tag = "progress",
    summary = "One country's overdue milestones, earliest due first, a page at a time",
    params(("country" = inline(schema::Country), Path, description = "ISO 3166-1 alpha-3 code"), paging::PageQuery),
    responses((status = 200, description = "A page of overdue milestones; `Link: rel=\"next\"` to the next", body = Vec<views::MilestoneOut>), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn overdue(
    State(state): State<AppState>,
    _: Signed,
    Path(country): Path<CountryCode>,
    ApiQuery(q): ApiQuery<paging::PageQuery>,
) -> ApiResult<Response> {
    let all = country_today(&state, country).await?.overdue;
    let page = q.page(all, |m| m.milestone.id.as_str().into())?;
    let next = q.next(&format!("/api/v1/progress/{country}/overdue"), page.next);
    Ok(paging::array(page.items, next))
}

/// `GET /api/v1/progress/{country}?as_of=YYYY-MM-DD`.
#[utoipa::path(
    get,
    path = "/progress/{country}",
    operation_id = "progress_of_country",
    tag = "progress",
    summary = "One country's progress with breakdowns; `as_of` for the state at the end of a day (UTC)",
    params(("country" = inline(schema::Country), Path, description = "ISO 3166-1 alpha-3 code"), CountryQuery),
    responses((status = 200, description = "Progress (its milestones as CSV with format=csv)", content(
        (CountryProgress = "application/json"),
        (String = "text/csv"),
    )), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn country(
    State(state): State<AppState>,
    _: Signed,
    Path(country): Path<CountryCode>,
    ApiQuery(q): ApiQuery<CountryQuery>,
) -> ApiResult<Response> {
    let csv = wants_csv(q.format.as_deref())?;
    let mut progress = match q.as_of.as_deref() {
        None => country_today(&state, country).await?,
        Some(raw_date) => {
            let day = parse_date("as_of", raw_date)?;
            safeguards_app::progress::country_on(&state.app, country, day).await?
        }
    };
    if !csv {
        cut(&mut progress, country.as_str(), &q)?;
        return Ok(Json(progress).into_response());
    }
    let mut rows = vec![[
        "commitment_id",
        "commitment",
        "milestone_id",
        "milestone",
        "status",
        "due_on",
        "overdue",
        "stage",
        "percent",
    ]
    .map(String::from)
    .to_vec()];
    for c in &progress.commitments {
        for m in &c.milestone_list {
            rows.push(vec![
                c.commitment.id.clone(),
                c.commitment.title.clone(),
                m.milestone.id.clone(),
                m.milestone.title.clone(),
                m.milestone.status.as_str().to_string(),
                m.milestone.due_on.to_string(),
                m.overdue.to_string(),
                m.milestone
                    .stage
                    .clone()
                    .unwrap_or_else(|| c.commitment.stage.clone()),
                m.milestone
                    .percent
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
            ]);
        }
    }
    csv_response(&format!("milestones-{country}"), rows)
}
