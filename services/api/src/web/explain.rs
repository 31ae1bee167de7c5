//! `/explain`: the commitments (and their milestones) behind any figure of the dashboard,
//! the heat-map or the coverage matrix.

use askama::Template;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use safeguards_domain::values::{CountryCode, RiskCode};
use safeguards_projections::model::MilestoneView;
use safeguards_projections::views::Figure;

use super::plan::no_engagement;
use super::{message, query_value, render, Visit};
use crate::web::i18n::{self, Texts};
use crate::AppState;

/// A milestone behind a figure: its id, title, status in words, and whether it is overdue.
struct MilestoneLine {
    id: String,
    title: String,
    status: &'static str,
    overdue: bool,
}

/// A commitment behind a figure, with the milestones that show it.
struct Behind {
    id: String,
    title: String,
    principles: String,
    risks: String,
    stage: String,
    /// The first of its milestones the figure concerns: id, title, status, overdue.
    milestones: Vec<MilestoneLine>,
    /// How many of them are overdue.
    overdue: usize,
    /// How many more there are than are listed.
    more: usize,
}

/// Milestones listed per commitment on an explanation (the commitment's page has them all).
const EXPLAIN_LISTED: usize = 10;

#[derive(Template)]
#[template(path = "explain.html")]
struct ExplainPage {
    t: &'static Texts,
    user: Option<String>,
    country: String,
    name: String,
    /// What the figure counts, in words.
    figure: String,
    count: usize,
    overdue_only: bool,
    overdue: usize,
    rows: Vec<Behind>,
}

/// `GET /explain?country=KEN[&principle=O3|&risk=RS1|&overdue=1]`: the commitments (and their
/// milestones) a figure of the dashboard, the heat-map or the coverage matrix counts.
pub async fn explain(State(state): State<AppState>, visit: Visit, parts: Parts) -> Response {
    let t = visit.t;
    let raw = query_value(&parts, "country").unwrap_or_default();
    let principle = query_value(&parts, "principle");
    let risk = query_value(&parts, "risk");
    let overdue_only = query_value(&parts, "overdue").as_deref() == Some("1");
    let Ok(country) = CountryCode::parse(&raw) else {
        return visit.answer(no_engagement(t, visit.name()));
    };
    let bad = |field: &str| {
        visit.answer(message(
            t,
            StatusCode::UNPROCESSABLE_ENTITY,
            visit.name(),
            t.fw.explain_title,
            &format!("{field}: {}", t.no_such),
            Some(("/", t.back)),
        ))
    };
    let (figure, label) = match (&principle, &risk) {
        (Some(p), None) => match safeguards_domain::values::PrincipleCode::parse(p) {
            Ok(code) => (Figure::Principle(code.as_str()), t.coded(code)),
            Err(_) => return bad("principle"),
        },
        (None, Some(r)) => match RiskCode::parse(r) {
            Ok(code) => (Figure::Risk(code.as_str()), t.coded(code)),
            Err(_) => return bad("risk"),
        },
        (None, None) => (Figure::Commitments, t.col_commitments.to_string()),
        (Some(_), Some(_)) => return bad("principle"),
    };
    let found =
        safeguards_app::progress::behind(&state.app, country, figure, overdue_only, EXPLAIN_LISTED)
            .await;
    let Ok(explained) = found else {
        return visit.answer(no_engagement(t, visit.name()));
    };
    let today = explained.today;
    let milestone_row = |m: &MilestoneView| MilestoneLine {
        id: m.id.clone(),
        title: m.title.clone(),
        status: i18n::status_word(t, m.status.as_str()),
        overdue: m.is_overdue(today),
    };
    let rows: Vec<Behind> = explained
        .behind
        .iter()
        .map(|b| Behind {
            id: b.commitment.id.clone(),
            title: b.commitment.title.clone(),
            principles: b.commitment.principles.join(", "),
            risks: b.commitment.risks.join(", "),
            stage: b.commitment.stage.clone(),
            milestones: b.milestones.iter().map(milestone_row).collect(),
            overdue: b.overdue,
            more: b.more,
        })
        .collect();
    let page = ExplainPage {
        t,
        user: visit.name(),
        name: t.country_or(&explained.country, &explained.name),
        country: explained.country,
        figure: label,
        count: if overdue_only {
            rows.len()
        } else {
            explained.counted
        },
        overdue_only,
        overdue: rows.iter().map(|b| b.overdue).sum(),
        rows,
    };
    visit.answer(render(StatusCode::OK, page))
}
