//! The OpenAPI document against a running server with demo data: `openapi-spec-validator`
//! (PyPI) accepts it, and schemathesis (PyPI) with every check (`--checks all`) finds nothing —
//! no server error, every response as documented, every schema-valid request accepted and every
//! schema-invalid one refused — signed in as a programme manager. A client generated from it by
//! `openapi-python-client` (PyPI) signs in, reads progress and reports it. `tests/run` installs
//! the three when they are missing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{safeguards, Server};

/// The secret key of the server the document is read from.
const SECRET: &str = "schemathesis-secret-key-of-enough-length";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_is_valid_openapi_and_tells_the_truth_about_every_operation() {
    let version = Command::new("schemathesis").arg("--version").output();
    assert!(
        version.is_ok_and(|o| o.status.success()),
        "schemathesis is needed: pip install schemathesis (tests/run does it)"
    );
    let dir = std::env::temp_dir().join(format!("sg-schemathesis-{}", std::process::id()));
    let mut serve = safeguards(&dir, None, SECRET, "error");
    serve.stdout(Stdio::piped());
    let mut server = Server::spawn(serve, &["--demo"]);
    let base = server.base.clone();
    // The demo's passwords are made anew at each load and printed once.
    let mut printed = std::io::BufReader::new(server.child.stdout.take().unwrap());
    let password = loop {
        let mut line = String::new();
        assert!(
            std::io::BufRead::read_line(&mut printed, &mut line).unwrap() > 0,
            "the demo printed no manager"
        );
        if line.contains("manager@demo.safeguards.test") {
            break line.split_whitespace().last().unwrap().to_string();
        }
    };
    std::thread::spawn(move || std::io::copy(&mut printed, &mut std::io::sink()));
    server.healthy(Duration::from_secs(120)).await;
    let client = reqwest::Client::new();
    let token = server
        .sign_in("manager@demo.safeguards.test", &password)
        .await;
    let document = client
        .get(format!("{base}/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc_file = dir.join("openapi.json");
    std::fs::write(&doc_file, &document).unwrap();
    let validator = Command::new("openapi-spec-validator")
        .arg(&doc_file)
        .output()
        .expect("openapi-spec-validator is needed: pip install openapi-spec-validator (tests/run does it)");
    assert!(
        validator.status.success(),
        "openapi-spec-validator refuses the document:\n{}{}",
        String::from_utf8_lossy(&validator.stdout),
        String::from_utf8_lossy(&validator.stderr)
    );
    // Run it in the temporary folder: schemathesis keeps a cache where it runs.
    // A document's bytes decide whether it is taken (415: not one of the accepted kinds; 413:
    // past the limit): no schema says which bytes are a PDF, so those answers are expected of
    // data the schema allows.
    std::fs::write(
        dir.join("schemathesis.toml"),
        "[[operations]]\n\
         include-operation-id = \"attach_evidence_file\"\n\
         checks.positive_data_acceptance.expected-statuses = \
         [\"2xx\", \"3xx\", \"401\", \"403\", \"404\", \"409\", \"413\", \"415\", \"429\", \"5xx\"]\n",
    )
    .unwrap();
    let output = Command::new("schemathesis")
        .current_dir(&dir)
        .args([
            "run",
            &format!("{base}/api/openapi.json"),
            "-H",
            &format!("Authorization: Bearer {token}"),
            "--max-examples",
            "30",
            "--checks",
            "all",
            // These end the session schemathesis signs in with (tested in the hostile suite).
            "--exclude-path",
            "/api/v1/auth/token",
            "--exclude-path",
            "/api/v1/auth/logout",
            "--exclude-path",
            "/api/v1/me/password",
            "--seed",
            "1201",
        ])
        .output()
        .unwrap();
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    let out = String::from_utf8_lossy(&output.stdout);
    let summary = out.split("SUMMARY").last().unwrap_or_default();
    println!("{summary}");
    assert!(
        output.status.success(),
        "schemathesis found failures:\n{out}"
    );
}

/// What the generated client does, run by `python3 client.py <package dir> <base> <email>
/// <password> <milestone>`: each call through the generated functions and models, the answers
/// printed as one JSON object.
const CLIENT_SCRIPT: &str = r#"
import json, sys, uuid
sys.path.insert(0, sys.argv[1])
from safeguards_client import AuthenticatedClient, Client
from safeguards_client.api.auth import sign_in
from safeguards_client.api.milestones import get_milestone, milestone_progress
from safeguards_client.api.progress import progress_overview
from safeguards_client.models import CommandAnswer, MilestoneOut, Overview, ProgressBody, Session, TokenBody

base, email, password, milestone = sys.argv[2:6]
milestone = uuid.UUID(milestone)

def parsed(answer, kind):
    if not isinstance(answer.parsed, kind):
        sys.exit(f"{kind.__name__} expected, got {answer.status_code}: {answer.content!r}")
    return answer.parsed

session = parsed(sign_in.sync_detailed(client=Client(base_url=base),
                                       body=TokenBody(email=email, password=password)), Session)
client = AuthenticatedClient(base_url=base, token=session.token)
overview = parsed(progress_overview.sync_detailed(client=client), Overview)
answer = parsed(milestone_progress.sync_detailed(id=milestone, client=client,
                                                 body=ProgressBody(percent=60, note="Bill drafted")),
                CommandAnswer)
read = parsed(get_milestone.sync_detailed(id=milestone, client=client), MilestoneOut)
print(json.dumps({
    "role": str(session.account.role),
    "countries": [c.country for c in overview.countries],
    "in_progress": {c.country: c.milestones.in_progress for c in overview.countries},
    "version": answer.version,
    "percent": read.percent,
    "note": read.last_note,
    "transitions": [{"at": t.at.isoformat(), "status": str(t.status)} for t in read.transitions],
}))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_generated_from_the_document_signs_in_reads_progress_and_reports_it() {
    use safeguards_tests::app::{TestApp, PASSWORD};
    use safeguards_tests::{run_with_input, Backend};

    let app = TestApp::spawn(Backend::Sqlite).await;
    let email = "focal@example.org";
    let milestone = app
        .kenya_focal_point_and_a_started_milestone(email, 30)
        .await;
    let document = app
        .client
        .get(format!("{}/api/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let dir = std::env::temp_dir().join(format!("sg-client-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let doc_file = dir.join("openapi.json");
    std::fs::write(&doc_file, &document).unwrap();
    let package = dir.join("safeguards_client");
    let script = dir.join("client.py");
    std::fs::write(&script, CLIENT_SCRIPT).unwrap();
    let (doc_file, package, script) = (
        doc_file.display().to_string(),
        package.display().to_string(),
        script.display().to_string(),
    );
    let needs = "pip install openapi-python-client (tests/run does it)";
    let generated = run_with_input(
        "openapi-python-client",
        &[
            "generate",
            "--path",
            &doc_file,
            "--output-path",
            &package,
            "--meta",
            "none",
            "--fail-on-warning",
        ],
        b"",
        needs,
    );
    assert!(
        generated.status.success(),
        "openapi-python-client refuses the document:\n{}{}",
        String::from_utf8_lossy(&generated.stdout),
        String::from_utf8_lossy(&generated.stderr)
    );
    // The server answers on this runtime while the client waits for it.
    let (base, parent, id) = (
        app.base.clone(),
        dir.display().to_string(),
        milestone.clone(),
    );
    let ran = tokio::task::spawn_blocking(move || {
        run_with_input(
            "python3",
            &[&script, &parent, &base, email, PASSWORD, &id],
            b"",
            "python3 with httpx and attrs (openapi-python-client brings them)",
        )
    })
    .await
    .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        ran.status.success(),
        "the generated client failed:\n{}{}",
        String::from_utf8_lossy(&ran.stdout),
        String::from_utf8_lossy(&ran.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&ran.stdout).unwrap();
    assert_eq!(seen["role"], "focal_point", "{seen}");
    assert_eq!(seen["countries"], serde_json::json!(["KEN"]), "{seen}");
    assert_eq!(seen["in_progress"]["KEN"], 1, "{seen}");
    assert_eq!(seen["version"], 3, "created, started, progress: {seen}");
    assert_eq!(
        (&seen["percent"], &seen["note"]),
        (&serde_json::json!(60), &serde_json::json!("Bill drafted"))
    );
    let statuses: Vec<&serde_json::Value> = seen["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["status"])
        .collect();
    assert_eq!(statuses, ["planned", "in_progress"], "{seen}");

    // The API shows what the generated client reported.
    let r = app
        .get(&app.admin, &format!("/api/v1/milestones/{milestone}"))
        .await;
    assert_eq!(r.status, reqwest::StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["percent"], 60, "{}", r.body);
    assert_eq!(r.body["last_note"], "Bill drafted", "{}", r.body);
    assert_eq!(r.body["version"], 3, "{}", r.body);
    assert_eq!(
        r.body["transitions"][1]["status"], "in_progress",
        "a transition is an object: {}",
        r.body
    );
}
