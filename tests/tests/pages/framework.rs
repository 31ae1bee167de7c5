//! The framework in the tracker: its catalogue of processes (served, browsable, checking the
//! references commitments name), action plans built from it, the risks each country leaves
//! uncovered, and the commitments behind every figure.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use safeguards_app::{commitments, engagements, Caller};
use safeguards_domain::commitment::CommitmentFields;
use safeguards_domain::engagement::EngagementCommand;
use safeguards_domain::processes::Processes;
use safeguards_domain::values::{
    AuthorityCode, CommitmentId, CountryCode, DpiSystemType, PrincipleCode, RiskCode, StageCode,
    Text, Title,
};
use safeguards_infra::RawConfig;
use safeguards_tests::app::{Reply, Setup, TestApp};
use safeguards_tests::forms::{attr, client, sign_in};
use safeguards_tests::{on_both_stores, Backend, TestDb};
use serde_json::{json, Value};

/// A page as a signed-in browser without JavaScript gets it: status and HTML.
async fn page(app: &TestApp, cookie: &str, path: &str) -> (StatusCode, String) {
    let r = client()
        .get(format!("{}{path}", app.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

/// A catalogue file like the shipped one, marked complete, without `left_out`.
fn complete_catalogue(left_out: &[&str]) -> std::path::PathBuf {
    let mut c: Value = serde_json::from_str(safeguards_domain::processes::SHIPPED).unwrap();
    c["complete"] = json!(true);
    c["catalogue_version"] = json!("test-complete-1");
    c["processes"]
        .as_array_mut()
        .unwrap()
        .retain(|p| !left_out.contains(&p["id"].as_str().unwrap()));
    for table in c["by_authority_stage"]
        .as_object_mut()
        .unwrap()
        .values_mut()
    {
        table
            .as_array_mut()
            .unwrap()
            .retain(|id| !left_out.contains(&id.as_str().unwrap()));
    }
    let path = std::env::temp_dir().join(format!("catalogue-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&path, c.to_string()).unwrap();
    path
}

fn with_catalogue(path: &std::path::Path) -> Setup {
    Setup {
        raw: RawConfig {
            catalogue: Some(path.display().to_string()),
            ..RawConfig::default()
        },
        ..Setup::default()
    }
}

/// A form field's name made at run time, for a form of `&'static str` names.
fn leak(name: String) -> &'static str {
    Box::leak(name.into_boxed_str())
}

/// A tracker with the demo data.
async fn demo(backend: Backend) -> TestApp {
    TestApp::serve_setup(
        TestDb::new(backend).await,
        Setup {
            demo: true,
            ..Setup::default()
        },
    )
    .await
}

/// A commitment of KEN naming `process_refs`, recorded through the API as the admin.
async fn commit(app: &TestApp, process_refs: &[&str]) -> Reply {
    app.post(
        &app.admin,
        "/api/v1/engagements/KEN/commitments",
        commitment_body(process_refs),
    )
    .await
}

fn commitment_body(process_refs: &[&str]) -> Value {
    json!({"title": "Redress for ID holders", "principles": ["F8"], "risks": ["RS4"],
           "authority": "R1", "stage": "L5", "due_on": "2027-06-30", "process_refs": process_refs})
}

async fn the_catalogue_is_served_and_browsable_with_its_source_version_licence_and_completeness(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    // Open to everyone, like the codes.
    let r = app.get("", "/api/v1/catalogue").await;
    assert_eq!(r.status, StatusCode::OK);
    let p = &r.body["processes"];
    assert_eq!(p["processes"].as_array().unwrap().len(), 85);
    assert_eq!(p["complete"], json!(false));
    assert_eq!(p["catalogue_version"], json!("1.0-hub-2026-12-07"));
    assert!(p["licence"].as_str().unwrap().contains("CC BY-SA 4.0"));
    let f81 = p["processes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "F8.1")
        .unwrap();
    assert_eq!(f81["principle"], "F8");
    assert!(f81["source"].as_str().unwrap().starts_with("https://"));
    assert_eq!(r.body["principles"].as_array().unwrap().len(), 18);

    let html = client()
        .get(format!("{}/catalogue", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for wanted in [
        "CC BY-SA 4.0",
        "1.0-hub-2026-12-07",
        "https://safedpi.gitbook.io/safeguards",
        "id=\"p-F8.1\"",
        "R3/L2",
        "Partial",
    ] {
        assert!(html.contains(wanted), "the catalogue page lacks {wanted}");
    }
}

async fn an_unknown_process_is_accepted_and_shown_as_not_in_the_partial_catalogue(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let r = commit(&app, &["F8.1", "O3.999"]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.id();
    // The API says so too.
    let r = app
        .get(&app.admin, &format!("/api/v1/commitments/{id}"))
        .await;
    assert_eq!(
        r.body["process_refs_not_in_catalogue"],
        json!(["O3.999"]),
        "{}",
        r.body
    );
    let cookie = sign_in(&client(), &app.base, &app.admin_email).await;
    let (status, html) = page(&app, &cookie, &format!("/commitments/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("O3.999 <span class=\"muted\">(not in catalogue 1.0-hub-2026-12-07)"));
    assert!(html.contains(">F8.1</a> Facilitate user access to redress mechanisms"));
    // The commitment's page tells its history, as a milestone's does.
    assert!(
        html.contains("<td>created"),
        "no history on the commitment page"
    );
}

async fn an_unknown_process_is_refused_with_422_naming_process_refs_under_a_complete_catalogue(
    backend: Backend,
) {
    let file = complete_catalogue(&[]);
    let app = TestApp::serve_setup(TestDb::new(backend).await, with_catalogue(&file)).await;
    app.open("KEN").await;
    let r = commit(&app, &["F8.1", "O3.999"]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["field"], "process_refs", "{}", r.body);
    // A known one is taken; a revision to an unknown one is refused too.
    let r = commit(&app, &["F8.1"]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/commitments/{}/revise", r.id()),
            json!({"process_refs": ["F8.99"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let _ = std::fs::remove_file(file);
}

async fn a_stored_reference_that_leaves_the_catalogue_still_loads_and_is_shown_as_such(
    backend: Backend,
) {
    let first = TestApp::spawn(backend).await;
    first.open("KEN").await;
    let r = commit(&first, &["F8.1"]).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let id = r.id();
    // The operator's catalogue, complete, no longer has F8.1.
    let file = complete_catalogue(&["F8.1"]);
    let second = TestApp::serve_setup(TestDb::attach(&first.db).await, with_catalogue(&file)).await;
    let r = second
        .get(&second.admin, &format!("/api/v1/commitments/{id}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["process_refs"], json!(["F8.1"]));
    let cookie = sign_in(&client(), &second.base, &second.admin_email).await;
    let (_, html) = page(&second, &cookie, &format!("/commitments/{id}")).await;
    assert!(
        html.contains("F8.1 <span class=\"muted\">(not in catalogue test-complete-1)"),
        "{html}"
    );
    let _ = std::fs::remove_file(file);
}

async fn a_plan_built_from_r3_l2_creates_commitments_whose_fields_equal_the_catalogues(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let r = app
        .get(
            &app.admin,
            "/api/v1/engagements/KEN/plan?authority=R3&stage=L2&due_on=2027-12-31",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let drafts = r.body.as_array().unwrap().clone();
    let catalogue = Processes::shipped();
    let expected: Vec<&str> = catalogue
        .for_authority_stage("R3", "L2")
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    assert!(expected.contains(&"F7.2") && expected.contains(&"O8.4"));
    assert_eq!(drafts.len(), expected.len());
    let plan: Vec<Value> = drafts.iter().map(|d| d["commitment"].clone()).collect();
    let r = app
        .post(
            &app.admin,
            "/api/v1/engagements/KEN/plan",
            json!({ "commitments": plan }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let created = r.body["created"].as_array().unwrap();
    assert_eq!(created.len(), expected.len());
    for (answer, id) in created.iter().zip(&expected) {
        let p = catalogue.get(id).unwrap();
        let c = app
            .get(
                &app.admin,
                &format!("/api/v1/commitments/{}", answer["id"].as_str().unwrap()),
            )
            .await
            .body;
        assert_eq!(c["title"], json!(p.title));
        assert_eq!(c["principles"], json!([p.principle]));
        assert_eq!(c["risks"], json!(p.risks));
        assert_eq!(c["authority"], "R3");
        assert_eq!(c["stage"], "L2");
        assert_eq!(c["process_refs"], json!([p.id]));
        assert_eq!(c["due_on"], "2027-12-31");
    }
    // One invalid commitment records none.
    let before = app
        .get(&app.admin, "/api/v1/engagements/KEN/commitments")
        .await;
    let mut bad = drafts
        .iter()
        .map(|d| d["commitment"].clone())
        .collect::<Vec<_>>();
    bad[1]["title"] = json!("");
    let r = app
        .post(
            &app.admin,
            "/api/v1/engagements/KEN/plan",
            json!({ "commitments": bad }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let after = app
        .get(&app.admin, "/api/v1/engagements/KEN/commitments")
        .await;
    assert_eq!(
        before.body.as_array().unwrap().len(),
        after.body.as_array().unwrap().len()
    );
}

async fn the_plan_page_drafts_lets_the_user_edit_and_saves_only_what_was_picked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    let cookie = sign_in(&client(), &app.base, &app.admin_email).await;
    let (status, html) = page(
        &app,
        &cookie,
        "/countries/KEN/plan?authority=R3&stage=L2&due_on=2027-12-31",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("name=\"title:F7.2\""), "{html}");
    let csrf = attr(&html, "name=\"csrf\" value=\"");
    let html_ids = html.clone();
    let post = |form: Vec<(&'static str, String)>| {
        client()
            .post(format!("{}/countries/KEN/plan", app.base))
            .header("cookie", cookie.clone())
            .form(&form)
            .send()
    };
    let common = |csrf: &str| {
        vec![
            ("csrf", csrf.to_string()),
            ("authority", "R3".to_string()),
            ("stage", "L2".to_string()),
            ("due_on", "2027-12-31".to_string()),
        ]
    };
    // A picked draft with an empty title: the page names it, nothing is recorded.
    let mut form = common(&csrf);
    form.extend([
        ("pick", "F7.2".to_string()),
        ("title:F7.2", String::new()),
        ("due:F7.2", "2027-12-31".to_string()),
    ]);
    let r = post(form).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("error-summary") && html.contains("href=\"#title-F7.2\""));
    // A risk that is not one is named too.
    let mut form = common(&csrf);
    form.extend([
        ("pick", "F7.2".to_string()),
        ("title:F7.2", "Consultation".to_string()),
        ("risks:F7.2", "RS1, XX9".to_string()),
        ("due:F7.2", "2027-12-31".to_string()),
    ]);
    let r = post(form).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("XX9"));
    let none = app
        .get(&app.admin, "/api/v1/engagements/KEN/commitments")
        .await;
    assert!(none.body.as_array().unwrap().is_empty());
    // Two picked, one edited; the third left out.
    let mut form = common(&csrf);
    form.extend([
        ("pick", "F7.2".to_string()),
        (
            "title:F7.2",
            "Community consultation on the ID law".to_string(),
        ),
        ("due:F7.2", "2027-09-30".to_string()),
        (
            "description:F7.2",
            "With civil society in every county".to_string(),
        ),
        ("risks:F7.2", "RI3, SV1".to_string()),
        ("risks:O8.4", "RI3 RI2".to_string()),
        ("pick", "O8.4".to_string()),
        ("title:O8.4", "Sustainable funding plan".to_string()),
        ("due:O8.4", "2027-12-31".to_string()),
        ("title:F4.3", "Not picked".to_string()),
        ("due:F4.3", "2027-12-31".to_string()),
    ]);
    // The ids the page fixed for each draft: sent twice, the plan is recorded once.
    for id in ["F7.2", "O8.4", "F4.3"] {
        let fixed = attr(&html_ids, &format!("name=\"id:{id}\" value=\""));
        form.push((leak(format!("id:{id}")), fixed));
    }
    let r = post(form.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/countries/KEN/plan?saved=2");
    let r = post(form).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the plan sent again");
    let list = app
        .get(&app.admin, "/api/v1/engagements/KEN/commitments")
        .await;
    let list = list.body.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let edited = list
        .iter()
        .find(|c| c["process_refs"] == json!(["F7.2"]))
        .unwrap();
    assert_eq!(edited["title"], "Community consultation on the ID law");
    assert_eq!(edited["due_on"], "2027-09-30");
    assert_eq!(edited["description"], "With civil society in every county");
    assert_eq!(edited["authority"], "R3");
    assert_eq!(edited["risks"], json!(["RI3", "SV1"]));
    let (_, html) = page(&app, &cookie, "/countries/KEN/plan?saved=2").await;
    assert!(html.contains("2 commitments created from the plan"));
}

async fn only_those_who_edit_a_countrys_commitments_may_build_its_plan(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    app.open("UGA").await;
    let viewer = app
        .account(
            "viewer@plan.test",
            safeguards_domain::values::Role::Viewer,
            &[],
        )
        .await;
    let focal = app
        .account(
            "focal@plan.test",
            safeguards_domain::values::Role::FocalPoint,
            &["UGA"],
        )
        .await;
    let body = json!({"commitments": [commitment_body(&["F8.1"])]});
    for token in [&viewer, &focal] {
        let r = app
            .post(token, "/api/v1/engagements/KEN/plan", body.clone())
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    }
    let r = app
        .post(&focal, "/api/v1/engagements/UGA/plan", body.clone())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app.post("", "/api/v1/engagements/UGA/plan", body).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Drafts for a bad stage are a clear error; for a country not engaged, none.
    let r = app
        .get(
            &viewer,
            "/api/v1/engagements/KEN/plan?authority=R3&stage=L9&due_on=2027-01-01",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let cookie = sign_in(&client(), &app.base, "viewer@plan.test").await;
    let (status, _) = page(&app, &cookie, "/countries/KEN/plan").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = page(&app, &cookie, "/countries/ZAF/plan").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// What the commands said, kept without the tracker's help.
#[derive(Default, Clone)]
struct Country {
    dpi: BTreeMap<&'static str, &'static str>,
    /// commitment → (risks, stage, withdrawn)
    commitments: BTreeMap<String, (BTreeSet<&'static str>, &'static str, bool)>,
}

impl Country {
    /// The commitments covering each risk, by the definition: active, at a current stage
    /// (every stage while there is no DPI system), naming the risk.
    fn covering(&self) -> BTreeMap<&'static str, BTreeSet<String>> {
        let stages: BTreeSet<&str> = if self.dpi.is_empty() {
            ["L1", "L2", "L3", "L4", "L5"].into()
        } else {
            self.dpi.values().copied().collect()
        };
        RISKS
            .iter()
            .map(|r| {
                let ids = self
                    .commitments
                    .iter()
                    .filter(|(_, (risks, stage, withdrawn))| {
                        !withdrawn && stages.contains(stage) && risks.contains(r)
                    })
                    .map(|(id, _)| id.clone())
                    .collect();
                (*r, ids)
            })
            .collect()
    }
}

const RISKS: [&str; 13] = [
    "RS1", "RS2", "RS3", "RS4", "RI1", "RI2", "RI3", "RI4", "SV1", "SV2", "SV3", "SV4", "SV5",
];
const STAGES: [&str; 5] = ["L1", "L2", "L3", "L4", "L5"];
const SYSTEMS: [&str; 4] = ["digital_id", "payments", "data_exchange", "registries"];

fn covering_of(coverage: &Value) -> BTreeMap<String, BTreeSet<String>> {
    coverage["risks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let ids = r["commitments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect::<BTreeSet<_>>();
            assert_eq!(r["gap"], json!(ids.is_empty()), "{r}");
            (r["risk"].as_str().unwrap().to_string(), ids)
        })
        .collect()
}

/// Random days of random commands on three countries — DPI systems added and moved,
/// commitments with random risks and stages, withdrawals — then the coverage the tracker
/// answers, now and as of days in between, equals the oracle's.
async fn coverage_equals_an_independent_computation_over_the_commands(backend: Backend) {
    for seed in [11u64, 12, 13] {
        let app = TestApp::spawn(backend).await;
        let mut rng = StdRng::seed_from_u64(seed);
        let start = Utc.with_ymd_and_hms(2026, 1, 5, 12, 0, 0).unwrap();
        let countries = ["KEN", "UGA", "BRA"];
        let mut oracle: BTreeMap<&str, Country> = BTreeMap::new();
        let mut by_day: Vec<(NaiveDate, BTreeMap<&str, Country>)> = Vec::new();
        for day in 0..12i64 {
            let at = start + Duration::days(day);
            let caller = Caller::system("coverage").at(at);
            for _ in 0..8 {
                let code = countries[rng.gen_range(0..countries.len())];
                let country = CountryCode::parse(code).unwrap();
                let Some(state) = oracle.get_mut(code) else {
                    engagements::open(
                        &app.app,
                        &caller,
                        country,
                        Title::parse("Ministry").unwrap(),
                        at.date_naive(),
                        vec![],
                    )
                    .await
                    .unwrap();
                    oracle.insert(code, Country::default());
                    continue;
                };
                match rng.gen_range(0..10) {
                    0..=2 => {
                        let system = SYSTEMS[rng.gen_range(0..SYSTEMS.len())];
                        let stage = STAGES[rng.gen_range(0..STAGES.len())];
                        let command = if state.dpi.contains_key(system) {
                            EngagementCommand::MoveDpiSystem {
                                system: DpiSystemType::parse(system).unwrap(),
                                stage: StageCode::parse(stage).unwrap(),
                            }
                        } else {
                            EngagementCommand::AddDpiSystem {
                                system: DpiSystemType::parse(system).unwrap(),
                                stage: StageCode::parse(stage).unwrap(),
                            }
                        };
                        if engagements::execute(&app.app, &caller, country, command)
                            .await
                            .is_ok()
                        {
                            state.dpi.insert(system, stage);
                        }
                    }
                    3..=7 => {
                        let risks: BTreeSet<&'static str> = (0..rng.gen_range(0..4))
                            .map(|_| RISKS[rng.gen_range(0..RISKS.len())])
                            .collect();
                        let stage = STAGES[rng.gen_range(0..STAGES.len())];
                        let id = CommitmentId::new();
                        let fields = CommitmentFields {
                            title: Title::parse("A safeguard").unwrap(),
                            description: None,
                            principles: vec![PrincipleCode::parse("O3").unwrap()],
                            risks: risks.iter().map(|r| RiskCode::parse(r).unwrap()).collect(),
                            authority: AuthorityCode::parse("R1").unwrap(),
                            stage: StageCode::parse(stage).unwrap(),
                            dpi_system: None,
                            process_refs: vec![],
                            due_on: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
                        };
                        commitments::create(&app.app, &caller, country, id, fields)
                            .await
                            .unwrap();
                        state
                            .commitments
                            .insert(id.to_string(), (risks, stage, false));
                    }
                    _ => {
                        let open: Vec<String> = state
                            .commitments
                            .iter()
                            .filter(|(_, c)| !c.2)
                            .map(|(id, _)| id.clone())
                            .collect();
                        if open.is_empty() {
                            continue;
                        }
                        let id = &open[rng.gen_range(0..open.len())];
                        commitments::withdraw(
                            &app.app,
                            &caller,
                            CommitmentId::parse(id).unwrap(),
                            Text::parse_field("reason", "superseded").unwrap(),
                        )
                        .await
                        .unwrap();
                        state.commitments.get_mut(id).unwrap().2 = true;
                    }
                }
            }
            by_day.push((at.date_naive(), oracle.clone()));
        }
        assert!(
            app.projector
                .wait_for(0, std::time::Duration::from_secs(30))
                .await
        );
        let mut gaps = 0;
        for (code, state) in &oracle {
            let r = app
                .get(&app.admin, &format!("/api/v1/coverage/{code}"))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            let want: BTreeMap<String, BTreeSet<String>> = state
                .covering()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            assert_eq!(covering_of(&r.body), want, "seed {seed}, {code}");
            assert_eq!(r.body["every_stage"], json!(state.dpi.is_empty()));
            gaps += want.values().filter(|v| v.is_empty()).count();
        }
        assert!(gaps > 0, "seed {seed}: the workload left no gap to check");
        // The matrix is the same, country by country.
        let all = app.get(&app.admin, "/api/v1/coverage").await;
        assert_eq!(all.body.as_array().unwrap().len(), oracle.len());
        // As of a day in between: the oracle as it stood then.
        for (day, then) in by_day.iter().step_by(4) {
            let all = app
                .get(&app.admin, &format!("/api/v1/coverage?as_of={day}"))
                .await;
            assert_eq!(all.status, StatusCode::OK, "{}", all.body);
            let got: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = all
                .body
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c["country"].as_str().unwrap().to_string(), covering_of(c)))
                .collect();
            let want: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = then
                .iter()
                .map(|(code, state)| {
                    let cover = state
                        .covering()
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect();
                    (code.to_string(), cover)
                })
                .collect();
            assert_eq!(got, want, "seed {seed}, as of {day}");
        }
    }
}

/// The text after `marker` up to the next tag.
fn attr_text(html: &str, marker: &str) -> String {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not in page"))
        + marker.len();
    html[start..].split('<').next().unwrap().to_string()
}

/// The number in a cell linking to `href` on a page.
fn linked_number(html: &str, href: &str) -> usize {
    let marker = format!("href=\"{href}\">");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no link to {href}"))
        + marker.len();
    html[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

async fn the_explanation_of_a_figure_lists_exactly_the_commitments_it_counts(backend: Backend) {
    let app = demo(backend).await;
    let cookie = sign_in(&client(), &app.base, &app.admin_email).await;
    let (status, dashboard) = page(&app, &cookie, "/").await;
    assert_eq!(status, StatusCode::OK);
    let mut checked = 0;
    for href in [
        "/explain?country=KEN&amp;principle=O3",
        "/explain?country=KEN&amp;principle=F8",
        "/explain?country=BRA&amp;risk=RS1",
        "/explain?country=KEN&amp;risk=SV2",
        "/explain?country=KEN",
        "/explain?country=UGA",
    ] {
        let shown = linked_number(&dashboard, href);
        let (status, html) = page(&app, &cookie, &href.replace("&amp;", "&")).await;
        assert_eq!(status, StatusCode::OK, "{href}");
        let listed = html.matches("<li class=\"commitment\">").count();
        assert_eq!(
            listed, shown,
            "{href}: the cell shows {shown}, the list has {listed}"
        );
        assert!(html.contains(&format!("<strong id=\"count\">{shown}</strong>")));
        checked += shown;
    }
    assert!(checked > 0, "the demo's figures were all zero");
    // The overdue figure: as many overdue milestones as the dashboard shows.
    let (_, html) = page(&app, &cookie, "/explain?country=KEN&overdue=1").await;
    let overdue: usize = attr_text(&html, "<strong id=\"overdue\">").parse().unwrap();
    let listed = html.matches("<span class=\"overdue\">").count();
    assert!(
        listed > 0 && listed <= overdue,
        "{listed} listed of {overdue}"
    );
    let shown = {
        let marker = "href=\"/explain?country=KEN&amp;overdue=1\">";
        let start = dashboard.find(marker).unwrap() + marker.len();
        let rest = &dashboard[start..];
        let rest = rest
            .strip_prefix("<span class=\"overdue\">")
            .unwrap_or(rest);
        rest.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse::<usize>()
            .unwrap()
    };
    assert_eq!(overdue, shown);
    // A bad code is a clear error, not a list.
    let (status, _) = page(&app, &cookie, "/explain?country=KEN&risk=XX1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn the_demo_builds_three_countries_plans_from_real_processes(backend: Backend) {
    let app = demo(backend).await;
    let catalogue = Processes::shipped();
    let mut planned = BTreeSet::new();
    let mut refs = 0;
    for code in ["KEN", "BRA", "UGA", "ZAF", "RWA"] {
        let r = app
            .get(
                &app.admin,
                &format!("/api/v1/engagements/{code}/commitments"),
            )
            .await;
        for c in r.body.as_array().unwrap() {
            for id in c["process_refs"].as_array().unwrap() {
                assert!(catalogue.get(id.as_str().unwrap()).is_some(), "{id}");
                refs += 1;
            }
            if c["authority"] == "R3" || c["process_refs"].as_array().unwrap().len() == 1 {
                let id = c["process_refs"][0].as_str().unwrap_or_default();
                if let Some(p) = catalogue.get(id) {
                    if c["title"] == json!(p.title) {
                        planned.insert(code);
                    }
                }
            }
        }
    }
    assert!(refs > 10, "{refs}");
    assert!(planned.len() >= 3, "plans in {planned:?}");
}

/// The risk × country matrix as it stood at the end of a day: a commitment withdrawn later
/// still counts then, and its cell leads to the country's coverage of that day.
async fn the_risk_matrix_as_of_a_day_counts_what_stood_then(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let first = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
    let later = first + Duration::days(10);
    let country = CountryCode::parse("KEN").unwrap();
    let caller = Caller::system("matrix").at(first);
    engagements::open(
        &app.app,
        &caller,
        country,
        Title::parse("Ministry").unwrap(),
        first.date_naive(),
        vec![],
    )
    .await
    .unwrap();
    let id = CommitmentId::new();
    let fields = CommitmentFields {
        title: Title::parse("Privacy law").unwrap(),
        description: None,
        principles: vec![PrincipleCode::parse("O3").unwrap()],
        risks: vec![RiskCode::parse("RS1").unwrap()],
        authority: AuthorityCode::parse("R2").unwrap(),
        stage: StageCode::parse("L2").unwrap(),
        dpi_system: None,
        process_refs: vec![],
        due_on: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
    };
    commitments::create(&app.app, &caller, country, id, fields)
        .await
        .unwrap();
    commitments::withdraw(
        &app.app,
        &Caller::system("matrix").at(later),
        id,
        Text::parse_field("reason", "superseded").unwrap(),
    )
    .await
    .unwrap();
    assert!(
        app.projector
            .wait_for(0, std::time::Duration::from_secs(10))
            .await
    );
    let cookie = sign_in(&client(), &app.base, &app.admin_email).await;
    let (_, now) = page(&app, &cookie, "/").await;
    assert_eq!(linked_number(&now, "/explain?country=KEN&amp;risk=RS1"), 0);
    let day = first.date_naive();
    let (status, then) = page(&app, &cookie, &format!("/?as_of={day}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        linked_number(
            &then,
            &format!("/countries/KEN/coverage?as_of={day}#risk-RS1")
        ),
        1
    );
    let (_, before) = page(&app, &cookie, "/?as_of=2026-01-01").await;
    assert!(!before.contains("/countries/KEN/coverage?as_of=2026-01-01#risk-RS1"));
    let (_, coverage) = page(
        &app,
        &cookie,
        &format!("/countries/KEN/coverage?as_of={day}"),
    )
    .await;
    assert!(coverage.contains(&format!("/commitments/{id}")));
}

/// Every role (and no sign-in) on the framework's pages with crafted queries and forms: no
/// server error, anonymous visitors sent to sign in (the catalogue is open), and nothing
/// recorded by a refused form.
async fn the_framework_pages_refuse_hostile_input_for_every_role_without_a_server_error(
    backend: Backend,
) {
    use safeguards_domain::values::Role;
    let app = TestApp::spawn(backend).await;
    app.open("KEN").await;
    app.account("v@hostile.test", Role::Viewer, &[]).await;
    app.account("f@hostile.test", Role::FocalPoint, &["UGA"])
        .await;
    app.account("pm@hostile.test", Role::ProgrammeManager, &[])
        .await;
    let long = "x".repeat(10_000);
    let paths = [
        "/catalogue".to_string(),
        "/countries/KEN/plan".to_string(),
        "/countries/KEN/plan?authority=R3&stage=L2&due_on=not-a-day".to_string(),
        "/countries/KEN/plan?authority=%FF&stage=L9".to_string(),
        "/countries/KEN/coverage?as_of=2026-13-45".to_string(),
        "/countries/XXX/coverage".to_string(),
        "/countries/ken/coverage".to_string(),
        "/explain".to_string(),
        "/explain?country=KEN&principle=Z9".to_string(),
        "/explain?country=KEN&risk=RS1&principle=O3".to_string(),
        format!("/explain?country={long}"),
        "/?as_of=%FF".to_string(),
    ];
    let count = |app: &TestApp| {
        let db = app.db.db.clone();
        async move { safeguards_infra::feed::count(&db).await.unwrap() }
    };
    for email in ["", "v@hostile.test", "f@hostile.test", "pm@hostile.test"] {
        let cookie = if email.is_empty() {
            String::new()
        } else {
            sign_in(&client(), &app.base, email).await
        };
        for path in &paths {
            let (status, _) = page(&app, &cookie, path).await;
            assert!(status.as_u16() < 500, "{email} {path}: {status}");
            if email.is_empty() && !path.starts_with("/catalogue") {
                assert_eq!(status, StatusCode::SEE_OTHER, "{path} without a sign-in");
            }
        }
        // A plan posted without the form's token, or with what the catalogue does not hold,
        // records nothing.
        let before = count(&app).await;
        for form in [
            vec![
                ("authority", "R3"),
                ("stage", "L2"),
                ("due_on", "2027-01-01"),
                ("pick", "F7.2"),
            ],
            vec![
                ("csrf", "forged"),
                ("authority", "R3"),
                ("stage", "L2"),
                ("due_on", "2027-01-01"),
                ("pick", "F7.2"),
            ],
        ] {
            let r = client()
                .post(format!("{}/countries/KEN/plan", app.base))
                .header("cookie", &cookie)
                .form(&form)
                .send()
                .await
                .unwrap();
            assert!(
                r.status().is_client_error() || r.status() == StatusCode::SEE_OTHER,
                "{email}: {}",
                r.status()
            );
            assert_ne!(
                r.headers().get("location").map(|l| l.to_str().unwrap()),
                Some("/countries/KEN/plan?saved=1")
            );
        }
        assert_eq!(
            count(&app).await,
            before,
            "{email}: a refused plan recorded events"
        );
    }
    // Signed in with the form's token: a picked process outside the table, a 10,000-character
    // title, a stage that is not one.
    let cookie = sign_in(&client(), &app.base, "pm@hostile.test").await;
    let (_, html) = page(
        &app,
        &cookie,
        "/countries/KEN/plan?authority=R3&stage=L2&due_on=2027-01-01",
    )
    .await;
    let csrf = attr(&html, "name=\"csrf\" value=\"");
    let before = count(&app).await;
    for (extra, expected) in [
        (
            vec![("pick", "O3.999".to_string())],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            vec![
                ("pick", "F7.2".to_string()),
                ("title:F7.2", long.clone()),
                ("due:F7.2", "2027-01-01".to_string()),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let mut form = vec![
            ("csrf", csrf.clone()),
            ("authority", "R3".to_string()),
            ("stage", "L2".to_string()),
            ("due_on", "2027-01-01".to_string()),
        ];
        form.extend(extra);
        let r = client()
            .post(format!("{}/countries/KEN/plan", app.base))
            .header("cookie", &cookie)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), expected);
    }
    let r = client()
        .post(format!("{}/countries/KEN/plan", app.base))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("authority", "R3"),
            ("stage", "L9"),
            ("due_on", "2027-01-01"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&app).await, before);
    // The API: more than a plan may hold.
    let many: Vec<Value> = (0..101).map(|_| commitment_body(&["F8.1"])).collect();
    let r = app
        .post(
            &app.admin,
            "/api/v1/engagements/KEN/plan",
            json!({ "commitments": many }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(count(&app).await, before);
}

on_both_stores!(
    the_framework_pages_refuse_hostile_input_for_every_role_without_a_server_error,
    the_risk_matrix_as_of_a_day_counts_what_stood_then,
    the_catalogue_is_served_and_browsable_with_its_source_version_licence_and_completeness,
    an_unknown_process_is_accepted_and_shown_as_not_in_the_partial_catalogue,
    an_unknown_process_is_refused_with_422_naming_process_refs_under_a_complete_catalogue,
    a_stored_reference_that_leaves_the_catalogue_still_loads_and_is_shown_as_such,
    a_plan_built_from_r3_l2_creates_commitments_whose_fields_equal_the_catalogues,
    the_plan_page_drafts_lets_the_user_edit_and_saves_only_what_was_picked,
    only_those_who_edit_a_countrys_commitments_may_build_its_plan,
    coverage_equals_an_independent_computation_over_the_commands,
    the_explanation_of_a_figure_lists_exactly_the_commitments_it_counts,
    the_demo_builds_three_countries_plans_from_real_processes,
);
