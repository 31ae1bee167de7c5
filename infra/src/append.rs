//! Group commit: the appends of concurrent commands share one statement.
//!
//! Each command's events are appended by one statement that commits on its own, so every
//! command pays a round trip and a flush of the log. Here a command that finds fewer than
//! [`FLUSHERS`] statements in flight sends its own at once, from its own task (nothing waits
//! for company that is not there, nor for a task to be scheduled); the appends that arrive
//! while a statement runs queue, and a flusher takes everything queued into one multi-row
//! `INSERT` when it ends. Under load, each statement carries the commands that arrived while
//! the previous one ran, and the fewer the statements the less of the machine the database
//! takes.
//!
//! A statement is atomic: when any row's `(aggregate, sequence)` is taken, none is written. The
//! batch is then appended again command by command, so only the command that lost its race is
//! told [`CommandError::Conflict`] (and decided again by the store); the others commit.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use crate::db::{Database, Held};
use crate::sql;
use crate::store::{sql_error, CommandError, Commits};

/// Statements in flight at once. One makes the largest batches; on the benchmark's two cores,
/// two or four ran 3–13 % fewer commands at 32 clients (`tests/bench/run --only commands`).
const FLUSHERS: usize = 1;

/// The most events one statement carries (SQLite binds seven values per event and allows
/// 32,766).
const MAX_ROWS: usize = 2_000;

/// One event of a command, serialized for the log.
#[derive(Debug)]
pub(crate) struct NewEvent {
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: String,
}

/// The events one command appends to one aggregate, with the command's metadata.
#[derive(Debug)]
pub(crate) struct Append {
    pub aggregate_type: &'static str,
    pub aggregate_id: String,
    pub rows: Vec<NewEvent>,
    pub metadata: String,
}

struct Pending {
    append: Append,
    reply: oneshot::Sender<Result<i64, CommandError>>,
}

#[derive(Default)]
struct Queue {
    pending: Vec<Pending>,
    flushing: usize,
}

/// How many statements a store's appends took, for how many commands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AppendCounts {
    pub statements: u64,
    pub commands: u64,
}

/// The appends of one store.
pub(crate) struct Appender {
    db: Database,
    commits: Arc<Commits>,
    queue: Mutex<Queue>,
    statements: AtomicU64,
    commands: AtomicU64,
}

impl Appender {
    pub fn new(db: Database, commits: Arc<Commits>) -> Arc<Self> {
        Arc::new(Self {
            db,
            commits,
            queue: Mutex::default(),
            statements: AtomicU64::new(0),
            commands: AtomicU64::new(0),
        })
    }

    pub fn counts(&self) -> AppendCounts {
        AppendCounts {
            statements: self.statements.load(Ordering::Relaxed),
            commands: self.commands.load(Ordering::Relaxed),
        }
    }

    /// Append one command's events and return the position of the last. Fails with
    /// [`CommandError::Conflict`] when one of its sequences is taken; nothing of it is written
    /// then.
    pub async fn append(self: &Arc<Self>, append: Append) -> Result<i64, CommandError> {
        match self.join(append) {
            Joined::Alone(append) => {
                let alone = Alone(self.clone());
                let appended = self.append_one(&append, &mut None).await;
                drop(alone);
                appended
            }
            Joined::Queued(answer) => answer
                .await
                .unwrap_or_else(|_| Err(CommandError::Internal("the append was abandoned".into()))),
        }
    }

