//! The event store: load an aggregate, decide a command, append its events with optimistic
//! concurrency, and report the new version and global position.
//!
//! It drives cqrs-es's `Aggregate` directly rather than through `CqrsFramework`, because a
//! command's answer needs the version and position it produced, conflicts must be retried here
//! (cqrs-es retries nothing), and read models follow the global feed instead of inline queries.
//! Histories are read through the `PersistedEventRepository` of postgres-es or sqlite-es; a
//! command's events are appended by one `INSERT … RETURNING` of our own (one round trip
//! instead of the repositories' begin, insert, commit and a query for the position), which
//! concurrent commands share ([`crate::append`]: group commit).
//!
//! Loads start from the state this process last saw of the aggregate, else from its snapshot
//! (saved every [`SNAPSHOT_EVERY`] events), and read only the events after it.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::persist::{PersistedEventRepository, PersistenceError, SerializedEvent};
pub use cqrs_es::Aggregate;
use cqrs_es::DomainEvent;
use hashlink::LruCache;
use postgres_es::PostgresEventRepository;
use rand::Rng;
use safeguards_domain::values::Actor;
use safeguards_domain::{CommandName, DomainError, SNAPSHOT_FORMAT};
use safeguards_projections::event::Metadata;
use sqlite_es::SqliteEventRepository;
use tokio::sync::Notify;

pub use crate::append::AppendCounts;
use crate::append::{Append, Appender, NewEvent};
use crate::db::{is_unavailable, Database};
use crate::feed::ReadError;
use crate::sql;

/// Who asks, on behalf of which request, and when the events happen.
#[derive(Debug, Clone)]
pub struct CommandContext {
    pub actor: Actor,
    pub correlation_id: String,
    /// The business time of the events; `None` means now. Set for imports and demo history.
    pub time: Option<DateTime<Utc>>,
}

impl CommandContext {
    pub fn new(actor: Actor, correlation_id: impl Into<String>) -> Self {
        Self {
            actor,
            correlation_id: correlation_id.into(),
            time: None,
        }
    }
    pub fn system(correlation_id: impl Into<String>) -> Self {
        Self::new(Actor::System, correlation_id)
    }
    pub fn at(mut self, time: DateTime<Utc>) -> Self {
        self.time = Some(time);
        self
    }

    fn metadata(&self) -> Metadata {
        Metadata::new(
            self.actor,
            self.correlation_id.clone(),
            self.time.unwrap_or_else(Utc::now),
        )
    }
}

/// What a store tells of its own writes: the highest position its commands committed, and a
/// wake-up for whoever follows the feed (the projector), so that no caller has to.
#[derive(Debug, Default)]
pub struct Commits {
    highest: AtomicI64,
    /// The highest position of a command on an aggregate whose events change rights.
    rights: AtomicI64,
    wake: Notify,
}

/// The aggregates whose events change who may do what: accounts (role, countries, disabled,
/// sign-in generation) and engagements (which give focal points their countries).
pub const RIGHTS: [&str; 2] = ["account", "engagement"];

impl Commits {
    /// Record what one statement wrote: the position of the last event of each aggregate
    /// it appended to. Called once a statement has committed, before its commands hear of
    /// it, so that the projector is woken once a statement rather than once a command.
    pub(crate) fn record<'a>(&self, written: impl IntoIterator<Item = (&'a str, i64)>) {
        let (mut highest, mut rights) = (0, 0);
        for (aggregate_type, position) in written {
            highest = highest.max(position);
            if RIGHTS.contains(&aggregate_type) {
                rights = rights.max(position);
            }
        }
        self.highest.fetch_max(highest, Ordering::SeqCst);
        self.rights.fetch_max(rights, Ordering::SeqCst);
        self.wake.notify_one();
    }
    /// The highest position committed through this store on an aggregate of [`RIGHTS`].
    pub fn highest_rights(&self) -> i64 {
        self.rights.load(Ordering::SeqCst)
    }
    /// The highest position committed through this store (0 before the first command).
    pub fn highest(&self) -> i64 {
        self.highest.load(Ordering::SeqCst)
    }
    /// Resolves after the next commit (or at once when one happened since the last call).
    pub async fn committed(&self) {
        self.wake.notified().await
    }
    /// Wake the follower without a commit (to make it read the feed now).
    pub fn nudge(&self) {
        self.wake.notify_one();
    }
}

