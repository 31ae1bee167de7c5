//! The framework's own pages: the catalogue of processes (`/catalogue`), action plans built
//! from it (`/countries/{c}/plan`), the risks a country leaves uncovered
//! (`/countries/{c}/coverage`), and the commitments behind any figure (`/explain`).

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use safeguards_app::{may, plans, progress, Action};
use safeguards_domain::commitment::CommitmentFields;
use safeguards_domain::processes::{order, Process, Processes};
use safeguards_domain::values::{
    parse_as, parse_date, AuthorityCode, CommitmentId, CountryCode, RiskCode, StageCode, Text,
    Title,
};
use safeguards_projections::coverage::Coverage;
use safeguards_projections::model::{CommitmentView, MilestoneView};
use safeguards_projections::views::{self, Figure};

use super::country_forms::catalogue as choices;
use super::{form_caller, message, query_value, render, user, Posted, Visit};
use crate::web::i18n::{self, Texts};
use crate::AppState;

#[derive(Template)]
#[template(path = "catalogue.html")]
struct CataloguePage<'a> {
    t: &'static Texts,
    user: Option<String>,
    c: &'a Processes,
    per_principle: Vec<(String, usize)>,
    filled: (usize, usize, usize),
    tables: Vec<(&'a String, Vec<&'a str>)>,
    processes: Vec<&'a Process>,
}

/// `GET /catalogue`: open to everyone, like `GET /api/v1/catalogue`.
pub async fn catalogue(State(state): State<AppState>, parts: Parts) -> Response {
    let signed_in = user(&state, &parts).await;
    let (lang, chosen) = match &signed_in {
        Some((who, _)) => i18n::language_for(&parts, who.language),
        None => i18n::language(&parts),
    };
    let t = i18n::texts(lang);
    let c = state.app.processes.as_ref();
    let mut processes: Vec<&Process> = c.processes.iter().collect();
    processes.sort_by_key(|p| order(&p.id));
    let page = CataloguePage {
        t,
        user: signed_in.map(|(who, _)| who.name),
        per_principle: c.per_principle().into_iter().collect(),
        filled: c.filled(),
        tables: c
            .by_authority_stage
            .iter()
            .map(|(k, ids)| (k, ids.iter().map(String::as_str).collect()))
            .collect(),
        processes,
        c,
    };
    i18n::remember(render(StatusCode::OK, page), lang, chosen)
}

/// One process drafted into the plan, as the form shows it.
struct DraftRow {
    id: String,
    title: String,
    principle: String,
    risks: String,
    source: String,
    picked: bool,
    edit_title: String,
    /// The risks as typed ("RS4, RI2").
    edit_risks: String,
    /// The id the commitment is recorded under, fixed when the page is shown (a form sent
    /// twice records it once).
    new_id: String,
    due_on: String,
    description: String,
    error: Option<String>,
    /// The commitment the catalogue drafts, before the user's edits.
    fields: CommitmentFields,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    t: &'static Texts,
    user: Option<String>,
    csrf: String,
    country: String,
    name: String,
    authorities: Vec<(String, String)>,
    stages: Vec<(String, String)>,
    authority: String,
    stage: String,
    due_on: String,
    /// The choice was made and is valid: the drafts follow (possibly none).
    chosen: bool,
    drafts: Vec<DraftRow>,
    /// An error of the whole form (no process chosen, a bad date).
    error: Option<String>,
    saved: Option<usize>,
}

impl PlanPage {
    /// The page for a choice of authority, stage and due date, as typed; no drafts yet.
    #[allow(clippy::too_many_arguments)]
    fn new(
        t: &'static Texts,
        user: Option<String>,
        csrf: String,
        country: CountryCode,
        name: String,
        authority: &str,
        stage: &str,
        due_on: &str,
    ) -> Self {
        Self {
            t,
            user,
            csrf,
            country: country.to_string(),
            name,
            authorities: choices(AuthorityCode::all(), |a| a.as_str(), |a| a.name()),
            stages: choices(StageCode::all(), |s| s.as_str(), |s| s.name()),
            authority: authority.to_string(),
            stage: stage.to_string(),
            due_on: due_on.to_string(),
            chosen: false,
            drafts: vec![],
            error: None,
            saved: None,
        }
    }

