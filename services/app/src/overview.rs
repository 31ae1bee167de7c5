//! The overview of every country, computed once per state of the read model and shared by every
//! request until the model moves on (or the date changes, which moves milestones into
//! "overdue").

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use chrono::NaiveDate;
use safeguards_projections::views::{self, Overview};
use safeguards_projections::Tracker;

/// The overview of every country, and its JSON, as of one model position and date.
#[derive(Debug)]
pub struct CachedOverview {
    position: i64,
    today: NaiveDate,
    pub overview: Overview,
    pub json: Bytes,
}

/// The overview kept between requests.
#[derive(Debug, Default)]
pub struct Overviews {
    kept: Mutex<Option<Arc<CachedOverview>>>,
}

impl Overviews {
    /// The overview of `model` on `today`: the kept one when the model has not moved since.
    pub(crate) fn of(&self, model: &Tracker, today: NaiveDate) -> Arc<CachedOverview> {
        let kept = self.kept.lock().ok().and_then(|k| k.clone());
        if let Some(kept) = kept.filter(|k| k.position == model.position && k.today == today) {
            return kept;
        }
        let overview = views::overview(model, today);
        let json = serde_json::to_vec(&overview)
            .map(Bytes::from)
            .unwrap_or_default();
        let fresh = Arc::new(CachedOverview {
            position: model.position,
            today,
            overview,
            json,
        });
        if let Ok(mut kept) = self.kept.lock() {
            *kept = Some(fresh.clone());
        }
        fresh
    }
}
