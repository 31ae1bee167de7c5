//! The catch-up projector: follows the global feed from the model's position and folds every
//! event into the in-memory read model.
//!
//! The model is a pure fold of the log, so a crash loses nothing: a restarted process replays
//! the feed and reaches exactly the state a rebuild would. Each process keeps its own model;
//! there is no shared view table that two processes could update twice or lose an update in.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use safeguards_projections::snapshot::{self, MODEL_FORMAT};
use safeguards_projections::Tracker;
use tokio::sync::{watch, RwLock, RwLockReadGuard};

use crate::checkpoints::{self, CHECKPOINT_EVERY};
use crate::db::{Database, Held};
use crate::feed::{self, ReadError};
use crate::store::{Commits, EventStore};

/// How many events one read of the feed takes.
pub const BATCH: i64 = 2000;

/// How often, at most, the projector compares its model with the newest commit of the log.
const CHECK_EVERY: Duration = Duration::from_millis(25);

/// After this many events folded since the last snapshot of the model, the projector writes
/// a new one (a start then folds at most this many after reading it: well under a second).
pub const SNAPSHOT_AFTER: u64 = 100_000;

/// Follows the feed and owns the read model.
#[derive(Debug)]
pub struct Projector {
    db: Database,
    model: RwLock<Tracker>,
    applied: watch::Sender<i64>,
    /// The commits of this process's store: they wake the projector, and reads wait for them.
    commits: Arc<Commits>,
    last_applied_at: std::sync::Mutex<Option<Instant>>,
    /// The newest committed position a check found the model behind (events of any process it
    /// had not folded), and since when; `None` when it was not. Under a steady load the model
    /// is nearly always a little behind the newest commit: what counts is how long it has
    /// failed to reach a head it was shown.
    behind_since: std::sync::Mutex<Option<(i64, Instant)>>,
    /// When the model was last compared with the log.
    last_check: std::sync::Mutex<Option<Instant>>,
    /// The events of the model's last snapshot (read or written by this process).
    snapshot_events: AtomicU64,
    /// Whether a snapshot is being written now.
    saving: AtomicBool,
    /// Events folded of each country since its last checkpoint was asked for.
    since_checkpoint: std::sync::Mutex<HashMap<String, u64>>,
    /// How many events of a country call for a checkpoint of it ([`CHECKPOINT_EVERY`]).
    checkpoint_every: AtomicU64,
    /// Whether checkpoints are being written now.
    checkpointing: AtomicBool,
    /// Whether the events folded count towards checkpoints: from [`Projector::run`] on, not
    /// during the start-up replay (which would ask for every country at once; the stored
    /// checkpoints still serve, and an answer that reads many events asks for a new one).
    following: AtomicBool,
}

/// How a start-up built the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Started {
    /// Events the model held from its snapshot (0: none read; the log was replayed).
    pub from_snapshot: u64,
    /// Events folded from the log after it.
    pub folded: usize,
}

/// What `/readyz` and `/metrics` report.
#[derive(Debug, Clone, Copy)]
pub struct Lag {
    pub applied: i64,
    pub head: i64,
    /// Seconds since the model last took an event (0 when caught up).
    pub seconds: f64,
}

impl Projector {
    /// The projector of `store`'s database, woken by `store`'s commits.
    pub fn new(store: &EventStore) -> Arc<Self> {
        Arc::new(Self {
            db: store.database().clone(),
            model: RwLock::new(Tracker::default()),
            applied: watch::channel(0).0,
            commits: store.commits(),
            last_applied_at: std::sync::Mutex::new(None),
            behind_since: std::sync::Mutex::new(None),
            last_check: std::sync::Mutex::new(None),
            snapshot_events: AtomicU64::new(0),
            saving: AtomicBool::new(false),
            since_checkpoint: std::sync::Mutex::default(),
            checkpoint_every: AtomicU64::new(CHECKPOINT_EVERY),
            checkpointing: AtomicBool::new(false),
            following: AtomicBool::new(false),
        })
    }

