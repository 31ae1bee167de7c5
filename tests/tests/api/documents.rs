//! Evidence documents over real HTTP, on both stores and on both storage backends (a local
//! directory, and a real S3-compatible server, `moto_server`, on loopback): upload, download
//! with its headers and ranges, the export verified with its documents, a changed byte named
//! by `verify`; and what hostile uploads and readers get.

use reqwest::StatusCode;
use safeguards::transfer;
use safeguards_domain::values::Role;
use safeguards_infra::evidence::{EvidenceLocation, EvidenceStore};
use safeguards_infra::RawConfig;
use safeguards_tests::app::{Setup, TestApp};
use safeguards_tests::{on_both_stores, Backend, TestDb};
use serde_json::json;
use sha2::Digest;

/// Where a tracker keeps its documents in a test.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kept {
    Dir,
    S3,
}

/// A tracker with public pages on, keeping documents as `kept` says; its store, opened as the
/// tracker opens it, for the test to look into; its data directory.
async fn tracker(backend: Backend, kept: Kept) -> (TestApp, EvidenceStore, std::path::PathBuf) {
    let (location, settings) = match kept {
        Kept::Dir => (None, Vec::new()),
        Kept::S3 => {
            let (location, settings) = safeguards_tests::s3::bucket().await;
            (Some(location), settings)
        }
    };
    let dir = std::env::temp_dir().join(format!("sg-documents-{}", uuid::Uuid::new_v4().simple()));
    let app = TestApp::serve_setup(
        TestDb::new(backend).await,
        Setup {
            raw: RawConfig {
                data_dir: Some(dir.display().to_string()),
                public_pages: Some("on".into()),
                evidence_store: location.clone(),
                ..RawConfig::default()
            },
            evidence_s3: settings.clone(),
            ..Setup::default()
        },
    )
    .await;
    let location = EvidenceLocation::parse(app.app.documents().unwrap().store.location()).unwrap();
    let pairs: Vec<(&str, &str)> = settings
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let store = EvidenceStore::open_with(&location, &pairs).unwrap();
    (app, store, dir)
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// A small PDF (its signature, then text).
fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.7\n%\u{e2}\u{e3}\n1 0 obj << /Title ({text}) >> endobj\n%%EOF\n").into_bytes()
}

/// POST a document to the milestone as `token`: (status, body).
async fn upload(
    app: &TestApp,
    token: &str,
    milestone: &str,
    file_name: &str,
    bytes: Vec<u8>,
    title: &str,
) -> (StatusCode, serde_json::Value) {
    let form = reqwest::multipart::Form::new()
        .text("title", title.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes)
                .file_name(file_name.to_string())
                .mime_str("application/octet-stream")
                .unwrap(),
        );
    let r = app
        .client
        .post(format!(
            "{}/api/v1/milestones/{milestone}/evidence/files",
            app.base
        ))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

