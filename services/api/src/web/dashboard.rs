//! `/`: every country's completion and overdue count, and the principle × country heat-map.

use askama::Template;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use safeguards_app::{may, Action};
use safeguards_domain::values::{PrincipleCode, RiskCode};
use std::collections::BTreeMap;

use safeguards_projections::coverage::Coverage;

use super::{render, Visit};
use crate::web::i18n::{self, Texts};
use crate::AppState;

struct CountryRow {
    country: String,
    name: String,
    status: &'static str,
    commitments: u32,
    completion: f64,
    bar: u32,
    overdue: u32,
    last: String,
}

/// A cell of the heat-map or the risk matrix: what it counts (none when a risk matrix cannot
/// say), its shade (0 to 3) and the country of its column.
struct Cell<N> {
    count: N,
    shade: u8,
    country: String,
}

struct HeatRow {
    code: &'static str,
    name: &'static str,
    /// (count, shade 0–3, country) per country
    cells: Vec<Cell<u32>>,
}

struct RiskRow {
    code: &'static str,
    name: &'static str,
    /// (count, shade 0–3, country) per country; no count for a country not engaged then
    cells: Vec<Cell<Option<u32>>>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    t: &'static Texts,
    user: Option<String>,
    /// "3 countries, 4 commitments, 2 of 10 milestones verified (20.0%), 1 overdue."
    summary: String,
    countries: Vec<CountryRow>,
    heat: Vec<HeatRow>,
    /// The risk × country matrix of coverage.
    risks: Vec<RiskRow>,
    /// The day the matrix is as of, if not today.
    as_of: Option<chrono::NaiveDate>,
    /// The user may open engagements.
    may_open: bool,
}

/// `GET /`.
pub async fn dashboard(State(state): State<AppState>, visit: Visit, parts: Parts) -> Response {
    let t = visit.t;
    // The risk matrix now, or as it stood at the end of `?as_of=` (a bad date is ignored).
    let as_of = super::query_value(&parts, "as_of")
        .and_then(|d| safeguards_domain::values::parse_date("as_of", &d).ok());
    let coverage: BTreeMap<String, Coverage> =
        match safeguards_app::progress::coverage_counts(&state.app, as_of).await {
            Ok(all) => all.into_iter().map(|c| (c.country.clone(), c)).collect(),
            Err(e) => {
                let text = t.refusal(&e);
                let e = crate::http::error::ApiError::from(e);
                return visit.answer(super::message(
                    t,
                    e.status,
                    visit.name(),
                    t.fw.risk_matrix,
                    &text,
                    Some(("/", t.back)),
                ));
            }
        };
    let cached = safeguards_app::progress::overview(&state.app).await;
    let overview = &cached.overview;
    let principles = safeguards_app::progress::principles(&state.app).await;
    let countries: Vec<CountryRow> = overview
        .countries
        .iter()
        .map(|c| CountryRow {
            country: c.country.clone(),
            name: t.country_or(&c.country, &c.name),
            status: i18n::status_word(t, c.status.into()),
            commitments: c.commitments,
            completion: c.completion,
            bar: c.completion.round().clamp(0.0, 100.0) as u32,
            overdue: c.milestones.overdue,
            last: t.day(c.last_activity_at.date_naive()),
        })
        .collect();
    let heat = principles
        .iter()
        .zip(PrincipleCode::all())
        .map(|(p, code)| HeatRow {
            code: code.as_str(),
            name: t.term(code),
            cells: p
                .countries
                .iter()
                .map(|c| Cell {
                    count: c.commitments,
                    shade: c.commitments.min(3) as u8,
                    country: c.country.clone(),
                })
                .collect(),
        })
        .collect();
    let risks = RiskCode::all()
        .into_iter()
        .enumerate()
        .map(|(i, code)| RiskRow {
            code: code.as_str(),
            name: t.term(code),
            cells: overview
                .countries
                .iter()
                .map(|c| {
                    let n = coverage
                        .get(&c.country)
                        .map(|cov| cov.risks.get(i).map_or(0, |r| r.commitments.len() as u32));
                    Cell {
                        count: n,
                        shade: n.unwrap_or(0).min(3) as u8,
                        country: c.country.clone(),
                    }
                })
                .collect(),
        })
        .collect();
    let totals = &overview.totals;
    visit.answer(render(
        StatusCode::OK,
        Dashboard {
            t,
            user: visit.name(),
            summary: t.sentence(&[
                t.summary_countries(totals.countries),
                t.summary_commitments(totals.commitments),
                t.summary_verified(
                    totals.milestones.total() - totals.milestones.cancelled,
                    t.percent(totals.completion),
                    totals.milestones.verified,
                ),
                t.summary_overdue(totals.milestones.overdue),
            ]),
            countries,
            heat,
            risks,
            as_of,
            may_open: may(&visit.who, Action::ManageEngagement, None),
        },
    ))
}
