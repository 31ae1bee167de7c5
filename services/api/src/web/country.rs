//! `/countries/{country}`: a readable summary of the engagement — its DPI systems, the burn-up
//! chart, its commitments a page at a time (each with its counts, next due date and the open
//! milestones that come first, linked to their pages), its activities and recent history; and,
//! folded at the end, what this user may do to the engagement. It stays light whatever the
//! number of milestones: the actions on milestones are on their own pages.

use askama::Template;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use safeguards_app::records::{self, CommitmentLine};
use safeguards_app::{may, Action};
use safeguards_projections::model::{ActivityView, MilestoneView};
use safeguards_projections::views::MilestoneCounts;

use super::{country_forms, not_found, render, Burnup, PageForms, Path, Refused, Viewer, Visit};
use crate::web::i18n::{self, Texts};
use crate::AppState;
use safeguards_domain::values::CountryCode;

/// The activities shown, the latest first.
const RECENT_ACTIVITIES: usize = 10;

/// A DPI system of a country and the life-cycle stage it is at.
pub(super) struct DpiLine {
    pub system: String,
    pub stage: String,
}

/// A line of a country's recent history: the day, what happened, who did it.
struct HistoryLine {
    day: String,
    text: String,
    actor: String,
}

pub(super) struct MilestoneRow {
    pub id: String,
    pub title: String,
    pub status: &'static str,
    pub overdue: bool,
    pub percent: Option<u8>,
    pub due_on: NaiveDate,
}

impl MilestoneRow {
    pub fn of(t: &'static Texts, m: &MilestoneView, today: NaiveDate) -> Self {
        Self {
            id: m.id.clone(),
            title: m.title.clone(),
            status: i18n::status_word(t, m.status.as_str()),
            overdue: m.is_overdue(today),
            percent: m.percent,
            due_on: m.due_on,
        }
    }
}

struct CommitmentRow {
    id: String,
    title: String,
    fulfilled: bool,
    principles: String,
    authority: String,
    stage: String,
    due_on: NaiveDate,
    total: usize,
    counts: MilestoneCounts,
    next_due: Option<NaiveDate>,
    /// The open milestones that come first: overdue, then by due date.
    first: Vec<MilestoneRow>,
    /// Open milestones not shown here.
    more: usize,
}

#[derive(Template)]
#[template(path = "country.html")]
struct CountryPage {
    t: &'static Texts,
    user: Option<String>,
    /// The visitor may build an action plan here.
    may_plan: bool,
    code: String,
    name: String,
    lead: String,
    started_on: NaiveDate,
    status: &'static str,
    completion: f64,
    overdue: u32,
    dpi: Vec<DpiLine>,
    burnup: Option<Burnup>,
    commitments: Vec<CommitmentRow>,
    page: usize,
    pages: usize,
    history: Vec<HistoryLine>,
    status_reason: Option<String>,
    focal_points: Vec<String>,
    activities: Vec<ActivityView>,
    forms: PageForms,
}

/// A commitment as the country page shows it.
fn commitment_row(t: &'static Texts, line: CommitmentLine, today: NaiveDate) -> CommitmentRow {
    let c = line.commitment;
    CommitmentRow {
        total: line.counts.total() as usize,
        id: c.id,
        title: c.title,
        fulfilled: line.fulfilled,
        principles: c.principles.join(", "),
        authority: c.authority,
        stage: c.stage,
        due_on: c.due_on,
        counts: line.counts,
        next_due: line.next_due,
        more: line.more_open,
        first: line
            .first_open
            .iter()
            .map(|m| MilestoneRow::of(t, m, today))
            .collect(),
    }
}

/// `GET /countries/{country}`.
pub async fn country(
    State(state): State<AppState>,
    visit: Visit,
    parts: Parts,
    Path(country): Path<CountryCode>,
) -> Response {
    let done = super::done_query(&parts).and_then(|a| action_label(visit.t, &a));
    let viewer = visit.viewer(&state);
    let page = super::page_number(&parts);
    visit.answer(country_page(&state, &viewer, country, page, StatusCode::OK, done, None).await)
}

/// The label of an action of the country page by its name in the route.
fn action_label(t: &'static Texts, action: &str) -> Option<&'static str> {
    Some(match action {
        "engagements" => t.open_engagement,
        "commitments" => t.new_commitment,
        "activities" => t.record_activity,
        "dpi-systems" => t.add_dpi_system,
        "dpi-stage" => t.move_dpi_system,
        "status" => t.change_status,
        "focal-points" => t.assign_focal_point,
        "remove-focal-point" => t.remove_focal_point,
        "publication" => t.pb.public_link,
        _ => return None,
    })
}

/// The page of the country `country` (its commitments' page `page`), as [`super::milestone::page`].
pub(super) async fn country_page(
    state: &AppState,
    viewer: &Viewer<'_>,
    country: CountryCode,
    page: usize,
    status: StatusCode,
    done: Option<&'static str>,
    refused: Option<Refused<'_>>,
) -> Response {
    let t = viewer.t;
    let record = match records::country(&state.app, viewer.who, country, page).await {
        Ok(r) => r,
        Err(_) => return not_found(t, Some(viewer.who.name.clone()), t.no_such_engagement),
    };
    let actions = country_forms::for_country(t, viewer.who, &record);
    let may_plan = may(viewer.who, Action::EditCommitments, Some(country.as_str()));
    let today = record.today;
    let e = record.engagement;
    render(
        status,
        CountryPage {
            t,
            user: Some(viewer.who.name.clone()),
            code: country.as_str().to_string(),
            name: t.country_or(country.as_str(), &e.name),
            lead: e.lead,
            started_on: e.started_on,
            status: i18n::status_word(t, e.status.into()),
            status_reason: e.status_reason,
            completion: record.summary.completion,
            overdue: record.summary.milestones.overdue,
            dpi: e
                .dpi_systems
                .into_iter()
                .map(|(system, stage)| DpiLine { system, stage })
                .collect(),
            focal_points: record
                .focal_points
                .into_iter()
                .map(|(_, name)| name)
                .collect(),
            activities: e
                .activities
                .into_iter()
                .rev()
                .take(RECENT_ACTIVITIES)
                .collect(),
            burnup: record.burnup.map(Burnup::of),
            commitments: record
                .commitments
                .into_iter()
                .map(|line| commitment_row(t, line, today))
                .collect(),
            history: record
                .history
                .into_iter()
                .map(|l| HistoryLine {
                    day: t.day(l.at.date_naive()),
                    text: t.history_line(&l),
                    actor: l.actor_name,
                })
                .collect(),
            page: record.page,
            pages: record.pages,
            may_plan,
            forms: PageForms::new(viewer, actions, done, refused),
        },
    )
}
