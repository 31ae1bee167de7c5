//! What the signed-in pages of one country, commitment or milestone read: the record, and what
//! is shown beside it, owned and read in one look at the model. The pages render it; they never
//! read the model themselves.

use chrono::NaiveDate;
use safeguards_domain::milestone::MilestoneStatus;
use safeguards_domain::values::{CommitmentId, CountryCode, MilestoneId, Role};
use safeguards_projections::activity::ActivityLine;
use safeguards_projections::model::{CommitmentView, EngagementView, MilestoneView};
use safeguards_projections::views::{self, BurnupSeries, CountrySummary, MilestoneCounts};
use safeguards_projections::Tracker;

use crate::access::{may, Action, Principal};
use crate::error::{AppError, AppResult};
use crate::App;

/// Commitments on one page of a country.
pub const COMMITMENTS_PER_PAGE: usize = 20;
/// The open milestones shown under a commitment on its country's page.
pub const MILESTONES_SHOWN: usize = 5;
/// The lines of a country's recent history.
pub const HISTORY_LINES: usize = 20;

/// A commitment as its country's page shows it.
#[derive(Debug, Clone)]
pub struct CommitmentLine {
    pub commitment: CommitmentView,
    /// At least one milestone, and every non-cancelled one verified.
    pub fulfilled: bool,
    pub counts: MilestoneCounts,
    /// The earliest due date of an open milestone that is not overdue.
    pub next_due: Option<NaiveDate>,
    /// The open milestones that come first: overdue, then by due date.
    pub first_open: Vec<MilestoneView>,
    /// Open milestones not among them.
    pub more_open: usize,
}

/// Open: neither verified nor cancelled.
fn open(m: &MilestoneView) -> bool {
    !matches!(
        m.status,
        MilestoneStatus::Verified | MilestoneStatus::Cancelled
    )
}

impl CommitmentLine {
    fn of(model: &Tracker, c: &CommitmentView, today: NaiveDate) -> Self {
        let mut counts = MilestoneCounts::default();
        let mut open_ones = Vec::new();
        for m in model.live_milestones(c) {
            counts.count(m, today);
            if open(m) {
                open_ones.push((m.is_overdue(today), m));
            }
        }
        open_ones.sort_by_key(|(overdue, m)| (!overdue, m.due_on));
        Self {
            commitment: c.clone(),
            fulfilled: views::is_fulfilled(model, c),
            counts,
            next_due: open_ones
                .iter()
                .filter(|(overdue, _)| !overdue)
                .map(|(_, m)| m.due_on)
                .min(),
            more_open: open_ones.len().saturating_sub(MILESTONES_SHOWN),
            first_open: open_ones
                .iter()
                .take(MILESTONES_SHOWN)
                .map(|(_, m)| (*m).clone())
                .collect(),
        }
    }
}

/// A country's record as its page shows it to one reader.
#[derive(Debug, Clone)]
pub struct CountryRecord {
    pub engagement: EngagementView,
    pub summary: CountrySummary,
    /// One page of its commitments (withdrawn ones left out).
    pub commitments: Vec<CommitmentLine>,
    pub page: usize,
    pub pages: usize,
    /// What happened lately, newest first.
    pub history: Vec<ActivityLine>,
    /// The focal points (id, name).
    pub focal_points: Vec<(String, String)>,
    /// The focal-point accounts the reader may assign here (id, "name (e-mail)"); empty for a
    /// reader who may not manage the engagement.
    pub candidates: Vec<(String, String)>,
    pub burnup: Option<BurnupSeries>,
    pub today: NaiveDate,
}

