//! Queries over the read model: the progress views of `/api/v1/progress…`.
//!
//! Overdue depends on the date, not only on events, so every query takes `today`.
//! Milestones of withdrawn commitments are left out of every count.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use safeguards_domain::engagement::EngagementStatus;
use safeguards_domain::milestone::MilestoneStatus;
use safeguards_domain::values::{AuthorityCode, DpiSystemType, PrincipleCode, RiskCode, StageCode};
use serde::Serialize;

use crate::model::{CommitmentView, EngagementView, MilestoneView, Tally, Tracker};

/// Milestones by status; `overdue` overlaps the others.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MilestoneCounts {
    pub planned: u32,
    pub in_progress: u32,
    pub blocked: u32,
    pub achieved: u32,
    pub verified: u32,
    pub cancelled: u32,
    pub overdue: u32,
}

impl MilestoneCounts {
    pub fn count(&mut self, m: &MilestoneView, today: NaiveDate) {
        match m.status {
            MilestoneStatus::Planned => self.planned += 1,
            MilestoneStatus::InProgress => self.in_progress += 1,
            MilestoneStatus::Blocked => self.blocked += 1,
            MilestoneStatus::Achieved => self.achieved += 1,
            MilestoneStatus::Verified => self.verified += 1,
            MilestoneStatus::Cancelled => self.cancelled += 1,
        }
        if m.is_overdue(today) {
            self.overdue += 1;
        }
    }

    /// A commitment's counts on `today`, from its tally.
    pub fn of_tally(t: &Tally, today: NaiveDate) -> Self {
        use MilestoneStatus as S;
        Self {
            planned: t.count(S::Planned),
            in_progress: t.count(S::InProgress),
            blocked: t.count(S::Blocked),
            achieved: t.count(S::Achieved),
            verified: t.count(S::Verified),
            cancelled: t.count(S::Cancelled),
            overdue: t.overdue(today).count() as u32,
        }
    }

    pub fn total(&self) -> u32 {
        self.planned
            + self.in_progress
            + self.blocked
            + self.achieved
            + self.verified
            + self.cancelled
    }

    fn merge(&mut self, o: &Self) {
        self.planned += o.planned;
        self.in_progress += o.in_progress;
        self.blocked += o.blocked;
        self.achieved += o.achieved;
        self.verified += o.verified;
        self.cancelled += o.cancelled;
        self.overdue += o.overdue;
    }

    /// Verified ÷ non-cancelled milestones, in percent with one decimal; 0 when there are none.
    pub fn completion(&self) -> f64 {
        let counted = self.total() - self.cancelled;
        if counted == 0 {
            return 0.0;
        }
        (f64::from(self.verified) * 1000.0 / f64::from(counted)).round() / 10.0
    }
}

/// One country's line in `/api/v1/progress`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountrySummary {
    pub country: String,
    pub name: String,
    pub status: EngagementStatus,
    pub commitments: u32,
    pub milestones: MilestoneCounts,
    pub completion: f64,
    pub last_activity_at: DateTime<Utc>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    pub countries: u32,
    pub commitments: u32,
    pub milestones: MilestoneCounts,
    pub completion: f64,
}

/// `/api/v1/progress`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overview {
    pub as_of_position: i64,
    pub totals: Totals,
    pub countries: Vec<CountrySummary>,
}

/// Counts for one slice of a country (a stage, a principle, …).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Breakdown {
    pub commitments: u32,
    pub milestones: MilestoneCounts,
    pub completion: f64,
}

/// A milestone as the views show it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MilestoneOut {
    #[serde(flatten)]
    pub milestone: MilestoneView,
    pub overdue: bool,
}

/// A commitment with its milestones.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitmentOut {
    #[serde(flatten)]
    pub commitment: CommitmentView,
    /// At least one milestone, and every non-cancelled one verified.
    pub fulfilled: bool,
    pub milestone_counts: MilestoneCounts,
    #[serde(rename = "milestones")]
    pub milestone_list: Vec<MilestoneOut>,
    /// Where the rest of `milestones` is, when the list was cut (`milestone_counts` counts
    /// them all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestones_next: Option<String>,
    /// The references of `process_refs` that the catalogue in use does not hold (a catalogue
    /// that is not complete accepts them, and says so here).
    pub process_refs_not_in_catalogue: Vec<String>,
}