    /// Send `append` alone when nothing is in flight (then nothing is queued either: a flusher
    /// leaves only an empty queue), else queue it for the next statement.
    fn join(&self, append: Append) -> Joined {
        let mut queue = self.lock();
        if queue.flushing < FLUSHERS {
            queue.flushing += 1;
            return Joined::Alone(append);
        }
        let (reply, answer) = oneshot::channel();
        queue.pending.push(Pending { append, reply });
        Joined::Queued(answer)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Hand what is queued to a flusher, or leave when nothing is: the end of a turn in flight.
    fn hand_on(self: &Arc<Self>) {
        let mut queue = self.lock();
        if queue.pending.is_empty() {
            queue.flushing -= 1;
            return;
        }
        drop(queue);
        // A task of its own: a caller that goes away (a client hanging up) must not take the
        // other commands' statement with it.
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(self.clone().flush_queued());
            }
            // No runtime left to run it: the process is stopping, and the callers with it.
            Err(_) => self.lock().flushing -= 1,
        }
    }

    /// Flush until the queue is empty. The flusher leaves under the same lock that queues an
    /// append, so no append is ever left without one. The statements of its spell share one
    /// connection (see [`Held`]).
    async fn flush_queued(self: Arc<Self>) {
        let mut conn = None;
        loop {
            let batch = {
                let mut queue = self.lock();
                if queue.pending.is_empty() {
                    queue.flushing -= 1;
                    return;
                }
                take_batch(&mut queue.pending)
            };
            self.flush(batch, &mut conn).await;
        }
    }

    async fn flush(&self, mut batch: Vec<Pending>, conn: &mut Option<Held>) {
        if batch.len() == 1 {
            let Some(one) = batch.pop() else { return };
            let _ = one.reply.send(self.append_one(&one.append, conn).await);
            return;
        }
        let appends: Vec<&Append> = batch.iter().map(|p| &p.append).collect();
        match self.append_many(&appends, conn).await {
            Ok(last) => {
                for (p, last) in batch.into_iter().zip(last) {
                    let answer =
                        last.ok_or_else(|| CommandError::Internal("no event was written".into()));
                    let _ = p.reply.send(answer);
                }
            }
            Err(CommandError::Conflict) => {
                // Someone's sequence is taken (by another process, or by another command of
                // this very batch): each on its own, so that only the losers hear of it.
                futures::future::join_all(batch.into_iter().map(|p| async move {
                    let _ = p.reply.send(self.append_one(&p.append, &mut None).await);
                }))
                .await;
            }
            Err(e) => {
                for p in batch {
                    let _ = p.reply.send(Err(e.again()));
                }
            }
        }
    }

    /// Count one statement and what it carried.
    fn observe(&self, commands: usize, events: usize) {
        self.statements.fetch_add(1, Ordering::Relaxed);
        self.commands.fetch_add(commands as u64, Ordering::Relaxed);
        metrics::histogram!("safeguards_store_append_commands").record(commands as f64);
        metrics::histogram!("safeguards_store_append_events").record(events as f64);
    }

    /// One command's events in one statement; the position of the last.
    async fn append_one(
        &self,
        append: &Append,
        conn: &mut Option<Held>,
    ) -> Result<i64, CommandError> {
        let Held::Postgres(held) = self.db.held(conn).await.map_err(append_error)? else {
            // SQLite binds every value of every row either way: one append is a batch of one.
            return self
                .append_many(&[append], conn)
                .await?
                .pop()
                .flatten()
                .ok_or_else(|| CommandError::Internal("no event was written".into()));
        };
        self.observe(1, append.rows.len());
        let rows = &append.rows;
        let positions: Result<Vec<i64>, sqlx::Error> = sqlx::query_scalar(sql::pg::APPEND)
            .bind(append.aggregate_type)
            .bind(&append.aggregate_id)
            .bind(rows.iter().map(|r| r.sequence).collect::<Vec<_>>())
            .bind(
                rows.iter()
                    .map(|r| r.event_type.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(
                rows.iter()
                    .map(|r| r.event_version.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(rows.iter().map(|r| r.payload.as_str()).collect::<Vec<_>>())
            .bind(&append.metadata)
            .fetch_all(&mut **held)
            .await;
        let last = settled(positions, conn)?
            .into_iter()
            .max()
            .ok_or_else(|| CommandError::Internal("no event was written".into()))?;
        self.commits.record([(append.aggregate_type, last)]);
        Ok(last)
    }

    /// Several commands' events in one statement: for each command, the position of its last
    /// event.
    async fn append_many(
        &self,
        appends: &[&Append],
        conn: &mut Option<Held>,
    ) -> Result<Vec<Option<i64>>, CommandError> {
        let events: usize = appends.iter().map(|a| a.rows.len()).sum();
        self.observe(appends.len(), events);
        let rows = || {
            appends
                .iter()
                .flat_map(|a| a.rows.iter().map(move |r| (*a, r)))
        };
        let written: Result<Vec<(String, String, i64, i64)>, sqlx::Error> =
            match self.db.held(conn).await.map_err(append_error)? {
                Held::Postgres(held) => {
                    sqlx::query_as(sql::pg::APPEND_MANY)
                        .bind(rows().map(|(a, _)| a.aggregate_type).collect::<Vec<_>>())
                        .bind(
                            rows()
                                .map(|(a, _)| a.aggregate_id.as_str())
                                .collect::<Vec<_>>(),
                        )
                        .bind(rows().map(|(_, r)| r.sequence).collect::<Vec<_>>())
                        .bind(
                            rows()
                                .map(|(_, r)| r.event_type.as_str())
                                .collect::<Vec<_>>(),
                        )
                        .bind(
                            rows()
                                .map(|(_, r)| r.event_version.as_str())
                                .collect::<Vec<_>>(),
                        )
                        .bind(rows().map(|(_, r)| r.payload.as_str()).collect::<Vec<_>>())
                        .bind(rows().map(|(a, _)| a.metadata.as_str()).collect::<Vec<_>>())
                        .fetch_all(&mut **held)
                        .await
                }
                Held::Sqlite(held) => {
                    let statement = sql::lite::append_many(events);
                    let mut query = sqlx::query_as(&statement);
                    for (a, r) in rows() {
                        query = query
                            .bind(a.aggregate_type)
                            .bind(&a.aggregate_id)
                            .bind(r.sequence)
                            .bind(&r.event_type)
                            .bind(&r.event_version)
                            .bind(&r.payload)
                            .bind(&a.metadata);
                    }
                    query.fetch_all(&mut **held).await
                }
            };
        let written = settled(written, conn)?;
        let mut owner: HashMap<(&str, &str, i64), usize> = HashMap::with_capacity(events);
        for (i, a) in appends.iter().enumerate() {
            for r in &a.rows {
                owner.insert((a.aggregate_type, &a.aggregate_id, r.sequence), i);
            }
        }
        let mut last = vec![None; appends.len()];
        for (aggregate_type, aggregate_id, sequence, position) in &written {
            if let Some(&i) =
                owner.get(&(aggregate_type.as_str(), aggregate_id.as_str(), *sequence))
            {
                last[i] = last[i].max(Some(*position));
            }
        }
        self.commits.record(
            appends
                .iter()
                .zip(&last)
                .filter_map(|(a, last)| Some((a.aggregate_type, (*last)?))),
        );
        Ok(last)
    }
}

/// How an append joined the queue.
enum Joined {
    /// Its statement carries it alone, sent from the command's own task.
    Alone(Append),
    /// It waits for a flusher's statement, which answers here.
    Queued(oneshot::Receiver<Result<i64, CommandError>>),
}

/// A statement in flight for one command alone: when it ends, or the command is dropped while
/// it runs, what queued behind it is handed on.
struct Alone(Arc<Appender>);

impl Drop for Alone {
    fn drop(&mut self) {
        self.0.hand_on();
    }
}

/// The oldest appends, up to [`MAX_ROWS`] events (and always at least one append).
fn take_batch(pending: &mut Vec<Pending>) -> Vec<Pending> {
    let mut rows = 0;
    let mut n = 0;
    for p in pending.iter() {
        rows += p.append.rows.len();
        if n > 0 && rows > MAX_ROWS {
            break;
        }
        n += 1;
    }
    if n == pending.len() {
        std::mem::take(pending)
    } else {
        let rest = pending.split_off(n);
        std::mem::replace(pending, rest)
    }
}

/// A statement's outcome as the commands hear it; the connection is let go after a failure of
/// anything but a taken sequence (it may be broken).
fn settled<T>(outcome: Result<T, sqlx::Error>, conn: &mut Option<Held>) -> Result<T, CommandError> {
    outcome.map_err(|e| {
        let e = append_error(e);
        if !matches!(e, CommandError::Conflict) {
            *conn = None;
        }
        e
    })
}

/// A taken `(aggregate, sequence)` is a conflict; anything else is the store's failure.
fn append_error(e: sqlx::Error) -> CommandError {
    match e {
        sqlx::Error::Database(e) if is_duplicate_key(e.code().as_deref()) => CommandError::Conflict,
        e => sql_error(e),
    }
}

/// A unique-key violation: PostgreSQL 23505; SQLite 2067 (UNIQUE) or 1555 (PRIMARY KEY).
fn is_duplicate_key(code: Option<&str>) -> bool {
    matches!(code, Some("23505" | "2067" | "1555"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(rows: usize) -> Pending {
        let (reply, _) = oneshot::channel();
        Pending {
            append: Append {
                aggregate_type: "milestone",
                aggregate_id: "m".into(),
                rows: (0..rows)
                    .map(|i| NewEvent {
                        sequence: i as i64 + 1,
                        event_type: "ProgressReported".into(),
                        event_version: "1.0".into(),
                        payload: "{}".into(),
                    })
                    .collect(),
                metadata: "{}".into(),
            },
            reply,
        }
    }

    #[test]
    fn a_batch_takes_the_oldest_appends_up_to_the_row_limit() {
        let mut queue: Vec<Pending> = (0..5).map(|_| pending(MAX_ROWS / 4)).collect();
        let batch = take_batch(&mut queue);
        assert_eq!(batch.len(), 4);
        assert_eq!(queue.len(), 1);
        assert_eq!(take_batch(&mut queue).len(), 1);
        assert!(queue.is_empty());
    }

    #[test]
    fn an_append_larger_than_the_limit_still_goes_alone() {
        let mut queue = vec![pending(MAX_ROWS * 2), pending(1)];
        assert_eq!(take_batch(&mut queue).len(), 1);
        assert_eq!(queue.len(), 1);
    }
}