    /// Build the model at start-up: from the snapshot of this model format when one reads,
    /// then every event after it. (After a long replay, [`Projector::run`] writes a new
    /// snapshot on its first turn.)
    pub async fn start(&self) -> Result<Started, ReadError> {
        let from_snapshot = self.restore().await;
        let folded = self.catch_up().await?;
        Ok(Started {
            from_snapshot,
            folded,
        })
    }

    /// Take the model from its snapshot, if there is one of this format that reads and says
    /// what it holds; otherwise leave the model as it is (empty at start-up). Returns the
    /// events it holds.
    async fn restore(&self) -> u64 {
        let row: Result<Option<(i64, i64, Vec<u8>)>, sqlx::Error> = crate::with_pool!(&self.db, pool => {
            sqlx::query_as(crate::sql::both::MODEL_SNAPSHOT)
                .bind(MODEL_FORMAT)
                .fetch_optional(pool)
                .await
        });
        let (position, events, body) = match row {
            Ok(Some(row)) => row,
            Ok(None) => return 0,
            Err(e) => {
                tracing::warn!(error = %e, "the read model's snapshot cannot be read; replaying the log");
                return 0;
            }
        };
        let model = match snapshot::read(&body) {
            Ok(model) if model.position == position && model.events == events as u64 => model,
            Ok(_) => {
                tracing::warn!(
                    position,
                    "the read model's snapshot does not hold what its row says; replaying the log"
                );
                return 0;
            }
            Err(e) => {
                tracing::warn!(error = %e, position, "the read model's snapshot does not read; replaying the log");
                return 0;
            }
        };
        *self.model.write().await = model;
        self.applied.send_replace(position);
        self.snapshot_events.store(events as u64, Ordering::Relaxed);
        events as u64
    }

