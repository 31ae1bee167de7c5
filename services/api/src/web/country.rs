//! `/countries/{country}`: a readable summary of the engagement — its DPI systems, the burn-up
//! chart, its commitments a page at a time (each with its counts, next due date and the open
//! milestones that come first, linked to their pages), its activities and recent history; and,
//! folded at the end, what this user may do to the engagement. It stays light whatever the
//! number of milestones: the actions on milestones are on their own pages.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use safeguards_app::{may, Action};
use safeguards_domain::milestone::MilestoneStatus;
use safeguards_projections::model::{ActivityView, CommitmentView, MilestoneView};
use safeguards_projections::views::{self, MilestoneCounts};
use safeguards_projections::Tracker;

use super::{country_forms, not_found, render, Burnup, PageForms, Refused, Viewer, Visit};
use crate::web::i18n::{self, Texts};
use crate::AppState;

/// Commitments on one page of a country.
const COMMITMENTS_PER_PAGE: usize = 20;
/// The activities shown, the latest first.
const RECENT_ACTIVITIES: usize = 10;
/// The open milestones shown under a commitment; the rest are on the commitment's page.
const MILESTONES_SHOWN: usize = 5;

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
    dpi: Vec<(String, String)>,
    burnup: Option<Burnup>,
    commitments: Vec<CommitmentRow>,
    page: usize,
    pages: usize,
    history: Vec<(String, String, String)>,
    status_reason: Option<String>,
    focal_points: Vec<String>,
    activities: Vec<ActivityView>,
    forms: PageForms,
}

/// Open: neither verified nor cancelled.
fn open(m: &MilestoneView) -> bool {
    !matches!(
        m.status,
        MilestoneStatus::Verified | MilestoneStatus::Cancelled
    )
}

/// A commitment as the country page shows it, read from the model without copying its
/// milestones.
fn commitment_row(
    t: &'static Texts,
    model: &Tracker,
    c: &CommitmentView,
    today: NaiveDate,
) -> CommitmentRow {
    let mut counts = MilestoneCounts::default();
    let mut open_ones = Vec::new();
    for m in model.live_milestones(c) {
        counts.count(m, today);
        if open(m) {
            open_ones.push((m.is_overdue(today), m));
        }
    }
    open_ones.sort_by_key(|(overdue, m)| (!overdue, m.due_on));
    CommitmentRow {
        id: c.id.clone(),
        title: c.title.clone(),
        fulfilled: views::is_fulfilled(model, c),
        principles: c.principles.join(", "),
        authority: c.authority.clone(),
        stage: c.stage.clone(),
        due_on: c.due_on,
        total: counts.total() as usize,
        counts,
        next_due: open_ones
            .iter()
            .filter(|(overdue, _)| !overdue)
            .map(|(_, m)| m.due_on)
            .min(),
        more: open_ones.len().saturating_sub(MILESTONES_SHOWN),
        first: open_ones
            .iter()
            .take(MILESTONES_SHOWN)
            .map(|(_, m)| MilestoneRow::of(t, m, today))
            .collect(),
    }
}

/// `GET /countries/{country}`.
pub async fn country(
    State(state): State<AppState>,
    parts: Parts,
    Path(raw): Path<String>,
) -> Response {
    let visit = match Visit::of(&state, &parts).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let done = super::done_query(&parts).and_then(|a| action_label(visit.t, &a));
    let viewer = visit.viewer(&state);
    let page = super::page_number(&parts);
    visit.answer(country_page(&state, &viewer, &raw, page, StatusCode::OK, done, None).await)
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

/// The page of the country `raw` (its commitments' page `page`), as [`super::milestone::page`].
pub(super) async fn country_page(
    state: &AppState,
    viewer: &Viewer<'_>,
    raw: &str,
    page: usize,
    status: StatusCode,
    done: Option<&'static str>,
    refused: Option<Refused<'_>>,
) -> Response {
    let t = viewer.t;
    let code = raw.to_ascii_uppercase();
    let model = state.app.model().await;
    let today = state.app.clock.today();
    let Some(engagement) = model.engagements.get(&code) else {
        return not_found(t, Some(viewer.who.name.clone()), t.no_such_engagement);
    };
    let summary = views::summary(&model, engagement, today);
    let pages = (summary.commitments as usize)
        .div_ceil(COMMITMENTS_PER_PAGE)
        .max(1);
    let page = page.min(pages);
    let commitments = views::commitments_of(&model, engagement)
        .skip((page - 1) * COMMITMENTS_PER_PAGE)
        .take(COMMITMENTS_PER_PAGE)
        .map(|c| commitment_row(t, &model, c, today))
        .collect();
    let history = model
        .activity
        .iter()
        .rev()
        .filter(|l| l.country.as_deref() == Some(code.as_str()))
        .take(20)
        .map(|l| {
            (
                l.at.format("%Y-%m-%d").to_string(),
                l.text.clone(),
                l.actor_name.clone(),
            )
        })
        .collect();
    let actions = country_forms::for_country(t, viewer.who, &model, engagement, today);
    let may_plan = may(viewer.who, Action::EditCommitments, Some(&code));
    render(
        status,
        CountryPage {
            t,
            user: Some(viewer.who.name.clone()),
            code: code.clone(),
            name: engagement.name.clone(),
            lead: engagement.lead.clone(),
            started_on: engagement.started_on,
            status: i18n::status_word(t, engagement.status.into()),
            status_reason: engagement.status_reason.clone(),
            completion: summary.completion,
            overdue: summary.milestones.overdue,
            dpi: engagement
                .dpi_systems
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            focal_points: engagement
                .focal_points
                .iter()
                .map(|a| model.actor_name(a))
                .collect(),
            activities: engagement
                .activities
                .iter()
                .rev()
                .take(RECENT_ACTIVITIES)
                .cloned()
                .collect(),
            burnup: Burnup::of(&model, &code, today),
            commitments,
            history,
            page,
            pages,
            may_plan,
            forms: PageForms::new(viewer, actions, done, refused),
        },
    )
}
