//! Composing a period's digest and delivering it: each recipient's delivery is claimed before
//! the mail is sent, held while the mail server takes its time, and recorded after — with
//! retries and exponential back-off on failures.
//!
//! Exactly once: a claim's lease runs from the moment it is recorded and is renewed every
//! third of it while the mail is being sent, so a slow mail server or a long run never lets
//! another runner take a delivery that is being sent. Renewing and recording name the claim
//! (worker and attempt): a runner that lost its claim (paused longer than its lease) stops
//! sending and its record is refused, without failing its run. The one window left is a crash
//! after the mail server accepted a message and before the delivery was recorded: the claim
//! then runs out and the next run sends the digest again, once, with the same Message-ID
//! (`<period>.<subscriber>@<host>`), which mail clients use to fold the two.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use askama::Template;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use futures::StreamExt;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::Message;
use safeguards_domain::digest::{
    Delivery, DeliveryCommand, DeliveryState, Digest, DigestCommand, Failure, FailureClass, Holder,
    Period, PeriodCommand,
};
use safeguards_domain::subscriber::{
    DeliveryOutcome, Frequency, Language, Subscriber, SubscriberCommand, SubscriberStatus,
};
use safeguards_domain::values::{AccountId, Role, SubscriberId};
use safeguards_domain::DomainError;
use safeguards_infra::{feed, CommandContext, CommandError};
use safeguards_projections::model::SubscriberView;
use safeguards_projections::Tracker;
use serde::Serialize;

use crate::compose::{self, Action, Audience, Basis, Changes, DigestHtml, DigestText, Reader};
use crate::contacts::{self, Contact};
use crate::mailer::SendError;
use crate::subscriptions::{host, unsubscribe_token};
use crate::texts::mail_texts;
use crate::{links, reminders};
use crate::{DigestError, DigestService};

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: u32 = 6;
/// Recipients served at once.
pub const PARALLEL: usize = 16;
/// Attempts at recording a delivery's outcome while the store is unreachable.
pub const RECORD_ATTEMPTS: u32 = 6;
/// How far back a subscriber's news may go: the ranges of this many digests, the latest
/// included (about two months of weekly digests).
pub const LOOKBACK_DIGESTS: usize = 9;
/// Events read from the log at a time while gathering the news.
const BATCH: i64 = 2000;

/// What one run did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Report {
    pub period: String,
    pub recipients: u32,
    /// Sent by this run.
    pub delivered: u32,
    /// Failed in this run (to be retried, or given up).
    pub failed: u32,
    /// Not sent by this run: delivered before, held by another runner, or not due yet.
    pub skipped: u32,
    /// Still owed a delivery after this run.
    pub pending: u32,
}

/// The back-off before attempt `attempt + 1`: base × 2^(attempt − 1), at most an hour.
pub fn backoff(base: StdDuration, attempt: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(16));
    let millis = (base.as_millis() as u64)
        .saturating_mul(u64::from(factor))
        .min(3_600_000);
    Duration::milliseconds(millis as i64)
}

enum Outcome {
    Delivered,
    Failed(FailureClass),
    Skipped,
}

impl Outcome {
    /// Count a settled delivery in the metrics.
    fn observe(&self) {
        match self {
            Outcome::Delivered => {
                metrics::counter!("safeguards_digest_deliveries_total", "outcome" => "delivered")
                    .increment(1);
            }
            Outcome::Failed(class) => {
                let class: &'static str = (*class).into();
                metrics::counter!("safeguards_digest_deliveries_total", "outcome" => "failed")
                    .increment(1);
                metrics::counter!("safeguards_digest_delivery_failures_total", "class" => class)
                    .increment(1);
            }
            Outcome::Skipped => {}
        }
    }
}

/// Where a period's news begins: the end of the latest digest before it, or — when there is
/// none — where the events of the period before begin (a first digest covers about one
/// period, not all history). Never after the model's position.
pub fn news_start(model: &Tracker, period: Period) -> i64 {
    let id = period.to_string();
    model
        .digests
        .values()
        .filter(|d| d.period != id && d.to_position <= model.position)
        .map(|d| d.to_position)
        .max()
        .unwrap_or_else(|| {
            model.dated_from(Period::containing(period.monday() - Duration::days(7)))
        })
        .min(model.position)
}