/// The record of `country` for `who`, its commitments' page `page`.
pub async fn country(
    app: &App,
    who: &Principal,
    country: CountryCode,
    page: usize,
) -> AppResult<CountryRecord> {
    let code = country.as_str();
    let model = app.model().await;
    let today = app.clock.today();
    let e = model
        .engagements
        .get(code)
        .ok_or_else(|| crate::engagements::not_engaged(country))?;
    let summary = views::summary(&model, e, today);
    let pages = (summary.commitments as usize)
        .div_ceil(COMMITMENTS_PER_PAGE)
        .max(1);
    let page = page.clamp(1, pages);
    let commitments = views::commitments_of(&model, e)
        .skip((page - 1) * COMMITMENTS_PER_PAGE)
        .take(COMMITMENTS_PER_PAGE)
        .map(|c| CommitmentLine::of(&model, c, today))
        .collect();
    let history = model
        .activity
        .iter()
        .rev()
        .filter(|l| l.country.as_deref() == Some(code))
        .take(HISTORY_LINES)
        .cloned()
        .collect();
    let candidates = if may(who, Action::ManageEngagement, Some(code)) {
        model
            .accounts
            .values()
            .filter(|a| a.role == Role::FocalPoint && !a.disabled)
            .filter(|a| !e.focal_points.contains(&a.id))
            .map(|a| (a.id.clone(), format!("{} ({})", a.name, a.email)))
            .collect()
    } else {
        Vec::new()
    };
    Ok(CountryRecord {
        focal_points: e
            .focal_points
            .iter()
            .map(|id| (id.clone(), model.actor_name(id)))
            .collect(),
        burnup: views::burnup(&model, code, today),
        engagement: e.clone(),
        summary,
        commitments,
        page,
        pages,
        history,
        candidates,
        today,
    })
}

/// Milestones on one page of a commitment.
pub const MILESTONES_PER_PAGE: usize = 50;

/// A commitment's record as its page shows it.
#[derive(Debug, Clone)]
pub struct CommitmentRecord {
    pub commitment: CommitmentView,
    pub country_name: String,
    /// One page of its milestones, by due date.
    pub milestones: Vec<MilestoneView>,
    /// How many milestones it has.
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub today: NaiveDate,
}

/// The record of commitment `id`, its milestones' page `page`.
pub async fn commitment(app: &App, id: CommitmentId, page: usize) -> AppResult<CommitmentRecord> {
    let model = app.model().await;
    let c = model
        .commitments
        .get(&id.to_string())
        .ok_or_else(|| missing("commitment"))?;
    let mut all: Vec<&MilestoneView> = c
        .milestones
        .iter()
        .filter_map(|m| model.milestones.get(m))
        .collect();
    all.sort_by_key(|m| m.due_on);
    let pages = all.len().div_ceil(MILESTONES_PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    Ok(CommitmentRecord {
        country_name: model.country_name(&c.country),
        total: all.len(),
        milestones: all
            .iter()
            .skip((page - 1) * MILESTONES_PER_PAGE)
            .take(MILESTONES_PER_PAGE)
            .map(|m| (*m).clone())
            .collect(),
        commitment: c.clone(),
        page,
        pages,
        today: app.clock.today(),
    })
}

/// A milestone's record as its page shows it.
#[derive(Debug, Clone)]
pub struct MilestoneRecord {
    pub milestone: MilestoneView,
    pub country_name: String,
    pub commitment_title: String,
    /// Who reported it achieved, and who verified it (names).
    pub achieved_by: Option<String>,
    pub verified_by: Option<String>,
    /// The reader reported the achievement: another person verifies it.
    pub own_achievement: bool,
    pub today: NaiveDate,
}

/// The record of milestone `id` as `who` reads it.
pub async fn milestone(app: &App, who: &Principal, id: MilestoneId) -> AppResult<MilestoneRecord> {
    let model = app.model().await;
    let m = model
        .milestones
        .get(&id.to_string())
        .ok_or_else(|| missing("milestone"))?;
    let name = |actor: &Option<String>| actor.as_deref().map(|a| model.actor_name(a));
    Ok(MilestoneRecord {
        own_achievement: m.status == MilestoneStatus::Achieved
            && m.achieved_by.as_deref() == Some(who.actor.as_metadata().as_str()),
        country_name: model.country_name(&m.country),
        commitment_title: model
            .commitments
            .get(&m.commitment)
            .map(|c| c.title.clone())
            .unwrap_or_default(),
        achieved_by: name(&m.achieved_by),
        verified_by: name(&m.verified_by),
        milestone: m.clone(),
        today: app.clock.today(),
    })
}

/// The model's view of a record that does not exist.
fn missing(what: &str) -> AppError {
    AppError::not_found(format!("no such {what}"))
}