/// What a successful command produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    pub aggregate_id: String,
    /// The aggregate's version: the sequence of its last event.
    pub version: u64,
    /// The global position of the last event written.
    pub position: i64,
    /// How many events the command wrote.
    pub events: usize,
}

/// Why a command was not recorded. In every case nothing was appended.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The client's `If-Match` version is not the aggregate's current version.
    #[error("the aggregate is at version {actual}, not {expected}")]
    StaleVersion { expected: u64, actual: u64 },
    /// Concurrent writers kept winning; the bounded retries ran out.
    #[error("the aggregate was changed concurrently; try again")]
    Conflict,
    /// The store cannot be reached now.
    #[error("the event store is unavailable: {0}")]
    Unavailable(String),
    #[error("event store failure: {0}")]
    Internal(String),
}

impl From<ReadError> for CommandError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Unavailable(detail) => Self::Unavailable(detail),
            ReadError::Corrupt(detail) => Self::Internal(detail),
        }
    }
}

impl CommandError {
    /// The same failure, told to another command of the same statement.
    pub(crate) fn again(&self) -> Self {
        match self {
            Self::Domain(e) => Self::Internal(e.to_string()),
            Self::StaleVersion { expected, actual } => Self::StaleVersion {
                expected: *expected,
                actual: *actual,
            },
            Self::Conflict => Self::Conflict,
            Self::Unavailable(detail) => Self::Unavailable(detail.clone()),
            Self::Internal(detail) => Self::Internal(detail.clone()),
        }
    }

    /// The word for this outcome in metrics: `ok` is a success; `refused`, `stale` and
    /// `conflict` are answers to the request; `unavailable` and `error` are failures.
    pub fn outcome(&self) -> &'static str {
        match self {
            Self::Domain(_) => "refused",
            Self::StaleVersion { .. } => "stale",
            Self::Conflict => "conflict",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "error",
        }
    }
}

/// An aggregate as loaded: its state and version (0 when it has no events).
#[derive(Debug)]
pub struct Loaded<A> {
    pub aggregate: A,
    pub version: u64,
    /// The version of the snapshot the load started from (0: none).
    pub snapshot_version: u64,
}

/// A command that leaves an aggregate this many events past its snapshot saves a new one.
pub const SNAPSHOT_EVERY: u64 = 100;

enum Repo {
    Postgres(PostgresEventRepository),
    Sqlite(SqliteEventRepository),
}

/// How many aggregates' states the store keeps in memory.
const CACHED_STATES: usize = 20_000;

/// The serialized state of an aggregate after `version` events, kept between commands so that
/// a load reads only the events written since (by this process or any other).
struct CachedState {
    version: u64,
    snapshot_version: u64,
    state: String,
}

/// The event store over either database.
pub struct EventStore {
    db: Database,
    repo: Repo,
    max_attempts: u32,
    states: Mutex<LruCache<(&'static str, String), CachedState>>,
    commits: Arc<Commits>,
    appender: Arc<Appender>,
}

impl std::fmt::Debug for EventStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStore")
            .field("db", &self.db.kind())
            .finish()
    }
}