    fn any_failed(&self) -> bool {
        self.drafts.iter().any(|d| d.error.is_some())
    }
}

/// The country of a plan or coverage page and its name, if engaged.
async fn engaged(state: &AppState, raw: &str) -> Option<(CountryCode, String)> {
    let country = CountryCode::parse(raw).ok()?;
    let model = state.app.model().await;
    let name = model.engagements.get(country.as_str())?.name.clone();
    Some((country, name))
}

fn no_engagement(t: &'static Texts, user: Option<String>) -> Response {
    super::not_found(t, user, t.no_such)
}

/// `GET /countries/{country}/plan?authority=R3&stage=L2&due_on=…`.
pub async fn plan(
    State(state): State<AppState>,
    parts: Parts,
    Path(raw): Path<String>,
) -> Response {
    let visit = match Visit::of(&state, &parts).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let t = visit.t;
    let Some((country, name)) = engaged(&state, &raw).await else {
        return visit.answer(no_engagement(t, visit.name()));
    };
    if !may(&visit.who, Action::EditCommitments, Some(country.as_str())) {
        return visit.answer(message(
            t,
            StatusCode::FORBIDDEN,
            visit.name(),
            t.fw.plan_title,
            t.may_not,
            Some((&format!("/countries/{country}"), t.back)),
        ));
    }
    let authority = query_value(&parts, "authority").unwrap_or_default();
    let stage = query_value(&parts, "stage").unwrap_or_default();
    let due_on = query_value(&parts, "due_on")
        .unwrap_or_else(|| (state.app.clock.today() + chrono::Duration::days(365)).to_string());
    let mut page = PlanPage::new(
        t,
        visit.name(),
        visit.csrf(&state),
        country,
        name,
        &authority,
        &stage,
        &due_on,
    );
    page.saved = query_value(&parts, "saved").and_then(|n| n.parse().ok());
    if !authority.is_empty() || !stage.is_empty() {
        match choice(&authority, &stage, &due_on).and_then(|(a, s, due)| drafts(&state, a, s, due))
        {
            Ok(rows) => {
                page.chosen = true;
                page.drafts = rows;
            }
            Err(e) => page.error = Some(e),
        }
    }
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    visit.answer(render(status, page))
}

/// The authority, stage and due date chosen, or the first error.
fn choice(
    authority: &str,
    stage: &str,
    due_on: &str,
) -> Result<(AuthorityCode, StageCode, chrono::NaiveDate), String> {
    let a = parse_as("authority", authority, AuthorityCode::parse).map_err(|e| e.to_string())?;
    let s = parse_as("stage", stage, StageCode::parse).map_err(|e| e.to_string())?;
    let d = parse_date("due_on", due_on).map_err(|e| e.to_string())?;
    Ok((a, s, d))
}

/// The plan use case's drafts, as the form shows them.
fn drafts(
    state: &AppState,
    authority: AuthorityCode,
    stage: StageCode,
    due_on: chrono::NaiveDate,
) -> Result<Vec<DraftRow>, String> {
    let drafts = plans::draft(&state.app, authority, stage, due_on).map_err(|e| e.to_string())?;
    Ok(drafts
        .into_iter()
        .map(|d| DraftRow {
            id: d.process.id.clone(),
            title: d.process.title.clone(),
            principle: d.process.principle.clone(),
            risks: d.process.risks.join(", "),
            source: d.process.source.clone(),
            picked: false,
            edit_title: d.fields.title.as_str().to_string(),
            edit_risks: d.process.risks.join(", "),
            new_id: CommitmentId::new().to_string(),
            due_on: due_on.to_string(),
            description: String::new(),
            error: None,
            fields: d.fields,
        })
        .collect())
}

