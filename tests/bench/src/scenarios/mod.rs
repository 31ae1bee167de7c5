//! The scenarios of the suite, one module each, and the data they share.

pub mod commands;
pub mod digest;
pub mod documents;
pub mod embedded;
pub mod hostile;
pub mod long;
pub mod progress;
pub mod reads;
pub mod rebuild;
pub mod startup;

use chrono::NaiveDate;
use safeguards_domain::account::{Account, AccountCommand};
use safeguards_domain::commitment::{Commitment, CommitmentCommand, CommitmentFields};
use safeguards_domain::engagement::{Engagement, EngagementCommand};
use safeguards_domain::milestone::{Milestone, MilestoneCommand};
use safeguards_domain::values::{
    AccountId, AuthorityCode, CommitmentId, CountryCode, Email, MilestoneId, Percent,
    PrincipleCode, Role, StageCode, Title,
};

use crate::generate::{Bulk, Stream};

/// An administrator without a password (the suite signs its tokens).
pub async fn admin(bulk: &mut Bulk) -> anyhow::Result<AccountId> {
    let id = AccountId::new();
    let mut account = Stream::<Account>::new(id.to_string());
    bulk.record(
        &mut account,
        AccountCommand::Create {
            email: Email::parse("bench@example.org")?,
            name: Title::parse("Benchmark")?,
            role: Role::Admin,
            countries: vec![],
            password_hash: None,
        },
    )
    .await?;
    Ok(id)
}

/// Open the engagement with `country`.
pub async fn engagement(
    bulk: &mut Bulk,
    country: CountryCode,
) -> anyhow::Result<Stream<Engagement>> {
    let mut engagement = Stream::<Engagement>::new(country.as_str());
    bulk.record(
        &mut engagement,
        EngagementCommand::Open {
            country,
            lead: Title::parse("Engagement lead")?,
            started_on: NaiveDate::from_ymd_opt(2025, 1, 6).unwrap_or_default(),
            dpi_systems: vec![],
        },
    )
    .await?;
    Ok(engagement)
}

/// A commitment of `country`; the `n`-th takes principle, authority and stage in turn.
pub async fn commitment(
    bulk: &mut Bulk,
    country: CountryCode,
    n: usize,
) -> anyhow::Result<CommitmentId> {
    let id = CommitmentId::new();
    let mut commitment = Stream::<Commitment>::new(id.to_string());
    bulk.record(
        &mut commitment,
        CommitmentCommand::Create {
            country,
            fields: CommitmentFields {
                title: Title::parse(&format!("Commitment {n}"))?,
                description: None,
                principles: vec![PrincipleCode::parse(&format!("F{}", n % 6 + 1))?],
                risks: vec![],
                authority: AuthorityCode::parse(&format!("R{}", n % 5 + 1))?,
                stage: StageCode::parse(&format!("L{}", n % 5 + 1))?,
                dpi_system: None,
                process_refs: vec![],
                due_on: NaiveDate::from_ymd_opt(2028, 12, 31).unwrap_or_default(),
            },
        },
    )
    .await?;
    Ok(id)
}

/// A milestone of `commitment` that is started and then given `reports` progress reports:
/// `reports + 2` events.
pub async fn milestone(
    bulk: &mut Bulk,
    commitment: CommitmentId,
    country: CountryCode,
    due_on: NaiveDate,
    reports: usize,
) -> anyhow::Result<Stream<Milestone>> {
    let mut milestone = Stream::<Milestone>::new(MilestoneId::new().to_string());
    bulk.record(
        &mut milestone,
        MilestoneCommand::Add {
            commitment,
            country,
            title: Title::parse("Milestone")?,
            due_on,
            stage: None,
        },
    )
    .await?;
    bulk.record(&mut milestone, MilestoneCommand::Start { note: None })
        .await?;
    for i in 0..reports {
        let percent = Percent::parse((i % 100) as i64)?;
        bulk.record(
            &mut milestone,
            MilestoneCommand::ReportProgress {
                percent,
                note: None,
            },
        )
        .await?;
    }
    Ok(milestone)
}

/// The first `n` countries of ISO 3166-1.
pub fn countries(n: usize) -> anyhow::Result<Vec<CountryCode>> {
    safeguards_domain::catalogue::countries()
        .iter()
        .take(n)
        .map(|c| Ok(CountryCode::parse(&c.code)?))
        .collect()
}

/// A row for a throughput and latency figure.
pub fn rate_and_latency(stats: &crate::load::Stats, unit: &str) -> String {
    let errors = if stats.errors > 0 {
        format!(", {} errors", stats.errors)
    } else {
        String::new()
    };
    format!(
        "{:.0} {unit}/s, p50 {:.1} ms, p99 {:.1} ms{errors}",
        stats.rate(),
        stats.p50(),
        stats.p99()
    )
}
