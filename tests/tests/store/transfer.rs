//! Data in and out: the demo data, CloudEvents export and import, and the move from the
//! embedded store to PostgreSQL.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use safeguards::demo::{self, Loaded};
use safeguards::transfer::{self, ImportError};
use safeguards_domain::milestone::MilestoneStatus;
use safeguards_infra::feed;
use safeguards_infra::projector::replay;
use safeguards_projections::views;
use safeguards_tests::app::{app_over, SECRET};
use safeguards_tests::{Backend, TestDb};

fn now() -> DateTime<Utc> {
    "2026-11-24T12:00:00Z".parse().unwrap()
}

async fn demo_store(backend: Backend) -> TestDb {
    let t = TestDb::new(backend).await;
    match demo::load(&app_over(&t).await, now()).await.unwrap() {
        Loaded::Loaded { accounts, events } => {
            assert_eq!(accounts.len(), 5);
            assert!(events > 500, "{events}");
            // The demo's admin has a second factor, and it says so; the others have none.
            assert_eq!(accounts[0].role, safeguards_domain::values::Role::Admin);
            assert!(accounts[0]
                .second_factor
                .as_ref()
                .is_some_and(|s| s.len() == 32));
            assert!(accounts[1..].iter().all(|a| a.second_factor.is_none()));
        }
        Loaded::NotEmpty => panic!("a fresh store is empty"),
    }
    t
}