    /// Write the model out as the snapshot of its format (kept unless one as far along is
    /// there already). Returns whether there was anything to write.
    pub async fn save_snapshot(&self) -> Result<bool, ReadError> {
        // The text is written under the read lock (the projector, and the readers queued
        // behind it, wait that long); it is compressed on a thread of its own.
        let (text, position, events) = {
            let model = self.model.read().await;
            if model.events == 0 {
                return Ok(false);
            }
            let text = snapshot::write(&model)
                .map_err(|e| ReadError::Corrupt(format!("writing the model's snapshot: {e}")))?;
            (text, model.position, model.events)
        };
        let body = tokio::task::spawn_blocking(move || snapshot::compress(&text))
            .await
            .map_err(|e| ReadError::Corrupt(format!("compressing the model's snapshot: {e}")))?
            .map_err(|e| ReadError::Corrupt(format!("compressing the model's snapshot: {e}")))?;
        crate::with_pool!(&self.db, pool => {
            sqlx::query(crate::sql::both::SAVE_MODEL_SNAPSHOT)
                .bind(MODEL_FORMAT)
                .bind(position)
                .bind(events as i64)
                .bind(&body)
                .execute(pool)
                .await?;
            sqlx::query(crate::sql::both::DROP_OTHER_MODEL_SNAPSHOTS)
                .bind(MODEL_FORMAT)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        self.snapshot_events.store(events, Ordering::Relaxed);
        tracing::info!(
            position,
            events,
            bytes = body.len(),
            "read model snapshot saved"
        );
        Ok(true)
    }

    /// Save a snapshot beside the loop (which goes on folding), unless one is being saved; a
    /// snapshot is derived data, so failing to write one is told, not fatal.
    fn snapshot_in_background(self: &Arc<Self>) {
        if self.saving.swap(true, Ordering::AcqRel) {
            return;
        }
        let projector = self.clone();
        tokio::spawn(async move {
            if let Err(e) = projector.save_snapshot().await {
                tracing::warn!(error = %e, "the read model's snapshot was not saved");
            }
            projector.saving.store(false, Ordering::Release);
        });
    }

    /// After how many events of a country a checkpoint of it is written (tests take fewer).
    pub fn set_checkpoint_every(&self, events: u64) {
        self.checkpoint_every
            .store(events.max(1), Ordering::Relaxed);
    }

    /// Ask for a checkpoint of `country` on the loop's next turn (an answer read at least
    /// [`Projector::set_checkpoint_every`] events after the newest one).
    pub fn checkpoint_wanted(&self, country: &str, events_read: usize) {
        let every = self.checkpoint_every.load(Ordering::Relaxed);
        if (events_read as u64) < every {
            return;
        }
        if let Ok(mut counts) = self.since_checkpoint.lock() {
            let n = counts.entry(country.to_string()).or_default();
            *n = (*n).max(every);
        }
        self.commits.nudge();
    }

    /// Write, beside the loop, a checkpoint of each country that has had
    /// [`Projector::set_checkpoint_every`] events since its last, unless checkpoints are being
    /// written; like snapshots they are derived data, and a failure is told, not fatal.
    fn checkpoints_in_background(self: &Arc<Self>) {
        let every = self.checkpoint_every.load(Ordering::Relaxed);
        let Ok(mut counts) = self.since_checkpoint.lock() else {
            return;
        };
        if counts.values().all(|n| *n < every) || self.checkpointing.swap(true, Ordering::AcqRel) {
            return;
        }
        let due: Vec<String> = counts
            .iter()
            .filter(|(_, n)| **n >= every)
            .map(|(c, _)| c.clone())
            .collect();
        for country in &due {
            counts.remove(country);
        }
        drop(counts);
        let projector = self.clone();
        tokio::spawn(async move {
            for country in due {
                let aggregates = projector.model.read().await.aggregates_of(&country);
                if let Err(e) = checkpoints::save(&projector.db, &country, &aggregates).await {
                    tracing::warn!(error = %e, country, "a country checkpoint was not saved");
                }
            }
            projector.checkpointing.store(false, Ordering::Release);
        });
    }

    /// Fold every event the feed offers now. Returns how many were applied.
    pub async fn catch_up(&self) -> Result<usize, ReadError> {
        self.catch_up_on(&mut None).await
    }

    /// [`Projector::catch_up`] on the connection in `held` (taken when there is none, and
    /// let go when it fails).
    async fn catch_up_on(&self, held: &mut Option<Held>) -> Result<usize, ReadError> {
        let mut total = 0;
        loop {
            let from = *self.applied.borrow();
            let began = Instant::now();
            let conn = self.db.held(held).await?;
            let batch = feed::read_after_on(conn, from, BATCH)
                .await
                .inspect_err(|_| *held = None)?;
            if batch.is_empty() {
                return Ok(total);
            }
            // A short batch is all there was: no second query to learn that nothing follows.
            let more = batch.len() as i64 == BATCH;
            total += batch.len();
            let last = batch.last().map(|e| e.position).unwrap_or(from);
            {
                let mut model = self.model.write().await;
                let mut counts = if self.following.load(Ordering::Relaxed) {
                    self.since_checkpoint.lock().ok()
                } else {
                    None
                };
                for event in &batch {
                    model.apply(event);
                    let Some(counts) = counts.as_mut() else {
                        continue;
                    };
                    if let Some(country) =
                        model.country_of(&event.aggregate_type, &event.aggregate_id)
                    {
                        match counts.get_mut(country) {
                            Some(n) => *n += 1,
                            None => {
                                counts.insert(country.to_string(), 1);
                            }
                        }
                    }
                }
            }
            if let Ok(mut t) = self.last_applied_at.lock() {
                *t = Some(Instant::now());
            }
            metrics::histogram!("safeguards_projector_batch_duration_seconds")
                .record(began.elapsed().as_secs_f64());
            metrics::histogram!("safeguards_projector_batch_events").record(batch.len() as f64);
            self.applied.send_replace(last);
            if !more {
                return Ok(total);
            }
        }
    }

    /// Run until `shutdown` resolves: catch up, then wait for a local commit or a short poll
    /// interval (writes of other processes are seen by polling).
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        self.following.store(true, Ordering::Relaxed);
        let mut failures = 0u32;
        // How many looks in a row found the feed held back at the same position.
        let (mut held, mut held_at) = (0u32, 0i64);
        // The connection of a busy spell: kept from one turn to the next while commits come,
        // let go once the loop has slept a whole idle pause.
        let mut conn: Option<Held> = None;
        loop {
            match self.catch_up_on(&mut conn).await {
                Ok(_) => {
                    failures = 0;
                    self.check_behind().await;
                    let since = self
                        .model
                        .read()
                        .await
                        .events
                        .saturating_sub(self.snapshot_events.load(Ordering::Relaxed));
                    if since >= SNAPSHOT_AFTER {
                        self.snapshot_in_background();
                    }
                    self.checkpoints_in_background();
                }
                Err(e) => {
                    failures += 1;
                    // What the log holds cannot be known: count the model as behind.
                    if let Ok(mut since) = self.behind_since.lock() {
                        since.get_or_insert_with(|| (i64::MAX, Instant::now()));
                    }
                    if failures == 1 || failures.is_multiple_of(50) {
                        tracing::warn!(error = %e, failures, "the projector cannot read the feed");
                    }
                }
            }
            let idle = failures == 0 && self.applied() >= self.commits.highest();
            let pause = if failures > 0 {
                Duration::from_millis(500)
            } else if !idle {
                // A commit of this process is not in the feed yet: an older transaction
                // (of any process, or the ledger's) still holds the horizon back, and its end
                // wakes nobody here. Readers wait for that commit: look again soon, and less
                // often the longer the horizon stays where it is.
                let applied = self.applied();
                held = if applied == held_at { held + 1 } else { 0 };
                held_at = applied;
                Duration::from_millis(1 << held.min(7))
            } else {
                Duration::from_millis(200)
            };
            tokio::select! {
                _ = self.commits.committed() => {}
                _ = tokio::time::sleep(pause) => {
                    if idle {
                        conn = None;
                    }
                }
                _ = shutdown.changed() => return,
            }
        }
    }

    /// Compare the model with the newest committed event and keep since when it is behind
    /// (an unreadable store counts as behind: nothing newer can be known). At most every
    /// [`CHECK_EVERY`]: under load the loop turns far more often, and the check is a query.
    async fn check_behind(&self) {
        if let Ok(mut last) = self.last_check.lock() {
            if last.is_some_and(|t| t.elapsed() < CHECK_EVERY) {
                return;
            }
            *last = Some(Instant::now());
        }
        let written = feed::written_head(&self.db).await;
        let applied = self.applied();
        if let Ok(mut since) = self.behind_since.lock() {
            *since = match (written, *since) {
                (Ok(head), _) if head <= applied => None,
                (Err(_), Some(kept)) => Some(kept),
                (Err(_), None) => Some((i64::MAX, Instant::now())),
                // Readable again after a failure: behind since the failure, until it reaches
                // the head it is shown now.
                (Ok(head), Some((i64::MAX, at))) => Some((head, at)),
                // Still short of the head it was shown: behind since then.
                (Ok(_), Some((shown, at))) if applied < shown => Some((shown, at)),
                // Caught up with that one, and shown a newer one now.
                (Ok(head), _) => Some((head, Instant::now())),
            };
        }
    }

    /// How long the model has been behind the log, as last checked (zero when it is not).
    /// Decisions on rights must not be taken on a model behind by more than a bound.
    pub fn behind_for(&self) -> Duration {
        self.behind_since
            .lock()
            .ok()
            .and_then(|s| *s)
            .map(|(_, t)| t.elapsed())
            .unwrap_or_default()
    }

    /// Wait until the model has passed `position` (and every write of this process), at most
    /// `timeout`. Returns whether it did.
    pub async fn wait_for(&self, position: i64, timeout: Duration) -> bool {
        self.wait_until(position.max(self.commits.highest()), timeout)
            .await
    }

    /// Wait until the model has passed `position` and every write of this process that
    /// changes rights (see [`crate::store::RIGHTS`]), at most `timeout`. Returns whether it did.
    pub async fn wait_for_rights(&self, position: i64, timeout: Duration) -> bool {
        self.wait_until(position.max(self.commits.highest_rights()), timeout)
            .await
    }

    async fn wait_until(&self, target: i64, timeout: Duration) -> bool {
        let mut rx = self.applied.subscribe();
        if *rx.borrow() >= target {
            return true;
        }
        self.commits.nudge();
        tokio::time::timeout(timeout, rx.wait_for(|p| *p >= target))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// The model, for reading.
    pub async fn read(&self) -> RwLockReadGuard<'_, Tracker> {
        self.model.read().await
    }

    /// The position folded in so far.
    pub fn applied(&self) -> i64 {
        *self.applied.borrow()
    }

    /// How far behind the feed the model is.
    pub async fn lag(&self) -> Result<Lag, ReadError> {
        let head = feed::head(&self.db).await?;
        let applied = self.applied();
        let seconds = if applied >= head {
            0.0
        } else {
            self.last_applied_at
                .lock()
                .ok()
                .and_then(|t| *t)
                .map(|t| t.elapsed().as_secs_f64())
                .unwrap_or(0.0)
        };
        Ok(Lag {
            applied,
            head,
            seconds,
        })
    }
}

/// Events per read of a replay: larger than the live projector's, as a replay reads the log
/// from the start.
const REPLAY_BATCH: i64 = 10_000;

/// Fold the log from the start into a fresh model: every event up to `until_position`, and
/// (when given) only those recorded before `until_time`. Returns the model and the number of
/// events read; `progress` is told that number after every batch.
///
/// A task reads the next batch from the database while this one folds the last, so reading and
/// folding overlap. A database error, or the reader stopping for any reason, fails the replay:
/// it never ends early as if the log had ended.
pub async fn replay(
    db: &Database,
    until_position: i64,
    until_time: Option<DateTime<Utc>>,
    progress: impl Fn(u64),
) -> Result<(Tracker, u64), ReadError> {
    let (batches, mut incoming) = tokio::sync::mpsc::channel(2);
    let reader = {
        let db = db.clone();
        tokio::spawn(async move {
            let mut after = 0;
            loop {
                let batch = feed::read_after(&db, after, REPLAY_BATCH).await;
                let done = match &batch {
                    Ok(b) => match b.last() {
                        Some(last) => {
                            after = last.position;
                            last.position >= until_position || (b.len() as i64) < REPLAY_BATCH
                        }
                        None => true,
                    },
                    Err(_) => true,
                };
                if batches.send(batch).await.is_err() {
                    return;
                }
                if done {
                    // An empty batch marks the end of the log.
                    let _ = batches.send(Ok(Vec::new())).await;
                    return;
                }
            }
        })
    };
    let mut model = Tracker::default();
    let mut count = 0u64;
    let outcome = loop {
        let batch = match incoming.recv().await {
            Some(Ok(batch)) => batch,
            Some(Err(e)) => break Err(e),
            None => {
                break Err(ReadError::Corrupt(
                    "the replay's reader stopped before the end of the log".into(),
                ))
            }
        };
        let Some(last) = batch.last().map(|e| e.position) else {
            break Ok(());
        };
        for e in &batch {
            if e.position > until_position {
                break;
            }
            count += 1;
            if until_time.is_none_or(|t| e.recorded_at < t) {
                model.apply(e);
            }
        }
        progress(count);
        if last >= until_position {
            break Ok(());
        }
    };
    reader.abort();
    outcome.map(|()| (model, count))
}