/// Whether a subscriber is owed the digest of `period`: weekly subscribers every period,
/// monthly ones the first digest of each month.
fn due(s: &SubscriberView, period: Period) -> bool {
    s.status == SubscriberStatus::Confirmed
        && match s.frequency {
            Frequency::Weekly => true,
            Frequency::Monthly => s
                .last_digest_period
                .as_deref()
                .and_then(|p| Period::parse(p).ok())
                .is_none_or(|last| last.month() < period.month()),
        }
}

/// The digest of `period` as composed, composing it now when nobody has.
async fn composed(
    svc: &DigestService,
    period: Period,
    today: NaiveDate,
) -> Result<Digest, DigestError> {
    let id = period.to_string();
    let loaded = svc.store.load::<Digest>(&id).await?;
    if loaded.aggregate.is_composed() {
        return Ok(loaded.aggregate);
    }
    // Everything committed so far, in any process, is in the digest: recipients included. The
    // newest committed position, not the feed's head: an open transaction anywhere on the
    // database server holds the head back, and a digest composed from a partial view would
    // leave out whoever confirmed meanwhile, for good.
    let written = feed::written_head(svc.store.database()).await?;
    if !svc
        .projector
        .wait_for(written, StdDuration::from_secs(10))
        .await
    {
        return Err(safeguards_infra::ReadError::Unavailable(format!(
            "the read model has not reached position {written}; the digest is composed later"
        ))
        .into());
    }
    let command = {
        let model = svc.projector.read().await;
        let recipients: Vec<SubscriberId> = model
            .subscribers
            .values()
            .filter(|s| due(s, period))
            .filter_map(|s| SubscriberId::parse(&s.id).ok())
            .collect();
        PeriodCommand(
            period,
            DigestCommand::Compose {
                from_position: news_start(&model, period),
                to_position: model.position,
                recipients,
                completion: compose::completion(&model, today),
            },
        )
    };
    match svc
        .store
        .execute::<Digest>(
            &id,
            command,
            &CommandContext::system(format!("digest:{id}")),
            None,
        )
        .await
    {
        Ok(_) => {}
        // Another process composed it first: use theirs.
        Err(CommandError::Domain(DomainError::Conflict(_))) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(svc.store.load::<Digest>(&id).await?.aggregate)
}

/// Add the news of `(from, to]` to `basis`, reading the log a batch at a time (the read model
/// is held only while a batch is described).
pub async fn gather(
    svc: &DigestService,
    basis: &mut Basis,
    from: i64,
    to: i64,
) -> Result<(), DigestError> {
    let mut after = from;
    while after < to {
        let batch = feed::read_after(svc.store.database(), after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.position;
        let model = svc.projector.read().await;
        basis.add(&model, batch.iter().filter(|e| e.position <= to));
    }
    Ok(())
}

/// What a run knows of one recipient.
#[derive(Debug, Clone)]
struct Recipient {
    status: SubscriberStatus,
    countries: Vec<String>,
    principles: Vec<String>,
    language: Language,
    /// Their news starts after this position.
    from: i64,
    failures_in_a_row: u32,
}

/// Readers with the same choices, the same start and the same audience read the same digest.
type ReaderKey = (Vec<String>, Vec<String>, i64, Language, Audience);

/// Everything a run shares between its recipients.
struct Run {
    period: Period,
    to: i64,
    /// Everything, for readers with an account.
    basis: Basis,
    /// What the publication rule lets out, for everyone else.
    public: Basis,
    /// The addresses (lower case) of the enabled accounts: a subscriber at one of them has an
    /// account and may be told everything.
    accounts: HashSet<String>,
    recipients: HashMap<SubscriberId, Recipient>,
    contacts: HashMap<String, Contact>,
    /// The active focal points' accounts by address (lower case): their digest lists their
    /// milestones with action links.
    focal_points: HashMap<String, String>,
    digests: Mutex<HashMap<ReaderKey, Arc<Changes>>>,
}

/// Who the subscriber at `email` is for the digest: someone with an enabled account of the
/// tracker, who may be told everything, or anyone.
pub async fn audience_of(svc: &DigestService, email: &str) -> Audience {
    let email = email.to_ascii_lowercase();
    let model = svc.projector.read().await;
    if model
        .accounts
        .values()
        .any(|a| !a.disabled && a.email.to_ascii_lowercase() == email)
    {
        Audience::Account
    } else {
        Audience::Anyone
    }
}

impl Run {
    /// Who the subscriber at `email` is: someone with an account, or anyone.
    fn audience(&self, email: &str) -> Audience {
        if self.accounts.contains(&email.to_ascii_lowercase()) {
            Audience::Account
        } else {
            Audience::Anyone
        }
    }

    fn changes(&self, svc: &DigestService, r: &Recipient, audience: Audience) -> Arc<Changes> {
        let key = (
            r.countries.clone(),
            r.principles.clone(),
            r.from,
            r.language,
            audience,
        );
        if let Some(done) = self.digests.lock().ok().and_then(|d| d.get(&key).cloned()) {
            return done;
        }
        let reader = Reader {
            countries: &r.countries,
            principles: &r.principles,
            from_position: r.from,
            t: mail_texts(r.language),
        };
        let link = |path: &str| svc.settings.link(path);
        let basis = match audience {
            Audience::Account => &self.basis,
            Audience::Anyone => &self.public,
        };
        let made = Arc::new(compose::changes(basis, reader, &link));
        if let Ok(mut d) = self.digests.lock() {
            d.insert(key, made.clone());
        }
        made
    }
}

/// Compose (if needed) and deliver the digest of `period` to every recipient still owed it.
/// `now` is the day the digest speaks of (overdue milestones); claims and retries keep the
/// clock's own time.
#[tracing::instrument(skip(svc), fields(period = %period))]
pub async fn send_period(
    svc: &DigestService,
    period: Period,
    now: DateTime<Utc>,
) -> Result<Report, DigestError> {
    let today = now.date_naive();
    let digest = composed(svc, period, today).await?;
    let (digest_from, to) = digest.range().unwrap_or((0, 0));
    let ids = digest.recipients().to_vec();
    // The recipients' preferences and the news are read from the model: it must have reached
    // the digest's range (composed, perhaps, by another process further ahead).
    if !svc.projector.wait_for(to, StdDuration::from_secs(10)).await {
        return Err(safeguards_infra::ReadError::Unavailable(format!(
            "the read model has not reached position {to}; the digest is sent later"
        ))
        .into());
    }
    let (recipients, mut basis, focal_points, accounts) = {
        let model = svc.projector.read().await;
        // News older than the last few digests is not told again.
        let floor = model
            .digests
            .values()
            .rev()
            .take(LOOKBACK_DIGESTS)
            .map(|d| d.from_position)
            .min()
            .unwrap_or(digest_from)
            .min(digest_from);
        let recipients: HashMap<SubscriberId, Recipient> = ids
            .iter()
            .filter_map(|id| {
                let s = model.subscribers.get(&id.to_string())?;
                Some((
                    *id,
                    Recipient {
                        status: s.status,
                        countries: s.countries.clone(),
                        principles: s.principles.clone(),
                        language: s.language,
                        from: s
                            .last_digest_position
                            .unwrap_or(digest_from)
                            .clamp(floor, to),
                        failures_in_a_row: s.failures_in_a_row,
                    },
                ))
            })
            .collect();
        let basis = Basis::new(&model, today, digest.completion().clone());
        let focal_points = model
            .accounts
            .values()
            .filter(|a| !a.disabled && a.role == Role::FocalPoint)
            .map(|a| (a.email.to_ascii_lowercase(), a.id.clone()))
            .collect();
        let accounts = model
            .accounts
            .values()
            .filter(|a| !a.disabled)
            .map(|a| a.email.to_ascii_lowercase())
            .collect();
        (recipients, basis, focal_points, accounts)
    };
    let earliest = recipients
        .values()
        .map(|r| r.from)
        .min()
        .unwrap_or(digest_from);
    gather(svc, &mut basis, earliest, to).await?;
    let public = basis.disclosed(&*svc.projector.read().await, &*svc.public);
    let run = Run {
        period,
        to,
        basis,
        public,
        accounts,
        recipients,
        contacts: contacts::all(svc.store.database()).await?,
        focal_points,
        digests: Mutex::default(),
    };
    let mut report = Report {
        period: period.to_string(),
        recipients: ids.len() as u32,
        ..Report::default()
    };
    let run = &run;
    let outcomes: Vec<Result<Outcome, DigestError>> = futures::stream::iter(ids.clone())
        .map(move |r| async move {
            let outcome = deliver_one(svc, run, r).await;
            if let Ok(o) = &outcome {
                o.observe();
            }
            outcome
        })
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    for o in outcomes {
        match o? {
            Outcome::Delivered => report.delivered += 1,
            Outcome::Failed(_) => report.failed += 1,
            Outcome::Skipped => report.skipped += 1,
        }
    }
    let mut settled = (0u32, 0u32);
    for r in &ids {
        match svc
            .store
            .load::<Delivery>(&delivery_id(period, *r))
            .await?
            .aggregate
            .state()
        {
            Some(DeliveryState::Delivered) => settled.0 += 1,
            Some(DeliveryState::GivenUp) => settled.1 += 1,
            _ => report.pending += 1,
        }
    }
    if report.pending == 0 && !digest.is_completed() {
        let complete = PeriodCommand(
            period,
            DigestCommand::Complete {
                delivered: settled.0,
                failed: settled.1,
            },
        );
        match svc
            .store
            .execute::<Digest>(
                &period.to_string(),
                complete,
                &CommandContext::system(format!("digest:{period}")),
                None,
            )
            .await
        {
            Ok(_) => {}
            Err(CommandError::Domain(DomainError::Conflict(_))) => {}
            Err(e) => return Err(e.into()),
        }
    }
    tracing::info!(?report, "digest run");
    Ok(report)
}

/// Run [`send_period`] until nothing is owed or `budget` runs out, waiting for retries.
pub async fn drain(
    svc: &DigestService,
    period: Period,
    budget: StdDuration,
) -> Result<Report, DigestError> {
    let deadline = tokio::time::Instant::now() + budget;
    let mut total = Report::default();
    loop {
        let r = send_period(svc, period, Utc::now()).await?;
        total.period = r.period.clone();
        total.recipients = r.recipients;
        total.delivered += r.delivered;
        total.failed += r.failed;
        total.pending = r.pending;
        if r.pending == 0 || tokio::time::Instant::now() >= deadline {
            return Ok(total);
        }
        tokio::time::sleep(svc.retry_base.min(StdDuration::from_secs(5))).await;
    }
}

pub fn delivery_id(period: Period, subscriber: SubscriberId) -> String {
    format!("{period}:{subscriber}")
}

/// A delivery given up at once, for `class`.
fn given_up(holder: Holder, class: FailureClass) -> DeliveryCommand {
    DeliveryCommand::Fail {
        holder,
        failure: Failure {
            class,
            smtp_code: None,
        },
        retry_at: None,
        give_up: true,
    }
}

async fn deliver_one(
    svc: &DigestService,
    run: &Run,
    subscriber: SubscriberId,
) -> Result<Outcome, DigestError> {
    let id = delivery_id(run.period, subscriber);
    let sys = CommandContext::system(format!("digest:{}", run.period));
    // The lease counts from now, not from the start of the run.
    let claimed_at = Utc::now();
    let claim = DeliveryCommand::Claim {
        period: run.period,
        subscriber,
        worker: svc.settings.worker.clone(),
        now: claimed_at,
        lease_until: claimed_at + svc.settings.lease,
    };
    match svc.store.execute::<Delivery>(&id, claim, &sys, None).await {
        Ok(_) => {}
        Err(CommandError::Domain(DomainError::Conflict(_))) => return Ok(Outcome::Skipped),
        Err(e) => return Err(e.into()),
    }
    let attempt = svc.store.load::<Delivery>(&id).await?.aggregate.attempts();
    let holder = Holder {
        worker: svc.settings.worker.clone(),
        attempt,
    };
    let key = subscriber.to_string();
    let (Some(recipient), Some(contact)) =
        (run.recipients.get(&subscriber), run.contacts.get(&key))
    else {
        record(svc, &id, given_up(holder, FailureClass::Erased), &sys).await?;
        return Ok(Outcome::Failed(FailureClass::Erased));
    };
    if recipient.status != SubscriberStatus::Confirmed {
        let class = if recipient.status == SubscriberStatus::Suppressed {
            FailureClass::Suppressed
        } else {
            FailureClass::Unsubscribed
        };
        record(svc, &id, given_up(holder, class), &sys).await?;
        return Ok(Outcome::Failed(class));
    }
    let message_id = format!("<{}.{}@{}>", run.period, subscriber, host(&svc.settings));
    let changes = run.changes(svc, recipient, run.audience(&contact.email));
    let actions = match run.focal_points.get(&contact.email.to_ascii_lowercase()) {
        Some(account) => focal_point_actions(svc, account, recipient.language).await,
        None => Vec::new(),
    };
    let message = match build(
        svc,
        run.period,
        &changes,
        &actions,
        contact,
        recipient.language,
        &message_id,
    ) {
        Ok(message) => message,
        // An address the mailer refuses (stored before today's rules): given up, and the run
        // goes on for everyone else.
        Err(DigestError::Mail(_)) => {
            tracing::warn!(subscriber = %subscriber, "the digest for this subscriber cannot be built");
            record(svc, &id, given_up(holder, FailureClass::Unsendable), &sys).await?;
            return Ok(Outcome::Failed(FailureClass::Unsendable));
        }
        Err(e) => return Err(e),
    };
    let Some(sent) = send_held(svc, &id, &holder, message).await else {
        // Another runner claimed it meanwhile: theirs to send.
        return Ok(Outcome::Skipped);
    };
    match sent {
        Ok(()) => {
            let deliver = DeliveryCommand::Deliver {
                holder,
                message_id,
                from_position: recipient.from,
                to_position: run.to,
            };
            if !record(svc, &id, deliver, &sys).await? {
                return Ok(Outcome::Skipped);
            }
            if recipient.failures_in_a_row > 0 {
                count(svc, &key, DeliveryOutcome::Delivered, &sys).await;
            }
            Ok(Outcome::Delivered)
        }
        Err(e) => {
            let give_up = !e.transient() || attempt >= MAX_ATTEMPTS;
            let class: &str = e.failure.class.into();
            tracing::warn!(subscriber = %subscriber, attempt, give_up, class, smtp_code = e.failure.smtp_code, "digest delivery failed");
            let retry_at = (!give_up).then(|| Utc::now() + backoff(svc.retry_base, attempt));
            let fail = DeliveryCommand::Fail {
                holder,
                failure: e.failure,
                retry_at,
                give_up,
            };
            if record(svc, &id, fail, &sys).await? && e.failure.class == FailureClass::Permanent {
                count(svc, &key, DeliveryOutcome::PermanentFailure, &sys).await;
            }
            Ok(Outcome::Failed(e.failure.class))
        }
    }
}

/// Send `message` while renewing the claim of `holder` every third of the lease. `None` when
/// the claim was lost (another runner took the delivery): the send is dropped unfinished, so
/// the mail server does not accept it from this runner.
async fn send_held(
    svc: &DigestService,
    id: &str,
    holder: &Holder,
    message: Message,
) -> Option<Result<(), SendError>> {
    let every = (svc.settings.lease / 3)
        .to_std()
        .unwrap_or(StdDuration::from_secs(60))
        .max(StdDuration::from_millis(50));
    let sys = CommandContext::system("digest:lease");
    let send = svc.mailer.send(message);
    tokio::pin!(send);
    let mut renew = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tokio::select! {
            sent = &mut send => return Some(sent),
            _ = renew.tick() => {
                let command = DeliveryCommand::Renew {
                    holder: holder.clone(),
                    lease_until: Utc::now() + svc.settings.lease,
                };
                match svc.store.execute::<Delivery>(id, command, &sys, None).await {
                    Ok(_) => {}
                    Err(CommandError::Domain(DomainError::Conflict(reason))) => {
                        tracing::warn!(delivery = id, %reason, "the claim was lost while sending; this runner stops");
                        return None;
                    }
                    // The store is out of reach: keep sending; the lease may still hold.
                    Err(e) => tracing::warn!(delivery = id, error = %e, "the claim could not be renewed"),
                }
            }
        }
    }
}

/// Record a delivery's outcome, trying again while the store is out of reach. `false` when
/// the claim it names was no longer current (another runner holds the delivery now).
async fn record(
    svc: &DigestService,
    id: &str,
    command: DeliveryCommand,
    ctx: &CommandContext,
) -> Result<bool, DigestError> {
    let mut wait = StdDuration::from_millis(100);
    for attempt in 1..=RECORD_ATTEMPTS {
        match svc
            .store
            .execute::<Delivery>(id, command.clone(), ctx, None)
            .await
        {
            Ok(_) => return Ok(true),
            Err(CommandError::Domain(DomainError::Conflict(reason))) => {
                tracing::warn!(delivery = id, %reason, "a stale claim's record was refused");
                return Ok(false);
            }
            Err(e @ (CommandError::Unavailable(_) | CommandError::Conflict))
                if attempt < RECORD_ATTEMPTS =>
            {
                tracing::warn!(delivery = id, attempt, error = %e, "recording the delivery failed; trying again");
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(false)
}

/// Count a delivery's outcome towards suppressing the subscriber's address. A failure to
/// count is logged: the delivery itself is recorded.
async fn count(
    svc: &DigestService,
    subscriber: &str,
    outcome: DeliveryOutcome,
    ctx: &CommandContext,
) {
    let command = SubscriberCommand::RecordDelivery(outcome);
    if let Err(e) = svc
        .store
        .execute::<Subscriber>(subscriber, command, ctx, None)
        .await
    {
        tracing::warn!(%subscriber, error = %e, "the delivery could not be counted for the address");
    }
}

/// The links of a subscriber's mail.
struct Links {
    web: String,
    dashboard: String,
    manage: String,
    unsubscribe: String,
}

impl Links {
    fn new(svc: &DigestService, period: Period, subscriber: &str) -> Self {
        let token = unsubscribe_token(&svc.settings, subscriber);
        Self {
            web: svc.settings.link(&format!("/digests/{period}")),
            dashboard: svc.settings.link("/"),
            manage: svc
                .settings
                .link(&format!("/subscriptions/manage?token={token}")),
            unsubscribe: svc.settings.link(&format!("/unsubscribe?token={token}")),
        }
    }
}

/// The `List-Unsubscribe` header: the one-click URL (RFC 8058) and a mail to the sender asking
/// to unsubscribe, the token in its subject.
fn list_unsubscribe(svc: &DigestService, links: &Links, token: &str) -> String {
    let sender = svc
        .settings
        .mail_from
        .parse::<Mailbox>()
        .map(|m| m.email.to_string())
        .unwrap_or_default();
    format!(
        "<{}>, <mailto:{sender}?subject=unsubscribe%20{token}>",
        links.unsubscribe
    )
}

/// How many of a focal point's milestones their digest lists with action links; the rest are
/// on their work page.
pub const ACTIONS_LISTED: usize = 10;

/// The milestones of focal point `account` due soon or overdue, with action links, as the
/// reminder lists them (none if the account was disabled since the run began).
async fn focal_point_actions(
    svc: &DigestService,
    account: &str,
    language: Language,
) -> Vec<Action> {
    let t = mail_texts(language);
    let now = Utc::now();
    let today = now.date_naive();
    let model = svc.projector.read().await;
    let Some(account) = model.accounts.get(account).filter(|a| !a.disabled) else {
        return Vec::new();
    };
    let Ok(id) = AccountId::parse(&account.id) else {
        return Vec::new();
    };
    reminders::due_in(&model, &model.countries_of(&account.id), today)
        .into_iter()
        .take(ACTIONS_LISTED)
        .map(|d| Action {
            when: if d.overdue {
                format!("{} {}", t.overdue_since, t.day(d.due_on))
            } else {
                format!("{} {}", t.due, t.day(d.due_on))
            },
            links: links::offered(&svc.settings, t, id, account.token_generation, &d, now),
            country: d.country,
            title: d.title,
        })
        .collect()
}

fn build(
    svc: &DigestService,
    period: Period,
    changes: &Changes,
    actions: &[Action],
    contact: &Contact,
    language: Language,
    message_id: &str,
) -> Result<Message, DigestError> {
    let t = mail_texts(language);
    let links = Links::new(svc, period, &contact.subscriber_id);
    let period = period.to_string();
    let html = DigestHtml {
        t,
        s: &compose::MAIL_STYLES,
        period: &period,
        changes,
        actions,
        web_url: &links.web,
        unsubscribe_url: &links.unsubscribe,
        manage_url: &links.manage,
        dashboard_url: &links.dashboard,
    }
    .render()?;
    let text = DigestText {
        t,
        period: &period,
        changes,
        actions,
        web_url: &links.web,
        unsubscribe_url: &links.unsubscribe,
        manage_url: &links.manage,
        dashboard_url: &links.dashboard,
    }
    .render()?;
    let to = Mailbox::new(
        contact.name.clone(),
        contact
            .email
            .parse()
            .map_err(|e| DigestError::Mail(format!("{e}")))?,
    );
    let token = unsubscribe_token(&svc.settings, &contact.subscriber_id);
    Message::builder()
        .from(
            svc.settings
                .mail_from
                .parse()
                .map_err(|e| DigestError::Mail(format!("SAFEGUARDS_MAIL_FROM: {e}")))?,
        )
        .to(to)
        .subject(format!("{} {period}", t.digest))
        .message_id(Some(message_id.to_string()))
        .raw_header(t.content_language())
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            list_unsubscribe(svc, &links, &token),
        ))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
            "List-Unsubscribe=One-Click".to_string(),
        ))
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|e| DigestError::Mail(e.to_string()))
}

