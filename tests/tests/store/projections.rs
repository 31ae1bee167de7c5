//! The read model never drifts from the log: live views equal a rebuild and counts computed
//! straight from the accepted commands; crashes and out-of-order commits lose nothing; time
//! travel equals a replay cut at that date; overdue flips with the clock.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use safeguards_domain::commitment::{Commitment, CommitmentCommand, CommitmentFields};
use safeguards_domain::engagement::{Engagement, EngagementCommand};
use safeguards_domain::milestone::{Milestone, MilestoneCommand, MilestoneEvent, MilestoneStatus};
use safeguards_domain::values::{
    Actor, AuthorityCode, CommitmentId, CountryCode, Evidence, EvidenceUrl, MilestoneId, Percent,
    PrincipleCode, StageCode, Text, Title,
};
use safeguards_infra::projector::replay;
use safeguards_infra::transfer::{Import, ImportedEvent};
use safeguards_infra::{checkpoints, feed, probe};
use safeguards_infra::{CommandContext, Database, EventStore, Projector};
use safeguards_projections::event::Metadata;
use safeguards_projections::views;
use safeguards_tests::app::TestApp;
use safeguards_tests::wait_until_all_visible;
use safeguards_tests::{on_both_stores, Backend, TestDb};

const COUNTRIES: [&str; 4] = ["KEN", "BRA", "UGA", "RWA"];

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn text(s: &str) -> Text {
    Text::parse_field("reason", s).unwrap()
}

fn fields(due: NaiveDate) -> CommitmentFields {
    CommitmentFields {
        title: Title::parse("Commitment").unwrap(),
        description: None,
        principles: vec![PrincipleCode::parse("O3").unwrap()],
        risks: vec![],
        authority: AuthorityCode::parse("R1").unwrap(),
        stage: StageCode::parse("L2").unwrap(),
        dpi_system: None,
        process_refs: vec![],
        due_on: due,
    }
}

/// What the accepted commands say, kept without the domain's help.
#[derive(Default)]
struct Oracle {
    commitments: HashMap<String, String>,
    withdrawn: HashSet<String>,
    /// milestone → (country, commitment, status, status before a block, due date)
    milestones: HashMap<String, (String, String, MilestoneStatus, MilestoneStatus, NaiveDate)>,
}

impl Oracle {
    /// Milestone counts of a country on `today`: [planned, in_progress, blocked, achieved, verified, cancelled, overdue].
    fn counts(&self, country: &str, today: NaiveDate) -> [u32; 7] {
        let mut c = [0; 7];
        for (ctry, commitment, status, _, due) in self.milestones.values() {
            if ctry != country || self.withdrawn.contains(commitment) {
                continue;
            }
            use MilestoneStatus::*;
            let i = match status {
                Planned => 0,
                InProgress => 1,
                Blocked => 2,
                Achieved => 3,
                Verified => 4,
                Cancelled => 5,
            };
            c[i] += 1;
            if *due < today && !matches!(status, Achieved | Verified | Cancelled) {
                c[6] += 1;
            }
        }
        c
    }
}

