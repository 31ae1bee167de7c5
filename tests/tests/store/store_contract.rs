//! The event store's contract, run against SQLite and PostgreSQL alike.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use safeguards_domain::engagement::{ActivityKind, Engagement, EngagementCommand};
use safeguards_domain::milestone::{Milestone, MilestoneCommand};
use safeguards_domain::values::{
    AccountId, Actor, CommitmentId, CountryCode, MilestoneId, Percent, Title,
};
use safeguards_infra::feed::{self, RecordedEvent};
use safeguards_infra::probe;
use safeguards_infra::store::SNAPSHOT_EVERY;
use safeguards_infra::transfer::{Import, ImportedEvent};
use safeguards_infra::{CommandContext, CommandError, Database, EventStore};
use safeguards_projections::event::Metadata;
use safeguards_tests::{on_both_stores, Backend, TestDb};

fn ctx() -> CommandContext {
    CommandContext::system("test")
}

fn open_kenya() -> EngagementCommand {
    EngagementCommand::Open {
        country: CountryCode::parse("KEN").unwrap(),
        lead: Title::parse("Ministry of ICT").unwrap(),
        started_on: "2025-05-01".parse().unwrap(),
        dpi_systems: vec![],
    }
}

fn add_milestone() -> MilestoneCommand {
    MilestoneCommand::Add {
        commitment: CommitmentId::new(),
        country: CountryCode::parse("KEN").unwrap(),
        title: Title::parse("Bill tabled").unwrap(),
        due_on: "2026-06-30".parse().unwrap(),
        stage: None,
    }
}

fn progress(p: i64) -> MilestoneCommand {
    MilestoneCommand::ReportProgress {
        percent: Percent::parse(p).unwrap(),
        note: None,
    }
}

