//! `/countries/{c}/coverage`: the risks a country's commitments leave uncovered, with the
//! processes of the catalogue that would cover them.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use safeguards_app::{may, progress, Action};
use safeguards_domain::values::{parse_date, AuthorityCode, CountryCode, RiskCode};
use safeguards_projections::coverage::Coverage;

use super::plan::{engaged, no_engagement};
use super::{message, query_value, render, Path, Visit};
use crate::web::i18n::Texts;
use crate::AppState;

/// The processes of the catalogue one authority could take up to cover a risk.
struct Suggestions {
    authority: String,
    processes: Vec<Suggested>,
}

/// A commitment that covers a risk: its id and title.
struct CommitmentLink {
    id: String,
    title: String,
}

/// One risk's line on the coverage page.
struct RiskRow {
    code: &'static str,
    name: &'static str,
    commitments: Vec<CommitmentLink>,
    gap: bool,
    /// Per authority (with its name), the processes that would cover the gap.
    suggestions: Vec<Suggestions>,
}

/// A process suggested for a gap.
struct Suggested {
    id: String,
    title: String,
    source: String,
}

#[derive(Template)]
#[template(path = "coverage.html")]
struct CoveragePage {
    t: &'static Texts,
    user: Option<String>,
    country: String,
    name: String,
    stages: String,
    every_stage: bool,
    covered: u32,
    as_of: String,
    rows: Vec<RiskRow>,
    may_plan: bool,
}

/// `GET /countries/{country}/coverage?as_of=…`.
pub async fn coverage(
    State(state): State<AppState>,
    visit: Visit,
    parts: Parts,
    Path(country): Path<CountryCode>,
) -> Response {
    let t = visit.t;
    let Some((country, _)) = engaged(&state, country).await else {
        return visit.answer(no_engagement(t, visit.name()));
    };
    let as_of = query_value(&parts, "as_of").unwrap_or_default();
    let day = match (!as_of.is_empty())
        .then(|| parse_date("as_of", &as_of))
        .transpose()
    {
        Ok(d) => d,
        Err(e) => {
            return visit.answer(message(
                t,
                StatusCode::UNPROCESSABLE_ENTITY,
                visit.name(),
                t.fw.coverage_title,
                &e.to_string(),
                Some((&format!("/countries/{country}/coverage"), t.back)),
            ))
        }
    };
    let found = match progress::coverage(&state.app, country, day).await {
        Ok(c) => c,
        Err(e) => {
            let text = t.refusal(&e);
            let e = crate::http::error::ApiError::from(e);
            return visit.answer(message(
                t,
                e.status,
                visit.name(),
                t.fw.coverage_title,
                &text,
                Some((&format!("/countries/{country}"), t.back)),
            ));
        }
    };
    let titles = commitment_titles(&state, &found).await;
    let rows = found
        .risks
        .iter()
        .filter_map(|r| {
            let code = RiskCode::parse(&r.risk).ok()?;
            Some(RiskRow {
                code: code.as_str(),
                name: t.term(code),
                commitments: r
                    .commitments
                    .iter()
                    .map(|id| CommitmentLink {
                        id: id.clone(),
                        title: titles.get(id).cloned().unwrap_or_else(|| id.clone()),
                    })
                    .collect(),
                gap: r.gap,
                suggestions: r
                    .suggestions
                    .iter()
                    .map(|s| {
                        let who = AuthorityCode::parse(&s.authority)
                            .map(|a| t.coded(a))
                            .unwrap_or_else(|_| s.authority.clone());
                        let list = s
                            .processes
                            .iter()
                            .filter_map(|id| state.app.processes().get(id))
                            .map(|p| Suggested {
                                id: p.id.clone(),
                                title: p.title.clone(),
                                source: p.source.clone(),
                            })
                            .collect();
                        Suggestions {
                            authority: who,
                            processes: list,
                        }
                    })
                    .collect(),
            })
        })
        .collect();
    let page = CoveragePage {
        t,
        user: visit.name(),
        country: found.country.clone(),
        name: t.country_or(&found.country, &found.name),
        stages: found.stages.join(", "),
        every_stage: found.every_stage,
        covered: found.covered,
        as_of,
        rows,
        may_plan: may(&visit.who, Action::EditCommitments, Some(country.as_str())),
    };
    visit.answer(render(StatusCode::OK, page))
}

/// The titles of the commitments a coverage names.
async fn commitment_titles(state: &AppState, c: &Coverage) -> BTreeMap<String, String> {
    safeguards_app::commitments::titles(&state.app, c.risks.iter().flat_map(|r| &r.commitments))
        .await
}