/// Run `steps` random commands (many of them refused by the rules) and keep the oracle.
async fn random_workload(store: &EventStore, seed: u64, steps: usize) -> Oracle {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut oracle = Oracle::default();
    let ctx = CommandContext::system("property");
    for c in COUNTRIES {
        // A second workload on the same store finds the engagements open already.
        let Ok(_) = store
            .execute::<Engagement>(
                c,
                EngagementCommand::Open {
                    country: CountryCode::parse(c).unwrap(),
                    lead: Title::parse("Lead").unwrap(),
                    started_on: day("2025-01-01"),
                    dpi_systems: vec![],
                },
                &ctx,
                None,
            )
            .await
        else {
            continue;
        };
    }
    let dues = [day("2026-01-01"), day("2026-06-01"), day("2027-01-01")];
    for _ in 0..steps {
        let roll = rng.gen_range(0..100);
        if roll < 10 || oracle.commitments.is_empty() {
            let country = COUNTRIES[rng.gen_range(0..COUNTRIES.len())];
            let id = CommitmentId::new().to_string();
            store
                .execute::<Commitment>(
                    &id,
                    CommitmentCommand::Create {
                        country: CountryCode::parse(country).unwrap(),
                        fields: fields(dues[2]),
                    },
                    &ctx,
                    None,
                )
                .await
                .unwrap();
            oracle.commitments.insert(id, country.to_string());
        } else if roll < 30 || oracle.milestones.is_empty() {
            let ids: Vec<String> = oracle.commitments.keys().cloned().collect();
            let commitment = ids[rng.gen_range(0..ids.len())].clone();
            if oracle.withdrawn.contains(&commitment) {
                continue;
            }
            let country = oracle.commitments[&commitment].clone();
            let id = MilestoneId::new().to_string();
            let due = dues[rng.gen_range(0..dues.len())];
            store
                .execute::<Milestone>(
                    &id,
                    MilestoneCommand::Add {
                        commitment: CommitmentId::parse(&commitment).unwrap(),
                        country: CountryCode::parse(&country).unwrap(),
                        title: Title::parse("Milestone").unwrap(),
                        due_on: due,
                        stage: None,
                    },
                    &ctx,
                    None,
                )
                .await
                .unwrap();
            oracle.milestones.insert(
                id,
                (
                    country,
                    commitment,
                    MilestoneStatus::Planned,
                    MilestoneStatus::Planned,
                    due,
                ),
            );
        } else if roll < 33 {
            let ids: Vec<String> = oracle.commitments.keys().cloned().collect();
            let commitment = ids[rng.gen_range(0..ids.len())].clone();
            let r = store
                .execute::<Commitment>(
                    &commitment,
                    CommitmentCommand::Withdraw {
                        reason: text("dropped"),
                    },
                    &ctx,
                    None,
                )
                .await;
            if r.is_ok() {
                oracle.withdrawn.insert(commitment);
            }
        } else {
            let ids: Vec<String> = oracle.milestones.keys().cloned().collect();
            let id = ids[rng.gen_range(0..ids.len())].clone();
            let evidence = vec![Evidence {
                title: Title::parse("Report").unwrap(),
                url: EvidenceUrl::parse("https://example.org/report").unwrap(),
            }];
            let (cmd, next): (
                MilestoneCommand,
                fn(MilestoneStatus, MilestoneStatus) -> MilestoneStatus,
            ) = match rng.gen_range(0..9) {
                0 => (MilestoneCommand::Start { note: None }, |_, _| {
                    MilestoneStatus::InProgress
                }),
                1 => (
                    MilestoneCommand::ReportProgress {
                        percent: Percent::parse(50).unwrap(),
                        note: None,
                    },
                    |_, _| MilestoneStatus::InProgress,
                ),
                2 => (
                    MilestoneCommand::Block {
                        reason: text("stuck"),
                    },
                    |_, _| MilestoneStatus::Blocked,
                ),
                3 => (MilestoneCommand::Unblock { note: None }, |_, before| before),
                4 => (
                    MilestoneCommand::Achieve {
                        evidence,
                        note: None,
                        by: Actor::System,
                    },
                    |_, _| MilestoneStatus::Achieved,
                ),
                5 => (
                    MilestoneCommand::Verify {
                        note: None,
                        by: Actor::System,
                    },
                    |_, _| MilestoneStatus::Verified,
                ),
                6 => (
                    MilestoneCommand::RejectVerification { reason: text("no") },
                    |_, _| MilestoneStatus::InProgress,
                ),
                7 => (
                    MilestoneCommand::Reschedule {
                        due_on: dues[rng.gen_range(0..dues.len())],
                        reason: text("later"),
                    },
                    |s, _| s,
                ),
                _ => (
                    MilestoneCommand::Cancel {
                        reason: text("dropped"),
                    },
                    |_, _| MilestoneStatus::Cancelled,
                ),
            };
            let new_due = match &cmd {
                MilestoneCommand::Reschedule { due_on, .. } => Some(*due_on),
                _ => None,
            };
            let is_block = matches!(cmd, MilestoneCommand::Block { .. });
            if store
                .execute::<Milestone>(&id, cmd, &ctx, None)
                .await
                .is_ok()
            {
                let entry = oracle.milestones.get_mut(&id).unwrap();
                let (status, before) = (entry.2, entry.3);
                if is_block {
                    entry.3 = status;
                }
                entry.2 = next(status, before);
                if let Some(d) = new_due {
                    entry.4 = d;
                }
            }
        }
    }
    oracle
}

