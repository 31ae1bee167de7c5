//! The tracker's read model: every engagement, commitment, milestone, account, subscriber and
//! digest as the feed has described them so far, folded event by event.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use chrono::{DateTime, NaiveDate, Utc};
use safeguards_domain::account::AccountEvent;
use safeguards_domain::commitment::{apply_revision, CommitmentEvent, CommitmentFields};
use safeguards_domain::digest::Period;
use safeguards_domain::digest::{DeliveryEvent, DigestEvent};
use safeguards_domain::engagement::{EngagementEvent, EngagementStatus};
use safeguards_domain::milestone::{MilestoneEvent, MilestoneStatus};
use safeguards_domain::subscriber::{
    Digits, Frequency, Language, SubscriberEvent, SubscriberStatus,
};
use safeguards_domain::values::{Evidence, Role};
use serde::{Deserialize, Serialize};

use crate::activity::{self, ActivityLine};
use crate::event::{DecodedEvent, RecordedEvent};

/// How many recent activity lines the model keeps.
pub const ACTIVITY_KEPT: usize = 5000;

/// The whole read model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tracker {
    /// Position of the last event folded in.
    pub position: i64,
    /// How many events were folded in: the event's index in feed order, the same on every
    /// store (positions are not), and so the dataset version and the ledger's index.
    pub events: u64,
    /// Time of the last event folded in.
    pub last_event_at: Option<DateTime<Utc>>,
    pub engagements: BTreeMap<String, EngagementView>,
    pub commitments: BTreeMap<String, CommitmentView>,
    pub milestones: BTreeMap<String, MilestoneView>,
    pub accounts: BTreeMap<String, AccountView>,
    pub subscribers: BTreeMap<String, SubscriberView>,
    pub digests: BTreeMap<String, DigestView>,
    /// For each period (ISO week) the log has events of: the position of its last event. The
    /// events after the last position of every period before `p` are all of `p` or later —
    /// where news begins when no digest came before, even in a log of back-dated events.
    pub period_ends: BTreeMap<Period, i64>,
    /// Recent changes, oldest first, at most [`ACTIVITY_KEPT`].
    pub activity: VecDeque<ActivityLine>,
    /// Reminders sent to focal points.
    pub reminders_sent: u64,
    /// Events this build could not decode (kept for `/readyz`).
    pub undecodable: u64,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityView {
    pub kind: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub authorities: Vec<String>,
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngagementView {
    pub country: String,
    pub name: String,
    pub lead: String,
    pub started_on: NaiveDate,
    pub status: EngagementStatus,
    pub status_reason: Option<String>,
    /// DPI system type → stage.
    pub dpi_systems: BTreeMap<String, String>,
    /// The enabled focal-point accounts that may act in this country.
    pub focal_points: BTreeSet<String>,
    pub activities: Vec<ActivityView>,
    pub commitments: Vec<String>,
    /// Since when its record is public (the public pages and the open dataset), if it is.
    pub published_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub opened_at: DateTime<Utc>,
    /// The last change to the engagement or any of its commitments and milestones.
    pub last_activity_at: DateTime<Utc>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentView {
    pub id: String,
    pub country: String,
    pub title: String,
    pub description: Option<String>,
    pub principles: Vec<String>,
    pub risks: Vec<String>,
    pub authority: String,
    pub stage: String,
    pub dpi_system: Option<String>,
    pub process_refs: Vec<String>,
    pub due_on: NaiveDate,
    pub withdrawn: bool,
    pub withdrawn_reason: Option<String>,
    /// The ids of its milestones, in the order they were added.
    #[serde(rename = "milestone_ids")]
    pub milestones: Vec<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "crate::snapshot::for_api")]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    fields: Option<CommitmentFields>,
    /// Its milestones at a glance, kept up to date as they change.
    #[serde(default, skip_serializing_if = "crate::snapshot::for_api")]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub tally: Tally,
}

/// A commitment's milestones at a glance, kept as events are folded in: how many are in each
/// status, and the open ones (neither achieved, verified nor cancelled) by due date. Counts,
/// completion and overdue lists read it instead of visiting every milestone, so their cost
/// follows the number of commitments and of overdue milestones, not the length of the log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Milestones by status, in the order of [`MilestoneStatus`].
    by_status: [u32; 6],
    /// The open milestones: due date and id.
    open: BTreeSet<(NaiveDate, String)>,
}

