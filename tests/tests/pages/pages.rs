//! The pages people use, over real HTTP: sign-in with a session cookie, the forms a focal point
//! and a programme manager use, CSRF, escaping, security headers and page weight.

use reqwest::StatusCode;
use safeguards_domain::values::Role;
use safeguards_tests::app::{TestApp, PASSWORD};
use safeguards_tests::forms::{self, attr};
use safeguards_tests::{on_both_stores, Backend};
use serde_json::json;

/// A browser without JavaScript: keeps the session cookie, follows no redirects by itself.
struct Browser {
    client: reqwest::Client,
    base: String,
    session: Option<String>,
}

impl Browser {
    fn new(app: &TestApp) -> Self {
        Self {
            client: forms::client(),
            base: app.base.clone(),
            session: None,
        }
    }

    async fn get(&self, path: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(s) = &self.session {
            req = req.header("cookie", format!("sg_session={s}"));
        }
        let r = req.send().await.unwrap();
        (r.status(), r.headers().clone(), r.text().await.unwrap())
    }

    async fn post(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, reqwest::header::HeaderMap, String) {
        let mut req = self.client.post(format!("{}{path}", self.base)).form(form);
        if let Some(s) = &self.session {
            req = req.header("cookie", format!("sg_session={s}"));
        }
        let r = req.send().await.unwrap();
        (r.status(), r.headers().clone(), r.text().await.unwrap())
    }

    async fn sign_in(&mut self, email: &str) {
        let set = forms::sign_in(&self.client, &self.base, email).await;
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Lax"),
            "{set}"
        );
        self.session = Some(
            set.split(';')
                .next()
                .unwrap()
                .trim_start_matches("sg_session=")
                .to_string(),
        );
    }

    /// The CSRF token of the forms on a page.
    async fn csrf(&self, path: &str) -> String {
        let (_, _, html) = self.get(path).await;
        attr(&html, "name=\"csrf\" value=\"")
    }
}

