//! The workflows of the pages, over real HTTP without JavaScript: the milestone page and its
//! forms (refusals that keep the input, "changed meanwhile" instead of an overwrite), the
//! commitment page, the verification queue, a focal point's start page, and a country page that
//! stays light with 2,000 milestones.

use reqwest::StatusCode;
use safeguards_app::{milestones, Caller};
use safeguards_domain::values::{CommitmentId, MilestoneId, Role, Title};
use safeguards_tests::app::TestApp;
use safeguards_tests::forms::{self, attr, Session};
use safeguards_tests::{on_both_stores, Backend};
use serde_json::json;

/// A browser without JavaScript: keeps its session cookie, follows no redirect by itself.
struct Browser(Session);

impl Browser {
    async fn signed_in(app: &TestApp, email: &str) -> Self {
        Self(Session::signed_in(&app.base, email).await)
    }

    async fn get(&self, path: &str) -> (StatusCode, String) {
        let (status, body) = self.0.get(path).await;
        (status, String::from_utf8(body).unwrap())
    }

    /// Post a form of the page at `page` (its CSRF token and the version it shows, then
    /// `fields`); returns the status, the redirect's target (if any) and the body.
    async fn submit(
        &self,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, Option<String>, String) {
        let (_, html) = self.get(page).await;
        let form = html
            .find(&format!("action=\"{action}\""))
            .unwrap_or_else(|| panic!("{page} has no form for {action}"));
        let csrf = attr(&html, "name=\"csrf\" value=\"");
        let version = attr(&html[form..], "name=\"version\" value=\"");
        let mut body = vec![("csrf", csrf.as_str()), ("version", version.as_str())];
        body.extend_from_slice(fields);
        self.post(action, &body).await
    }

    async fn post(
        &self,
        path: &str,
        body: &[(&str, &str)],
    ) -> (StatusCode, Option<String>, String) {
        let r = self
            .0
            .request(reqwest::Method::POST, path)
            .form(body)
            .send()
            .await
            .unwrap();
        let location = r
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        (r.status(), location, r.text().await.unwrap())
    }
}

/// Kenya with a commitment and a milestone, a focal point of Kenya and a programme manager.
async fn kenya(backend: Backend) -> (TestApp, String, String) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let commitment = app.commitment("KEN").await;
    let milestone = app.milestone(&commitment, "2027-01-31").await;
    app.account("fp@ict.go.ke", Role::FocalPoint, &["KEN"])
        .await;
    app.account("pm@un.org", Role::ProgrammeManager, &[]).await;
    (app, commitment, milestone)
}

