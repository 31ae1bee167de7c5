//! Signed action links in the weekly reminder: a focal point acts on one milestone from the
//! mail, without signing in, once; every other use of a link is refused and records nothing.

use std::io::Read;

use reqwest::StatusCode;
use safeguards_digest::links::{self, LinkAction, LinkClaims};
use safeguards_digest::Mailer;
use safeguards_domain::values::{AccountId, MilestoneId, Role};
use safeguards_infra::feed;
use safeguards_tests::app::TestApp;
use safeguards_tests::{on_both_stores, Backend};
use serde_json::json;

/// A client that follows no redirect and leaves a compressed page compressed (to weigh it).
fn raw_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// `GET path`: status, body as text, and its size gzipped as sent.
async fn open(app: &TestApp, path: &str) -> (StatusCode, String, usize) {
    let r = raw_client()
        .get(format!("{}{path}", app.base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    let status = r.status();
    let gzipped = r.headers().get("content-encoding").map(|v| v.as_bytes()) == Some(b"gzip");
    let bytes = r.bytes().await.unwrap().to_vec();
    let size = bytes.len();
    let text = if gzipped {
        let mut out = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut out)
            .unwrap();
        out
    } else {
        String::from_utf8(bytes).unwrap()
    };
    (status, text, size)
}

/// `POST` the link's form (its action is the last word of the form's address).
async fn send(
    app: &TestApp,
    path: &str,
    action: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let r = raw_client()
        .post(format!("{}{path}/{action}", app.base))
        .form(form)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

/// The path of the link labelled `label` under the milestone line `title` of a reminder.
fn link_in(mail: &str, label: &str) -> String {
    let at = mail
        .find(&format!("{label}: "))
        .unwrap_or_else(|| panic!("no {label} link in {mail}"))
        + label.len()
        + 2;
    let url = mail[at..].split_whitespace().next().unwrap();
    let path = url.split_once("/act/").unwrap().1;
    format!("/act/{path}")
}

/// The account of `email` and its current token generation.
async fn account_of(app: &TestApp, email: &str) -> (AccountId, u32) {
    let model = app.projector.read().await;
    let a = model.accounts.values().find(|a| a.email == email).unwrap();
    (AccountId::parse(&a.id).unwrap(), a.token_generation)
}

/// The milestone's version once the model has every write of the test.
async fn version_of(app: &TestApp, milestone: &str) -> u64 {
    app.projector
        .wait_for(0, std::time::Duration::from_secs(5))
        .await;
    app.projector.read().await.milestones[milestone].version as u64
}

/// The path of a link signed by the tracker for these claims.
fn signed(app: &TestApp, claims: &LinkClaims) -> String {
    format!("/act/{}", links::sign(&app.digest.settings, claims))
}

/// A tracker with Kenya engaged, a focal point for it, and one milestone of Kenya started and
/// due in five days; returns the app and the milestone.
async fn kenya_with_a_focal_point(backend: Backend, mailer: Mailer) -> (TestApp, String) {
    let app = TestApp::spawn_with(backend, mailer).await;
    let m = app
        .kenya_focal_point_and_a_started_milestone("fp@ict.go.ke", 5)
        .await;
    (app, m)
}

async fn a_reminder_link_records_once_as_the_focal_point_and_never_over_a_later_change(
    backend: Backend,
) {
    let (mailer, sent) = Mailer::memory();
    let (app, m) = kenya_with_a_focal_point(backend, mailer).await;
    let n = safeguards_digest::reminders::send_reminders(&app.digest, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(n, 1);
    let mail = String::from_utf8(sent.lock().unwrap()[0].formatted()).unwrap();
    // Soft line breaks of quoted-printable would cut the links: the mail is plain 7-bit.
    let mail = mail.replace("=\r\n", "");
    let progress = link_in(&mail, "Report progress");
    let block = link_in(&mail, "Mark blocked");
    let evidence = link_in(&mail, "Add an evidence link");
    let achieve = link_in(&mail, "Mark achieved");

    // The page: the milestone and one small form, in a few kilobytes, kept out of caches.
    let (status, page, size) = open(&app, &progress).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Bill tabled in parliament"));
    assert!(page.contains("fp@ict.go.ke"), "the page names who acts");
    assert_eq!(page.matches("<form").count(), 1, "{page}");
    assert!(page.contains("name=\"percent\""));
    assert!(size <= 15 * 1024, "the page weighs {size} bytes gzipped");
    println!("action link page: {size} bytes gzipped");
    let r = raw_client()
        .get(format!("{}{progress}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");

    // A hostile or mistaken form is refused with the field named, and records nothing.
    let before = app.event_count().await;
    let (status, page) = send(&app, &progress, "progress", &[("percent", "half")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("error-summary") && page.contains("whole number"),
        "{page}"
    );
    let (status, _) = send(&app, &progress, "progress", &[("percent", "101")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.event_count().await, before);

    // Used: one ordinary event, by the focal point, correlated with the link.
    let (status, page) = send(
        &app,
        &progress,
        "progress",
        &[("percent", "60"), ("note", "Committee hearing held")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Recorded"), "{page}");
    assert_eq!(app.event_count().await, before + 1);
    let (fp, _) = account_of(&app, "fp@ict.go.ke").await;
    let history = feed::history(&app.db.db, "milestone", &m).await.unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.event_type, "ProgressReported");
    assert_eq!(last.metadata.actor_id(), fp.to_string());
    let token = progress.trim_start_matches("/act/");
    assert_eq!(last.metadata.correlation_id, links::correlation(token));
    let api = app
        .get(&app.admin, &format!("/api/v1/milestones/{m}"))
        .await;
    assert_eq!(api.body["percent"], 60);

    // Used again: it says so, and records nothing.
    let (status, page) = send(&app, &progress, "progress", &[("percent", "70")]).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("used already"), "{page}");
    let (status, _, _) = open(&app, &progress).await;
    assert_eq!(status, StatusCode::GONE);
    // The mail's other links saw the milestone before that change: refused, nothing recorded.
    for (link, action, form) in [
        (&block, "block", vec![("reason", "No budget")]),
        (
            &evidence,
            "evidence",
            vec![
                ("evidence_title", "Minutes"),
                ("evidence_url", "https://example.org/m"),
            ],
        ),
        (
            &achieve,
            "achieve",
            vec![
                ("evidence_title", "Act"),
                ("evidence_url", "https://example.org/a"),
            ],
        ),
    ] {
        let (status, page) = send(&app, link, action, &form).await;
        assert_eq!(status, StatusCode::CONFLICT, "{action}: {page}");
        assert!(page.contains("changed after this mail"), "{page}");
    }
    assert_eq!(app.event_count().await, before + 1);
}

async fn links_that_are_expired_tampered_foreign_revoked_or_mismatched_are_refused_and_record_nothing(
    backend: Backend,
) {
    let (mailer, _sent) = Mailer::memory();
    let (app, m) = kenya_with_a_focal_point(backend, mailer).await;
    app.open("BRA").await;
    let bra = app.commitment("BRA").await;
    let bra_m = app.milestone(&bra, "2027-01-31").await;
    let (fp, generation) = account_of(&app, "fp@ict.go.ke").await;
    let id = MilestoneId::parse(&m).unwrap();
    let version = version_of(&app, &m).await;
    let now = chrono::Utc::now();
    let claims = LinkClaims::new(fp, generation, id, version, LinkAction::Evidence, now);
    let good = signed(&app, &claims);
    let evidence = [
        ("evidence_title", "Minutes"),
        ("evidence_url", "https://example.org/minutes"),
    ];
    let before = app.event_count().await;

    let expired = signed(
        &app,
        &LinkClaims::new(
            fp,
            0,
            id,
            version,
            LinkAction::Evidence,
            now - chrono::Duration::days(15),
        ),
    );
    let (status, page) = send(&app, &expired, "evidence", &evidence).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("expired"), "{page}");

    // The claims of another milestone under this link's signature; a cut signature; junk.
    let other = LinkClaims {
        milestone: MilestoneId::parse(&bra_m).unwrap(),
        ..claims.clone()
    };
    let other_body = signed(&app, &other);
    let spliced = format!(
        "{}.{}",
        other_body.split_once('.').unwrap().0,
        good.split_once('.').unwrap().1
    );
    let cut = &good[..good.len() - 3];
    let long = format!("/act/{}", "A".repeat(4000));
    for path in [spliced.as_str(), cut, "/act/not-a-link", long.as_str()] {
        let (status, page) = send(&app, path, "evidence", &evidence).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {page}");
        assert!(page.contains("does not work"));
    }

    // Well signed, but for a milestone of a country the focal point does not serve.
    let (status, page) = send(&app, &other_body, "evidence", &evidence).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    // Signed for another action than the form sent: refused, not reinterpreted.
    let (status, _) = send(&app, &good, "progress", &[("percent", "10")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // An older generation of the account's tokens (a revocation, a new password).
    let stale = signed(
        &app,
        &LinkClaims {
            generation: generation + 1,
            ..claims.clone()
        },
    );
    let (status, _) = send(&app, &stale, "evidence", &evidence).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.event_count().await, before);

    // The well-made link works until the account is disabled; then it stops working.
    let (status, _, _) = open(&app, &good).await;
    assert_eq!(status, StatusCode::OK);
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/accounts/{fp}/disable"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let after_disable = app.event_count().await;
    let (status, page) = send(&app, &good, "evidence", &evidence).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("no longer works"), "{page}");
    let (status, _, _) = open(&app, &good).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.event_count().await, after_disable);
}

async fn evidence_is_added_once_per_link_through_the_api_and_the_pages(backend: Backend) {
    let (mailer, _sent) = Mailer::memory();
    let (app, m) = kenya_with_a_focal_point(backend, mailer).await;
    let fp = app
        .token("fp@ict.go.ke", safeguards_tests::app::PASSWORD)
        .await;
    let body = json!({"title": "Committee minutes", "url": "https://example.org/minutes"});
    let path = format!("/api/v1/milestones/{m}/evidence");
    let r = app.post(&fp, &path, body.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.post(&fp, &path, body).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = app
        .post(
            &fp,
            &path,
            json!({"title": "x", "url": "javascript:alert(1)"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let viewer = app.account("v@un.org", Role::Viewer, &[]).await;
    let r = app
        .post(
            &viewer,
            &path,
            json!({"title": "x", "url": "https://example.org/x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let api = app
        .get(&app.admin, &format!("/api/v1/milestones/{m}"))
        .await;
    assert_eq!(
        api.body["evidence"][0]["url"],
        "https://example.org/minutes"
    );
    assert_eq!(api.body["evidence"].as_array().unwrap().len(), 1);
}

async fn the_same_link_sent_four_times_at_once_records_exactly_once(backend: Backend) {
    let (mailer, _sent) = Mailer::memory();
    let (app, m) = kenya_with_a_focal_point(backend, mailer).await;
    let (fp, generation) = account_of(&app, "fp@ict.go.ke").await;
    let claims = LinkClaims::new(
        fp,
        generation,
        MilestoneId::parse(&m).unwrap(),
        version_of(&app, &m).await,
        LinkAction::Progress,
        chrono::Utc::now(),
    );
    let link = signed(&app, &claims);
    let before = app.event_count().await;
    let answers = futures::future::join_all((0..4).map(|i| {
        let percent = (10 + i).to_string();
        let (app, link) = (&app, &link);
        async move {
            send(app, link, "progress", &[("percent", &percent)])
                .await
                .0
        }
    }))
    .await;
    let ok = answers.iter().filter(|s| **s == StatusCode::OK).count();
    let used = answers.iter().filter(|s| **s == StatusCode::GONE).count();
    assert_eq!((ok, used), (1, 3), "{answers:?}");
    assert_eq!(app.event_count().await, before + 1);
}

mod concurrent_use {
    use super::*;
    on_both_stores!(the_same_link_sent_four_times_at_once_records_exactly_once);
}

mod reminder_links {
    use super::*;
    on_both_stores!(a_reminder_link_records_once_as_the_focal_point_and_never_over_a_later_change);
}

mod refused_links {
    use super::*;
    on_both_stores!(
        links_that_are_expired_tampered_foreign_revoked_or_mismatched_are_refused_and_record_nothing
    );
}

mod evidence {
    use super::*;
    on_both_stores!(evidence_is_added_once_per_link_through_the_api_and_the_pages);
}
