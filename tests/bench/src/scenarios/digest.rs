//! The digest's cost follows the news, not the log. Two logs end with the same week of news
//! after last week's digest: a long one (1 M events in full mode: 25 countries of 2,000
//! milestones with 20 events each) and a short one (10 k events). On each, the server composes
//! the week's digest for a preview (median of a few); on the long one it then sends it to every
//! confirmed subscriber through an SMTP server on loopback, and its peak memory is read from
//! /proc.

use std::time::{Duration, Instant};

use anyhow::{bail, ensure};
use chrono::{NaiveDate, Utc};
use safeguards_domain::digest::{Digest, DigestCommand, Period, PeriodCommand};
use safeguards_domain::engagement::{ActivityKind, Engagement, EngagementCommand};
use safeguards_domain::milestone::{Milestone, MilestoneCommand};
use safeguards_domain::subscriber::{Language, Preferences, Subscriber, SubscriberCommand};
use safeguards_domain::values::{AccountId, Actor, Evidence, EvidenceUrl, SubscriberId, Title};
use safeguards_infra::Database;
use safeguards_tests::smtp::SmtpServer;

use crate::generate::{Bulk, Stream};
use crate::load::median;
use crate::report::{Report, Row};
use crate::scenarios::{admin, commitment, countries, engagement, milestone};
use crate::server::{self, fresh_database, Server, SECRET};
use crate::Env;

const LONG: &str = "safeguards_bench_digest";
const SHORT: &str = "safeguards_bench_digest_short";
const COUNTRIES: usize = 25;
/// Events per generated milestone (added, started, 18 progress reports).
const PER_MILESTONE: usize = 20;
/// Milestones per country that make the week's news (achieved; every other one verified).
const NEWS_PER_COUNTRY: usize = 8;
const PREVIEWS: usize = 5;

/// A generated log: where it is, its admin, and how many events it holds.
struct Log {
    url: String,
    admin: AccountId,
    events: u64,
}

