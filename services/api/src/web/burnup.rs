//! The burn-up chart of a country's milestones: how many exist, how many are achieved or
//! verified, and how many verified, week by week — an SVG drawn on the server (template
//! `burnup.html`).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use safeguards_domain::milestone::MilestoneStatus;
use safeguards_projections::model::MilestoneView;
use safeguards_projections::Tracker;

/// The chart's figures and its three lines as SVG points.
#[derive(Debug, Clone)]
pub struct Burnup {
    pub start: NaiveDate,
    pub today: NaiveDate,
    pub total: u32,
    pub done: u32,
    pub verified: u32,
    pub max: u32,
    pub all_points: String,
    pub done_points: String,
    pub verified_points: String,
}

/// The size of the drawing.
pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 220.0;
pub const PAD: f64 = 30.0;

impl Burnup {
    /// The chart of `country` up to `today`; `None` when it has no milestones.
    pub fn of(model: &Tracker, country: &str, today: NaiveDate) -> Option<Self> {
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
            day += Duration::days(7);
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
        let max = series.iter().map(|s| s.0).max().unwrap_or(1).max(1);
        let n = (series.len().max(2) - 1) as f64;
        let points = |pick: fn(&(u32, u32, u32)) -> u32| -> String {
            series
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let x = PAD + (WIDTH - 2.0 * PAD) * i as f64 / n;
                    let y =
                        HEIGHT - PAD - (HEIGHT - 2.0 * PAD) * f64::from(pick(s)) / f64::from(max);
                    format!("{x:.1},{y:.1}")
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let last = series.last().copied().unwrap_or_default();
        Some(Self {
            start,
            today,
            total: last.0,
            done: last.1,
            verified: last.2,
            max,
            all_points: points(|s| s.0),
            done_points: points(|s| s.1),
            verified_points: points(|s| s.2),
        })
    }
}