impl Tally {
    fn slot(status: MilestoneStatus) -> usize {
        match status {
            MilestoneStatus::Planned => 0,
            MilestoneStatus::InProgress => 1,
            MilestoneStatus::Blocked => 2,
            MilestoneStatus::Achieved => 3,
            MilestoneStatus::Verified => 4,
            MilestoneStatus::Cancelled => 5,
        }
    }

    fn is_open(status: MilestoneStatus) -> bool {
        !matches!(
            status,
            MilestoneStatus::Achieved | MilestoneStatus::Verified | MilestoneStatus::Cancelled
        )
    }

    fn add(&mut self, id: &str, status: MilestoneStatus, due_on: NaiveDate) {
        self.by_status[Self::slot(status)] += 1;
        if Self::is_open(status) {
            self.open.insert((due_on, id.to_string()));
        }
    }

    fn remove(&mut self, id: &str, status: MilestoneStatus, due_on: NaiveDate) {
        let n = &mut self.by_status[Self::slot(status)];
        *n = n.saturating_sub(1);
        if Self::is_open(status) {
            self.open.remove(&(due_on, id.to_string()));
        }
    }

    /// A milestone moved from one status and due date to another.
    fn moved(
        &mut self,
        id: &str,
        from: (MilestoneStatus, NaiveDate),
        to: (MilestoneStatus, NaiveDate),
    ) {
        if from != to {
            self.remove(id, from.0, from.1);
            self.add(id, to.0, to.1);
        }
    }

    /// How many milestones are in `status`.
    pub fn count(&self, status: MilestoneStatus) -> u32 {
        self.by_status[Self::slot(status)]
    }

    /// The overdue milestones on `today` (due before it, still open), earliest due first:
    /// due date and id.
    pub fn overdue(&self, today: NaiveDate) -> impl Iterator<Item = &(NaiveDate, String)> + '_ {
        self.open.range(..(today, String::new()))
    }
}

