//! `/commitments/{id}`: one commitment — what it commits to under the framework, its milestones
//! a page at a time, and the actions this user may take: add a milestone, revise, withdraw.

use askama::Template;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use safeguards_app::history::{self, Subject};
use safeguards_app::records;
use safeguards_app::{may, Action};
use safeguards_domain::values::{CommitmentId, MilestoneId, StageCode};
use safeguards_projections::model::CommitmentView;

use super::country::MilestoneRow;
use super::page_number;
use super::{not_found, render, Field, FormView, PageForms, Path, Refused, Viewer, Visit};
use crate::web::i18n::Texts;
use crate::AppState;

/// Milestones on one page of a commitment.

#[derive(Template)]
#[template(path = "commitment.html")]
struct CommitmentPage<'a> {
    t: &'static Texts,
    user: Option<String>,
    c: &'a CommitmentView,
    country_name: String,
    milestones: Vec<MilestoneRow>,
    total: usize,
    page: usize,
    pages: usize,
    forms: PageForms,
    /// Its process references as the catalogue knows them.
    processes: Vec<ProcessLine>,
    history: Vec<super::milestone::HistoryRow>,
    catalogue_version: String,
}

/// A process reference: its title and source page, or none when the catalogue does not know it.
struct ProcessLine {
    id: String,
    known: Option<(String, String)>,
}

/// The references as the catalogue knows them.
fn process_lines(state: &AppState, refs: &[String]) -> Vec<ProcessLine> {
    refs.iter()
        .map(|id| ProcessLine {
            id: id.clone(),
            known: state
                .app
                .processes()
                .get(id)
                .map(|p| (p.title.clone(), p.source.clone())),
        })
        .collect()
}

/// `GET /commitments/{id}`.
pub async fn commitment(
    State(state): State<AppState>,
    visit: Visit,
    parts: Parts,
    Path(id): Path<CommitmentId>,
) -> Response {
    let t = visit.t;
    let done = super::done_query(&parts).and_then(|a| action_label(t, &a));
    let viewer = visit.viewer(&state);
    let page = page_number(&parts);
    visit.answer(commitment_page(&state, &viewer, id, page, StatusCode::OK, done, None).await)
}

/// The label of an action of this page by its name in the route.
fn action_label(t: &'static Texts, action: &str) -> Option<&'static str> {
    Some(match action {
        "milestones" => t.add_milestone,
        "revise" => t.revise,
        "withdraw" => t.withdraw,
        _ => return None,
    })
}

/// The page of commitment `id` (its milestones' page `page`), as [`super::milestone::page`].
pub(super) async fn commitment_page(
    state: &AppState,
    viewer: &Viewer<'_>,
    id: CommitmentId,
    page: usize,
    status: StatusCode,
    done: Option<&'static str>,
    refused: Option<Refused<'_>>,
) -> Response {
    let t = viewer.t;
    let missing = || not_found(t, Some(viewer.who.name.clone()), t.no_such_commitment);
    // Read before the model: the history takes its own look at it.
    let events = history::history(&state.app, viewer.who, Subject::Commitment, &id.to_string())
        .await
        .unwrap_or_default();
    let Ok(record) = records::commitment(&state.app, id, page).await else {
        return missing();
    };
    let (c, today) = (&record.commitment, record.today);
    let forms = PageForms::new(viewer, actions_for(t, viewer, c), done, refused);
    render(
        status,
        CommitmentPage {
            t,
            user: Some(viewer.who.name.clone()),
            country_name: t.country_or(&record.commitment.country, &record.country_name),
            total: record.total,
            milestones: record
                .milestones
                .iter()
                .map(|m| MilestoneRow::of(t, m, today))
                .collect(),
            page: record.page,
            pages: record.pages,
            forms,
            processes: process_lines(state, &c.process_refs),
            history: super::milestone::history_rows(t, &events),
            catalogue_version: state.app.processes().catalogue_version.clone(),
            c,
        },
    )
}

/// The actions `viewer` may take on `c`: none on a withdrawn commitment.
fn actions_for(t: &'static Texts, viewer: &Viewer<'_>, c: &CommitmentView) -> Vec<FormView> {
    if c.withdrawn || !may(viewer.who, Action::EditCommitments, Some(&c.country)) {
        return vec![];
    }
    let stages = StageCode::all()
        .into_iter()
        .map(|s| (s.as_str().to_string(), t.coded(s)))
        .collect();
    vec![
        FormView::new(
            "milestones",
            t.add_milestone,
            vec![
                Field::new("title", t.title_label, "text"),
                Field::new("due_on", t.due_date, "date"),
                Field::new("stage", t.stage, "text")
                    .optional()
                    .choices(stages),
            ],
        )
        // The new milestone's id, fixed when the form is shown: sending it twice adds one.
        .with_hidden("new_id", MilestoneId::new().to_string()),
        FormView::new(
            "revise",
            t.revise,
            vec![
                Field::new("title", t.title_label, "text").with_value(c.title.clone()),
                Field::new("due_on", t.due_date, "date").with_value(c.due_on.to_string()),
            ],
        )
        .secondary(),
        FormView::new(
            "withdraw",
            t.withdraw,
            vec![Field::new("reason", t.reason, "text")],
        )
        .secondary(),
    ]
}
