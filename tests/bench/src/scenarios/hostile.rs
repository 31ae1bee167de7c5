//! Hostile clients against the release server: a burst of 200 parallel sign-ins from 200
//! addresses (its memory before, at the peak, and after), 1000 slow clients that never
//! finish a request's head (`/healthz` served meanwhile, against `/healthz` without them; and
//! how many of them the server still holds after its header timeout), spreadsheets made to
//! exhaust memory (its peak, `/healthz` meanwhile), 1,030 idle connections of one client that
//! sent only the HTTP/2 preface (`/healthz` meanwhile, from another address), and 300 wrong
//! passwords for one account (a right sign-in meanwhile, from a clean client, against the same
//! sign-in without them).

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::report::{Report, Row};
use crate::scenarios::rate_and_latency;
use crate::server::{self, fresh_database, Server};
use crate::{load, Env};

const DB: &str = "safeguards_bench_hostile";
const SIGN_INS: usize = 200;
const SLOW: usize = 1000;
const HEADER_TIMEOUT: u64 = 5;

pub async fn run(env: &Env, report: &mut Report) -> anyhow::Result<()> {
    eprintln!("hostile clients: {SIGN_INS} parallel sign-ins, {SLOW} slow clients");
    let (url, db) = fresh_database(&env.admin_url, DB).await?;
    db.close().await;
    let server = Server::start(
        &env.server_bin,
        &url,
        &[
            ("SAFEGUARDS_TRUSTED_PROXIES", "127.0.0.1".into()),
            ("SAFEGUARDS_HEADER_TIMEOUT", HEADER_TIMEOUT.to_string()),
        ],
    )
    .await?;

    // A burst of sign-ins, each from an address of its own behind the trusted proxy.
    let before = server.rss_mib().unwrap_or(0.0);
    let http = reqwest::Client::new();
    let began = Instant::now();
    let attempts = (0..SIGN_INS).map(|n| {
        http.post(format!("{}/api/v1/auth/token", server.base))
            .header("x-forwarded-for", format!("10.{}.{}.{}", n / 65536, n / 256 % 256, n % 256))
            .json(&serde_json::json!({"email": format!("guess{n}@example.org"), "password": "not the password"}))
            .send()
    });
    let answers = futures::future::join_all(attempts).await;
    let burst = began.elapsed();
    let status = |code: u16| {
        answers
            .iter()
            .filter(|a| a.as_ref().is_ok_and(|r| r.status() == code))
            .count()
    };
    // Checked and refused (401), or refused at once because the hashing queue was full (429).
    let (refused, queue_full) = (status(401), status(429));
    let peak = server.peak_rss_mib().unwrap_or(0.0);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = server.rss_mib().unwrap_or(0.0);
    report.add(Row {
        figure: format!("{SIGN_INS} parallel sign-ins from {SIGN_INS} addresses"),
        measured: format!(
            "RSS {before:.0} MiB before, {peak:.0} at the peak, {after:.0} after; {refused} checked and refused (401), {queue_full} refused unchecked (429, queue full), in {burst:.1?}"
        ),
        baseline: "issue #15: +4.4 GB, unbounded".into(),
        ratio: None,
        target: "< 100 MiB more: two checks of 19 MiB at a time".into(),
        met: Some(peak - before < 100.0 && refused + queue_full == SIGN_INS),
    });

    // Slow clients: open them all, then measure /healthz while they hang.
    let healthz = {
        let url = format!("{}/healthz", server.base);
        move |_: usize, client: reqwest::Client, _: u64| {
            let request = client.get(&url);
            async move { load::answered(request).await }
        }
    };
    let quiet = load::run(8, Duration::from_secs(3), healthz.clone()).await;
    let address = server.base.trim_start_matches("http://").to_string();
    let mut slow = Vec::with_capacity(SLOW);
    for _ in 0..SLOW {
        let mut s = tokio::net::TcpStream::connect(&address).await?;
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: bench\r\nX-Slow: ")
            .await?;
        slow.push(s);
    }
    let opened = Instant::now();
    let hanging = load::run(8, Duration::from_secs(3), healthz).await;
    let wait = Duration::from_secs(HEADER_TIMEOUT + 1).saturating_sub(opened.elapsed());
    tokio::time::sleep(wait).await;
    let mut held = 0;
    for s in &mut slow {
        // A closed connection reads to its end at once (after a 408, if the server sent one).
        let mut rest = Vec::new();
        if tokio::time::timeout(Duration::from_millis(20), s.read_to_end(&mut rest))
            .await
            .is_err()
        {
            held += 1;
        }
    }
    let ratio = hanging.rate() / quiet.rate().max(1e-9);
    report.add(Row {
        figure: format!("/healthz while {SLOW} slow clients hang"),
        measured: format!(
            "{}; {held} of {SLOW} slow connections still open {}s after they opened (header timeout {HEADER_TIMEOUT}s)",
            rate_and_latency(&hanging, "req"),
            HEADER_TIMEOUT + 1
        ),
        baseline: format!("/healthz alone {}", rate_and_latency(&quiet, "req")),
        ratio: Some(ratio),
        target: "served (≥ 0.5), none held past the timeout".into(),
        met: Some(ratio >= 0.5 && held == 0),
    });
    drop(server);
    server::drop_database(&env.admin_url, DB).await?;
    attacks(env, report).await
}