async fn live_views_equal_a_rebuild_and_the_commands(backend: Backend) {
    for seed in [1u64, 2, 3] {
        let t = TestDb::new(backend).await;
        let store = t.store();
        let projector = Projector::new(&store);
        let (stop, rx) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(projector.clone().run(rx));
        let oracle = random_workload(&store, seed, 300).await;
        assert!(projector.wait_for(0, Duration::from_secs(30)).await);
        let _ = stop.send(true);
        task.await.unwrap();

        wait_until_all_visible(&t.db).await;
        projector.catch_up().await.unwrap();
        let live = projector.read().await.clone();
        let (rebuilt, _) = replay(&t.db, i64::MAX, None, |_| {}).await.unwrap();
        assert_eq!(
            live, rebuilt,
            "seed {seed}: the live model differs from a rebuild"
        );

        for today in [
            day("2025-06-01"),
            day("2026-03-01"),
            day("2026-12-31"),
            day("2027-06-01"),
        ] {
            let overview = views::overview(&live, today);
            for c in COUNTRIES {
                let row = overview.countries.iter().find(|r| r.country == c).unwrap();
                let m = row.milestones;
                let got = [
                    m.planned,
                    m.in_progress,
                    m.blocked,
                    m.achieved,
                    m.verified,
                    m.cancelled,
                    m.overdue,
                ];
                assert_eq!(got, oracle.counts(c, today), "seed {seed}, {c} on {today}");
            }
            // The commitments' tallies list the overdue milestones a scan of all finds.
            let scanned: Vec<(NaiveDate, &str)> = views::overdue_milestones(&live, today)
                .into_iter()
                .map(|m| (m.due_on, m.id.as_str()))
                .collect();
            let mut tallied: Vec<(NaiveDate, &str)> = live
                .commitments
                .values()
                .filter(|c| !c.withdrawn)
                .flat_map(|c| c.tally.overdue(today))
                .map(|(due, id)| (*due, id.as_str()))
                .collect();
            tallied.sort();
            assert_eq!(tallied, scanned, "seed {seed} on {today}");
            assert!(
                today < day("2026-12-31") || !scanned.is_empty(),
                "seed {seed}: nothing overdue on {today}"
            );
        }
    }
}

async fn a_projector_that_stopped_between_commit_and_projection_catches_up(backend: Backend) {
    let t = TestDb::new(backend).await;
    let store = t.store();
    let first = Projector::new(&store);
    random_workload(&store, 7, 80).await;
    first.catch_up().await.unwrap();
    // The process dies: events keep being committed with nobody projecting them.
    drop(first);
    let orphan = Projector::new(&store);
    random_workload(&store, 8, 80).await;
    drop(orphan);
    // On restart the model is folded from the log again.
    wait_until_all_visible(&t.db).await;
    let restarted = Projector::new(&store);
    restarted.catch_up().await.unwrap();
    let (rebuilt, count) = replay(&t.db, i64::MAX, None, |_| {}).await.unwrap();
    let stored = safeguards_infra::feed::count(&t.db).await.unwrap();
    assert_eq!(count as i64, stored);
    assert_eq!(*restarted.read().await, rebuilt);
    // Folding a batch a second time changes nothing.
    let mut twice = rebuilt.clone();
    for e in safeguards_infra::feed::read_after(&t.db, 0, 10_000)
        .await
        .unwrap()
    {
        twice.apply(&e);
    }
    assert_eq!(twice, rebuilt);
}

/// Start a projector on `store` and check its model against a rebuild of the whole log.
async fn start_and_compare(
    store: &EventStore,
    db: &Database,
) -> safeguards_infra::projector::Started {
    wait_until_all_visible(db).await;
    let projector = Projector::new(store);
    let started = projector.start().await.unwrap();
    let (rebuilt, count) = replay(db, i64::MAX, None, |_| {}).await.unwrap();
    assert_eq!(
        *projector.read().await,
        rebuilt,
        "{started:?}: the model differs from a rebuild"
    );
    assert_eq!(started.from_snapshot + started.folded as u64, count);
    if started.from_snapshot > 0 {
        // What the API does not show came back too: the tallies answer as the rebuild's do.
        let model = projector.read().await;
        let today = day("2026-12-31");
        for c in COUNTRIES {
            assert_eq!(
                views::country(&model, c, today),
                views::country(&rebuilt, c, today),
                "{c}"
            );
        }
    }
    started
}