impl CommitmentView {
    fn set_fields(&mut self, f: CommitmentFields) {
        self.title = f.title.as_str().to_string();
        self.description = f.description.as_ref().map(|d| d.as_str().to_string());
        self.principles = f
            .principles
            .iter()
            .map(|p| p.as_str().to_string())
            .collect();
        self.risks = f.risks.iter().map(|r| r.as_str().to_string()).collect();
        self.authority = f.authority.as_str().to_string();
        self.stage = f.stage.as_str().to_string();
        self.dpi_system = f.dpi_system.map(|d| d.as_str().to_string());
        self.process_refs = f
            .process_refs
            .iter()
            .map(|r| r.as_str().to_string())
            .collect();
        self.due_on = f.due_on;
        self.fields = Some(f);
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceView {
    pub title: String,
    pub url: String,
}

impl From<&Evidence> for EvidenceView {
    fn from(e: &Evidence) -> Self {
        Self {
            title: e.title.as_str().to_string(),
            url: e.url.as_str().to_string(),
        }
    }
}

/// A document attached as evidence: what the log records of it. Its bytes are served at
/// `/evidence/{sha256}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceFileView {
    pub title: String,
    /// The SHA-256 of its bytes, hexadecimal: its name in the evidence store.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    pub media_type: String,
    /// Its sender's name for it, made harmless.
    pub file_name: String,
}

impl From<&safeguards_domain::values::EvidenceFile> for EvidenceFileView {
    fn from(f: &safeguards_domain::values::EvidenceFile) -> Self {
        Self {
            title: f.title.as_str().to_string(),
            sha256: f.sha256.as_str().to_string(),
            size: f.size,
            media_type: f.media_type.media_type().to_string(),
            file_name: f.file_name.as_str().to_string(),
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MilestoneView {
    pub id: String,
    pub commitment: String,
    pub country: String,
    pub title: String,
    pub due_on: NaiveDate,
    pub stage: Option<String>,
    pub status: MilestoneStatus,
    pub percent: Option<u8>,
    pub last_note: Option<String>,
    pub blocked_reason: Option<String>,
    pub cancelled_reason: Option<String>,
    pub rejected_reason: Option<String>,
    pub evidence: Vec<EvidenceView>,
    /// The documents attached as evidence, in the order they were attached.
    #[serde(default)]
    pub evidence_files: Vec<EvidenceFileView>,
    pub achieved_by: Option<String>,
    pub verified_by: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Every status the milestone entered, with its time (for burn-up charts).
    pub transitions: Vec<Transition>,
    /// While blocked, the status it had before (and returns to when unblocked).
    #[serde(default, skip_serializing_if = "crate::snapshot::for_api")]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub before_block: Option<MilestoneStatus>,
    /// Counted in its commitment's [`Tally`] (the commitment was known when it was added).
    #[serde(default, skip_serializing_if = "crate::snapshot::for_api")]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    tallied: bool,
}

// Reads as an object (`{"at": …, "status": …}`, what it is written as) or as the pair
// `[at, status]` that snapshots and checkpoints written before the fields were named hold:
// serde reads a struct from a sequence in its fields' order, so `at` stays first.
/// A status a milestone entered, and when.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    /// When it entered `status`.
    pub at: DateTime<Utc>,
    pub status: MilestoneStatus,
}

impl MilestoneView {
    /// Record evidence, each link once.
    fn add_evidence(&mut self, evidence: &[safeguards_domain::values::Evidence]) {
        for e in evidence {
            if !self.evidence.iter().any(|x| x.url == e.url.as_str()) {
                self.evidence.push(EvidenceView::from(e));
            }
        }
    }

    /// Overdue: due date passed, and neither achieved, verified nor cancelled.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.due_on < today
            && !matches!(
                self.status,
                MilestoneStatus::Achieved | MilestoneStatus::Verified | MilestoneStatus::Cancelled
            )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub countries: BTreeSet<String>,
    pub disabled: bool,
    pub version: i64,
    /// The language chosen for the pages, if any.
    pub language: Option<Language>,
    /// The digits chosen for the pages (Arabic's only).
    #[serde(default)]
    pub digits: Digits,
    #[serde(default, skip_serializing_if = "crate::snapshot::for_api")]
    pub password_hash: Option<String>,
    /// Tokens of an earlier generation no longer work (a new password, a revocation).
    #[serde(default, skip_serializing_if = "crate::snapshot::for_api")]
    pub token_generation: u32,
    /// A second factor is enrolled.
    #[serde(default)]
    pub second_factor: bool,
    /// The organisation's identity provider (issuer) and the account's subject there, once
    /// linked.
    #[serde(default, skip_serializing_if = "crate::snapshot::for_api")]
    pub organisation: Option<(String, String)>,
    /// Signs in only through the organisation (the password does not work).
    #[serde(default)]
    pub organisation_only: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriberView {
    pub id: String,
    pub status: SubscriberStatus,
    pub countries: Vec<String>,
    pub language: Language,
    pub version: i64,
    pub requested_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    /// The end position of the last digest delivered to this subscriber.
    pub last_digest_position: Option<i64>,
    /// The period of the last digest delivered to this subscriber.
    pub last_digest_period: Option<String>,
    /// Principles followed (all when empty).
    pub principles: Vec<String>,
    pub frequency: Frequency,
    /// Digests refused for good (SMTP 5xx) since the last one delivered.
    pub failures_in_a_row: u32,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigestView {
    pub period: String,
    pub composed_at: DateTime<Utc>,
    pub from_position: i64,
    pub to_position: i64,
    pub recipients: u32,
    pub delivered: u32,
    pub failed: u32,
    pub completed: bool,
    /// Each country's completion at `to_position` (percent).
    #[serde(default, skip_serializing_if = "crate::snapshot::for_api")]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub completion: BTreeMap<String, f64>,
}

/// A country's aggregates as a model holds them: what [`Tracker::aggregates_of`] answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryAggregates {
    /// The model's position: of these aggregates it holds every event up to here.
    pub position: i64,
    /// Each aggregate's type and id, and the sequence of its last event the model holds (an
    /// aggregate's events after a checkpoint are read only when this is past the checkpoint's).
    pub held: Vec<(&'static str, String, i64)>,
}

impl Tracker {
    /// The aggregates whose events make a country's part of the model (its engagement, its
    /// commitments and their milestones), each with the sequence of its last event folded.
    pub fn aggregates_of(&self, country: &str) -> CountryAggregates {
        let mut held = vec![(
            "engagement",
            country.to_string(),
            self.version_of("engagement", country),
        )];
        for c in self.commitments.values().filter(|c| c.country == country) {
            held.push(("commitment", c.id.clone(), c.version));
            for m in &c.milestones {
                held.push(("milestone", m.clone(), self.version_of("milestone", m)));
            }
        }
        CountryAggregates {
            position: self.position,
            held,
        }
    }

    /// The country an event of an engagement, a commitment or a milestone of the model is
    /// about (none for the other aggregates, or one the model does not hold).
    pub fn country_of(&self, aggregate_type: &str, aggregate_id: &str) -> Option<&str> {
        match aggregate_type {
            "engagement" => self
                .engagements
                .get(aggregate_id)
                .map(|e| e.country.as_str()),
            "commitment" => self
                .commitments
                .get(aggregate_id)
                .map(|c| c.country.as_str()),
            "milestone" => self
                .milestones
                .get(aggregate_id)
                .map(|m| m.country.as_str()),
            _ => None,
        }
    }

    /// The sequence of the last event folded into the view of an engagement, a commitment or a
    /// milestone (0 for one the model does not hold): its events after that are still to come.
    pub fn version_of(&self, aggregate_type: &str, aggregate_id: &str) -> i64 {
        match aggregate_type {
            "engagement" => self.engagements.get(aggregate_id).map(|e| e.version),
            "commitment" => self.commitments.get(aggregate_id).map(|c| c.version),
            "milestone" => self.milestones.get(aggregate_id).map(|m| m.version),
            _ => None,
        }
        .unwrap_or(0)
    }

    /// Fold one event in. Events must come in position order; an event at or before the
    /// current position is ignored, so applying a batch twice changes nothing.
    pub fn apply(&mut self, event: &RecordedEvent) {
        if event.position <= self.position {
            return;
        }
        let period = Period::containing(event.recorded_at.date_naive());
        self.period_ends.insert(period, event.position);
        self.position = event.position;
        self.events += 1;
        self.last_event_at = Some(event.recorded_at);
        match event.decode() {
            Ok(Some(decoded)) => {
                let subject = match &decoded {
                    DecodedEvent::Commitment(_) => {
                        self.commitments
                            .get(&event.aggregate_id)
                            .map(|c| activity::Subject {
                                country: &c.country,
                                title: &c.title,
                            })
                    }
                    DecodedEvent::Milestone(_) => {
                        self.milestones
                            .get(&event.aggregate_id)
                            .map(|m| activity::Subject {
                                country: &m.country,
                                title: &m.title,
                            })
                    }
                    _ => None,
                };
                let names = |actor: &str| self.actor_name(actor);
                if let Some(line) = activity::describe(event, &decoded, subject, names) {
                    if self.activity.len() == ACTIVITY_KEPT {
                        self.activity.pop_front();
                    }
                    self.activity.push_back(line);
                }
                self.fold(event, decoded);
            }
            Ok(None) => {}
            Err(e) => {
                self.undecodable += 1;
                tracing::warn!(
                    position = event.position,
                    event_type = %event.event_type,
                    error = %e,
                    "an event could not be decoded; the read model skips it"
                );
            }
        }
    }

    fn fold(&mut self, e: &RecordedEvent, decoded: DecodedEvent) {
        let at = e.recorded_at;
        let id = e.aggregate_id.as_str();
        let version = e.sequence;
        match decoded {
            DecodedEvent::Engagement(ev) => self.fold_engagement(id, version, at, ev),
            DecodedEvent::Commitment(ev) => self.fold_commitment(id, version, at, ev),
            DecodedEvent::Milestone(ev) => self.fold_milestone(id, version, at, ev),
            DecodedEvent::Account(ev) => self.fold_account(id, version, ev),
            DecodedEvent::Subscriber(ev) => self.fold_subscriber(id, version, at, ev),
            DecodedEvent::Digest(ev) => self.fold_digest(id, at, ev),
            DecodedEvent::Delivery(ev) => self.fold_delivery(id, ev),
            DecodedEvent::Reminder(_) => self.reminders_sent += 1,
            DecodedEvent::Roster(_) => {}
        }
    }

    fn touch_country(&mut self, country: &str, at: DateTime<Utc>) {
        if let Some(eng) = self.engagements.get_mut(country) {
            if at > eng.last_activity_at {
                eng.last_activity_at = at;
            }
        }
    }

    fn fold_engagement(&mut self, id: &str, version: i64, at: DateTime<Utc>, ev: EngagementEvent) {
        use EngagementEvent as E;
        if let E::EngagementOpened {
            country,
            lead,
            started_on,
        } = &ev
        {
            self.engagements.insert(
                id.to_string(),
                EngagementView {
                    country: country.as_str().to_string(),
                    name: country.name().to_string(),
                    lead: lead.as_str().to_string(),
                    started_on: *started_on,
                    status: EngagementStatus::Exploring,
                    status_reason: None,
                    dpi_systems: BTreeMap::new(),
                    focal_points: BTreeSet::new(),
                    activities: Vec::new(),
                    commitments: Vec::new(),
                    published_at: None,
                    version,
                    opened_at: at,
                    last_activity_at: at,
                },
            );
            self.refresh_focal_points();
            return;
        }
        let Some(eng) = self.engagements.get_mut(id) else {
            return;
        };
        eng.version = version;
        if at > eng.last_activity_at {
            eng.last_activity_at = at;
        }
        match ev {
            E::EngagementOpened { .. } => {}
            E::DpiSystemAdded { system, stage } => {
                eng.dpi_systems
                    .insert(system.as_str().to_string(), stage.as_str().to_string());
            }
            E::DpiSystemMoved { system, to, .. } => {
                eng.dpi_systems
                    .insert(system.as_str().to_string(), to.as_str().to_string());
            }
            E::ActivityRecorded {
                kind,
                title,
                held_on,
                authorities,
                note,
            } => eng.activities.push(ActivityView {
                kind: <&str>::from(kind).to_string(),
                title: title.as_str().to_string(),
                held_on,
                authorities: authorities.iter().map(|a| a.as_str().to_string()).collect(),
                note: note.map(|n| n.as_str().to_string()),
                recorded_at: at,
            }),
            // Older logs assigned focal points on the engagement: the same as granting the
            // country to the account, which is now the one source of the right.
            E::FocalPointAssigned { account } => {
                let country = eng.country.clone();
                if let Some(a) = self.accounts.get_mut(&account.to_string()) {
                    a.countries.insert(country);
                }
                self.refresh_focal_points();
            }
            E::FocalPointRemoved { account } => {
                let country = eng.country.clone();
                if let Some(a) = self.accounts.get_mut(&account.to_string()) {
                    a.countries.remove(&country);
                }
                self.refresh_focal_points();
            }
            E::EngagementStatusChanged { to, reason, .. } => {
                eng.status = to;
                eng.status_reason = reason.map(|r| r.as_str().to_string());
            }
            E::EngagementPublished => eng.published_at = Some(at),
            E::EngagementUnpublished { .. } => eng.published_at = None,
        }
    }

    fn fold_commitment(&mut self, id: &str, version: i64, at: DateTime<Utc>, ev: CommitmentEvent) {
        match ev {
            CommitmentEvent::CommitmentCreated { country, fields } => {
                let country = country.as_str().to_string();
                let mut view = CommitmentView {
                    id: id.to_string(),
                    country: country.clone(),
                    title: String::new(),
                    description: None,
                    principles: vec![],
                    risks: vec![],
                    authority: String::new(),
                    stage: String::new(),
                    dpi_system: None,
                    process_refs: vec![],
                    due_on: fields.due_on,
                    withdrawn: false,
                    withdrawn_reason: None,
                    milestones: vec![],
                    version,
                    created_at: at,
                    fields: None,
                    tally: Tally::default(),
                };
                view.set_fields(fields);
                self.commitments.insert(id.to_string(), view);
                if let Some(eng) = self.engagements.get_mut(&country) {
                    eng.commitments.push(id.to_string());
                }
                self.touch_country(&country, at);
            }
            CommitmentEvent::CommitmentRevised { changes } => {
                if let Some(c) = self.commitments.get_mut(id) {
                    c.version = version;
                    if let Some(mut f) = c.fields.take() {
                        apply_revision(&mut f, changes);
                        c.set_fields(f);
                    }
                    let country = c.country.clone();
                    self.touch_country(&country, at);
                }
            }
            CommitmentEvent::CommitmentWithdrawn { reason } => {
                if let Some(c) = self.commitments.get_mut(id) {
                    c.version = version;
                    c.withdrawn = true;
                    c.withdrawn_reason = Some(reason.as_str().to_string());
                    let country = c.country.clone();
                    self.touch_country(&country, at);
                }
            }
        }
    }

    fn fold_milestone(&mut self, id: &str, version: i64, at: DateTime<Utc>, ev: MilestoneEvent) {
        use MilestoneEvent as E;
        use MilestoneStatus as S;
        if let E::MilestoneAdded {
            commitment,
            country,
            title,
            due_on,
            stage,
        } = &ev
        {
            let mut view = MilestoneView {
                id: id.to_string(),
                commitment: commitment.to_string(),
                country: country.as_str().to_string(),
                title: title.as_str().to_string(),
                due_on: *due_on,
                stage: stage.map(|s| s.as_str().to_string()),
                status: S::Planned,
                percent: None,
                last_note: None,
                blocked_reason: None,
                cancelled_reason: None,
                rejected_reason: None,
                evidence: vec![],
                evidence_files: vec![],
                achieved_by: None,
                verified_by: None,
                version,
                created_at: at,
                updated_at: at,
                transitions: vec![Transition {
                    at,
                    status: S::Planned,
                }],
                before_block: None,
                tallied: false,
            };
            if let Some(c) = self.commitments.get_mut(&view.commitment) {
                c.milestones.push(id.to_string());
                c.tally.add(id, view.status, view.due_on);
                view.tallied = true;
            }
            let country = view.country.clone();
            self.milestones.insert(id.to_string(), view);
            self.touch_country(&country, at);
            return;
        }
        let Some(m) = self.milestones.get_mut(id) else {
            return;
        };
        m.version = version;
        m.updated_at = at;
        let before = m.status;
        let due_before = m.due_on;
        let note_text = |n: &Option<safeguards_domain::values::Text>| {
            n.as_ref().map(|n| n.as_str().to_string())
        };
        match &ev {
            E::MilestoneAdded { .. } => {}
            E::MilestoneStarted { note } => {
                m.status = S::InProgress;
                if note.is_some() {
                    m.last_note = note_text(note);
                }
            }
            E::ProgressReported { percent, note } => {
                m.percent = Some(percent.value());
                if note.is_some() {
                    m.last_note = note_text(note);
                }
            }
            E::MilestoneBlocked { reason } => {
                m.before_block = Some(m.status);
                m.status = S::Blocked;
                m.blocked_reason = Some(reason.as_str().to_string());
            }
            E::MilestoneUnblocked { to, note } => {
                m.status = *to;
                m.before_block = None;
                m.blocked_reason = None;
                if note.is_some() {
                    m.last_note = note_text(note);
                }
            }
            E::MilestoneAchieved { evidence, note, by } => {
                m.status = S::Achieved;
                m.add_evidence(evidence);
                m.achieved_by = by.map(|b| b.to_string());
                m.rejected_reason = None;
                if note.is_some() {
                    m.last_note = note_text(note);
                }
            }
            E::EvidenceAdded { evidence } => m.add_evidence(std::slice::from_ref(evidence)),
            E::EvidenceFileAttached { file } => m.evidence_files.push(EvidenceFileView::from(file)),
            E::MilestoneVerified { by, note } => {
                m.status = S::Verified;
                m.verified_by = by.map(|b| b.to_string());
                if note.is_some() {
                    m.last_note = note_text(note);
                }
            }
            E::VerificationRejected { reason } => {
                m.status = S::InProgress;
                m.rejected_reason = Some(reason.as_str().to_string());
            }
            E::MilestoneRescheduled { to, .. } => m.due_on = *to,
            E::MilestoneCancelled { reason } => {
                m.status = S::Cancelled;
                m.cancelled_reason = Some(reason.as_str().to_string());
            }
        }
        if m.status != before {
            m.transitions.push(Transition {
                at,
                status: m.status,
            });
        }
        if m.tallied {
            if let Some(c) = self.commitments.get_mut(&m.commitment) {
                c.tally
                    .moved(id, (before, due_before), (m.status, m.due_on));
            }
        }
        let country = m.country.clone();
        self.touch_country(&country, at);
    }

    fn fold_account(&mut self, id: &str, version: i64, ev: AccountEvent) {
        use AccountEvent as E;
        if let E::AccountCreated {
            email,
            name,
            role,
            countries,
        } = &ev
        {
            self.accounts.insert(
                id.to_string(),
                AccountView {
                    id: id.to_string(),
                    email: email.as_str().to_string(),
                    name: name.as_str().to_string(),
                    role: *role,
                    countries: countries.iter().map(|c| c.as_str().to_string()).collect(),
                    disabled: false,
                    version,
                    language: None,
                    digits: Digits::Latin,
                    password_hash: None,
                    token_generation: 0,
                    second_factor: false,
                    organisation: None,
                    organisation_only: false,
                },
            );
            self.refresh_focal_points();
            return;
        }
        let Some(a) = self.accounts.get_mut(id) else {
            return;
        };
        a.version = version;
        match ev {
            E::AccountCreated { .. } => {}
            E::RoleChanged { to, .. } => a.role = to,
            E::CountriesGranted { countries } => {
                a.countries
                    .extend(countries.iter().map(|c| c.as_str().to_string()));
            }
            E::CountriesRevoked { countries } => {
                for c in countries {
                    a.countries.remove(c.as_str());
                }
            }
            E::PasswordSet { password_hash } => {
                a.password_hash = Some(password_hash);
                a.token_generation += 1;
            }
            E::TokensRevoked => a.token_generation += 1,
            E::LanguageSet { language, digits } => {
                a.language = Some(language);
                a.digits = digits;
            }
            E::AccountDisabled => a.disabled = true,
            E::AccountEnabled => {
                a.disabled = false;
                a.token_generation += 1;
            }
            E::PasswordChangeRequired | E::RecoveryCodeUsed => {}
            E::SecondFactorEnrolled { .. } => a.second_factor = true,
            E::OrganisationLinked { issuer, subject } => a.organisation = Some((issuer, subject)),
            E::OrganisationUnlinked => {
                a.organisation = None;
                a.token_generation += 1;
            }
            // The token generation as the account's own state counts it (`Account::evolve`).
            E::SecondFactorReset { .. } => {
                a.second_factor = false;
                a.token_generation += 1;
            }
            E::OrganisationOnlySet { only } => {
                a.organisation_only = only;
                if only {
                    a.token_generation += 1;
                }
            }
        }
        self.refresh_focal_points();
    }

    /// Every engagement's focal points: the enabled focal-point accounts of its country.
    fn refresh_focal_points(&mut self) {
        for eng in self.engagements.values_mut() {
            eng.focal_points = self
                .accounts
                .values()
                .filter(|a| {
                    a.role == Role::FocalPoint && !a.disabled && a.countries.contains(&eng.country)
                })
                .map(|a| a.id.clone())
                .collect();
        }
    }

    fn fold_subscriber(&mut self, id: &str, version: i64, at: DateTime<Utc>, ev: SubscriberEvent) {
        use SubscriberEvent as E;
        let entry = self
            .subscribers
            .entry(id.to_string())
            .or_insert_with(|| SubscriberView {
                id: id.to_string(),
                status: SubscriberStatus::Pending,
                countries: vec![],
                language: Language::En,
                version,
                requested_at: at,
                confirmed_at: None,
                last_digest_position: None,
                last_digest_period: None,
                principles: vec![],
                frequency: Frequency::Weekly,
                failures_in_a_row: 0,
            });
        entry.version = version;
        if let Some(p) = ev.preferences() {
            entry.countries = p.countries.iter().map(|c| c.as_str().to_string()).collect();
            entry.principles = p
                .principles
                .iter()
                .map(|c| c.as_str().to_string())
                .collect();
            entry.language = p.language;
            entry.frequency = p.frequency;
        }
        match ev {
            E::SubscriptionRequested { .. } => {
                entry.status = SubscriberStatus::Pending;
                entry.requested_at = at;
            }
            E::SubscriptionConfirmed => {
                entry.status = SubscriberStatus::Confirmed;
                entry.confirmed_at = Some(at);
                entry.failures_in_a_row = 0;
            }
            E::PreferencesChanged { .. } => {}
            E::Unsubscribed => entry.status = SubscriberStatus::Unsubscribed,
            E::SubscriberErased => {
                entry.status = SubscriberStatus::Erased;
                entry.countries.clear();
                entry.principles.clear();
            }
            E::PermanentFailureCounted { in_a_row } => entry.failures_in_a_row = in_a_row,
            E::FailuresCleared => entry.failures_in_a_row = 0,
            E::AddressSuppressed => entry.status = SubscriberStatus::Suppressed,
        }
    }

    fn fold_digest(&mut self, period: &str, at: DateTime<Utc>, ev: DigestEvent) {
        match ev {
            DigestEvent::DigestComposed {
                from_position,
                to_position,
                recipients,
                completion,
                ..
            } => {
                self.digests.insert(
                    period.to_string(),
                    DigestView {
                        period: period.to_string(),
                        composed_at: at,
                        from_position,
                        to_position,
                        recipients: recipients.len() as u32,
                        delivered: 0,
                        failed: 0,
                        completed: false,
                        completion,
                    },
                );
            }
            DigestEvent::DigestCompleted { .. } => {
                if let Some(d) = self.digests.get_mut(period) {
                    d.completed = true;
                }
            }
        }
    }

    /// Deliveries are keyed `<period>:<subscriber>`.
    fn fold_delivery(&mut self, id: &str, ev: DeliveryEvent) {
        let Some((period, subscriber)) = id.split_once(':') else {
            return;
        };
        match ev {
            DeliveryEvent::DeliveryClaimed { .. } | DeliveryEvent::DeliveryLeaseRenewed { .. } => {}
            DeliveryEvent::DigestDelivered { to_position, .. } => {
                if let Some(d) = self.digests.get_mut(period) {
                    d.delivered += 1;
                }
                if let Some(s) = self.subscribers.get_mut(subscriber) {
                    s.last_digest_position = Some(to_position);
                    s.last_digest_period = Some(period.to_string());
                }
            }
            DeliveryEvent::DeliveryFailed { gave_up, .. } => {
                if gave_up {
                    if let Some(d) = self.digests.get_mut(period) {
                        d.failed += 1;
                    }
                }
            }
        }
    }

    /// The position after which every event is dated in `period` or later (0 when none is
    /// dated before it).
    pub fn dated_from(&self, period: Period) -> i64 {
        self.period_ends
            .range(..period)
            .map(|(_, p)| *p)
            .max()
            .unwrap_or(0)
    }

    /// The commitment's milestones that count: none when the commitment is withdrawn.
    pub fn live_milestones<'a>(
        &'a self,
        commitment: &'a CommitmentView,
    ) -> impl Iterator<Item = &'a MilestoneView> + 'a {
        commitment
            .milestones
            .iter()
            .filter(move |_| !commitment.withdrawn)
            .filter_map(|id| self.milestones.get(id))
    }

    /// Countries where the account may act as a focal point: those granted to it (the one
    /// source of that right).
    pub fn countries_of(&self, account_id: &str) -> BTreeSet<String> {
        self.accounts
            .get(account_id)
            .map(|a| a.countries.clone())
            .unwrap_or_default()
    }

    /// The name of an engaged country (its code when none is open).
    pub fn country_name(&self, code: &str) -> String {
        self.engagements
            .get(code)
            .map_or_else(|| code.to_string(), |e| e.name.clone())
    }

    /// The display name of an actor (`system`, or an account's name).
    pub fn actor_name(&self, actor: &str) -> String {
        self.accounts
            .get(actor)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| actor.to_string())
    }
}
