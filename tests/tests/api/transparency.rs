//! Transparency: publishing a country's record, the sign-in-free public pages, the open
//! dataset (one version, the same bytes), and the verifiable log (`safeguards verify`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use ed25519_dalek::SigningKey;
use reqwest::StatusCode;
use safeguards::transfer;
use safeguards_domain::values::Role;
use safeguards_infra::{feed, ledger, RawConfig};
use safeguards_projections::ledger::Mismatch;
use safeguards_tests::app::{app_over, Setup, TestApp, SECRET};
use safeguards_tests::{on_both_stores, Backend, TestDb};
use serde_json::{json, Value};

fn public_setup(demo: bool) -> Setup {
    Setup {
        demo,
        raw: RawConfig {
            public_pages: Some("on".into()),
            ..RawConfig::default()
        },
        ..Setup::default()
    }
}

/// A tracker with the demo data and the public pages on.
async fn public_demo(backend: Backend) -> TestApp {
    TestApp::serve_setup(TestDb::new(backend).await, public_setup(true)).await
}

/// `GET path` with no cookie and no token: status and body bytes (redirects followed).
async fn visit(app: &TestApp, path: &str) -> (StatusCode, Vec<u8>) {
    let r = reqwest::Client::new()
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    (r.status(), r.bytes().await.unwrap().to_vec())
}

/// The files of a zip, by name.
fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        out.insert(f.name().unwrap().to_string(), data);
    }
    out
}

/// The current dataset version, from where `latest` leads.
async fn latest_version(app: &TestApp) -> u64 {
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/data/latest.zip", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap();
    to.trim_start_matches("/data/")
        .trim_end_matches(".zip")
        .parse()
        .unwrap()
}

async fn publish(app: &TestApp, token: &str, country: &str) -> StatusCode {
    app.post(
        token,
        &format!("/api/v1/engagements/{country}/publish"),
        json!({}),
    )
    .await
    .status
}

/// Wait until the model has taken every event written.
async fn settled(app: &TestApp) {
    let head = feed::written_head(&app.db.db).await.unwrap();
    assert!(
        app.projector
            .wait_for(head, std::time::Duration::from_secs(10))
            .await
    );
}

/// What must never be shown without a sign-in: every account's e-mail address and name, every
/// subscriber's address, and the names of the countries that are not published.
async fn secrets(app: &TestApp) -> Vec<String> {
    let model = app.app.model().await;
    let mut out: Vec<String> = model
        .accounts
        .values()
        .flat_map(|a| [a.email.clone(), a.name.clone()])
        .collect();
    out.extend(
        safeguards_digest::contacts::all(&app.db.db)
            .await
            .unwrap()
            .into_values()
            .map(|c| c.email),
    );
    out.extend(
        model
            .engagements
            .values()
            .filter(|e| e.published_at.is_none())
            .map(|e| e.name.clone()),
    );
    out
}

fn assert_clean(what: &str, body: &[u8], secrets: &[String]) {
    let text = String::from_utf8_lossy(body);
    assert!(!text.contains('@'), "{what} holds an @: an e-mail address?");
    for s in secrets {
        assert!(!text.contains(s.as_str()), "{what} shows {s}");
    }
}