/// GET a document as `token` (none: without a sign-in), with `headers`.
async fn download(
    app: &TestApp,
    token: Option<&str>,
    sha: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = app.client.get(format!("{}/evidence/{sha}", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

/// An export of the whole log into a file of its own, signed with the ledger key the tracker
/// keeps in `data_dir`.
async fn export(app: &TestApp, data_dir: &std::path::Path) -> std::path::PathBuf {
    safeguards_tests::wait_until_all_visible(&app.db.db).await;
    let seed = std::fs::read_to_string(data_dir.join("ledger.key")).unwrap();
    let key = safeguards_infra::ledger::signing_key(&seed).unwrap();
    let mut file = Vec::new();
    transfer::export(&app.db.db, 0, Some(&key), &mut file, &|_| {})
        .await
        .unwrap();
    let path = std::env::temp_dir().join(format!("sg-export-{}.jsonl", uuid::Uuid::new_v4()));
    std::fs::write(&path, file).unwrap();
    path
}

/// Replace the stored bytes of `sha` in `store` (a directory or the S3 server) with `bytes`.
async fn overwrite(store: &EvidenceStore, sha: &str, bytes: Vec<u8>) {
    match EvidenceLocation::parse(store.location()).unwrap() {
        EvidenceLocation::Dir(dir) => std::fs::write(dir.join(sha), bytes).unwrap(),
        EvidenceLocation::S3 { bucket, prefix } => {
            let url = safeguards_tests::s3::server().await;
            // The S3 server checks that a write names credentials, not their signature.
            let r = reqwest::Client::new()
                .put(format!("{url}/{bucket}/{prefix}/{sha}"))
                .header(
                    "authorization",
                    "AWS4-HMAC-SHA256 Credential=test/20261208/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00",
                )
                .header("x-amz-date", "20261208T000000Z")
                .body(bytes)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{}", r.status());
        }
    }
}

async fn a_focal_point_attaches_a_document_that_is_served_as_an_attachment_and_verified_with_the_export(
    backend: Backend,
) {
    for kept in [Kept::Dir, Kept::S3] {
        let (app, store, data_dir) = tracker(backend, kept).await;
        let (m, fp) = app.kenya_milestone_and_its_focal_point().await;
        let bytes = pdf("Décret portant création de l'autorité de protection des données");
        let sha = sha256(&bytes);
        let (status, body) = upload(
            &app,
            &fp,
            &m,
            "../../etc/décret n°12.pdf",
            bytes.clone(),
            "Signed decree",
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{kept:?}: {body}");
        assert_eq!(body["sha256"], sha.as_str());
        assert_eq!(body["size"], bytes.len());
        assert_eq!(body["media_type"], "application/pdf");
        assert!(body["version"].as_u64().unwrap() >= 3);
        assert!(body["position"].as_i64().unwrap() > 0);

        // The milestone lists it; the name is its last segment, stored under the hash only.
        let got = app.get(&fp, &format!("/api/v1/milestones/{m}")).await;
        assert_eq!(
            got.body["evidence_files"],
            json!([{"title": "Signed decree", "sha256": sha, "size": bytes.len(),
                    "media_type": "application/pdf", "file_name": "décret n°12.pdf"}]),
            "{kept:?}"
        );
        let stored: Vec<String> = store
            .list()
            .await
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(stored, vec![sha.clone()], "{kept:?}");

        // Served as an attachment that runs nothing, whole and in ranges.
        let r = download(&app, Some(&fp), &sha, &[]).await;
        assert_eq!(r.status(), StatusCode::OK);
        let h = r.headers().clone();
        assert_eq!(h["content-type"], "application/pdf");
        assert_eq!(h["content-security-policy"], "sandbox; default-src 'none'");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["etag"], format!("\"{sha}\"").as_str());
        assert_eq!(h["accept-ranges"], "bytes");
        let disposition = h["content-disposition"].to_str().unwrap();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert!(
            disposition.contains("filename*=UTF-8''d%C3%A9cret%20n%C2%B012.pdf"),
            "{disposition}"
        );
        assert_eq!(r.bytes().await.unwrap().as_ref(), bytes.as_slice());
        let r = download(&app, Some(&fp), &sha, &[("range", "bytes=0-3")]).await;
        assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(
            r.headers()["content-range"],
            format!("bytes 0-3/{}", bytes.len()).as_str()
        );
        assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF");
        let r = download(&app, Some(&fp), &sha, &[("range", "bytes=-5")]).await;
        assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(r.bytes().await.unwrap().as_ref(), &bytes[bytes.len() - 5..]);
        let r = download(&app, Some(&fp), &sha, &[("range", "bytes=9999-")]).await;
        assert_eq!(r.status(), StatusCode::RANGE_NOT_SATISFIABLE);
        let etag = format!("\"{sha}\"");
        let r = download(&app, Some(&fp), &sha, &[("if-none-match", etag.as_str())]).await;
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);

        // The same document twice on one milestone: 409, nothing recorded.
        let before = app.event_count().await;
        let (status, body) = upload(&app, &fp, &m, "copy.pdf", bytes.clone(), "Again").await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(app.event_count().await, before);

        // The export verifies with its documents; one changed byte is named, then a missing file.
        let file = export(&app, &data_dir).await;
        transfer::verify_file(&file, None, true).unwrap();
        let report = transfer::verify_documents_in(&file, &store).await.unwrap();
        assert!(report.starts_with("1 evidence documents match"), "{report}");
        let mut changed = bytes.clone();
        changed[20] ^= 1;
        overwrite(&store, &sha, changed).await;
        let err = transfer::verify_documents_in(&file, &store)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains(": line "), "{err}");
        assert!(
            err.contains(&sha) && err.contains("differs"),
            "{kept:?}: {err}"
        );
        assert_eq!(
            download(&app, Some(&fp), &sha, &[])
                .await
                .bytes()
                .await
                .unwrap()[20],
            bytes[20] ^ 1,
            "served as stored: verify is what finds the change"
        );
        overwrite(&store, &sha, bytes.clone()).await;
        transfer::verify_documents_in(&file, &store).await.unwrap();
        let check = transfer::check_store(&app.db.db, &store).await.unwrap();
        assert_eq!(
            (check.recorded, check.faults.len(), check.unnamed.len()),
            (1, 0, 0)
        );

        // A move to another database keeps the store: the import checks it holds every file.
        let to = TestDb::new(backend).await;
        let import = |store: EvidenceStore| {
            let (to, file) = (&to, &file);
            async move {
                transfer::import(
                    &to.db,
                    safeguards_tests::app::SECRET,
                    &store,
                    std::io::BufReader::new(std::fs::File::open(file).unwrap()),
                    &|_| {},
                )
                .await
            }
        };
        let err = import(safeguards_tests::evidence_dir()).await.unwrap_err();
        assert!(
            err.to_string().contains("is not in the evidence store"),
            "{err}"
        );
        assert_eq!(safeguards_infra::feed::count(&to.db).await.unwrap(), 0);
        import(store.clone()).await.unwrap();
        let _ = std::fs::remove_file(&file);
    }
}

/// The bytes of a zip holding `parts`, each deflated.
fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    for (name, bytes) in parts {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

async fn hostile_documents_and_readers_get_a_clear_refusal_and_nothing_is_recorded(
    backend: Backend,
) {
    let (app, store, _) = tracker(backend, Kept::Dir).await;
    let (m, fp) = app.kenya_milestone_and_its_focal_point().await;
    app.account("bra@gov.br", Role::FocalPoint, &["BRA"]).await;
    let bra = app
        .token("bra@gov.br", safeguards_tests::app::PASSWORD)
        .await;
    app.account("viewer@un.org", Role::Viewer, &[]).await;
    let viewer = app
        .token("viewer@un.org", safeguards_tests::app::PASSWORD)
        .await;
    let before = app.event_count().await;
    let html = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>".to_vec();
    let bomb = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", &vec![0u8; 50 * 1024 * 1024]),
    ]);
    assert!(bomb.len() < 200 * 1024);
    let cases: Vec<(&str, &str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "an HTML page named .pdf",
            "report.pdf",
            html,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "markup",
        ),
        (
            "a zip bomb named .docx",
            "report.docx",
            bomb,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unpack",
        ),
        (
            "a program named .png",
            "photo.png",
            b"MZ\x90\0\x03\0\0\0\x04\0".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not accepted",
        ),
        (
            "an empty file",
            "empty.txt",
            Vec::new(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "empty",
        ),
    ];
    for (what, name, bytes, expected, says) in cases {
        let (status, body) = upload(&app, &fp, &m, name, bytes, "Report").await;
        assert_eq!(status, expected, "{what}: {body}");
        assert!(
            body["detail"].as_str().unwrap_or_default().contains(says),
            "{what}: {body}"
        );
    }
    // Who may not add evidence here: refused before the file is read.
    for (who, token, expected) in [
        (
            "a focal point of another country",
            bra.as_str(),
            StatusCode::FORBIDDEN,
        ),
        ("a viewer", viewer.as_str(), StatusCode::FORBIDDEN),
        ("nobody signed in", "", StatusCode::UNAUTHORIZED),
    ] {
        let (status, body) = upload(&app, token, &m, "decree.pdf", pdf("x"), "Decree").await;
        assert_eq!(status, expected, "{who}: {body}");
    }
    // A milestone that does not exist; a form without a title, without a file, with another field.
    let (status, _) = upload(
        &app,
        &fp,
        &uuid::Uuid::new_v4().to_string(),
        "d.pdf",
        pdf("x"),
        "D",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = upload(&app, &fp, &m, "d.pdf", pdf("x"), "  ").await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("title"))
    );
    let url = format!("{}/api/v1/milestones/{m}/evidence/files", app.base);
    for (what, form, field) in [
        (
            "no file",
            reqwest::multipart::Form::new().text("title", "T"),
            "file",
        ),
        (
            "another field",
            reqwest::multipart::Form::new()
                .text("title", "T")
                .text("path", "/etc/passwd"),
            "path",
        ),
    ] {
        let r = app
            .client
            .post(&url)
            .bearer_auth(&fp)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["field"], field, "{what}");
    }
    let r = app
        .client
        .post(&url)
        .bearer_auth(&fp)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    assert_eq!(
        app.event_count().await,
        before,
        "a refusal recorded something"
    );
    assert!(
        store.list().await.unwrap().is_empty(),
        "a refused file was stored"
    );

    // A polyglot (a PDF that is also HTML) is taken as a PDF and never served as a page.
    let polyglot = b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF".to_vec();
    let (status, body) = upload(&app, &fp, &m, "x.html", polyglot, "Polyglot").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let sha = body["sha256"].as_str().unwrap().to_string();
    let r = download(&app, Some(&viewer), &sha, &[]).await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "every signed-in reader reads every milestone"
    );
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(
        r.headers()["content-security-policy"],
        "sandbox; default-src 'none'"
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"x.pdf\""));

    // The public side: only a verified milestone of a published country.
    let public = |sha: String| {
        let app = &app;
        async move { download(app, None, &sha, &[]).await.status() }
    };
    assert_eq!(
        public(sha.clone()).await,
        StatusCode::NOT_FOUND,
        "not verified, not published"
    );
    for step in ["achieve", "verify"] {
        let body = if step == "achieve" {
            json!({"evidence": [{"title": "Gazette", "url": "https://example.org/gazette"}]})
        } else {
            json!({})
        };
        let token = if step == "achieve" { &fp } else { &app.admin };
        let r = app
            .post(token, &format!("/api/v1/milestones/{m}/{step}"), body)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{step}: {}", r.body);
    }
    assert_eq!(
        public(sha.clone()).await,
        StatusCode::NOT_FOUND,
        "verified, not published"
    );
    let r = app
        .post(&app.admin, "/api/v1/engagements/KEN/publish", json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    app.settled().await;
    assert_eq!(
        public(sha.clone()).await,
        StatusCode::OK,
        "verified and published"
    );
    // Without a sign-in, the sender's name for the file (it may name a person) is not given.
    let r = download(&app, None, &sha, &[]).await;
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(
        disposition,
        format!(
            "attachment; filename=\"document-{}.pdf\"; filename*=UTF-8''document-{}.pdf",
            &sha[..12],
            &sha[..12]
        )
    );
    let r = app
        .post(
            &app.admin,
            "/api/v1/engagements/KEN/unpublish",
            json!({"reason": "review"}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    app.settled().await;
    assert_eq!(
        public(sha.clone()).await,
        StatusCode::NOT_FOUND,
        "unpublished again"
    );
    // A hash no milestone names, and one that is not a hash.
    assert_eq!(
        download(&app, Some(&fp), &"0".repeat(64), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        download(&app, Some(&fp), "../../secret.key", &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // A verified milestone takes no more evidence.
    let (status, _) = upload(&app, &fp, &m, "late.pdf", pdf("late"), "Late").await;
    assert_eq!(status, StatusCode::CONFLICT);
}

on_both_stores!(
    a_focal_point_attaches_a_document_that_is_served_as_an_attachment_and_verified_with_the_export,
    hostile_documents_and_readers_get_a_clear_refusal_and_nothing_is_recorded,
);
