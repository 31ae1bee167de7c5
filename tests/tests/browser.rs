//! The pages in a real headless Chromium, driven by `tests/browser/run.mjs` (playwright-core),
//! over the demo data on both stores, with axe-core on every page in the six languages. Needs
//! Debian's `chromium` and `npm ci` in `tests/browser`, which `tests/run` installs when they
//! are missing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use safeguards_domain::values::Role;
use safeguards_tests::app::{Setup, TestApp, PASSWORD};
use safeguards_tests::{on_both_stores, Backend, TestDb};

/// One browser run at a time: each loads the demo and drives Chromium, which two cores share.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Run the journey `script` of `tests/browser` with `env`; its standard output (its report)
/// once it has succeeded.
async fn journey(script: &str, env: &[(&str, String)]) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("browser");
    assert!(
        dir.join("node_modules/playwright-core").exists(),
        "run `npm ci` in {} (tests/run does it)",
        dir.display()
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        std::path::Path::new(&chromium).exists(),
        "headless Chromium is needed at {chromium}: apt-get install chromium (tests/run does it)"
    );
    let output = tokio::process::Command::new("node")
        .arg(script)
        .current_dir(&dir)
        .env("CHROMIUM", &chromium)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "the browser run failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Where a journey's screenshots go: `SAFEGUARDS_SCREENSHOTS`, else
/// `target/screenshots/<store>`.
fn screenshots(backend: Backend) -> String {
    std::env::var("SAFEGUARDS_SCREENSHOTS").unwrap_or_else(|_| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../target/screenshots")
            .join(format!("{backend:?}").to_lowercase());
        std::fs::create_dir_all(&dir).expect("the screenshots' folder");
        dir.display().to_string()
    })
}

async fn people_use_the_pages_in_chromium_and_every_page_passes_axe(backend: Backend) {
    let _one = ONE_AT_A_TIME.lock().await;
    let db = TestDb::new(backend).await;
    let setup = Setup {
        demo: true,
        raw: safeguards_infra::RawConfig {
            public_pages: Some("on".into()),
            ..Default::default()
        },
        ..Setup::default()
    };
    let app = TestApp::serve_setup(db, setup).await;
    app.account("pm@un.org", Role::ProgrammeManager, &[]).await;
    app.account("pm2@un.org", Role::ProgrammeManager, &[]).await;
    let links = action_links(&app).await;
    // Screenshots: the Arabic and Chinese pages among them.
    let stdout = journey(
        "run.mjs",
        &[
            ("BASE", app.base.clone()),
            ("ADMIN_EMAIL", app.admin_email.clone()),
            ("PM_EMAIL", "pm@un.org".into()),
            ("PM2_EMAIL", "pm2@un.org".into()),
            ("PASSWORD", PASSWORD.into()),
            ("PROGRESS_LINK", links[0].clone()),
            ("EVIDENCE_LINK", links[1].clone()),
            ("SCREENSHOTS", screenshots(backend)),
        ],
    )
    .await;
    println!("{stdout}");
    // The milestone the journeys made is verified in the store, not only on the pages.
    let report: serde_json::Value =
        serde_json::from_str(&stdout).expect("the run prints its report");
    let milestone = report["milestone"]
        .as_str()
        .unwrap()
        .trim_start_matches("/milestones/");
    // (The admin signed out in the browser: every token of theirs ended; sign in anew.)
    let admin = app.token(&app.admin_email, PASSWORD).await;
    let api = app
        .get(&admin, &format!("/api/v1/milestones/{milestone}"))
        .await;
    assert_eq!(api.body["status"], "verified");
    assert!(api.body["evidence"][0]["url"] == "https://example.org/gazette");
    // The journeys in Arabic and in Chinese are recorded with the text as typed, and verified.
    for (lang, evidence) in [
        ("ar", "الجريدة الرسمية، العدد ٤٢"),
        ("zh", "政府公报第42号"),
    ] {
        let at = report["journeys"][lang].as_str().unwrap();
        let api = app.get(&admin, &format!("/api/v1{at}")).await;
        assert_eq!(api.body["status"], "verified", "{lang}: {}", api.body);
        assert_eq!(api.body["evidence"][0]["title"], evidence, "{lang}");
    }
}