/// `/api/v1/progress/{country}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountryProgress {
    #[serde(flatten)]
    pub summary: CountrySummary,
    pub as_of_position: i64,
    pub as_of: Option<NaiveDate>,
    pub by_stage: BTreeMap<String, Breakdown>,
    pub by_principle: BTreeMap<String, Breakdown>,
    pub by_risk: BTreeMap<String, Breakdown>,
    pub by_authority: BTreeMap<String, Breakdown>,
    pub by_dpi_system: BTreeMap<String, Breakdown>,
    /// Its commitments with their milestones (`commitments` is their number).
    #[serde(rename = "commitment_list")]
    pub commitments: Vec<CommitmentOut>,
    pub overdue: Vec<MilestoneOut>,
    /// The next page of `commitment_list`, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commitment_list_next: Option<String>,
    /// Where the rest of `overdue` is, when the list was cut.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue_next: Option<String>,
}

/// One cell of the principle × country view.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrincipleCountry {
    pub country: String,
    pub name: String,
    pub commitments: u32,
    pub milestones: MilestoneCounts,
    pub completion: f64,
}

/// `/api/v1/progress/principles`: one row per principle.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrincipleProgress {
    pub principle: String,
    pub name: String,
    pub countries: Vec<PrincipleCountry>,
}

/// Whether a commitment is fulfilled: it has milestones and all non-cancelled are verified.
pub fn is_fulfilled(tracker: &Tracker, c: &CommitmentView) -> bool {
    let mut any = false;
    for m in tracker.live_milestones(c) {
        match m.status {
            MilestoneStatus::Cancelled => {}
            MilestoneStatus::Verified => any = true,
            _ => return false,
        }
    }
    any
}

/// The commitments of an engagement that count: not withdrawn, in the order they were made.
pub fn commitments_of<'a>(
    tracker: &'a Tracker,
    e: &'a EngagementView,
) -> impl Iterator<Item = &'a CommitmentView> + 'a {
    e.commitments
        .iter()
        .filter_map(|id| tracker.commitments.get(id))
        .filter(|c| !c.withdrawn)
}

/// What a figure of a country counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure<'a> {
    /// Its commitments (the dashboard's column).
    Commitments,
    /// Its commitments with this principle (a heat-map cell).
    Principle(&'a str),
    /// Its commitments addressing this risk at its DPI systems' stages (a coverage cell).
    Risk(&'a str),
}

/// The commitments behind a figure of an engagement, in the order they were made: every
/// figure shown is the length of this list, so each can be explained by it.
pub fn behind<'a>(
    tracker: &'a Tracker,
    e: &'a EngagementView,
    figure: Figure<'_>,
) -> Vec<&'a CommitmentView> {
    let stages = match figure {
        Figure::Risk(_) => crate::coverage::stages_of(e).0,
        _ => vec![],
    };
    commitments_of(tracker, e)
        .filter(|c| match figure {
            Figure::Commitments => true,
            Figure::Principle(p) => c.principles.iter().any(|x| x == p),
            Figure::Risk(r) => crate::coverage::addresses(c, r, &stages),
        })
        .collect()
}

/// One engagement's figures: its commitments, milestone counts and completion.
pub fn summary(tracker: &Tracker, e: &EngagementView, today: NaiveDate) -> CountrySummary {
    let mut counts = MilestoneCounts::default();
    let mut commitments = 0;
    for c in commitments_of(tracker, e) {
        commitments += 1;
        counts.merge(&MilestoneCounts::of_tally(&c.tally, today));
    }
    CountrySummary {
        country: e.country.clone(),
        name: e.name.clone(),
        status: e.status,
        commitments,
        milestones: counts,
        completion: counts.completion(),
        last_activity_at: e.last_activity_at,
    }
}

/// `/api/v1/progress`.
pub fn overview(tracker: &Tracker, today: NaiveDate) -> Overview {
    let countries: Vec<CountrySummary> = tracker
        .engagements
        .values()
        .map(|e| summary(tracker, e, today))
        .collect();
    let mut milestones = MilestoneCounts::default();
    let mut commitments = 0;
    for c in &countries {
        milestones.merge(&c.milestones);
        commitments += c.commitments;
    }
    Overview {
        as_of_position: tracker.position,
        totals: Totals {
            countries: countries.len() as u32,
            commitments,
            milestones,
            completion: milestones.completion(),
        },
        countries,
    }
}

