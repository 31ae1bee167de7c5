//! Progress as it stood on a past day.

use std::sync::Arc;

use chrono::NaiveDate;
use safeguards_domain::values::CountryCode;
use safeguards_infra::checkpoints;
use safeguards_projections::coverage::{self, Coverage, Detail};
use safeguards_projections::model::{CommitmentView, MilestoneView};
use safeguards_projections::views::{self, CountryProgress, Figure, PrincipleProgress};
use safeguards_projections::Tracker;

use crate::overview::CachedOverview;

use crate::error::{AppError, AppResult};
use crate::App;

/// The model of one country as it stood at the end of `day` (UTC): its engagement,
/// commitments and milestones folded from the events recorded up to then, from the newest
/// checkpoint of the country that allows it (see `safeguards_infra::checkpoints`).
pub async fn as_of(app: &App, country: CountryCode, day: NaiveDate) -> AppResult<Tracker> {
    // Replays are bounded: a few at a time, however many readers ask.
    let _permit = app
        .replays
        .acquire()
        .await
        .map_err(|_| AppError::Unavailable("the server is stopping".into()))?;
    let cutoff = day
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| {
            AppError::invalid(
                "as_of",
                safeguards_domain::reason!("out-range", "is out of range"),
            )
        })?;
    // The country as the model holds it: the answer reads the log up to the model's position,
    // and only the aggregates that changed since the checkpoint it starts from.
    let aggregates = app.model().await.aggregates_of(country.as_str());
    let (model, read) =
        checkpoints::as_of(app.store.database(), country.as_str(), &aggregates, cutoff).await?;
    app.projector.checkpoint_wanted(country.as_str(), read);
    Ok(model)
}

/// A country's coverage of the framework's risks: now, or as it stood at the end of `as_of`.
pub async fn coverage(
    app: &App,
    country: CountryCode,
    as_of_day: Option<NaiveDate>,
) -> AppResult<Coverage> {
    let detail = Detail::WithSuggestions;
    let found = match as_of_day {
        Some(day) => {
            let model = as_of(app, country, day).await?;
            coverage::coverage(&model, &app.processes, country.as_str(), detail)
        }
        None => coverage::coverage(
            &*app.model().await,
            &app.processes,
            country.as_str(),
            detail,
        ),
    };
    found.ok_or_else(|| AppError::not_found(format!("no engagement is open for {country}")))
}

/// Every engaged country's coverage with the processes for each gap: now, or at the end of
/// `as_of` (the countries engaged then).
pub async fn coverage_all(app: &App, as_of_day: Option<NaiveDate>) -> AppResult<Vec<Coverage>> {
    every_coverage(app, as_of_day, Detail::WithSuggestions).await
}

/// The same with the counts alone (the risk × country matrix).
pub async fn coverage_counts(app: &App, as_of_day: Option<NaiveDate>) -> AppResult<Vec<Coverage>> {
    every_coverage(app, as_of_day, Detail::Counts).await
}

async fn every_coverage(
    app: &App,
    as_of_day: Option<NaiveDate>,
    detail: Detail,
) -> AppResult<Vec<Coverage>> {
    let Some(day) = as_of_day else {
        return Ok(coverage::all(&*app.model().await, &app.processes, detail));
    };
    let countries: Vec<CountryCode> = app
        .model()
        .await
        .engagements
        .keys()
        .filter_map(|c| CountryCode::from_stored(c.clone()).ok())
        .collect();
    let mut all = Vec::with_capacity(countries.len());
    for country in countries {
        let model = as_of(app, country, day).await?;
        all.extend(coverage::coverage(
            &model,
            &app.processes,
            country.as_str(),
            detail,
        ));
    }
    Ok(all)
}

/// The overview of every country today (kept while the model stands still).
pub async fn overview(app: &App) -> Arc<CachedOverview> {
    let model = app.model().await;
    app.overviews.of(&model, app.clock.today())
}

/// Progress on each principle today, across countries.
pub async fn principles(app: &App) -> Vec<PrincipleProgress> {
    views::principles(&*app.model().await, app.clock.today())
}

/// One country's progress as it stood at the end of `day` (UTC).
pub async fn country_on(
    app: &App,
    country: CountryCode,
    day: NaiveDate,
) -> AppResult<CountryProgress> {
    let model = as_of(app, country, day).await?;
    let mut progress = views::country(&model, country.as_str(), day)
        .ok_or_else(|| crate::engagements::not_engaged(country))?;
    progress.as_of = Some(day);
    Ok(progress)
}

/// One country's progress today.
pub async fn country(app: &App, country: CountryCode) -> AppResult<CountryProgress> {
    views::country(&*app.model().await, country.as_str(), app.clock.today())
        .ok_or_else(|| crate::engagements::not_engaged(country))
}

/// A commitment a figure counts, with the milestones behind it.
#[derive(Debug, Clone)]
pub struct Behind {
    pub commitment: CommitmentView,
    /// Its live milestones (the overdue ones only, when asked), the first `listed` of them.
    pub milestones: Vec<MilestoneView>,
    /// How many of them are overdue.
    pub overdue: usize,
    /// How many were left out of `milestones`.
    pub more: usize,
}

/// What a figure of an engaged country counts.
#[derive(Debug, Clone)]
pub struct Explained {
    pub country: String,
    pub name: String,
    /// How many commitments the figure counts.
    pub counted: usize,
    pub behind: Vec<Behind>,
    pub today: NaiveDate,
}

/// The commitments behind `figure` of `country` today, with their milestones (overdue ones
/// only, and only the commitments that have some, when `overdue_only`).
pub async fn behind(
    app: &App,
    country: CountryCode,
    figure: Figure<'_>,
    overdue_only: bool,
    listed: usize,
) -> AppResult<Explained> {
    let model = app.model().await;
    let today = app.clock.today();
    let e = model
        .engagements
        .get(country.as_str())
        .ok_or_else(|| crate::engagements::not_engaged(country))?;
    let counted = views::behind(&model, e, figure);
    let behind = counted
        .iter()
        .map(|c| {
            let mut relevant: Vec<&MilestoneView> = model
                .live_milestones(c)
                .filter(|m| !overdue_only || m.is_overdue(today))
                .collect();
            if overdue_only {
                relevant.sort_by(|a, b| (a.due_on, &a.id).cmp(&(b.due_on, &b.id)));
            }
            Behind {
                commitment: (*c).clone(),
                overdue: relevant.iter().filter(|m| m.is_overdue(today)).count(),
                more: relevant.len().saturating_sub(listed),
                milestones: relevant.into_iter().take(listed).cloned().collect(),
            }
        })
        .filter(|b| !overdue_only || !b.milestones.is_empty())
        .collect();
    Ok(Explained {
        country: e.country.clone(),
        name: e.name.clone(),
        counted: counted.len(),
        behind,
        today,
    })
}
