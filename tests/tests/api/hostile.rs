//! Hostile use of a real server, one test per way in: personal data where it must not go,
//! malformed addresses, invented methods, slow clients, bursts of sign-ins, rights that were
//! revoked, the last admin, stolen sessions, mail link scanners, crafted queries, and a read
//! model held behind the log. Each asserts the safe answer and that nothing was recorded where
//! nothing should be.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use safeguards_app::accounts::{self, NewAccount};
use safeguards_app::Caller;
use safeguards_domain::account::{account_id, Account, AccountCommand};
use safeguards_domain::values::{Actor, Email, Role, Title};
use safeguards_infra::transfer::{Import, ImportedEvent};
use safeguards_infra::{CommandContext, RawConfig};
use safeguards_projections::event::Metadata;
use safeguards_tests::app::{app_over, generous_limits, Setup, TestApp, PASSWORD};
use safeguards_tests::{on_both_stores, Backend, TestDb};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn address(who: &str) -> String {
    format!("{who}-{}@example.org", uuid::Uuid::new_v4().simple())
}

async fn personal_data_reaches_admins_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let focal_email = address("focal");
    let viewer_email = address("viewer");
    let manager_email = address("manager");
    let focal = app.account(&focal_email, Role::FocalPoint, &["KEN"]).await;
    let viewer = app.account(&viewer_email, Role::Viewer, &[]).await;
    let manager = app
        .account(&manager_email, Role::ProgrammeManager, &[])
        .await;
    let r = app
        .subscribe(json!({"email": "reader@example.org", "name": "A Reader"}))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let staff = [
        &focal_email,
        &viewer_email,
        &manager_email,
        &app.admin_email,
    ];
    for (who, token) in [
        ("viewer", &viewer),
        ("focal", &focal),
        ("manager", &manager),
    ] {
        let feed = app.get(token, "/api/v1/events?limit=1000").await;
        assert_eq!(feed.status, StatusCode::OK);
        let text = feed.body.to_string();
        for email in staff {
            assert!(!text.contains(email.as_str()), "{who} sees {email}");
        }
        for hidden in [
            "\"account\"",
            "\"subscriber\"",
            "\"roster\"",
            "password_hash",
        ] {
            assert!(!text.contains(hidden), "{who} sees {hidden}: {text}");
        }
        assert!(
            text.contains("EngagementOpened"),
            "{who} sees the public events"
        );
        let history = app.get(token, "/api/v1/engagements/KEN/history").await;
        assert_eq!(history.status, StatusCode::OK);
    }
    let all = app.get(&app.admin, "/api/v1/events?limit=1000").await;
    let text = all.body.to_string();
    assert!(
        text.contains(focal_email.as_str()),
        "the admin sees accounts"
    );
    assert!(!text.contains("password_hash") && !text.contains("token_hash"));
}