impl EventStore {
    pub fn new(db: Database) -> Self {
        let repo = match &db {
            Database::Postgres(pool) => Repo::Postgres(PostgresEventRepository::new(pool.clone())),
            Database::Sqlite(pool) => Repo::Sqlite(SqliteEventRepository::new(pool.clone())),
        };
        let commits = Arc::new(Commits::default());
        Self {
            appender: Appender::new(db.clone(), commits.clone()),
            db,
            repo,
            max_attempts: 200,
            states: Mutex::new(LruCache::new(CACHED_STATES)),
            commits,
        }
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// How many statements this store's appends took so far, for how many commands (fewer
    /// statements than commands: group commit at work).
    pub fn append_counts(&self) -> AppendCounts {
        self.appender.counts()
    }

    /// The record of this store's commits, for the projector that follows the feed.
    pub fn commits(&self) -> Arc<Commits> {
        self.commits.clone()
    }

    /// Load an aggregate: the state this process last saw of it, else its latest snapshot, and
    /// the events after that.
    #[tracing::instrument(level = "debug", skip(self), fields(aggregate = A::TYPE))]
    pub async fn load<A: Aggregate>(&self, id: &str) -> Result<Loaded<A>, CommandError> {
        let start = match self.cached::<A>(id) {
            Some(cached) => Some(cached),
            None => self
                .snapshot::<A>(id)
                .await?
                .map(|(aggregate, version)| (aggregate, version, version)),
        };
        let (aggregate, version, snapshot_version) = start.unwrap_or_default();
        let loaded = self
            .replay_onto(id, aggregate, version, snapshot_version)
            .await?;
        if loaded.version > version {
            self.remember(
                id,
                &loaded.aggregate,
                loaded.version,
                loaded.snapshot_version,
            );
        }
        Ok(loaded)
    }

    /// Load an aggregate by replaying its whole history, ignoring snapshots and memory.
    pub async fn load_from_log<A: Aggregate>(&self, id: &str) -> Result<Loaded<A>, CommandError> {
        self.replay_onto(id, A::default(), 0, 0).await
    }

    /// The state this process last saw of an aggregate: (state, version, snapshot version).
    fn cached<A: Aggregate>(&self, id: &str) -> Option<(A, u64, u64)> {
        let (version, snapshot_version, state) = {
            let mut states = self.states.lock().ok()?;
            let c = states.get(&(A::TYPE, id.to_string()))?;
            (c.version, c.snapshot_version, c.state.clone())
        };
        let aggregate = serde_json::from_str(&state).ok()?;
        Some((aggregate, version, snapshot_version))
    }

    /// Keep the state of an aggregate at `version`, unless a later one is kept already.
    fn remember<A: Aggregate>(&self, id: &str, aggregate: &A, version: u64, snapshot_version: u64) {
        let Ok(state) = serde_json::to_string(aggregate) else {
            return;
        };
        let Ok(mut states) = self.states.lock() else {
            return;
        };
        let key = (A::TYPE, id.to_string());
        if states.get(&key).is_some_and(|c| c.version >= version) {
            return;
        }
        states.insert(
            key,
            CachedState {
                version,
                snapshot_version,
                state,
            },
        );
    }

    /// Forget what this process knows of an aggregate's state.
    fn forget<A: Aggregate>(&self, id: &str) {
        if let Ok(mut states) = self.states.lock() {
            states.remove(&(A::TYPE, id.to_string()));
        }
    }

    /// Apply the events after `version` to `aggregate`.
    async fn replay_onto<A: Aggregate>(
        &self,
        id: &str,
        mut aggregate: A,
        mut version: u64,
        snapshot_version: u64,
    ) -> Result<Loaded<A>, CommandError> {
        let stored = match (&self.repo, version) {
            (Repo::Postgres(r), 0) => r.get_events::<A>(id).await.map_err(persistence_error)?,
            (Repo::Sqlite(r), 0) => r.get_events::<A>(id).await.map_err(persistence_error)?,
            _ => self.events_after(A::TYPE, id, version).await?,
        };
        for event in stored {
            version = event.sequence as u64;
            let current = safeguards_domain::upcast::upcast(
                &event.aggregate_type,
                &event.event_type,
                &event.event_version,
                event.payload,
            )
            .map_err(CommandError::Internal)?;
            let payload: A::Event = serde_json::from_value(current).map_err(|e| {
                CommandError::Internal(format!(
                    "stored event {} {id}#{} ({} v{}) does not load: {e}",
                    A::TYPE,
                    event.sequence,
                    event.event_type,
                    event.event_version
                ))
            })?;
            aggregate.apply(payload);
        }
        Ok(Loaded {
            aggregate,
            version,
            snapshot_version,
        })
    }

    /// The events of an aggregate after `version`. The repositories' `get_last_events` writes
    /// the number into the SQL text, which makes every call a statement to prepare anew; this
    /// query binds it.
    async fn events_after(
        &self,
        aggregate_type: &str,
        id: &str,
        version: u64,
    ) -> Result<Vec<SerializedEvent>, CommandError> {
        let event = |sequence: i64, event_type, event_version, payload| SerializedEvent {
            aggregate_id: id.to_string(),
            sequence: sequence as usize,
            aggregate_type: aggregate_type.to_string(),
            event_type,
            event_version,
            payload,
            metadata: serde_json::Value::Null,
        };
        let rows: Vec<(i64, String, String, String)> = crate::with_pool!(&self.db, pool => async {
            let mut conn = crate::metrics::acquire(pool).await?;
            sqlx::query_as(sql::both::EVENTS_AFTER_SEQUENCE)
                .bind(aggregate_type)
                .bind(id)
                .bind(version as i64)
                .fetch_all(&mut *conn)
                .await
        }.await)
        .map_err(sql_error)?;
        rows.into_iter()
            .map(|(s, t, v, p)| {
                let payload =
                    serde_json::from_str(&p).map_err(|e| CommandError::Internal(e.to_string()))?;
                Ok(event(s, t, v, payload))
            })
            .collect()
    }

    /// The stored snapshot of an aggregate and its version, when there is one of the current
    /// format that still reads.
    async fn snapshot<A: Aggregate>(&self, id: &str) -> Result<Option<(A, u64)>, CommandError> {
        let row: Option<(i64, String)> = crate::with_pool!(&self.db, pool => {
            sqlx::query_as(sql::both::SNAPSHOT)
                .bind(A::TYPE)
                .bind(id)
                .bind(SNAPSHOT_FORMAT)
                .fetch_optional(pool)
                .await
        })
        .map_err(sql_error)?;
        let Some((version, state)) = row else {
            return Ok(None);
        };
        match serde_json::from_str::<A>(&state) {
            Ok(aggregate) => Ok(Some((aggregate, version as u64))),
            Err(e) => {
                tracing::warn!(aggregate = A::TYPE, id, error = %e, "ignoring a snapshot that does not read");
                Ok(None)
            }
        }
    }

    /// Keep `aggregate` (the state after `version` events) as the snapshot of `id`, unless a
    /// newer one is there. A failure is only logged: snapshots are an optimisation. Returns
    /// whether it was saved.
    async fn save_snapshot<A: Aggregate>(&self, id: &str, aggregate: &A, version: u64) -> bool {
        let state = match serde_json::to_string(aggregate) {
            Ok(state) => state,
            Err(e) => {
                tracing::warn!(aggregate = A::TYPE, id, error = %e, "cannot serialize a snapshot");
                return false;
            }
        };
        let saved: Result<_, sqlx::Error> = crate::with_pool!(&self.db, pool => {
            sqlx::query(sql::both::SAVE_SNAPSHOT)
                .bind(A::TYPE)
                .bind(id)
                .bind(version as i64)
                .bind(SNAPSHOT_FORMAT)
                .bind(&state)
                .execute(pool)
                .await
                .map(|_| ())
        });
        match saved {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(aggregate = A::TYPE, id, error = %e, "cannot save a snapshot");
                false
            }
        }
    }