async fn a_refused_form_comes_back_with_its_message_next_to_the_field_and_the_input_kept(
    backend: Backend,
) {
    let (app, _, milestone) = kenya(backend).await;
    let fp = Browser::signed_in(&app, "fp@ict.go.ke").await;
    let page = format!("/milestones/{milestone}");
    let before = app.event_count().await;
    let (status, _, html) = fp
        .submit(
            &page,
            &format!("{page}/progress"),
            &[("percent", "150"), ("note", "almost there")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("class=\"error-summary\"") && html.contains("href=\"#progress-percent\""),
        "no error summary linking to the field"
    );
    assert!(
        html.contains("id=\"progress-percent-error\"")
            && html.contains("aria-describedby=\"progress-percent-error\""),
        "the field has no message of its own"
    );
    assert!(
        html.contains("value=\"150\"") && html.contains("value=\"almost there\""),
        "the input was not kept"
    );
    assert_eq!(app.event_count().await, before, "a refused form recorded");
}

async fn two_people_on_the_same_milestone_get_changed_meanwhile_not_an_overwrite(backend: Backend) {
    let (app, _, milestone) = kenya(backend).await;
    app.account("fp2@ict.go.ke", Role::FocalPoint, &["KEN"])
        .await;
    let first = Browser::signed_in(&app, "fp@ict.go.ke").await;
    let second = Browser::signed_in(&app, "fp2@ict.go.ke").await;
    let page = format!("/milestones/{milestone}");
    // Both open the page; the first reports progress.
    let (_, html) = second.get(&page).await;
    let csrf = attr(&html, "name=\"csrf\" value=\"");
    let seen = attr(&html, "name=\"version\" value=\"");
    let (status, _, _) = first
        .submit(&page, &format!("{page}/progress"), &[("percent", "40")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The second sends the version they saw.
    let before = app.event_count().await;
    let (status, _, html) = second
        .post(
            &format!("{page}/progress"),
            &[("csrf", &csrf), ("version", &seen), ("percent", "10")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        html.contains("changed this meanwhile"),
        "no \"changed meanwhile\""
    );
    assert!(
        html.contains("40%"),
        "the page does not show the current state"
    );
    assert_eq!(
        app.event_count().await,
        before,
        "the second overwrote the first"
    );
    let api = app
        .get(&app.admin, &format!("/api/v1/milestones/{milestone}"))
        .await;
    assert_eq!(api.body["percent"], 40);
}

async fn a_commitment_page_adds_a_milestone_once_however_often_the_form_is_sent(backend: Backend) {
    let (app, commitment, _) = kenya(backend).await;
    let fp = Browser::signed_in(&app, "fp@ict.go.ke").await;
    let page = format!("/commitments/{commitment}");
    let (_, html) = fp.get(&page).await;
    let csrf = attr(&html, "name=\"csrf\" value=\"");
    let new_id = attr(&html, "name=\"new_id\" value=\"");
    let form = [
        ("csrf", csrf.as_str()),
        ("new_id", new_id.as_str()),
        ("title", "Regulations published"),
        ("due_on", "2027-03-31"),
        ("stage", "L3"),
    ];
    let (status, location, _) = fp.post(&format!("{page}/milestones"), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.unwrap(), format!("{page}?done=milestones"));
    // The same form again (a double click, a retry over a slow line) adds nothing.
    let (status, _, html) = fp.post(&format!("{page}/milestones"), &form).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("already exists"), "{html}");
    let (_, html) = fp.get(&page).await;
    assert_eq!(html.matches("Regulations published").count(), 1);
    assert!(html.contains(&format!("/milestones/{new_id}")));
    let api = app
        .get(&app.admin, &format!("/api/v1/milestones/{new_id}"))
        .await;
    assert_eq!(api.body["stage"], "L3");
    // A focal point of another country is refused, and nothing is added.
    app.account("fp@bra.gov.br", Role::FocalPoint, &["BRA"])
        .await;
    let other = Browser::signed_in(&app, "fp@bra.gov.br").await;
    let (_, html) = other.get(&page).await;
    assert!(
        !html.contains("/milestones\""),
        "another country's focal point gets the form"
    );
    let before = app.event_count().await;
    let (_, account) = other.get("/account").await;
    let csrf = attr(&account, "name=\"csrf\" value=\"");
    let (status, _, _) = other
        .post(
            &format!("{page}/milestones"),
            &[
                ("csrf", &csrf),
                ("title", "Hijack"),
                ("due_on", "2027-03-31"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.event_count().await, before);
}

async fn the_queue_lists_achievements_to_verify_and_the_reporter_cannot_verify_their_own(
    backend: Backend,
) {
    let (app, commitment, milestone) = kenya(backend).await;
    let own = app.milestone(&commitment, "2027-02-28").await;
    let fp = Browser::signed_in(&app, "fp@ict.go.ke").await;
    let pm = Browser::signed_in(&app, "pm@un.org").await;
    for (who, id) in [(&fp, &milestone), (&pm, &own)] {
        let page = format!("/milestones/{id}");
        who.submit(&page, &format!("{page}/start"), &[]).await;
        let (status, _, body) = who
            .submit(
                &page,
                &format!("{page}/achieve"),
                &[
                    ("evidence_title", "Gazette notice"),
                    ("evidence_url", "https://example.org/gazette"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    }
    let (status, html) = pm.get("/review").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("/milestones/{milestone}/verify")),
        "the focal point's achievement is not in the queue"
    );
    assert!(
        html.contains("https://example.org/gazette") && html.contains("fp@ict.go.ke"),
        "the queue does not show the evidence and the reporter"
    );
    assert!(
        !html.contains(&format!("/milestones/{own}/verify")),
        "the reporter is offered their own achievement"
    );
    assert!(html.contains("You reported this achievement"));
    // The focal point may not verify: their queue is empty.
    let (_, html) = fp.get("/review").await;
    assert!(
        !html.contains("/verify\""),
        "a focal point is offered verification"
    );
    // Verifying from the queue returns to it.
    let (status, location, _) = pm
        .submit(
            "/review",
            &format!("/milestones/{milestone}/verify"),
            &[("back", "review")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.unwrap(), "/review?done=verify");
    let (_, html) = pm.get("/review").await;
    assert!(!html.contains(&format!("/milestones/{milestone}/verify")));
    // The reporter's own, posted anyway, is refused.
    let before = app.event_count().await;
    let (_, html) = pm.get(&format!("/milestones/{own}")).await;
    let csrf = attr(&html, "name=\"csrf\" value=\"");
    let (status, _, _) = pm
        .post(&format!("/milestones/{own}/verify"), &[("csrf", &csrf)])
        .await;
    assert_ne!(
        status,
        StatusCode::SEE_OTHER,
        "the reporter verified their own"
    );
    assert_eq!(app.event_count().await, before);
}

async fn a_focal_points_start_page_lists_what_is_overdue_due_soon_blocked_or_sent_back(
    backend: Backend,
) {
    let (app, commitment, late) = kenya(backend).await;
    app.clock.set(Some("2027-02-10T09:00:00Z".parse().unwrap()));
    let soon = app.milestone(&commitment, "2027-02-20").await;
    let later = app.milestone(&commitment, "2027-06-30").await;
    let blocked = app.milestone(&commitment, "2027-05-31").await;
    let returned = app.milestone(&commitment, "2027-04-30").await;
    app.open("BRA").await;
    let brazil = app.commitment("BRA").await;
    let elsewhere = app.milestone(&brazil, "2027-01-01").await;
    let fp = Browser::signed_in(&app, "fp@ict.go.ke").await;
    let pm = Browser::signed_in(&app, "pm@un.org").await;
    let page = format!("/milestones/{blocked}");
    fp.submit(
        &page,
        &format!("{page}/block"),
        &[("reason", "awaiting the budget")],
    )
    .await;
    let page = format!("/milestones/{returned}");
    fp.submit(&page, &format!("{page}/start"), &[]).await;
    fp.submit(
        &page,
        &format!("{page}/achieve"),
        &[
            ("evidence_title", "Draft"),
            ("evidence_url", "https://example.org/d"),
        ],
    )
    .await;
    let (status, _, _) = pm
        .submit(
            &page,
            &format!("{page}/reject"),
            &[("reason", "the draft is unsigned")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let (status, html) = fp.get("/work").await;
    assert_eq!(status, StatusCode::OK);
    let section = |id: &str| {
        let start = html.find(&format!("<h2 id=\"{id}\"")).unwrap();
        let end = html[start + 1..]
            .find("<h2")
            .map_or(html.len(), |e| start + 1 + e);
        html[start..end].to_string()
    };
    let link = |id: &str| format!("/milestones/{id}\"");
    assert!(section("overdue").contains(&link(&late)));
    assert!(section("soon").contains(&link(&soon)));
    assert!(section("blocked").contains(&link(&blocked)));
    assert!(section("blocked").contains("awaiting the budget"));
    assert!(section("returned").contains(&link(&returned)));
    assert!(section("returned").contains("the draft is unsigned"));
    assert!(
        !html.contains(&link(&later)),
        "a milestone due in months is a task"
    );
    assert!(
        !html.contains(&link(&elsewhere)),
        "another country's milestone is listed"
    );
}

on_both_stores!(
    a_refused_form_comes_back_with_its_message_next_to_the_field_and_the_input_kept,
    two_people_on_the_same_milestone_get_changed_meanwhile_not_an_overwrite,
    a_commitment_page_adds_a_milestone_once_however_often_the_form_is_sent,
    the_queue_lists_achievements_to_verify_and_the_reporter_cannot_verify_their_own,
    a_focal_points_start_page_lists_what_is_overdue_due_soon_blocked_or_sent_back,
);

/// Page weight does not depend on the store: measured on SQLite.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_country_with_2000_milestones_has_a_country_page_under_60_kb_gzipped() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.open("KEN").await;
    let system = Caller::system("workflows-test");
    let mut commitments = Vec::new();
    for i in 0..40 {
        let r = app
            .post(
                &app.admin,
                "/api/v1/engagements/KEN/commitments",
                json!({"title": format!("Commitment {i} on the protection of personal data"),
                       "principles": ["O3", "F8"], "authority": "R1", "stage": "L2", "due_on": "2027-06-30"}),
            )
            .await;
        commitments.push(CommitmentId::parse(&r.id()).unwrap());
    }
    for i in 0..2000 {
        let due = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(i);
        milestones::add(
            &app.app,
            &system,
            commitments[i as usize % commitments.len()],
            MilestoneId::new(),
            Title::parse(&format!(
                "Milestone {i}: regulations drafted and consulted on"
            ))
            .unwrap(),
            due,
            None,
        )
        .await
        .unwrap();
    }
    let admin = Browser::signed_in(&app, &app.admin_email).await;
    let (status, raw) = admin.get("/countries/KEN").await;
    assert_eq!(status, StatusCode::OK);
    let r = admin
        .0
        .request(reqwest::Method::GET, "/countries/KEN")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let gzipped = r.bytes().await.unwrap().len();
    println!(
        "country page with 2000 milestones: {} bytes raw, {gzipped} bytes gzipped",
        raw.len()
    );
    assert!(gzipped <= 60 * 1024, "{gzipped} bytes gzipped");
    assert!(raw.contains("?page=2"), "the commitments are not paged");
    assert!(
        raw.contains("Milestone 0:"),
        "the most overdue milestone is not shown"
    );
    // The figures' explanations and the coverage stay light too.
    for path in [
        "/explain?country=KEN",
        "/explain?country=KEN&overdue=1",
        "/explain?country=KEN&principle=O3",
        "/countries/KEN/coverage",
        "/",
    ] {
        let r = admin
            .0
            .request(reqwest::Method::GET, path)
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let gzipped = r.bytes().await.unwrap().len();
        println!("{path} with 2000 milestones: {gzipped} bytes gzipped");
        assert!(gzipped <= 60 * 1024, "{path}: {gzipped} bytes gzipped");
    }
}

/// Post a form whose fields repeat (a group of checkboxes), with the CSRF token of `page`.
async fn post_repeated(
    who: &Browser,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Option<String>, String) {
    let (_, html) = who.get(page).await;
    let csrf = attr(&html, "name=\"csrf\" value=\"");
    let mut body = vec![("csrf", csrf.as_str())];
    body.extend_from_slice(fields);
    who.post(action, &body).await
}

async fn a_programme_manager_opens_an_engagement_and_runs_it_from_the_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.account("pm@un.org", Role::ProgrammeManager, &[]).await;
    app.account("fp@ict.go.ke", Role::FocalPoint, &[]).await;
    let pm = Browser::signed_in(&app, "pm@un.org").await;
    let (status, html) = pm.get("/engagements/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<option value=\"KEN\">Kenya (KEN)</option>"),
        "no country picker"
    );
    let (status, location, body) = post_repeated(
        &pm,
        "/engagements/new",
        "/engagements",
        &[
            ("country", "KEN"),
            ("lead", "Ministry of ICT"),
            ("started_on", "2026-11-02"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(location.unwrap(), "/countries/KEN?done=engagements");
    let (_, html) = pm.get("/engagements/new").await;
    assert!(
        !html.contains("value=\"KEN\""),
        "an engaged country is offered again"
    );

    let country = "/countries/KEN";
    for (action, fields) in [
        (
            "activities",
            vec![
                ("kind", "workshop"),
                ("title", "Safeguards assessment workshop"),
                ("held_on", "2026-11-20"),
                ("authorities", "R1"),
                ("authorities", "R2"),
            ],
        ),
        (
            "dpi-systems",
            vec![("system", "digital_id"), ("stage", "L1")],
        ),
        ("dpi-stage", vec![("system", "digital_id"), ("stage", "L3")]),
        (
            "status",
            vec![("status", "committed"), ("reason", "letter signed")],
        ),
    ] {
        let (status, location, body) =
            post_repeated(&pm, country, &format!("{country}/{action}"), &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{action}: {body}");
        assert_eq!(location.unwrap(), format!("{country}?done={action}"));
    }
    let (_, html) = pm.get(country).await;
    for shown in [
        "Safeguards assessment workshop",
        "R1, R2",
        "digital_id",
        "L3",
        "letter signed",
        "committed",
    ] {
        assert!(
            html.contains(shown),
            "the country page does not show {shown}"
        );
    }

    // A commitment with pickers; refused first for want of a principle, the input kept.
    let (_, html) = pm.get(country).await;
    let new_id = attr(&html, "name=\"new_id\" value=\"");
    let commitment = [
        ("new_id", new_id.as_str()),
        ("title", "Adopt a data protection law"),
        ("risks", "RS1"),
        ("authority", "R1"),
        ("stage", "L2"),
        ("process_refs", "O3.7, F8.1"),
        ("due_on", "2027-06-30"),
    ];
    let (status, _, html) =
        post_repeated(&pm, country, &format!("{country}/commitments"), &commitment).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("href=\"#commitments-principles\""),
        "no summary link to the field"
    );
    assert!(
        html.contains("value=\"Adopt a data protection law\""),
        "the title was lost"
    );
    assert!(
        html.contains("value=\"RS1\" checked"),
        "the risk ticked was lost"
    );
    let mut with_principles = commitment.to_vec();
    with_principles.extend([("principles", "O3"), ("principles", "F8")]);
    let (status, _, body) = post_repeated(
        &pm,
        country,
        &format!("{country}/commitments"),
        &with_principles,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let api = app
        .get(&app.admin, &format!("/api/v1/commitments/{new_id}"))
        .await;
    assert_eq!(api.body["principles"], json!(["O3", "F8"]));
    assert_eq!(api.body["process_refs"], json!(["O3.7", "F8.1"]));

    // A focal point is assigned; they may then act in the country.
    let fp_id = app
        .get(&app.admin, "/api/v1/accounts")
        .await
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == "fp@ict.go.ke")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, _, body) = post_repeated(
        &pm,
        country,
        &format!("{country}/focal-points"),
        &[("account", &fp_id)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (_, html) = pm.get(country).await;
    assert!(
        html.contains("Focal points: fp@ict.go.ke"),
        "the focal point is not listed"
    );

    // A focal point may record activities, never manage the engagement.
    let fp = Browser::signed_in(&app, "fp@ict.go.ke").await;
    let (status, _) = fp.get("/engagements/new").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, html) = fp.get(country).await;
    assert!(html.contains(&format!("action=\"{country}/activities\"")));
    assert!(
        !html.contains(&format!("action=\"{country}/status\"")),
        "a focal point may change the status"
    );
    let before = app.event_count().await;
    let (status, _, _) = post_repeated(
        &fp,
        country,
        &format!("{country}/status"),
        &[("status", "closed")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = post_repeated(
        &fp,
        "/account",
        "/engagements",
        &[
            ("country", "BRA"),
            ("lead", "x"),
            ("started_on", "2026-11-02"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.event_count().await, before, "a refused form recorded");

    // Removed, the focal point may no longer act in the country.
    let (status, _, body) = post_repeated(
        &pm,
        country,
        &format!("{country}/remove-focal-point"),
        &[("account", &fp_id)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (_, html) = pm.get(country).await;
    assert!(
        html.contains("Focal points: none"),
        "the focal point is still listed"
    );
    let (_, html) = fp.get(country).await;
    assert!(
        !html.contains(&format!("action=\"{country}/activities\"")),
        "a removed focal point still gets the country's forms"
    );
}

async fn an_admin_manages_accounts_subscribers_and_digests_from_the_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    app.account("pm@un.org", Role::ProgrammeManager, &[]).await;
    let admin = Browser::signed_in(&app, &app.admin_email).await;
    let (status, html) = admin.get("/account").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("href=\"/admin/accounts\""));

    // An account with a password made for it, shown once, that then signs in.
    let (status, _, html) = post_repeated(
        &admin,
        "/admin/accounts",
        "/admin/accounts/create",
        &[
            ("email", "new@ict.go.ke"),
            ("name", "Wanjiru"),
            ("role", "focal_point"),
            ("countries", "ken"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{html}");
    let password = attr(&html, "<code class=\"secret\">");
    let password = password.split('<').next().unwrap().to_string();
    assert!(password.len() >= 10, "{password}");
    let (_, again) = admin.get("/admin/accounts").await;
    assert!(!again.contains(&password), "the password is shown twice");
    let client = forms::client();
    let set = forms::sign_in_with(&client, &app.base, "new@ict.go.ke", &password).await;
    assert!(set.starts_with("sg_session="));

    let accounts = app.get(&app.admin, "/api/v1/accounts").await.body;
    let id = accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == "new@ict.go.ke")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        accounts
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id.as_str())
            .unwrap()["countries"],
        json!(["KEN"])
    );
    let (status, location, body) = post_repeated(
        &admin,
        "/admin/accounts",
        &format!("/admin/accounts/{id}/role"),
        &[("role", "focal_point"), ("countries", "KEN, UGA")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(location.unwrap(), "/admin/accounts?done=role");
    // A bad country comes back next to its field.
    let (status, _, html) = post_repeated(
        &admin,
        "/admin/accounts",
        &format!("/admin/accounts/{id}/role"),
        &[("role", "focal_point"), ("countries", "KEN, XXX")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains(&format!("href=\"#{id}/role-countries\"")),
        "no summary link"
    );
    assert!(html.contains("value=\"KEN, XXX\""), "the input was lost");
    let (status, _, _) = post_repeated(
        &admin,
        "/admin/accounts",
        &format!("/admin/accounts/{id}/disable"),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let r = app.sign_in("new@ict.go.ke", &password).await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "a disabled account signs in"
    );

    // A programme manager gets none of the account pages.
    let pm = Browser::signed_in(&app, "pm@un.org").await;
    let (status, html) = pm.get("/admin/accounts").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        !html.contains("new@ict.go.ke"),
        "a manager sees the accounts"
    );
    let before = app.event_count().await;
    let (status, _, _) = post_repeated(
        &pm,
        "/account",
        "/admin/accounts/create",
        &[("email", "x@un.org"), ("name", "X"), ("role", "admin")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.event_count().await, before);

    // Subscribers: listed, erased.
    let r = app
        .subscribe(json!({"email": "reader@example.org", "countries": ["KEN"]}))
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let subscriber = app.subscriber("reader@example.org").await;
    let sid = subscriber["id"].as_str().unwrap().to_string();
    let (_, html) = admin.get("/admin/subscribers").await;
    assert!(html.contains("reader@example.org"));
    let (status, _, _) = post_repeated(
        &admin,
        "/admin/subscribers",
        &format!("/admin/subscribers/{sid}/erase"),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = admin.get("/admin/subscribers").await;
    assert!(
        !html.contains("reader@example.org"),
        "the erased address is still shown"
    );
    // A long list comes a page at a time.
    for i in 0..55 {
        let r = app
            .subscribe(json!({"email": format!("r{i}@example.org")}))
            .await;
        assert!(r.status.is_success(), "{}", r.body);
    }
    let (_, first) = admin.get("/admin/subscribers").await;
    assert!(
        first.contains("56 subscribers"),
        "the count is not of them all"
    );
    assert!(
        first.contains("href=\"/admin/subscribers?page=2\""),
        "no second page"
    );
    // 56 rows: 50 on the first page, 6 on the second; the erased one has no form.
    let forms = |html: &str| html.matches("action=\"/admin/subscribers/").count();
    let rows = |html: &str| html.matches("<tr id=\"s-").count();
    let (_, second) = admin.get("/admin/subscribers?page=2").await;
    assert_eq!((rows(&first), rows(&second)), (50, 6));
    assert_eq!(forms(&first) + forms(&second), 55);

    // Digests: the periods, a preview, sending now.
    // The preview is what a subscriber without an account receives: an unpublished country is
    // not in it, a published one is.
    let (status, html) = pm.get("/admin/digests/preview?countries=KEN").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("Kenya"),
        "an unpublished country in the preview"
    );
    let r = app
        .post(&app.admin, "/api/v1/engagements/KEN/publish", json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (status, html) = pm.get("/admin/digests/preview?countries=KEN").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Kenya"), "the preview does not cover Kenya");
    let (status, _) = pm.get("/admin/digests/preview?countries=XXX").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, html) =
        post_repeated(&admin, "/admin/digests", "/admin/digests/send", &[]).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("-W"),
        "the answer does not name the period sent"
    );
    let (status, _) = admin.get("/admin/digests").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = pm.get("/admin/subscribers").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a manager may manage the digest's subscribers"
    );
}

mod managing {
    use super::*;
    on_both_stores!(
        a_programme_manager_opens_an_engagement_and_runs_it_from_the_pages,
        an_admin_manages_accounts_subscribers_and_digests_from_the_pages,
    );
}

async fn a_link_to_a_page_leads_back_to_it_after_signing_in_and_never_off_the_site(
    backend: Backend,
) {
    let (app, _, milestone) = kenya(backend).await;
    let client = forms::client();
    let page = format!("/milestones/{milestone}");
    // A link from a digest, followed without a session.
    let r = client
        .get(format!("{}{page}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let login = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(login, format!("/login?next=%2Fmilestones%2F{milestone}"));
    let sign_in = async |next: &str| {
        let r = client
            .get(format!("{}/login?next={next}", app.base))
            .send()
            .await
            .unwrap();
        let cookie = r.headers()["set-cookie"].to_str().unwrap();
        let cookie = cookie.split(';').next().unwrap().to_string();
        let html = r.text().await.unwrap();
        let csrf = attr(&html, "name=\"csrf\" value=\"");
        let next = if html.contains("name=\"next\"") {
            attr(&html, "name=\"next\" value=\"")
        } else {
            String::new()
        };
        let r = client
            .post(format!("{}/login", app.base))
            .header("cookie", cookie)
            .form(&[
                ("email", "fp@ict.go.ke"),
                ("password", safeguards_tests::app::PASSWORD),
                ("csrf", &csrf),
                ("next", &next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        r.headers()["location"].to_str().unwrap().to_string()
    };
    assert_eq!(sign_in(&format!("%2Fmilestones%2F{milestone}")).await, page);
    // Anything that would lead off the site lands on the start page instead.
    for hostile in [
        "%2F%2Fevil.example%2Fx",
        "https%3A%2F%2Fevil.example",
        "%2F%5Cevil.example",
        "%2Fwork%0D%0ASet-Cookie%3A+x",
    ] {
        assert_eq!(sign_in(hostile).await, "/work", "{hostile}");
    }
}

mod returning {
    use super::*;
    on_both_stores!(a_link_to_a_page_leads_back_to_it_after_signing_in_and_never_off_the_site);
}