fn slots(codes: impl IntoIterator<Item = &'static str>) -> BTreeMap<String, Breakdown> {
    codes
        .into_iter()
        .map(|c| (c.to_string(), Breakdown::default()))
        .collect()
}

/// A commitment with its milestones (all of them, also when it was withdrawn).
pub fn commitment_out(tracker: &Tracker, c: &CommitmentView, today: NaiveDate) -> CommitmentOut {
    let mut counts = MilestoneCounts::default();
    let list = c
        .milestones
        .iter()
        .filter_map(|id| tracker.milestones.get(id))
        .map(|m| {
            counts.count(m, today);
            MilestoneOut {
                milestone: m.clone(),
                overdue: m.is_overdue(today),
            }
        })
        .collect();
    CommitmentOut {
        commitment: c.clone(),
        fulfilled: is_fulfilled(tracker, c),
        milestone_counts: counts,
        milestone_list: list,
        milestones_next: None,
        process_refs_not_in_catalogue: Vec::new(),
    }
}

/// `/api/v1/progress/{country}`; `None` when the country has no engagement.
pub fn country(tracker: &Tracker, code: &str, today: NaiveDate) -> Option<CountryProgress> {
    let e = tracker.engagements.get(code)?;
    let mut by_stage = slots(StageCode::all().into_iter().map(|s| s.as_str()));
    let mut by_principle = slots(PrincipleCode::all().into_iter().map(|s| s.as_str()));
    let mut by_risk = slots(RiskCode::all().into_iter().map(|s| s.as_str()));
    let mut by_authority = slots(AuthorityCode::all().into_iter().map(|s| s.as_str()));
    let mut by_dpi_system = slots(
        DpiSystemType::all()
            .into_iter()
            .map(|s| s.as_str())
            .chain(["unspecified"]),
    );
    let mut commitments = Vec::new();
    let mut overdue = Vec::new();
    for c in commitments_of(tracker, e) {
        let out = commitment_out(tracker, c, today);
        let counts = out.milestone_counts;
        let dpi = c.dpi_system.clone().unwrap_or_else(|| "unspecified".into());
        let mut per_stage: BTreeMap<String, MilestoneCounts> = BTreeMap::new();
        for m in &out.milestone_list {
            let stage = m.milestone.stage.clone().unwrap_or_else(|| c.stage.clone());
            per_stage
                .entry(stage)
                .or_default()
                .count(&m.milestone, today);
            if m.overdue {
                overdue.push(m.clone());
            }
        }
        // A commitment counts under its own stage; a milestone under its stage, else the
        // commitment's.
        by_stage.entry(c.stage.clone()).or_default().commitments += 1;
        for (stage, sc) in per_stage {
            by_stage.entry(stage).or_default().milestones.merge(&sc);
        }
        let add = |map: &mut BTreeMap<String, Breakdown>, key: &str| {
            let b = map.entry(key.to_string()).or_default();
            b.commitments += 1;
            b.milestones.merge(&counts);
        };
        for p in &c.principles {
            add(&mut by_principle, p);
        }
        for r in &c.risks {
            add(&mut by_risk, r);
        }
        add(&mut by_authority, &c.authority);
        add(&mut by_dpi_system, &dpi);
        commitments.push(out);
    }
    for map in [
        &mut by_stage,
        &mut by_principle,
        &mut by_risk,
        &mut by_authority,
        &mut by_dpi_system,
    ] {
        for b in map.values_mut() {
            b.completion = b.milestones.completion();
        }
    }
    overdue.sort_by_key(|m| m.milestone.due_on);
    Some(CountryProgress {
        summary: summary(tracker, e, today),
        as_of_position: tracker.position,
        as_of: None,
        by_stage,
        by_principle,
        by_risk,
        by_authority,
        by_dpi_system,
        commitments,
        overdue,
        commitment_list_next: None,
        overdue_next: None,
    })
}