/// `POST /countries/{country}/plan`: the chosen drafts, as edited, become commitments; one
/// invalid draft records none and the page comes back with every error by process.
pub async fn save_plan(
    State(state): State<AppState>,
    parts: Parts,
    Path(raw): Path<String>,
    Form(posted): Form<Posted>,
) -> Response {
    let (t, caller) = match form_caller(&state, &parts, &posted.fields()).await {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let Some((country, name)) = engaged(&state, &raw).await else {
        return no_engagement(t, Some(caller.principal.name.clone()));
    };
    if !may(
        &caller.principal,
        Action::EditCommitments,
        Some(country.as_str()),
    ) {
        return message(
            t,
            StatusCode::FORBIDDEN,
            Some(caller.principal.name.clone()),
            t.fw.plan_title,
            t.may_not,
            Some((&format!("/countries/{country}"), t.back)),
        );
    }
    let (authority, stage, due_on) = (
        posted.one("authority"),
        posted.one("stage"),
        posted.one("due_on"),
    );
    let back = |error: Option<String>, rows: Vec<DraftRow>| {
        let mut page = PlanPage::new(
            t,
            Some(caller.principal.name.clone()),
            posted.one("csrf").to_string(),
            country,
            name.clone(),
            authority,
            stage,
            due_on,
        );
        page.chosen = true;
        page.drafts = rows;
        page.error = error;
        page
    };
    let mut rows =
        match choice(authority, stage, due_on).and_then(|(a, s, due)| drafts(&state, a, s, due)) {
            Ok(rows) => rows,
            Err(e) => return render(StatusCode::UNPROCESSABLE_ENTITY, back(Some(e), vec![])),
        };
    let picked = posted.all("pick");
    let mut plan = Vec::new();
    let mut failed = false;
    for row in &mut rows {
        row.picked = picked.contains(&row.id);
        row.edit_title = posted.one(&format!("title:{}", row.id)).trim().to_string();
        row.due_on = posted.one(&format!("due:{}", row.id)).trim().to_string();
        row.edit_risks = posted.one(&format!("risks:{}", row.id)).trim().to_string();
        if let Ok(id) = CommitmentId::parse(posted.one(&format!("id:{}", row.id)).trim()) {
            row.new_id = id.to_string();
        }
        row.description = posted
            .one(&format!("description:{}", row.id))
            .trim()
            .to_string();
        if !row.picked {
            continue;
        }
        let edited = (|| {
            let mut f = row.fields.clone();
            f.title = Title::parse(&row.edit_title)?;
            f.risks = crate::api::schema::list(
                "risks",
                &super::items(&row.edit_risks),
                crate::api::schema::max::RISKS,
                RiskCode::parse,
            )?;
            f.due_on = parse_date("due_on", &row.due_on)?;
            f.description = Text::parse_optional(
                "description",
                Some(row.description.as_str()).filter(|d| !d.is_empty()),
            )?;
            Ok::<_, safeguards_domain::values::FieldError>(f)
        })();
        match edited {
            Ok(f) => plan.push((
                CommitmentId::parse(&row.new_id).unwrap_or_else(|_| CommitmentId::new()),
                f,
            )),
            Err(e) => {
                row.error = Some(e.to_string());
                failed = true;
            }
        }
    }
    if failed {
        return render(StatusCode::UNPROCESSABLE_ENTITY, back(None, rows));
    }
    match plans::save(&state.app, &caller, country, plan).await {
        Ok(saved) => Redirect::to(&format!(
            "/countries/{country}/plan?saved={}",
            saved.created.len() + saved.already.len()
        ))
        .into_response(),
        Err(e) => {
            let e = crate::http::error::ApiError::from(e);
            render(e.status, back(Some(e.detail), rows))
        }
    }
}

/// One risk's line on the coverage page.
struct RiskRow {
    code: &'static str,
    name: &'static str,
    commitments: Vec<(String, String)>,
    gap: bool,
    /// Per authority (with its name), the processes that would cover the gap.
    suggestions: Vec<(String, Vec<Suggested>)>,
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
    parts: Parts,
    Path(raw): Path<String>,
) -> Response {
    let visit = match Visit::of(&state, &parts).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let t = visit.t;
    let Some((country, _)) = engaged(&state, &raw).await else {
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
            let e = crate::http::error::ApiError::from(e);
            return visit.answer(message(
                t,
                e.status,
                visit.name(),
                t.fw.coverage_title,
                &e.detail,
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
                name: code.name(),
                commitments: r
                    .commitments
                    .iter()
                    .map(|id| {
                        (
                            id.clone(),
                            titles.get(id).cloned().unwrap_or_else(|| id.clone()),
                        )
                    })
                    .collect(),
                gap: r.gap,
                suggestions: r
                    .suggestions
                    .iter()
                    .map(|s| {
                        let who = AuthorityCode::parse(&s.authority)
                            .map(|a| format!("{} — {}", a.as_str(), a.name()))
                            .unwrap_or_else(|_| s.authority.clone());
                        let list = s
                            .processes
                            .iter()
                            .filter_map(|id| state.app.processes.get(id))
                            .map(|p| Suggested {
                                id: p.id.clone(),
                                title: p.title.clone(),
                                source: p.source.clone(),
                            })
                            .collect();
                        (who, list)
                    })
                    .collect(),
            })
        })
        .collect();
    let page = CoveragePage {
        t,
        user: visit.name(),
        country: found.country.clone(),
        name: found.name.clone(),
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
    let model = state.app.model().await;
    c.risks
        .iter()
        .flat_map(|r| &r.commitments)
        .filter_map(|id| {
            model
                .commitments
                .get(id)
                .map(|v| (id.clone(), v.title.clone()))
        })
        .collect()
}

/// A commitment behind a figure, with the milestones that show it.
struct Behind {
    id: String,
    title: String,
    principles: String,
    risks: String,
    stage: String,
    /// The first of its milestones the figure concerns: id, title, status, overdue.
    milestones: Vec<(String, String, &'static str, bool)>,
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
pub async fn explain(State(state): State<AppState>, parts: Parts) -> Response {
    let visit = match Visit::of(&state, &parts).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let t = visit.t;
    let raw = query_value(&parts, "country").unwrap_or_default();
    let principle = query_value(&parts, "principle");
    let risk = query_value(&parts, "risk");
    let overdue_only = query_value(&parts, "overdue").as_deref() == Some("1");
    let today = state.app.clock.today();
    let model = state.app.model().await;
    let Some(e) = CountryCode::parse(&raw)
        .ok()
        .and_then(|c| model.engagements.get(c.as_str()))
    else {
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
            Ok(code) => (
                Figure::Principle(code.as_str()),
                format!("{} — {}", code.as_str(), code.name()),
            ),
            Err(_) => return bad("principle"),
        },
        (None, Some(r)) => match RiskCode::parse(r) {
            Ok(code) => (
                Figure::Risk(code.as_str()),
                format!("{} — {}", code.as_str(), code.name()),
            ),
            Err(_) => return bad("risk"),
        },
        (None, None) => (Figure::Commitments, t.col_commitments.to_string()),
        (Some(_), Some(_)) => return bad("principle"),
    };
    let behind: Vec<&CommitmentView> = views::behind(&model, e, figure);
    let milestone_row = |m: &MilestoneView| {
        (
            m.id.clone(),
            m.title.clone(),
            i18n::status_word(t, m.status.as_str()),
            m.is_overdue(today),
        )
    };
    let rows: Vec<Behind> = behind
        .iter()
        .map(|c| Behind {
            id: c.id.clone(),
            title: c.title.clone(),
            principles: c.principles.join(", "),
            risks: c.risks.join(", "),
            stage: c.stage.clone(),
            milestones: Vec::new(),
            overdue: 0,
            more: 0,
        })
        .zip(&behind)
        .map(|(mut b, c)| {
            let mut relevant: Vec<&MilestoneView> = model
                .live_milestones(c)
                .filter(|m| !overdue_only || m.is_overdue(today))
                .collect();
            if overdue_only {
                relevant.sort_by(|a, b| (a.due_on, &a.id).cmp(&(b.due_on, &b.id)));
            }
            b.overdue = relevant.iter().filter(|m| m.is_overdue(today)).count();
            b.more = relevant.len().saturating_sub(EXPLAIN_LISTED);
            b.milestones = relevant
                .into_iter()
                .take(EXPLAIN_LISTED)
                .map(milestone_row)
                .collect();
            b
        })
        .filter(|b| !overdue_only || !b.milestones.is_empty())
        .collect();
    let page = ExplainPage {
        t,
        user: visit.name(),
        country: e.country.clone(),
        name: e.name.clone(),
        figure: label,
        count: if overdue_only {
            rows.len()
        } else {
            behind.len()
        },
        overdue_only,
        overdue: rows.iter().map(|b| b.overdue).sum(),
        rows,
    };
    drop(model);
    visit.answer(render(StatusCode::OK, page))
}
