//! The task lists: `/review`, every milestone awaiting verification in the countries the user
//! may verify; `/work`, a focal point's start page — the milestones of their countries that are
//! overdue, due within 14 days, blocked or sent back.

use askama::Template;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use safeguards_app::{may, Action, Principal};
use safeguards_domain::milestone::MilestoneStatus;
use safeguards_projections::model::{EvidenceView, MilestoneView};
use safeguards_projections::Tracker;

use super::page_number;
use super::{render, Visit};
use crate::web::i18n::Texts;
use crate::AppState;

/// Rows on one page of the queue, and in each section of the start page.
const ROWS: usize = 50;
/// "Due soon": within this many days.
const SOON_DAYS: i64 = 14;

/// A milestone in a task list.
struct Task {
    id: String,
    title: String,
    country: String,
    country_name: String,
    commitment: String,
    due_on: NaiveDate,
    version: i64,
    note: Option<String>,
}

impl Task {
    fn of(model: &Tracker, m: &MilestoneView, note: Option<String>) -> Self {
        Self {
            id: m.id.clone(),
            title: m.title.clone(),
            country: m.country.clone(),
            country_name: model
                .engagements
                .get(&m.country)
                .map_or_else(|| m.country.clone(), |e| e.name.clone()),
            commitment: model
                .commitments
                .get(&m.commitment)
                .map(|c| c.title.clone())
                .unwrap_or_default(),
            due_on: m.due_on,
            version: m.version,
            note,
        }
    }
}

/// A milestone awaiting verification.
struct Awaiting {
    task: Task,
    reporter: String,
    reported_at: String,
    evidence: Vec<EvidenceView>,
    /// Reported by this user: shown, not theirs to verify.
    own: bool,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    t: &'static Texts,
    user: Option<String>,
    /// The countries with achievements awaiting verification (code, name), and the one chosen.
    countries: Vec<(String, String)>,
    only: Option<String>,
    rows: Vec<Awaiting>,
    total: usize,
    page: usize,
    pages: usize,
    csrf: String,
    done: bool,
}

/// When the milestone last entered `status`.
fn entered(m: &MilestoneView, status: MilestoneStatus) -> Option<DateTime<Utc>> {
    m.transitions
        .iter()
        .rev()
        .find(|t| t.status == status)
        .map(|t| t.at)
}

/// `GET /review`.
pub async fn review(State(state): State<AppState>, parts: Parts) -> Response {
    let visit = match Visit::of(&state, &parts).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let (t, who) = (visit.t, &visit.who);
    let model = state.app.model().await;
    let me = who.actor.as_metadata();
    let only = super::query_value(&parts, "country").map(|c| c.to_ascii_uppercase());
    let mut awaiting: Vec<&MilestoneView> = model
        .milestones
        .values()
        .filter(|m| m.status == MilestoneStatus::Achieved)
        .filter(|m| may(who, Action::Verify, Some(&m.country)))
        .collect();
    // The countries with something to verify, for the filter.
    let mut countries: Vec<(String, String)> = awaiting
        .iter()
        .map(|m| m.country.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|c| {
            let name = model
                .engagements
                .get(&c)
                .map_or_else(|| c.clone(), |e| e.name.clone());
            (c, name)
        })
        .collect();
    countries.sort_by(|a, b| a.1.cmp(&b.1));
    awaiting.retain(|m| only.as_ref().is_none_or(|c| *c == m.country));
    awaiting.sort_by_key(|m| (entered(m, MilestoneStatus::Achieved), m.id.clone()));
    let pages = awaiting.len().div_ceil(ROWS).max(1);
    let page = page_number(&parts).min(pages);
    let rows = awaiting
        .iter()
        .skip((page - 1) * ROWS)
        .take(ROWS)
        .map(|m| Awaiting {
            task: Task::of(&model, m, None),
            reporter: m
                .achieved_by
                .as_deref()
                .map(|a| model.actor_name(a))
                .unwrap_or_default(),
            reported_at: entered(m, MilestoneStatus::Achieved)
                .map(|at| at.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            evidence: m.evidence.clone(),
            own: m.achieved_by.as_deref() == Some(me.as_str()),
        })
        .collect();
    let page = ReviewPage {
        t,
        user: visit.name(),
        countries,
        only,
        total: awaiting.len(),
        rows,
        page,
        pages,
        csrf: visit.csrf(&state),
        done: super::done_query(&parts).is_some(),
    };
    visit.answer(render(StatusCode::OK, page))
}

/// One section of the start page: its heading, the tasks shown, and how many there are.
struct Section {
    id: &'static str,
    heading: &'static str,
    tasks: Vec<Task>,
    total: usize,
}

#[derive(Template)]
#[template(path = "work.html")]
struct WorkPage {
    t: &'static Texts,
    user: Option<String>,
    sections: Vec<Section>,
    countries: Vec<(String, String)>,
}

/// The countries whose milestones `who` may update, with their names.
fn my_countries(model: &Tracker, who: &Principal) -> Vec<(String, String)> {
    model
        .engagements
        .iter()
        .filter(|(code, _)| may(who, Action::UpdateMilestones, Some(code)))
        .map(|(code, e)| (code.clone(), e.name.clone()))
        .collect()
}

/// `GET /work`.
pub async fn work(State(state): State<AppState>, parts: Parts) -> Response {
    let visit = match Visit::of(&state, &parts).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let (t, who) = (visit.t, &visit.who);
    let model = state.app.model().await;
    let today = state.app.clock.today();
    let soon = today + chrono::Duration::days(SOON_DAYS);
    let countries = my_countries(&model, who);
    let mine = |m: &&MilestoneView| countries.iter().any(|(c, _)| *c == m.country);
    let mut overdue = Vec::new();
    let mut due_soon = Vec::new();
    let mut blocked = Vec::new();
    let mut returned = Vec::new();
    for m in model.milestones.values().filter(mine) {
        use MilestoneStatus::*;
        match m.status {
            Blocked => blocked.push(m),
            InProgress if m.rejected_reason.is_some() => returned.push(m),
            _ => {}
        }
        if m.is_overdue(today) {
            overdue.push(m);
        } else if matches!(m.status, Planned | InProgress | Blocked) && m.due_on <= soon {
            due_soon.push(m);
        }
    }
    let section =
        |id, heading, mut list: Vec<&MilestoneView>, note: fn(&MilestoneView) -> Option<String>| {
            list.sort_by_key(|m| (m.due_on, m.id.clone()));
            Section {
                id,
                heading,
                total: list.len(),
                tasks: list
                    .iter()
                    .take(ROWS)
                    .map(|m| Task::of(&model, m, note(m)))
                    .collect(),
            }
        };
    let sections = vec![
        section("overdue", t.work_overdue, overdue, |_| None),
        section("soon", t.work_soon, due_soon, |_| None),
        section("blocked", t.work_blocked, blocked, |m| {
            m.blocked_reason.clone()
        }),
        section("returned", t.work_returned, returned, |m| {
            m.rejected_reason.clone()
        }),
    ];
    let page = WorkPage {
        t,
        user: visit.name(),
        sections,
        countries,
    };
    visit.answer(render(StatusCode::OK, page))
}
