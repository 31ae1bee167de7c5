//! The burn-up chart of a country's milestones: how many exist, how many are achieved or
//! verified, and how many verified, week by week — an SVG drawn on the server (template
//! `burnup.html`).

use chrono::NaiveDate;
use safeguards_projections::views::BurnupSeries;

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
    /// The chart of a country's burn-up series.
    pub fn of(s: BurnupSeries) -> Self {
        let (start, today, series) = (s.start, s.today, s.weeks);
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
        Self {
            start,
            today,
            total: last.0,
            done: last.1,
            verified: last.2,
            max,
            all_points: points(|s| s.0),
            done_points: points(|s| s.1),
            verified_points: points(|s| s.2),
        }
    }
}