async fn a_focal_point_updates_a_milestone_through_the_forms_and_a_manager_verifies_it(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let commitment = app.commitment("KEN").await;
    let milestone = app.milestone(&commitment, "2027-01-31").await;
    app.account("fp@ict.go.ke", Role::FocalPoint, &["KEN"])
        .await;
    app.account("pm@un.org", Role::ProgrammeManager, &[]).await;

    let anonymous = Browser::new(&app);
    let (status, headers, _) = anonymous.get("/").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/login");

    let mut fp = Browser::new(&app);
    fp.sign_in("fp@ict.go.ke").await;
    let (status, _, html) = fp.get("/countries/KEN").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Bill tabled in parliament"));
    let page = format!("/milestones/{milestone}");
    assert!(
        html.contains(&format!("href=\"{page}\"")),
        "the country page does not link the milestone's page"
    );
    assert!(
        !html.contains(&format!("action=\"{page}/")),
        "the country page is a summary, not a wall of milestone forms"
    );
    let (status, _, html) = fp.get(&page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("/verify\""),
        "a focal point is offered verification"
    );
    for (action, fields) in [
        ("start", vec![]),
        (
            "progress",
            vec![("percent", "60"), ("note", "second reading")],
        ),
        (
            "achieve",
            vec![
                ("evidence_title", "Hansard"),
                ("evidence_url", "https://parliament.go.ke/h/1"),
            ],
        ),
    ] {
        let (_, _, html) = fp.get(&page).await;
        assert!(
            html.contains(&format!("action=\"{page}/{action}\"")),
            "{action} is not offered"
        );
        let csrf = attr(&html, "name=\"csrf\" value=\"");
        let version = attr(&html, "name=\"version\" value=\"");
        let mut form = vec![("csrf", csrf.as_str()), ("version", version.as_str())];
        form.extend(fields);
        let (status, headers, body) = fp.post(&format!("{page}/{action}"), &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{action}: {body}");
        let location = headers["location"].to_str().unwrap().to_string();
        assert_eq!(location, format!("{page}?done={action}"));
        let (_, _, after) = fp.get(&location).await;
        assert!(
            after.contains("role=\"status\""),
            "{action}: no confirmation"
        );
    }
    let (_, _, html) = fp.get(&page).await;
    for shown in [
        "Hansard",
        "https://parliament.go.ke/h/1",
        "second reading",
        "60%",
    ] {
        assert!(
            html.contains(shown),
            "the milestone page does not show {shown}"
        );
    }
    assert!(
        html.contains("progress reported") && html.contains("reported achieved"),
        "the history is not shown"
    );

    let mut pm = Browser::new(&app);
    pm.sign_in("pm@un.org").await;
    let (_, _, html) = pm.get(&page).await;
    assert!(
        html.contains(&format!("{page}/verify")),
        "the manager is not offered verification"
    );
    let csrf = attr(&html, "name=\"csrf\" value=\"");
    let (status, _, _) = pm.post(&format!("{page}/verify"), &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let (_, _, dashboard) = pm.get("/").await;
    assert!(dashboard.contains("Kenya"));
    assert!(
        dashboard.contains("100.0%"),
        "the dashboard does not show the verification"
    );
    let (_, _, country) = pm.get("/countries/KEN").await;
    assert!(country.contains("verified"));
    assert!(country.contains("<svg viewBox"), "no burn-up chart");
    let api = app
        .get(&app.admin, &format!("/api/v1/milestones/{milestone}"))
        .await;
    assert_eq!(api.body["status"], "verified");
}

async fn forms_without_their_csrf_token_change_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let commitment = app.commitment("KEN").await;
    let milestone = app.milestone(&commitment, "2027-01-31").await;
    app.account("fp@ict.go.ke", Role::FocalPoint, &["KEN"])
        .await;
    let mut fp = Browser::new(&app);
    fp.sign_in("fp@ict.go.ke").await;
    let before = app.event_count().await;
    for csrf in ["", "forged"] {
        let (status, _, _) = fp
            .post(&format!("/milestones/{milestone}/start"), &[("csrf", csrf)])
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    // A login form posted from elsewhere (no login cookie) is refused too.
    let r = fp
        .client
        .post(format!("{}/login", app.base))
        .form(&[
            ("email", "fp@ict.go.ke"),
            ("password", PASSWORD),
            ("csrf", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.event_count().await, before);
}

async fn user_text_is_escaped_and_pages_carry_security_headers_and_stay_light(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let r = app
        .post(&app.admin, "/api/v1/engagements/KEN/commitments",
            json!({"title": "<script>alert(1)</script>", "principles": ["F1"], "authority": "R1", "stage": "L1", "due_on": "2027-01-01"}))
        .await;
    let commitment = r.id();
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/commitments/{commitment}/milestones"),
            json!({"title": "\"><img src=x onerror=alert(1)>", "due_on": "2027-01-01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let milestone = r.id();
    let mut admin = Browser::new(&app);
    admin.sign_in(&app.admin_email).await;
    for page in [
        "/countries/KEN".to_string(),
        format!("/milestones/{milestone}"),
        format!("/commitments/{commitment}"),
    ] {
        let (_, _, html) = admin.get(&page).await;
        assert!(
            !html.contains("<script>alert(1)</script>"),
            "a title ran as script"
        );
        assert!(
            !html.contains("<img src=x onerror"),
            "a title became an element"
        );
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "the title is not shown as text"
        );
        assert!(
            html.contains("&#34;&#62;&#60;img src=x onerror=alert(1)&#62;"),
            "the title is not shown as text"
        );
    }

    let milestone_page = format!("/milestones/{milestone}");
    let commitment_page = format!("/commitments/{commitment}");
    for path in [
        "/",
        "/countries/KEN",
        &milestone_page,
        &commitment_page,
        "/review",
        "/work",
        "/account",
        "/login",
        "/subscribe",
        "/api/docs",
    ] {
        let (status, headers, body) = admin.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'")
                && !csp.contains("script-src")
                && csp.contains("default-src 'none'"),
            "{path}: {csp}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(!body.contains("<script"), "{path} has a script");
        assert!(
            !body.contains("style=\""),
            "{path} has an inline style the CSP would block"
        );
        println!("page weight {path}: {} bytes", body.len());
        assert!(
            body.len() <= 60 * 1024,
            "{path} weighs {} bytes",
            body.len()
        );
    }
}

on_both_stores!(
    a_focal_point_updates_a_milestone_through_the_forms_and_a_manager_verifies_it,
    forms_without_their_csrf_token_change_nothing,
    user_text_is_escaped_and_pages_carry_security_headers_and_stay_light,
);

async fn pages_speak_english_french_and_spanish(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let mut admin = Browser::new(&app);
    admin.sign_in(&app.admin_email).await;
    let (_, headers, html) = admin.get("/?lang=fr").await;
    assert!(html.contains("<html lang=\"fr\" dir=\"ltr\">"));
    assert!(html.contains("Les pays et leurs garanties"));
    assert!(html.contains("exploration"), "the status is not translated");
    assert!(
        html.contains("0,0\u{202f}%"),
        "the percentage is not written the French way"
    );
    let cookie = headers["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("sg_lang=fr"), "{cookie}");
    // The choice sticks through the cookie.
    let r = admin
        .client
        .get(format!("{}/countries/KEN", app.base))
        .header(
            "cookie",
            format!(
                "sg_session={}; sg_lang=fr",
                admin.session.as_deref().unwrap()
            ),
        )
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("Engagement mené par"));
    // Without a choice, the browser's language.
    let r = admin
        .client
        .get(format!("{}/login", app.base))
        .header("accept-language", "es-ES,es;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<html lang=\"es\" dir=\"ltr\">") && html.contains("Contraseña"),
        "{html}"
    );
}

mod languages {
    use super::*;
    on_both_stores!(pages_speak_english_french_and_spanish);
}

async fn a_focal_point_revises_and_withdraws_a_commitment_through_the_forms(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let commitment = app.commitment("KEN").await;
    app.account("fp@ict.go.ke", Role::FocalPoint, &["KEN"])
        .await;
    let mut fp = Browser::new(&app);
    fp.sign_in("fp@ict.go.ke").await;
    let (_, _, html) = fp.get(&format!("/commitments/{commitment}")).await;
    assert!(html.contains(&format!("/commitments/{commitment}/revise")));
    assert!(
        html.contains("value=\"2027-06-30\""),
        "the due date is not prefilled"
    );
    let csrf = fp.csrf(&format!("/commitments/{commitment}")).await;
    let (status, _, _) = fp
        .post(
            &format!("/commitments/{commitment}/revise"),
            &[
                ("csrf", &csrf),
                ("title", "Adopt a data protection law"),
                ("due_on", "2027-12-31"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let c = app
        .get(&app.admin, &format!("/api/v1/commitments/{commitment}"))
        .await;
    assert_eq!(c.body["due_on"], "2027-12-31");
    let (status, _, _) = fp
        .post(
            &format!("/commitments/{commitment}/withdraw"),
            &[
                ("csrf", &csrf),
                ("reason", "merged into the digital ID law"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let c = app
        .get(&app.admin, &format!("/api/v1/commitments/{commitment}"))
        .await;
    assert_eq!(c.body["withdrawn"], true);
    // Someone from another country gets no form, and a forged post is refused.
    app.account("fp@bra.gov.br", Role::FocalPoint, &["BRA"])
        .await;
    let mut other = Browser::new(&app);
    other.sign_in("fp@bra.gov.br").await;
    let csrf = other.csrf("/account").await;
    let (status, headers, _) = other
        .post(
            &format!("/commitments/{commitment}/revise"),
            &[("csrf", &csrf), ("title", "Hijacked")],
        )
        .await;
    assert!(
        status == StatusCode::FORBIDDEN
            || headers
                .get("location")
                .is_some_and(|l| l.to_str().unwrap().contains("error=")),
        "{status}"
    );
    let c = app
        .get(&app.admin, &format!("/api/v1/commitments/{commitment}"))
        .await;
    assert_ne!(c.body["title"], "Hijacked");
}

mod commitment_forms {
    use super::*;
    on_both_stores!(a_focal_point_revises_and_withdraws_a_commitment_through_the_forms);
}

async fn the_subscription_pages_follow_the_browsers_language(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let r = reqwest::Client::new()
        .get(format!("{}/subscribe", app.base))
        .header("accept-language", "fr-FR,fr")
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<html lang=\"fr\" dir=\"ltr\">")
            && html.contains("abonner au Bulletin des garanties"),
        "{html}"
    );
    let r = reqwest::Client::new()
        .get(format!("{}/unsubscribe?token=nope", app.base))
        .header("accept-language", "es")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("Este enlace no funciona"));
}

mod subscription_languages {
    use super::*;
    on_both_stores!(the_subscription_pages_follow_the_browsers_language);
}

async fn an_account_keeps_its_language(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    app.account("fp@ict.go.ke", Role::FocalPoint, &["KEN"])
        .await;
    let mut fp = Browser::new(&app);
    fp.sign_in("fp@ict.go.ke").await;
    let csrf = fp.csrf("/account").await;
    let (status, headers, _) = fp
        .post("/account/language", &[("csrf", &csrf), ("language", "es")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("sg_lang=;"));
    // No cookie, an English browser: the account's Spanish wins.
    let r = fp
        .client
        .get(format!("{}/", app.base))
        .header(
            "cookie",
            format!("sg_session={}", fp.session.as_deref().unwrap()),
        )
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<html lang=\"es\" dir=\"ltr\">")
            && html.contains("Los países y sus salvaguardias"),
        "{html}"
    );
}

mod account_language {
    use super::*;
    on_both_stores!(an_account_keeps_its_language);
}

/// The step form of a milestone (`POST /milestones/{id}/{step}`) against every role and every
/// hostile path: no session, another country's milestone, a malformed or unknown id, an unknown
/// step, a forged token, a body past the limit. Each is refused with the page (or sign-in) it
/// should get, never a server error, and nothing is recorded.
async fn the_step_form_refuses_every_role_and_hostile_path_and_records_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    app.open("UGA").await;
    let ken = app
        .milestone(&app.commitment("KEN").await, "2027-01-31")
        .await;
    let uga = app
        .milestone(&app.commitment("UGA").await, "2027-01-31")
        .await;
    app.account("v@hostile.test", Role::Viewer, &[]).await;
    app.account("fp@hostile.test", Role::FocalPoint, &["KEN"])
        .await;
    app.account("pm@hostile.test", Role::ProgrammeManager, &[])
        .await;
    safeguards_tests::wait_until_all_visible(&app.db.db).await;
    let before = app.event_count().await;

    let anonymous = Browser::new(&app);
    let (status, headers, _) = anonymous
        .post(&format!("/milestones/{ken}/start"), &[("csrf", "x")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/login");

    let long = "x".repeat(200 * 1024);
    for email in ["v@hostile.test", "fp@hostile.test", "pm@hostile.test"] {
        let mut who = Browser::new(&app);
        who.sign_in(email).await;
        let csrf = who.csrf("/account").await;
        assert!(!csrf.is_empty(), "{email}: the account page has a form");
        // Another country's milestone for the focal point, any milestone for the viewer.
        if email != "pm@hostile.test" {
            let target = if email == "fp@hostile.test" {
                &uga
            } else {
                &ken
            };
            let (status, _, html) = who
                .post(&format!("/milestones/{target}/start"), &[("csrf", &csrf)])
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{email}: {html}");
        }
        type Refusal<'a> = (String, Vec<(&'a str, &'a str)>, StatusCode);
        let refusals: [Refusal; 5] = [
            (
                "/milestones/not-an-id/start".into(),
                vec![("csrf", &csrf)],
                StatusCode::NOT_FOUND,
            ),
            (
                format!("/milestones/{}/start", uuid::Uuid::new_v4()),
                vec![("csrf", &csrf)],
                StatusCode::NOT_FOUND,
            ),
            (
                format!("/milestones/{ken}/fly"),
                vec![("csrf", &csrf)],
                StatusCode::NOT_FOUND,
            ),
            (
                format!("/milestones/{ken}/start"),
                vec![("csrf", "forged")],
                StatusCode::FORBIDDEN,
            ),
            (
                format!("/milestones/{ken}/progress"),
                vec![("csrf", &csrf), ("percent", "50"), ("note", &long)],
                StatusCode::PAYLOAD_TOO_LARGE,
            ),
        ];
        for (path, form, expected) in &refusals {
            let (status, _, html) = who.post(path, form).await;
            assert_eq!(status, *expected, "{email} {path}");
            assert!(
                !html.contains(&long[..100]),
                "{email} {path}: the input echoed"
            );
        }
    }
    assert_eq!(
        app.event_count().await,
        before,
        "a refused step recorded something"
    );
}

mod step_form_hostile {
    use super::*;
    on_both_stores!(the_step_form_refuses_every_role_and_hostile_path_and_records_nothing);
}

/// Every page a signed-in admin reads, and the public ones, in each of the six languages:
/// `<html lang dir>` from the language, and no English text of the message files (a message of
/// two words or more, where the language has words of its own) on a page of another language.
async fn every_page_speaks_the_six_languages_and_shows_no_english(backend: Backend) {
    use safeguards_domain::subscriber::Language;
    use strum::VariantArray;
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let commitment = app.commitment("KEN").await;
    let milestone = app.milestone(&commitment, "2027-06-30").await;
    let token = app.token(&app.admin_email, PASSWORD).await;
    let r = app
        .post(&token, "/api/v1/engagements/KEN/publish", json!({}))
        .await;
    assert!(r.status.is_success(), "{:?}", r.body);
    let mut admin = Browser::new(&app);
    admin.sign_in(&app.admin_email).await;
    let paths = [
        "/".to_string(),
        "/countries/KEN".into(),
        format!("/commitments/{commitment}"),
        format!("/milestones/{milestone}"),
        "/countries/KEN/plan".into(),
        "/countries/KEN/coverage".into(),
        "/catalogue".into(),
        "/explain".into(),
        "/engagements/new".into(),
        "/admin/accounts".into(),
        "/admin/subscribers".into(),
        "/admin/digests".into(),
        "/review".into(),
        "/work".into(),
        "/account".into(),
        "/public".into(),
        "/public/countries/KEN".into(),
        "/public/ledger".into(),
        "/digests".into(),
        "/milestones/not-an-id".into(),
    ];
    // The framework's vocabulary and the country names, in each language: on the pages, and in
    // the API's catalogue.
    let (_, _, html) = admin.get("/countries/KEN?lang=ar").await;
    assert!(html.contains("كينيا"), "the country's Arabic name: {html}");
    let (_, _, html) = admin.get("/countries/KEN?lang=fr").await;
    assert!(
        html.contains("Engagement ouvert, mené par") && !html.contains("engagement opened"),
        "the recent history in French: {html}"
    );
    assert!(
        html.contains("prochaine échéance le \u{2068}30 juin 2027\u{2069}"),
        "the next due day in French: {html}"
    );
    let (_, _, html) = admin.get("/?lang=zh").await;
    assert!(
        html.contains("肯尼亚"),
        "the country's Chinese name: {html}"
    );
    let (status, body) = app.page("/api/v1/catalogue?lang=fr").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["language"], "fr");
    assert_eq!(
        body["principles"][0]["name"], "Ne pas nuire",
        "{}",
        body["principles"]
    );
    assert_eq!(
        body["principles"][0]["translated"], true,
        "a translation, said so"
    );
    assert!(body["countries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["code"] == "DEU" && c["name"] == "Allemagne"));
    let (status, body) = app.page("/api/v1/catalogue?lang=tlh").await;
    assert!(status.is_client_error(), "{status} {body}");
    let english = safeguards_texts::catalogue(Language::En);
    for &lang in Language::VARIANTS {
        let code: &str = lang.into();
        let theirs = safeguards_texts::catalogue(lang);
        let dir = if lang == Language::Ar { "rtl" } else { "ltr" };
        // What English says where this language says something else, long enough to be a
        // sentence or a label of its own.
        let mut leaks: Vec<(&str, &str)> = vec![];
        for (ours, theirs) in [
            (english.pages.each(), theirs.pages.each()),
            (english.framework.each(), theirs.framework.each()),
            (english.public.each(), theirs.public.each()),
            (english.vocabulary.each(), theirs.vocabulary.each()),
        ] {
            for ((id, en), (_, other)) in ours.into_iter().zip(theirs) {
                if en != other && en.contains(' ') && en.len() >= 12 {
                    leaks.push((id, en));
                }
            }
        }
        for path in &paths {
            let sep = if path.contains('?') { '&' } else { '?' };
            let (_, _, html) = admin.get(&format!("{path}{sep}lang={code}")).await;
            assert!(
                html.contains(&format!("<html lang=\"{code}\" dir=\"{dir}\">")),
                "{code} {path}: {}",
                &html[..html.len().min(300)]
            );
            for other in Language::VARIANTS {
                let other: &str = (*other).into();
                assert!(
                    html.contains(&format!("hreflang=\"{other}\"")),
                    "{code} {path}: no switch to {other}"
                );
            }
            if lang == Language::En {
                continue;
            }
            for (id, en) in &leaks {
                assert!(
                    !html.contains(en),
                    "{code} {path}: English `{id}` ({en:?}) on the page"
                );
            }
        }
    }
}

mod six_languages {
    use super::*;
    on_both_stores!(every_page_speaks_the_six_languages_and_shows_no_english);
}

mod refusals_in_six_languages {
    use super::*;
    on_both_stores!(a_refusal_on_a_page_is_said_in_the_pages_language_from_its_code);
}

/// A form refused on a page says why in the page's language, from the refusal's code, with
/// what it inserts (a status, a step) in that language too: never the English sentence the
/// API's `detail` carries.
async fn a_refusal_on_a_page_is_said_in_the_pages_language_from_its_code(backend: Backend) {
    use safeguards_domain::subscriber::Language;
    let app = TestApp::spawn(backend).await;
    let started = app
        .kenya_focal_point_and_a_started_milestone("fp@ict.go.ke", 20)
        .await;
    let r = app
        .get(&app.admin, &format!("/api/v1/milestones/{started}"))
        .await;
    let commitment = r.body["commitment"].as_str().unwrap().to_string();
    let planned = app.milestone(&commitment, "2027-06-30").await;
    let before = app.event_count().await;
    let mut fp = Browser::new(&app);
    fp.sign_in("fp@ict.go.ke").await;
    let mut pm = Browser::new(&app);
    pm.sign_in(&app.admin_email).await;
    let clean = |s: &str| s.replace(['\u{2068}', '\u{2069}'], "");
    for (lang, code) in [
        (Language::Ar, "ar"),
        (Language::Zh, "zh"),
        (Language::Ru, "ru"),
        (Language::Fr, "fr"),
        (Language::Es, "es"),
    ] {
        let errors = &safeguards_texts::catalogue(lang).errors;
        // A value refused: a percent past 100.
        let csrf = fp.csrf(&format!("/milestones/{started}")).await;
        let (status, _, html) = fp
            .post(
                &format!("/milestones/{started}/progress?lang={code}"),
                &[("csrf", &csrf), ("percent", "150")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{code}: {html}");
        assert!(
            clean(&html).contains(&clean(errors.not_a_percent)),
            "{code}: {html}"
        );
        assert!(!html.contains("must be a whole number"), "{code}: {html}");
        // A step the milestone's status does not allow: a planned milestone verified.
        let csrf = pm.csrf(&format!("/milestones/{planned}")).await;
        let (status, _, html) = pm
            .post(
                &format!("/milestones/{planned}/verify?lang={code}"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{code}: {html}");
        let t = safeguards_api::web::i18n::texts(lang);
        let expected = errors.milestone_step_not_allowed(t.status_planned, t.verify);
        assert!(
            html.contains(&expected.replace('"', "&#34;").replace('\'', "&#39;")),
            "{code}: {expected} not in {html}"
        );
        assert!(!html.contains("cannot be verified"), "{code}: {html}");
    }
    assert_eq!(app.event_count().await, before, "a refusal records nothing");
}

/// The dashboard counts commitments in each language's plural forms, read from the rendered
/// page: 0, 1, 2, 3, 11 and 100 in Arabic (six forms), Russian, French and English.
async fn counts_take_each_languages_plural_form_on_the_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let mut admin = Browser::new(&app);
    admin.sign_in(&app.admin_email).await;
    let expected: [(usize, [&str; 4]); 6] = [
        (
            0,
            [
                "لا التزامات",
                "0 обязательств",
                "0 engagement,",
                "0 commitments",
            ],
        ),
        (
            1,
            [
                "التزام واحد",
                "1 обязательство",
                "1 engagement,",
                "1 commitment,",
            ],
        ),
        (
            2,
            [
                "التزامان",
                "2 обязательства",
                "2 engagements",
                "2 commitments",
            ],
        ),
        (
            3,
            [
                "3 التزامات",
                "3 обязательства",
                "3 engagements",
                "3 commitments",
            ],
        ),
        (
            11,
            [
                "11 التزامًا",
                "11 обязательств",
                "11 engagements",
                "11 commitments",
            ],
        ),
        (
            100,
            [
                "100 التزام",
                "100 обязательств",
                "100 engagements",
                "100 commitments",
            ],
        ),
    ];
    let mut made = 0;
    for (n, forms) in expected {
        while made < n {
            app.commitment("KEN").await;
            made += 1;
        }
        for (lang, form) in ["ar", "ru", "fr", "en"].into_iter().zip(forms) {
            let (_, _, html) = admin.get(&format!("/?lang={lang}")).await;
            let summary = html
                .split("<p>")
                .find(|p| p.contains('%'))
                .unwrap_or_default()
                .replace(['\u{2068}', '\u{2069}'], "");
            assert!(
                summary.contains(form),
                "{n} in {lang}: {form:?} is not in {summary:?}"
            );
        }
    }
}

mod plurals {
    use super::*;
    on_both_stores!(counts_take_each_languages_plural_form_on_the_page);
}

/// The text a reader sees on a page, without what people typed (`dir="auto"`), code, scripts,
/// styles, tags and attributes.
fn read_text(html: &str) -> String {
    let mut text = html.to_string();
    // (The account's digit picker shows both kinds, by design.)
    if let Some(start) = text.find("<select id=\"digits\"") {
        let end = start + text[start..].find("</select>").unwrap();
        text.replace_range(start..end, " ");
    }
    for tag in ["script", "style", "code"] {
        while let Some(start) = text.find(&format!("<{tag}")) {
            let end = text[start..]
                .find(&format!("</{tag}>"))
                .map_or(text.len(), |e| start + e + tag.len() + 3);
            text.replace_range(start..end, " ");
        }
    }
    // Elements carrying what people typed: from `dir="auto"` to the end of that element.
    while let Some(at) = text.find("dir=\"auto\"") {
        let start = text[..at].rfind('<').unwrap();
        let name: String = text[start + 1..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        let end = text[at..]
            .find(&format!("</{name}>"))
            .map_or(text.len(), |e| at + e + name.len() + 3);
        text.replace_range(start..end, " ");
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    // Character references (`&#34;`) are not numbers of the page.
    let mut clean = String::new();
    let mut rest = out.as_str();
    while let Some(at) = rest.find("&#") {
        clean.push_str(&rest[..at]);
        rest = rest[at..].split_once(';').map_or("", |(_, r)| r);
    }
    clean.push_str(rest);
    clean
}

/// The quantities written in Latin digits in `text`, with their surroundings: digit runs not
/// part of a code or a format (`O3.7`, `2027-03-31`, `KEN2`), as `format::arab_text` sees them.
fn latin_quantities(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let keeps =
        |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || "-.:/[]_$@".contains(*c));
    let mut found = vec![];
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let end = (i..chars.len())
            .find(|&j| !chars[j].is_ascii_digit())
            .unwrap_or(chars.len());
        if !keeps(i.checked_sub(1).and_then(|j| chars.get(j))) && !keeps(chars.get(end)) {
            let from = i.saturating_sub(30);
            let to = (end + 30).min(chars.len());
            found.push(
                chars[from..to]
                    .iter()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        i = end;
    }
    found
}

/// Arabic-Indic digits are an account's choice (or the browser's, `ar-EG`): every number the
/// tracker writes on the page — counts, percentages, dates, page numbers — is then in them,
/// and none in Latin digits; Arabic's default (`ar`) writes none in Arabic-Indic. What people
/// typed, codes and formats to type keep their own digits.
async fn digits_never_mix_on_a_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let started = app
        .kenya_focal_point_and_a_started_milestone("fp@ict.go.ke", 20)
        .await;
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/milestones/{started}/progress"),
            json!({"percent": 45, "note": "Phase 2 of 3"}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let r = app
        .get(&app.admin, &format!("/api/v1/milestones/{started}"))
        .await;
    let commitment = r.body["commitment"].as_str().unwrap().to_string();
    app.post(&app.admin, "/api/v1/engagements/KEN/publish", json!({}))
        .await;
    let mut fp = Browser::new(&app);
    fp.sign_in("fp@ict.go.ke").await;
    let mut admin = Browser::new(&app);
    admin.sign_in(&app.admin_email).await;
    let pages = [
        "/".to_string(),
        "/countries/KEN".into(),
        format!("/commitments/{commitment}"),
        format!("/milestones/{started}"),
        "/countries/KEN/coverage".into(),
        "/countries/KEN/plan".into(),
        "/catalogue".into(),
        "/explain?country=KEN".into(),
        "/review".into(),
        "/work".into(),
        "/account".into(),
        "/admin/accounts".into(),
        "/admin/subscribers".into(),
        "/admin/digests".into(),
        "/public".into(),
        "/public/countries/KEN".into(),
        "/countries/KEN/upload".into(),
    ];
    let arabic_indic = |t: &str| t.chars().any(|c| ('\u{0660}'..='\u{0669}').contains(&c));
    // By the browser's tag, then by the account's choice.
    let mut mixed = vec![];
    for (who, query) in [(&admin, "lang=ar-EG"), (&fp, "lang=ar-EG")] {
        for page in &pages {
            let sep = if page.contains('?') { '&' } else { '?' };
            let (status, _, html) = who.get(&format!("{page}{sep}{query}")).await;
            if status == StatusCode::NOT_FOUND && page.starts_with("/admin") {
                continue; // not the focal point's page
            }
            let text = read_text(&html);
            let latin = latin_quantities(&text);
            if !latin.is_empty() {
                mixed.push(format!("{page}: {latin:#?}"));
            }
            // The pages with numbers of the tracker's own.
            if ["/", "/countries/KEN", "/work", "/review"].contains(&page.as_str())
                || page.starts_with("/milestones/")
            {
                assert!(arabic_indic(&text), "{page}: no Arabic-Indic digit: {text}");
            }
        }
    }
    assert!(
        mixed.is_empty(),
        "Latin digits among Arabic-Indic ones: {}",
        mixed.join("\n")
    );
    let token = app.token("fp@ict.go.ke", PASSWORD).await;
    // Digits that are not a choice, by the API and by the account page: refused, nothing
    // recorded.
    let before = app.event_count().await;
    for bad in [
        json!("roman"),
        json!(1),
        json!("ARAB "),
        json!("x".repeat(100_000)),
    ] {
        let r = app
            .post(
                &token,
                "/api/v1/me/language",
                json!({"language": "ar", "digits": bad}),
            )
            .await;
        assert!(r.status.is_client_error(), "{bad}: {}", r.body);
    }
    let csrf = fp.csrf("/account").await;
    let (status, _, html) = fp
        .post(
            "/account/language",
            &[("csrf", &csrf), ("language", "ar"), ("digits", "roman")],
        )
        .await;
    assert!(status.is_client_error(), "{status}: {html}");
    assert!(
        html.contains("is not one of"),
        "the refusal says why: {html}"
    );
    assert_eq!(app.event_count().await, before, "nothing recorded");
    let r = app
        .post(
            &token,
            "/api/v1/me/language",
            json!({"language": "ar", "digits": "arab"}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let (_, _, html) = fp.get(&format!("/milestones/{started}")).await;
    assert!(html.contains("٤٥"), "the account's digits: {html}");
    assert!(latin_quantities(&read_text(&html)).is_empty(), "{html}");
    // Arabic's default: Latin digits only.
    for page in &pages {
        let sep = if page.contains('?') { '&' } else { '?' };
        let (_, _, html) = admin.get(&format!("{page}{sep}lang=ar")).await;
        let text = read_text(&html);
        assert!(
            !arabic_indic(&text),
            "{page}: Arabic-Indic digits in Latin-digit Arabic: {text}"
        );
    }
}

mod digits {
    use super::*;
    on_both_stores!(digits_never_mix_on_a_page);
}
