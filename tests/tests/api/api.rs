//! The JSON API over real HTTP, on SQLite and on PostgreSQL.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use safeguards_domain::values::Role;
use safeguards_tests::app::TestApp;
use safeguards_tests::{on_both_stores, Backend};
use serde_json::{json, Value};

async fn the_full_life_of_a_country(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let pm = app.account("pm@un.org", Role::ProgrammeManager, &[]).await;
    let pm2 = app.account("pm2@un.org", Role::ProgrammeManager, &[]).await;
    let fp = app
        .account("fp@ict.go.ke", Role::FocalPoint, &["KEN"])
        .await;

    let r = app
        .post(
            &pm,
            "/api/v1/engagements",
            json!({"country": "KEN", "lead": "Ministry of ICT", "started_on": "2025-05-01",
                   "dpi_systems": [{"type": "digital_id", "stage": "L2"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["id"], "KEN");
    assert!(r.body["position"].as_i64().unwrap() > 0);

    let r = app
        .post(
            &fp,
            "/api/v1/engagements/KEN/activities",
            json!({"kind": "commitment_letter", "title": "Letter signed by the Cabinet Secretary",
                   "held_on": "2025-06-12", "authorities": ["R1"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let e = app.get(&fp, "/api/v1/engagements/KEN").await;
    assert_eq!(e.body["status"], "committed");
    assert_eq!(e.headers["etag"], format!("\"{}\"", e.body["version"]));

    let r = app
        .post(
            &fp,
            "/api/v1/engagements/KEN/commitments",
            json!({"title": "Adopt a data protection law", "principles": ["O3", "F4"], "risks": ["RS1"],
                   "authority": "R2", "stage": "L2", "dpi_system": "digital_id",
                   "process_refs": ["O3.7"], "due_on": "2027-06-30"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let commitment = r.id();
    let r = app
        .post(
            &fp,
            &format!("/api/v1/commitments/{commitment}/milestones"),
            json!({"title": "Bill tabled", "due_on": "2027-01-31", "stage": "L3"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let milestone = r.id();
    let m = |step: &str| format!("/api/v1/milestones/{milestone}/{step}");

    for (step, body) in [
        ("start", json!({"note": "drafting"})),
        ("progress", json!({"percent": 40, "note": "first reading"})),
        ("block", json!({"reason": "parliament in recess"})),
        ("unblock", json!({})),
        ("progress", json!({"percent": 90})),
        (
            "achieve",
            json!({"evidence": [{"title": "Hansard", "url": "https://parliament.go.ke/hansard/1"}]}),
        ),
    ] {
        let r = app.post(&fp, &m(step), body).await;
        assert_eq!(r.status, StatusCode::OK, "{step}: {}", r.body);
    }
    // The focal point may not verify at all; a programme manager may.
    let r = app.post(&fp, &m("verify"), json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app
        .post(&pm, &m("reject"), json!({"reason": "link is broken"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A programme manager who reports the achievement cannot verify it; another one can.
    let r = app
        .post(
            &pm,
            &m("achieve"),
            json!({"evidence": [{"title": "Hansard", "url": "https://parliament.go.ke/hansard/2"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.post(&pm, &m("verify"), json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app
        .post(&pm2, &m("verify"), json!({"note": "checked"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let c = app
        .get(&fp, &format!("/api/v1/commitments/{commitment}"))
        .await;
    assert_eq!(c.body["fulfilled"], true, "{}", c.body);
    let milestone_view = app
        .get(&fp, &format!("/api/v1/milestones/{milestone}"))
        .await;
    assert_eq!(milestone_view.body["status"], "verified");

    let history = app.get(&fp, &m("history")).await;
    let types: Vec<&str> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        vec![
            "MilestoneAdded",
            "MilestoneStarted",
            "ProgressReported",
            "MilestoneBlocked",
            "MilestoneUnblocked",
            "ProgressReported",
            "MilestoneAchieved",
            "VerificationRejected",
            "MilestoneAchieved",
            "MilestoneVerified"
        ]
    );
    let entries = history.body.as_array().unwrap();
    let sequences: Vec<i64> = entries
        .iter()
        .map(|e| e["sequence"].as_i64().unwrap())
        .collect();
    assert_eq!(sequences, (1..=10).collect::<Vec<_>>());
    assert!(entries
        .windows(2)
        .all(|w| w[0]["position"].as_i64() < w[1]["position"].as_i64()));
    assert_eq!(entries[0]["actor_name"], "fp@ict.go.ke");
    assert_eq!(entries[9]["actor_name"], "pm2@un.org");

    let progress = app.get(&pm, "/api/v1/progress").await;
    assert_eq!(progress.body["countries"][0]["country"], "KEN");
    assert_eq!(progress.body["countries"][0]["milestones"]["verified"], 1);
    assert_eq!(progress.body["countries"][0]["completion"], 100.0);
    let engagement_history = app.get(&pm, "/api/v1/engagements/KEN/history").await;
    assert_eq!(engagement_history.body.as_array().unwrap().len(), 4);
}

/// Every mutating route, for every role, in the focal point's own country and in another.
async fn the_authorization_matrix_holds_for_every_mutating_route(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    app.open("BRA").await;
    let fp_account = app
        .post(
            &app.admin,
            "/api/v1/accounts",
            json!({"email": "x@y.org", "name": "X", "role": "viewer"}),
        )
        .await;
    assert_eq!(fp_account.status, StatusCode::CREATED);
    let target_account = fp_account.id();
    let tokens = [
        ("admin", app.admin.clone()),
        (
            "programme_manager",
            app.account("pm@un.org", Role::ProgrammeManager, &[]).await,
        ),
        (
            "focal_point",
            app.account("fp@ict.go.ke", Role::FocalPoint, &["KEN"])
                .await,
        ),
        ("viewer", app.account("v@un.org", Role::Viewer, &[]).await),
    ];
    // (route, whether a focal point may do it in their own country, whether it is admin-only)
    #[derive(Clone, Copy, PartialEq)]
    enum Who {
        AdminOnly,
        Managers,
        ManagersAndOwnFocalPoint,
    }
    for country in ["KEN", "BRA"] {
        for (role, token) in &tokens {
            let commitment = app.commitment(country).await;
            let milestone = app.milestone(&commitment, "2027-01-31").await;
            let achieved = app.milestone(&commitment, "2027-01-31").await;
            for step in ["start", "achieve"] {
                let body = if step == "achieve" {
                    json!({"evidence": [{"title": "x", "url": "https://e.org/x"}]})
                } else {
                    json!({})
                };
                let r = app
                    .post(
                        &app.admin,
                        &format!("/api/v1/milestones/{achieved}/{step}"),
                        body,
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK);
            }
            let cases: Vec<(Method, String, Value, Who)> = vec![
                (
                    Method::POST,
                    "/api/v1/accounts".into(),
                    json!({"email": format!("n-{role}-{country}@y.org"), "name": "N", "role": "viewer"}),
                    Who::AdminOnly,
                ),
                (
                    Method::POST,
                    format!("/api/v1/accounts/{target_account}/role"),
                    json!({"role": "viewer", "countries": [country]}),
                    Who::AdminOnly,
                ),
                (
                    Method::POST,
                    "/api/v1/engagements".into(),
                    json!({"country": if country == "KEN" { "UGA" } else { "ZAF" }, "lead": "L", "started_on": "2025-01-01"}),
                    Who::Managers,
                ),
                (
                    Method::POST,
                    format!("/api/v1/engagements/{country}/activities"),
                    json!({"kind": "workshop", "title": "T", "held_on": "2025-02-01"}),
                    Who::ManagersAndOwnFocalPoint,
                ),
                (
                    Method::POST,
                    format!("/api/v1/engagements/{country}/dpi-systems"),
                    json!({"type": "other", "stage": "L1"}),
                    Who::Managers,
                ),
                (
                    Method::POST,
                    format!("/api/v1/engagements/{country}/dpi-systems/other/stage"),
                    json!({"stage": "L2"}),
                    Who::Managers,
                ),
                (
                    Method::POST,
                    format!("/api/v1/engagements/{country}/focal-points"),
                    json!({"account_id": target_account}),
                    Who::Managers,
                ),
                (
                    Method::DELETE,
                    format!("/api/v1/engagements/{country}/focal-points/{target_account}"),
                    Value::Null,
                    Who::Managers,
                ),
                (
                    Method::POST,
                    format!("/api/v1/engagements/{country}/status"),
                    json!({"status": "paused"}),
                    Who::Managers,
                ),
                (
                    Method::POST,
                    format!("/api/v1/engagements/{country}/commitments"),
                    json!({"title": "T", "principles": ["F1"], "authority": "R1", "stage": "L1", "due_on": "2027-01-01"}),
                    Who::ManagersAndOwnFocalPoint,
                ),
                (
                    Method::POST,
                    format!("/api/v1/commitments/{commitment}/revise"),
                    json!({"title": format!("Revised by {role}")}),
                    Who::ManagersAndOwnFocalPoint,
                ),
                (
                    Method::POST,
                    format!("/api/v1/commitments/{commitment}/milestones"),
                    json!({"title": "M", "due_on": "2027-01-01"}),
                    Who::ManagersAndOwnFocalPoint,
                ),
                (
                    Method::POST,
                    format!("/api/v1/milestones/{milestone}/start"),
                    json!({}),
                    Who::ManagersAndOwnFocalPoint,
                ),
                (
                    Method::POST,
                    format!("/api/v1/milestones/{milestone}/progress"),
                    json!({"percent": 10}),
                    Who::ManagersAndOwnFocalPoint,
                ),
                (
                    Method::POST,
                    format!("/api/v1/milestones/{milestone}/block"),
                    json!({"reason": "r"}),
                    Who::ManagersAndOwnFocalPoint,
                ),
                (
                    Method::POST,
                    format!("/api/v1/milestones/{milestone}/unblock"),
                    json!({}),
                    Who::ManagersAndOwnFocalPoint,
                ),
                (
                    Method::POST,
                    format!("/api/v1/milestones/{milestone}/achieve"),
                    json!({"evidence": [{"title": "x", "url": "https://e.org/x"}]}),
                    Who::ManagersAndOwnFocalPoint,
                ),
                (
                    Method::POST,
                    format!("/api/v1/milestones/{milestone}/reschedule"),
                    json!({"due_on": "2028-01-01", "reason": "r"}),
                    Who::ManagersAndOwnFocalPoint,
                ),
                (
                    Method::POST,
                    format!("/api/v1/milestones/{achieved}/reject"),
                    json!({"reason": "r"}),
                    Who::Managers,
                ),
                (
                    Method::POST,
                    format!("/api/v1/milestones/{achieved}/verify"),
                    json!({}),
                    Who::Managers,
                ),
                (
                    Method::POST,
                    format!("/api/v1/milestones/{milestone}/cancel"),
                    json!({"reason": "r"}),
                    Who::ManagersAndOwnFocalPoint,
                ),
                (
                    Method::POST,
                    format!("/api/v1/commitments/{commitment}/withdraw"),
                    json!({"reason": "r"}),
                    Who::ManagersAndOwnFocalPoint,
                ),
                (
                    Method::POST,
                    format!("/api/v1/accounts/{target_account}/second-factor/reset"),
                    json!({"reason": "phone lost"}),
                    Who::AdminOnly,
                ),
                (
                    Method::POST,
                    format!("/api/v1/accounts/{target_account}/organisation-only"),
                    json!({"only": false}),
                    Who::AdminOnly,
                ),
                (
                    Method::POST,
                    format!("/api/v1/accounts/{target_account}/organisation/unlink"),
                    json!({}),
                    Who::AdminOnly,
                ),
                (
                    Method::POST,
                    format!("/api/v1/accounts/{target_account}/disable"),
                    json!({}),
                    Who::AdminOnly,
                ),
                // Refused before the body is read: a JSON body is enough to ask.
                (
                    Method::POST,
                    format!("/api/v1/milestones/{milestone}/evidence/files"),
                    json!({}),
                    Who::ManagersAndOwnFocalPoint,
                ),
            ];
            for (method, path, body, who) in cases {
                let allowed = match (*role, who) {
                    ("admin", _) => true,
                    ("programme_manager", w) => w != Who::AdminOnly,
                    ("focal_point", Who::ManagersAndOwnFocalPoint) => country == "KEN",
                    _ => false,
                };
                let body = if body.is_null() { None } else { Some(body) };
                let before = app.event_count().await;
                let r = app.call(method.clone(), token, &path, body).await;
                if allowed {
                    // Allowed: never refused for the role (the state may still say 404 or 409).
                    assert!(
                        r.status != StatusCode::FORBIDDEN
                            && r.status != StatusCode::UNAUTHORIZED
                            && !r.status.is_server_error()
                            && r.status != StatusCode::UNPROCESSABLE_ENTITY,
                        "{role} in {country}: {method} {path} -> {} {}",
                        r.status,
                        r.body
                    );
                } else {
                    assert_eq!(
                        r.status,
                        StatusCode::FORBIDDEN,
                        "{role} in {country}: {method} {path} -> {}",
                        r.body
                    );
                    assert_eq!(
                        app.event_count().await,
                        before,
                        "a refused request appended events"
                    );
                }
            }
            // Undo the pause so the next round starts from an active engagement.
            let r = app
                .post(
                    &app.admin,
                    "/api/v1/engagements/KEN/status",
                    json!({"status": "committed"}),
                )
                .await;
            assert!(r.status.is_success() || r.status == StatusCode::CONFLICT);
            let r = app
                .post(
                    &app.admin,
                    "/api/v1/engagements/BRA/status",
                    json!({"status": "committed"}),
                )
                .await;
            assert!(r.status.is_success() || r.status == StatusCode::CONFLICT);
        }
    }
}

fn is_problem(r: &safeguards_tests::app::Reply, status: StatusCode) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.content_type(), "application/problem+json");
    assert_eq!(r.body["status"], status.as_u16());
    assert!(
        r.body["title"].is_string() && r.body["detail"].is_string() && r.body["type"].is_string()
    );
    // A code to key on, whatever the English detail says.
    let code = r.body["code"].as_str().unwrap_or_default();
    let expected = match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::CONFLICT => "conflict",
        StatusCode::PRECONDITION_FAILED => "stale",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid",
        _ => code,
    };
    assert_eq!(code, expected, "{}", r.body);
}

async fn each_error_class_is_problem_json_and_appends_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let commitment = app.commitment("KEN").await;
    let milestone = app.milestone(&commitment, "2027-01-31").await;
    let viewer = app.account("v@un.org", Role::Viewer, &[]).await;
    let before = app.event_count().await;
    let url = |p: &str| format!("{}{p}", app.base);

    // 400: malformed JSON.
    let r = app
        .client
        .post(url("/api/v1/engagements"))
        .bearer_auth(&app.admin)
        .header("content-type", "application/json")
        .body("{\"country\": ")
        .send()
        .await
        .unwrap();
    let r = reply(r).await;
    is_problem(&r, StatusCode::BAD_REQUEST);

    // 400: JSON nested past any sane depth, and bytes that are not UTF-8.
    for body in [
        format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        b"{\"country\": \"\xff\xfe\", \"lead\": \"L\", \"started_on\": \"2025-01-01\"}".to_vec(),
    ] {
        let r = app
            .client
            .post(url("/api/v1/engagements"))
            .bearer_auth(&app.admin)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let r = reply(r).await;
        assert!(
            r.status == StatusCode::BAD_REQUEST || r.status == StatusCode::UNPROCESSABLE_ENTITY,
            "{:?}",
            r.status
        );
        assert_eq!(r.content_type(), "application/problem+json");
    }
    // 422: a huge string inside the body limit.
    let r = app
        .post(
            &app.admin,
            "/api/v1/engagements",
            json!({"country": "UGA", "lead": "x".repeat(60_000), "started_on": "2025-01-01"}),
        )
        .await;
    is_problem(&r, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["field"], "lead");

    // 401: no token, a forged token; unknown e-mail and wrong password alike.
    is_problem(
        &app.get("", "/api/v1/progress").await,
        StatusCode::UNAUTHORIZED,
    );
    is_problem(
        &app.get("forged.token", "/api/v1/progress").await,
        StatusCode::UNAUTHORIZED,
    );
    let unknown = app.sign_in("nobody@x.org", "whatever123").await;
    let wrong = app.sign_in(&app.admin_email, "whatever123").await;
    is_problem(&unknown, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.body, wrong.body);

    // 403.
    is_problem(
        &app.post(
            &viewer,
            &format!("/api/v1/milestones/{milestone}/start"),
            json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
    );

    // 404: unknown country, commitment, milestone, route.
    is_problem(
        &app.get(&app.admin, "/api/v1/engagements/BRA").await,
        StatusCode::NOT_FOUND,
    );
    is_problem(
        &app.get(&app.admin, "/api/v1/engagements/XXX").await,
        StatusCode::NOT_FOUND,
    );
    is_problem(
        &app.get(&app.admin, "/api/v1/commitments/nope").await,
        StatusCode::NOT_FOUND,
    );
    is_problem(
        &app.post(&app.admin, "/api/v1/milestones/nope/start", json!({}))
            .await,
        StatusCode::NOT_FOUND,
    );
    is_problem(
        &app.get(&app.admin, "/api/v1/nothing-here").await,
        StatusCode::NOT_FOUND,
    );

    // 409: a duplicate engagement, an illegal transition.
    is_problem(
        &app.post(
            &app.admin,
            "/api/v1/engagements",
            json!({"country": "KEN", "lead": "L", "started_on": "2025-01-01"}),
        )
        .await,
        StatusCode::CONFLICT,
    );
    is_problem(
        &app.post(
            &app.admin,
            &format!("/api/v1/milestones/{milestone}/verify"),
            json!({}),
        )
        .await,
        StatusCode::CONFLICT,
    );

    // 412: a stale If-Match.
    let r = app
        .call_with(
            Method::POST,
            &app.admin,
            &format!("/api/v1/milestones/{milestone}/start"),
            Some(json!({})),
            &[("if-match", "\"7\"")],
        )
        .await;
    is_problem(&r, StatusCode::PRECONDITION_FAILED);

    // 413: a body over the limit is refused from its Content-Length, before it is sent (a
    // client still writing it could otherwise not read the answer).
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = app.base.trim_start_matches("http://");
        let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "POST /api/v1/engagements HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            app.admin,
            200 * 1024
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        let mut answer = String::new();
        tokio::time::timeout(
            std::time::Duration::from_secs(10),
            socket.read_to_string(&mut answer),
        )
        .await
        .expect("413 before the body")
        .unwrap();
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        assert!(answer.contains("application/problem+json"), "{answer}");
    }

    // 422: the detail names the field.
    for (path, body, field) in [
        (
            "/api/v1/engagements",
            json!({"country": "XYZ", "lead": "L", "started_on": "2025-01-01"}),
            "country",
        ),
        (
            "/api/v1/engagements",
            json!({"country": "UGA", "lead": "L", "started_on": "yesterday"}),
            "started_on",
        ),
        (
            "/api/v1/engagements",
            json!({"country": "UGA", "lead": "L", "started_on": "2025-01-01", "extra": 1}),
            "extra",
        ),
        (
            "/api/v1/engagements/KEN/commitments",
            json!({"title": "T", "principles": [], "authority": "R1", "stage": "L1", "due_on": "2027-01-01"}),
            "principles",
        ),
        (
            "/api/v1/engagements/KEN/commitments",
            json!({"title": "T", "principles": ["F1", "Z9"], "authority": "R1", "stage": "L1", "due_on": "2027-01-01"}),
            "principles[1]",
        ),
        (
            "/api/v1/engagements/KEN/commitments",
            json!({"title": "T", "principles": ["F1"], "authority": "R1", "stage": "L1", "due_on": "2027-01-01", "process_refs": ["Q1.2"]}),
            "process_refs[0]",
        ),
    ] {
        let r = app.post(&app.admin, path, body).await;
        is_problem(&r, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body["detail"].as_str().unwrap().contains(field),
            "{field}: {}",
            r.body
        );
    }
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/milestones/{milestone}/progress"),
            json!({"percent": 101}),
        )
        .await;
    is_problem(&r, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["field"], "percent");

    assert_eq!(
        app.event_count().await,
        before,
        "a bad request appended events"
    );

    // 503 with Retry-After when the store is gone.
    app.db.db.close().await;
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/milestones/{milestone}/start"),
            json!({}),
        )
        .await;
    is_problem(&r, StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers.contains_key("retry-after"));
    let ready = app.get("", "/readyz").await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
}

async fn reply(r: reqwest::Response) -> safeguards_tests::app::Reply {
    let status = r.status();
    let headers = r.headers().clone();
    let body = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap_or(Value::Null);
    safeguards_tests::app::Reply {
        status,
        headers,
        body,
    }
}

async fn a_hundred_parallel_progress_reports_are_all_recorded_once(backend: Backend) {
    let app = Arc::new(TestApp::spawn(backend).await);
    app.open("KEN").await;
    let commitment = app.commitment("KEN").await;
    let milestone = app.milestone(&commitment, "2027-01-31").await;
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/milestones/{milestone}/start"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let app = app.clone();
            let path = format!("/api/v1/milestones/{milestone}/progress");
            tokio::spawn(async move { app.post(&app.admin, &path, json!({"percent": i})).await })
        })
        .collect();
    for t in tasks {
        let r = t.await.unwrap();
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let history = app
        .get(
            &app.admin,
            &format!("/api/v1/milestones/{milestone}/history?limit=500"),
        )
        .await;
    let mut percents: Vec<i64> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "ProgressReported")
        .map(|e| e["data"]["percent"].as_i64().unwrap())
        .collect();
    percents.sort();
    // percent = i % 101 is unique per request: each update is there exactly once.
    assert_eq!(percents, (0..100).collect::<Vec<_>>());

    // With the version it read, a client succeeds; with a stale one it gets 412 and nothing.
    let current = app
        .get(&app.admin, &format!("/api/v1/milestones/{milestone}"))
        .await;
    let etag = current.headers["etag"].to_str().unwrap().to_string();
    assert_eq!(etag, "\"102\"");
    let r = app
        .call_with(
            Method::POST,
            &app.admin,
            &format!("/api/v1/milestones/{milestone}/progress"),
            Some(json!({"percent": 99})),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let before = app.event_count().await;
    let r = app
        .call_with(
            Method::POST,
            &app.admin,
            &format!("/api/v1/milestones/{milestone}/progress"),
            Some(json!({"percent": 98})),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.body);
    assert_eq!(app.event_count().await, before);
}

async fn tokens_die_with_a_disabled_account(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let viewer = app.account("v@un.org", Role::Viewer, &[]).await;
    let me = app.get(&viewer, "/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["role"], "viewer");
    let id = me.body["id"].as_str().unwrap().to_string();
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/accounts/{id}/disable"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    is_problem(
        &app.get(&viewer, "/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
    );
    let login = app
        .sign_in("v@un.org", safeguards_tests::app::PASSWORD)
        .await;
    is_problem(&login, StatusCode::UNAUTHORIZED);
}

async fn read_your_writes_after_every_command(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let commitment = app.commitment("KEN").await;
    for i in 0..20 {
        let r = app
            .post(
                &app.admin,
                &format!("/api/v1/commitments/{commitment}/milestones"),
                json!({"title": format!("M{i}"), "due_on": "2027-01-31"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        let p = app.get(&app.admin, "/api/v1/progress/KEN").await;
        assert_eq!(
            p.body["milestones"]["planned"],
            i + 1,
            "read {i} did not see its write"
        );
        assert!(p.body["as_of_position"].as_i64().unwrap() >= r.body["position"].as_i64().unwrap());
    }
}

on_both_stores!(
    the_full_life_of_a_country,
    the_authorization_matrix_holds_for_every_mutating_route,
    each_error_class_is_problem_json_and_appends_nothing,
    a_hundred_parallel_progress_reports_are_all_recorded_once,
    tokens_die_with_a_disabled_account,
    read_your_writes_after_every_command,
);

/// Every route of SPEC §3 (as method and path template) that this build serves.
const SPEC_ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/catalogue"),
    ("post", "/api/v1/auth/token"),
    ("get", "/api/v1/me"),
    ("post", "/api/v1/me/password"),
    ("post", "/api/v1/me/language"),
    ("post", "/api/v1/auth/logout"),
    ("post", "/api/v1/accounts"),
    ("get", "/api/v1/accounts"),
    ("post", "/api/v1/accounts/{id}/role"),
    ("post", "/api/v1/accounts/{id}/disable"),
    ("post", "/api/v1/accounts/{id}/enable"),
    ("post", "/api/v1/me/second-factor"),
    ("post", "/api/v1/me/second-factor/confirm"),
    ("get", "/api/v1/me/sessions"),
    ("post", "/api/v1/accounts/{id}/second-factor/reset"),
    ("post", "/api/v1/milestones/{id}/evidence/files"),
    ("post", "/api/v1/accounts/{id}/organisation-only"),
    ("post", "/api/v1/accounts/{id}/organisation/unlink"),
    ("post", "/api/v1/engagements"),
    ("get", "/api/v1/engagements"),
    ("get", "/api/v1/engagements/{country}"),
    ("post", "/api/v1/engagements/{country}/activities"),
    ("post", "/api/v1/engagements/{country}/dpi-systems"),
    (
        "post",
        "/api/v1/engagements/{country}/dpi-systems/{type}/stage",
    ),
    ("post", "/api/v1/engagements/{country}/focal-points"),
    (
        "delete",
        "/api/v1/engagements/{country}/focal-points/{account_id}",
    ),
    ("post", "/api/v1/engagements/{country}/status"),
    ("post", "/api/v1/engagements/{country}/publish"),
    ("post", "/api/v1/engagements/{country}/unpublish"),
    ("get", "/api/v1/ledger/checkpoints"),
    ("post", "/api/v1/engagements/{country}/commitments"),
    ("get", "/api/v1/engagements/{country}/commitments"),
    ("get", "/api/v1/commitments/{id}"),
    ("post", "/api/v1/commitments/{id}/revise"),
    ("post", "/api/v1/commitments/{id}/withdraw"),
    ("post", "/api/v1/commitments/{id}/milestones"),
    ("get", "/api/v1/commitments/{id}/milestones"),
    ("get", "/api/v1/milestones/{id}"),
    ("post", "/api/v1/milestones/{id}/start"),
    ("post", "/api/v1/milestones/{id}/progress"),
    ("post", "/api/v1/milestones/{id}/block"),
    ("post", "/api/v1/milestones/{id}/unblock"),
    ("post", "/api/v1/milestones/{id}/achieve"),
    ("post", "/api/v1/milestones/{id}/evidence"),
    ("post", "/api/v1/milestones/{id}/verify"),
    ("post", "/api/v1/milestones/{id}/reject"),
    ("post", "/api/v1/milestones/{id}/reschedule"),
    ("post", "/api/v1/milestones/{id}/cancel"),
    ("get", "/api/v1/engagements/{country}/history"),
    ("get", "/api/v1/commitments/{id}/history"),
    ("get", "/api/v1/milestones/{id}/history"),
    ("get", "/api/v1/progress"),
    ("get", "/api/v1/progress/{country}"),
    ("get", "/api/v1/progress/{country}/overdue"),
    ("get", "/api/v1/progress/principles"),
    ("get", "/api/v1/activity"),
    ("get", "/api/v1/events"),
    ("post", "/api/v1/subscriptions"),
    ("get", "/api/v1/subscribers"),
    ("post", "/api/v1/subscribers/{id}/erase"),
    ("get", "/api/v1/digests"),
    ("get", "/api/v1/digests/preview"),
    ("post", "/api/v1/digests/send"),
    ("get", "/api/v1/engagements/{country}/plan"),
    ("post", "/api/v1/engagements/{country}/plan"),
    ("get", "/api/v1/coverage"),
    ("get", "/api/v1/coverage/{country}"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
];

/// Every `$ref` in the document points at a schema it defines.
fn refs_resolve(value: &Value, doc: &Value, missing: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                let name = r.trim_start_matches("#/components/schemas/");
                if doc["components"]["schemas"].get(name).is_none() {
                    missing.push(r.clone());
                }
            }
            map.values().for_each(|v| refs_resolve(v, doc, missing));
        }
        Value::Array(items) => items.iter().for_each(|v| refs_resolve(v, doc, missing)),
        _ => {}
    }
}

#[tokio::test]
async fn the_openapi_document_is_3_1_and_lists_every_route() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let doc = app.get("", "/api/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.body;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for (method, path) in SPEC_ROUTES {
        let op = &doc["paths"][path][method];
        assert!(
            op.is_object(),
            "{method} {path} is missing from the OpenAPI document"
        );
        assert!(
            op["responses"].as_object().is_some_and(|r| !r.is_empty()),
            "{method} {path} has no responses"
        );
        let bodiless = [
            "/disable",
            "/enable",
            "/erase",
            "/digests/send",
            "/auth/logout",
            "/publish",
            "/me/second-factor",
            "/organisation/unlink",
        ];
        if *method == "post" && !bodiless.iter().any(|b| path.ends_with(b)) {
            assert!(
                op["requestBody"].is_object(),
                "{method} {path} has no request body"
            );
        }
    }
    let served: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(
        served,
        SPEC_ROUTES.len(),
        "the document lists routes the test does not know"
    );
    let mut missing = Vec::new();
    refs_resolve(&doc, &doc, &mut missing);
    assert!(missing.is_empty(), "unresolved references: {missing:?}");
    // Operation ids are unique, and every request body refuses fields it does not define.
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_default();
            assert!(
                ids.insert(id.to_string()),
                "operation id {id:?} is used twice"
            );
            let body = &op["requestBody"]["content"]["application/json"]["schema"];
            let name = body["$ref"]
                .as_str()
                .map(|r| r.trim_start_matches("#/components/schemas/"));
            let name = name.or_else(|| {
                body["oneOf"]
                    .as_array()
                    .and_then(|alts| alts.iter().find_map(|a| a["$ref"].as_str()))
                    .map(|r| r.trim_start_matches("#/components/schemas/"))
            });
            if let Some(name) = name {
                assert_eq!(
                    doc["components"]["schemas"][name]["additionalProperties"],
                    Value::Bool(false),
                    "{method} {path}: the body {name} is open"
                );
            }
        }
    }
    let docs = app
        .client
        .get(format!("{}/api/docs", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    let html = docs.text().await.unwrap();
    assert!(html.contains("/api/v1/milestones/{id}/verify"));
}

async fn progress_and_milestones_come_as_csv_without_formulas(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let commitment = app.commitment("KEN").await;
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/commitments/{commitment}/milestones"),
            json!({"title": "=HYPERLINK(\"http://evil\")", "due_on": "2027-01-31"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let csv = app
        .client
        .get(format!("{}/api/v1/progress?format=csv", app.base))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    let mut lines = text.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("country,name,status,commitments,planned"));
    assert!(lines
        .next()
        .unwrap()
        .starts_with("KEN,Kenya,exploring,1,1,"));
    let milestones = app
        .client
        .get(format!("{}/api/v1/progress/KEN?format=csv", app.base))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    let text = milestones.text().await.unwrap();
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(!text.contains(",=HYPERLINK"), "{text}");
    let bad = app.get(&app.admin, "/api/v1/progress?format=xml").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

mod csv_exports {
    use super::*;
    on_both_stores!(progress_and_milestones_come_as_csv_without_formulas);
}

/// The `next` link of a `Link` header, if any.
fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let link = headers.get(reqwest::header::LINK)?.to_str().ok()?;
    let (url, rel) = link.split_once(';')?;
    (rel.trim() == "rel=\"next\"").then(|| url.trim().trim_matches(['<', '>']).to_string())
}

/// Follow a paged array from `path` to its end: every item's id, in order.
async fn every_page(app: &TestApp, path: &str) -> Vec<String> {
    every_page_by(app, path, "id").await
}

/// Follow a paged array from `path` to its end: every item's `key`, in order.
async fn every_page_by(app: &TestApp, path: &str, key: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut next = Some(path.to_string());
    while let Some(path) = next {
        let r = app.get(&app.admin, &path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        let items = r.body.as_array().expect("a page is an array");
        assert!(!items.is_empty(), "{path}: an empty page");
        ids.extend(items.iter().map(|m| match &m[key] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }));
        next = next_link(&r.headers);
    }
    ids
}

async fn a_long_country_answers_in_pages_whose_links_lead_to_every_item_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let mut commitments = Vec::new();
    for _ in 0..3 {
        commitments.push(app.commitment("KEN").await);
    }
    let mut milestones = Vec::new();
    for day in 1..=12 {
        // All due in the past: overdue.
        milestones.push(
            app.milestone(&commitments[0], &format!("2025-01-{day:02}"))
                .await,
        );
    }

    let r = app.get(&app.admin, "/api/v1/progress/KEN?limit=2").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = &r.body;
    assert_eq!(page["commitments"], 3, "the counts stay whole");
    assert_eq!(page["milestones"]["overdue"], 12);
    let listed = page["commitment_list"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    let first = &listed[0];
    assert_eq!(first["id"], commitments[0].as_str());
    assert_eq!(
        first["milestones"].as_array().unwrap().len(),
        5,
        "milestones shown by default"
    );
    assert_eq!(first["milestone_counts"]["overdue"], 12);
    assert!(
        listed[1].get("milestones_next").is_none(),
        "an uncut list has no link"
    );
    assert_eq!(page["overdue"].as_array().unwrap().len(), 5);

    // The rest of the commitments, the rest of a commitment's milestones, the rest of overdue.
    let next = page["commitment_list_next"]
        .as_str()
        .expect("a link to page 2");
    let second = app.get(&app.admin, next).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    let rest = second.body["commitment_list"].as_array().unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0]["id"], commitments[2].as_str());
    assert!(second.body.get("commitment_list_next").is_none());

    let rest_of = first["milestones_next"]
        .as_str()
        .expect("a link to the rest");
    let shown: Vec<String> = first["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    let all: Vec<String> = shown
        .into_iter()
        .chain(every_page(&app, rest_of).await)
        .collect();
    assert_eq!(all, milestones, "every milestone once, in order");
    let by_fives = every_page(
        &app,
        &format!("/api/v1/commitments/{}/milestones?limit=5", commitments[0]),
    )
    .await;
    assert_eq!(by_fives, milestones);
    let overdue = every_page(&app, "/api/v1/progress/KEN/overdue?limit=4").await;
    assert_eq!(overdue, milestones, "earliest due first");

    // A country's list of commitments pages the same way, each cut as in its progress.
    let listed = every_page(&app, "/api/v1/engagements/KEN/commitments?limit=2").await;
    assert_eq!(listed, commitments);
    let r = app
        .get(&app.admin, "/api/v1/engagements/KEN/commitments")
        .await;
    assert_eq!(r.body[0]["milestones"].as_array().unwrap().len(), 5);
    assert_eq!(r.body[0]["milestones_next"], first["milestones_next"]);

    // Histories and the activity feed page the same way.
    for percent in 1..=11 {
        let r = app
            .post(
                &app.admin,
                &format!("/api/v1/milestones/{}/progress", milestones[0]),
                json!({ "percent": percent }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let history = format!("/api/v1/milestones/{}/history", milestones[0]);
    let whole = app.get(&app.admin, &format!("{history}?limit=500")).await;
    let whole: Vec<String> = whole
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["position"].to_string())
        .collect();
    assert_eq!(whole.len(), 13, "added, started and eleven reports");
    assert_eq!(
        every_page_by(&app, &format!("{history}?limit=5"), "position").await,
        whole
    );
    let recent = app
        .get(&app.admin, "/api/v1/activity?country=KEN&limit=500")
        .await;
    let recent: Vec<String> = recent
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["position"].to_string())
        .collect();
    assert!(recent.len() > 20, "{recent:?}");
    assert_eq!(
        every_page_by(&app, "/api/v1/activity?country=KEN&limit=7", "position").await,
        recent,
        "newest first, page after page"
    );

    // What a client gets wrong is named.
    for bad in [
        "/api/v1/progress/KEN?limit=0",
        "/api/v1/progress/KEN?limit=201",
        "/api/v1/progress/KEN?milestone_limit=0",
        "/api/v1/progress/KEN/overdue?limit=501",
    ] {
        let r = app.get(&app.admin, bad).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            r.body
        );
    }
    let malformed = app.get(&app.admin, "/api/v1/activity?cursor=x").await;
    assert_eq!(
        malformed.status,
        StatusCode::BAD_REQUEST,
        "{}",
        malformed.body
    );
    assert!(malformed.body["detail"]
        .as_str()
        .unwrap()
        .contains("cursor"));
    for unknown in [
        "/api/v1/progress/KEN?cursor=not-a-commitment".to_string(),
        "/api/v1/progress/KEN/overdue?cursor=x".to_string(),
        format!("/api/v1/milestones/{}/history?cursor=1", milestones[1]),
    ] {
        let r = app.get(&app.admin, &unknown).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{unknown}: {}", r.body);
        assert!(
            r.body["detail"].as_str().unwrap().contains("cursor"),
            "{}",
            r.body
        );
    }
    let unknown = app
        .get(
            &app.admin,
            &format!("/api/v1/commitments/{}/milestones", uuid::Uuid::new_v4()),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let everything = app
        .get(&app.admin, "/api/v1/progress/KEN?milestone_limit=1000")
        .await;
    assert_eq!(
        everything.body["commitment_list"][0]["milestones"]
            .as_array()
            .unwrap()
            .len(),
        12
    );
    assert!(everything.body["commitment_list"][0]
        .get("milestones_next")
        .is_none());
}

mod paging {
    use super::*;
    on_both_stores!(a_long_country_answers_in_pages_whose_links_lead_to_every_item_once);
}

async fn sign_in_and_subscription_are_rate_limited_per_client(backend: Backend) {
    let db = safeguards_tests::TestDb::new(backend).await;
    let app = TestApp::serve_limited(
        db,
        safeguards_digest::Mailer::memory().0,
        safeguards_api::http::limits::Limits::default(),
    )
    .await;
    // Five wrong passwords from one client fit; its next attempt at the account must wait.
    for _ in 0..5 {
        let r = app.sign_in(&app.admin_email, "wrong password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = app
        .sign_in(&app.admin_email, safeguards_tests::app::PASSWORD)
        .await;
    is_problem(&r, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key("retry-after"));
    for i in 0..10 {
        let r = app
            .subscribe(json!({"email": format!("s{i}@example.org")}))
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
    }
    let r = app
        .subscribe(json!({"email": "one-more@example.org"}))
        .await;
    is_problem(&r, StatusCode::TOO_MANY_REQUESTS);
}

mod rate_limits {
    use super::*;
    on_both_stores!(sign_in_and_subscription_are_rate_limited_per_client);
}