    /// Decide `command` against the aggregate's current state and append the events.
    ///
    /// With `expected_version` (from `If-Match`), a different current version is refused with
    /// [`CommandError::StaleVersion`]. Without it, a concurrent write is retried (bounded, with
    /// jittered back-off) against the fresh state, so independent updates never fail.
    ///
    /// Every command is counted (`safeguards_commands_total` by aggregate, command and outcome),
    /// and a commit wakes the projector through [`Commits`].
    #[tracing::instrument(skip(self, command, ctx), fields(aggregate = A::TYPE, command = command.command_name(), actor = %ctx.actor.as_metadata(), correlation_id = %ctx.correlation_id))]
    pub async fn execute<A>(
        &self,
        id: &str,
        command: A::Command,
        ctx: &CommandContext,
        expected_version: Option<u64>,
    ) -> Result<Committed, CommandError>
    where
        A: Aggregate<Error = DomainError, Services = ()>,
        A::Command: Clone + CommandName,
    {
        let name = command.command_name();
        let result = self
            .execute_counted::<A>(id, command, ctx, expected_version)
            .await;
        // The appender records the commits of each statement (see `Commits`).
        let outcome = match &result {
            Ok(_) => "ok",
            Err(e) => e.outcome(),
        };
        metrics::counter!("safeguards_commands_total", "aggregate" => A::TYPE, "command" => name, "outcome" => outcome)
            .increment(1);
        result
    }

