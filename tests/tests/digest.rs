//! The Safeguards Digest over real SMTP: double opt-in, exactly one digest per confirmed
//! subscriber and period (also with racing runners and a failing mail server), one-click
//! unsubscribe, and no header injection.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::time::Duration;

use reqwest::StatusCode;
use safeguards_digest::{deliver, Mailer};
use safeguards_domain::digest::Period;
use safeguards_tests::app::{Setup, TestApp};
use safeguards_tests::smtp::{Received, SmtpServer};
use safeguards_tests::{on_both_stores, Backend, TestDb};
use serde_json::json;

fn smtp_mailer(server: &SmtpServer) -> Mailer {
    Mailer::from_settings(Some(&server.url().parse().unwrap()), std::env::temp_dir()).unwrap()
}

/// The `token=` value of the first link in a mail.
fn link_token(mail: &Received) -> String {
    safeguards_tests::token_in(&mail.plain_text())
}

/// Subscribe `email` to `countries` through the API and confirm through the mailed link.
async fn subscribe_and_confirm(app: &TestApp, smtp: &SmtpServer, email: &str, countries: &[&str]) {
    let before = smtp.messages().len();
    let r = app
        .subscribe(json!({"email": email, "name": "Reader", "countries": countries}))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let mails = smtp.messages();
    assert_eq!(mails.len(), before + 1, "no confirmation mail for {email}");
    let mail = mails.last().unwrap();
    assert!(mail.to[0].contains(email));
    let token = link_token(mail);
    // The link opens a page; its button confirms.
    let page = app
        .client
        .get(format!("{}/subscriptions/confirm?token={token}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let confirmed = app
        .client
        .post(format!("{}/subscriptions/confirm", app.base))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        confirmed.status(),
        StatusCode::OK,
        "{}",
        confirmed.text().await.unwrap()
    );
}

/// The digests the mail server received.
fn digest_mails(smtp: &SmtpServer) -> Vec<Received> {
    smtp.messages()
        .into_iter()
        .filter(|m| {
            m.header("Subject")
                .is_some_and(|s| s.contains("Safeguards Digest 2"))
        })
        .collect()
}

/// Publish `country`'s record: subscribers without an account are told of published countries
/// only.
async fn publish(app: &TestApp, country: &str) {
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/engagements/{country}/publish"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// A tracker mailing through `smtp`, with the public pages (the digest's web edition) on.
async fn with_public_pages(backend: Backend, smtp: &SmtpServer) -> TestApp {
    TestApp::serve_setup(
        TestDb::new(backend).await,
        Setup {
            mailer: Some(smtp_mailer(smtp)),
            raw: safeguards_infra::RawConfig {
                public_pages: Some("on".into()),
                ..safeguards_infra::RawConfig::default()
            },
            ..Setup::default()
        },
    )
    .await
}

/// Digests received per address.
fn digests_by_address(smtp: &SmtpServer) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for m in digest_mails(smtp) {
        for to in &m.to {
            *out.entry(to.trim_matches(['<', '>']).to_string())
                .or_default() += 1;
        }
    }
    out
}

async fn a_confirmed_subscriber_receives_one_digest_with_both_parts_and_unsubscribe_headers(
    backend: Backend,
) {
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(backend, smtp_mailer(&smtp)).await;
    app.open("KEN").await;
    app.open("BRA").await;
    publish(&app, "KEN").await;
    publish(&app, "BRA").await;
    let ken = app.commitment("KEN").await;
    app.milestone(&ken, "2027-01-31").await;
    let r = app
        .post(&app.admin, "/api/v1/engagements/BRA/commitments",
            json!({"title": "Brazilian registry law", "principles": ["F5"], "authority": "R1", "stage": "L1", "due_on": "2027-01-01"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    subscribe_and_confirm(&app, &smtp, "reader@example.org", &["KEN"]).await;
    // Unconfirmed: subscribes, never confirms.
    let r = app.subscribe(json!({"email": "lurker@example.org"})).await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    // Unsubscribed before the digest.
    subscribe_and_confirm(&app, &smtp, "leaver@example.org", &[]).await;

    let (_, token) = app.link_token("leaver@example.org").await;
    let r = app
        .client
        .post(format!("{}/unsubscribe?token={token}", app.base))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let report = app
        .post(&app.admin, "/api/v1/digests/send", json!({}))
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert_eq!(report.body["recipients"], 1, "{}", report.body);
    assert_eq!(report.body["delivered"], 1);
    let got = digests_by_address(&smtp);
    assert_eq!(got.get("reader@example.org"), Some(&1));
    assert!(
        !got.contains_key("lurker@example.org"),
        "an unconfirmed address got a digest"
    );
    assert!(
        !got.contains_key("leaver@example.org"),
        "an unsubscribed address got a digest"
    );

    let mail = smtp
        .messages()
        .into_iter()
        .find(|m| {
            m.header("Subject")
                .is_some_and(|s| s.contains("Safeguards Digest 2"))
        })
        .unwrap();
    let text = mail.text();
    assert!(text.contains("Content-Type: text/plain"), "no text part");
    assert!(text.contains("Content-Type: text/html"), "no HTML part");
    assert!(
        text.contains("Adopt a data protection law"),
        "the KEN commitment is missing"
    );
    assert!(
        !text.contains("Brazilian registry law"),
        "a country the reader does not follow is in the digest"
    );
    // Both ways out: the one-click URL (RFC 8058) and a mail to the sender.
    let list = mail.header("List-Unsubscribe").unwrap();
    let (url, mailto) = list.split_once(", ").expect("two addresses");
    assert!(
        url.starts_with("<http://tracker.test/unsubscribe?token="),
        "{list}"
    );
    assert!(
        mailto.starts_with("<mailto:digest@tracker.test?subject=unsubscribe%20"),
        "{list}"
    );
    assert_eq!(
        mail.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(mail
        .header("Message-ID")
        .unwrap()
        .contains("@tracker.test>"));

    // A second send for the same period sends nothing.
    let again = app
        .post(&app.admin, "/api/v1/digests/send", json!({}))
        .await;
    assert_eq!(again.body["delivered"], 0, "{}", again.body);
    assert_eq!(
        digests_by_address(&smtp).get("reader@example.org"),
        Some(&1)
    );
    let digests = app.get(&app.admin, "/api/v1/digests").await;
    assert_eq!(digests.body[0]["delivered"], 1, "{}", digests.body);

    // The one-click POST of the header's URL unsubscribes without login.
    let url = url
        .trim_matches(['<', '>'])
        .replace("http://tracker.test", &app.base);
    let r = app
        .client
        .post(url)
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let reader = app.subscriber("reader@example.org").await;
    assert_eq!(reader["status"], "unsubscribed");
    let forged = app
        .client
        .post(format!(
            "{}/unsubscribe?token={}.AAAA",
            app.base,
            reader["id"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
}

async fn each_subscriber_gets_exactly_one_digest_when_the_mail_server_refuses_at_first(
    backend: Backend,
) {
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(backend, smtp_mailer(&smtp)).await;
    app.open("KEN").await;
    for i in 0..5 {
        subscribe_and_confirm(&app, &smtp, &format!("r{i}@example.org"), &[]).await;
    }
    smtp.refuse_next(7);
    let period = Period::containing(chrono::Utc::now().date_naive());
    let report = deliver::drain(&app.digest, period, Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(report.pending, 0, "{report:?}");
    assert!(report.failed >= 1, "the outage was not felt: {report:?}");
    let got = digests_by_address(&smtp);
    for i in 0..5 {
        assert_eq!(got.get(&format!("r{i}@example.org")), Some(&1), "{got:?}");
    }
    assert_eq!(got.len(), 5);
}

on_both_stores!(
    a_confirmed_subscriber_receives_one_digest_with_both_parts_and_unsubscribe_headers,
    each_subscriber_gets_exactly_one_digest_when_the_mail_server_refuses_at_first,
);

/// PostgreSQL: two tracker processes (two apps on one database) send the same period at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_digest_runners_racing_on_one_database_send_one_digest_each() {
    let smtp = SmtpServer::start().await;
    let first = TestApp::spawn_with(Backend::Postgres, smtp_mailer(&smtp)).await;
    let second_db = TestDb::attach(&first.db).await;
    let second = TestApp::serve(second_db, smtp_mailer(&smtp)).await;
    first.open("KEN").await;
    for i in 0..30 {
        subscribe_and_confirm(&first, &smtp, &format!("s{i}@example.org"), &["KEN"]).await;
    }
    // The second process must see the subscribers too before it races.
    assert!(
        second
            .projector
            .wait_for(first.projector.applied(), Duration::from_secs(30))
            .await
    );
    let period = Period::containing(chrono::Utc::now().date_naive());
    let now = chrono::Utc::now();
    let (a, b) = tokio::join!(
        deliver::send_period(&first.digest, period, now),
        deliver::send_period(&second.digest, period, now),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.delivered + b.delivered, 30, "{a:?} {b:?}");
    let got = digests_by_address(&smtp);
    assert_eq!(got.len(), 30);
    assert!(got.values().all(|n| *n == 1), "{got:?}");
}

/// PostgreSQL: a transaction left open anywhere on the database server holds the feed's head
/// back. A digest composed by one process meanwhile still names the subscriber who confirmed
/// through another process after that transaction began: composing waits for everything
/// committed, not for the head.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_digest_composed_while_another_transaction_is_open_names_every_confirmed_subscriber() {
    use safeguards_infra::{probe, transfer::Import};
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(Backend::Postgres, smtp_mailer(&smtp)).await;
    let other = TestApp::serve(TestDb::attach(&app.db).await, smtp_mailer(&smtp)).await;
    app.open("KEN").await;
    let mut blocker = Import::begin(&app.db.db).await.unwrap();
    probe::take_transaction_id(&mut blocker).await.unwrap();
    subscribe_and_confirm(&other, &smtp, "late@example.org", &[]).await;
    let period = Period::containing(chrono::Utc::now().date_naive());
    let run = tokio::spawn({
        let digest = app.digest.clone();
        async move { deliver::send_period(&digest, period, chrono::Utc::now()).await }
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    blocker.rollback().await.unwrap();
    let report = run.await.unwrap().unwrap();
    assert_eq!(report.delivered, 1, "{report:?}");
    assert_eq!(digests_by_address(&smtp).get("late@example.org"), Some(&1));
}

async fn header_injection_through_name_or_address_is_refused(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(backend, smtp_mailer(&smtp)).await;
    for body in [
        json!({"email": "eve@example.org", "name": "Eve\r\nBcc: victim@example.org"}),
        json!({"email": "eve@example.org\r\nBcc: victim@example.org"}),
        json!({"email": "eve@example.org>\nBcc: victim@example.org"}),
    ] {
        let r = app.subscribe(body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    }
    // Header syntax without line breaks stays inside the display name.
    let r = app
        .subscribe(json!({"email": "eve@example.org", "name": "Eve <victim@example.org>, Bcc: x"}))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, vec!["<eve@example.org>".to_string()]);
    assert!(mails[0].header("Bcc").is_none());
    assert!(!mails
        .iter()
        .any(|m| m.to.iter().any(|t| t.contains("victim"))));
}

mod injection {
    use super::*;
    on_both_stores!(header_injection_through_name_or_address_is_refused);
}

async fn focal_points_are_reminded_once_a_week_of_milestones_due_soon_or_overdue(backend: Backend) {
    let (mailer, sent) = Mailer::memory();
    let app = TestApp::spawn_with(backend, mailer).await;
    app.open("KEN").await;
    app.open("BRA").await;
    app.account(
        "fp@ict.go.ke",
        safeguards_domain::values::Role::FocalPoint,
        &["KEN"],
    )
    .await;
    let ken = app.commitment("KEN").await;
    let bra = app.commitment("BRA").await;
    let today = chrono::Utc::now().date_naive();
    let day = |d: i64| (today + chrono::Duration::days(d)).to_string();
    app.milestone(&ken, &day(5)).await; // due soon
    app.milestone(&ken, &day(-3)).await; // overdue
    app.milestone(&ken, &day(40)).await; // not yet
    app.milestone(&bra, &day(2)).await; // another country
    let done = app.milestone(&ken, &day(1)).await; // cancelled: no reminder
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/milestones/{done}/cancel"),
            json!({"reason": "dropped"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);

    let n = safeguards_digest::reminders::send_reminders(&app.digest, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(n, 1);
    let mails = sent.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    let formatted = mails[0].formatted();
    assert!(String::from_utf8_lossy(&formatted).contains("fp@ict.go.ke"));
    let raw = mail_parser::MessageParser::default()
        .parse(&formatted)
        .and_then(|m| m.body_text(0).map(|b| b.into_owned()))
        .expect("a text body");
    assert_eq!(
        raw.matches("KEN: Bill tabled in parliament").count(),
        2,
        "{raw}"
    );
    assert!(raw.contains("overdue since"));
    // Another country's milestone is not listed. (The mail's acting links carry random tokens,
    // which may hold any three capitals: the check is for a listed line.)
    assert_eq!(raw.matches("- KEN: ").count(), 2, "{raw}");
    assert!(!raw.contains("- BRA: "), "{raw}");
    // The same week: nothing again.
    let again = safeguards_digest::reminders::send_reminders(&app.digest, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(again, 0);
    assert_eq!(sent.lock().unwrap().len(), 1);
}

/// Focal points who chose Russian and Arabic are reminded in their language, through the real
/// SMTP server: subject, words, dates by CLDR, `Content-Language`, `dir` not needed in plain text;
/// the links and the tracker's address stay whole (outside the messages, without isolation
/// marks).
async fn a_reminder_is_written_in_the_focal_points_language(backend: Backend) {
    use safeguards_domain::subscriber::Language;
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(backend, smtp_mailer(&smtp)).await;
    app.open("KEN").await;
    for (email, language) in [("fp@ict.go.ke", "ru"), ("fp2@ict.go.ke", "ar")] {
        let fp = app
            .account(email, safeguards_domain::values::Role::FocalPoint, &["KEN"])
            .await;
        let r = app
            .post(&fp, "/api/v1/me/language", json!({"language": language}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        let r = app
            .post(&fp, "/api/v1/me/language", json!({"language": "tlh"}))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    }
    let ken = app.commitment("KEN").await;
    let due = chrono::Utc::now().date_naive() - chrono::Duration::days(3);
    app.milestone(&ken, &due.to_string()).await;
    let n = safeguards_digest::reminders::send_reminders(&app.digest, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(n, 2);
    for (email, language, subject) in [
        ("fp@ict.go.ke", Language::Ru, "Этапы"),
        ("fp2@ict.go.ke", Language::Ar, "معالم"),
    ] {
        let mail = smtp
            .messages()
            .into_iter()
            .find(|m| m.to[0].contains(email))
            .expect("a reminder");
        let parsed = mail_parser::MessageParser::default()
            .parse(mail.data.as_bytes())
            .expect("a mail");
        let body = mail.plain_text();
        let t = safeguards_digest::texts::mail_texts(language);
        assert!(body.contains(t.reminder_intro), "{body}");
        assert!(body.contains(&t.day(due)), "{body}");
        assert!(body.contains(t.overdue_since), "{body}");
        assert_eq!(
            mail.header("Content-Language").as_deref(),
            Some(t.lang),
            "{email}"
        );
        assert!(
            parsed.subject().unwrap_or_default().contains(subject),
            "{:?}",
            parsed.subject()
        );
        for line in body.lines().filter(|l| l.contains("http")) {
            let url = &line[line.find("http").unwrap()..];
            assert!(
                !url.contains(['\u{2068}', '\u{2069}', ' ']),
                "an address with marks: {url:?}"
            );
        }
    }
}

/// A subscriber who reads Arabic: the confirmation and the digest are in Arabic and marked right
/// to left, with the country's Arabic name; one in Chinese gets Chinese, one in Russian Russian,
/// through the real SMTP server.
async fn a_subscriber_who_reads_arabic_gets_arabic_mails_right_to_left(backend: Backend) {
    use safeguards_domain::subscriber::Language;
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(backend, smtp_mailer(&smtp)).await;
    app.open("KEN").await;
    publish(&app, "KEN").await;
    let ken = app.commitment("KEN").await;
    app.milestone(&ken, "2027-01-31").await;
    let ar = safeguards_digest::texts::mail_texts(Language::Ar);
    for (email, language) in [
        ("qari@example.org", "ar"),
        ("duzhe@example.org", "zh"),
        ("chitatel@example.org", "ru"),
    ] {
        let r = app
            .subscribe(json!({"email": email, "countries": ["KEN"], "language": language}))
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    }
    let confirmation = smtp
        .messages()
        .into_iter()
        .find(|m| m.to[0].contains("qari@"))
        .expect("a confirmation mail");
    let html = confirmation.part("html");
    assert!(html.contains(r#"lang="ar" dir="rtl""#), "{html}");
    assert!(html.contains(ar.confirm_button), "{html}");
    for email in [
        "qari@example.org",
        "duzhe@example.org",
        "chitatel@example.org",
    ] {
        let mail = smtp
            .messages()
            .into_iter()
            .find(|m| m.to[0].contains(email))
            .expect("a confirmation mail");
        let token = link_token(&mail);
        let r = app
            .client
            .post(format!("{}/subscriptions/confirm", app.base))
            .form(&[("token", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    let report = app
        .post(&app.admin, "/api/v1/digests/send", json!({}))
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let digest_to = |who: &str| {
        smtp.messages()
            .into_iter()
            .rev()
            .find(|m| m.to[0].contains(who))
            .expect("a digest")
    };
    let digest = digest_to("qari@");
    assert_eq!(digest.header("Content-Language").as_deref(), Some("ar"));
    assert_eq!(
        confirmation.header("Content-Language").as_deref(),
        Some("ar")
    );
    let html = digest.part("html");
    assert!(html.contains(r#"<html lang="ar" dir="rtl">"#), "{html}");
    assert!(html.contains("كينيا"), "Kenya's Arabic name: {html}");
    assert!(html.contains(ar.digest), "{html}");
    let text = digest_to("duzhe@").plain_text();
    assert!(text.contains("肯尼亚"), "Kenya's Chinese name: {text}");
    let russian = digest_to("chitatel@");
    assert_eq!(russian.header("Content-Language").as_deref(), Some("ru"));
    let text = russian.plain_text();
    // The text part writes a country's name in capitals.
    assert!(text.contains("КЕНИЯ"), "Kenya's Russian name: {text}");
    let ru = safeguards_digest::texts::mail_texts(Language::Ru);
    assert!(text.contains(ru.digest), "{text}");
}

/// The value of the sample of `name` whose labels include `label`, in Prometheus text.
fn sample(text: &str, name: &str, label: &str) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(name) && l[name.len()..].starts_with(['{', ' ']))
        .filter(|l| l.contains(label))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// Every metric name a PromQL query names (the `safeguards_` and `process_` families).
fn queried_metrics(dashboard: &serde_json::Value, into: &mut std::collections::BTreeSet<String>) {
    match dashboard {
        serde_json::Value::Object(fields) => {
            for (key, value) in fields {
                match (key.as_str(), value) {
                    ("expr" | "query", serde_json::Value::String(q)) => {
                        into.extend(
                            q.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                                .filter(|t| {
                                    t.starts_with("safeguards_") || t.starts_with("process_")
                                })
                                .map(str::to_string),
                        );
                    }
                    _ => queried_metrics(value, into),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| queried_metrics(v, into)),
        _ => {}
    }
}

async fn the_metrics_pass_promtool_and_the_dashboard_queries_only_metrics_that_exist(
    backend: Backend,
) {
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(backend, smtp_mailer(&smtp)).await;
    app.open("KEN").await;
    let ken = app.commitment("KEN").await;
    let milestone = app.milestone(&ken, "2027-01-31").await;
    // Another process reports on the milestone, so this one's remembered state is behind: its
    // next command conflicts once and is decided again.
    let report = safeguards_domain::milestone::MilestoneCommand::ReportProgress {
        percent: safeguards_domain::values::Percent::parse(10).unwrap(),
        note: None,
    };
    app.db
        .store()
        .execute::<safeguards_domain::milestone::Milestone>(
            &milestone,
            report,
            &safeguards_infra::CommandContext::system("other process"),
            None,
        )
        .await
        .unwrap();
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/milestones/{milestone}/progress"),
            json!({"percent": 20}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    subscribe_and_confirm(&app, &smtp, "metrics@example.org", &["KEN"]).await;
    let report = app
        .post(&app.admin, "/api/v1/digests/send", json!({}))
        .await;
    assert_eq!(report.body["delivered"], 1, "{}", report.body);
    safeguards_digest::reminders::send_reminders(&app.digest, chrono::Utc::now())
        .await
        .unwrap();
    let answer = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let text = answer.text().await.unwrap();

    // Prometheus's own linter: the format, help texts, units and suffixes.
    let checked = safeguards_tests::run_with_input(
        "promtool",
        &["check", "metrics"],
        text.as_bytes(),
        "Debian: apt-get install prometheus",
    );
    assert!(
        checked.status.success(),
        "promtool check metrics: {}{}\n{text}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );

    // What this test did moved the counters it touches.
    for (name, label) in [
        ("safeguards_commands_total", "outcome=\"ok\""),
        (
            "safeguards_command_conflicts_total",
            "aggregate=\"milestone\"",
        ),
        ("safeguards_store_append_commands_count", ""),
        ("safeguards_projector_batch_duration_seconds_count", ""),
        (
            "safeguards_digest_deliveries_total",
            "outcome=\"delivered\"",
        ),
        ("safeguards_mails_sent_total", "transport=\"smtp\""),
        ("safeguards_reminder_runs_total", "outcome=\"ok\""),
        ("safeguards_db_pool_max_connections", ""),
        ("safeguards_build_info", "store="),
        ("process_resident_memory_bytes", ""),
        ("process_open_fds", ""),
    ] {
        assert!(
            sample(&text, name, label) > 0.0,
            "{name}{{{label}}} in\n{text}"
        );
    }

    let dashboard: serde_json::Value =
        serde_json::from_str(include_str!("../../infra/grafana/safeguards.json")).unwrap();
    let mut queried = std::collections::BTreeSet::new();
    queried_metrics(&dashboard, &mut queried);
    assert!(queried.len() >= 20, "{queried:?}");
    let exported: std::collections::BTreeSet<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split(['{', ' ']).next())
        .collect();
    let missing: Vec<&String> = queried
        .iter()
        .filter(|m| !exported.contains(m.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "the dashboard queries {missing:?}, which /metrics lacks"
    );
}

mod metrics {
    use super::*;
    on_both_stores!(the_metrics_pass_promtool_and_the_dashboard_queries_only_metrics_that_exist);
}

async fn a_reminder_the_mail_server_refused_is_sent_by_the_next_run(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(backend, smtp_mailer(&smtp)).await;
    app.open("KEN").await;
    app.account(
        "fp@ict.go.ke",
        safeguards_domain::values::Role::FocalPoint,
        &["KEN"],
    )
    .await;
    let ken = app.commitment("KEN").await;
    let soon = (chrono::Utc::now().date_naive() + chrono::Duration::days(3)).to_string();
    app.milestone(&ken, &soon).await;
    smtp.refuse_next(10);
    let refused = safeguards_digest::reminders::send_reminders(&app.digest, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(refused, 0, "the mail server refused it");
    assert!(smtp.messages().is_empty());
    smtp.refuse_next(0);
    // The week's reminder was given back: the next run sends it, and only once.
    let sent = safeguards_digest::reminders::send_reminders(&app.digest, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(sent, 1);
    let again = safeguards_digest::reminders::send_reminders(&app.digest, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(again, 0);
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1, "one reminder in all");
    assert_eq!(mails[0].to, vec!["<fp@ict.go.ke>".to_string()]);
}

mod reminders {
    use super::*;
    on_both_stores!(
        focal_points_are_reminded_once_a_week_of_milestones_due_soon_or_overdue,
        a_reminder_is_written_in_the_focal_points_language,
        a_reminder_the_mail_server_refused_is_sent_by_the_next_run,
    );
}

async fn a_focal_point_who_subscribes_finds_their_milestones_with_working_action_links_in_the_digest(
    backend: Backend,
) {
    let smtp = SmtpServer::start().await;
    let app = with_public_pages(backend, &smtp).await;
    let m = app
        .kenya_focal_point_and_a_started_milestone("fp@ict.go.ke", 3)
        .await;
    publish(&app, "KEN").await;
    subscribe_and_confirm(&app, &smtp, "FP@ict.go.ke", &["KEN"]).await;
    subscribe_and_confirm(&app, &smtp, "reader@example.org", &["KEN"]).await;
    let period = Period::containing(chrono::Utc::now().date_naive());
    deliver::drain(&app.digest, period, Duration::from_secs(60))
        .await
        .unwrap();
    let digests = digest_mails(&smtp);
    assert_eq!(digests.len(), 2);
    let to = |who: &str| {
        digests
            .iter()
            .find(|d| d.to[0].to_ascii_lowercase().contains(who))
            .unwrap()
    };
    let (fp, reader) = (to("fp@ict.go.ke"), to("reader@example.org"));
    let text = fp.plain_text();
    assert!(text.contains("YOUR MILESTONES"), "{text}");
    assert!(text.contains("KEN: Bill tabled in parliament"), "{text}");
    assert!(fp.part("html").contains("/act/"));
    // Only the focal point's mail carries links that act; the public web edition none.
    assert!(!reader.text().contains("/act/"));
    let (status, edition) = app.page(&format!("/digests/{period}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(edition.contains("Bill tabled in parliament") || edition.contains("Kenya"));
    assert!(!edition.contains("/act/"));

    // The digest's "Report progress" link records as the focal point.
    let at = text.find("Report progress: ").unwrap() + "Report progress: ".len();
    let url = text[at..].split_whitespace().next().unwrap();
    let path = &url[url.find("/act/").unwrap()..];
    let before = app.event_count().await;
    let r = app
        .client
        .post(format!("{}{path}/progress", app.base))
        .form(&[("percent", "30")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(app.event_count().await, before + 1);
    let api = app
        .get(&app.admin, &format!("/api/v1/milestones/{m}"))
        .await;
    assert_eq!(api.body["percent"], 30);
}

mod digest_links {
    use super::*;
    on_both_stores!(
        a_focal_point_who_subscribes_finds_their_milestones_with_working_action_links_in_the_digest
    );
}

/// Everything the tracker logs in this test binary, at debug level and above.
fn captured_logs() -> &'static std::sync::Mutex<Vec<u8>> {
    static LOGS: std::sync::OnceLock<std::sync::Arc<std::sync::Mutex<Vec<u8>>>> =
        std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let writer = buffer.clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
            .with_writer(move || Capture(writer.clone()))
            .try_init();
        buffer
    })
}

/// A log writer into the shared buffer.
struct Capture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.as_bytes();
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A subscriber whose digest the mail server refused with a reply that quotes the address
/// (`550 5.1.1 <address>: no such user`) is erased: the address is then nowhere — not in the
/// log (deliveries record codes), the contacts, the export, the logs, the database's bytes.
async fn an_erased_subscribers_address_is_nowhere_in_the_store(backend: Backend) {
    let logs = captured_logs();
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(backend, smtp_mailer(&smtp)).await;
    app.open("KEN").await;
    let address = format!("erase-me-{}@example.org", uuid::Uuid::new_v4().simple());
    let address = address.as_str();
    subscribe_and_confirm(&app, &smtp, address, &["KEN"]).await;
    smtp.reject_next_recipients(5);
    let report = app
        .post(&app.admin, "/api/v1/digests/send", json!({}))
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert_eq!(report.body["failed"], 1, "{}", report.body);
    let failures = app.get(&app.admin, "/api/v1/events?limit=1000").await;
    assert!(
        failures.body.to_string().contains("\"smtp_code\":550"),
        "the failure is recorded as a code: {}",
        failures.body
    );
    let (id, r) = app.erase_subscriber(address).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let list = app.get(&app.admin, "/api/v1/subscribers").await;
    let erased = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id.as_str())
        .unwrap();
    assert_eq!(erased["status"], "erased");
    assert!(erased["email"].is_null());
    // The whole store, as bytes on disk (SQLite) or as a dump (PostgreSQL), no longer holds it.
    let dump: Vec<u8> = match &app.db.db {
        safeguards_infra::Database::Sqlite(_) => {
            // (Erasure folded the write-ahead log into the file.)
            let file = app.db.url.trim_start_matches("sqlite://").to_string();
            let mut bytes = std::fs::read(&file).unwrap();
            bytes.extend(std::fs::read(format!("{file}-wal")).unwrap_or_default());
            bytes
        }
        safeguards_infra::Database::Postgres(_) => {
            let out = std::process::Command::new("pg_dump")
                .arg("--data-only")
                .arg(&app.db.url)
                .output()
                .expect("pg_dump runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        }
    };
    assert!(dump.len() > 1000);
    assert!(
        !holds(&dump, address),
        "the erased address is still in the store"
    );
    let mut export = Vec::new();
    safeguards::transfer::export(&app.db.db, 0, None, &mut export, &|_| {})
        .await
        .unwrap();
    assert!(holds(&export, "DeliveryFailed"));
    assert!(
        !holds(&export, address),
        "the export holds the erased address"
    );
    let logged = logs.lock().unwrap().clone();
    assert!(
        holds(&logged, "digest delivery failed"),
        "the logs were captured"
    );
    assert!(!holds(&logged, address), "the logs hold the address");
    // The log still replays.
    let (model, _) = safeguards_infra::projector::replay(&app.db.db, i64::MAX, None, |_| {})
        .await
        .unwrap();
    assert_eq!(model.undecodable, 0);
}

/// Without an SMTP server, mail waits in the outbox: erasure removes what went to the address.
async fn erasure_empties_the_outbox_of_the_address(backend: Backend) {
    let outbox = std::env::temp_dir().join(format!("sg-outbox-{}", uuid::Uuid::new_v4()));
    let app = TestApp::spawn_with(
        backend,
        Mailer::from_settings(None, outbox.clone()).unwrap(),
    )
    .await;
    let (kept, erased) = ("kept@example.org", "gone-7c1e@example.org");
    for email in [kept, erased] {
        let r = app.subscribe(json!({"email": email})).await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
    }
    let files = |dir: &std::path::Path| -> Vec<Vec<u8>> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| std::fs::read(e.unwrap().path()).unwrap())
            .collect()
    };
    assert!(files(&outbox).iter().any(|f| holds(f, erased)));
    let (_, r) = app.erase_subscriber(erased).await;
    assert_eq!(r.status, StatusCode::OK);
    let left = files(&outbox);
    assert!(
        left.iter().all(|f| !holds(f, erased)),
        "the outbox keeps the erased address"
    );
    assert!(
        left.iter().any(|f| holds(f, kept)),
        "the other mail was removed too"
    );
    let _ = std::fs::remove_dir_all(outbox);
}

mod erasure {
    use super::*;
    on_both_stores!(
        an_erased_subscribers_address_is_nowhere_in_the_store,
        erasure_empties_the_outbox_of_the_address
    );
}

async fn a_subscriber_changes_countries_and_language_from_the_link_in_the_digest(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(backend, smtp_mailer(&smtp)).await;
    subscribe_and_confirm(&app, &smtp, "prefs@example.org", &["KEN"]).await;
    let (id, token) = app.link_token("prefs@example.org").await;
    let page = app
        .client
        .get(format!("{}/subscriptions/manage?token={token}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("value=\"KEN\""));
    let r = app
        .client
        .post(format!("{}/subscriptions/manage?token={token}", app.base))
        .form(&[("countries", "BRA, zaf"), ("language", "fr")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let list = app.get(&app.admin, "/api/v1/subscribers").await;
    let me = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id.as_str())
        .unwrap();
    assert_eq!(me["countries"], json!(["BRA", "ZAF"]));
    assert_eq!(me["language"], "fr");
    let forged = app
        .client
        .post(format!("{}/subscriptions/manage?token={id}.AAAA", app.base))
        .form(&[("countries", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
    let bad = app
        .client
        .post(format!("{}/subscriptions/manage?token={token}", app.base))
        .form(&[("countries", "XXX")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

mod preferences {
    use super::*;
    on_both_stores!(a_subscriber_changes_countries_and_language_from_the_link_in_the_digest);
}

async fn mails_come_in_the_subscribers_language(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(backend, smtp_mailer(&smtp)).await;
    app.open("KEN").await;
    publish(&app, "KEN").await;
    app.commitment("KEN").await;
    let r = app
        .subscribe(json!({"email": "lecteur@example.org", "language": "fr"}))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let confirmation = smtp.messages().last().unwrap().clone();
    assert!(
        confirmation.header("Subject").unwrap().contains("=?utf-8?")
            || confirmation
                .header("Subject")
                .unwrap()
                .contains("Confirmez")
    );
    assert!(confirmation.text().contains("Confirmer mon abonnement"));
    let token = link_token(&confirmation);
    let page = app
        .client
        .post(format!("{}/subscriptions/confirm", app.base))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let report = app
        .post(&app.admin, "/api/v1/digests/send", json!({}))
        .await;
    assert_eq!(report.body["delivered"], 1, "{}", report.body);
    let digest = smtp.messages().last().unwrap().clone();
    let plain = digest.plain_text();
    assert!(plain.contains("Nouvel engagement"), "{plain}");
    assert!(plain.contains("Se désabonner"), "{plain}");
    // Dates as French writes them (the commitment is due on 30 June 2027).
    assert!(plain.contains("30 juin 2027"), "{plain}");
    assert!(!plain.contains("New commitment"));
}

mod languages {
    use super::*;
    on_both_stores!(
        mails_come_in_the_subscribers_language,
        a_subscriber_who_reads_arabic_gets_arabic_mails_right_to_left,
    );
}

/// The digests each address received, by the period in their subject.
fn periods_by_address(smtp: &SmtpServer) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for m in smtp.messages() {
        let Some(subject) = m.header("Subject") else {
            continue;
        };
        let Some(at) = subject.find("Safeguards Digest ") else {
            continue;
        };
        let period = subject[at + "Safeguards Digest ".len()..]
            .trim()
            .to_string();
        for to in &m.to {
            out.entry(to.trim_matches(['<', '>']).to_string())
                .or_default()
                .push(period.clone());
        }
    }
    out
}

/// `text` says each of `wanted` (read as a person reads it: without the invisible marks that
/// isolate an inserted value's direction).
fn says(text: &str, wanted: &[&str]) {
    let text = &read(text);
    for w in wanted {
        assert!(text.contains(w), "{w:?} is not in:\n{text}");
    }
}

/// `text` without the marks (U+2068, U+2069) that isolate what a message inserts.
fn read(text: &str) -> String {
    text.replace(['\u{2068}', '\u{2069}'], "")
}

/// The last digest `address` received.
fn last_digest(smtp: &SmtpServer, address: &str) -> Received {
    smtp.messages()
        .into_iter()
        .rev()
        .find(|m| {
            m.to.iter().any(|t| t.contains(address))
                && m.header("Subject")
                    .is_some_and(|s| s.contains("Safeguards Digest 2"))
        })
        .unwrap_or_else(|| panic!("no digest reached {address}"))
}

async fn a_digest_tells_what_happened_country_by_country_with_commitments_links_and_lateness(
    backend: Backend,
) {
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(backend, smtp_mailer(&smtp)).await;
    app.open("KEN").await;
    app.open("BRA").await;
    publish(&app, "KEN").await;
    publish(&app, "BRA").await;
    let law = app.commitment("KEN").await;
    let r = app
        .post(&app.admin, "/api/v1/engagements/KEN/commitments",
            json!({"title": "Set up a grievance mechanism", "principles": ["F8"], "authority": "R2", "stage": "L3", "due_on": "2027-06-30"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let redress = r.id();
    // Two milestones with the same title, told apart by their commitments.
    let tabled = app.milestone(&law, "2027-01-31").await;
    let also_tabled = app.milestone(&redress, "2027-01-31").await;
    let late = app.milestone(&redress, "2025-06-30").await;
    // The first reader has an account: their digest is whole, reasons included.
    app.account(
        "everything@example.org",
        safeguards_domain::values::Role::Viewer,
        &[],
    )
    .await;
    subscribe_and_confirm(&app, &smtp, "everything@example.org", &[]).await;
    subscribe_and_confirm(&app, &smtp, "redress@example.org", &["KEN"]).await;
    let r = app
        .subscribe(json!({"email": "x@example.org", "principles": ["F99"]}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // The second reader follows F8 alone, chosen from the link in their mails.
    let (_, token) = app.link_token("redress@example.org").await;
    let r = app
        .client
        .post(format!("{}/subscriptions/manage?token={token}", app.base))
        .form(&[
            ("countries", "KEN"),
            ("principles", "F8"),
            ("language", "en"),
            ("frequency", "weekly"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // This week's digest: the baseline. Next week's tells the news.
    let now = chrono::Utc::now();
    let this_week = Period::containing(now.date_naive());
    deliver::send_period(&app.digest, this_week, now)
        .await
        .unwrap();
    let manager = app
        .account(
            "pm@example.org",
            safeguards_domain::values::Role::ProgrammeManager,
            &[],
        )
        .await;
    for (id, step, body) in [
        (&tabled, "start", json!({})),
        (
            &tabled,
            "achieve",
            json!({"evidence": [{"title": "Hansard record", "url": "https://example.org/hansard"}]}),
        ),
        (
            &also_tabled,
            "block",
            json!({"reason": "Waiting for the cabinet"}),
        ),
    ] {
        let r = app
            .post(&app.admin, &format!("/api/v1/milestones/{id}/{step}"), body)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{step}: {}", r.body);
    }
    let r = app
        .post(
            &manager,
            &format!("/api/v1/milestones/{tabled}/verify"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let next_week = this_week.next();
    let report = deliver::send_period(&app.digest, next_week, now)
        .await
        .unwrap();
    assert_eq!(report.delivered, 2, "{report:?}");

    let mail = last_digest(&smtp, "everything@example.org");
    let text = mail.plain_text();
    let days_late =
        (now.date_naive() - chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()).num_days();
    let summary = "1 milestone verified in 1 country; 1 milestone achieved; 1 milestone blocked; \
                   Kenya's completion rose 33.3 points; 1 milestone overdue.";
    says(
        &text,
        &[
            summary,
            "KENYA · Completion 33.3% (+33.3 points)",
            "* Verified: Bill tabled in parliament\n  Commitment: Adopt a data protection law",
            "* Blocked: Bill tabled in parliament\n  Commitment: Set up a grievance mechanism\n  \
             Waiting for the cabinet",
            "  evidence: Hansard record <https://example.org/hansard>",
            &format!("http://tracker.test/milestones/{tabled}"),
            &format!("due 30 June 2025 · {days_late} days late"),
            &format!("http://tracker.test/milestones/{late}"),
            &format!("http://tracker.test/digests/{next_week}"),
        ],
    );
    // A country with nothing new is left out of an all-countries digest.
    assert!(!text.contains("BRAZIL"), "{text}");
    says(
        &mail.part("html"),
        &[
            &summary.replace('\'', "&#39;"),
            &format!("href=\"http://tracker.test/milestones/{also_tabled}\""),
        ],
    );

    // F8 only: the blocked and the overdue milestone of the redress commitment, nothing of the
    // data protection law.
    let text = last_digest(&smtp, "redress@example.org").plain_text();
    says(
        &text,
        &["1 milestone blocked", "Set up a grievance mechanism"],
    );
    assert!(!text.contains("Adopt a data protection law"), "{text}");
    assert!(!text.contains("Verified:"), "{text}");
    // Without an account, no free-text reason.
    assert!(!text.contains("Waiting for the cabinet"), "{text}");
}

async fn a_monthly_subscriber_gets_one_digest_a_month_and_a_weekly_one_every_week(
    backend: Backend,
) {
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(backend, smtp_mailer(&smtp)).await;
    app.open("KEN").await;
    subscribe_and_confirm(&app, &smtp, "weekly@example.org", &[]).await;
    let r = app
        .subscribe(json!({"email": "monthly@example.org", "frequency": "monthly"}))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let token = link_token(smtp.messages().last().unwrap());
    let r = app
        .client
        .post(format!("{}/subscriptions/confirm", app.base))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Seven weeks from the end of November to mid-January; months count by the period's Monday.
    let mut period = Period::parse("2026-W49").unwrap();
    let mut sent = Vec::new();
    for _ in 0..7 {
        let r = deliver::send_period(&app.digest, period, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!(r.pending, 0, "{r:?}");
        sent.push(period.to_string());
        period = period.next();
    }
    let got = periods_by_address(&smtp);
    assert_eq!(got["weekly@example.org"], sent);
    assert_eq!(
        got["monthly@example.org"],
        ["2026-W49", "2026-W50", "2027-W01"],
        "one a month: November (W49 starts on 30 November), December, January"
    );
}

async fn three_permanent_refusals_suppress_an_address_until_it_confirms_again(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(backend, smtp_mailer(&smtp)).await;
    app.open("KEN").await;
    subscribe_and_confirm(&app, &smtp, "gone@example.org", &[]).await;
    let mut period = Period::parse("2027-W10").unwrap();
    for n in 1..=3 {
        smtp.reject_next_recipients(1);
        let r = deliver::send_period(&app.digest, period, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!(
            (r.recipients, r.delivered, r.failed),
            (1, 0, 1),
            "run {n}: {r:?}"
        );
        period = period.next();
    }
    let me = app.subscriber("gone@example.org").await;
    assert_eq!(me["status"], "suppressed", "{me}");
    assert_eq!(me["failures_in_a_row"], 3, "{me}");
    // The fourth run sends nothing: the address is no longer a recipient.
    let before = smtp.count();
    let r = deliver::send_period(&app.digest, period, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!((r.recipients, r.delivered, r.failed), (0, 0, 0), "{r:?}");
    assert_eq!(
        smtp.count(),
        before,
        "a suppressed address was sent a digest"
    );
    // The manage page says why; subscribing again and confirming lifts it.
    let (_, token) = app.link_token("gone@example.org").await;
    let (_, page) = app
        .page(&format!("/subscriptions/manage?token={token}"))
        .await;
    assert!(page.contains("refused by its mail server three times in a row"));
    subscribe_and_confirm(&app, &smtp, "gone@example.org", &[]).await;
    let r = deliver::send_period(&app.digest, period.next(), chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!((r.recipients, r.delivered), (1, 1), "{r:?}");
    let me = app.subscriber("gone@example.org").await;
    assert_eq!(
        (me["status"].as_str(), me["failures_in_a_row"].as_u64()),
        (Some("confirmed"), Some(0)),
        "{me}"
    );
}

async fn each_digest_has_a_public_web_edition_and_an_atom_feed(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let app = with_public_pages(backend, &smtp).await;
    app.open("KEN").await;
    publish(&app, "KEN").await;
    let law = app.commitment("KEN").await;
    subscribe_and_confirm(&app, &smtp, "private.reader@example.org", &["KEN"]).await;
    let first = Period::parse("2027-W20").unwrap();
    deliver::send_period(&app.digest, first, chrono::Utc::now())
        .await
        .unwrap();
    let m = app.milestone(&law, "2027-03-31").await;
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/milestones/{m}/block"),
            json!({"reason": "Budget not released"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    deliver::send_period(&app.digest, first.next(), chrono::Utc::now())
        .await
        .unwrap();

    // The web edition: no sign-in, the published countries, no reason, no subscriber.
    let (status, html) = app.page(&format!("/digests/{}", first.next())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(read(&html).contains("1 milestone blocked"), "{html}");
    assert!(!html.contains("Budget not released"), "{html}");
    assert!(
        !html.contains("private.reader"),
        "the edition names a subscriber"
    );
    assert!(
        !html.contains("style=\""),
        "inline styles on a page whose policy refuses them"
    );
    let (_, french) = app
        .page(&format!("/digests/{}?lang=fr", first.next()))
        .await;
    assert!(read(&french).contains("1 jalon bloqué"), "{french}");
    for missing in ["2020-W01", "2027-W99", "not-a-week", "%00"] {
        let (status, _) = app.page(&format!("/digests/{missing}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }
    let (_, archive) = app.page("/digests").await;
    assert!(
        archive.contains(&format!("href=\"/digests/{first}\"")),
        "{archive}"
    );

    // The feed: Atom that two feed libraries read, newest first, linking to the editions.
    let r = app
        .client
        .get(format!("{}/digests.atom", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/atom+xml"));
    let xml = r.text().await.unwrap();
    assert!(
        !xml.contains("private.reader"),
        "the feed names a subscriber"
    );
    let feed: atom_syndication::Feed = xml.parse().expect("the feed parses as Atom");
    assert_eq!(feed.entries.len(), 2);
    assert_eq!(
        feed.entries[0].links[0].href,
        format!("http://tracker.test/digests/{}", first.next())
    );
    assert!(read(&feed.entries[0].summary.as_ref().unwrap().value).contains("1 milestone blocked"));
    let out = safeguards_tests::run_with_input(
        "python3",
        &[
            "-c",
            "import sys, feedparser\n\
d = feedparser.parse(sys.stdin.buffer.read())\n\
assert not d.bozo, d.bozo_exception\n\
assert d.version == 'atom10', d.version\n\
print(len(d.entries), d.entries[0].link, d.entries[0].updated)",
        ],
        xml.as_bytes(),
        "tests/run installs feedparser",
    );
    assert!(
        out.status.success(),
        "feedparser refused the feed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.starts_with(&format!("2 http://tracker.test/digests/{}", first.next())),
        "{said}"
    );
}

mod content {
    use super::*;
    on_both_stores!(
        a_digest_tells_what_happened_country_by_country_with_commitments_links_and_lateness,
        a_monthly_subscriber_gets_one_digest_a_month_and_a_weekly_one_every_week,
        three_permanent_refusals_suppress_an_address_until_it_confirms_again,
        each_digest_has_a_public_web_edition_and_an_atom_feed,
    );
}
