//! Checkpoints of a country's part of the read model, so that its progress "as of the end of a
//! day" folds a bounded number of events instead of the country's whole history.
//!
//! A checkpoint is the fold of every event of a country's aggregates up to a position of the
//! feed, with the newest time among them. The model as of a cut-off time is then the newest
//! checkpoint whose events were all recorded before the cut-off, and the events after it that
//! were too: the same events, in the same order, as a fold of the whole country cut at that
//! time. Checkpoints are derived data: one of another [`MODEL_FORMAT`], or one that does not
//! read, is passed over and the answer folds more of the log — never a wrong model.
//!
//! The projector writes one for a country every [`CHECKPOINT_EVERY`] events of it that it
//! folds while following the log (not those of its start-up replay: a start would write every
//! country at once), and when an answer had to read as many after the newest one. A country
//! keeps one checkpoint per day (the last), since cut-offs fall at midnight: any day's answer
//! starts from the last checkpoint of that day or an earlier one.

use chrono::{DateTime, Utc};
pub use safeguards_projections::model::CountryAggregates;
use safeguards_projections::snapshot::{self, MODEL_FORMAT};
use safeguards_projections::Tracker;

use crate::db::Database;
use crate::feed::{self, ReadError};
use crate::{sql, with_pool};

/// How many events of a country the projector folds before it writes a checkpoint of it: an
/// answer as of a day folds at most about this many after reading one.
pub const CHECKPOINT_EVERY: u64 = 2000;

/// The country's model to start a fold from, and where it stands.
struct Base {
    model: Tracker,
    /// The position its events reach (0: none).
    position: i64,
    /// The newest time of its events (microseconds since 1970).
    recorded_until: i64,
}

impl Base {
    fn empty() -> Self {
        Self {
            model: Tracker::default(),
            position: 0,
            recorded_until: i64::MIN,
        }
    }
}

/// The newest checkpoint of `country` all of whose events were recorded before `before`
/// (microseconds); an empty model when there is none that reads.
async fn newest(db: &Database, country: &str, before: i64) -> Result<Base, ReadError> {
    let row: Option<(i64, i64, Vec<u8>)> = with_pool!(db, pool => {
        sqlx::query_as(sql::both::COUNTRY_CHECKPOINT)
            .bind(country)
            .bind(MODEL_FORMAT)
            .bind(before)
            .fetch_optional(pool)
            .await?
    });
    let Some((position, recorded_until, body)) = row else {
        return Ok(Base::empty());
    };
    // Decompressing and parsing a large country takes milliseconds: off the async threads.
    let read = tokio::task::spawn_blocking(move || snapshot::read(&body)).await;
    match read {
        Ok(Ok(model)) if model.position <= position => Ok(Base {
            model,
            position,
            recorded_until,
        }),
        Ok(Ok(_)) => {
            tracing::warn!(
                country,
                position,
                "a country checkpoint holds events after its position; folding from the start"
            );
            Ok(Base::empty())
        }
        Ok(Err(e)) => {
            tracing::warn!(country, position, error = %e, "a country checkpoint does not read; folding from the start");
            Ok(Base::empty())
        }
        Err(e) => Err(ReadError::Corrupt(format!(
            "reading a country checkpoint: {e}"
        ))),
    }
}

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

/// The part of the model of the country whose aggregates are `aggregates` (see
/// [`Tracker::aggregates_of`]) as it stood at `cutoff`: its events recorded before then, up to
/// the position `aggregates` were taken at, folded in feed order from the newest checkpoint
/// that allows it. Also how many events were read after that checkpoint (many: a new
/// checkpoint of the country is due).
pub async fn as_of(
    db: &Database,
    country: &str,
    aggregates: &CountryAggregates,
    cutoff: DateTime<Utc>,
) -> Result<(Tracker, usize), ReadError> {
    let base = newest(db, country, micros(cutoff)).await?;
    let events = events_after(db, aggregates, &base.model).await?;
    let read = events.len();
    Ok((fold(base.model, &events, cutoff), read))
}

