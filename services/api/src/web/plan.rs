//! `/countries/{c}/plan`: an action plan drafted from the catalogue for one authority and
//! stage; the chosen drafts, as edited, become commitments.

use askama::Template;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use safeguards_app::{may, plans, Action};
use safeguards_domain::commitment::CommitmentFields;
use safeguards_domain::values::{
    parse_as, parse_date, AuthorityCode, CommitmentId, CountryCode, RiskCode, StageCode, Text,
    Title,
};

use super::country_forms::catalogue as choices;
use super::form::Choice;
use super::{message, query_value, render, Path, Posted, Signed, Visit};
use crate::web::i18n::Texts;
use crate::AppState;

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

/// Choices as the template reads them.
fn named(choices: Vec<(String, String)>) -> Vec<Choice> {
    choices
        .into_iter()
        .map(|(value, label)| Choice { value, label })
        .collect()
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    t: &'static Texts,
    user: Option<String>,
    csrf: String,
    country: String,
    name: String,
    authorities: Vec<Choice>,
    stages: Vec<Choice>,
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
            authorities: named(choices(t, AuthorityCode::all())),
            stages: named(choices(t, StageCode::all())),
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
pub(super) async fn engaged(
    state: &AppState,
    country: CountryCode,
) -> Option<(CountryCode, String)> {
    let e = safeguards_app::engagements::get(&state.app, country)
        .await
        .ok()?;
    Some((country, e.name))
}

pub(super) fn no_engagement(t: &'static Texts, user: Option<String>) -> Response {
    super::not_found(t, user, t.no_such)
}

/// `GET /countries/{country}/plan?authority=R3&stage=L2&due_on=…`.
pub async fn plan(
    State(state): State<AppState>,
    visit: Visit,
    parts: Parts,
    Path(country): Path<CountryCode>,
) -> Response {
    let t = visit.t;
    let Some((country, name)) = engaged(&state, country).await else {
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
        .unwrap_or_else(|| (state.app.clock().today() + chrono::Duration::days(365)).to_string());
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
    visit: Visit,
    Path(country): Path<CountryCode>,
    Signed(posted): Signed<Posted>,
) -> Response {
    let (t, caller) = (visit.t, visit.caller());
    let Some((country, name)) = engaged(&state, country).await else {
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
                row.error = Some(t.reason(&e.reason));
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
            let text = t.refusal(&e);
            let e = crate::http::error::ApiError::from(e);
            render(e.status, back(Some(text), rows))
        }
    }
}
