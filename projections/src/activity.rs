//! Human-readable lines for the activity feed: "Kenya: milestone “Bill tabled” achieved".
//!
//! Pure: the caller (the model) passes what an event alone does not say — the country and title
//! of the commitment or milestone it changes, and the actor's name.

use std::collections::BTreeMap;

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
    /// In English, for the API and the logs.
    pub text: String,
    /// What the line inserts (`title`, `reason`, `from`, `to`, `percent`, …, as codes, ISO
    /// dates and what people wrote), so that a page can say it in its own language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: BTreeMap<String, String>,
}

/// The facts of a line, by name.
type Facts = Vec<(&'static str, String)>;

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
    let (country, text, facts) = match decoded {
        DecodedEvent::Engagement(ev) => {
            let country = e.aggregate_id.clone();
            let (text, facts) = engagement_text(ev);
            (Some(country), text, facts)
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
            let (verb, facts): (String, Facts) = match ev {
                CommitmentEvent::CommitmentCreated { .. } => ("made".to_string(), vec![]),
                CommitmentEvent::CommitmentRevised { .. } => ("revised".to_string(), vec![]),
                CommitmentEvent::CommitmentWithdrawn { reason } => (
                    format!("withdrawn ({})", reason.as_str()),
                    vec![("reason", reason.as_str().to_string())],
                ),
            };
            let text = format!("commitment “{title}” {verb}");
            (Some(country), text, with_title(facts, title))
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
            let (verb, facts) = milestone_verb(ev);
            let text = format!("milestone “{title}” {verb}");
            (Some(country), text, with_title(facts, title))
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
        facts: facts.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        country,
    })
}

fn with_title(mut facts: Facts, title: String) -> Facts {
    facts.push(("title", title));
    facts
}

fn engagement_text(ev: &EngagementEvent) -> (String, Facts) {
    use EngagementEvent as E;
    match ev {
        E::EngagementOpened { lead, .. } => (
            format!("engagement opened, led by {}", lead.as_str()),
            vec![("lead", lead.as_str().to_string())],
        ),
        E::DpiSystemAdded { system, stage } => (
            format!(
                "DPI system {} added at stage {}",
                system.name(),
                stage.as_str()
            ),
            vec![
                ("system", system.as_str().to_string()),
                ("stage", stage.as_str().to_string()),
            ],
        ),
        E::DpiSystemMoved { system, from, to } => (
            format!(
                "DPI system {} moved from {} to {}",
                system.name(),
                from.as_str(),
                to.as_str()
            ),
            vec![
                ("system", system.as_str().to_string()),
                ("from", from.as_str().to_string()),
                ("to", to.as_str().to_string()),
            ],
        ),
        E::ActivityRecorded { kind, title, .. } => {
            let kind: &str = kind.into();
            (
                format!("{} recorded: {}", kind.replace('_', " "), title.as_str()),
                vec![
                    ("kind", kind.to_string()),
                    ("title", title.as_str().to_string()),
                ],
            )
        }
        E::FocalPointAssigned { .. } => ("focal point assigned".to_string(), vec![]),
        E::FocalPointRemoved { .. } => ("focal point removed".to_string(), vec![]),
        E::EngagementStatusChanged { from, to, .. } => {
            let (from, to): (&str, &str) = (from.into(), to.into());
            (
                format!("engagement status changed from {from} to {to}"),
                vec![("from", from.to_string()), ("to", to.to_string())],
            )
        }
        E::EngagementPublished => ("record published".to_string(), vec![]),
        E::EngagementUnpublished { .. } => ("record unpublished".to_string(), vec![]),
    }
}

fn milestone_verb(ev: &MilestoneEvent) -> (String, Facts) {
    use MilestoneEvent as E;
    let reason = |r: &str| vec![("reason", r.to_string())];
    match ev {
        E::MilestoneAdded { due_on, .. } => (
            format!("added, due {due_on}"),
            vec![("due", due_on.to_string())],
        ),
        E::MilestoneStarted { .. } => ("started".into(), vec![]),
        E::ProgressReported { percent, .. } => (
            format!("at {}%", percent.value()),
            vec![("percent", percent.value().to_string())],
        ),
        E::MilestoneBlocked { reason: r } => {
            (format!("blocked: {}", r.as_str()), reason(r.as_str()))
        }
        E::MilestoneUnblocked { .. } => ("unblocked".into(), vec![]),
        E::MilestoneAchieved { .. } => ("achieved".into(), vec![]),
        E::EvidenceAdded { evidence } => (
            format!("evidence added: {}", evidence.title.as_str()),
            vec![("evidence", evidence.title.as_str().to_string())],
        ),
        E::EvidenceFileAttached { file } => (
            format!("document attached: {}", file.title.as_str()),
            vec![("evidence", file.title.as_str().to_string())],
        ),
        E::MilestoneVerified { .. } => ("verified".into(), vec![]),
        E::VerificationRejected { reason: r } => (
            format!("verification rejected: {}", r.as_str()),
            reason(r.as_str()),
        ),
        E::MilestoneRescheduled { to, .. } => (
            format!("rescheduled to {to}"),
            vec![("day", to.to_string())],
        ),
        E::MilestoneCancelled { reason: r } => {
            (format!("cancelled: {}", r.as_str()), reason(r.as_str()))
        }
    }
}