/// A focal point for Kenya, and two action links of theirs as a reminder would carry them:
/// progress on one open milestone of Kenya, evidence on another.
async fn action_links(app: &TestApp) -> [String; 2] {
    use safeguards_digest::links::{sign, LinkAction, LinkClaims};
    use safeguards_domain::milestone::MilestoneStatus;
    use safeguards_domain::values::{AccountId, MilestoneId};
    app.account("fp.links@ict.go.ke", Role::FocalPoint, &["KEN"])
        .await;
    app.projector
        .wait_for(0, std::time::Duration::from_secs(5))
        .await;
    let model = app.projector.read().await;
    let fp = model
        .accounts
        .values()
        .find(|a| a.email == "fp.links@ict.go.ke")
        .unwrap();
    let mut open = model
        .milestones
        .values()
        .filter(|m| m.country == "KEN" && m.status == MilestoneStatus::InProgress);
    let now = chrono::Utc::now();
    let mut link = |action| {
        let m = open.next().expect("the demo has open milestones in Kenya");
        let claims = LinkClaims::new(
            AccountId::parse(&fp.id).unwrap(),
            fp.token_generation,
            MilestoneId::parse(&m.id).unwrap(),
            m.version as u64,
            action,
            now,
        );
        format!("/act/{}", sign(&app.digest.settings, &claims))
    };
    [link(LinkAction::Progress), link(LinkAction::Evidence)]
}

/// A programme manager signs in through the organisation's identity provider (the real
/// `oidc-provider` of `tests/oidc`) in Chromium with JavaScript off: the sign-in page's button,
/// the provider's login form, and the dashboard as the account it linked.
async fn a_programme_manager_signs_in_with_the_organisations_account_in_chromium(backend: Backend) {
    let _one = ONE_AT_A_TIME.lock().await;
    let (app, provider) = safeguards_tests::oidc::tracker_and_provider(backend, None).await;
    let base = app.base.clone();
    app.account("amina.pm@un.org", Role::ProgrammeManager, &[])
        .await;
    provider
        .user("00u-amina", "amina.pm@un.org", Some(true))
        .await;
    journey(
        "oidc.mjs",
        &[
            ("BASE", base),
            ("SUB", "00u-amina".into()),
            ("NAME", "amina.pm@un.org".into()),
        ],
    )
    .await;
    // The account's history holds the link, as the admin reads it.
    let admin = app.token(&app.admin_email, PASSWORD).await;
    let feed = app.get(&admin, "/api/v1/events?limit=1000").await.body;
    let linked = feed
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["type"]
                .as_str()
                .is_some_and(|t| t.contains("OrganisationLinked"))
        })
        .unwrap_or_else(|| panic!("no link event in {feed}"));
    assert!(linked.to_string().contains("00u-amina"), "{linked}");
}

async fn a_focal_point_attaches_a_pdf_and_a_second_programme_manager_opens_it_from_the_queue_and_verifies(
    backend: Backend,
) {
    let _one = ONE_AT_A_TIME.lock().await;
    let app = TestApp::spawn(backend).await;
    let m = app
        .kenya_focal_point_and_a_started_milestone("fp@ict.go.ke", 20)
        .await;
    app.account("pm@un.org", Role::ProgrammeManager, &[]).await;
    app.account("pm2@un.org", Role::ProgrammeManager, &[]).await;
    let pdf = std::env::temp_dir().join(format!("decree-{}.pdf", uuid::Uuid::new_v4().simple()));
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj << /Title (Decree) >> endobj\n".to_vec();
    bytes.resize(40_000, b' ');
    std::fs::write(&pdf, &bytes).unwrap();
    let stdout = journey(
        "documents.mjs",
        &[
            ("BASE", app.base.clone()),
            ("MILESTONE", format!("/milestones/{m}")),
            ("FP_EMAIL", "fp@ict.go.ke".into()),
            ("PM2_EMAIL", "pm2@un.org".into()),
            ("PASSWORD", PASSWORD.into()),
            ("PDF", pdf.display().to_string()),
            ("SCREENSHOTS", screenshots(backend)),
        ],
    )
    .await;
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        report["downloaded"],
        pdf.file_name().unwrap().to_str().unwrap()
    );
    // In the store: verified by the second programme manager, the document attached.
    let admin = app.token(&app.admin_email, PASSWORD).await;
    let milestone = app
        .get(&admin, &format!("/api/v1/milestones/{m}"))
        .await
        .body;
    assert_eq!(milestone["status"], "verified", "{milestone}");
    assert_eq!(
        milestone["evidence_files"][0]["size"], 40_000,
        "{milestone}"
    );
    let pm2 = app.get(&admin, "/api/v1/accounts?limit=100").await.body;
    let pm2_id = pm2
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == "pm2@un.org")
        .unwrap()["id"]
        .clone();
    assert_eq!(milestone["verified_by"], pm2_id, "{milestone}");
    let _ = std::fs::remove_file(&pdf);
}

on_both_stores!(
    people_use_the_pages_in_chromium_and_every_page_passes_axe,
    a_programme_manager_signs_in_with_the_organisations_account_in_chromium,
    a_focal_point_attaches_a_pdf_and_a_second_programme_manager_opens_it_from_the_queue_and_verifies,
);