/// Generate a log of about `milestones_per_country × 25 × 20` events, `subscribers` confirmed
/// subscribers, last week's digest, and then this week's news.
async fn generate(
    env: &Env,
    name: &str,
    milestones_per_country: usize,
    subscribers: usize,
) -> anyhow::Result<Log> {
    let (url, db) = fresh_database(&env.admin_url, name).await?;
    let Database::Postgres(_) = &db else {
        bail!("the digest benchmark runs on PostgreSQL")
    };
    let now = Utc::now();
    let mut bulk = Bulk::new(db.clone(), now);
    let admin = admin(&mut bulk).await?;
    let all = countries(COUNTRIES)?;
    // Half of the milestones are overdue.
    let (past, later) = (
        NaiveDate::from_ymd_opt(2026, 1, 31).unwrap_or_default(),
        NaiveDate::from_ymd_opt(2031, 1, 31).unwrap_or_default(),
    );
    let mut news: Vec<Stream<Milestone>> = Vec::new();
    let mut engagements = Vec::new();
    for (i, &country) in all.iter().enumerate() {
        engagements.push(engagement(&mut bulk, country).await?);
        let c = commitment(&mut bulk, country, i).await?;
        for n in 0..milestones_per_country {
            let due = if n % 2 == 0 { past } else { later };
            let m = milestone(&mut bulk, c, country, due, PER_MILESTONE - 2).await?;
            if n < NEWS_PER_COUNTRY {
                news.push(m);
            }
        }
    }
    let (mut ids, mut hashes, mut emails) = (Vec::new(), Vec::new(), Vec::new());
    for n in 0..subscribers {
        let id = SubscriberId::new();
        let email = format!("subscriber{n}@example.org");
        let mut subscriber = Stream::<Subscriber>::new(id.to_string());
        let token_hash = format!("bench-token-{n}");
        bulk.record(
            &mut subscriber,
            SubscriberCommand::Request {
                preferences: Preferences {
                    countries: vec![all[n % all.len()], all[(n * 7 + 3) % all.len()]],
                    language: [Language::En, Language::Fr, Language::Es][n % 3],
                    ..Preferences::default()
                },
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
    // Last week's digest ends here: what follows is this week's news.
    bulk.flush().await?;
    let last_week = Period::containing(now.date_naive() - chrono::Duration::days(7));
    let mut digest = Stream::<Digest>::new(last_week.to_string());
    bulk.record(
        &mut digest,
        PeriodCommand(
            last_week,
            DigestCommand::Compose {
                from_position: 0,
                to_position: safeguards_infra::feed::head(&db).await?,
                recipients: vec![],
                completion: Default::default(),
            },
        ),
    )
    .await?;
    week_of_news(&mut bulk, &mut engagements, &mut news, admin).await?;
    bulk.flush().await?;
    safeguards_infra::probe::bulk_contacts(&db, ids, hashes, emails).await?;
    safeguards_infra::probe::vacuum(&db).await?;
    let events = bulk.written;
    db.close().await;
    Ok(Log { url, admin, events })
}

/// The same news on every log: milestones achieved and verified, an activity per country.
async fn week_of_news(
    bulk: &mut Bulk,
    engagements: &mut [Stream<Engagement>],
    news: &mut [Stream<Milestone>],
    admin: AccountId,
) -> anyhow::Result<()> {
    let evidence = vec![Evidence {
        title: Title::parse("Gazette notice")?,
        url: EvidenceUrl::parse("https://example.org/gazette")?,
    }];
    for (n, m) in news.iter_mut().enumerate() {
        let achieve = MilestoneCommand::Achieve {
            evidence: evidence.clone(),
            note: None,
            by: Actor::System,
        };
        bulk.record(m, achieve).await?;
        if n % 2 == 0 {
            let verify = MilestoneCommand::Verify {
                note: None,
                by: Actor::Account(admin),
            };
            bulk.record(m, verify).await?;
        }
    }
    for e in engagements {
        let activity = EngagementCommand::RecordActivity {
            kind: ActivityKind::Workshop,
            title: Title::parse("Validation workshop")?,
            held_on: Utc::now().date_naive(),
            authorities: vec![],
            note: None,
        };
        bulk.record(e, activity).await?;
    }
    Ok(())
}

/// Wait for the work a first start does beside the requests on a log written in bulk, so that
/// the figures are the digest's alone: the read model's snapshot (after a long replay) and the
/// ledger's chain of every event (a million events take it 15–20 s).
async fn settled(log: &Log) -> anyhow::Result<()> {
    let db = Database::connect(&log.url).await?;
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let snapshot = log.events < safeguards_infra::projector::SNAPSHOT_AFTER
            || safeguards_infra::probe::model_snapshots(&db).await? > 0;
        let chained = safeguards_infra::ledger::head(&db).await?.index >= log.events;
        if snapshot && chained {
            break;
        }
        ensure!(
            Instant::now() < deadline,
            "within three minutes: the model's snapshot {snapshot}, the ledger's chain {chained}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    db.close().await;
    Ok(())
}

/// The median time of `PREVIEWS` previews of the week's digest, after one to warm up.
async fn preview_time(server: &Server, admin: AccountId) -> anyhow::Result<(f64, usize)> {
    let http = reqwest::Client::new();
    let mut times = Vec::new();
    let mut size = 0;
    for n in 0..=PREVIEWS {
        let began = Instant::now();
        let answer = http
            .get(format!("{}/api/v1/digests/preview", server.base))
            .bearer_auth(server::token(admin))
            .send()
            .await?;
        ensure!(
            answer.status().is_success(),
            "the preview failed: {}",
            answer.status()
        );
        size = answer.text().await?.len();
        if n > 0 {
            times.push(began.elapsed().as_secs_f64() * 1000.0);
        }
    }
    Ok((median(&mut times), size))
}

pub async fn run(env: &Env, report: &mut Report) -> anyhow::Result<()> {
    let wanted = env.scale.subscribers;
    let per_country = env.scale.digest_milestones_per_country;
    eprintln!(
        "digest: the week's news on a log of {} events and on one of 10 k; {wanted} subscribers",
        per_country * COUNTRIES * PER_MILESTONE
    );
    let short = generate(env, SHORT, 20, 100).await?;
    let long = generate(env, LONG, per_country, wanted).await?;

    let server = Server::start(&env.server_bin, &short.url, &[]).await?;
    settled(&short).await?;
    let (short_ms, _) = preview_time(&server, short.admin).await?;
    drop(server);

    let smtp = SmtpServer::start().await;
    let server = Server::start(
        &env.server_bin,
        &long.url,
        &[("SAFEGUARDS_SMTP_URL", smtp.url())],
    )
    .await?;
    settled(&long).await?;
    let (long_ms, size) = preview_time(&server, long.admin).await?;
    let ratio = long_ms / short_ms.max(1e-9);
    report.add(Row {
        figure: format!(
            "Composing the week's digest (preview) on a log of {} events",
            long.events
        ),
        measured: format!("median {long_ms:.1} ms ({} KB of HTML)", size / 1000),
        baseline: format!(
            "the same news on a log of {} events: median {short_ms:.1} ms",
            short.events
        ),
        ratio: Some(ratio),
        target: "≤ 1.5×".into(),
        met: Some(ratio <= 1.5),
    });

    let idle_rss = server.rss_mib().unwrap_or(0.0);
    let began = Instant::now();
    let answer = reqwest::Client::builder()
        .timeout(Duration::from_secs(900))
        .build()?
        .post(format!("{}/api/v1/digests/send", server.base))
        .bearer_auth(server::token(long.admin))
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
    ensure!(
        received == wanted,
        "{received} of {wanted} digests arrived within ten minutes"
    );
    report.add(Row {
        figure: format!(
            "Digest to {wanted} subscribers over SMTP, log of {} events",
            long.events
        ),
        measured: format!(
            "{:.1} s ({:.0} mails/s), peak RSS {peak:.0} MiB, {received} received",
            elapsed.as_secs_f64(),
            received as f64 / elapsed.as_secs_f64()
        ),
        baseline: format!("the server before the run: RSS {idle_rss:.0} MiB"),
        ratio: None,
        target: "≤ 60 s, peak RSS ≤ 200 MiB".into(),
        met: Some(elapsed.as_secs_f64() <= 60.0 && peak <= 200.0 && received == wanted),
    });
    drop(server);
    server::drop_database(&env.admin_url, SHORT).await?;
    server::drop_database(&env.admin_url, LONG).await
}