/// A page of the feed for a reader who may not see personal events passes over them: a run of
/// subscriptions does not end the page early or make it look like the end of the feed.
async fn the_feed_passes_over_hidden_events_instead_of_counting_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let viewer = app
        .account(&address("feed-viewer"), Role::Viewer, &[])
        .await;
    let start = app.get(&app.admin, "/api/v1/events?limit=1000").await;
    let after = start.body.as_array().unwrap().last().unwrap()["sequence"]
        .as_i64()
        .unwrap();
    for i in 0..12 {
        let r = app
            .subscribe(json!({"email": format!("hidden{i}@example.org")}))
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
    }
    for _ in 0..3 {
        app.commitment("KEN").await;
    }
    let r = app
        .get(&viewer, &format!("/api/v1/events?after={after}&limit=2"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.body.as_array().unwrap();
    assert_eq!(page.len(), 2, "{}", r.body);
    assert!(page
        .iter()
        .all(|e| e["type"].as_str().unwrap().contains("Commitment")));
    // The next page starts after the last event read and finds the third.
    let next: i64 = r.headers["x-next-after"].to_str().unwrap().parse().unwrap();
    assert_eq!(next, page[1]["sequence"].as_i64().unwrap());
    let r = app
        .get(&viewer, &format!("/api/v1/events?after={next}&limit=2"))
        .await;
    assert_eq!(r.body.as_array().unwrap().len(), 1, "{}", r.body);
}

/// A link cannot make the account page say something: a refused password change is rendered
/// with the page (an error summary), never carried in the address.
async fn the_account_page_shows_only_its_own_messages(backend: Backend) {
    use safeguards_tests::forms::{attr, client, sign_in};
    let app = TestApp::spawn(backend).await;
    let email = address("account-page");
    app.account(&email, Role::Viewer, &[]).await;
    let cookie = sign_in(&client(), &app.base, &email).await;
    let get = |path: &str| {
        client()
            .get(format!("{}{path}", app.base))
            .header("cookie", &cookie)
            .send()
    };
    let html = get("/account?error=Your+account+is+locked%2C+call+us")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !html.contains("Your account is locked"),
        "the page repeats the link's text"
    );
    let csrf = attr(&html, "name=\"csrf\" value=\"");
    for (current, new, field) in [
        (
            "not the password",
            "a long new password",
            "current_password",
        ),
        (PASSWORD, "short", "new_password"),
    ] {
        let r = client()
            .post(format!("{}/account/password", app.base))
            .header("cookie", &cookie)
            .form(&[
                ("csrf", csrf.as_str()),
                ("current_password", current),
                ("new_password", new),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("class=\"error-summary\""), "{html}");
        assert!(
            html.contains(&format!("href=\"#{field}\"")),
            "{field}: {html}"
        );
    }
    // The password is unchanged.
    assert_eq!(app.sign_in(&email, PASSWORD).await.status, StatusCode::OK);
}

async fn a_malformed_address_is_refused_and_nothing_is_recorded(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let before = app.event_count().await;
    for email in ["a..b@x.org", "a@b", "\"q\"@x.org", "a b@x.org", ".a@x.org"] {
        let r = app.subscribe(json!({"email": email})).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{email}: {}",
            r.body
        );
        assert_eq!(r.body["field"], "email");
        let r = app
            .post(
                &app.admin,
                "/api/v1/accounts",
                json!({"email": email, "name": "X", "role": "viewer"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{email}");
    }
    assert_eq!(app.event_count().await, before);
    let subscribers = app.get(&app.admin, "/api/v1/subscribers").await;
    assert_eq!(subscribers.body, json!([]));
}

async fn invented_methods_add_no_metric_series(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for n in 0..5 {
        let method = Method::from_bytes(format!("RANDOM{n}XYZ").as_bytes()).unwrap();
        let r = app.call(method, "", "/healthz", None).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    }
    let metrics = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !metrics.contains("RANDOM"),
        "an invented method became a label"
    );
    assert!(metrics.contains("method=\"other\""), "{metrics}");
}

/// Open a connection and send a request head that never ends.
async fn slow_client(base: &str) -> tokio::net::TcpStream {
    let mut stream = tokio::net::TcpStream::connect(base.trim_start_matches("http://"))
        .await
        .unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: tracker.test\r\nX-Slow: ")
        .await
        .unwrap();
    stream
}

/// Whether the server closed `stream` (reading ends, or fails).
async fn closed(stream: &mut tokio::net::TcpStream) -> bool {
    let mut buf = [0u8; 512];
    loop {
        match tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

async fn slow_clients_are_cut_off_and_the_rest_are_served(backend: Backend) {
    let app = TestApp::serve_setup(
        TestDb::new(backend).await,
        Setup {
            raw: RawConfig {
                header_timeout: Some("1".into()),
                max_connections: Some("16".into()),
                ..RawConfig::default()
            },
            ..Setup::default()
        },
    )
    .await;
    let started = Instant::now();
    let mut slow = Vec::new();
    for _ in 0..24 {
        slow.push(slow_client(&app.base).await);
    }
    // More slow clients than connections: served anyway once theirs are cut.
    let healthz = app.get("", "/healthz").await;
    assert_eq!(healthz.status, StatusCode::OK);
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(5),
        "/healthz waited {waited:?}"
    );
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut held = 0;
    for s in &mut slow {
        if !closed(s).await {
            held += 1;
        }
    }
    assert_eq!(held, 0, "{held} slow connections are still open");
    // A kept-alive connection that goes quiet is closed too.
    let mut idle = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: tracker.test\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 256];
    let n = idle.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        closed(&mut idle).await,
        "an idle kept-alive connection stayed open"
    );
}

async fn password_checks_run_a_few_at_a_time(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let attempts = (0..40).map(|n| {
        let app = &app;
        async move {
            app.sign_in(&format!("nobody{n}@example.org"), "wrong password")
                .await
                .status
        }
    });
    let statuses = futures::future::join_all(attempts).await;
    // Past the short queue of checks, an attempt is refused at once rather than kept waiting.
    assert!(statuses
        .iter()
        .all(|s| [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(s)));
    let peak = app.app.passwords().peak();
    assert!(
        (1..=2).contains(&peak),
        "{peak} password checks ran at once"
    );
}

/// A sign-in from the client at `ip`, behind the trusted proxy.
async fn sign_in_from(app: &TestApp, ip: &str, email: &str, password: &str) -> StatusCode {
    app.call_with(
        Method::POST,
        "",
        "/api/v1/auth/token",
        Some(json!({"email": email, "password": password})),
        &[("x-forwarded-for", ip)],
    )
    .await
    .status
}

async fn sign_in_limits_count_clients_behind_a_proxy_and_each_address(backend: Backend) {
    let app = TestApp::serve_setup(
        TestDb::new(backend).await,
        Setup {
            limits: Some(safeguards_api::http::limits::Limits::default()),
            raw: RawConfig {
                trusted_proxies: Some("127.0.0.1".into()),
                ..RawConfig::default()
            },
            ..Setup::default()
        },
    )
    .await;
    let manager = address("manager");
    let _ = app.account(&manager, Role::ProgrammeManager, &[]).await;
    // One client guessing at many addresses: slowed past a few dozen, not stopped at ten.
    for n in 0..10 {
        let guess = format!("guess{n}@example.org");
        assert_eq!(
            sign_in_from(&app, "198.51.100.1", &guess, "wrong password").await,
            StatusCode::UNAUTHORIZED
        );
    }
    // Nor does it hold back the next person behind the same address.
    assert_eq!(
        sign_in_from(&app, "198.51.100.1", &manager, PASSWORD).await,
        StatusCode::OK,
        "one person's failures locked the address out"
    );
    // One client guessing one account's password: held back after five, with the wait.
    for _ in 0..5 {
        assert_eq!(
            sign_in_from(&app, "192.0.2.1", &manager, "wrong password").await,
            StatusCode::UNAUTHORIZED
        );
    }
    let r = app
        .call_with(
            Method::POST,
            "",
            "/api/v1/auth/token",
            Some(json!({"email": manager, "password": PASSWORD})),
            &[("x-forwarded-for", "192.0.2.1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key("retry-after"));
    // Another client behind the same proxy is not.
    assert_eq!(
        sign_in_from(&app, "192.0.2.99", &manager, PASSWORD).await,
        StatusCode::OK
    );
}

async fn previews_are_for_digest_senders_one_at_a_time(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let viewer = app.account(&address("viewer"), Role::Viewer, &[]).await;
    let manager = app
        .account(&address("manager"), Role::ProgrammeManager, &[])
        .await;
    let r = app.get(&viewer, "/api/v1/digests/preview").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .get(&manager, "/api/v1/digests/preview?countries=KEN")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let busy = app.app.previews().try_acquire().unwrap();
    let r = app.get(&manager, "/api/v1/digests/preview").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key("retry-after"));
    drop(busy);
}

async fn a_revoked_country_ends_a_focal_points_rights_wherever_they_came_from(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let commitment = app.commitment("KEN").await;
    let milestone = app.milestone(&commitment, "2027-01-31").await;
    let email = address("focal");
    let focal = app.account(&email, Role::FocalPoint, &[]).await;
    let id = account_id(&Email::parse(&email).unwrap()).to_string();
    let progress = |p: i64| json!({"percent": p});
    let path = format!("/api/v1/milestones/{milestone}/progress");
    assert_eq!(
        app.post(&focal, &path, progress(10)).await.status,
        StatusCode::FORBIDDEN
    );
    // Assigned on the engagement: the focal point may act.
    let r = app
        .post(
            &app.admin,
            "/api/v1/engagements/KEN/focal-points",
            json!({"account_id": id}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.post(&focal, &path, progress(20)).await.status,
        StatusCode::OK
    );
    let engagement = app.get(&app.admin, "/api/v1/engagements/KEN").await;
    assert!(engagement.body["focal_points"]
        .as_array()
        .unwrap()
        .contains(&json!(id)));
    // Revoked through the account's role: the right is gone, also on the engagement.
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/accounts/{id}/role"),
            json!({"role": "focal_point", "countries": []}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let before = app.event_count().await;
    assert_eq!(
        app.post(&focal, &path, progress(30)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.event_count().await, before);
    let engagement = app.get(&app.admin, "/api/v1/engagements/KEN").await;
    assert_eq!(engagement.body["focal_points"], json!([]));
    // Only focal-point accounts are focal points.
    let viewer = address("viewer");
    let _ = app.account(&viewer, Role::Viewer, &[]).await;
    let r = app
        .post(
            &app.admin,
            "/api/v1/engagements/KEN/focal-points",
            json!({"account_id": account_id(&Email::parse(&viewer).unwrap()).to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

async fn an_enabled_admin_always_remains(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let first = account_id(&Email::parse(&app.admin_email).unwrap()).to_string();
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/accounts/{first}/role"),
            json!({"role": "viewer"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let second_email = address("admin");
    let second = app.account(&second_email, Role::Admin, &[]).await;
    let second_id = account_id(&Email::parse(&second_email).unwrap()).to_string();
    // Two admins disabling each other at the same moment: one wins.
    let (disable_second, disable_first) = (
        format!("/api/v1/accounts/{second_id}/disable"),
        format!("/api/v1/accounts/{first}/disable"),
    );
    let (a, b) = tokio::join!(
        app.post(&app.admin, &disable_second, json!({})),
        app.post(&second, &disable_first, json!({})),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert!(
        statuses == [StatusCode::OK, StatusCode::CONFLICT]
            || statuses == [StatusCode::OK, StatusCode::UNAUTHORIZED],
        "{statuses:?}: {} / {}",
        a.body,
        b.body
    );
    let survivor = if a.status == StatusCode::OK {
        &app.admin
    } else {
        &second
    };
    let accounts = app.get(survivor, "/api/v1/accounts").await;
    let enabled_admins = accounts
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["role"] == "admin" && a["disabled"] == false)
        .count();
    assert_eq!(enabled_admins, 1);
}

async fn a_new_password_or_a_sign_out_ends_every_other_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = address("user");
    let first = app.account(&email, Role::Viewer, &[]).await;
    let second = app.token(&email, PASSWORD).await;
    let r = app
        .post(
            &first,
            "/api/v1/me/password",
            json!({"current_password": "not the password", "new_password": "a new long password"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["field"], "current_password");
    assert_eq!(app.get(&first, "/api/v1/me").await.status, StatusCode::OK);
    let r = app
        .post(
            &first,
            "/api/v1/me/password",
            json!({"current_password": PASSWORD, "new_password": "a new long password"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let third = r.body["token"].as_str().unwrap().to_string();
    for old in [&first, &second] {
        assert_eq!(
            app.get(old, "/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(app.get(&third, "/api/v1/me").await.status, StatusCode::OK);
    let r = app.sign_in(&email, PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "the old password still works"
    );
    let r = app.post(&third, "/api/v1/auth/logout", json!({})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        app.get(&third, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    // A page session after signing out.
    let cookie = format!(
        "sg_session={}",
        app.token(&email, "a new long password").await
    );
    let page = |c: String| {
        let app = &app;
        async move {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
                .get(format!("{}/account", app.base))
                .header("cookie", c)
                .send()
                .await
                .unwrap()
        }
    };
    let account = page(cookie.clone()).await;
    assert_eq!(account.status(), StatusCode::OK);
    let html = account.text().await.unwrap();
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let out = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/logout", app.base))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = page(cookie).await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
    assert_eq!(after.headers()["location"], "/login?next=%2Faccount");
}

/// The confirmation token in the latest mail to `email`.
fn confirmation_token(sent: &std::sync::Mutex<Vec<lettre::Message>>, email: &str) -> String {
    let sent = sent.lock().unwrap();
    let mail = sent
        .iter()
        .rev()
        .map(|m| {
            // Undo quoted-printable: soft breaks and the escaped `=`.
            String::from_utf8_lossy(&m.formatted())
                .replace("=\r\n", "")
                .replace("=3D", "=")
        })
        .find(|m| m.contains(email))
        .unwrap();
    safeguards_tests::token_in(&mail)
}

async fn confirmation_links_resist_scanners_and_names_are_the_subscribers(backend: Backend) {
    let (mailer, sent) = safeguards_digest::Mailer::memory();
    let app = TestApp::serve_setup(
        TestDb::new(backend).await,
        Setup {
            mailer: Some(mailer),
            ..Setup::default()
        },
    )
    .await;
    let email = address("reader");
    let subscribe = |name: &'static str| {
        let app = &app;
        let email = email.clone();
        async move {
            app.subscribe(json!({"email": email, "name": name}))
                .await
                .status
        }
    };
    assert_eq!(subscribe("Ann").await, StatusCode::ACCEPTED);
    let token = confirmation_token(&sent, &email);
    // Again at once, by someone else: no second mail, the name stays, the first link works.
    assert_eq!(subscribe("Mallory").await, StatusCode::ACCEPTED);
    assert_eq!(
        sent.lock().unwrap().len(),
        1,
        "a second confirmation mail within the hour"
    );
    async fn status(app: &TestApp) -> serde_json::Value {
        let list = app.get(&app.admin, "/api/v1/subscribers").await;
        list.body[0].clone()
    }
    assert_eq!(status(&app).await["name"], "Ann");
    // A scanner following the link confirms nothing.
    let page = app
        .client
        .get(format!("{}/subscriptions/confirm?token={token}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("method=\"post\""));
    assert_eq!(status(&app).await["status"], "pending");
    let confirmed = app
        .client
        .post(format!("{}/subscriptions/confirm", app.base))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), StatusCode::OK);
    assert_eq!(status(&app).await["status"], "confirmed");
    assert_eq!(status(&app).await["name"], "Ann");
}

/// Create an account with the test password through `elsewhere` (another process's use cases).
async fn provision(elsewhere: &safeguards_app::App, email: &str, role: Role) {
    accounts::create(
        elsewhere,
        &Caller::system("provisioning"),
        NewAccount {
            email: Email::parse(email).unwrap(),
            name: Title::parse("Provisioned").unwrap(),
            role,
            countries: vec![],
            password: Some(PASSWORD.into()),
        },
    )
    .await
    .unwrap();
}

async fn an_account_created_by_another_process_signs_in_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let other = TestDb::attach(&app.db).await;
    let elsewhere = app_over(&other).await;
    let email = address("provisioned");
    provision(&elsewhere, &email, Role::Viewer).await;
    let r = app.sign_in(&email, PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn crafted_queries_get_no_server_error(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let cookie = format!("sg_session={}", app.admin);
    for query in [
        "error=%E9%80%FF",
        "error=%",
        "error=%e2%82",
        "error=%%%",
        "lang=%FF",
    ] {
        let r = app
            .client
            .get(format!("{}/countries/KEN?{query}", app.base))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{query}");
    }
}

async fn an_unsigned_request_is_not_held_by_x_read_after(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let started = Instant::now();
    let r = app
        .call_with(
            Method::GET,
            "not.a-token",
            "/api/v1/progress",
            None,
            &[("x-read-after", "999999999999")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "held {:?}",
        started.elapsed()
    );
}

async fn guesses_at_one_account_from_many_addresses_leave_the_password_checks_to_everyone_else(
    backend: Backend,
) {
    let app = behind_a_proxy(backend, generous_limits()).await;
    let (owner, colleague) = (address("owner"), address("colleague"));
    let _ = app.account(&owner, Role::Viewer, &[]).await;
    let _ = app.account(&colleague, Role::Viewer, &[]).await;
    let usual = from(
        &app,
        "192.0.2.10",
        "",
        "/api/v1/auth/token",
        json!({"email": owner, "password": PASSWORD}),
    )
    .await;
    assert_eq!(usual.status, StatusCode::OK);
    // 300 guesses at the owner's password at once, each from an address of its own: each
    // address is new to the account, so none is slowed by its own failures.
    let guesses = (0..300).map(|n| {
        let ip = format!("10.7.{}.{}", n / 250, n % 250 + 1);
        let (app, owner) = (&app, owner.clone());
        async move {
            from(
                app,
                &ip,
                "",
                "/api/v1/auth/token",
                json!({"email": owner, "password": "wrong password"}),
            )
            .await
        }
    });
    let rightful = async {
        tokio::time::sleep(Duration::from_millis(30)).await;
        let mut answers = Vec::new();
        for (n, (email, ip)) in [
            (&colleague, "192.0.2.20"),
            (&owner, "192.0.2.10"),
            (&colleague, "192.0.2.21"),
            (&owner, "192.0.2.10"),
        ]
        .into_iter()
        .enumerate()
        {
            let started = Instant::now();
            let r = from(
                &app,
                ip,
                "",
                "/api/v1/auth/token",
                json!({"email": email, "password": PASSWORD}),
            )
            .await;
            answers.push((n, r.status, started.elapsed()));
        }
        answers
    };
    let (guessed, rightful) = tokio::join!(futures::future::join_all(guesses), rightful);
    for (n, status, took) in &rightful {
        assert_eq!(
            *status,
            StatusCode::OK,
            "right sign-in {n} during the guesses"
        );
        assert!(
            *took < Duration::from_secs(1),
            "right sign-in {n} took {took:?}"
        );
    }
    let checked = guessed
        .iter()
        .filter(|r| r.status == StatusCode::UNAUTHORIZED)
        .count();
    assert!(
        checked < 150,
        "{checked} of 300 guesses reached the password check"
    );
    assert!(guessed.iter().all(|r| r.status == StatusCode::UNAUTHORIZED
        || (r.status == StatusCode::TOO_MANY_REQUESTS && r.headers.contains_key("retry-after"))));
}

/// A `Set-Cookie` of `r` whose name starts with `name`.
fn set_cookie(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(name))
        .map(str::to_string)
}

async fn over_https_the_session_cookie_is_host_prefixed_and_personal_answers_are_never_stored(
    backend: Backend,
) {
    let app = TestApp::serve_setup(
        TestDb::new(backend).await,
        Setup {
            raw: RawConfig {
                public_url: Some("https://tracker.test/".into()),
                ..RawConfig::default()
            },
            ..Setup::default()
        },
    )
    .await;
    let email = address("viewer");
    let token = app.account(&email, Role::Viewer, &[]).await;
    let browser = safeguards_tests::forms::client();
    let login = browser
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    let form_cookie = set_cookie(&login, "sg_login=").unwrap();
    let csrf =
        safeguards_tests::forms::attr(&login.text().await.unwrap(), "name=\"csrf\" value=\"");
    let r = browser
        .post(format!("{}/login", app.base))
        .header("cookie", form_cookie.split(';').next().unwrap())
        .form(&[
            ("email", email.as_str()),
            ("password", PASSWORD),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = set_cookie(&r, "__Host-sg_session=").expect("a __Host- session cookie");
    for part in ["; Secure", "; Path=/", "; HttpOnly"] {
        assert!(session.contains(part), "{session} lacks {part}");
    }
    assert!(!session.contains("Domain"), "{session}");
    assert!(
        set_cookie(&r, "sg_session=").is_none(),
        "an unprefixed session too"
    );
    let cookie = session.split(';').next().unwrap().to_string();
    // The prefixed cookie is the session; the unprefixed name is not read over https.
    let page = browser
        .get(format!("{}/account", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        page.headers()["cache-control"],
        "no-store",
        "a signed-in page"
    );
    let planted = browser
        .get(format!("{}/account", app.base))
        .header("cookie", cookie.replace("__Host-sg_session", "sg_session"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        planted.status(),
        StatusCode::SEE_OTHER,
        "to the sign-in page"
    );
    // API answers, a token's above all, are stored by no cache.
    let issued = app
        .client
        .post(format!("{}/api/v1/auth/token", app.base))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(issued.headers()["cache-control"], "no-store");
    for path in ["/api/v1/me", "/api/v1/progress", "/api/v1/events"] {
        let r = app
            .client
            .get(format!("{}{path}", app.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
    }
}

async fn the_subscription_form_refuses_a_post_without_its_own_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let before = app.event_count().await;
    let browser = safeguards_tests::forms::client();
    let fields = |csrf: &str| {
        vec![
            ("email", "reader@example.org".to_string()),
            ("name", "A Reader".to_string()),
            ("csrf", csrf.to_string()),
        ]
    };
    // Another site's form: no cookie, or a token of its own.
    for (cookie, csrf) in [("", ""), ("sg_subscribe=abc", "abc0"), ("", "abc")] {
        let r = browser
            .post(format!("{}/subscribe", app.base))
            .header("cookie", cookie)
            .form(&fields(csrf))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{cookie} {csrf}");
    }
    assert_eq!(app.event_count().await, before, "nothing recorded");
    // The page's own form goes through.
    let page = browser
        .get(format!("{}/subscribe", app.base))
        .send()
        .await
        .unwrap();
    let cookie = set_cookie(&page, "sg_subscribe=").unwrap();
    assert!(
        cookie.contains("SameSite=Strict") && cookie.contains("Path=/subscribe"),
        "{cookie}"
    );
    let csrf = safeguards_tests::forms::attr(&page.text().await.unwrap(), "name=\"csrf\" value=\"");
    let r = browser
        .post(format!("{}/subscribe", app.base))
        .header("cookie", cookie.split(';').next().unwrap())
        .form(&fields(&csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        app.event_count().await > before,
        "the subscription was requested"
    );
}

on_both_stores!(
    personal_data_reaches_admins_only,
    the_feed_passes_over_hidden_events_instead_of_counting_them,
    the_account_page_shows_only_its_own_messages,
    a_malformed_address_is_refused_and_nothing_is_recorded,
    invented_methods_add_no_metric_series,
    slow_clients_are_cut_off_and_the_rest_are_served,
    password_checks_run_a_few_at_a_time,
    sign_in_limits_count_clients_behind_a_proxy_and_each_address,
    previews_are_for_digest_senders_one_at_a_time,
    a_revoked_country_ends_a_focal_points_rights_wherever_they_came_from,
    an_enabled_admin_always_remains,
    a_new_password_or_a_sign_out_ends_every_other_session,
    confirmation_links_resist_scanners_and_names_are_the_subscribers,
    an_account_created_by_another_process_signs_in_at_once,
    crafted_queries_get_no_server_error,
    an_unsigned_request_is_not_held_by_x_read_after,
    a_stranger_guessing_cannot_lock_the_owner_out,
    guesses_are_slowed_before_any_password_check_and_the_owner_still_gets_in,
    wrong_current_passwords_are_slowed_like_wrong_sign_ins,
    a_token_of_an_account_created_by_another_process_works_on_its_first_request,
    a_disabled_account_enabled_again_signs_in,
    a_generated_password_must_be_changed_at_first_sign_in,
    over_https_the_session_cookie_is_host_prefixed_and_personal_answers_are_never_stored,
    the_subscription_form_refuses_a_post_without_its_own_token,
    guesses_at_one_account_from_many_addresses_leave_the_password_checks_to_everyone_else,
);

/// PostgreSQL: with the feed held back by an open transaction, an account disabled through
/// another process cannot go on acting here: past the bound, requests get 503, never a
/// decision on its old rights.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rights_are_not_decided_on_a_read_model_held_behind_the_log() {
    let app = TestApp::serve_setup(
        TestDb::new(Backend::Postgres).await,
        Setup {
            limits: Some(generous_limits()),
            stale_bound: Some(Duration::from_secs(1)),
            ..Setup::default()
        },
    )
    .await;
    let email = address("leaver");
    let token = app.account(&email, Role::Viewer, &[]).await;
    assert_eq!(app.get(&token, "/api/v1/me").await.status, StatusCode::OK);
    // Another process holds a transaction open: no reader may pass it.
    let mut held = Import::begin(&app.db.db).await.unwrap();
    held.event(&ImportedEvent {
        aggregate_type: "probe",
        aggregate_id: "held",
        sequence: 1,
        event_type: "Probe",
        event_version: "1.0",
        payload: &json!({"Probe": {}}).to_string(),
        metadata: &Metadata::new(Actor::System, "held", chrono::Utc::now()),
    })
    .await
    .unwrap();
    // A third process disables the account.
    let other = TestDb::attach(&app.db).await;
    other
        .store()
        .execute::<Account>(
            &account_id(&Email::parse(&email).unwrap()).to_string(),
            AccountCommand::Disable,
            &CommandContext::system("elsewhere"),
            None,
        )
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let answer = loop {
        let r = app.get(&token, "/api/v1/me").await;
        if r.status != StatusCode::OK || Instant::now() > deadline {
            break r;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.body
    );
    assert!(answer.headers.contains_key("retry-after"));
    held.rollback().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = app.get(&token, "/api/v1/me").await;
        if r.status == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(Instant::now() < deadline, "still {}", r.status);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

// Guessing passwords, tokens of accounts made elsewhere, enabling again, one-time passwords.

/// A server behind a trusted proxy at 127.0.0.1 (clients are told apart by `X-Forwarded-For`),
/// with the per-client request ceiling of `limits`.
async fn behind_a_proxy(backend: Backend, limits: safeguards_api::http::limits::Limits) -> TestApp {
    TestApp::serve_setup(
        TestDb::new(backend).await,
        Setup {
            limits: Some(limits),
            raw: RawConfig {
                trusted_proxies: Some("127.0.0.1".into()),
                ..RawConfig::default()
            },
            ..Setup::default()
        },
    )
    .await
}

/// A request from the client at `ip`, behind the trusted proxy.
async fn from(
    app: &TestApp,
    ip: &str,
    token: &str,
    path: &str,
    body: serde_json::Value,
) -> safeguards_tests::app::Reply {
    app.call_with(
        Method::POST,
        token,
        path,
        Some(body),
        &[("x-forwarded-for", ip)],
    )
    .await
}

async fn a_stranger_guessing_cannot_lock_the_owner_out(backend: Backend) {
    let app = behind_a_proxy(backend, safeguards_api::http::limits::Limits::default()).await;
    let owner = address("owner");
    let colleague = address("colleague");
    let _ = app.account(&owner, Role::ProgrammeManager, &[]).await;
    let _ = app.account(&colleague, Role::Viewer, &[]).await;
    let sign_in = |ip: &str, email: String, password: &'static str| {
        let app = &app;
        let ip = ip.to_string();
        async move {
            from(
                app,
                &ip,
                "",
                "/api/v1/auth/token",
                json!({"email": email, "password": password}),
            )
            .await
        }
    };
    // A stranger guesses the owner's password from one address: slowed, never let through.
    let mut slowed = 0;
    for _ in 0..12 {
        let r = sign_in("198.51.100.1", owner.clone(), "wrong password").await;
        match r.status {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(r.headers.contains_key("retry-after"));
                slowed += 1;
            }
            other => panic!("a guess answered {other}"),
        }
    }
    assert!(slowed >= 5, "only {slowed} of 12 guesses were slowed");
    let r = sign_in("198.51.100.1", owner.clone(), PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the guesser got in"
    );
    // The owner, from their own address, gets in at once.
    let started = Instant::now();
    let r = sign_in("192.0.2.7", owner.clone(), PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the owner was locked out: {}",
        r.body
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    // A colleague behind the stranger's address signs in to their own account.
    let r = sign_in("198.51.100.1", colleague.clone(), PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "one person's failures held back the office"
    );
    // Guesses spread over many addresses: each gets a guess or two, the owner still gets in.
    for n in 0..12 {
        let r = sign_in(&format!("203.0.113.{n}"), owner.clone(), "wrong password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = sign_in("203.0.113.1", owner.clone(), "wrong password").await;
    let r2 = sign_in("203.0.113.1", owner.clone(), "wrong password").await;
    assert!(
        [r.status, r2.status].contains(&StatusCode::TOO_MANY_REQUESTS),
        "an address that guessed wrong kept guessing at a guessed account"
    );
    let r = sign_in("192.0.2.8", owner.clone(), PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the owner was locked out: {}",
        r.body
    );
}

async fn guesses_are_slowed_before_any_password_check_and_the_owner_still_gets_in(
    backend: Backend,
) {
    let app = behind_a_proxy(backend, generous_limits()).await;
    let owner = address("owner");
    let _ = app.account(&owner, Role::Viewer, &[]).await;
    // The owner's own machine: signed in from there before.
    let usual = from(
        &app,
        "192.0.2.9",
        "",
        "/api/v1/auth/token",
        json!({"email": owner, "password": PASSWORD}),
    )
    .await;
    assert_eq!(usual.status, StatusCode::OK);
    // 300 guesses at once from one address, and the owner signing in from theirs meanwhile.
    let guesses = (0..300).map(|_| {
        from(
            &app,
            "198.51.100.9",
            "",
            "/api/v1/auth/token",
            json!({"email": owner, "password": "wrong password"}),
        )
    });
    let owner_in = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let started = Instant::now();
        let r = from(
            &app,
            "192.0.2.9",
            "",
            "/api/v1/auth/token",
            json!({"email": owner, "password": PASSWORD}),
        )
        .await;
        (r.status, started.elapsed())
    };
    let (answers, (status, took)) = tokio::join!(futures::future::join_all(guesses), owner_in);
    assert_eq!(status, StatusCode::OK);
    assert!(took < Duration::from_secs(1), "the owner waited {took:?}");
    let checked = answers
        .iter()
        .filter(|r| r.status == StatusCode::UNAUTHORIZED)
        .count();
    assert!(checked <= 6, "{checked} guesses reached the password check");
    for r in &answers {
        if r.status != StatusCode::UNAUTHORIZED {
            assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
            assert!(r.headers.contains_key("retry-after"));
        }
    }
    // 300 sign-ins at once from 300 addresses, each at an account of its own: password checks
    // are refused once the queue is full, never made to wait behind all the others.
    let started = Instant::now();
    let burst = (0..300).map(|n| {
        let ip = format!("10.{}.{}.1", n / 200, n % 200);
        let app = &app;
        async move {
            let r = app
                .call_with(
                    Method::POST,
                    "",
                    "/api/v1/auth/token",
                    Some(json!({"email": format!("nobody{n}@example.org"), "password": "wrong password"})),
                    &[("x-forwarded-for", ip.as_str())],
                )
                .await;
            (r.status, r.headers.contains_key("retry-after"))
        }
    });
    let answers = futures::future::join_all(burst).await;
    let took = started.elapsed();
    let refused = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        answers
            .iter()
            .all(|(s, retry)| *s == StatusCode::UNAUTHORIZED
                || (*s == StatusCode::TOO_MANY_REQUESTS && *retry)),
        "{answers:?}"
    );
    assert!(refused > 0, "every check was queued");
    assert!(took < Duration::from_secs(5), "the burst took {took:?}");
    assert!(app.app.passwords().peak() <= 2);
}

async fn wrong_current_passwords_are_slowed_like_wrong_sign_ins(backend: Backend) {
    let app = behind_a_proxy(backend, generous_limits()).await;
    let email = address("holder");
    let token = app.account(&email, Role::Viewer, &[]).await;
    let change = |ip: &'static str, current: &'static str| {
        let app = &app;
        let token = token.clone();
        async move {
            from(
                app,
                ip,
                &token,
                "/api/v1/me/password",
                json!({"current_password": current, "new_password": "a new long password"}),
            )
            .await
        }
    };
    let mut slowed = 0;
    for _ in 0..12 {
        let r = change("198.51.100.3", "not the password").await;
        match r.status {
            StatusCode::UNPROCESSABLE_ENTITY => {}
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(r.headers.contains_key("retry-after"));
                slowed += 1;
            }
            other => panic!("a guess answered {other}"),
        }
    }
    assert!(slowed >= 5, "only {slowed} of 12 guesses were slowed");
    let r = change("198.51.100.3", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let r = change("192.0.2.3", PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn a_token_of_an_account_created_by_another_process_works_on_its_first_request(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let other = TestDb::attach(&app.db).await;
    let elsewhere = app_over(&other).await;
    for n in 0..20 {
        let email = address(&format!("provisioned{n}"));
        provision(&elsewhere, &email, Role::Admin).await;
        let token = app.token(&email, PASSWORD).await;
        let r = app.get(&token, "/api/v1/me").await;
        assert_eq!(r.status, StatusCode::OK, "try {n}: {}", r.body);
        assert_eq!(r.body["email"], email.as_str());
        let r = app
            .post(
                &token,
                "/api/v1/engagements",
                json!({"country": "KEN", "lead": "Ministry of ICT", "started_on": "2025-05-01"}),
            )
            .await;
        assert!(
            [StatusCode::CREATED, StatusCode::CONFLICT].contains(&r.status),
            "try {n}: {} {}",
            r.status,
            r.body
        );
    }
}

async fn a_disabled_account_enabled_again_signs_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = address("returning");
    let before = app.account(&email, Role::Admin, &[]).await;
    let id = account_id(&Email::parse(&email).unwrap()).to_string();
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/accounts/{id}/disable"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.sign_in(&email, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The admin's page offers to enable it again.
    let cookie = format!("sg_session={}", app.admin);
    let page = app
        .client
        .get(format!("{}/admin/accounts", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("{id}/enable")), "no enable button");
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/accounts/{id}/enable"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/accounts/{id}/enable"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let token = app.token(&email, PASSWORD).await;
    assert_eq!(app.get(&token, "/api/v1/me").await.status, StatusCode::OK);
    assert_eq!(
        app.get(&before, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED,
        "a token from before the account was disabled works again"
    );
    // An admin again: the first admin may now be disabled, one enabled admin remains.
    let admin_id = account_id(&Email::parse(&app.admin_email).unwrap()).to_string();
    let r = app
        .post(
            &token,
            &format!("/api/v1/accounts/{admin_id}/disable"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn a_generated_password_must_be_changed_at_first_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let email = address("newcomer");
    let r = app
        .post(
            &app.admin,
            "/api/v1/accounts",
            json!({"email": email, "name": "Newcomer", "role": "programme_manager"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let generated = r.body["password"].as_str().unwrap().to_string();
    // The API: the token answer says so, and the token is good only for changing it.
    let r = app.sign_in(&email, &generated).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["password_change_required"], true);
    let token = r.body["token"].as_str().unwrap().to_string();
    let r = app.get(&token, "/api/v1/engagements").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.body["code"], "password_change_required");
    assert_eq!(app.get(&token, "/api/v1/me").await.status, StatusCode::OK);
    // The pages: signing in leads to the password form, and every other page back to it.
    let browser = safeguards_tests::forms::client();
    let login = browser
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    let login_cookie = login.headers()["set-cookie"].to_str().unwrap();
    let login_cookie = login_cookie.split(';').next().unwrap().to_string();
    let csrf =
        safeguards_tests::forms::attr(&login.text().await.unwrap(), "name=\"csrf\" value=\"");
    let r = browser
        .post(format!("{}/login", app.base))
        .header("cookie", login_cookie)
        .form(&[
            ("email", email.as_str()),
            ("password", &generated),
            ("csrf", &csrf),
            ("next", "/countries/KEN"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/account#password");
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("sg_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    for path in ["/", "/countries/KEN", "/admin/accounts"] {
        let r = browser
            .get(format!("{}{path}", app.base))
            .header("cookie", &session)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_redirection(), "{path}: {}", r.status());
        assert_eq!(r.headers()["location"], "/account#password", "{path}");
    }
    let page = browser
        .get(format!("{}/account", app.base))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("choose your own"));
    // Changed, the new password's token is good for everything.
    let r = app
        .post(
            &token,
            "/api/v1/me/password",
            json!({"current_password": generated, "new_password": "my very own password"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["password_change_required"], false);
    let fresh = r.body["token"].as_str().unwrap().to_string();
    assert_eq!(
        app.get(&fresh, "/api/v1/engagements").await.status,
        StatusCode::OK
    );
    let r = app.sign_in(&email, "my very own password").await;
    assert_eq!(r.body["password_change_required"], false);
    // An account given its password is not asked to change it.
    assert_eq!(
        app.sign_in(&app.admin_email, PASSWORD).await.body["password_change_required"],
        false
    );
}
