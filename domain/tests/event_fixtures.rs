//! Stored events must keep loading. `tests/fixtures/events-1.0.jsonl` holds one event of every
//! type as this version writes it; a change that breaks reading them fails here, and needs an
//! upcaster (and a new fixture file) instead.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use cqrs_es::DomainEvent;
use safeguards_domain::account::roster::RosterEvent;
use safeguards_domain::account::AccountEvent;
use safeguards_domain::commitment::{CommitmentEvent, CommitmentFields, CommitmentRevision};
use safeguards_domain::digest::{DeliveryEvent, DigestEvent, Failure, FailureClass};
use safeguards_domain::engagement::{ActivityKind, EngagementEvent, EngagementStatus};
use safeguards_domain::milestone::{MilestoneEvent, MilestoneStatus};
use safeguards_domain::reminder::ReminderEvent;
use safeguards_domain::subscriber::{Frequency, Language, SubscriberEvent};
use safeguards_domain::values::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use strum::VariantNames;
use uuid::Uuid;

fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events-1.0.jsonl")
}

fn lines() -> Vec<Value> {
    std::fs::read_to_string(path())
        .expect("the fixture file exists")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Deserialize a fixture, check its type and version, and that it serializes back unchanged.
fn round_trip<E: DomainEvent + DeserializeOwned + Serialize>(line: &Value) {
    let event: E = serde_json::from_value(line["payload"].clone())
        .unwrap_or_else(|e| panic!("{} no longer loads: {e}", line["event_type"]));
    assert_eq!(event.event_type(), line["event_type"].as_str().unwrap());
    assert_eq!(
        event.event_version(),
        line["event_version"].as_str().unwrap()
    );
    assert_eq!(
        serde_json::to_value(&event).unwrap(),
        line["payload"],
        "{} changed shape",
        line["event_type"]
    );
}

#[test]
fn every_stored_event_fixture_still_loads_unchanged() {
    for line in lines() {
        match line["aggregate_type"].as_str().unwrap() {
            "engagement" => round_trip::<EngagementEvent>(&line),
            "commitment" => round_trip::<CommitmentEvent>(&line),
            "milestone" => round_trip::<MilestoneEvent>(&line),
            "account" => round_trip::<AccountEvent>(&line),
            "subscriber" => round_trip::<SubscriberEvent>(&line),
            "digest" => round_trip::<DigestEvent>(&line),
            "delivery" => round_trip::<DeliveryEvent>(&line),
            "reminder" => round_trip::<ReminderEvent>(&line),
            "roster" => round_trip::<RosterEvent>(&line),
            other => panic!("unknown aggregate {other}"),
        }
    }
}

#[test]
fn every_event_type_has_a_fixture() {
    let have: BTreeSet<(String, String)> = lines()
        .iter()
        .map(|l| {
            (
                l["aggregate_type"].as_str().unwrap().to_string(),
                l["event_type"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let all: [(&str, &[&str]); 9] = [
        ("engagement", EngagementEvent::VARIANTS),
        ("commitment", CommitmentEvent::VARIANTS),
        ("milestone", MilestoneEvent::VARIANTS),
        ("account", AccountEvent::VARIANTS),
        ("subscriber", SubscriberEvent::VARIANTS),
        ("digest", DigestEvent::VARIANTS),
        ("delivery", DeliveryEvent::VARIANTS),
        ("reminder", ReminderEvent::VARIANTS),
        ("roster", RosterEvent::VARIANTS),
    ];
    for (aggregate, variants) in all {
        for v in variants {
            assert!(
                have.contains(&(aggregate.to_string(), v.to_string())),
                "no fixture for {aggregate} {v}"
            );
        }
    }
}

fn fixture<E: DomainEvent + Serialize>(aggregate: &str, event: E) -> Value {
    json!({
        "aggregate_type": aggregate,
        "event_type": event.event_type(),
        "event_version": event.event_version(),
        "payload": serde_json::to_value(&event).unwrap(),
    })
}

/// Writes the fixture file. Run once per event-schema version:
/// `cargo test -p safeguards-domain --test event_fixtures -- --ignored`.
#[test]
#[ignore = "writes the fixture file"]
fn write_fixtures() {
    let ken = CountryCode::parse("KEN").unwrap();
    let title = |s: &str| Title::parse(s).unwrap();
    let text = |s: &str| Text::parse_field("t", s).unwrap();
    let day = "2026-03-31".parse().unwrap();
    let time: chrono::DateTime<chrono::Utc> = "2026-11-23T08:00:00Z".parse().unwrap();
    let account = AccountId::from_uuid(Uuid::from_u128(1));
    let subscriber = SubscriberId::from_uuid(Uuid::from_u128(2));
    let fields = CommitmentFields {
        title: title("Adopt a data protection law"),
        description: Some(text("With an independent authority")),
        principles: vec![PrincipleCode::parse("O3").unwrap()],
        risks: vec![RiskCode::parse("RS1").unwrap()],
        authority: AuthorityCode::parse("R2").unwrap(),
        stage: StageCode::parse("L2").unwrap(),
        dpi_system: Some(DpiSystemType::parse("digital_id").unwrap()),
        process_refs: vec![ProcessRef::parse("O3.7").unwrap()],
        due_on: day,
    };
    let digital_id = DpiSystemType::parse("digital_id").unwrap();
    let (l2, l3) = (
        StageCode::parse("L2").unwrap(),
        StageCode::parse("L3").unwrap(),
    );
    let evidence = vec![Evidence {
        title: title("Gazette"),
        url: EvidenceUrl::parse("https://example.org/g").unwrap(),
    }];
    let mut out: Vec<Value> = vec![
        fixture(
            "engagement",
            EngagementEvent::EngagementOpened {
                country: ken,
                lead: title("Ministry"),
                started_on: day,
            },
        ),
        fixture(
            "engagement",
            EngagementEvent::DpiSystemAdded {
                system: digital_id,
                stage: l2,
            },
        ),
        fixture(
            "engagement",
            EngagementEvent::DpiSystemMoved {
                system: digital_id,
                from: l2,
                to: l3,
            },
        ),
        fixture(
            "engagement",
            EngagementEvent::ActivityRecorded {
                kind: ActivityKind::Workshop,
                title: title("Workshop"),
                held_on: day,
                authorities: vec![AuthorityCode::parse("R1").unwrap()],
                note: Some(text("note")),
            },
        ),
        fixture(
            "engagement",
            EngagementEvent::FocalPointAssigned { account },
        ),
        fixture("engagement", EngagementEvent::FocalPointRemoved { account }),
        fixture(
            "engagement",
            EngagementEvent::EngagementStatusChanged {
                from: EngagementStatus::Exploring,
                to: EngagementStatus::Committed,
                reason: Some(text("letter")),
            },
        ),
        fixture("engagement", EngagementEvent::EngagementPublished),
        fixture(
            "engagement",
            EngagementEvent::EngagementUnpublished {
                reason: Some(text("asked by the ministry")),
            },
        ),
        fixture(
            "commitment",
            CommitmentEvent::CommitmentCreated {
                country: ken,
                fields,
            },
        ),
        fixture(
            "commitment",
            CommitmentEvent::CommitmentRevised {
                changes: CommitmentRevision {
                    stage: Some(l3),
                    ..Default::default()
                },
            },
        ),
        fixture(
            "commitment",
            CommitmentEvent::CommitmentWithdrawn {
                reason: text("superseded"),
            },
        ),
        fixture(
            "milestone",
            MilestoneEvent::MilestoneAdded {
                commitment: CommitmentId::from_uuid(Uuid::from_u128(3)),
                country: ken,
                title: title("Bill"),
                due_on: day,
                stage: Some(l3),
            },
        ),
        fixture("milestone", MilestoneEvent::MilestoneStarted { note: None }),
        fixture(
            "milestone",
            MilestoneEvent::ProgressReported {
                percent: Percent::parse(40).unwrap(),
                note: Some(text("half")),
            },
        ),
        fixture(
            "milestone",
            MilestoneEvent::MilestoneBlocked {
                reason: text("budget"),
            },
        ),
        fixture(
            "milestone",
            MilestoneEvent::MilestoneUnblocked {
                note: None,
                to: MilestoneStatus::InProgress,
            },
        ),
        fixture(
            "milestone",
            MilestoneEvent::MilestoneAchieved {
                evidence: evidence.clone(),
                note: None,
                by: Some(account),
            },
        ),
        fixture(
            "milestone",
            MilestoneEvent::EvidenceAdded {
                evidence: evidence[0].clone(),
            },
        ),
        fixture(
            "milestone",
            MilestoneEvent::EvidenceFileAttached {
                file: safeguards_domain::values::EvidenceFile {
                    title: Title::parse("Signed decree").unwrap(),
                    sha256: safeguards_domain::values::Sha256::parse(
                        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    )
                    .unwrap(),
                    size: 4,
                    media_type: safeguards_domain::values::DocumentType::Pdf,
                    file_name: safeguards_domain::values::FileName::of_document(
                        "decree.pdf",
                        safeguards_domain::values::DocumentType::Pdf,
                    ),
                },
            },
        ),
        fixture(
            "milestone",
            MilestoneEvent::MilestoneVerified {
                note: None,
                by: Some(account),
            },
        ),
        fixture(
            "milestone",
            MilestoneEvent::VerificationRejected {
                reason: text("no proof"),
            },
        ),
        fixture(
            "milestone",
            MilestoneEvent::MilestoneRescheduled {
                from: day,
                to: "2026-06-30".parse().unwrap(),
                reason: text("elections"),
            },
        ),
        fixture(
            "milestone",
            MilestoneEvent::MilestoneCancelled {
                reason: text("dropped"),
            },
        ),
        fixture(
            "account",
            AccountEvent::AccountCreated {
                email: Email::parse("a@example.org").unwrap(),
                name: title("Ana"),
                role: Role::FocalPoint,
                countries: vec![ken],
            },
        ),
        fixture(
            "account",
            AccountEvent::RoleChanged {
                from: Role::Viewer,
                to: Role::FocalPoint,
            },
        ),
        fixture(
            "account",
            AccountEvent::CountriesGranted {
                countries: vec![ken],
            },
        ),
        fixture(
            "account",
            AccountEvent::CountriesRevoked {
                countries: vec![ken],
            },
        ),
        fixture(
            "account",
            AccountEvent::PasswordSet {
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            },
        ),
        fixture(
            "account",
            AccountEvent::LanguageSet {
                language: Language::Fr,
                digits: Default::default(),
            },
        ),
        fixture("account", AccountEvent::AccountDisabled),
        fixture(
            "subscriber",
            SubscriberEvent::SubscriptionRequested {
                countries: vec![ken],
                principles: vec![],
                language: Language::Fr,
                frequency: Frequency::Weekly,
                token_hash: "ab".into(),
                expires_at: time,
            },
        ),
        fixture("subscriber", SubscriberEvent::SubscriptionConfirmed),
        fixture(
            "subscriber",
            SubscriberEvent::PreferencesChanged {
                countries: vec![],
                principles: vec![],
                language: Language::Es,
                frequency: Frequency::Weekly,
            },
        ),
        fixture("subscriber", SubscriberEvent::Unsubscribed),
        fixture("subscriber", SubscriberEvent::SubscriberErased),
        fixture(
            "digest",
            DigestEvent::DigestComposed {
                period: "2026-W48".into(),
                from_position: 0,
                to_position: 10,
                recipients: vec![subscriber],
                completion: Default::default(),
            },
        ),
        fixture(
            "digest",
            DigestEvent::DigestCompleted {
                delivered: 1,
                failed: 0,
            },
        ),
        fixture(
            "delivery",
            DeliveryEvent::DeliveryClaimed {
                period: "2026-W48".into(),
                subscriber,
                worker: "w".into(),
                attempt: 1,
                lease_until: time,
            },
        ),
        fixture(
            "delivery",
            DeliveryEvent::DigestDelivered {
                message_id: "<m@x>".into(),
                from_position: 0,
                to_position: 10,
                attempt: 1,
            },
        ),
        fixture(
            "delivery",
            DeliveryEvent::DeliveryFailed {
                attempt: 1,
                error: Some("451".into()),
                failure: None,
                retry_at: Some(time),
                gave_up: false,
            },
        ),
        fixture(
            "delivery",
            DeliveryEvent::DeliveryFailed {
                attempt: 2,
                error: None,
                failure: Some(Failure {
                    class: FailureClass::Permanent,
                    smtp_code: Some(550),
                }),
                retry_at: None,
                gave_up: true,
            },
        ),
        fixture(
            "reminder",
            ReminderEvent::ReminderSent {
                week: "2026-W48".into(),
                milestone: MilestoneId::from_uuid(Uuid::from_u128(4)),
                account,
                overdue: true,
            },
        ),
        fixture(
            "reminder",
            ReminderEvent::ReminderNotSent {
                reason: "the mail server refused".into(),
            },
        ),
        fixture("account", AccountEvent::TokensRevoked),
        fixture("account", AccountEvent::PasswordChangeRequired),
        fixture("account", AccountEvent::AccountEnabled),
        fixture(
            "account",
            AccountEvent::SecondFactorEnrolled {
                key: "8f0c2a1e5b7d4c3fa1b2c3d4e5f60718".into(),
            },
        ),
        fixture("account", AccountEvent::RecoveryCodeUsed),
        fixture(
            "account",
            AccountEvent::SecondFactorReset {
                reason: title("Phone lost"),
            },
        ),
        fixture(
            "account",
            AccountEvent::OrganisationLinked {
                issuer: "https://login.microsoftonline.com/tenant/v2.0".into(),
                subject: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ".into(),
            },
        ),
        fixture("account", AccountEvent::OrganisationUnlinked),
        fixture("account", AccountEvent::OrganisationOnlySet { only: true }),
        fixture(
            "roster",
            RosterEvent::RosterSeeded {
                admins: vec![account],
            },
        ),
        fixture("roster", RosterEvent::AdminEnlisted { account }),
        fixture("roster", RosterEvent::AdminDismissed { account }),
        fixture(
            "subscriber",
            SubscriberEvent::SubscriptionRequested {
                countries: vec![ken],
                principles: vec![PrincipleCode::parse("F8").unwrap()],
                language: Language::Es,
                frequency: Frequency::Monthly,
                token_hash: "cd".into(),
                expires_at: time,
            },
        ),
        fixture(
            "subscriber",
            SubscriberEvent::PreferencesChanged {
                countries: vec![],
                principles: vec![PrincipleCode::parse("O3").unwrap()],
                language: Language::En,
                frequency: Frequency::Monthly,
            },
        ),
        fixture(
            "subscriber",
            SubscriberEvent::PermanentFailureCounted { in_a_row: 2 },
        ),
        fixture("subscriber", SubscriberEvent::FailuresCleared),
        fixture("subscriber", SubscriberEvent::AddressSuppressed),
        fixture(
            "digest",
            DigestEvent::DigestComposed {
                period: "2026-W49".into(),
                from_position: 10,
                to_position: 20,
                recipients: vec![subscriber],
                completion: [("KEN".to_string(), 42.5)].into_iter().collect(),
            },
        ),
        fixture(
            "delivery",
            DeliveryEvent::DeliveryLeaseRenewed {
                attempt: 1,
                lease_until: time,
            },
        ),
    ];
    let text: String = out
        .drain(..)
        .map(|v| serde_json::to_string(&v).unwrap() + "\n")
        .collect();
    std::fs::write(path(), text).unwrap();
}
