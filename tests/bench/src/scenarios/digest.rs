//! The digest: every confirmed subscriber gets this week's digest through an SMTP server on
//! loopback, sent by the server process, whose peak memory is read from /proc.

use std::time::{Duration, Instant};

use anyhow::{bail, ensure};
use chrono::{NaiveDate, Utc};
use safeguards_domain::subscriber::{Language, Subscriber, SubscriberCommand};
use safeguards_domain::values::SubscriberId;
use safeguards_infra::Database;
use safeguards_tests::smtp::SmtpServer;

use crate::generate::{Bulk, Stream};
use crate::report::{Report, Row};
use crate::scenarios::{admin, commitment, countries, engagement, milestone};
use crate::server::{self, fresh_database, Server, SECRET};
use crate::Env;

const DB: &str = "safeguards_bench_digest";
const COUNTRIES: usize = 25;

pub async fn run(env: &Env, report: &mut Report) -> anyhow::Result<()> {
    let wanted = env.scale.subscribers;
    eprintln!("digest: {wanted} confirmed subscribers to an SMTP server on loopback");
    let (url, db) = fresh_database(&env.admin_url, DB).await?;
    let Database::Postgres(_) = &db else {
        bail!("the digest benchmark runs on PostgreSQL")
    };
    let now = Utc::now();
    let mut bulk = Bulk::new(db.clone(), now);
    let admin = admin(&mut bulk).await?;
    let all = countries(COUNTRIES)?;
    let due = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default();
    for (i, &country) in all.iter().enumerate() {
        engagement(&mut bulk, country).await?;
        let c = commitment(&mut bulk, country, i).await?;
        for n in 0..20 {
            milestone(&mut bulk, c, country, due, n % 3).await?;
        }
    }
    let (mut ids, mut hashes, mut emails) = (Vec::new(), Vec::new(), Vec::new());
    for n in 0..wanted {
        let id = SubscriberId::new();
        let email = format!("subscriber{n}@example.org");
        let mut subscriber = Stream::<Subscriber>::new(id.to_string());
        let token_hash = format!("bench-token-{n}");
        bulk.record(
            &mut subscriber,
            SubscriberCommand::Request {
                countries: vec![all[n % all.len()], all[(n * 7 + 3) % all.len()]],
                language: [Language::En, Language::Fr, Language::Es][n % 3],
                token_hash: token_hash.clone(),
                expires_at: now + chrono::Duration::hours(48),
            },
        )
        .await?;
        bulk.record(
            &mut subscriber,
            SubscriberCommand::Confirm { token_hash, now },
        )
        .await?;
        ids.push(id.to_string());
        hashes.push(safeguards_digest::contacts::email_hash(SECRET, &email));
        emails.push(email);
    }
    bulk.flush().await?;
    safeguards_infra::probe::bulk_contacts(&db, ids, hashes, emails).await?;
    db.close().await;

    let smtp = SmtpServer::start().await;
    let server = Server::start(
        &env.server_bin,
        &url,
        &[("SAFEGUARDS_SMTP_URL", smtp.url())],
    )
    .await?;
    let idle_rss = server.peak_rss_mib().unwrap_or(0.0);
    let began = Instant::now();
    let answer = reqwest::Client::builder()
        .timeout(Duration::from_secs(900))
        .build()?
        .post(format!("{}/api/v1/digests/send", server.base))
        .bearer_auth(server::token(admin))
        .send()
        .await?;
    let status = answer.status();
    let body: serde_json::Value = answer.json().await.unwrap_or_default();
    ensure!(
        status.is_success(),
        "the digest was not sent: {status} {body}"
    );
    // A long run is answered 202 and goes on: it is done when every mail has arrived.
    let deadline = Instant::now() + Duration::from_secs(600);
    while smtp.count() < wanted && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let elapsed = began.elapsed();
    let peak = server.peak_rss_mib().unwrap_or(f64::NAN);
    let received = smtp.count();
    report.add(Row {
        figure: format!("Digest to {wanted} subscribers over SMTP"),
        measured: format!(
            "{:.1} s ({:.0} mails/s), peak RSS {peak:.0} MiB, {received} received",
            elapsed.as_secs_f64(),
            received as f64 / elapsed.as_secs_f64()
        ),
        baseline: format!("idle server RSS {idle_rss:.0} MiB"),
        ratio: None,
        target: "≤ 60 s, peak RSS ≤ 200 MiB".into(),
        met: Some(elapsed.as_secs_f64() <= 60.0 && peak <= 200.0 && received == wanted),
    });
    drop(server);
    server::drop_database(&env.admin_url, DB).await
}
