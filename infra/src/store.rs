//! The event store: load an aggregate, decide a command, append its events with optimistic
//! concurrency, and report the new version and global position.
//!
//! It drives cqrs-es's `Aggregate` and the `PersistedEventRepository` of postgres-es or
//! sqlite-es directly rather than through `CqrsFramework`, because a command's answer needs the
//! version and position it produced, conflicts must be retried here (cqrs-es retries nothing),
//! and read models follow the global feed instead of inline queries.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::persist::{PersistedEventRepository, PersistenceError, SerializedEvent};
use cqrs_es::{Aggregate, DomainEvent};
use postgres_es::PostgresEventRepository;
use rand::Rng;
use safeguards_domain::values::Actor;
use safeguards_domain::{DomainError, SNAPSHOT_FORMAT};
use sqlite_es::SqliteEventRepository;

use crate::db::{is_unavailable, Database};

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

    fn metadata(&self) -> HashMap<String, String> {
        let time = self.time.unwrap_or_else(Utc::now);
        HashMap::from([
            ("actor".to_string(), self.actor.as_metadata()),
            ("correlation_id".to_string(), self.correlation_id.clone()),
            (
                "time".to_string(),
                time.to_rfc3339_opts(SecondsFormat::Micros, true),
            ),
        ])
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

/// The event store over either database.
pub struct EventStore {
    db: Database,
    repo: Repo,
    max_attempts: u32,
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
        Self {
            db,
            repo,
            max_attempts: 200,
        }
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Load an aggregate: its latest snapshot, if any, and the events after it.
    #[tracing::instrument(level = "debug", skip(self), fields(aggregate = A::TYPE))]
    pub async fn load<A: Aggregate>(&self, id: &str) -> Result<Loaded<A>, CommandError> {
        match self.snapshot::<A>(id).await? {
            Some((aggregate, version)) => self.replay_onto(id, aggregate, version).await,
            None => self.replay_onto(id, A::default(), 0).await,
        }
    }

    /// Load an aggregate by replaying its whole history, ignoring snapshots.
    pub async fn load_from_log<A: Aggregate>(&self, id: &str) -> Result<Loaded<A>, CommandError> {
        self.replay_onto(id, A::default(), 0).await
    }

    /// Apply the events after `version` to `aggregate`.
    async fn replay_onto<A: Aggregate>(
        &self,
        id: &str,
        mut aggregate: A,
        mut version: u64,
    ) -> Result<Loaded<A>, CommandError> {
        let after = version as usize;
        let stored = match (&self.repo, after) {
            (Repo::Postgres(r), 0) => r.get_events::<A>(id).await,
            (Repo::Postgres(r), _) => r.get_last_events::<A>(id, after).await,
            (Repo::Sqlite(r), 0) => r.get_events::<A>(id).await,
            (Repo::Sqlite(r), _) => r.get_last_events::<A>(id, after).await,
        }
        .map_err(persistence_error)?;
        let snapshot_version = version;
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

    /// The stored snapshot of an aggregate and its version, when there is one of the current
    /// format that still reads.
    async fn snapshot<A: Aggregate>(&self, id: &str) -> Result<Option<(A, u64)>, CommandError> {
        let sql = "SELECT version, state FROM aggregate_snapshots
                    WHERE aggregate_type = $1 AND aggregate_id = $2 AND format = $3";
        let row: Option<(i64, String)> = crate::with_pool!(&self.db, pool => {
            sqlx::query_as(sql)
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
    /// newer one is there. A failure is only logged: snapshots are an optimisation.
    async fn save_snapshot<A: Aggregate>(&self, id: &str, aggregate: &A, version: u64) {
        let state = match serde_json::to_string(aggregate) {
            Ok(state) => state,
            Err(e) => {
                tracing::warn!(aggregate = A::TYPE, id, error = %e, "cannot serialize a snapshot");
                return;
            }
        };
        let sql = "INSERT INTO aggregate_snapshots (aggregate_type, aggregate_id, version, format, state)
                   VALUES ($1, $2, $3, $4, $5)
                   ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE
                      SET version = excluded.version, format = excluded.format, state = excluded.state
                    WHERE aggregate_snapshots.version < excluded.version
                       OR aggregate_snapshots.format <> excluded.format";
        let saved: Result<_, sqlx::Error> = crate::with_pool!(&self.db, pool => {
            sqlx::query(sql)
                .bind(A::TYPE)
                .bind(id)
                .bind(version as i64)
                .bind(SNAPSHOT_FORMAT)
                .bind(&state)
                .execute(pool)
                .await
                .map(|_| ())
        });
        if let Err(e) = saved {
            tracing::warn!(aggregate = A::TYPE, id, error = %e, "cannot save a snapshot");
        }
    }

    /// Decide `command` against the aggregate's current state and append the events.
    ///
    /// With `expected_version` (from `If-Match`), a different current version is refused with
    /// [`CommandError::StaleVersion`]. Without it, a concurrent write is retried (bounded, with
    /// jittered back-off) against the fresh state, so independent updates never fail.
    #[tracing::instrument(skip(self, command, ctx), fields(aggregate = A::TYPE, actor = %ctx.actor.as_metadata(), correlation_id = %ctx.correlation_id))]
    pub async fn execute<A>(
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
                    metrics::counter!("safeguards_command_conflicts_total", "aggregate" => A::TYPE)
                        .increment(1);
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
    {
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
        let metadata = serde_json::to_value(ctx.metadata())
            .map_err(|e| CommandError::Internal(e.to_string()))?;
        let mut serialized = Vec::with_capacity(events.len());
        for (i, event) in events.iter().enumerate() {
            serialized.push(SerializedEvent {
                aggregate_id: id.to_string(),
                sequence: version as usize + i + 1,
                aggregate_type: A::TYPE.to_string(),
                event_type: event.event_type(),
                event_version: event.event_version(),
                payload: serde_json::to_value(event)
                    .map_err(|e| CommandError::Internal(e.to_string()))?,
                metadata: metadata.clone(),
            });
        }
        match &self.repo {
            Repo::Postgres(r) => r.persist::<A>(&serialized, None).await,
            Repo::Sqlite(r) => r.persist::<A>(&serialized, None).await,
        }
        .map_err(persistence_error)?;
        let new_version = version + events.len() as u64;
        if new_version - snapshot_version >= SNAPSHOT_EVERY {
            // `handle` applied the new events to `aggregate` already (cqrs-es's `EventSink`
            // does): it is the state at `new_version` and must not see them a second time.
            self.save_snapshot(id, &aggregate, new_version).await;
        }
        Ok(Committed {
            aggregate_id: id.to_string(),
            version: new_version,
            position: self.position_of(A::TYPE, id, new_version).await?,
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
        let sql = "SELECT position FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence = $3";
        let found: Result<i64, sqlx::Error> = crate::with_pool!(&self.db, pool => {
            sqlx::query_scalar(sql)
                .bind(aggregate_type)
                .bind(id)
                .bind(sequence as i64)
                .fetch_one(pool)
                .await
        });
        found.map_err(sql_error)
    }
}

/// Map a sqlx error: unreachable store → 503, anything else → internal.
pub fn sql_error(err: sqlx::Error) -> CommandError {
    if is_unavailable(&err) {
        CommandError::Unavailable(err.to_string())
    } else {
        CommandError::Internal(err.to_string())
    }
}

fn persistence_error(err: PersistenceError) -> CommandError {
    match err {
        PersistenceError::OptimisticLockError => CommandError::Conflict,
        PersistenceError::ConnectionError(e) => CommandError::Unavailable(e.to_string()),
        PersistenceError::DeserializationError(e) => CommandError::Internal(e.to_string()),
        PersistenceError::UnknownError(e) => match e.downcast::<sqlx::Error>() {
            Ok(sqlx_err) => match &*sqlx_err {
                // sqlite-es only recognises a primary-key violation (1555) as a conflict; our
                // table's key is the global position, so a duplicate (aggregate, sequence) is a
                // UNIQUE violation (2067).
                sqlx::Error::Database(db) if db.code().as_deref() == Some("2067") => {
                    CommandError::Conflict
                }
                _ => sql_error(*sqlx_err),
            },
            Err(other) => CommandError::Internal(other.to_string()),
        },
    }
}
