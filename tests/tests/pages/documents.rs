//! "Attach a document" on the milestone page, without JavaScript: what it says before a file is
//! chosen, the document listed with its kind and size, on the verification queue beside the
//! report and on the public page once verified; and what every role, a form without the
//! session's token, a file of another kind and one past the limit get.

use reqwest::{Method, StatusCode};
use safeguards_domain::values::Role;
use safeguards_infra::RawConfig;
use safeguards_tests::app::{Setup, TestApp};
use safeguards_tests::forms::{attr, Session};
use safeguards_tests::{on_both_stores, Backend, TestDb};
use serde_json::json;

/// Post the milestone page's form as `who`: the status and the page.
async fn attach(
    who: &Session,
    milestone: &str,
    csrf: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, String) {
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_string())
        .text("title", "Décret signé")
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string()),
        );
    let r = who
        .request(
            Method::POST,
            &format!("/milestones/{milestone}/evidence/files"),
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.text().await.unwrap())
}

async fn page(who: &Session, path: &str) -> String {
    let (status, body) = who.get(path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    String::from_utf8(body).unwrap()
}

async fn a_focal_point_attaches_a_document_on_the_milestone_page_and_every_reader_sees_it_with_its_size(
    backend: Backend,
) {
    let app = TestApp::serve_setup(
        TestDb::new(backend).await,
        Setup {
            raw: RawConfig {
                public_pages: Some("on".into()),
                evidence_max_bytes: Some("100000".into()),
                ..RawConfig::default()
            },
            ..Setup::default()
        },
    )
    .await;
    let m = app
        .kenya_focal_point_and_a_started_milestone("fp@ict.go.ke", 20)
        .await;
    app.account("pm@un.org", Role::ProgrammeManager, &[]).await;
    app.account("bra@gov.br", Role::FocalPoint, &["BRA"]).await;
    app.account("viewer@un.org", Role::Viewer, &[]).await;
    let fp = Session::signed_in(&app.base, "fp@ict.go.ke").await;
    let path = format!("/milestones/{m}");

    // Before a file is chosen: what is accepted and up to what size; a form that sends files.
    let html = page(&fp, &path).await;
    assert!(html.contains("enctype=\"multipart/form-data\""), "{html}");
    assert!(html.contains("type=\"file\""));
    assert!(
        html.contains(
            // (Inserted values are isolated: U+2068 … U+2069.)
            "Accepted: \u{2068}PDF, PNG, JPG, WEBP, DOCX, XLSX, PPTX, ODT, ODS, CSV, TXT\u{2069}. At most \u{2068}98 KB\u{2069}."
        ),
        "{html}"
    );
    assert!(!html.contains("<script"));
    let csrf = attr(&html, "name=\"csrf\" value=\"");

    // Every role that may not add evidence here is offered no form and refused, nothing stored.
    let before = app.event_count().await;
    for email in ["bra@gov.br", "viewer@un.org"] {
        let who = Session::signed_in(&app.base, email).await;
        let html = page(&who, &path).await;
        assert!(
            !html.contains("evidence/files"),
            "{email} is offered the form"
        );
        // Their session's own token, from a page that has forms for them.
        let their_csrf = attr(&page(&who, "/account").await, "name=\"csrf\" value=\"");
        let (status, _) = attach(&who, &m, &their_csrf, "d.pdf", b"%PDF-1.7 x".to_vec()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email}");
    }
    // Without the session's token, of another kind, past the limit: refused, said, kept nothing.
    let (status, _) = attach(&fp, &m, "forged", "d.pdf", b"%PDF-1.7 x".to_vec()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, html) = attach(
        &fp,
        &m,
        &csrf,
        "d.pdf",
        b"<html><script>x</script>".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        html.contains("web pages and other markup are not accepted"),
        "{html}"
    );
    assert!(
        html.contains("value=\"Décret signé\""),
        "the title typed is kept"
    );
    let mut large = b"%PDF-1.7 ".to_vec();
    large.resize(300_000, b'0');
    let (status, html) = attach(&fp, &m, &csrf, "d.pdf", large).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        html.contains("The file is larger than \u{2068}98 KB\u{2069}; nothing was stored."),
        "{html}"
    );
    assert_eq!(
        app.event_count().await,
        before,
        "a refusal recorded something"
    );

    // Attached: back to the page with a confirmation, listed with its kind and size.
    let pdf = {
        let mut b = b"%PDF-1.7\n".to_vec();
        b.resize(2500, b' ');
        b
    };
    let (status, _) = attach(&fp, &m, &csrf, "décret.pdf", pdf.clone()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let html = page(&fp, &format!("{path}?done=evidence/files")).await;
    assert!(
        html.contains(":</strong> Attach a document</div>"),
        "a confirmation"
    );
    assert!(
        html.contains("Décret signé</span></a> <span class=\"muted\">(PDF, 3 KB)</span>"),
        "{html}"
    );
    let href = attr(&html, "<a href=\"/evidence/");
    let r = fp
        .request(Method::GET, &format!("/evidence/{href}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"d_cret.pdf\""));
    assert_eq!(r.bytes().await.unwrap().as_ref(), pdf.as_slice());
    assert!(html.contains("document attached"), "the history says so");

    // Reported achieved: the verification queue shows it beside the report.
    let r = app
        .post(
            &app.token("fp@ict.go.ke", safeguards_tests::app::PASSWORD)
                .await,
            &format!("/api/v1/milestones/{m}/achieve"),
            json!({}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "an attached document is evidence enough: {}",
        r.body
    );
    let pm = Session::signed_in(&app.base, "pm@un.org").await;
    let review = page(&pm, "/review").await;
    assert!(review.contains(&format!("/evidence/{href}")), "{review}");
    assert!(review.contains("(PDF, 3 KB)"));

    // The public page lists it only once verified and published.
    let r = app
        .post(&app.admin, "/api/v1/engagements/KEN/publish", json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let public = || async {
        app.settled().await;
        app.page("/public/countries/KEN").await.1
    };
    assert!(!public().await.contains("/evidence/"));
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/milestones/{m}/verify"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let shown = public().await;
    assert!(shown.contains(&format!("/evidence/{href}")), "{shown}");
}

on_both_stores!(
    a_focal_point_attaches_a_document_on_the_milestone_page_and_every_reader_sees_it_with_its_size,
);
