//! Hostile use of a real server, one test per way in: personal data where it must not go,
//! malformed addresses, invented methods, slow clients, bursts of sign-ins, rights that were
//! revoked, the last admin, stolen sessions, mail link scanners, crafted queries, and a read
//! model held behind the log. Each asserts the safe answer and that nothing was recorded where
//! nothing should be.

#![allow(clippy::unwrap_used, clippy::expect_used)]

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
    assert!(statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED));
    let peak = app.app.passwords.peak();
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
            limits: Some(safeguards_api::limits::Limits::default()),
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
    // One client guessing: stopped after ten attempts, and only that client.
    for n in 0..10 {
        let guess = format!("guess{n}@example.org");
        assert_eq!(
            sign_in_from(&app, "198.51.100.1", &guess, "wrong password").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        sign_in_from(&app, "198.51.100.1", &manager, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        sign_in_from(&app, "198.51.100.2", &manager, PASSWORD).await,
        StatusCode::OK,
        "another client behind the same proxy was locked out"
    );
    // Many clients guessing one account's password: that address is held back.
    for n in 0..10 {
        assert_eq!(
            sign_in_from(&app, &format!("192.0.2.{n}"), &manager, "wrong password").await,
            StatusCode::UNAUTHORIZED
        );
    }
    let r = app
        .call_with(
            Method::POST,
            "",
            "/api/v1/auth/token",
            Some(json!({"email": manager, "password": PASSWORD})),
            &[("x-forwarded-for", "192.0.2.99")],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key("retry-after"));
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
    let busy = app.app.previews.try_acquire().unwrap();
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
    let start = mail.find("token=").unwrap() + "token=".len();
    mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect()
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

async fn an_account_created_by_another_process_signs_in_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let other = TestDb::attach(&app.db).await;
    let elsewhere = app_over(&other).await;
    let email = address("provisioned");
    accounts::create(
        &elsewhere,
        &Caller::system("provisioning"),
        NewAccount {
            email: Email::parse(&email).unwrap(),
            name: Title::parse("Provisioned").unwrap(),
            role: Role::Viewer,
            countries: vec![],
            password: Some(PASSWORD.into()),
        },
    )
    .await
    .unwrap();
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