/// `/api/v1/progress/principles`.
pub fn principles(tracker: &Tracker, today: NaiveDate) -> Vec<PrincipleProgress> {
    PrincipleCode::all()
        .into_iter()
        .map(|p| PrincipleProgress {
            principle: p.as_str().to_string(),
            name: p.name().to_string(),
            countries: tracker
                .engagements
                .values()
                .map(|e| {
                    let mut commitments = 0;
                    let mut milestones = MilestoneCounts::default();
                    for c in behind(tracker, e, Figure::Principle(p.as_str())) {
                        commitments += 1;
                        milestones.merge(&MilestoneCounts::of_tally(&c.tally, today));
                    }
                    PrincipleCountry {
                        country: e.country.clone(),
                        name: e.name.clone(),
                        commitments,
                        milestones,
                        completion: milestones.completion(),
                    }
                })
                .collect(),
        })
        .collect()
}

/// Milestones overdue on `today`, across countries (or in one), earliest due first.
pub fn overdue_milestones(tracker: &Tracker, today: NaiveDate) -> Vec<&MilestoneView> {
    let mut list: Vec<&MilestoneView> = tracker
        .milestones
        .values()
        .filter(|m| m.is_overdue(today))
        .filter(|m| {
            tracker
                .commitments
                .get(&m.commitment)
                .is_some_and(|c| !c.withdrawn)
        })
        .collect();
    list.sort_by_key(|m| m.due_on);
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_is_verified_over_non_cancelled_with_one_decimal() {
        let c = MilestoneCounts {
            verified: 1,
            planned: 2,
            cancelled: 5,
            ..Default::default()
        };
        assert_eq!(c.completion(), 33.3);
        assert_eq!(MilestoneCounts::default().completion(), 0.0);
        let all_cancelled = MilestoneCounts {
            cancelled: 3,
            ..Default::default()
        };
        assert_eq!(all_cancelled.completion(), 0.0);
        let two_thirds = MilestoneCounts {
            verified: 2,
            blocked: 1,
            ..Default::default()
        };
        assert_eq!(two_thirds.completion(), 66.7);
    }
}

/// A country's milestones week by week from the first one: how many existed, how many were
/// achieved or verified, how many verified (cancelled ones and those of withdrawn commitments
/// left out).
#[derive(Debug, Clone, PartialEq)]
pub struct BurnupSeries {
    pub start: NaiveDate,
    pub today: NaiveDate,
    /// (total, achieved or verified, verified) at the end of each week, and of today last.
    pub weeks: Vec<(u32, u32, u32)>,
}

/// The burn-up series of `country` up to `today`; `None` when it has no milestones.
pub fn burnup(model: &Tracker, country: &str, today: NaiveDate) -> Option<BurnupSeries> {
    let milestones: Vec<&MilestoneView> = model
        .milestones
        .values()
        .filter(|m| m.country == country)
        .filter(|m| {
            model
                .commitments
                .get(&m.commitment)
                .is_some_and(|c| !c.withdrawn)
        })
        .collect();
    let start = milestones.iter().map(|m| m.created_at.date_naive()).min()?;
    let status_at = |m: &MilestoneView, t: DateTime<Utc>| {
        m.transitions
            .iter()
            .take_while(|x| x.at <= t)
            .last()
            .map(|x| x.status)
    };
    let mut weeks = Vec::new();
    let mut day = start;
    while day <= today {
        weeks.push(day);
        day += chrono::Duration::days(7);
    }
    weeks.push(today);
    let series: Vec<(u32, u32, u32)> = weeks
        .iter()
        .map(|d| {
            let t = d
                .and_hms_opt(23, 59, 59)
                .map(|t| t.and_utc())
                .unwrap_or_default();
            let (mut total, mut done, mut verified) = (0, 0, 0);
            for m in &milestones {
                match status_at(m, t) {
                    None | Some(MilestoneStatus::Cancelled) => {}
                    Some(s) => {
                        total += 1;
                        if matches!(s, MilestoneStatus::Achieved | MilestoneStatus::Verified) {
                            done += 1;
                        }
                        if s == MilestoneStatus::Verified {
                            verified += 1;
                        }
                    }
                }
            }
            (total, done, verified)
        })
        .collect();
    Some(BurnupSeries {
        start,
        today,
        weeks: series,
    })
}
