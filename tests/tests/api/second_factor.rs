//! The second factor of password accounts (TOTP) and the list of sessions, over real HTTP on
//! both stores: enrolment, sign-in with a computed code by the API and by the pages, a code
//! good once, recovery codes good once, the admin's reset, the setting that makes it
//! mandatory, wrong codes slowed, and secrets kept out of the log.

use reqwest::StatusCode;
use safeguards_app::second_factor::code_at;
use safeguards_domain::values::Role;
use safeguards_infra::RawConfig;
use safeguards_tests::app::{Setup, TestApp, PASSWORD};
use safeguards_tests::forms::{attr, client};
use safeguards_tests::{on_both_stores, Backend, TestDb};
use serde_json::{json, Value};

fn address(who: &str) -> String {
    format!("{who}-{}@example.org", uuid::Uuid::new_v4().simple())
}

/// The global feed as an admin reads it, as text.
async fn feed(app: &TestApp) -> String {
    let r = app.get(&app.admin, "/api/v1/events?limit=1000").await;
    assert_eq!(r.status, StatusCode::OK);
    r.body.to_string()
}

fn now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap()
}

/// Enrol a second factor for the account of `token` by the API: its secret and recovery codes.
async fn enrol(app: &TestApp, token: &str) -> (String, Vec<String>, Value) {
    let begun = app.post(token, "/api/v1/me/second-factor", json!({})).await;
    assert_eq!(begun.status, StatusCode::OK, "{}", begun.body);
    let secret = begun.body["secret"].as_str().unwrap().to_string();
    assert!(begun.body["otpauth_url"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/"));
    let confirmed = app
        .post(
            token,
            "/api/v1/me/second-factor/confirm",
            json!({"enrolment": begun.body["enrolment"], "code": code_at(&secret, now()).unwrap()}),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let codes: Vec<String> = confirmed.body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    (secret, codes, confirmed.body["session"].clone())
}

async fn sign_in_with_code(app: &TestApp, email: &str, code: &str) -> (StatusCode, Value) {
    let r = app
        .post(
            "",
            "/api/v1/auth/token",
            json!({"email": email, "password": PASSWORD, "code": code}),
        )
        .await;
    (r.status, r.body)
}

async fn an_enrolled_account_signs_in_with_a_code_each_good_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = address("pm");
    let token = app.account(&email, Role::ProgrammeManager, &[]).await;
    let (secret, codes, _) = enrol(&app, &token).await;
    assert_eq!(codes.len(), 10);
    // A second enrolment is refused while one stands.
    let again = app
        .post(&token, "/api/v1/me/second-factor", json!({}))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);

    // The password alone is no longer enough: the problem says a code is needed.
    let r = app.sign_in(&email, PASSWORD).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.body["code"], "second_factor_required", "{}", r.body);

    // The code that confirmed the enrolment is spent; the next step's code signs in, once.
    let spent = code_at(&secret, now()).unwrap();
    let next = code_at(&secret, now() + 30).unwrap();
    if spent != next {
        let (status, _) = sign_in_with_code(&app, &email, &spent).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a spent code signed in");
    }
    let (status, body) = sign_in_with_code(&app, &email, &next).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let signed = body["token"].as_str().unwrap().to_string();
    assert_eq!(app.get(&signed, "/api/v1/me").await.status, StatusCode::OK);
    let (status, _) = sign_in_with_code(&app, &email, &next).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a code was accepted twice"
    );

    // A recovery code works once, typed in capitals with spaces as well.
    let typed = codes[3].to_uppercase().replace('-', " ");
    let (status, body) = sign_in_with_code(&app, &email, &typed).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = sign_in_with_code(&app, &email, &codes[3]).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a recovery code worked twice"
    );
    // The wrong password with a right code is the same 401 as before.
    let r = app
        .post(
            "",
            "/api/v1/auth/token",
            json!({"email": email, "password": "not the password", "code": codes[4]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // The account's sessions: how each signed in, newest first.
    let sessions = app.get(&signed, "/api/v1/me/sessions").await;
    assert_eq!(sessions.status, StatusCode::OK, "{}", sessions.body);
    let methods: Vec<&str> = sessions
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["method"].as_str().unwrap())
        .collect();
    for m in [
        "password",
        "password_and_code",
        "password_and_recovery_code",
    ] {
        assert!(methods.contains(&m), "{methods:?}");
    }
    // Ending them all: none is listed, and none works.
    assert_eq!(
        app.post(&signed, "/api/v1/auth/logout", json!({}))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&signed, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    let fresh = sign_in_with_code(&app, &email, &codes[5]).await.1["token"]
        .as_str()
        .unwrap()
        .to_string();
    let listed = app.get(&fresh, "/api/v1/me/sessions").await.body;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");

    // The log says a factor was enrolled and a recovery code used; never the secret or a code.
    let text = feed(&app).await;
    assert!(text.contains("SecondFactorEnrolled"), "{text}");
    assert!(text.contains("RecoveryCodeUsed"), "{text}");
    for secret_text in std::iter::once(&secret).chain(codes.iter()) {
        assert!(!text.contains(secret_text.as_str()));
    }
}

async fn account_id(app: &TestApp, email: &str) -> String {
    let accounts = app.get(&app.admin, "/api/v1/accounts").await.body;
    accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == email)
        .map(|a| a["id"].as_str().unwrap().to_string())
        .unwrap()
}

async fn wrong_codes_are_slowed_as_wrong_passwords_are(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = address("fp");
    let token = app.account(&email, Role::FocalPoint, &["KEN"]).await;
    let (secret, _, _) = enrol(&app, &token).await;
    let right = code_at(&secret, now() + 30).unwrap();
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let mut refused = None;
    for n in 0..12 {
        let (status, _) = sign_in_with_code(&app, &email, wrong).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(n);
            break;
        }
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let refused = refused.expect("wrong codes were never slowed");
    assert!(refused >= 5, "slowed after {refused} wrong codes");
    // While slowed, even the right code waits: a guesser learns nothing from it.
    let (status, _) = sign_in_with_code(&app, &email, &right).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

async fn an_admin_resets_a_lost_factor_with_a_reason_and_nobody_else_can(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = address("fp");
    let token = app.account(&email, Role::FocalPoint, &["KEN"]).await;
    let (_, codes, _) = enrol(&app, &token).await;
    let id = account_id(&app, &email).await;
    let pm = app
        .account(&address("pm"), Role::ProgrammeManager, &[])
        .await;
    let path = format!("/api/v1/accounts/{id}/second-factor/reset");
    for who in [&pm, &token] {
        let r = app.post(who, &path, json!({"reason": "phone lost"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    }
    let r = app.post(&app.admin, &path, json!({"reason": ""})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = app
        .post(&app.admin, &path, json!({"reason": "phone lost"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Its sessions ended; the password alone signs in again; old recovery codes are gone.
    assert_eq!(
        app.get(&token, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.sign_in(&email, PASSWORD).await.status, StatusCode::OK);
    let r = app
        .post(&app.admin, &path, json!({"reason": "phone lost"}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let history = feed(&app).await;
    assert!(history.contains("SecondFactorReset") && history.contains("phone lost"));
    // Enrolling again: a wrong first code is refused (403) and records nothing; another
    // account's enrolment is not this one's (409).
    let token = app.token(&email, PASSWORD).await;
    let begun = app
        .post(&token, "/api/v1/me/second-factor", json!({}))
        .await;
    let secret = begun.body["secret"].as_str().unwrap();
    let right = code_at(secret, now()).unwrap();
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let before = app.event_count().await;
    let r = app
        .post(
            &token,
            "/api/v1/me/second-factor/confirm",
            json!({"enrolment": begun.body["enrolment"], "code": wrong}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app
        .post(
            &pm,
            "/api/v1/me/second-factor/confirm",
            json!({"enrolment": begun.body["enrolment"], "code": right}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(app.event_count().await, before);
    assert!(!history.contains(&codes[0]));
    // Another country's id, a made-up id: nothing to reset.
    let r = app
        .post(
            &app.admin,
            &format!(
                "/api/v1/accounts/{}/second-factor/reset",
                uuid::Uuid::new_v4()
            ),
            json!({"reason": "x"}),
        )
        .await;
    assert!(
        matches!(r.status, StatusCode::NOT_FOUND | StatusCode::CONFLICT),
        "{}",
        r.status
    );
}

async fn the_setting_makes_a_factor_mandatory_for_the_roles_it_names(backend: Backend) {
    let app = TestApp::serve_setup(
        TestDb::new(backend).await,
        Setup {
            raw: RawConfig {
                require_second_factor: Some("programme_manager".into()),
                ..RawConfig::default()
            },
            ..Setup::default()
        },
    )
    .await;
    // A focal point is not asked.
    let fp = app
        .account(&address("fp"), Role::FocalPoint, &["KEN"])
        .await;
    assert_eq!(
        app.get(&fp, "/api/v1/engagements").await.status,
        StatusCode::OK
    );
    // A programme manager's token is good only for enrolling.
    let email = address("pm");
    let pm = app.account(&email, Role::ProgrammeManager, &[]).await;
    let signed = app.sign_in(&email, PASSWORD).await.body;
    assert_eq!(signed["second_factor_enrolment_required"], true, "{signed}");
    let r = app.get(&pm, "/api/v1/engagements").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.body["code"], "second_factor_enrolment_required");
    assert_eq!(app.get(&pm, "/api/v1/me").await.status, StatusCode::OK);
    let (_, _, session) = enrol(&app, &pm).await;
    let full = session["token"].as_str().unwrap();
    assert_eq!(
        app.get(full, "/api/v1/engagements").await.status,
        StatusCode::OK
    );
    assert_eq!(session["second_factor_enrolment_required"], false);

    // A generated password changed first does not skip the enrolment.
    let made = address("pm-made");
    let created = app
        .post(
            &app.admin,
            "/api/v1/accounts",
            json!({"email": made, "name": "Made", "role": "programme_manager"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let generated = created.body["password"].as_str().unwrap().to_string();
    let first = app.sign_in(&made, &generated).await.body;
    assert_eq!(first["password_change_required"], true);
    let changed = app
        .post(
            first["token"].as_str().unwrap(),
            "/api/v1/me/password",
            json!({"current_password": generated, "new_password": "a long new password"}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(changed.body["second_factor_enrolment_required"], true);
    let r = app
        .get(
            changed.body["token"].as_str().unwrap(),
            "/api/v1/engagements",
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The pages: a programme manager without a factor lands on the enrolment page, whatever
    // page is asked for; the page shows the secret as text and as an inline SVG QR code.
    let other = address("pm2");
    app.account(&other, Role::ProgrammeManager, &[]).await;
    let browser = client();
    let cookie = page_sign_in(&app, &browser, &other).await.unwrap();
    let r = browser
        .get(format!("{}/", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/account/second-factor");
    let r = browser
        .get(format!("{}/account/second-factor", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("<svg"), "no QR code");
    assert!(!html.contains("<script"), "the page needs JavaScript");
    let secret = attr(&html, "id=\"secret\">")
        .split('<')
        .next()
        .unwrap()
        .to_string();
    let secret = secret.trim_end_matches("</code>").to_string();
    let csrf = attr(&html, "name=\"csrf\" value=\"");
    let enrolment = attr(&html, "name=\"enrolment\" value=\"");
    // A wrong code: the same secret again, with the reason.
    let right = code_at(&secret, now()).unwrap();
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let r = browser
        .post(format!("{}/account/second-factor", app.base))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("enrolment", &enrolment),
            ("code", wrong),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains(&secret));
    let r = browser
        .post(format!("{}/account/second-factor", app.base))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("enrolment", &enrolment),
            ("code", &right),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let fresh = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .find(|v| v.starts_with("sg_session="))
        .expect("a fresh session");
    let html = r.text().await.unwrap();
    assert_eq!(
        html.matches("class=\"secret\"").count(),
        10,
        "ten recovery codes"
    );
    let r = browser
        .get(format!("{}/", app.base))
        .header("cookie", &fresh)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Signing in by the pages now asks for the code, on a page of its own.
    let r = page_sign_in(&app, &browser, &other).await;
    let Err(code_page) = r else {
        panic!("signed in without a code")
    };
    let ticket = attr(&code_page.1, "name=\"ticket\" value=\"");
    assert!(!code_page.1.contains(PASSWORD));
    let csrf = attr(&code_page.1, "name=\"csrf\" value=\"");
    let post_code = |code: String| {
        let (browser, app, login, ticket, csrf) = (
            &browser,
            &app,
            code_page.0.clone(),
            ticket.clone(),
            csrf.clone(),
        );
        async move {
            browser
                .post(format!("{}/login/code", app.base))
                .header("cookie", login)
                .form(&[("csrf", csrf), ("ticket", ticket), ("code", code)])
                .send()
                .await
                .unwrap()
        }
    };
    let r = post_code(wrong.to_string()).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = post_code(code_at(&secret, now() + 30).unwrap()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap().starts_with("sg_session=")));
    // A forged ticket is refused as a wrong code is.
    let forged = browser
        .post(format!("{}/login/code", app.base))
        .header("cookie", code_page.0.clone())
        .form(&[
            ("csrf", csrf.as_str()),
            ("ticket", "e30.AAAA"),
            ("code", &code_at(&secret, now() + 30).unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
}

/// Sign in by the pages: the session cookie, or (the login form's cookie, the page) when the
/// page asks for a code.
async fn page_sign_in(
    app: &TestApp,
    browser: &reqwest::Client,
    email: &str,
) -> Result<String, (String, String)> {
    let r = browser
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    let login = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let csrf = attr(&r.text().await.unwrap(), "name=\"csrf\" value=\"");
    let r = browser
        .post(format!("{}/login", app.base))
        .header("cookie", &login)
        .form(&[("email", email), ("password", PASSWORD), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    if r.status() == StatusCode::SEE_OTHER {
        return Ok(r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
            .find(|v| v.starts_with("sg_session="))
            .unwrap());
    }
    assert_eq!(r.status(), StatusCode::OK);
    // The code page issues its own form token.
    let login = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    Err((login, r.text().await.unwrap()))
}

async fn every_role_enrols_by_the_pages_and_only_admins_reset_there(backend: Backend) {
    use safeguards_tests::forms::Session;
    let app = TestApp::spawn(backend).await;
    let target = address("target");
    let target_token = app.account(&target, Role::FocalPoint, &["KEN"]).await;
    enrol(&app, &target_token).await;
    let id = account_id(&app, &target).await;
    for (role, countries) in [
        (Role::Admin, &[][..]),
        (Role::ProgrammeManager, &[][..]),
        (Role::FocalPoint, &["KEN"][..]),
        (Role::Viewer, &[][..]),
    ] {
        let email = address("role");
        app.account(&email, role, countries).await;
        let session = Session::signed_in(&app.base, &email).await;
        let (status, body) = session.get("/account/second-factor").await;
        assert_eq!(status, StatusCode::OK, "{role:?}");
        let html = String::from_utf8(body).unwrap();
        assert!(html.contains("<svg"), "{role:?}");
        // A form without the session's token: expired, nothing recorded.
        let before = app.event_count().await;
        let r = session
            .request(reqwest::Method::POST, "/account/second-factor")
            .form(&[("enrolment", "x"), ("code", "123456")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{role:?}");
        // The admin's reset form, posted by each role with its own token.
        let (_, account) = session.get("/account").await;
        let csrf = attr(
            &String::from_utf8(account).unwrap(),
            "name=\"csrf\" value=\"",
        );
        let r = session
            .request(
                reqwest::Method::POST,
                &format!("/admin/accounts/{id}/second-factor/reset"),
            )
            .form(&[("csrf", csrf.as_str()), ("reason", "phone lost")])
            .send()
            .await
            .unwrap();
        if role == Role::Admin {
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            let done = r.headers()["location"].to_str().unwrap().to_string();
            let (_, page) = session.get(&done).await;
            let page = String::from_utf8(page).unwrap();
            assert!(page.contains("Reset the second factor"), "{done}");
        } else {
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{role:?}");
            assert_eq!(
                app.event_count().await,
                before,
                "{role:?} recorded something"
            );
        }
    }
    // The admin's reset took: the target signs in with the password alone again.
    assert_eq!(app.sign_in(&target, PASSWORD).await.status, StatusCode::OK);
    // Without the organisation's sign-in set up, its routes say so.
    let (status, body) = app.page("/auth/oidc/start").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _) = app.page("/auth/oidc/callback?code=x&state=y").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, login) = app.page("/login").await;
    assert!(!login.contains("/auth/oidc/start"));
}

on_both_stores!(
    every_role_enrols_by_the_pages_and_only_admins_reset_there,
    an_enrolled_account_signs_in_with_a_code_each_good_once,
    wrong_codes_are_slowed_as_wrong_passwords_are,
    an_admin_resets_a_lost_factor_with_a_reason_and_nobody_else_can,
    the_setting_makes_a_factor_mandatory_for_the_roles_it_names,
);
