//! The task lists: the verification queue (every achievement awaiting verification in the
//! countries the user may verify) and a focal point's work (the milestones of their countries
//! that are overdue, due soon, blocked or sent back).

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use safeguards_domain::milestone::MilestoneStatus;
use safeguards_projections::model::{EvidenceView, MilestoneView};
use safeguards_projections::Tracker;

use crate::access::{may, Action, Principal};
use crate::App;

/// Tasks on one page of the queue, and in each part of a focal point's work.
pub const ROWS: usize = 50;
/// "Due soon": within this many days.
pub const SOON_DAYS: i64 = 14;

/// A milestone in a task list.
#[derive(Debug, Clone)]
pub struct Task {
    pub id: String,
    pub title: String,
    pub country: String,
    pub country_name: String,
    pub commitment: String,
    pub due_on: NaiveDate,
    pub version: i64,
    /// Why it is on the list, where the list says (a block's reason, a send-back's).
    pub note: Option<String>,
}

impl Task {
    fn of(model: &Tracker, m: &MilestoneView, note: Option<String>) -> Self {
        Self {
            id: m.id.clone(),
            title: m.title.clone(),
            country: m.country.clone(),
            country_name: model.country_name(&m.country),
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

/// An achievement awaiting verification.
#[derive(Debug, Clone)]
pub struct Awaiting {
    pub task: Task,
    pub reporter: String,
    pub reported_at: Option<DateTime<Utc>>,
    pub evidence: Vec<EvidenceView>,
    /// The documents attached as evidence.
    pub documents: Vec<safeguards_projections::model::EvidenceFileView>,
    /// Reported by the reader: shown, not theirs to verify.
    pub own: bool,
}

/// One page of the verification queue.
#[derive(Debug, Clone)]
pub struct Queue {
    /// The countries with achievements awaiting the reader (code, name), by name.
    pub countries: Vec<(String, String)>,
    /// How many await in the country chosen (or in all).
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    /// Oldest report first.
    pub awaiting: Vec<Awaiting>,
}

/// When the milestone last entered `status`.
fn entered(m: &MilestoneView, status: MilestoneStatus) -> Option<DateTime<Utc>> {
    m.transitions
        .iter()
        .rev()
        .find(|t| t.status == status)
        .map(|t| t.at)
}

/// Page `page` of the achievements `who` may verify, in country `only` when given.
pub async fn verification_queue(
    app: &App,
    who: &Principal,
    only: Option<&str>,
    page: usize,
) -> Queue {
    let model = app.model().await;
    let me = who.actor.as_metadata();
    let mut awaiting: Vec<&MilestoneView> = model
        .milestones
        .values()
        .filter(|m| m.status == MilestoneStatus::Achieved)
        .filter(|m| may(who, Action::Verify, Some(&m.country)))
        .collect();
    let mut countries: Vec<(String, String)> = awaiting
        .iter()
        .map(|m| m.country.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|c| {
            let name = model.country_name(&c);
            (c, name)
        })
        .collect();
    countries.sort_by(|a, b| a.1.cmp(&b.1));
    awaiting.retain(|m| only.is_none_or(|c| c == m.country));
    awaiting.sort_by_key(|m| (entered(m, MilestoneStatus::Achieved), m.id.clone()));
    let pages = awaiting.len().div_ceil(ROWS).max(1);
    let page = page.clamp(1, pages);
    let shown = awaiting
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
            reported_at: entered(m, MilestoneStatus::Achieved),
            evidence: m.evidence.clone(),
            documents: m.evidence_files.clone(),
            own: m.achieved_by.as_deref() == Some(me.as_str()),
        })
        .collect();
    Queue {
        countries,
        total: awaiting.len(),
        page,
        pages,
        awaiting: shown,
    }
}

/// One part of a focal point's work: the first [`ROWS`] tasks, by due date, and how many there
/// are.
#[derive(Debug, Clone, Default)]
pub struct Part {
    pub tasks: Vec<Task>,
    pub total: usize,
}

/// A focal point's work today in the countries whose milestones they may update.
#[derive(Debug, Clone, Default)]
pub struct Work {
    /// The countries (code, name).
    pub countries: Vec<(String, String)>,
    pub overdue: Part,
    pub due_soon: Part,
    pub blocked: Part,
    /// Sent back by a verifier.
    pub returned: Part,
}

/// The work of `who` today.
pub async fn work(app: &App, who: &Principal) -> Work {
    let model = app.model().await;
    let today = app.clock.today();
    let soon = today + chrono::Duration::days(SOON_DAYS);
    let countries: Vec<(String, String)> = model
        .engagements
        .iter()
        .filter(|(code, _)| may(who, Action::UpdateMilestones, Some(code)))
        .map(|(code, e)| (code.clone(), e.name.clone()))
        .collect();
    let mine = |m: &&MilestoneView| countries.iter().any(|(c, _)| *c == m.country);
    let (mut overdue, mut due_soon, mut blocked, mut returned) = (vec![], vec![], vec![], vec![]);
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
    let part = |mut list: Vec<&MilestoneView>, note: fn(&MilestoneView) -> Option<String>| {
        list.sort_by_key(|m| (m.due_on, m.id.clone()));
        Part {
            total: list.len(),
            tasks: list
                .iter()
                .take(ROWS)
                .map(|m| Task::of(&model, m, note(m)))
                .collect(),
        }
    };
    Work {
        overdue: part(overdue, |_| None),
        due_soon: part(due_soon, |_| None),
        blocked: part(blocked, |m| m.blocked_reason.clone()),
        returned: part(returned, |m| m.rejected_reason.clone()),
        countries,
    }
}