async fn a_start_from_the_snapshot_equals_a_rebuild_and_a_bad_snapshot_is_passed_over(
    backend: Backend,
) {
    let t = TestDb::new(backend).await;
    let store = t.store();
    random_workload(&store, 11, 200).await;
    // No snapshot yet: the whole log is replayed; then one is written.
    let first = start_and_compare(&store, &t.db).await;
    assert_eq!(first.from_snapshot, 0);
    let writer = Projector::new(&store);
    writer.start().await.unwrap();
    assert!(writer.save_snapshot().await.unwrap());

    // Events after the snapshot: a start reads it and folds only those.
    random_workload(&store, 12, 100).await;
    let second = start_and_compare(&store, &t.db).await;
    assert_eq!(second.from_snapshot, first.folded as u64);
    assert!(second.folded > 0, "{second:?}");

    // A snapshot that does not read, or one of another format, is passed over for the log.
    let current = safeguards_projections::snapshot::MODEL_FORMAT;
    for (format, body) in [
        ("0", None),
        (current, Some(b"{\"position\": ".as_slice())),
        (current, Some(b"{}".as_slice())),
    ] {
        writer.save_snapshot().await.unwrap();
        safeguards_infra::probe::overwrite_model_snapshot(&t.db, format, body)
            .await
            .unwrap();
        let started = start_and_compare(&store, &t.db).await;
        assert_eq!(started.from_snapshot, 0, "{format} {body:?}");
    }
}

/// Every field path of a JSON document; keys that are data (ids, codes, periods: anything but
/// lower-case words) become `*`.
fn shape(value: &serde_json::Value, at: &str, into: &mut std::collections::BTreeSet<String>) {
    match value {
        serde_json::Value::Object(fields) => {
            for (key, v) in fields {
                let key = if key.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    key.as_str()
                } else {
                    "*"
                };
                let path = format!("{at}.{key}");
                into.insert(path.clone());
                shape(v, &path, into);
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                shape(v, &format!("{at}[]"), into);
            }
        }
        _ => {}
    }
}

/// The snapshot of a model with every kind of view (the demo data, an account, a subscriber
/// and a digest) has the fields it had when `MODEL_FORMAT` was last changed. Adding, removing
/// or renaming a field of the model fails here: change `MODEL_FORMAT` with the fingerprint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_model_shape_is_pinned() {
    use sha2::Digest as _;
    let app = TestApp::serve_setup(
        TestDb::sqlite().await,
        safeguards_tests::app::Setup {
            demo: true,
            ..Default::default()
        },
    )
    .await;
    let r = app
        .subscribe(serde_json::json!({"email": "shape@example.org"}))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let r = app
        .post(&app.admin, "/api/v1/digests/send", serde_json::json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(app.projector.wait_for(0, Duration::from_secs(10)).await);
    let model = app.projector.read().await.clone();
    assert!(
        !model.accounts.is_empty() && !model.subscribers.is_empty() && !model.digests.is_empty()
    );
    let body = safeguards_projections::snapshot::write(&model).unwrap();
    let stored = safeguards_projections::snapshot::compress(&body).unwrap();
    assert_eq!(
        safeguards_projections::snapshot::read(&stored).unwrap(),
        model,
        "it reads back"
    );
    let mut paths = std::collections::BTreeSet::new();
    shape(&serde_json::from_slice(&body).unwrap(), "", &mut paths);
    let listed: Vec<&str> = paths.iter().map(String::as_str).collect();
    let fingerprint = hex::encode(sha2::Sha256::digest(listed.join("\n").as_bytes()));
    assert_eq!(
        (
            safeguards_projections::snapshot::MODEL_FORMAT,
            &fingerprint[..16]
        ),
        ("5", "1009e93141044c04"),
        "the read model's shape changed: change MODEL_FORMAT and this fingerprint. Its fields:\n{}",
        listed.join("\n")
    );
}

