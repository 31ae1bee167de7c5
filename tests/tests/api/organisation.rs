//! Sign-in with the organisation's account against a real OpenID Provider (`oidc-provider` on
//! loopback), on both stores: invitation only, the first sign-in links, the link decides after;
//! and every way a provider's answer can be wrong refused with a clear page and nothing
//! recorded.

use reqwest::StatusCode;
use safeguards_domain::values::Role;
use safeguards_tests::app::{TestApp, PASSWORD};
use safeguards_tests::oidc::{Browser, Provider};
use safeguards_tests::{on_both_stores, Backend};
use serde_json::json;

async fn tracker_and_provider(backend: Backend) -> (TestApp, Provider) {
    safeguards_tests::oidc::tracker_and_provider(backend, Some("Sign in with UN Unite")).await
}

fn address(who: &str) -> String {
    format!("{who}-{}@un.org", uuid::Uuid::new_v4().simple())
}

fn session_cookie(page: &safeguards_tests::oidc::Page) -> Option<&String> {
    page.set.iter().find(|c| c.starts_with("sg_session="))
}

async fn feed(app: &TestApp) -> String {
    let admin = app.token(&app.admin_email, PASSWORD).await;
    app.get(&admin, "/api/v1/events?limit=1000")
        .await
        .body
        .to_string()
}

async fn an_invited_account_signs_in_with_the_organisation_and_the_link_decides_after(
    backend: Backend,
) {
    let (app, provider) = tracker_and_provider(backend).await;
    // The sign-in page offers the organisation's account, with the configured text.
    let (status, login) = app.page("/login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(login.contains("Sign in with UN Unite"), "{login}");
    assert!(login.contains("/auth/oidc/start"));

    let email = address("amina");
    app.account(&email, Role::ProgrammeManager, &[]).await;
    provider.user("sub-amina", &email, Some(true)).await;
    let mut browser = Browser::new();
    let landed = browser.sign_in(&app.base, "sub-amina").await;
    assert_eq!(landed.status, StatusCode::SEE_OTHER, "{}", landed.body);
    assert_eq!(
        landed.location.as_deref(),
        Some(format!("{}/", app.base).as_str())
    );
    let cookie = session_cookie(&landed).expect("a session").clone();
    // The flow's cookie is gone once used.
    assert!(
        landed.set.iter().any(|c| c == "sg_oidc="),
        "{:?}",
        landed.set
    );
    let dashboard = browser.get(&format!("{}/", app.base)).await;
    assert_eq!(dashboard.status, StatusCode::OK);
    // The session works for the API too, and is listed as the organisation's.
    let token = cookie.trim_start_matches("sg_session=");
    let me = app.get(token, "/api/v1/me").await;
    assert_eq!(me.body["email"], email.as_str());
    assert_eq!(
        me.body["role"], "programme_manager",
        "roles stay the tracker's"
    );
    let sessions = app.get(token, "/api/v1/me/sessions").await.body;
    assert_eq!(sessions[0]["method"], "organisation", "{sessions}");
    let events = feed(&app).await;
    assert!(events.contains("OrganisationLinked") && events.contains("sub-amina"));

    // A changed address at the provider still signs in: the link decides.
    provider
        .user("sub-amina", "amina.renamed@un.org", Some(true))
        .await;
    let again = Browser::new().sign_in(&app.base, "sub-amina").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert!(session_cookie(&again).is_some());

    // Another subject with the account's address is refused, and nothing is recorded.
    provider.user("sub-intruder", &email, Some(true)).await;
    let before = app.event_count().await;
    let refused = Browser::new().sign_in(&app.base, "sub-intruder").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused.body.contains("linked to another identity"),
        "{}",
        refused.body
    );
    assert!(session_cookie(&refused).is_none());
    assert_eq!(app.event_count().await, before);
}