async fn public_pages_answer_without_a_sign_in_only_for_published_countries_and_show_nobody(
    backend: Backend,
) {
    let app = public_demo(backend).await;
    let focal = app
        .account("wanjiru.kamau@ict.go.ke", Role::FocalPoint, &["KEN"])
        .await;
    let viewer = app.account("viewer@example.org", Role::Viewer, &[]).await;
    let manager = app
        .account("manager@example.org", Role::ProgrammeManager, &[])
        .await;
    let r = app
        .subscribe(json!({"email": "reader@example.org", "name": "Reader Person"}))
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    // Publishing is a programme manager's (or an admin's) decision, recorded once.
    assert_eq!(publish(&app, &focal, "KEN").await, StatusCode::FORBIDDEN);
    assert_eq!(publish(&app, &viewer, "KEN").await, StatusCode::FORBIDDEN);
    assert_eq!(publish(&app, "", "KEN").await, StatusCode::UNAUTHORIZED);
    assert_eq!(publish(&app, &manager, "KEN").await, StatusCode::OK);
    assert_eq!(publish(&app, &manager, "KEN").await, StatusCode::CONFLICT);
    assert_eq!(publish(&app, &manager, "ISL").await, StatusCode::NOT_FOUND);
    let history = app.get(&app.admin, "/api/v1/engagements/KEN/history").await;
    let last = history.body.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["type"], "EngagementPublished", "{last}");
    settled(&app).await;

    let secrets = secrets(&app).await;
    assert!(secrets.iter().any(|s| s == "Uganda"));
    for path in [
        "/public",
        "/public/countries/KEN",
        "/public/countries/ken",
        "/public/ledger",
    ] {
        let (status, body) = visit(&app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_clean(path, &body, &secrets);
        let html = String::from_utf8_lossy(&body);
        assert!(html.contains("dataset version"), "{path} has no stamp");
    }
    let (_, index) = visit(&app, "/public").await;
    assert!(String::from_utf8_lossy(&index).contains("/public/countries/KEN"));
    // An unpublished country is answered like one that does not exist.
    let (unpublished, a) = visit(&app, "/public/countries/UGA").await;
    let (missing, b) = visit(&app, "/public/countries/ISL").await;
    assert_eq!(unpublished, StatusCode::NOT_FOUND);
    assert_eq!(missing, StatusCode::NOT_FOUND);
    assert_eq!(a, b);
    let (status, checkpoints) = visit(&app, "/api/v1/ledger/checkpoints").await;
    assert_eq!(status, StatusCode::OK);
    assert_clean("the checkpoints", &checkpoints, &secrets);
    // The dataset holds the published countries only (Kenya, and those the demo published),
    // nobody, and no notes.
    let (status, zip) = visit(&app, "/data/latest.zip").await;
    assert_eq!(status, StatusCode::OK);
    let files = unzip(&zip);
    for (name, bytes) in &files {
        assert_clean(name, bytes, &secrets);
    }
    let about: Value = serde_json::from_slice(&files["dataset.json"]).unwrap();
    assert_eq!(
        about["countries"],
        json!(["COL", "GHA", "KEN", "MAR", "PHL", "SEN"])
    );
    let published_version = about["dataset_version"].as_u64().unwrap();

    // Unpublished: gone from the pages, from the next version and from the one cited before.
    let r = app
        .post(
            &manager,
            "/api/v1/engagements/KEN/unpublish",
            json!({"reason": "asked by the ministry"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    settled(&app).await;
    assert_eq!(
        visit(&app, "/public/countries/KEN").await.0,
        StatusCode::NOT_FOUND
    );
    let (_, index) = visit(&app, "/public").await;
    assert!(!String::from_utf8_lossy(&index).contains("/public/countries/KEN"));
    let next = latest_version(&app).await;
    assert!(next > published_version);
    let files = unzip(&visit(&app, &format!("/data/{next}.zip")).await.1);
    let about: Value = serde_json::from_slice(&files["dataset.json"]).unwrap();
    assert_eq!(
        about["countries"],
        json!(["COL", "GHA", "MAR", "PHL", "SEN"])
    );
    assert!(!String::from_utf8_lossy(&files["milestones.csv"]).contains("KEN"));
    let old = unzip(
        &visit(&app, &format!("/data/{published_version}.zip"))
            .await
            .1,
    );
    let about: Value = serde_json::from_slice(&old["dataset.json"]).unwrap();
    assert_eq!(
        about["countries"],
        json!(["COL", "GHA", "MAR", "PHL", "SEN"])
    );
    // Versions that do not exist, and names that are not versions.
    for path in [
        format!("/data/{}.zip", next + 1000),
        "/data/0.zip".into(),
        "/data/x.zip".into(),
        "/data/1.tar".into(),
    ] {
        assert_eq!(visit(&app, &path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
}

async fn with_public_pages_off_no_public_route_answers(backend: Backend) {
    let app = TestApp::serve_setup(TestDb::new(backend).await, Setup::default()).await;
    app.open("KEN").await;
    assert_eq!(publish(&app, &app.admin, "KEN").await, StatusCode::OK);
    settled(&app).await;
    for path in [
        "/public",
        "/public/countries/KEN",
        "/public/ledger",
        "/data/latest.zip",
        "/data/1.zip",
    ] {
        assert_eq!(visit(&app, path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
}

async fn the_dataset_of_a_version_is_the_same_bytes_every_time_and_after_a_move_to_the_other_store(
    backend: Backend,
) {
    let app = public_demo(backend).await;
    for country in ["KEN", "BRA"] {
        assert_eq!(publish(&app, &app.admin, country).await, StatusCode::OK);
    }
    settled(&app).await;
    let version = latest_version(&app).await;
    let path = format!("/data/{version}.zip");
    let r = reqwest::get(format!("{}{path}", app.base)).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cache = r.headers()["cache-control"].to_str().unwrap().to_string();
    assert!(
        !cache.contains("immutable"),
        "a version that changes with publication is cached for good: {cache}"
    );
    let first = r.bytes().await.unwrap().to_vec();
    // The log moves on; the version is made again from the log, not from the live model.
    app.app.datasets().forget();
    let r = app
        .post(
            &app.admin,
            "/api/v1/engagements/KEN/activities",
            json!({"kind": "workshop", "title": "Grievance redress workshop", "held_on": "2026-11-20"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    settled(&app).await;
    let current = latest_version(&app).await;
    assert!(current > version);
    // Made again for a signed-in reader, by replaying the log: the same bytes.
    let again = safeguards_app::publication::dataset(&app.app, version)
        .await
        .unwrap();
    assert!(first == again.bytes, "version {version} changed its bytes");
    // Anyone else is led to the current version rather than making the log be replayed.
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    if r.status() == StatusCode::SEE_OTHER {
        assert_eq!(r.headers()["location"], format!("/data/{current}.zip"));
    } else {
        // Kept since the replay above: the same bytes.
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.bytes().await.unwrap() == first);
    }

    // Every column of every table is in the codebook, and the JSON has the same columns.
    let files = unzip(&first);
    let book: BTreeSet<(String, String)> = csv::Reader::from_reader(&files["codebook.csv"][..])
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert!(!r[3].is_empty(), "{} {} has no description", &r[0], &r[1]);
            (r[0].to_string(), r[1].to_string())
        })
        .collect();
    for table in ["engagements", "commitments", "milestones", "activities"] {
        let csv_name = format!("{table}.csv");
        let mut reader = csv::Reader::from_reader(&files[&csv_name][..]);
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert!(reader.records().count() > 0, "{table} is empty");
        for column in &header {
            assert!(
                book.contains(&(csv_name.clone(), column.clone())),
                "{csv_name} {column} is not in the codebook"
            );
        }
        let rows: Vec<Value> = serde_json::from_slice(&files[&format!("{table}.json")]).unwrap();
        let keys: BTreeSet<String> = rows[0].as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, header.iter().cloned().collect::<BTreeSet<_>>());
    }
    // The checksums hold.
    let sums = String::from_utf8(files["SHA256SUMS"].clone()).unwrap();
    for line in sums.lines() {
        let (sum, name) = line.split_once("  ").unwrap();
        use sha2::Digest;
        assert_eq!(
            sum,
            hex::encode(sha2::Sha256::digest(&files[name])),
            "{name}"
        );
    }

    // Moved to the other store by export and import: the same bytes for the same version.
    let mut file = Vec::new();
    transfer::export(&app.db.db, 0, None, &mut file, &|_| {})
        .await
        .unwrap();
    let other = match backend {
        Backend::Sqlite => Backend::Postgres,
        Backend::Postgres => Backend::Sqlite,
    };
    let to = TestDb::new(other).await;
    transfer::import(
        &to.db,
        SECRET,
        &safeguards_tests::evidence_dir(),
        std::io::Cursor::new(&file),
        &|_| {},
    )
    .await
    .unwrap();
    let moved = app_over(&to).await;
    // A version holds the countries published now: the moved store's read model says which.
    moved.projector().start().await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let remade = loop {
        match safeguards_app::publication::dataset(&moved, version).await {
            Ok(d) => break d,
            // PostgreSQL's feed waits for older transactions of other tests.
            Err(e) if std::time::Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(e) => panic!("{e}"),
        }
    };
    assert!(
        remade.bytes == first,
        "version {version} differs after the move"
    );
}

/// A line of an export changed by `change`.
fn edit(file: &[u8], change: impl FnOnce(&mut Vec<String>)) -> Vec<u8> {
    let mut lines: Vec<String> = String::from_utf8(file.to_vec())
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    change(&mut lines);
    (lines.join("\n") + "\n").into_bytes()
}

fn check(
    file: &[u8],
    key: &SigningKey,
) -> Result<safeguards_projections::ledger::Verified, Mismatch> {
    transfer::verify(std::io::Cursor::new(file), Some(&key.verifying_key())).unwrap()
}

/// The event lines' numbers (from 1) of an export.
fn event_lines(file: &[u8]) -> Vec<usize> {
    String::from_utf8_lossy(file)
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("\"ledgerhash\""))
        .map(|(i, _)| i + 1)
        .collect()
}

async fn verify_passes_on_a_fresh_export_and_names_the_event_a_change_a_deletion_or_a_swap_breaks(
    backend: Backend,
) {
    // The server signs with the key of its data directory, as the command line's export does.
    let dir = std::env::temp_dir().join(format!("sg-ledger-{}", uuid::Uuid::new_v4().simple()));
    let app = TestApp::serve_setup(
        TestDb::new(backend).await,
        Setup {
            demo: true,
            raw: RawConfig {
                data_dir: Some(dir.display().to_string()),
                ..RawConfig::default()
            },
            ..Setup::default()
        },
    )
    .await;
    let r = app.subscribe(json!({"email": "reader@example.org"})).await;
    assert!(r.status.is_success());
    let seed = std::fs::read_to_string(dir.join("ledger.key")).unwrap();
    let key = ledger::signing_key(&seed).unwrap();
    assert_eq!(
        app.app.ledger_public_key(),
        Some(hex::encode(key.verifying_key().to_bytes()).as_str())
    );
    // The export stops at the feed's horizon, which transactions of other tests on the same
    // PostgreSQL server may hold back for a moment.
    safeguards_tests::wait_until_all_visible(&app.db.db).await;
    let mut file = Vec::new();
    transfer::export(&app.db.db, 0, Some(&key), &mut file, &|_| {})
        .await
        .unwrap();
    let events = feed::count(&app.db.db).await.unwrap() as u64;
    let v = check(&file, &key).unwrap();
    assert_eq!(v.events, events);
    assert_eq!(v.signed_through, events);
    let lines = event_lines(&file);
    assert_eq!(lines.len() as u64, events);
    let middle = lines[lines.len() / 2];
    let id_at = |file: &[u8], line: usize| -> String {
        let l = String::from_utf8_lossy(file)
            .lines()
            .nth(line - 1)
            .unwrap()
            .to_string();
        serde_json::from_str::<Value>(&l).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };

    // One byte of one event's data.
    let changed = edit(&file, |l| {
        let line = &mut l[middle - 1];
        let at = line.find("\"data\":{").unwrap() + 9;
        let byte = line.as_bytes()[at];
        let other = if byte == b'a' { "b" } else { "a" };
        line.replace_range(at..=at, other);
    });
    match check(&changed, &key) {
        Err(Mismatch::Event { line, id, .. }) => {
            assert_eq!(line as usize, middle);
            assert_eq!(id, id_at(&file, middle));
        }
        other => panic!("a changed byte verified: {other:?}"),
    }
    // One event deleted: the event after it is named, at the deleted one's line.
    let deleted = edit(&file, |l| {
        l.remove(middle - 1);
    });
    match check(&deleted, &key) {
        Err(Mismatch::Event { line, id, what }) => {
            assert_eq!(line as usize, middle);
            assert_eq!(id, id_at(&file, middle + 1));
            assert!(what.contains("missing"), "{what}");
        }
        other => panic!("a deletion verified: {other:?}"),
    }
    // Two events swapped.
    let swapped = edit(&file, |l| l.swap(middle - 1, middle));
    match check(&swapped, &key) {
        Err(Mismatch::Event { line, id, .. }) => {
            assert_eq!(line as usize, middle);
            assert_eq!(id, id_at(&file, middle + 1));
        }
        other => panic!("a swap verified: {other:?}"),
    }
    // A forger who drops the recorded hashes is caught by the signed checkpoint.
    let stripped = edit(&file, |l| {
        for line in l.iter_mut() {
            let mut v: Value = serde_json::from_str(line).unwrap();
            if let Some(o) = v.as_object_mut() {
                o.remove("ledgerhash");
                o.remove("ledgerindex");
            }
            *line = v.to_string();
        }
        let mut v: Value = serde_json::from_str(&l[middle - 1]).unwrap();
        v["time"] = json!("2020-01-01T00:00:00Z");
        l[middle - 1] = v.to_string();
    });
    assert!(matches!(
        check(&stripped, &key),
        Err(Mismatch::Checkpoint { .. })
    ));
    // Another key is not the tracker's.
    assert!(matches!(
        check(&file, &SigningKey::from_bytes(&[10; 32])),
        Err(Mismatch::Checkpoint { .. })
    ));
    // Without a key, the file's own key is used (and the file must hold a checkpoint).
    assert!(transfer::verify(std::io::Cursor::new(&file), None)
        .unwrap()
        .is_ok());

    // Erasing a subscriber changes no event, so the log still verifies.
    let (_, r) = app.erase_subscriber("reader@example.org").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    safeguards_tests::wait_until_all_visible(&app.db.db).await;
    let mut after = Vec::new();
    transfer::export(&app.db.db, 0, Some(&key), &mut after, &|_| {})
        .await
        .unwrap();
    assert!(!String::from_utf8_lossy(&after).contains("reader@example.org"));
    let v = check(&after, &key).unwrap();
    assert!(v.events > events);
    assert!(v.checkpoints >= 2);
}

/// What the withheld test records and must never find outside: a minister named in a block
/// reason with her address, and an intranet host in an evidence link not verified.
const MINISTER: &str = "Amina Okafor";
const MINISTER_MAIL: &str = "amina.okafor@minict.example";
const INTRANET: &str = "intranet.minict.local";

/// In `country`: a commitment with a milestone blocked for a reason that names the minister,
/// one achieved with an intranet link not yet verified, and one verified with a public link
/// (`https://example.org/<country>-report.pdf`, which may be shown where the country is).
async fn seed_withheld(app: &TestApp, verifier: &str, country: &str) {
    app.open(country).await;
    let c = app.commitment(country).await;
    let blocked = app.milestone(&c, "2027-03-31").await;
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/milestones/{blocked}/block"),
            json!({"reason": format!("Held by the minister, {MINISTER} <{MINISTER_MAIL}>")}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let achieve = |m: String, url: String| async move {
        let r = app
            .post(
                &app.admin,
                &format!("/api/v1/milestones/{m}/start"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = app
            .post(
                &app.admin,
                &format!("/api/v1/milestones/{m}/achieve"),
                json!({"evidence": [{"title": "Draft bill", "url": url}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        m
    };
    let draft = app.milestone(&c, "2027-04-30").await;
    achieve(
        draft,
        format!("https://{INTRANET}/drafts/{country}-bill-v3.docx"),
    )
    .await;
    let done = app.milestone(&c, "2027-05-31").await;
    let done = achieve(done, format!("https://example.org/{country}-report.pdf")).await;
    let r = app
        .post(
            verifier,
            &format!("/api/v1/milestones/{done}/verify"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// `body` holds nothing withheld: not Uganda (unpublished), not the minister, her address or
/// the intranet link.
fn assert_withheld(what: &str, body: &str) {
    for secret in ["Uganda", MINISTER, MINISTER_MAIL, INTRANET] {
        assert!(!body.contains(secret), "{what} shows {secret}:\n{body}");
    }
}

/// The decoded subject, plain-text and HTML parts of a mail.
fn mail_text(m: &lettre::Message) -> String {
    let raw = m.formatted();
    let parsed = mail_parser::MessageParser::default()
        .parse(&raw[..])
        .expect("a message that parses");
    let mut out = parsed.subject().unwrap_or_default().to_string();
    for i in parsed.text_body.iter().chain(&parsed.html_body) {
        if let Some(text) = parsed.part(*i).and_then(|p| p.text_contents()) {
            out.push('\n');
            out.push_str(text);
        }
    }
    out
}

async fn nothing_withheld_from_publication_leaves_without_a_sign_in_by_digest_archive_feed_mail_or_dataset(
    backend: Backend,
) {
    let (mailer, sent) = safeguards_digest::Mailer::memory();
    let app = TestApp::serve_setup(
        TestDb::new(backend).await,
        Setup {
            mailer: Some(mailer),
            ..public_setup(false)
        },
    )
    .await;
    let manager = app
        .account("manager@example.org", Role::ProgrammeManager, &[])
        .await;
    seed_withheld(&app, &manager, "KEN").await;
    seed_withheld(&app, &manager, "UGA").await;
    for country in ["KEN", "UGA"] {
        assert_eq!(publish(&app, &manager, country).await, StatusCode::OK);
    }
    // A subscriber without an account, following every country.
    let reader = "reader@example.org";
    let r = app.subscribe(json!({"email": reader})).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let confirmation = mail_text(sent.lock().unwrap().last().unwrap());
    let token = safeguards_tests::token_in(&confirmation);
    let r = app
        .client
        .post(format!("{}/subscriptions/confirm", app.base))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    settled(&app).await;

    // A dataset version made while Uganda was published holds it.
    let published_version = latest_version(&app).await;
    let (_, zip) = visit(&app, &format!("/data/{published_version}.zip")).await;
    let about: Value = serde_json::from_slice(&unzip(&zip)["dataset.json"]).unwrap();
    assert_eq!(about["countries"], json!(["KEN", "UGA"]));

    // Uganda is unpublished, then the week's digest goes out.
    let r = app
        .post(
            &manager,
            "/api/v1/engagements/UGA/unpublish",
            json!({"reason": "asked by the ministry"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    settled(&app).await;
    let period = safeguards_domain::digest::Period::containing(chrono::Utc::now().date_naive());
    let report = safeguards_digest::deliver::send_period(&app.digest, period, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(report.delivered, 1, "{report:?}");

    // (b) The subscriber's mail: Kenya's news, nothing withheld.
    let mail = sent
        .lock()
        .unwrap()
        .iter()
        .rev()
        .map(mail_text)
        .find(|m| m.contains("Safeguards Digest 2"))
        .expect("the digest was mailed");
    assert!(mail.contains("Kenya"), "{mail}");
    assert!(mail.contains("example.org/KEN-report.pdf"), "{mail}");
    assert_withheld("the subscriber's digest", &mail);

    // (a) The archive, the edition and the feed, public pages on: what publication lets out.
    let edition = format!("/digests/{period}");
    for path in ["/digests", edition.as_str(), "/digests.atom"] {
        let (status, body) = visit(&app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_withheld(path, &String::from_utf8_lossy(&body));
    }
    let (_, body) = visit(&app, &edition).await;
    assert!(String::from_utf8_lossy(&body).contains("Kenya"));
    // Public pages off (another server on the same store): none of them is served.
    let off = TestApp::serve_setup(TestDb::attach(&app.db).await, Setup::default()).await;
    for path in ["/digests", edition.as_str(), "/digests.atom"] {
        let (status, body) = visit(&off, path).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{path} with public pages off"
        );
        assert_withheld(path, &String::from_utf8_lossy(&body));
    }

    // (c) Every dataset version served after unpublishing: the one cited before, the current
    // one, and the old one made again from the log for a signed-in reader.
    let current = latest_version(&app).await;
    assert!(current > published_version);
    let mut zips = Vec::new();
    for version in [published_version, current] {
        let r = reqwest::get(format!("{}/data/{version}.zip", app.base))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(!r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable"));
        zips.push(r.bytes().await.unwrap().to_vec());
    }
    app.app.datasets().forget();
    zips.push(
        safeguards_app::publication::dataset(&app.app, published_version)
            .await
            .unwrap()
            .bytes
            .clone(),
    );
    for zip in zips {
        let files = unzip(&zip);
        let about: Value = serde_json::from_slice(&files["dataset.json"]).unwrap();
        assert_eq!(about["countries"], json!(["KEN"]));
        for (name, bytes) in &files {
            assert_withheld(name, &String::from_utf8_lossy(bytes));
        }
    }
}

on_both_stores!(
    nothing_withheld_from_publication_leaves_without_a_sign_in_by_digest_archive_feed_mail_or_dataset,
    public_pages_answer_without_a_sign_in_only_for_published_countries_and_show_nobody,
    with_public_pages_off_no_public_route_answers,
    the_dataset_of_a_version_is_the_same_bytes_every_time_and_after_a_move_to_the_other_store,
    verify_passes_on_a_fresh_export_and_names_the_event_a_change_a_deletion_or_a_swap_breaks,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn checkpoints_signed_while_32_writers_commit_concurrently_on_postgres_verify() {
    let db = TestDb::new(Backend::Postgres).await;
    let app = app_over(&db).await;
    let admin = safeguards_app::Caller::system("test");
    for country in ["KEN", "UGA", "TZA", "RWA"] {
        safeguards_app::engagements::open(
            &app,
            &admin,
            safeguards_domain::values::CountryCode::parse(country).unwrap(),
            safeguards_domain::values::Title::parse("Ministry of ICT").unwrap(),
            "2025-05-01".parse().unwrap(),
            vec![],
        )
        .await
        .unwrap();
    }
    let key = SigningKey::from_bytes(&[3; 32]);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let signer = {
        let (db, key, stop) = (db.db.clone(), key.clone(), stop.clone());
        tokio::spawn(async move {
            let mut signed = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                ledger::catch_up(&db).await.unwrap();
                if ledger::sign_head(&db, &key, chrono::Utc::now())
                    .await
                    .unwrap()
                    .is_some()
                {
                    signed += 1;
                }
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            signed
        })
    };
    let writers: Vec<_> = (0..32)
        .map(|w| {
            let (app, admin) = (app.clone(), admin.clone());
            tokio::spawn(async move {
                let country = ["KEN", "UGA", "TZA", "RWA"][w % 4];
                for n in 0..15 {
                    safeguards_app::engagements::record_activity(
                        &app,
                        &admin,
                        safeguards_domain::values::CountryCode::parse(country).unwrap(),
                        safeguards_app::engagements::Activity {
                            kind: safeguards_domain::engagement::ActivityKind::Workshop,
                            title: safeguards_domain::values::Title::parse(&format!(
                                "Workshop {w}-{n}"
                            ))
                            .unwrap(),
                            held_on: "2026-11-20".parse().unwrap(),
                            authorities: vec![],
                            note: None,
                        },
                    )
                    .await
                    .unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let signed = signer.await.unwrap();
    assert!(
        signed >= 2,
        "only {signed} checkpoints were signed meanwhile"
    );
    // The export chains what the feed shows: other tests' transactions on the server must not
    // hold back the last of these writes.
    safeguards_tests::wait_until_all_visible(&db.db).await;
    let mut file = Vec::new();
    transfer::export(&db.db, 0, Some(&key), &mut file, &|_| {})
        .await
        .unwrap();
    let v = check(&file, &key).unwrap();
    assert_eq!(v.events, 4 + 32 * 15);
    assert!(v.checkpoints as usize > signed.min(2));
}