/// A snapshot written while a milestone's transitions were pairs (`[at, status]`) reads as the
/// same model as one written now, with each transition an object.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_holding_transitions_as_pairs_reads_as_the_same_model() {
    use safeguards_projections::snapshot;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let m = app
        .kenya_focal_point_and_a_started_milestone("pairs@example.org", 10)
        .await;
    assert!(app.projector.wait_for(0, Duration::from_secs(10)).await);
    let model = app.projector.read().await.clone();
    let mut body: serde_json::Value =
        serde_json::from_slice(&snapshot::write(&model).unwrap()).unwrap();
    let transitions = body["milestones"][&m]["transitions"]
        .as_array_mut()
        .unwrap();
    assert_eq!(transitions.len(), 2, "planned, then in progress");
    for t in transitions {
        assert!(t.is_object(), "{t}");
        let pair = serde_json::json!([t["at"].clone(), t["status"].clone()]);
        *t = pair;
    }
    let stored = snapshot::compress(&serde_json::to_vec(&body).unwrap()).unwrap();
    assert_eq!(snapshot::read(&stored).unwrap(), model);
}

on_both_stores!(
    a_start_from_the_snapshot_equals_a_rebuild_and_a_bad_snapshot_is_passed_over,
    live_views_equal_a_rebuild_and_the_commands,
    a_projector_that_stopped_between_commit_and_projection_catches_up,
);

/// PostgreSQL: a transaction that began first but commits last is still projected, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_projector_applies_a_late_committing_transaction_once() {
    let t = TestDb::postgres().await;
    let store = t.store();
    let ctx = CommandContext::system("late");
    let add = |c: &str| MilestoneCommand::Add {
        commitment: CommitmentId::new(),
        country: CountryCode::parse(c).unwrap(),
        title: Title::parse("M").unwrap(),
        due_on: day("2027-01-01"),
        stage: None,
    };
    let (slow, fast) = (
        MilestoneId::new().to_string(),
        MilestoneId::new().to_string(),
    );
    store
        .execute::<Milestone>(&slow, add("KEN"), &ctx, None)
        .await
        .unwrap();
    store
        .execute::<Milestone>(&fast, add("BRA"), &ctx, None)
        .await
        .unwrap();
    let projector = Projector::new(&store);
    wait_until_all_visible(&t.db).await;
    projector.catch_up().await.unwrap();

    // A long transaction starts the slow milestone and stays open…
    let mut long = Import::begin(&t.db).await.unwrap();
    let started = serde_json::to_string(&MilestoneEvent::MilestoneStarted { note: None }).unwrap();
    long.event(&ImportedEvent {
        aggregate_type: "milestone",
        aggregate_id: &slow,
        sequence: 2,
        event_type: "MilestoneStarted",
        event_version: "1.0",
        payload: &started,
        metadata: &Metadata::new(Actor::System, "late", Utc::now()),
    })
    .await
    .unwrap();
    // …while a later command commits.
    store
        .execute::<Milestone>(&fast, MilestoneCommand::Start { note: None }, &ctx, None)
        .await
        .unwrap();
    projector.catch_up().await.unwrap();
    assert_eq!(
        projector.read().await.milestones[&fast].status,
        MilestoneStatus::Planned,
        "read past an open transaction"
    );
    long.commit().await.unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while projector.read().await.milestones[&fast].status != MilestoneStatus::InProgress {
        assert!(std::time::Instant::now() < deadline);
        projector.catch_up().await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let model = projector.read().await;
    assert_eq!(model.milestones[&slow].status, MilestoneStatus::InProgress);
    assert_eq!(model.milestones[&slow].version, 2);
    assert_eq!(
        model.milestones[&slow].transitions.len(),
        2,
        "applied twice"
    );
    assert_eq!(model.activity.len(), 4);
}

/// The position of the last event of KEN, folded without checkpoints.
async fn folded_all(app: &TestApp, aggregates: &checkpoints::CountryAggregates) -> i64 {
    let later: DateTime<Utc> = "2030-01-01T00:00:00Z".parse().unwrap();
    checkpoints::replay_country(&app.db.db, aggregates, later)
        .await
        .unwrap()
        .position
}

/// Write the checkpoint of KEN at the head of the log, as the projector does.
async fn checkpoint(app: &TestApp) {
    wait_until_all_visible(&app.db.db).await;
    let head = feed::head(&app.db.db).await.unwrap();
    assert!(app.projector.wait_for(head, Duration::from_secs(10)).await);
    let aggregates = app.projector.read().await.aggregates_of("KEN");
    assert_eq!(aggregates.position, head);
    assert!(checkpoints::save(&app.db.db, "KEN", &aggregates)
        .await
        .unwrap());
}