/// The HTML a subscriber to `countries` would receive now for the current period: the news
/// since the last digest, read from the log's range alone.
pub async fn preview(
    svc: &DigestService,
    countries: &[String],
    audience: Audience,
    now: DateTime<Utc>,
) -> Result<String, DigestError> {
    svc.projector.wait_for(0, StdDuration::from_secs(10)).await;
    let today = now.date_naive();
    let period = Period::containing(today);
    let (from, to, mut basis) = {
        let model = svc.projector.read().await;
        let basis = Basis::new(&model, today, compose::completion(&model, today));
        (news_start(&model, period), model.position, basis)
    };
    gather(svc, &mut basis, from, to).await?;
    if audience == Audience::Anyone {
        basis = basis.disclosed(&*svc.projector.read().await, &*svc.public);
    }
    let t = mail_texts(Language::En);
    let reader = Reader {
        countries,
        principles: &[],
        from_position: from,
        t,
    };
    let link = |path: &str| svc.settings.link(path);
    let changes = compose::changes(&basis, reader, &link);
    let period = period.to_string();
    Ok(DigestHtml {
        t,
        s: &compose::MAIL_STYLES,
        period: &period,
        changes: &changes,
        actions: &[],
        web_url: &svc.settings.link("/digests"),
        unsubscribe_url: "#",
        manage_url: "#",
        dashboard_url: &svc.settings.link("/"),
    }
    .render()?)
}
