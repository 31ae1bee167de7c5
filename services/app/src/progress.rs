//! Progress as it stood on a past day.

use chrono::NaiveDate;
use safeguards_domain::values::CountryCode;
use safeguards_infra::checkpoints;
use safeguards_projections::coverage::{self, Coverage, Detail};
use safeguards_projections::Tracker;

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
        .ok_or_else(|| AppError::invalid("as_of", "is out of range"))?;
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
