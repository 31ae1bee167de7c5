//! Seed data written straight through the event store: an admin without a password (tests sign
//! tokens for it), an engagement with Kenya, one commitment and `n` started milestones.

use safeguards_domain::account::{Account, AccountCommand};
use safeguards_domain::commitment::{Commitment, CommitmentCommand, CommitmentFields};
use safeguards_domain::engagement::{Engagement, EngagementCommand};
use safeguards_domain::milestone::{Milestone, MilestoneCommand};
use safeguards_domain::values::{
    AccountId, AuthorityCode, CommitmentId, CountryCode, Email, MilestoneId, PrincipleCode, Role,
    StageCode, Title,
};
use safeguards_infra::{CommandContext, EventStore};

/// What [`started_milestones`] wrote.
#[derive(Debug)]
pub struct Seeded {
    pub admin: AccountId,
    pub milestones: Vec<String>,
}

/// An admin, Kenya's engagement, a commitment and `n` milestones in progress.
pub async fn started_milestones(store: &EventStore, admin_email: &str, n: usize) -> Seeded {
    let ctx = CommandContext::system("setup");
    let admin = AccountId::new();
    store
        .execute::<Account>(
            &admin.to_string(),
            AccountCommand::Create {
                email: Email::parse(admin_email).expect("a valid address"),
                name: Title::parse("Admin").expect("a title"),
                role: Role::Admin,
                countries: vec![],
                password_hash: None,
            },
            &ctx,
            None,
        )
        .await
        .expect("the admin is created");
    let ken = CountryCode::parse("KEN").expect("Kenya");
    store
        .execute::<Engagement>(
            "KEN",
            EngagementCommand::Open {
                country: ken,
                lead: Title::parse("Lead").expect("a title"),
                started_on: "2025-01-01".parse().expect("a date"),
                dpi_systems: vec![],
            },
            &ctx,
            None,
        )
        .await
        .expect("the engagement opens");
    let commitment = CommitmentId::new();
    store
        .execute::<Commitment>(
            &commitment.to_string(),
            CommitmentCommand::Create {
                country: ken,
                fields: CommitmentFields {
                    title: Title::parse("C").expect("a title"),
                    description: None,
                    principles: vec![PrincipleCode::parse("F1").expect("F1")],
                    risks: vec![],
                    authority: AuthorityCode::parse("R1").expect("R1"),
                    stage: StageCode::parse("L1").expect("L1"),
                    dpi_system: None,
                    process_refs: vec![],
                    due_on: "2030-01-01".parse().expect("a date"),
                },
            },
            &ctx,
            None,
        )
        .await
        .expect("the commitment is created");
    let mut milestones = Vec::new();
    for _ in 0..n {
        let id = MilestoneId::new().to_string();
        let add = MilestoneCommand::Add {
            commitment,
            country: ken,
            title: Title::parse("M").expect("a title"),
            due_on: "2030-01-01".parse().expect("a date"),
            stage: None,
        };
        store
            .execute::<Milestone>(&id, add, &ctx, None)
            .await
            .expect("the milestone is added");
        store
            .execute::<Milestone>(&id, MilestoneCommand::Start { note: None }, &ctx, None)
            .await
            .expect("the milestone starts");
        milestones.push(id);
    }
    Seeded { admin, milestones }
}