async fn appended_events_load_back_with_their_version(backend: Backend) {
    let t = TestDb::new(backend).await;
    let store = t.store();
    let committed = store
        .execute::<Engagement>("KEN", open_kenya(), &ctx(), None)
        .await
        .unwrap();
    assert_eq!(committed.version, 1);
    assert!(committed.position > 0);
    let loaded = store.load::<Engagement>("KEN").await.unwrap();
    assert_eq!(loaded.version, 1);
    assert!(loaded.aggregate.is_open());
    let again = store
        .execute::<Engagement>("KEN", open_kenya(), &ctx(), None)
        .await;
    assert!(matches!(again, Err(CommandError::Domain(_))));
    assert_eq!(
        feed::history(&t.db, "engagement", "KEN")
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn two_writers_at_the_same_version_one_wins_and_one_is_refused(backend: Backend) {
    let t = TestDb::new(backend).await;
    let store = Arc::new(t.store());
    for round in 0..10 {
        let id = MilestoneId::new().to_string();
        store
            .execute::<Milestone>(&id, add_milestone(), &ctx(), None)
            .await
            .unwrap();
        let c = ctx();
        let (a, b) = tokio::join!(
            store.execute::<Milestone>(&id, progress(10), &c, Some(1)),
            store.execute::<Milestone>(&id, progress(20), &c, Some(1)),
        );
        let wins = [&a, &b].iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "round {round}: {a:?} / {b:?}");
        let loser = if a.is_ok() { b } else { a };
        assert!(
            matches!(loser, Err(CommandError::StaleVersion { expected: 1, .. })),
            "{loser:?}"
        );
        // Only the winner's two events (started + progress) were appended.
        assert_eq!(store.load::<Milestone>(&id).await.unwrap().version, 3);
    }
}

async fn concurrent_writers_without_an_expected_version_are_all_recorded(backend: Backend) {
    let t = TestDb::new(backend).await;
    let store = Arc::new(t.store());
    let id = MilestoneId::new().to_string();
    store
        .execute::<Milestone>(&id, add_milestone(), &ctx(), None)
        .await
        .unwrap();
    store
        .execute::<Milestone>(&id, MilestoneCommand::Start { note: None }, &ctx(), None)
        .await
        .unwrap();
    let writers: Vec<_> = (0..30)
        .map(|i| {
            let store = store.clone();
            let id = id.clone();
            tokio::spawn(async move {
                store
                    .execute::<Milestone>(&id, progress(i), &ctx(), None)
                    .await
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap().unwrap();
    }
    let history = feed::history(&t.db, "milestone", &id).await.unwrap();
    assert_eq!(history.len(), 32);
    let mut percents: Vec<i64> = history[2..]
        .iter()
        .map(|e| {
            e.payload_value()["ProgressReported"]["percent"]
                .as_i64()
                .unwrap()
        })
        .collect();
    percents.sort();
    assert_eq!(percents, (0..30).collect::<Vec<_>>());
}

async fn concurrent_commands_share_statements_and_a_taken_sequence_is_decided_again_alone(
    backend: Backend,
) {
    let t = TestDb::new(backend).await;
    let store = Arc::new(t.store());
    let mut ids = Vec::new();
    for _ in 0..32 {
        let id = MilestoneId::new().to_string();
        store
            .execute::<Milestone>(&id, add_milestone(), &ctx(), None)
            .await
            .unwrap();
        ids.push(id);
    }
    let before = store.append_counts();
    // One report on each of 32 milestones, and 8 more on the first: those decide on the same
    // remembered version, so all but one of them find their sequence taken.
    let targets: Vec<&String> = ids.iter().chain(std::iter::repeat_n(&ids[0], 8)).collect();
    let c = ctx();
    let results = futures::future::join_all(
        targets
            .iter()
            .enumerate()
            .map(|(i, id)| store.execute::<Milestone>(id, progress(i as i64 % 101), &c, None)),
    )
    .await;
    for (id, result) in targets.iter().zip(&results) {
        assert!(result.is_ok(), "{id}: {result:?}");
    }
    let after = store.append_counts();
    let commands = after.commands - before.commands;
    let statements = after.statements - before.statements;
    assert!(commands >= 40, "{commands} commands appended");
    assert!(
        statements < commands,
        "{statements} statements for {commands} commands: nothing was grouped"
    );
    // Every report is there once: 1 added + 1 started (by the first report) + reports.
    assert_eq!(store.load::<Milestone>(&ids[0]).await.unwrap().version, 11);
    for id in &ids[1..] {
        assert_eq!(store.load::<Milestone>(id).await.unwrap().version, 3);
        assert_eq!(
            feed::history(&t.db, "milestone", id).await.unwrap().len(),
            3
        );
    }
    assert_eq!(
        feed::history(&t.db, "milestone", &ids[0])
            .await
            .unwrap()
            .len(),
        11
    );
}

async fn a_command_dropped_while_its_statement_runs_hands_on_the_appends_queued_behind_it(
    backend: Backend,
) {
    let t = TestDb::new(backend).await;
    let store = Arc::new(t.store());
    let (first, second) = (
        MilestoneId::new().to_string(),
        MilestoneId::new().to_string(),
    );
    // An open transaction holds the first milestone's first sequence: the first command's
    // statement waits on it (on PostgreSQL the unique key, on SQLite the one writer).
    let mut blocker = Import::begin(&t.db).await.unwrap();
    let metadata = Metadata::new(Actor::System, "blocker", chrono::Utc::now());
    blocker
        .event(&ImportedEvent {
            aggregate_type: "milestone",
            aggregate_id: &first,
            sequence: 1,
            event_type: "Probe",
            event_version: "1.0",
            payload: "{}",
            metadata: &metadata,
        })
        .await
        .unwrap();
    let before = store.append_counts().statements;
    let alone = {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .execute::<Milestone>(&first, add_milestone(), &ctx(), None)
                .await
        })
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while store.append_counts().statements == before {
        assert!(Instant::now() < deadline, "the first statement never left");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // The second command finds that statement in flight and queues behind it…
    let queued = {
        let (store, id) = (store.clone(), second.clone());
        tokio::spawn(async move {
            store
                .execute::<Milestone>(&id, add_milestone(), &ctx(), None)
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    // …and the first command's caller goes away before its statement ends.
    alone.abort();
    let _ = alone.await;
    blocker.rollback().await.unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(10), queued)
        .await
        .expect("the queued command was left without a statement")
        .unwrap();
    assert!(answer.is_ok(), "{answer:?}");
    assert_eq!(
        feed::history(&t.db, "milestone", &second)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn metadata_round_trips_with_actor_correlation_and_time(backend: Backend) {
    let t = TestDb::new(backend).await;
    let store = t.store();
    let account = AccountId::new();
    let when: chrono::DateTime<chrono::Utc> = "2025-01-02T03:04:05.678Z".parse().unwrap();
    let ctx = CommandContext::new(Actor::Account(account), "req-123").at(when);
    store
        .execute::<Engagement>("KEN", open_kenya(), &ctx, None)
        .await
        .unwrap();
    let history = feed::history(&t.db, "engagement", "KEN").await.unwrap();
    let e = &history[0];
    assert_eq!(e.metadata.actor, Actor::Account(account));
    assert_eq!(e.metadata.correlation_id, "req-123");
    assert_eq!(e.recorded_at, when);
    assert_eq!(e.event_type, "EngagementOpened");
    assert_eq!(e.event_version, "1.0");
    assert_eq!(e.sequence, 1);
}

async fn the_log_is_append_only(backend: Backend) {
    let t = TestDb::new(backend).await;
    t.store()
        .execute::<Engagement>("KEN", open_kenya(), &ctx(), None)
        .await
        .unwrap();
    for how in [probe::Rewrite::Update, probe::Rewrite::Delete] {
        let err = probe::rewrite_log(&t.db, how).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{how:?}: {err}");
    }
}

/// A probe event of `aggregate` at `sequence`, written raw into `tx`.
async fn probe_event(tx: &mut Import, aggregate: &str, sequence: i64) {
    let payload = serde_json::json!({"Probe": {}}).to_string();
    let metadata = Metadata::new(
        Actor::System,
        "feed",
        "2026-01-01T00:00:00Z".parse().unwrap(),
    );
    tx.event(&ImportedEvent {
        aggregate_type: "probe",
        aggregate_id: aggregate,
        sequence,
        event_type: "Probe",
        event_version: "1.0",
        payload: &payload,
        metadata: &metadata,
    })
    .await
    .unwrap();
}

/// Insert `count` events of one aggregate in one transaction, pausing before the commit so that
/// transactions of other writers interleave with it.
async fn raw_transaction(db: &Database, aggregate: &str, first_sequence: i64, count: i64) {
    let pause = Duration::from_millis(rand::thread_rng().gen_range(0..4));
    let mut tx = Import::begin(db).await.unwrap();
    for s in first_sequence..first_sequence + count {
        probe_event(&mut tx, aggregate, s).await;
        if matches!(db, Database::Postgres(_)) {
            tokio::time::sleep(pause).await;
        }
    }
    tokio::time::sleep(pause).await;
    tx.commit().await.unwrap();
}

/// 8 writers × 500 events: four through the store's command path, four through raw
/// transactions of 1–3 events that pause before committing. A reader follows the feed all the
/// while; it must see every event exactly once, in strictly increasing positions.
async fn the_feed_delivers_every_event_once_in_increasing_order_under_concurrency(
    backend: Backend,
) {
    const WRITERS: usize = 8;
    const PER_WRITER: i64 = 500;
    let t = TestDb::new(backend).await;
    let store = Arc::new(t.store());
    let total = WRITERS * PER_WRITER as usize;

    let reader = {
        let db = t.db.clone();
        tokio::spawn(async move {
            let mut seen: Vec<RecordedEvent> = Vec::new();
            let mut last = 0;
            let deadline = Instant::now() + Duration::from_secs(300);
            while seen.len() < total && Instant::now() < deadline {
                let batch = feed::read_after(&db, last, 97).await.unwrap();
                if batch.is_empty() {
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                for e in batch {
                    assert!(e.position > last, "position {} after {last}", e.position);
                    last = e.position;
                    seen.push(e);
                }
            }
            seen
        })
    };

    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let store = store.clone();
        let db = t.db.clone();
        writers.push(tokio::spawn(async move {
            if w % 2 == 0 {
                let id = MilestoneId::new().to_string();
                store
                    .execute::<Milestone>(&id, add_milestone(), &ctx(), None)
                    .await
                    .unwrap();
                for i in 1..PER_WRITER {
                    let cmd = if i == 1 {
                        MilestoneCommand::Start { note: None }
                    } else {
                        progress(i % 101)
                    };
                    store
                        .execute::<Milestone>(&id, cmd, &ctx(), None)
                        .await
                        .unwrap();
                }
            } else {
                let aggregate = format!("writer-{w}");
                let mut next = 1;
                while next <= PER_WRITER {
                    let n = rand::thread_rng()
                        .gen_range(1..=3)
                        .min(PER_WRITER - next + 1);
                    raw_transaction(&db, &aggregate, next, n).await;
                    next += n;
                }
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    let seen = reader.await.unwrap();
    assert_eq!(
        seen.len(),
        total,
        "the reader saw {} of {total}",
        seen.len()
    );
    let keys: HashSet<(String, String, i64)> = seen
        .iter()
        .map(|e| (e.aggregate_type.clone(), e.aggregate_id.clone(), e.sequence))
        .collect();
    assert_eq!(keys.len(), total, "an event was seen twice");
    assert!(feed::read_after(&t.db, seen[total - 1].position, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(feed::head(&t.db).await.unwrap(), seen[total - 1].position);
}

fn workshop(n: usize) -> EngagementCommand {
    EngagementCommand::RecordActivity {
        kind: ActivityKind::Workshop,
        title: Title::parse(&format!("Workshop {n}")).unwrap(),
        held_on: "2025-06-01".parse().unwrap(),
        authorities: vec![],
        note: None,
    }
}

/// The stored snapshot's version of an engagement, if any.
async fn snapshot_version(db: &Database, id: &str) -> Option<i64> {
    probe::snapshot_version(db, "engagement", id).await.unwrap()
}

/// An engagement past two snapshots loads exactly the state its whole history gives: the
/// events a command writes are applied once, not again when the snapshot is saved (cqrs-es's
/// own snapshot mode counts them twice).
async fn snapshots_load_the_state_of_the_whole_history(backend: Backend) {
    let t = TestDb::new(backend).await;
    let store = t.store();
    store
        .execute::<Engagement>("KEN", open_kenya(), &ctx(), None)
        .await
        .unwrap();
    let activities = 2 * SNAPSHOT_EVERY as usize + 50;
    for n in 0..activities {
        store
            .execute::<Engagement>("KEN", workshop(n), &ctx(), None)
            .await
            .unwrap();
    }
    let saved = snapshot_version(&t.db, "KEN").await.expect("a snapshot");
    assert!(saved >= 2 * SNAPSHOT_EVERY as i64, "snapshot at {saved}");
    let loaded = t.store().load::<Engagement>("KEN").await.unwrap();
    assert_eq!(loaded.snapshot_version, saved as u64);
    assert_eq!(loaded.version, activities as u64 + 1);
    let state = serde_json::to_value(&loaded.aggregate).unwrap();
    assert_eq!(state["activities"], activities, "{state}");
    let replayed = store.load_from_log::<Engagement>("KEN").await.unwrap();
    assert_eq!(replayed.snapshot_version, 0);
    assert_eq!(state, serde_json::to_value(&replayed.aggregate).unwrap());
}

/// A snapshot of another format, or one that no longer reads, is passed over: the history is
/// replayed and the next snapshot replaces it.
async fn snapshots_of_another_shape_are_ignored(backend: Backend) {
    let t = TestDb::new(backend).await;
    let store = t.store();
    store
        .execute::<Engagement>("KEN", open_kenya(), &ctx(), None)
        .await
        .unwrap();
    for n in 0..SNAPSHOT_EVERY as usize {
        store
            .execute::<Engagement>("KEN", workshop(n), &ctx(), None)
            .await
            .unwrap();
    }
    assert!(snapshot_version(&t.db, "KEN").await.is_some());
    for (format, state) in [
        ("0", r#"{"activities": 7}"#),
        (safeguards_domain::SNAPSHOT_FORMAT, "not json"),
    ] {
        probe::overwrite_snapshot(&t.db, "engagement", "KEN", format, state)
            .await
            .unwrap();
        // A new store (another process) has only the database to go by.
        let loaded = t.store().load::<Engagement>("KEN").await.unwrap();
        assert_eq!(loaded.snapshot_version, 0);
        let state = serde_json::to_value(&loaded.aggregate).unwrap();
        assert_eq!(state["activities"], SNAPSHOT_EVERY, "{state}");
    }
    t.store()
        .execute::<Engagement>("KEN", workshop(0), &ctx(), None)
        .await
        .unwrap();
    let replaced = SNAPSHOT_EVERY as i64 + 2;
    assert_eq!(snapshot_version(&t.db, "KEN").await, Some(replaced));
    let loaded = t.store().load::<Engagement>("KEN").await.unwrap();
    assert_eq!(loaded.snapshot_version, replaced as u64);
}

/// A store remembers the states it saw; what another process wrote since is still read.
async fn a_store_reads_what_another_wrote_after_the_state_it_remembers(backend: Backend) {
    let t = TestDb::new(backend).await;
    let (here, elsewhere) = (t.store(), t.store());
    here.execute::<Engagement>("KEN", open_kenya(), &ctx(), None)
        .await
        .unwrap();
    here.execute::<Engagement>("KEN", workshop(0), &ctx(), None)
        .await
        .unwrap();
    elsewhere
        .execute::<Engagement>("KEN", workshop(1), &ctx(), None)
        .await
        .unwrap();
    let stale = here
        .execute::<Engagement>("KEN", workshop(2), &ctx(), Some(2))
        .await;
    assert!(
        matches!(
            stale,
            Err(CommandError::StaleVersion {
                expected: 2,
                actual: 3
            })
        ),
        "{stale:?}"
    );
    let committed = here
        .execute::<Engagement>("KEN", workshop(2), &ctx(), None)
        .await
        .unwrap();
    assert_eq!(committed.version, 4);
    let loaded = here.load::<Engagement>("KEN").await.unwrap();
    assert_eq!(loaded.version, 4);
    assert_eq!(
        serde_json::to_value(&loaded.aggregate).unwrap()["activities"],
        3
    );
}

/// A command refused on the state a store remembers is decided again on the log: another
/// process may have changed the aggregate since.
async fn a_refusal_on_a_remembered_state_is_checked_against_the_log(backend: Backend) {
    let t = TestDb::new(backend).await;
    let (here, elsewhere) = (t.store(), t.store());
    let id = MilestoneId::new().to_string();
    here.execute::<Milestone>(&id, add_milestone(), &ctx(), None)
        .await
        .unwrap();
    let block = MilestoneCommand::Block {
        reason: safeguards_domain::values::Text::parse_field("reason", "no budget").unwrap(),
    };
    here.execute::<Milestone>(&id, block, &ctx(), None)
        .await
        .unwrap();
    // `here` remembers the milestone blocked; another process unblocks it.
    elsewhere
        .execute::<Milestone>(&id, MilestoneCommand::Unblock { note: None }, &ctx(), None)
        .await
        .unwrap();
    let committed = here
        .execute::<Milestone>(&id, progress(30), &ctx(), None)
        .await
        .expect("decided on the log, where the milestone is no longer blocked");
    // Unblocked back to planned, so the report starts it too: two events.
    assert_eq!(committed.version, 5);
}

on_both_stores!(
    appended_events_load_back_with_their_version,
    two_writers_at_the_same_version_one_wins_and_one_is_refused,
    concurrent_writers_without_an_expected_version_are_all_recorded,
    concurrent_commands_share_statements_and_a_taken_sequence_is_decided_again_alone,
    a_command_dropped_while_its_statement_runs_hands_on_the_appends_queued_behind_it,
    metadata_round_trips_with_actor_correlation_and_time,
    the_log_is_append_only,
    the_feed_delivers_every_event_once_in_increasing_order_under_concurrency,
    snapshots_load_the_state_of_the_whole_history,
    snapshots_of_another_shape_are_ignored,
    a_store_reads_what_another_wrote_after_the_state_it_remembers,
    a_refusal_on_a_remembered_state_is_checked_against_the_log,
);

/// PostgreSQL only: transactions that take their positions in one order and commit in the other.
mod out_of_order_commits {
    use super::*;

    /// Read the feed from the start until `n` events are visible. Transactions of other tests
    /// on the same server hold the horizon back for a moment, so poll.
    async fn read_n(db: &Database, n: usize) -> Vec<RecordedEvent> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let events = feed::read_after(db, 0, 10).await.unwrap();
            if events.len() >= n || Instant::now() > deadline {
                return events;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    async fn insert(tx: &mut Import, aggregate: &str) {
        probe_event(tx, aggregate, 1).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_transaction_that_commits_after_a_later_one_is_read_first_and_not_skipped() {
        let t = TestDb::postgres().await;
        let mut early = Import::begin(&t.db).await.unwrap();
        insert(&mut early, "early").await;
        let mut late = Import::begin(&t.db).await.unwrap();
        insert(&mut late, "late").await;
        late.commit().await.unwrap();

        // The later transaction has committed, but the earlier one may still take a lower
        // position: the feed waits for it.
        assert!(feed::read_after(&t.db, 0, 10).await.unwrap().is_empty());
        early.commit().await.unwrap();
        let events = read_n(&t.db, 2).await;
        let ids: Vec<&str> = events.iter().map(|e| e.aggregate_id.as_str()).collect();
        assert_eq!(ids, vec!["early", "late"]);
        assert!(events[0].position < events[1].position);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_transaction_with_an_older_id_that_writes_later_is_not_skipped() {
        let t = TestDb::postgres().await;
        let mut older = Import::begin(&t.db).await.unwrap();
        // Take a transaction id now, write later.
        probe::take_transaction_id(&mut older).await.unwrap();
        let mut younger = Import::begin(&t.db).await.unwrap();
        insert(&mut younger, "younger").await;
        younger.commit().await.unwrap();
        assert!(feed::read_after(&t.db, 0, 10).await.unwrap().is_empty());
        insert(&mut older, "older").await;
        older.commit().await.unwrap();
        let events = read_n(&t.db, 2).await;
        let ids: Vec<&str> = events.iter().map(|e| e.aggregate_id.as_str()).collect();
        assert_eq!(ids, vec!["older", "younger"]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_rolled_back_transaction_leaves_a_gap_the_feed_passes() {
        let t = TestDb::postgres().await;
        let mut doomed = Import::begin(&t.db).await.unwrap();
        insert(&mut doomed, "doomed").await;
        let mut kept = Import::begin(&t.db).await.unwrap();
        insert(&mut kept, "kept").await;
        kept.commit().await.unwrap();
        doomed.rollback().await.unwrap();
        let events = read_n(&t.db, 1).await;
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].aggregate_id, "kept");
    }
}

#[allow(dead_code)]
fn assert_store_is_send_sync(s: EventStore) -> impl Send + Sync {
    s
}
