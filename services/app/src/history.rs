//! What happened: an aggregate's history, the global feed as CloudEvents, and the recent
//! activity. What a reader may see of an event's data is decided in [`visible_data`] alone.

use chrono::{DateTime, Utc};
use safeguards_domain::values::{CountryCode, Role};
use safeguards_infra::feed::{self, RecordedEvent};
use safeguards_projections::activity::ActivityLine;
use safeguards_projections::cloudevent::CloudEvent;
use serde::Serialize;
use serde_json::Value;

use crate::access::Principal;
use crate::error::{AppError, AppResult};
use crate::App;

/// One event of an aggregate's history.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct HistoryItem {
    pub position: i64,
    pub sequence: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub recorded_at: DateTime<Utc>,
    pub actor: String,
    pub actor_name: String,
    pub data: Value,
}

/// The aggregates whose events hold personal data: staff accounts (addresses, names, roles),
/// subscribers and what was sent to them, reminders to focal points, the admins' roster.
const PERSONAL: &[&str] = &["account", "subscriber", "delivery", "reminder", "roster"];

/// What `who` may see of an event — the one rule for every way events are read: `None` when
/// the event is not theirs to see (personal data is for admins only, as the accounts are), and
/// never a password or token hash, nor a digest's list of recipients but for admins.
pub fn visible_data(who: &Principal, e: &RecordedEvent) -> Option<Value> {
    let admin = who.role == Role::Admin;
    if !admin && PERSONAL.contains(&e.aggregate_type.as_str()) {
        return None;
    }
    let mut data = e.data();
    if let Value::Object(map) = &mut data {
        map.remove("password_hash");
        map.remove("token_hash");
        if !admin {
            map.remove("recipients");
        }
    }
    Some(data)
}

/// The aggregates whose history may be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Engagement,
    Commitment,
    Milestone,
}

impl Subject {
    fn aggregate_type(self) -> &'static str {
        match self {
            Self::Engagement => "engagement",
            Self::Commitment => "commitment",
            Self::Milestone => "milestone",
        }
    }
}

/// Every event of one engagement, commitment or milestone, oldest first.
pub async fn history(
    app: &App,
    who: &Principal,
    subject: Subject,
    id: &str,
) -> AppResult<Vec<HistoryItem>> {
    let kind = subject.aggregate_type();
    let events = feed::history(app.store.database(), kind, id).await?;
    if events.is_empty() {
        return Err(AppError::not_found(format!("no such {kind}")));
    }
    let model = app.model().await;
    Ok(events
        .iter()
        .filter_map(|e| {
            let data = visible_data(who, e)?;
            let actor = e.metadata.actor_id();
            Some(HistoryItem {
                position: e.position,
                sequence: e.sequence,
                kind: e.event_type.clone(),
                recorded_at: e.recorded_at,
                actor_name: model.actor_name(&actor),
                actor,
                data,
            })
        })
        .collect())
}

/// Whether aggregate `id` of `aggregate_type` has, after `version`, an event of the request
/// `correlation`: how a repeated link or confirmation is told from someone else's change.
/// (A log that cannot be read answers no.)
pub async fn recorded_since(
    app: &App,
    aggregate_type: &str,
    id: &str,
    version: u64,
    correlation: &str,
) -> bool {
    feed::history(app.store.database(), aggregate_type, id)
        .await
        .unwrap_or_default()
        .iter()
        .any(|e| {
            u64::try_from(e.sequence).is_ok_and(|s| s > version)
                && e.metadata.correlation_id == correlation
        })
}

/// A page of the global feed as one reader may see it.
#[derive(Debug, Clone)]
pub struct EventsPage {
    pub events: Vec<CloudEvent>,
    /// The position to read after next: the last event read, shown or not.
    pub next_after: i64,
}

/// How many batches of `limit` events one page reads at most while looking for events the
/// reader may see (a long run of hidden ones ends the page early; `next_after` goes on).
const SCAN_BATCHES: usize = 10;

/// The first `limit` events after position `after` that `who` may see, as CloudEvents. Events
/// hidden from the reader (personal data) are passed over, not counted, so a page is short only
/// at the end of the feed or after [`SCAN_BATCHES`] batches of hidden events.
pub async fn events(app: &App, who: &Principal, after: i64, limit: i64) -> AppResult<EventsPage> {
    let mut page = EventsPage {
        events: Vec::new(),
        next_after: after,
    };
    for _ in 0..SCAN_BATCHES {
        let batch = feed::read_after(app.store.database(), page.next_after, limit).await?;
        let read = batch.len() as i64;
        for e in &batch {
            page.next_after = e.position;
            if let Some(data) = visible_data(who, e) {
                page.events.push(CloudEvent::of(e, data));
                if page.events.len() as i64 == limit {
                    return Ok(page);
                }
            }
        }
        if read < limit {
            break;
        }
    }
    Ok(page)
}

/// Recent changes, newest first: of one country or all, since a time, at most `limit`.
pub async fn activity(
    app: &App,
    _who: &Principal,
    country: Option<CountryCode>,
    since: Option<DateTime<Utc>>,
    before: Option<i64>,
    limit: usize,
) -> AppResult<Vec<ActivityLine>> {
    let model = app.model().await;
    Ok(model
        .activity
        .iter()
        .rev()
        .filter(|l| country.is_none_or(|c| l.country.as_deref() == Some(c.as_str())))
        .filter(|l| since.is_none_or(|s| l.at >= s))
        .filter(|l| before.is_none_or(|b| l.position < b))
        .take(limit)
        .cloned()
        .collect())
}