/// `/healthz` from 8 clients for 3 s, while `during` runs beside it.
async fn healthz_while<T>(
    base: &str,
    during: impl std::future::Future<Output = T>,
) -> (crate::load::Stats, T) {
    let url = format!("{base}/healthz");
    let probe = load::run(8, Duration::from_secs(3), move |_, client, _| {
        let request = client.get(&url);
        async move { load::answered(request).await }
    });
    tokio::join!(probe, during)
}

/// The attacks of issue findings 1, 2 and 6, each beside the same figure without it.
async fn attacks(env: &Env, report: &mut Report) -> anyhow::Result<()> {
    const ATTACK_DB: &str = "safeguards_bench_attacks";
    let (url, db) = fresh_database(&env.admin_url, ATTACK_DB).await?;
    let seeded = safeguards_tests::seed::started_milestones(
        &safeguards_infra::EventStore::new(db.clone()),
        "bench-admin@example.org",
        1,
    )
    .await;
    db.close().await;
    let server = Server::start(
        &env.server_bin,
        &url,
        &[
            ("SAFEGUARDS_TRUSTED_PROXIES", "127.0.0.1".into()),
            ("SAFEGUARDS_MAX_CONNECTIONS_PER_CLIENT", "128".into()),
        ],
    )
    .await?;
    let base = server.base.clone();
    let quiet = healthz_while(&base, async {}).await.0;

    // 1. Spreadsheets made to exhaust memory, uploaded by a signed-in admin.
    let token = server::token(seeded.admin);
    let csrf = safeguards_app::credentials::Tokens::new(server::SECRET).csrf(&token);
    let http = reqwest::Client::new();
    let files = [
        (
            "KEN-plan.xlsx",
            safeguards_tests::hostile::shared_string_bomb(40_000_000, 5_000),
        ),
        (
            "KEN-plan.xlsx",
            safeguards_tests::hostile::shared_string_bomb(19_000, 5_000),
        ),
        (
            "plan.csv",
            safeguards_tests::hostile::comma_flood(5 * 1024 * 1024 - 200),
        ),
    ];
    let before = server.rss_mib().unwrap_or(0.0);
    server.reset_peak();
    let upload = async {
        let mut statuses = Vec::new();
        for (name, bytes) in &files {
            let form = reqwest::multipart::Form::new()
                .text("csrf", csrf.clone())
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(bytes.clone()).file_name(*name),
                );
            let status = http
                .post(format!("{base}/countries/KEN/upload"))
                .header("cookie", format!("sg_session={token}"))
                .multipart(form)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0);
            statuses.push(status);
        }
        statuses
    };
    let (during, statuses) = healthz_while(&base, upload).await;
    let peak = server.peak_rss_mib().unwrap_or(0.0);
    let refused = statuses.iter().all(|s| (400..500).contains(s));
    report.add(Row {
        figure: "/healthz while hostile spreadsheets are uploaded (issue 30.1)".into(),
        measured: format!(
            "{}; uploads answered {statuses:?}; peak RSS +{:.0} MiB",
            rate_and_latency(&during, "req"),
            peak - before
        ),
        baseline: format!("/healthz alone {}", rate_and_latency(&quiet, "req")),
        ratio: Some(during.rate() / quiet.rate().max(1e-9)),
        target: "refused with 4xx, p99 < 100 ms, RSS < +100 MiB".into(),
        met: Some(refused && during.p99() < 100.0 && peak - before < 100.0),
    });

    // 2. One client's 1,030 idle connections that sent only the HTTP/2 preface.
    let address: std::net::SocketAddr = base.trim_start_matches("http://").parse()?;
    let idle =
        safeguards_tests::hostile::idle_connections(address, [127, 0, 0, 2].into(), 1030).await;
    let accepted = idle.len();
    let (during, ()) = healthz_while(&base, async {}).await;
    drop(idle);
    report.add(Row {
        figure: "/healthz while one client holds 1,030 idle HTTP/2 connections (issue 30.2)".into(),
        measured: format!(
            "{}; {accepted} of 1,030 connections accepted",
            rate_and_latency(&during, "req")
        ),
        baseline: format!("/healthz alone {}", rate_and_latency(&quiet, "req")),
        ratio: Some(during.rate() / quiet.rate().max(1e-9)),
        target: "served (≥ 0.5), p99 < 1 s".into(),
        met: Some(during.rate() / quiet.rate().max(1e-9) >= 0.5 && during.p99() < 1000.0),
    });

    // 6. 300 wrong passwords for one account, while its owner and a colleague sign in.
    let password = "a bench password of some length";
    for email in ["target@example.org", "colleague@example.org"] {
        let created = http
            .post(format!("{base}/api/v1/accounts"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"email": email, "name": "Bench", "role": "viewer", "password": password}))
            .send()
            .await?;
        anyhow::ensure!(
            created.status().is_success(),
            "creating {email}: {}",
            created.status()
        );
    }
    let sign_in = |email: &'static str, password: &'static str, from: String| {
        let http = http.clone();
        let base = base.clone();
        async move {
            let began = Instant::now();
            let status = http
                .post(format!("{base}/api/v1/auth/token"))
                .header("x-forwarded-for", from)
                .json(&serde_json::json!({"email": email, "password": password}))
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0);
            (status, began.elapsed())
        }
    };
    let mut alone = Vec::new();
    for n in 0..5 {
        let (status, took) =
            sign_in("colleague@example.org", password, format!("192.0.2.{n}")).await;
        anyhow::ensure!(status == 200, "a right sign-in answered {status}");
        alone.push(took.as_secs_f64() * 1000.0);
    }
    // The owner's own machine: signed in from there before.
    let (status, _) = sign_in("target@example.org", password, "198.51.100.200".into()).await;
    anyhow::ensure!(status == 200, "the owner's first sign-in answered {status}");
    let guesses = (0..300).map(|n| {
        sign_in(
            "target@example.org",
            "not the password",
            format!("10.9.{}.{}", n / 256, n % 256),
        )
    });
    let rightful = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut times = Vec::new();
        let mut statuses = Vec::new();
        for (n, email) in ["target@example.org", "colleague@example.org"]
            .iter()
            .cycle()
            .take(6)
            .enumerate()
        {
            // The owner from their machine; the colleague from a new address each time.
            let from = if *email == "target@example.org" {
                "198.51.100.200".to_string()
            } else {
                format!("198.51.100.{n}")
            };
            let (status, took) = sign_in(email, password, from).await;
            statuses.push(status);
            times.push(took.as_secs_f64() * 1000.0);
        }
        (statuses, times)
    };
    let (answers, (statuses, mut attacked)) =
        tokio::join!(futures::future::join_all(guesses), rightful);
    let slowed = answers.iter().filter(|(s, _)| *s == 429).count();
    let (alone_ms, attacked_ms) = (load::median(&mut alone), load::median(&mut attacked));
    let worst = attacked.iter().copied().fold(0.0, f64::max);
    report.add(Row {
        figure: "right sign-ins (the owner from their machine, a colleague) during 300 wrong passwords for the owner from 300 addresses (issue 30.6)".into(),
        measured: format!(
            "median {attacked_ms:.0} ms, slowest {worst:.0} ms, answered {statuses:?}; {slowed} of 300 guesses slowed with 429"
        ),
        baseline: format!("the same sign-in alone: median {alone_ms:.0} ms"),
        ratio: Some(attacked_ms / alone_ms.max(1e-9)),
        target: "every right sign-in 200, slowest < 1 s".into(),
        met: Some(statuses.iter().all(|s| *s == 200) && worst < 1000.0),
    });
    drop(server);
    server::drop_database(&env.admin_url, ATTACK_DB).await
}
