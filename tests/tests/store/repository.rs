//! Rules of the repository's shape that a reviewer would otherwise have to remember.

use std::path::{Path, PathBuf};

/// The workspace's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Every Rust source file below `dir`, but build output and installed packages.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            if !matches!(name.as_str(), "target" | "node_modules" | ".git") {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// Words that begin SQL statements, as written in them (upper case), and the database calls.
const SQL: &[&str] = &[
    "SELECT ",
    "INSERT INTO",
    "DELETE FROM",
    "UPDATE events",
    "UPDATE aggregate_",
    "UPDATE subscriber",
    "CREATE TABLE",
    "CREATE DATABASE",
    "CREATE INDEX",
    "DROP TABLE",
    "DROP DATABASE",
    "ALTER TABLE",
    "VACUUM",
    "PRAGMA ",
    "COPY (",
    "sqlx::query",
    "sqlx::Pg",
    "sqlx::Sqlite",
];

#[test]
fn no_sql_is_written_outside_infra_and_the_migrations() {
    let root = root();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let infra = root.join("infra");
    let mut found = Vec::new();
    for file in files.iter().filter(|f| !f.starts_with(&infra)) {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if let Some(word) = SQL.iter().find(|w| line.contains(*w)) {
                // This file's own list of the words.
                if file.ends_with("tests/store/repository.rs") {
                    continue;
                }
                found.push(format!(
                    "{}:{}: {word}",
                    file.strip_prefix(&root).unwrap().display(),
                    n + 1
                ));
            }
        }
    }
    assert!(
        files.len() > 50,
        "the walk found only {} files",
        files.len()
    );
    assert!(
        found.is_empty(),
        "SQL outside infra (move it to infra/src/sql.rs):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_for_sql_finds_it_where_it_is() {
    // The same walk over infra must find its statements: the check can fail.
    let mut files = Vec::new();
    rust_files(&root().join("infra"), &mut files);
    let hits = files
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            SQL.iter().any(|w| text.contains(w))
        })
        .count();
    assert!(hits >= 3, "only {hits} infra files hold SQL");
}
