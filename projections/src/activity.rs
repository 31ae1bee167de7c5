//! Human-readable lines for the activity feed: "Kenya: milestone “Bill tabled” achieved".
//!
//! Pure: the caller (the model) passes what an event alone does not say — the country and title
//! of the commitment or milestone it changes, and the actor's name.

use chrono::{DateTime, Utc};
use safeguards_domain::commitment::CommitmentEvent;
use safeguards_domain::engagement::EngagementEvent;
use safeguards_domain::milestone::MilestoneEvent;
use serde::{Deserialize, Serialize};

use crate::event::{DecodedEvent, RecordedEvent};

/// One recent change.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityLine {
    pub position: i64,
    pub country: Option<String>,
    pub actor: String,
    pub actor_name: String,
    pub at: DateTime<Utc>,
    pub event_type: String,
    pub text: String,
}

/// The commitment or milestone an event changes, as known before the event: its country and
/// title.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub country: &'a str,
    pub title: &'a str,
}

/// Describe an event. `subject` is the commitment or milestone it changes (needed for every
/// event but their creation); `actor_name` gives the display name of an actor. Accounts, subscribers
/// and digests are not public activity and get no line.
pub fn describe(
    e: &RecordedEvent,
    decoded: &DecodedEvent,
    subject: Option<Subject<'_>>,
    actor_name: impl FnOnce(&str) -> String,
) -> Option<ActivityLine> {
    let (country, text) = match decoded {
        DecodedEvent::Engagement(ev) => {
            let country = e.aggregate_id.clone();
            let text = engagement_text(ev);
            (Some(country), text)
        }
        DecodedEvent::Commitment(ev) => {
            let (country, title) = match ev {
                CommitmentEvent::CommitmentCreated { country, fields } => (
                    country.as_str().to_string(),
                    fields.title.as_str().to_string(),
                ),
                _ => {
                    let s = subject?;
                    (s.country.to_string(), s.title.to_string())
                }
            };
            let verb = match ev {
                CommitmentEvent::CommitmentCreated { .. } => "made".to_string(),
                CommitmentEvent::CommitmentRevised { .. } => "revised".to_string(),
                CommitmentEvent::CommitmentWithdrawn { reason } => {
                    format!("withdrawn ({})", reason.as_str())
                }
            };
            (Some(country), format!("commitment “{title}” {verb}"))
        }
        DecodedEvent::Milestone(ev) => {
            let (country, title) = match ev {
                MilestoneEvent::MilestoneAdded { country, title, .. } => {
                    (country.as_str().to_string(), title.as_str().to_string())
                }
                _ => {
                    let s = subject?;
                    (s.country.to_string(), s.title.to_string())
                }
            };
            (
                Some(country),
                format!("milestone “{title}” {}", milestone_verb(ev)),
            )
        }
        _ => return None,
    };
    let actor = e.metadata.actor_id();
    let country_name = country
        .as_deref()
        .and_then(safeguards_domain::catalogue::country)
        .map(|c| c.name.as_str())
        .unwrap_or("");
    Some(ActivityLine {
        position: e.position,
        actor_name: actor_name(&actor),
        actor,
        at: e.recorded_at,
        event_type: e.event_type.clone(),
        text: format!("{country_name}: {text}"),
        country,
    })
}

fn engagement_text(ev: &EngagementEvent) -> String {
    use EngagementEvent as E;
    match ev {
        E::EngagementOpened { lead, .. } => format!("engagement opened, led by {}", lead.as_str()),
        E::DpiSystemAdded { system, stage } => {
            format!(
                "DPI system {} added at stage {}",
                system.name(),
                stage.as_str()
            )
        }
        E::DpiSystemMoved { system, from, to } => format!(
            "DPI system {} moved from {} to {}",
            system.name(),
            from.as_str(),
            to.as_str()
        ),
        E::ActivityRecorded { kind, title, .. } => {
            let kind: &str = kind.into();
            format!("{} recorded: {}", kind.replace('_', " "), title.as_str())
        }
        E::FocalPointAssigned { .. } => "focal point assigned".to_string(),
        E::FocalPointRemoved { .. } => "focal point removed".to_string(),
        E::EngagementStatusChanged { from, to, .. } => {
            let (from, to): (&str, &str) = (from.into(), to.into());
            format!("engagement status changed from {from} to {to}")
        }
        E::EngagementPublished => "record published".to_string(),
        E::EngagementUnpublished { .. } => "record unpublished".to_string(),
    }
}

fn milestone_verb(ev: &MilestoneEvent) -> String {
    use MilestoneEvent as E;
    match ev {
        E::MilestoneAdded { due_on, .. } => format!("added, due {due_on}"),
        E::MilestoneStarted { .. } => "started".into(),
        E::ProgressReported { percent, .. } => format!("at {}%", percent.value()),
        E::MilestoneBlocked { reason } => format!("blocked: {}", reason.as_str()),
        E::MilestoneUnblocked { .. } => "unblocked".into(),
        E::MilestoneAchieved { .. } => "achieved".into(),
        E::EvidenceAdded { evidence } => format!("evidence added: {}", evidence.title.as_str()),
        E::MilestoneVerified { .. } => "verified".into(),
        E::VerificationRejected { reason } => format!("verification rejected: {}", reason.as_str()),
        E::MilestoneRescheduled { to, .. } => format!("rescheduled to {to}"),
        E::MilestoneCancelled { reason } => format!("cancelled: {}", reason.as_str()),
    }
}