/// Every aggregate's events, without positions.
async fn histories(
    t: &TestDb,
) -> BTreeMap<(String, String), Vec<(i64, String, String, serde_json::Value, serde_json::Value)>> {
    let mut out: BTreeMap<_, Vec<_>> = BTreeMap::new();
    let mut after = 0;
    loop {
        let batch = feed::read_after(&t.db, after, 1000).await.unwrap();
        let Some(last) = batch.last() else { break };
        after = last.position;
        for e in batch {
            let payload = e.payload_value();
            out.entry((e.aggregate_type.clone(), e.aggregate_id.clone()))
                .or_default()
                .push((
                    e.sequence,
                    e.event_type,
                    e.event_version,
                    payload,
                    serde_json::to_value(e.metadata).unwrap(),
                ));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_data_is_varied_obeys_the_rules_and_loads_once() {
    let t = demo_store(Backend::Sqlite).await;
    let (model, _) = replay(&t.db, i64::MAX, None, |_| {}).await.unwrap();
    assert_eq!(model.undecodable, 0);
    assert_eq!(model.engagements.len(), 25);
    for c in [
        "BRA", "ZAF", "UGA", "TZA", "TTO", "RWA", "MWI", "NGA", "IND",
    ] {
        assert!(model.engagements.contains_key(c), "{c} is missing");
    }
    for status in [
        MilestoneStatus::Planned,
        MilestoneStatus::InProgress,
        MilestoneStatus::Blocked,
        MilestoneStatus::Achieved,
        MilestoneStatus::Verified,
        MilestoneStatus::Cancelled,
    ] {
        assert!(
            model.milestones.values().any(|m| m.status == status),
            "no milestone is {status:?}"
        );
    }
    let overview = views::overview(&model, now().date_naive());
    assert!(overview.totals.milestones.overdue > 0);
    let statuses: std::collections::HashSet<_> =
        model.engagements.values().map(|e| e.status).collect();
    assert!(statuses.len() >= 3, "{statuses:?}");
    // 18 months of history.
    let first = model
        .engagements
        .values()
        .map(|e| e.opened_at)
        .min()
        .unwrap();
    assert!(now() - first > chrono::Duration::days(400));
    // Every stored aggregate loads through the domain again (its events obey the rules).
    for (kind, id) in histories(&t).await.keys() {
        let store = t.store();
        let ok = match kind.as_str() {
            "engagement" => store
                .load::<safeguards_domain::engagement::Engagement>(id)
                .await
                .is_ok(),
            "commitment" => store
                .load::<safeguards_domain::commitment::Commitment>(id)
                .await
                .is_ok(),
            "milestone" => store
                .load::<safeguards_domain::milestone::Milestone>(id)
                .await
                .is_ok(),
            "account" => store
                .load::<safeguards_domain::account::Account>(id)
                .await
                .is_ok(),
            "subscriber" => store
                .load::<safeguards_domain::subscriber::Subscriber>(id)
                .await
                .is_ok(),
            "roster" => store
                .load::<safeguards_domain::account::roster::Roster>(id)
                .await
                .is_ok(),
            other => panic!("unexpected aggregate {other}"),
        };
        assert!(ok, "{kind} {id}");
    }
    // A second load does nothing.
    let before = feed::count(&t.db).await.unwrap();
    assert!(matches!(
        demo::load(&app_over(&t).await, now()).await.unwrap(),
        Loaded::NotEmpty
    ));
    assert_eq!(feed::count(&t.db).await.unwrap(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn export_from_sqlite_and_import_into_postgres_reproduces_every_view_and_history() {
    let from = demo_store(Backend::Sqlite).await;
    let mut file = Vec::new();
    let lines = transfer::export(&from.db, 0, None, &mut file, &|_| {})
        .await
        .unwrap();
    assert_eq!(
        lines as i64,
        feed::count(&from.db).await.unwrap() + 6,
        "events and six contacts"
    );

    let to = TestDb::new(Backend::Postgres).await;
    let done = transfer::import(
        &to.db,
        SECRET,
        &safeguards_tests::evidence_dir(),
        std::io::Cursor::new(&file),
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!(done.contacts, 6);
    // Wait for the feed horizon (other tests' transactions) before reading.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while feed::read_after(&to.db, 0, 1).await.unwrap().is_empty() {
        assert!(std::time::Instant::now() < deadline);
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(histories(&from).await, histories(&to).await);
    let (a, _) = replay(&from.db, i64::MAX, None, |_| {}).await.unwrap();
    let (b, _) = replay(&to.db, i64::MAX, None, |_| {}).await.unwrap();
    let today = now().date_naive();
    let strip = |mut o: views::Overview| {
        o.as_of_position = 0;
        o
    };
    assert_eq!(
        strip(views::overview(&a, today)),
        strip(views::overview(&b, today))
    );
    assert_eq!(views::principles(&a, today), views::principles(&b, today));
    for country in a.engagements.keys() {
        let mut x = views::country(&a, country, today).unwrap();
        let mut y = views::country(&b, country, today).unwrap();
        x.as_of_position = 0;
        y.as_of_position = 0;
        assert_eq!(x, y, "{country}");
    }
    let contacts_a = safeguards_digest::contacts::all(&from.db).await.unwrap();
    let contacts_b = safeguards_digest::contacts::all(&to.db).await.unwrap();
    assert_eq!(contacts_a, contacts_b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_is_refused_by_a_non_empty_store_and_stops_whole_at_a_bad_line() {
    let from = demo_store(Backend::Sqlite).await;
    let mut file = Vec::new();
    transfer::export(&from.db, 0, None, &mut file, &|_| {})
        .await
        .unwrap();

    // Into a non-empty store: refused with a clear message.
    let err = transfer::import(
        &from.db,
        SECRET,
        &safeguards_tests::evidence_dir(),
        std::io::Cursor::new(&file),
        &|_| {},
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ImportError::NotEmpty(_)));
    assert!(err.to_string().contains("empty store"));

    let text = String::from_utf8(file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // A truncated line 300, and a line whose event does not load (a type this build lacks).
    let mut truncated = lines.clone();
    let cut = &lines[299][..lines[299].len() / 2];
    truncated[299] = cut;
    let corrupted_line = lines[199].replace("\"eventtype\":\"", "\"eventtype\":\"Nonsense");
    let mut corrupted = lines.clone();
    corrupted[199] = &corrupted_line;
    for (file, line) in [(truncated.join("\n"), 300), (corrupted.join("\n"), 200)] {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let to = TestDb::new(backend).await;
            let err = transfer::import(
                &to.db,
                SECRET,
                &safeguards_tests::evidence_dir(),
                std::io::Cursor::new(file.as_bytes()),
                &|_| {},
            )
            .await
            .unwrap_err();
            assert!(
                matches!(err, ImportError::Line { line: l, .. } if l == line),
                "{err}"
            );
            assert!(
                err.to_string().starts_with(&format!("line {line}:")),
                "{err}"
            );
            assert_eq!(
                feed::count(&to.db).await.unwrap(),
                0,
                "part of the file was applied"
            );
            assert!(safeguards_digest::contacts::all(&to.db)
                .await
                .unwrap()
                .is_empty());
        }
    }
    // A line without end (a file of no line breaks): refused after reading the bound of it.
    let mut endless = lines[..10].join("\n").into_bytes();
    endless.push(b'\n');
    endless.extend(std::iter::repeat_n(
        b'x',
        safeguards_infra::lines::MAX_LINE + 10,
    ));
    let to = TestDb::new(Backend::Sqlite).await;
    let err = transfer::import(
        &to.db,
        SECRET,
        &safeguards_tests::evidence_dir(),
        std::io::Cursor::new(endless),
        &|_| {},
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string().starts_with("line 11 is longer than"),
        "{err}"
    );
    assert_eq!(feed::count(&to.db).await.unwrap(), 0);
}
