//! Input and connections made to take the service down: spreadsheets whose cells repeat one
//! enormous shared string, a CSV line of five million commas, a thousand idle connections that
//! sent only the HTTP/2 preface — each refused while `/healthz` keeps answering — and property
//! tests of every parser of outside input (spreadsheets, CloudEvents lines, form and query
//! decoding): random and mutated inputs never panic, never allocate past a stated bound, and
//! every refusal is a 4xx that says why.
//!
//! Allocations are counted by the heap profiler of this test binary (`dhat`), and its tests run
//! one at a time, so that nothing else blurs the figure.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use axum::body::Body;
use proptest::prelude::*;
use reqwest::{Method, StatusCode};
use safeguards_api::web::sheet_files::{self, FileError};
use safeguards_domain::values::Role;
use safeguards_infra::RawConfig;
use safeguards_tests::app::{Setup, TestApp};
use safeguards_tests::forms::Session;
use safeguards_tests::hostile::{comma_flood, idle_connections, shared_string_bomb, workbook};
use safeguards_tests::{on_both_stores, Backend, TestDb};
use tower::ServiceExt;

/// The allocator of this binary counts what is allocated while a measurement runs.
#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

/// One test of this binary at a time: each measures the memory of the whole process.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// `f`'s result and the most bytes it held allocated at once (the process's allocations while
/// it ran; nothing else runs meanwhile).
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let profiler = dhat::Profiler::builder().testing().build();
    let out = f();
    let peak = dhat::HeapStats::get().max_bytes;
    drop(profiler);
    (out, peak)
}

/// What one spreadsheet parse may hold at once: the unpacked parts (16 MiB at most, the shared
/// strings among them, held as strings), the text of the cells taken (8 MiB), and buffers.
const PARSE_BOUND: usize = 64 * 1024 * 1024;

#[test]
fn hostile_spreadsheets_are_refused_by_their_bounds_without_the_memory_they_ask_for() {
    let _one = ONE_AT_A_TIME.blocking_lock();
    let cases: Vec<(&str, Vec<u8>, FileError)> = vec![
        // 40 MB in one shared string, used by 5,000 × 11 cells: ~2.2 TB as copies.
        (
            "a 40 MB shared string in every cell",
            shared_string_bomb(40_000_000, 5_000),
            FileError::TooLarge,
        ),
        // Within the unpacked bound, but longer than any cell of a plan.
        (
            "a 1 MB shared string in every cell",
            shared_string_bomb(1_000_000, 5_000),
            FileError::CellTooLong { row: 2 },
        ),
        // Each copy within a cell's bound, together past the text of a whole plan.
        (
            "a 19 KB shared string in every cell",
            shared_string_bomb(19_000, 5_000),
            FileError::TooMuchText,
        ),
        // A few bytes announcing four billion strings (the reader reserves room for them).
        (
            "four billion announced shared strings",
            workbook(
                r#"count="4000000000" uniqueCount="4000000000""#,
                "<si><t>x</t></si>",
                1,
            ),
            FileError::TooMuchText,
        ),
        (
            "a 5 MB line of commas",
            comma_flood(5 * 1024 * 1024 - 200),
            FileError::TooManyColumns { row: 2 },
        ),
    ];
    for (what, bytes, expected) in cases {
        let started = Instant::now();
        let (read, peak) = peak_of(|| sheet_files::read(&bytes));
        eprintln!(
            "{what}: {} KB file, refused in {:?}, peak {:.1} MiB allocated: {read:?}",
            bytes.len() / 1024,
            started.elapsed(),
            peak as f64 / 1048576.0
        );
        assert_eq!(read, Err(expected), "{what}");
        assert!(
            peak < PARSE_BOUND,
            "{what}: {peak} bytes at the peak, bound {PARSE_BOUND}"
        );
        assert!(!read.unwrap_err().to_string().is_empty());
    }
    // The 40 MB string fits in a file of about the size the attack used.
    assert!(shared_string_bomb(40_000_000, 5_000).len() < 400 * 1024);
}

// ---- the service under attack --------------------------------------------------------------