async fn time_travel_equals_a_replay_cut_at_that_date(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let at = |d: &str| -> DateTime<Utc> { format!("{d}T12:00:00Z").parse().unwrap() };
    let ctx = |d: &str| CommandContext::system("history").at(at(d));
    app.store
        .execute::<Engagement>(
            "KEN",
            EngagementCommand::Open {
                country: CountryCode::parse("KEN").unwrap(),
                lead: Title::parse("Lead").unwrap(),
                started_on: day("2025-01-01"),
                dpi_systems: vec![],
            },
            &ctx("2025-01-01"),
            None,
        )
        .await
        .unwrap();
    let commitment = CommitmentId::new().to_string();
    app.store
        .execute::<Commitment>(
            &commitment,
            CommitmentCommand::Create {
                country: CountryCode::parse("KEN").unwrap(),
                fields: fields(day("2026-01-01")),
            },
            &ctx("2025-01-01"),
            None,
        )
        .await
        .unwrap();
    // Checkpoints of the country after every day's events, as the projector writes them.
    checkpoint(&app).await;
    let ids: Vec<String> = (0..3).map(|_| MilestoneId::new().to_string()).collect();
    for (i, id) in ids.iter().enumerate() {
        app.store
            .execute::<Milestone>(
                id,
                MilestoneCommand::Add {
                    commitment: CommitmentId::parse(&commitment).unwrap(),
                    country: CountryCode::parse("KEN").unwrap(),
                    title: Title::parse(&format!("M{i}")).unwrap(),
                    due_on: day("2025-03-01"),
                    stage: None,
                },
                &ctx("2025-01-10"),
                None,
            )
            .await
            .unwrap();
    }
    let steps: Vec<(&str, usize, MilestoneCommand)> = vec![
        ("2025-02-01", 0, MilestoneCommand::Start { note: None }),
        ("2025-02-01", 1, MilestoneCommand::Start { note: None }),
        (
            "2025-02-15",
            0,
            MilestoneCommand::Achieve {
                evidence: vec![Evidence {
                    title: Title::parse("x").unwrap(),
                    url: EvidenceUrl::parse("https://x.org").unwrap(),
                }],
                note: None,
                by: Actor::System,
            },
        ),
        (
            "2025-03-05",
            0,
            MilestoneCommand::Verify {
                note: None,
                by: Actor::System,
            },
        ),
        (
            "2025-03-10",
            2,
            MilestoneCommand::Cancel {
                reason: text("dropped"),
            },
        ),
    ];
    checkpoint(&app).await;
    for (d, i, cmd) in steps {
        app.store
            .execute::<Milestone>(&ids[i], cmd, &ctx(d), None)
            .await
            .unwrap();
        checkpoint(&app).await;
    }
    // One checkpoint is kept per day with events: 01-01, 01-10, 02-01, 02-15, 03-05, 03-10.
    assert_eq!(checkpoints::kept(&app.db.db, "KEN").await.unwrap().len(), 6);
    let aggregates = app.projector.read().await.aggregates_of("KEN");
    for (d, expected) in [
        // [planned, in_progress, achieved, verified, cancelled, overdue]
        ("2025-01-09", None),
        ("2025-01-10", Some([3, 0, 0, 0, 0, 0])),
        ("2025-02-01", Some([1, 2, 0, 0, 0, 0])),
        ("2025-02-20", Some([1, 1, 1, 0, 0, 0])),
        ("2025-03-02", Some([1, 1, 1, 0, 0, 2])),
        ("2025-03-05", Some([1, 1, 0, 1, 0, 2])),
        ("2025-03-10", Some([0, 1, 0, 1, 1, 1])),
    ] {
        let r = app
            .get(&app.admin, &format!("/api/v1/progress/KEN?as_of={d}"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{d}: {}", r.body);
        let m = &r.body["milestones"];
        let got = [
            &m["planned"],
            &m["in_progress"],
            &m["achieved"],
            &m["verified"],
            &m["cancelled"],
            &m["overdue"],
        ]
        .map(|v| v.as_u64().unwrap() as u32);
        // The same as a replay of the whole log cut at the end of that day.
        let cutoff: DateTime<Utc> = format!("{}T00:00:00Z", day(d).succ_opt().unwrap())
            .parse()
            .unwrap();
        let (cut, _) = replay(&app.db.db, i64::MAX, Some(cutoff), |_| {})
            .await
            .unwrap();
        let replayed = views::country(&cut, "KEN", day(d))
            .unwrap()
            .summary
            .milestones;
        assert_eq!(
            got,
            [
                replayed.planned,
                replayed.in_progress,
                replayed.achieved,
                replayed.verified,
                replayed.cancelled,
                replayed.overdue
            ],
            "{d}"
        );
        if let Some(expected) = expected {
            assert_eq!(got, expected, "{d}");
        } else {
            assert_eq!(got, [0; 6], "{d}");
        }
        // The whole view from the checkpoints equals the one of a fold without them.
        let (from_checkpoint, _) = checkpoints::as_of(&app.db.db, "KEN", &aggregates, cutoff)
            .await
            .unwrap();
        let folded = checkpoints::replay_country(&app.db.db, &aggregates, cutoff)
            .await
            .unwrap();
        assert_eq!(from_checkpoint, folded, "{d}");
    }
    // A checkpoint that does not read is passed over: the answer is folded from the start,
    // and having read that many events it asks the projector for a new checkpoint.
    probe::overwrite_country_checkpoints(&app.db.db, "KEN", b"not a checkpoint")
        .await
        .unwrap();
    app.projector.set_checkpoint_every(2);
    let cutoff: DateTime<Utc> = "2025-02-21T00:00:00Z".parse().unwrap();
    let r = app
        .get(&app.admin, "/api/v1/progress/KEN?as_of=2025-02-20")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let folded = checkpoints::replay_country(&app.db.db, &aggregates, cutoff)
        .await
        .unwrap();
    assert_eq!(
        r.body["as_of_position"].as_i64(),
        Some(folded.position),
        "{}",
        r.body
    );
    assert_eq!(r.body["milestones"]["achieved"], 1);
    let later: DateTime<Utc> = "2030-01-01T00:00:00Z".parse().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let (model, read) = checkpoints::as_of(&app.db.db, "KEN", &aggregates, later)
            .await
            .unwrap();
        if read == 0 {
            assert_eq!(model.position, folded_all(&app, &aggregates).await);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no new checkpoint: {read} events read after the newest"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The projector writes a checkpoint of a country once it has folded enough of its events.
    app.projector.set_checkpoint_every(1);
    let before = checkpoints::kept(&app.db.db, "KEN").await.unwrap();
    app.store
        .execute::<Milestone>(
            &ids[1],
            MilestoneCommand::ReportProgress {
                percent: Percent::parse(40).unwrap(),
                note: None,
            },
            &ctx("2025-03-20"),
            None,
        )
        .await
        .unwrap();
    wait_until_all_visible(&app.db.db).await;
    let head = feed::head(&app.db.db).await.unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !checkpoints::kept(&app.db.db, "KEN")
        .await
        .unwrap()
        .contains(&head)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "no checkpoint at {head}: {before:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let bad = app
        .get(&app.admin, "/api/v1/progress/KEN?as_of=2025-02-30")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn overdue(app: &TestApp) -> u64 {
    app.get(&app.admin, "/api/v1/progress").await.body["countries"][0]["milestones"]["overdue"]
        .as_u64()
        .unwrap()
}

async fn overdue_flips_at_midnight_after_the_due_date_without_an_event(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let commitment = app.commitment("KEN").await;
    app.milestone(&commitment, "2030-01-10").await;
    let before = app.event_count().await;
    app.clock.set(Some("2030-01-10T23:59:59Z".parse().unwrap()));
    assert_eq!(overdue(&app).await, 0);
    app.clock.set(Some("2030-01-11T00:00:00Z".parse().unwrap()));
    assert_eq!(overdue(&app).await, 1);
    let detail = app.get(&app.admin, "/api/v1/progress/KEN").await;
    assert_eq!(detail.body["overdue"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.event_count().await,
        before,
        "overdue came from an event"
    );
}

mod clocked {
    use super::*;
    on_both_stores!(
        time_travel_equals_a_replay_cut_at_that_date,
        overdue_flips_at_midnight_after_the_due_date_without_an_event
    );
}