    async fn execute_counted<A>(
        &self,
        id: &str,
        command: A::Command,
        ctx: &CommandContext,
        expected_version: Option<u64>,
    ) -> Result<Committed, CommandError>
    where
        A: Aggregate<Error = DomainError, Services = ()>,
        A::Command: Clone,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self
                .try_execute::<A>(id, command.clone(), ctx, expected_version)
                .await
            {
                Err(CommandError::Conflict)
                    if expected_version.is_none() && attempt < self.max_attempts =>
                {
                    count_conflict::<A>();
                    let cap = 2u64.pow(attempt.min(6));
                    let pause = rand::thread_rng().gen_range(0..=cap);
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                }
                Err(CommandError::Conflict) if expected_version.is_some() => {
                    // Someone else wrote between our load and append: the version the client
                    // saw is stale now.
                    let actual = self.load::<A>(id).await.map(|l| l.version).unwrap_or(0);
                    return Err(CommandError::StaleVersion {
                        expected: expected_version.unwrap_or_default(),
                        actual,
                    });
                }
                other => return other,
            }
        }
    }

    async fn try_execute<A>(
        &self,
        id: &str,
        command: A::Command,
        ctx: &CommandContext,
        expected_version: Option<u64>,
    ) -> Result<Committed, CommandError>
    where
        A: Aggregate<Error = DomainError, Services = ()>,
        A::Command: Clone,
    {
        // Fast path: decide on the state this process remembers and append right after it. The
        // append's sequence check proves that state current (had anyone written since, the
        // sequence would be taken); anything but a successful append — a conflict, a refusal,
        // nothing to record — is decided again below on the state read from the log.
        if let Some((mut aggregate, version, snapshot_version)) = self.cached::<A>(id) {
            if expected_version.is_none_or(|e| e == version) {
                let sink = EventSink::default();
                if aggregate.handle(command.clone(), &(), &sink).await.is_ok() {
                    let events = sink.collect().await;
                    if !events.is_empty() {
                        match self
                            .commit(id, aggregate, version, snapshot_version, &events, ctx)
                            .await
                        {
                            Err(CommandError::Conflict) => {
                                count_conflict::<A>();
                                self.forget::<A>(id);
                            }
                            other => return other,
                        }
                    }
                }
            }
        }
        let Loaded {
            mut aggregate,
            version,
            snapshot_version,
        } = self.load::<A>(id).await?;
        if let Some(expected) = expected_version {
            if expected != version {
                return Err(CommandError::StaleVersion {
                    expected,
                    actual: version,
                });
            }
        }
        let sink = EventSink::default();
        aggregate.handle(command, &(), &sink).await?;
        let events = sink.collect().await;
        if events.is_empty() {
            return Ok(Committed {
                aggregate_id: id.to_string(),
                version,
                position: self.position_of(A::TYPE, id, version).await?,
                events: 0,
            });
        }
        self.commit(id, aggregate, version, snapshot_version, &events, ctx)
            .await
    }

    /// Append `events`, decided on `aggregate` at `version` (which `handle` has already applied
    /// them to), then save a snapshot when one is due and remember the new state.
    async fn commit<A: Aggregate>(
        &self,
        id: &str,
        aggregate: A,
        version: u64,
        snapshot_version: u64,
        events: &[A::Event],
        ctx: &CommandContext,
    ) -> Result<Committed, CommandError> {
        let metadata = serde_json::to_string(&ctx.metadata())
            .map_err(|e| CommandError::Internal(e.to_string()))?;
        let mut rows = Vec::with_capacity(events.len());
        for (i, event) in events.iter().enumerate() {
            rows.push(NewEvent {
                sequence: (version as usize + i + 1) as i64,
                event_type: event.event_type(),
                event_version: event.event_version(),
                payload: serde_json::to_string(event)
                    .map_err(|e| CommandError::Internal(e.to_string()))?,
            });
        }
        let append = Append {
            aggregate_type: A::TYPE,
            aggregate_id: id.to_string(),
            rows,
            metadata,
        };
        let position = match self.appender.append(append).await {
            Ok(position) => position,
            Err(e) => {
                // What this process remembered may be behind what won the race.
                self.forget::<A>(id);
                return Err(e);
            }
        };
        let new_version = version + events.len() as u64;
        let mut snapshot_version = snapshot_version;
        if new_version - snapshot_version >= SNAPSHOT_EVERY {
            // `handle` applied the new events to `aggregate` already (cqrs-es's `EventSink`
            // does): it is the state at `new_version` and must not see them a second time.
            if self.save_snapshot(id, &aggregate, new_version).await {
                snapshot_version = new_version;
            }
        }
        self.remember(id, &aggregate, new_version, snapshot_version);
        Ok(Committed {
            aggregate_id: id.to_string(),
            version: new_version,
            position,
            events: events.len(),
        })
    }

    /// The global position of one stored event (0 for version 0).
    async fn position_of(
        &self,
        aggregate_type: &str,
        id: &str,
        sequence: u64,
    ) -> Result<i64, CommandError> {
        if sequence == 0 {
            return Ok(0);
        }
        let found: Result<i64, sqlx::Error> = crate::with_pool!(&self.db, pool => {
            sqlx::query_scalar(sql::both::POSITION_OF)
                .bind(aggregate_type)
                .bind(id)
                .bind(sequence as i64)
                .fetch_one(pool)
                .await
        });
        found.map_err(sql_error)
    }
}

/// A command decided again because another writer took its sequence first.
fn count_conflict<A: Aggregate>() {
    metrics::counter!("safeguards_command_conflicts_total", "aggregate" => A::TYPE).increment(1);
}

/// Map a sqlx error: unreachable store → 503, anything else → internal.
pub fn sql_error(err: sqlx::Error) -> CommandError {
    if is_unavailable(&err) {
        CommandError::Unavailable(err.to_string())
    } else {
        CommandError::Internal(err.to_string())
    }
}

/// Map an error of the repositories' reads.
fn persistence_error(err: PersistenceError) -> CommandError {
    match err {
        PersistenceError::OptimisticLockError => CommandError::Conflict,
        PersistenceError::ConnectionError(e) => CommandError::Unavailable(e.to_string()),
        PersistenceError::DeserializationError(e) => CommandError::Internal(e.to_string()),
        PersistenceError::UnknownError(e) => match e.downcast::<sqlx::Error>() {
            Ok(sqlx_err) => sql_error(*sqlx_err),
            Err(other) => CommandError::Internal(other.to_string()),
        },
    }
}