/// The resident set of this process and its peak since the last reset, in bytes.
fn rss() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .unwrap_or(0)
            * 1024
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Forget the peak resident set so far (Linux: `5` into `clear_refs`).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// `/healthz` asked every 20 ms until `stop`: the latency of each answer (a failed or late
/// answer counts as 10 s).
async fn probe_healthz(
    base: String,
    source: std::net::IpAddr,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Vec<Duration> {
    let client = reqwest::Client::builder()
        .local_address(source)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut times = Vec::new();
    while !*stop.borrow() {
        let started = Instant::now();
        let ok = client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == StatusCode::OK);
        times.push(if ok {
            started.elapsed()
        } else {
            Duration::from_secs(10)
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    times
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

async fn hostile_uploads_are_refused_while_the_service_stays_up(backend: Backend) {
    let _one = ONE_AT_A_TIME.lock().await;
    let app = TestApp::spawn(backend).await;
    app.kenya_focal_point_and_a_started_milestone("fp@ict.go.ke", 20)
        .await;
    let fp = Session::signed_in(&app.base, "fp@ict.go.ke").await;
    let before = app.event_count().await;
    for (name, bytes, says) in [
        (
            "KEN-plan.xlsx",
            shared_string_bomb(40_000_000, 5_000),
            "larger than",
        ),
        (
            "KEN-plan.xlsx",
            shared_string_bomb(19_000, 5_000),
            "MB of text",
        ),
        ("plan.csv", comma_flood(5 * 1024 * 1024 - 200), "columns"),
    ] {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let probe = tokio::spawn(probe_healthz(
            app.base.clone(),
            [127, 0, 0, 1].into(),
            stopped,
        ));
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (resident, _) = rss();
        reset_peak();
        let csrf = {
            let (status, page) = fp.get("/countries/KEN/upload").await;
            assert_eq!(status, StatusCode::OK);
            safeguards_tests::forms::attr(
                &String::from_utf8(page).unwrap(),
                "name=\"csrf\" value=\"",
            )
        };
        let size = bytes.len();
        let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name),
        );
        let r = fp
            .request(Method::POST, "/countries/KEN/upload")
            .multipart(form)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let page = r.text().await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
        let (_, peak) = rss();
        let _ = stop.send(true);
        let mut times = probe.await.unwrap();
        let growth = peak.saturating_sub(resident);
        let slowest = *times.iter().max().unwrap();
        let median = median(&mut times);
        eprintln!(
            "{name} of {} KB: {status}; peak RSS +{:.1} MiB; /healthz median {median:?}, slowest {slowest:?} over {} probes",
            size / 1024,
            growth as f64 / 1048576.0,
            times.len()
        );
        assert!(status.is_client_error(), "{name}: {status}");
        assert!(page.contains(says), "{name}: the page does not say why");
        assert!(
            growth < 100 * 1024 * 1024,
            "{name}: RSS grew {growth} bytes"
        );
        assert!(median < Duration::from_millis(100), "{name}: {median:?}");
        assert!(slowest < Duration::from_secs(1), "{name}: {slowest:?}");
    }
    assert_eq!(app.event_count().await, before, "nothing was recorded");
}

async fn a_thousand_idle_http2_connections_from_one_client_do_not_stop_healthz(backend: Backend) {
    let _one = ONE_AT_A_TIME.lock().await;
    // The defaults of a deployment: 1,024 connections, 128 per client.
    let app = TestApp::serve_setup(
        TestDb::new(backend).await,
        Setup {
            raw: RawConfig {
                max_connections_per_client: Some("128".into()),
                ..RawConfig::default()
            },
            ..Setup::default()
        },
    )
    .await;
    let address: std::net::SocketAddr = app.base.trim_start_matches("http://").parse().unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    // The probe comes from another address than the attacker's (both on loopback).
    let probe = tokio::spawn(probe_healthz(
        app.base.clone(),
        [127, 0, 0, 1].into(),
        stopped,
    ));
    let opened = Instant::now();
    let idle = idle_connections(address, [127, 0, 0, 2].into(), 1030).await;
    let opening = opened.elapsed();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let _ = stop.send(true);
    let mut times = probe.await.unwrap();
    let slowest = *times.iter().max().unwrap();
    let median = median(&mut times);
    eprintln!(
        "{} of 1,030 idle connections accepted in {opening:?}; /healthz median {median:?}, slowest {slowest:?} over {} probes",
        idle.len(),
        times.len()
    );
    assert!(times.len() > 50, "only {} probes", times.len());
    assert!(slowest < Duration::from_secs(1), "{slowest:?}");
    drop(idle);
}

/// The milestone's upload address, a focal point's token for it, and the tracker's data
/// directory (where uploads are received and documents kept).
async fn document_upload(app: &TestApp) -> (String, String, std::path::PathBuf) {
    let (m, fp) = app.kenya_milestone_and_its_focal_point().await;
    let store = app.app.documents().unwrap().store.location().to_string();
    let evidence = std::path::PathBuf::from(store.trim_start_matches("file://"));
    (
        format!("{}/api/v1/milestones/{m}/evidence/files", app.base),
        fp,
        evidence.parent().unwrap().to_path_buf(),
    )
}

/// The files under `dir` (none when it does not exist).
fn files_under(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |d| d.count())
}

async fn a_50_mb_document_is_cut_at_the_10_mb_limit_with_memory_bounded_and_nothing_stored(
    backend: Backend,
) {
    let _one = ONE_AT_A_TIME.lock().await;
    let app = TestApp::spawn(backend).await;
    let (url, fp, data) = document_upload(&app).await;
    let before = app.event_count().await;
    const TOTAL: usize = 50 * 1024 * 1024;
    const CHUNK: usize = 64 * 1024;
    // Streamed without a length (as a slow client's chunks): cut while it is read.
    let sent = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = sent.clone();
    let body = futures::stream::iter((0..TOTAL / CHUNK).map(move |i| {
        counted.fetch_add(CHUNK, std::sync::atomic::Ordering::SeqCst);
        let mut chunk = vec![b'0'; CHUNK];
        if i == 0 {
            chunk[..8].copy_from_slice(b"%PDF-1.7");
        }
        Ok::<_, std::io::Error>(chunk)
    }));
    let (resident, _) = rss();
    reset_peak();
    let form = reqwest::multipart::Form::new().text("title", "Scan").part(
        "file",
        reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(body)).file_name("scan.pdf"),
    );
    let answer = app
        .client
        .post(&url)
        .bearer_auth(&fp)
        .multipart(form)
        .send()
        .await;
    let (_, peak) = rss();
    let growth = peak.saturating_sub(resident);
    let sent = sent.load(std::sync::atomic::Ordering::SeqCst);
    let status = answer.as_ref().map(|r| r.status()).ok();
    eprintln!(
        "50 MB document, streamed: {status:?} after {:.1} MB sent; peak RSS +{:.1} MiB",
        sent as f64 / 1048576.0,
        growth as f64 / 1048576.0
    );
    // The answer may race the client's last writes; when it arrives, it is 413.
    if let Ok(r) = answer {
        let status = r.status();
        let body = r.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    }
    assert!(
        sent < 20 * 1024 * 1024,
        "the server read on to {sent} bytes"
    );
    assert!(growth < 20 * 1024 * 1024, "RSS grew {growth} bytes");
    // With its length declared: refused before a byte of it is read.
    let declared = reqwest::multipart::Form::new().text("title", "Scan").part(
        "file",
        reqwest::multipart::Part::bytes(vec![b'0'; TOTAL]).file_name("scan.pdf"),
    );
    let r = app
        .client
        .post(&url)
        .bearer_auth(&fp)
        .multipart(declared)
        .send()
        .await;
    if let Ok(r) = r {
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
    // 20 MB before the first boundary (what a form's parser keeps until it finds one): the
    // body is cut past the document's limit and a MiB, the memory stays small.
    let (resident, _) = rss();
    reset_peak();
    let junk =
        futures::stream::iter((0..20 * 16).map(|_| Ok::<_, std::io::Error>(vec![b'x'; CHUNK])));
    let r = app
        .client
        .post(&url)
        .bearer_auth(&fp)
        .header("content-type", "multipart/form-data; boundary=b")
        .body(reqwest::Body::wrap_stream(junk))
        .send()
        .await;
    let (_, peak) = rss();
    let growth = peak.saturating_sub(resident);
    eprintln!(
        "20 MB before the first boundary: {:?}; peak RSS +{:.1} MiB",
        r.as_ref().map(|r| r.status()).ok(),
        growth as f64 / 1048576.0
    );
    if let Ok(r) = r {
        assert!(r.status().is_client_error(), "{}", r.status());
    }
    assert!(growth < 40 * 1024 * 1024, "RSS grew {growth} bytes");
    assert_eq!(app.event_count().await, before, "nothing was recorded");
    assert_eq!(files_under(&data.join("evidence")), 0, "nothing was stored");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        files_under(&data.join("incoming")),
        0,
        "nothing was left behind"
    );
}

