//! The pages in a real headless Chromium, driven by `tests/browser/run.mjs` (playwright-core),
//! over the demo data, with axe-core on every page in three languages. Needs Debian's `chromium` and `npm ci` in `tests/browser`,
//! which `tests/run` installs when they are missing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use safeguards_domain::values::Role;
use safeguards_tests::app::{Setup, TestApp, PASSWORD};
use safeguards_tests::{Backend, TestDb};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn people_use_the_pages_in_chromium_and_every_page_passes_axe() {
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
    let db = TestDb::new(Backend::Sqlite).await;
    let setup = Setup {
        demo: true,
        ..Setup::default()
    };
    let app = TestApp::serve_setup(db, setup).await;
    let commitment = app.commitment("KEN").await;
    let milestone = app.milestone(&commitment, "2027-01-31").await;
    app.account("fp@ict.go.ke", Role::FocalPoint, &["KEN"])
        .await;
    app.account("pm@un.org", Role::ProgrammeManager, &[]).await;
    let screenshots = std::env::var("SAFEGUARDS_SCREENSHOTS").unwrap_or_default();
    let output = tokio::process::Command::new("node")
        .arg("run.mjs")
        .current_dir(&dir)
        .env("BASE", &app.base)
        .env("FP_EMAIL", "fp@ict.go.ke")
        .env("PM_EMAIL", "pm@un.org")
        .env("PASSWORD", PASSWORD)
        .env("MILESTONE", &milestone)
        .env("COMMITMENT", &commitment)
        .env("CHROMIUM", &chromium)
        .env("SCREENSHOTS", screenshots)
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the browser run failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let api = app
        .get(&app.admin, &format!("/api/v1/milestones/{milestone}"))
        .await;
    assert_eq!(api.body["status"], "verified");
}