async fn every_wrong_answer_of_the_provider_is_refused_and_nothing_recorded(backend: Backend) {
    let (app, provider) = tracker_and_provider(backend).await;
    let email = address("fp");
    app.account(&email, Role::FocalPoint, &["KEN"]).await;
    provider.user("sub-fp", &email, Some(true)).await;
    let before = app.event_count().await;
    for mode in [
        "wrong-audience",
        "wrong-issuer",
        "expired",
        "tampered-signature",
        "no-nonce",
        "wrong-nonce",
    ] {
        provider.mode(mode).await;
        let page = Browser::new().sign_in(&app.base, "sub-fp").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{mode}: {}", page.body);
        assert!(session_cookie(&page).is_none(), "{mode}");
        assert!(
            page.body.contains("could not be accepted"),
            "{mode}: {}",
            page.body
        );
        assert_eq!(app.event_count().await, before, "{mode} recorded something");
    }
    // Refused: an unverified address, an address with no account, a disabled account.
    provider
        .user("sub-unverified", &address("x"), Some(false))
        .await;
    let fp2 = address("fp2");
    app.account(&fp2, Role::FocalPoint, &["KEN"]).await;
    provider.user("sub-fp2", &fp2, Some(false)).await;
    let page = Browser::new().sign_in(&app.base, "sub-fp2").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("not verified"), "{}", page.body);
    provider
        .user("sub-stranger", "stranger@un.org", Some(true))
        .await;
    let page = Browser::new().sign_in(&app.base, "sub-stranger").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("No account"), "{}", page.body);
    let disabled = address("gone");
    app.account(&disabled, Role::Viewer, &[]).await;
    let id = app
        .get(&app.admin, "/api/v1/accounts")
        .await
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == disabled.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/accounts/{id}/disable"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    provider.user("sub-gone", &disabled, Some(true)).await;
    let before = app.event_count().await;
    let page = Browser::new().sign_in(&app.base, "sub-gone").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("No account"), "{}", page.body);
    assert_eq!(app.event_count().await, before);

    // A token signed with a key the provider rotated in: the keys are fetched again.
    provider.mode("new-key").await;
    let page = Browser::new().sign_in(&app.base, "sub-fp").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert!(session_cookie(&page).is_some());
}

async fn a_replayed_or_foreign_state_is_refused(backend: Backend) {
    let (app, provider) = tracker_and_provider(backend).await;
    let email = address("pm");
    app.account(&email, Role::ProgrammeManager, &[]).await;
    provider.user("sub-pm", &email, Some(true)).await;
    let mut browser = Browser::new();
    let callback = browser.through_provider(&app.base, "sub-pm").await;
    // The flow's cookie as the browser holds it before the callback.
    let flow_cookie = browser.cookie_header(&callback);
    let first = browser.get(&callback).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    // The same callback again, with the same cookie: refused.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(&callback)
        .header("cookie", &flow_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::FORBIDDEN);
    // Another browser's callback (no flow of its own): refused.
    let mut other = Browser::new();
    let callback = other.through_provider(&app.base, "sub-pm").await;
    let stolen = Browser::new().get(&callback).await;
    assert_eq!(stolen.status, StatusCode::FORBIDDEN);
    // A state that is not the browser's own.
    let tampered = callback.replace("state=", "state=x");
    let page = other.get(&tampered).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

async fn an_admin_makes_an_account_organisation_only_and_unlinks_it(backend: Backend) {
    let (app, provider) = tracker_and_provider(backend).await;
    let email = address("pm");
    let token = app.account(&email, Role::ProgrammeManager, &[]).await;
    provider.user("sub-pm", &email, Some(true)).await;
    let id = app.get(&token, "/api/v1/me").await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let only = format!("/api/v1/accounts/{id}/organisation-only");
    assert_eq!(
        app.post(&token, &only, json!({"only": true})).await.status,
        StatusCode::FORBIDDEN,
        "only admins"
    );
    let r = app.post(&app.admin, &only, json!({"only": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The password stops working, and its sessions ended.
    assert_eq!(
        app.get(&token, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = app.sign_in(&email, PASSWORD).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // The organisation's sign-in works.
    let page = Browser::new().sign_in(&app.base, "sub-pm").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    // Unlinked, the next sign-in links again by the address.
    let unlink = format!("/api/v1/accounts/{id}/organisation/unlink");
    let r = app.post(&app.admin, &unlink, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.post(&app.admin, &unlink, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(feed(&app).await.contains("OrganisationUnlinked"));
    // The password again.
    let r = app.post(&app.admin, &only, json!({"only": false})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(app.sign_in(&email, PASSWORD).await.status, StatusCode::OK);
}

on_both_stores!(
    an_invited_account_signs_in_with_the_organisation_and_the_link_decides_after,
    every_wrong_answer_of_the_provider_is_refused_and_nothing_recorded,
    a_replayed_or_foreign_state_is_refused,
    an_admin_makes_an_account_organisation_only_and_unlinks_it,
);