/// The same as [`as_of`], folded from the first event without any checkpoint.
pub async fn replay_country(
    db: &Database,
    aggregates: &CountryAggregates,
    cutoff: DateTime<Utc>,
) -> Result<Tracker, ReadError> {
    let model = Tracker::default();
    let events = events_after(db, aggregates, &model).await?;
    Ok(fold(model, &events, cutoff))
}

/// The events of `aggregates` after those `model` holds, up to the position they were taken
/// at. Only the aggregates held further than `model` holds them are read: a country whose
/// checkpoint is recent costs a probe per aggregate that changed since, not one per aggregate.
async fn events_after(
    db: &Database,
    aggregates: &CountryAggregates,
    model: &Tracker,
) -> Result<Vec<safeguards_projections::RecordedEvent>, ReadError> {
    let wanted: Vec<(&str, String, i64)> = aggregates
        .held
        .iter()
        .filter_map(|(t, id, held)| {
            let from = model.version_of(t, id);
            (*held > from).then(|| (*t, id.clone(), from))
        })
        .collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let mut events = feed::events_of(db, &wanted).await?;
    events.retain(|e| e.position <= aggregates.position);
    Ok(events)
}

fn fold(
    mut model: Tracker,
    events: &[safeguards_projections::RecordedEvent],
    cutoff: DateTime<Utc>,
) -> Tracker {
    for e in events.iter().filter(|e| e.recorded_at < cutoff) {
        model.apply(e);
    }
    // The country's answers do not show the activity lines: none are kept.
    model.activity.clear();
    model
}

/// Write the checkpoint of `country` at the position `aggregates` were taken at (one the feed
/// has handed out: every event up to it is committed and visible), folding its events after
/// its newest checkpoint. Returns whether one was written.
pub async fn save(
    db: &Database,
    country: &str,
    aggregates: &CountryAggregates,
) -> Result<bool, ReadError> {
    let through = aggregates.position;
    let Base {
        mut model,
        position,
        mut recorded_until,
    } = newest(db, country, i64::MAX).await?;
    if position >= through {
        return Ok(false);
    }
    let events = events_after(db, aggregates, &model).await?;
    if events.is_empty() {
        return Ok(false);
    }
    for e in &events {
        model.apply(e);
        recorded_until = recorded_until.max(micros(e.recorded_at));
    }
    model.activity.clear();
    let body = tokio::task::spawn_blocking(move || {
        snapshot::write(&model)
            .map_err(std::io::Error::other)
            .and_then(|text| snapshot::compress(&text))
    })
    .await
    .map_err(|e| ReadError::Corrupt(format!("writing a country checkpoint: {e}")))?
    .map_err(|e| ReadError::Corrupt(format!("writing a country checkpoint: {e}")))?;
    let day_began = DateTime::from_timestamp_micros(recorded_until)
        .and_then(|t| t.date_naive().and_hms_opt(0, 0, 0))
        .map(|t| micros(t.and_utc()))
        .unwrap_or(i64::MIN);
    with_pool!(db, pool => {
        sqlx::query(sql::both::SAVE_COUNTRY_CHECKPOINT)
            .bind(country)
            .bind(MODEL_FORMAT)
            .bind(through)
            .bind(recorded_until)
            .bind(&body)
            .execute(pool)
            .await?;
        sqlx::query(sql::both::THIN_COUNTRY_CHECKPOINTS)
            .bind(country)
            .bind(MODEL_FORMAT)
            .bind(through)
            .bind(day_began)
            .execute(pool)
            .await?;
    });
    tracing::debug!(
        country,
        through,
        events = events.len(),
        bytes = body.len(),
        "country checkpoint saved"
    );
    Ok(true)
}

/// The positions of the checkpoints kept for `country`, oldest first.
pub async fn kept(db: &Database, country: &str) -> Result<Vec<i64>, ReadError> {
    Ok(with_pool!(db, pool => {
        sqlx::query_scalar(sql::both::COUNTRY_CHECKPOINTS)
            .bind(country)
            .fetch_all(pool)
            .await?
    }))
}
