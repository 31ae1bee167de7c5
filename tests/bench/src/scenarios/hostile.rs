//! Hostile clients against the release server: a burst of 200 parallel sign-ins from 200
//! addresses (its memory before, at the peak, and after), and 1000 slow clients that never
//! finish a request's head (`/healthz` served meanwhile, against `/healthz` without them; and
//! how many of them the server still holds after its header timeout).

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
    let refused = answers
        .iter()
        .filter(|a| a.as_ref().is_ok_and(|r| r.status() == 401))
        .count();
    let peak = server.peak_rss_mib().unwrap_or(0.0);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = server.rss_mib().unwrap_or(0.0);
    report.add(Row {
        figure: format!("{SIGN_INS} parallel sign-ins from {SIGN_INS} addresses"),
        measured: format!(
            "RSS {before:.0} MiB before, {peak:.0} at the peak, {after:.0} after; {refused} refused with 401 in {burst:.1?}"
        ),
        baseline: "issue #15: +4.4 GB, unbounded".into(),
        ratio: None,
        target: "< 100 MiB more: two checks of 19 MiB at a time".into(),
        met: Some(peak - before < 100.0 && refused == SIGN_INS),
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
    server::drop_database(&env.admin_url, DB).await
}
