//! The rule of this crate's shape, checked on its source: a route or a page parses, calls a use
//! case and renders. It never reaches past the use cases to the event store, the projector, the
//! database or the read model; those are `safeguards-app`'s to touch.

use std::path::{Path, PathBuf};

/// What no file of this crate may name, and why.
const PAST_THE_USE_CASES: [(&str, &str); 7] = [
    (".model()", "reads the read model"),
    (".store()", "reaches the event store"),
    (".projector()", "reaches the projector"),
    ("Tracker", "holds the read model"),
    ("EventStore", "holds the event store"),
    ("sqlx", "talks to the database"),
    ("safeguards_infra::", "reaches the infrastructure"),
];

/// What of the infrastructure a handler may name: the receipt a command's use case returns.
const ALLOWED: [&str; 1] = ["safeguards_infra::Committed"];

/// `line` without its comment and the text of its string literals: what the compiler reads as
/// names.
fn code_of(line: &str) -> String {
    let mut code = String::new();
    let mut in_string = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => in_string = !in_string,
            '\\' if in_string => {
                chars.next();
            }
            '/' if !in_string && chars.peek() == Some(&'/') => break,
            _ if !in_string => code.push(c),
            _ => {}
        }
    }
    code
}

/// The places in `source` that reach past the use cases: (line number, what, why). Comments
/// and string literals are not code and are passed over.
fn reaches(source: &str) -> Vec<(usize, &'static str, &'static str)> {
    let mut found = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let mut code = code_of(line);
        for allowed in ALLOWED {
            code = code.replace(allowed, "");
        }
        for (what, why) in PAST_THE_USE_CASES {
            if code.contains(what) {
                found.push((n + 1, what, why));
            }
        }
    }
    found
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("the source folder reads") {
        let path = entry.expect("an entry of the source folder").path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("layering.rs") {
            into.push(path);
        }
    }
}

#[test]
fn handlers_reach_nothing_past_the_use_cases() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(
        files.len() > 40,
        "the crate's files are read: {}",
        files.len()
    );
    let mut offences = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).expect("a source file reads");
        for (line, what, why) in reaches(&source) {
            offences.push(format!(
                "{}:{line}: `{what}` {why}",
                file.strip_prefix(&src).unwrap_or(file).display()
            ));
        }
    }
    assert!(
        offences.is_empty(),
        "a route or page reaches past the use cases (move the read or the call into \
         safeguards-app):\n{}",
        offences.join("\n")
    );
}

#[test]
fn a_handler_that_reads_the_model_or_the_store_is_caught() {
    let handler = r#"
        pub async fn page(State(state): State<AppState>) -> Response {
            // state.app.model() in a comment is no offence, nor "the Safeguards Tracker"
            let model = state.app.model().await;
            let db = state.app.store().database();
            let receipt: safeguards_infra::Committed = todo!();
            let raw = safeguards_infra::feed::count(db);
        }
    "#;
    let found: Vec<_> = reaches(handler)
        .into_iter()
        .map(|(n, w, _)| (n, w))
        .collect();
    assert_eq!(
        found,
        vec![(4, ".model()"), (5, ".store()"), (7, "safeguards_infra::")]
    );
}