async fn an_upload_that_stops_sending_is_given_up_and_the_service_stays_up(backend: Backend) {
    let _one = ONE_AT_A_TIME.lock().await;
    let app = TestApp::serve_setup(
        TestDb::new(backend).await,
        Setup {
            evidence_idle: Some(Duration::from_secs(1)),
            ..Setup::default()
        },
    )
    .await;
    let (url, fp, data) = document_upload(&app).await;
    let path = url.trim_start_matches(&app.base).to_string();
    let address = app.base.trim_start_matches("http://").to_string();
    // A multipart body that promises 1 MB and stops after its first bytes.
    let started = Instant::now();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let part =
        "--b\r\ncontent-disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.7 ";
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: {address}\r\nauthorization: Bearer {fp}\r\ncontent-type: multipart/form-data; boundary=b\r\ncontent-length: 1000000\r\n\r\n{part}"
    );
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut answer))
        .await
        .expect("the stalled upload was not given up")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]).to_string();
    let waited = started.elapsed();
    eprintln!("a stalled upload was answered after {waited:?}");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(waited < Duration::from_secs(10), "{waited:?}");
    assert_eq!(app.page("/healthz").await.0, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        files_under(&data.join("incoming")),
        0,
        "nothing was left behind"
    );
    assert_eq!(files_under(&data.join("evidence")), 0, "nothing was stored");
}

