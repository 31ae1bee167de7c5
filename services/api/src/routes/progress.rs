//! `/api/v1/progress…`: progress views, with time travel for one country.

use axum::extract::{Path, State};
use axum::Json;
use chrono::NaiveDate;
use safeguards_infra::feed;
use safeguards_projections::views::{self, CountryProgress, Overview, PrincipleProgress};
use safeguards_projections::Tracker;
use serde::Deserialize;

use super::date;
use super::engagements::country as parse_country;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::AppState;

#[utoipa::path(
    get,
    path = "/api/v1/progress",
    tag = "progress",
    summary = "Progress of every engaged country",
    responses((status = 200, description = "Progress", body = Overview), crate::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn overview(State(state): State<AppState>, _: Principal) -> Json<Overview> {
    let model = state.projector.read().await;
    Json(views::overview(&model, state.clock.today()))
}

#[utoipa::path(
    get,
    path = "/api/v1/progress/principles",
    tag = "progress",
    summary = "For each principle, each country's commitments and milestones",
    responses((status = 200, description = "By principle", body = Vec<PrincipleProgress>), crate::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn principles(
    State(state): State<AppState>,
    _: Principal,
) -> Json<Vec<PrincipleProgress>> {
    let model = state.projector.read().await;
    Json(views::principles(&model, state.clock.today()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CountryQuery {
    pub as_of: Option<String>,
}

/// `GET /api/v1/progress/{country}?as_of=YYYY-MM-DD`.
#[utoipa::path(
    get,
    path = "/api/v1/progress/{country}",
    tag = "progress",
    summary = "One country's progress with breakdowns; `as_of` for the state at the end of a day (UTC)",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-3 code"), CountryQuery),
    responses((status = 200, description = "Progress", body = CountryProgress), crate::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn country(
    State(state): State<AppState>,
    _: Principal,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<CountryQuery>,
) -> ApiResult<Json<CountryProgress>> {
    let country = parse_country(&raw)?;
    let not_engaged = || ApiError::not_found(format!("no engagement is open for {country}"));
    match q.as_of.as_deref().filter(|s| !s.is_empty()) {
        None => {
            let model = state.projector.read().await;
            views::country(&model, country.as_str(), state.clock.today())
                .map(Json)
                .ok_or_else(not_engaged)
        }
        Some(raw_date) => {
            let day = date("as_of", raw_date)?;
            let model = as_of(&state, country.as_str(), day).await?;
            let mut progress =
                views::country(&model, country.as_str(), day).ok_or_else(not_engaged)?;
            progress.as_of = Some(day);
            Ok(Json(progress))
        }
    }
}

/// The model of one country as it stood at the end of `day` (UTC): its engagement,
/// commitments and milestones replayed from the events recorded up to then.
pub async fn as_of(state: &AppState, country: &str, day: NaiveDate) -> ApiResult<Tracker> {
    let cutoff = day
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| ApiError::invalid("as_of", "is out of range"))?;
    let mut aggregates = vec![("engagement", country.to_string())];
    {
        let model = state.projector.read().await;
        for c in model.commitments.values().filter(|c| c.country == country) {
            aggregates.push(("commitment", c.id.clone()));
            for m in &c.milestones {
                aggregates.push(("milestone", m.clone()));
            }
        }
    }
    let mut events = Vec::new();
    for (kind, id) in aggregates {
        events.extend(feed::history(state.store.database(), kind, &id).await?);
    }
    events.retain(|e| e.recorded_at < cutoff);
    events.sort_by_key(|e| e.position);
    let mut model = Tracker::default();
    for e in &events {
        model.apply(e);
    }
    Ok(model)
}
