//! Evidence documents against the release server: the upload and the download of a 10 MB file
//! (through the API: received, hashed, judged, stored in the data directory and recorded;
//! served back whole) against a plain copy of the same file on the same disk, and the server's
//! peak memory while 8 such uploads run at once.

use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};

use crate::generate::Bulk;
use crate::report::{Report, Row};
use crate::scenarios::{admin, commitment, engagement, milestone};
use crate::server::{self, fresh_database, Server};
use crate::Env;

const DB: &str = "safeguards_bench_documents";
const SIZE: usize = 10 * 1024 * 1024;
const CONCURRENT: usize = 8;

/// A 10 MB PDF whose bytes differ by `n` (each upload stores a document of its own).
fn document(n: usize) -> Vec<u8> {
    let mut bytes = format!("%PDF-1.7\n% document {n}\n").into_bytes();
    bytes.resize(SIZE, b'0');
    bytes
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn mb_per_s(d: Duration) -> f64 {
    SIZE as f64 / 1_048_576.0 / d.as_secs_f64().max(1e-9)
}

pub async fn run(env: &Env, report: &mut Report) -> anyhow::Result<()> {
    let runs = env.scale.mode.pick(1, 5, 9);
    eprintln!("documents: {runs} uploads and downloads of 10 MB, then {CONCURRENT} at once");
    let (url, db) = fresh_database(&env.admin_url, DB).await?;
    let mut bulk = Bulk::new(db.clone(), Utc::now());
    let admin = admin(&mut bulk).await?;
    let country = safeguards_domain::values::CountryCode::parse("KEN")?;
    engagement(&mut bulk, country).await?;
    let c = commitment(&mut bulk, country, 0).await?;
    let due = NaiveDate::from_ymd_opt(2028, 1, 1).unwrap_or_default();
    let mut milestones = Vec::new();
    for _ in 0..runs + CONCURRENT {
        milestones.push(milestone(&mut bulk, c, country, due, 0).await?.id);
    }
    bulk.flush().await?;
    db.close().await;

    let server = Server::start(&env.server_bin, &url, &[]).await?;
    let token = server::token(admin);
    let http = reqwest::Client::new();
    let upload = |m: &str, n: usize| {
        let form = reqwest::multipart::Form::new().text("title", "Scan").part(
            "file",
            reqwest::multipart::Part::bytes(document(n)).file_name("scan.pdf"),
        );
        http.post(format!(
            "{}/api/v1/milestones/{m}/evidence/files",
            server.base
        ))
        .bearer_auth(&token)
        .multipart(form)
        .send()
    };

    // The baseline: the same bytes copied from one file to another on the disk the server
    // keeps its documents on.
    let dir = std::env::temp_dir().join(format!("sg-bench-copy-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let mut copies = Vec::new();
    for n in 0..runs {
        let from = dir.join(format!("from-{n}"));
        std::fs::write(&from, document(n))?;
        let began = Instant::now();
        std::fs::copy(&from, dir.join(format!("to-{n}")))?;
        copies.push(began.elapsed());
    }
    let _ = std::fs::remove_dir_all(&dir);
    let copy = median(copies);

    let (mut uploads, mut downloads) = (Vec::new(), Vec::new());
    for (n, m) in milestones.iter().take(runs).enumerate() {
        let began = Instant::now();
        let answer = upload(m, n).await?;
        uploads.push(began.elapsed());
        anyhow::ensure!(answer.status() == 201, "upload: {}", answer.status());
        let body: serde_json::Value = answer.json().await?;
        let sha = body["sha256"].as_str().unwrap_or_default().to_string();
        let began = Instant::now();
        let bytes = http
            .get(format!("{}/evidence/{sha}", server.base))
            .bearer_auth(&token)
            .send()
            .await?
            .bytes()
            .await?;
        downloads.push(began.elapsed());
        anyhow::ensure!(bytes.len() == SIZE, "downloaded {} bytes", bytes.len());
    }
    let (up, down) = (median(uploads), median(downloads));
    report.add(Row {
        figure: "upload of a 10 MB document (API, stored and recorded), median".into(),
        measured: format!("{:.0} MB/s ({up:.0?})", mb_per_s(up)),
        baseline: format!(
            "file copy on the same disk: {:.0} MB/s ({copy:.0?})",
            mb_per_s(copy)
        ),
        ratio: Some(up.as_secs_f64() / copy.as_secs_f64().max(1e-9)),
        target: "no target: HTTP, hashing and judging over a copy".into(),
        met: None,
    });
    report.add(Row {
        figure: "download of a 10 MB document, median".into(),
        measured: format!("{:.0} MB/s ({down:.0?})", mb_per_s(down)),
        baseline: format!("file copy on the same disk: {:.0} MB/s", mb_per_s(copy)),
        ratio: Some(down.as_secs_f64() / copy.as_secs_f64().max(1e-9)),
        target: "no target".into(),
        met: None,
    });

    // Eight at once: the server's memory holds buffers, not documents.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = server.rss_mib().unwrap_or(0.0);
    server.reset_peak();
    let began = Instant::now();
    let answers = futures::future::join_all(
        milestones
            .iter()
            .skip(runs)
            .enumerate()
            .map(|(i, m)| upload(m, runs + i)),
    )
    .await;
    let took = began.elapsed();
    let created = answers
        .iter()
        .filter(|a| a.as_ref().is_ok_and(|r| r.status() == 201))
        .count();
    let peak = server.peak_rss_mib().unwrap_or(0.0);
    report.add(Row {
        figure: format!("{CONCURRENT} concurrent uploads of 10 MB"),
        measured: format!(
            "peak RSS +{:.1} MiB ({before:.0} MiB before); {created} of {CONCURRENT} stored in {took:.1?}",
            peak - before
        ),
        baseline: format!("{CONCURRENT} × 10 MB = 80 MB, were they held"),
        ratio: None,
        target: "< 40 MiB more: buffers, not documents".into(),
        met: Some(peak - before < 40.0 && created == CONCURRENT),
    });
    Ok(())
}