on_both_stores!(
    hostile_uploads_are_refused_while_the_service_stays_up,
    a_thousand_idle_http2_connections_from_one_client_do_not_stop_healthz,
    a_50_mb_document_is_cut_at_the_10_mb_limit_with_memory_bounded_and_nothing_stored,
    an_upload_that_stops_sending_is_given_up_and_the_service_stays_up,
);

// ---- properties of the parsers -------------------------------------------------------------

/// `n` cases, a failing one printed rather than kept in a file.
fn cases(n: u32) -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(n)
    }
}

/// A plan's spreadsheet as the tracker writes it, to mutate.
fn plan_files() -> (Vec<u8>, Vec<u8>) {
    let mut row = safeguards_app::sheets::SheetRow::default();
    row.0[0] = "milestone".into();
    row.0[1] = "5d7b0f0e-6a43-4c53-9a8e-3f2a3e4b9f10".into();
    row.0[4] = "Bill tabled, \"first\" reading".into();
    row.0[5] = "planned".into();
    row.0[7] = "2027-01-31".into();
    let rows = vec![row; 3];
    let t = safeguards_api::web::i18n::texts(safeguards_domain::subscriber::Language::En);
    (
        sheet_files::xlsx(&rows, t).unwrap(),
        sheet_files::csv(&rows, t),
    )
}

/// A refusal says what is wrong, and a reading keeps to the plan's bounds.
fn check_read(bytes: &[u8]) -> Result<(), TestCaseError> {
    let _one = ONE_AT_A_TIME.blocking_lock();
    let (read, peak) = peak_of(|| sheet_files::read(bytes));
    prop_assert!(peak < PARSE_BOUND, "{} bytes at the peak", peak);
    match read {
        Ok(rows) => prop_assert!(rows.len() <= safeguards_app::sheets::MAX_ROWS),
        Err(e) => prop_assert!(!e.to_string().is_empty()),
    }
    Ok(())
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn random_bytes_never_break_the_spreadsheet_reader(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        check_read(&bytes)?;
    }

    #[test]
    fn mutated_spreadsheets_never_break_the_reader(
        xlsx in any::<bool>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in any::<prop::sample::Index>(),
    ) {
        let (book, text) = plan_files();
        let mut bytes = if xlsx { book } else { text };
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let end = bytes.len() - cut.index(bytes.len() / 4 + 1);
        check_read(&bytes[..end])?;
    }

    #[test]
    fn random_and_mutated_cloudevents_lines_are_taken_or_refused_within_bounds(
        line in prop_oneof![
            ".{0,300}",
            Just(r#"{"specversion":"1.0","id":"1","source":"/s","type":"t","subject":"milestone/1","time":"2026-01-01T00:00:00Z","data":{}}"#.to_string()),
        ],
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<char>()), 0..6),
    ) {
        let mut chars: Vec<char> = line.chars().collect();
        for (at, c) in edits {
            if !chars.is_empty() {
                let i = at.index(chars.len());
                chars[i] = c;
            }
        }
        let line: String = chars.into_iter().collect();
        let _one = ONE_AT_A_TIME.blocking_lock();
        let (outcome, peak) = peak_of(|| {
            let lines: Vec<_> = safeguards_infra::lines::bounded(line.as_bytes(), safeguards_infra::lines::MAX_LINE).collect();
            lines.into_iter().map(|l| {
                let (_, text) = l.map_err(|e| e.to_string())?;
                let event: safeguards_projections::cloudevent::CloudEvent =
                    serde_json::from_str(&text).map_err(|e| e.to_string())?;
                event.to_recorded().map(|_| ()).map_err(|missing| format!("no `{missing}`"))
            }).collect::<Vec<_>>()
        });
        prop_assert!(peak < 64 * safeguards_infra::lines::MAX_LINE, "{} bytes", peak);
        for o in outcome {
            if let Err(why) = o {
                prop_assert!(!why.is_empty());
            }
        }
    }
}

/// Form bodies and query strings of random text against the routes that decode them: never a
/// 5xx, a refusal is a 4xx with a body that says why, and a request's allocations stay within
/// a bound far below what the body limit lets in.
#[test]
fn random_forms_and_queries_are_answered_with_a_4xx_that_says_why() {
    let _one = ONE_AT_A_TIME.blocking_lock();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (router, token, _app) = runtime.block_on(async {
        let app = TestApp::spawn(Backend::Sqlite).await;
        let token = app.account("viewer@example.org", Role::Viewer, &[]).await;
        let config = safeguards_tests::app::config(&app.db);
        let server = safeguards::server::Server::build(&config, Default::default())
            .await
            .unwrap();
        (server.router(), token, app)
    });
    let forms = [
        "/login",
        "/subscribe",
        "/countries/KEN/commitments",
        "/milestones/5d7b0f0e-6a43-4c53-9a8e-3f2a3e4b9f10/progress",
        "/account/password",
        "/engagements",
    ];
    let queries = [
        "/api/v1/progress",
        "/api/v1/events",
        "/api/v1/coverage",
        "/api/v1/catalogue",
        "/public",
        "/subscribe",
    ];
    let mut runner = proptest::test_runner::TestRunner::new(cases(128));
    runner
        .run(
            &(
                any::<prop::sample::Index>(),
                any::<bool>(),
                "[a-z_=&%0-9A-F+.;:/ \\-]{0,200}|.{0,100}",
            ),
            |(which, form, text)| {
                let request = if form {
                    axum::http::Request::post(*which.get(&forms))
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(Body::from(text.clone()))
                        .unwrap()
                } else {
                    let encoded: String = text
                        .bytes()
                        .map(|b| {
                            if b.is_ascii_alphanumeric() || b"-._~&=+%,:;/".contains(&b) {
                                (b as char).to_string()
                            } else {
                                format!("%{b:02X}")
                            }
                        })
                        .collect();
                    axum::http::Request::get(format!("{}?{encoded}", which.get(&queries)))
                        .header("authorization", format!("Bearer {token}"))
                        .body(Body::empty())
                        .unwrap()
                };
                let (answer, peak) = peak_of(|| {
                    runtime.block_on(async {
                        let r = router.clone().oneshot(request).await.unwrap();
                        let status = r.status();
                        let body = axum::body::to_bytes(r.into_body(), 1 << 20)
                            .await
                            .unwrap_or_default();
                        (status, body)
                    })
                });
                let (status, body) = answer;
                prop_assert!(
                    !status.is_server_error(),
                    "{status} for {text:?}: {}",
                    String::from_utf8_lossy(&body)
                );
                if status.is_client_error() {
                    prop_assert!(!body.is_empty(), "{status} without a reason for {text:?}");
                }
                prop_assert!(peak < 16 * 1024 * 1024, "{peak} bytes for {text:?}");
                Ok(())
            },
        )
        .unwrap();
}
