//! Composing a period's digest and delivering it: each recipient's delivery is claimed before
//! the mail is sent and recorded after, with retries and exponential back-off on failures.

use std::collections::HashMap;
use std::time::Duration as StdDuration;

use askama::Template;
use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::Message;
use safeguards_domain::digest::{
    Delivery, DeliveryCommand, DeliveryState, Digest, DigestCommand, Failure, FailureClass, Period,
    PeriodCommand,
};
use safeguards_domain::subscriber::SubscriberStatus;
use safeguards_domain::values::SubscriberId;
use safeguards_domain::DomainError;
use safeguards_infra::projector::replay;
use safeguards_infra::{feed, CommandContext, CommandError};
use safeguards_projections::{RecordedEvent, Tracker};
use serde::Serialize;

use crate::compose::{self, Basis, Changes, DigestHtml, DigestText, Reader};
use crate::contacts::{self, Contact};
use crate::subscriptions::{host, unsubscribe_token};
use crate::texts::mail_texts;
use crate::{DigestError, DigestService};
use safeguards_domain::subscriber::Language;

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: u32 = 6;
/// How long a claim keeps other workers away.
pub const LEASE: Duration = Duration::minutes(5);
/// Recipients served at once.
pub const PARALLEL: usize = 16;

/// What one run did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Report {
    pub period: String,
    pub recipients: u32,
    /// Sent by this run.
    pub delivered: u32,
    /// Failed in this run (to be retried, or given up).
    pub failed: u32,
    /// Not sent by this run: delivered before, held by another worker, or not due yet.
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
    Failed,
    Skipped,
}

/// The digest of `period` as composed, composing it now when nobody has.
async fn composed(svc: &DigestService, period: Period) -> Result<Digest, DigestError> {
    let id = period.to_string();
    let loaded = svc.store.load::<Digest>(&id).await?;
    if loaded.aggregate.is_composed() {
        return Ok(loaded.aggregate);
    }
    // Everything committed so far, in any process, is in the digest: recipients included.
    let to = feed::head(svc.store.database()).await?;
    svc.projector.wait_for(to, StdDuration::from_secs(10)).await;
    let (from, recipients) = {
        let model = svc.projector.read().await;
        let from = model
            .digests
            .values()
            .filter(|d| d.period != id)
            .map(|d| d.to_position)
            .max()
            .unwrap_or(0)
            .min(to);
        let recipients: Vec<SubscriberId> = model
            .subscribers
            .values()
            .filter(|s| s.status == SubscriberStatus::Confirmed)
            .filter_map(|s| SubscriberId::parse(&s.id).ok())
            .collect();
        (from, recipients)
    };
    let command = PeriodCommand(
        period,
        DigestCommand::Compose {
            from_position: from,
            to_position: to,
            recipients,
        },
    );
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

/// Every event in `(from, to]`.
async fn events_between(
    svc: &DigestService,
    from: i64,
    to: i64,
) -> Result<Vec<RecordedEvent>, DigestError> {
    let mut out = Vec::new();
    let mut after = from;
    while after < to {
        let batch = feed::read_after(svc.store.database(), after, 5000).await?;
        let Some(last) = batch.last() else { break };
        after = last.position;
        out.extend(batch.into_iter().filter(|e| e.position <= to));
    }
    Ok(out)
}

/// Everything a run shares between its recipients.
struct Context {
    period: Period,
    digest_from: i64,
    to: i64,
    now_model: Tracker,
    basis: Basis,
    contacts: HashMap<String, Contact>,
    now: DateTime<Utc>,
}

/// Compose (if needed) and deliver the digest of `period` to every recipient still owed it.
#[tracing::instrument(skip(svc), fields(period = %period))]
pub async fn send_period(
    svc: &DigestService,
    period: Period,
    now: DateTime<Utc>,
) -> Result<Report, DigestError> {
    let digest = composed(svc, period).await?;
    let (digest_from, to) = digest.range().unwrap_or((0, 0));
    let recipients = digest.recipients().to_vec();
    svc.projector.wait_for(to, StdDuration::from_secs(10)).await;
    let (now_model, earliest) = {
        let model = svc.projector.read().await;
        let earliest = recipients
            .iter()
            .filter_map(|r| model.subscribers.get(&r.to_string()))
            .map(|s| {
                s.last_digest_position
                    .unwrap_or(digest_from)
                    .min(digest_from)
            })
            .min()
            .unwrap_or(digest_from);
        (model.clone(), earliest)
    };
    let (before, _) = replay(svc.store.database(), digest_from, None, |_| {}).await?;
    let events = events_between(svc, earliest, to).await?;
    let basis = Basis::new(&now_model, &before, events, now.date_naive());
    let ctx = Context {
        period,
        digest_from,
        to,
        now_model,
        basis,
        contacts: contacts::all(svc.store.database()).await?,
        now,
    };
    let mut report = Report {
        period: period.to_string(),
        recipients: recipients.len() as u32,
        ..Report::default()
    };
    let ctx = &ctx;
    let outcomes: Vec<Result<Outcome, DigestError>> = futures::stream::iter(recipients.clone())
        .map(move |r| deliver_one(svc, ctx, r))
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    for o in outcomes {
        match o? {
            Outcome::Delivered => report.delivered += 1,
            Outcome::Failed => report.failed += 1,
            Outcome::Skipped => report.skipped += 1,
        }
    }
    let mut settled = (0u32, 0u32);
    for r in &recipients {
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

async fn deliver_one(
    svc: &DigestService,
    ctx: &Context,
    subscriber: SubscriberId,
) -> Result<Outcome, DigestError> {
    let id = delivery_id(ctx.period, subscriber);
    let sys = CommandContext::system(format!("digest:{}", ctx.period));
    let claim = DeliveryCommand::Claim {
        period: ctx.period,
        subscriber,
        worker: svc.settings.worker.clone(),
        now: ctx.now,
        lease_until: ctx.now + LEASE,
    };
    match svc.store.execute::<Delivery>(&id, claim, &sys, None).await {
        Ok(_) => {}
        Err(CommandError::Domain(DomainError::Conflict(_))) => return Ok(Outcome::Skipped),
        Err(e) => return Err(e.into()),
    }
    let attempt = svc.store.load::<Delivery>(&id).await?.aggregate.attempts();
    let key = subscriber.to_string();
    let view = ctx.now_model.subscribers.get(&key);
    let contact = ctx.contacts.get(&key);
    let (Some(view), Some(contact)) = (view, contact) else {
        record(
            svc,
            &id,
            DeliveryCommand::Fail {
                failure: Failure {
                    class: FailureClass::Erased,
                    smtp_code: None,
                },
                retry_at: None,
                give_up: true,
            },
            &sys,
        )
        .await?;
        return Ok(Outcome::Failed);
    };
    if view.status != SubscriberStatus::Confirmed {
        record(
            svc,
            &id,
            DeliveryCommand::Fail {
                failure: Failure {
                    class: FailureClass::Unsubscribed,
                    smtp_code: None,
                },
                retry_at: None,
                give_up: true,
            },
            &sys,
        )
        .await?;
        return Ok(Outcome::Failed);
    }
    let from = view.last_digest_position.unwrap_or(ctx.digest_from);
    let message_id = format!("<{}.{}@{}>", ctx.period, subscriber, host(&svc.settings));
    let message = match build(
        svc,
        ctx,
        contact,
        &view.countries,
        view.language,
        from,
        &message_id,
    ) {
        Ok(message) => message,
        // An address the mailer refuses (stored before today's rules): given up, and the run
        // goes on for everyone else.
        Err(DigestError::Mail(_)) => {
            tracing::warn!(subscriber = %subscriber, "the digest for this subscriber cannot be built");
            record(
                svc,
                &id,
                DeliveryCommand::Fail {
                    failure: Failure {
                        class: FailureClass::Unsendable,
                        smtp_code: None,
                    },
                    retry_at: None,
                    give_up: true,
                },
                &sys,
            )
            .await?;
            return Ok(Outcome::Failed);
        }
        Err(e) => return Err(e),
    };
    match svc.mailer.send(message).await {
        Ok(()) => {
            record(
                svc,
                &id,
                DeliveryCommand::Deliver {
                    message_id,
                    from_position: from,
                    to_position: ctx.to,
                },
                &sys,
            )
            .await?;
            Ok(Outcome::Delivered)
        }
        Err(e) => {
            let give_up = !e.transient() || attempt >= MAX_ATTEMPTS;
            let class: &str = e.failure.class.into();
            tracing::warn!(subscriber = %subscriber, attempt, give_up, class, smtp_code = e.failure.smtp_code, "digest delivery failed");
            let retry_at = (!give_up).then(|| Utc::now() + backoff(svc.retry_base, attempt));
            record(
                svc,
                &id,
                DeliveryCommand::Fail {
                    failure: e.failure,
                    retry_at,
                    give_up,
                },
                &sys,
            )
            .await?;
            Ok(Outcome::Failed)
        }
    }
}

async fn record(
    svc: &DigestService,
    id: &str,
    command: DeliveryCommand,
    ctx: &CommandContext,
) -> Result<(), DigestError> {
    svc.store
        .execute::<Delivery>(id, command, ctx, None)
        .await?;
    Ok(())
}

/// The subscriber's changes, rendered.
pub fn render_for(
    svc: &DigestService,
    now_model: &Tracker,
    basis: &Basis,
    reader: Reader<'_>,
) -> Changes {
    let link = |path: &str| svc.settings.link(path);
    compose::changes(now_model, basis, reader, &link)
}

fn build(
    svc: &DigestService,
    ctx: &Context,
    contact: &Contact,
    countries: &[String],
    language: Language,
    from: i64,
    message_id: &str,
) -> Result<Message, DigestError> {
    let t = mail_texts(language);
    let reader = Reader {
        countries,
        from_position: from,
        t,
    };
    let changes = render_for(svc, &ctx.now_model, &ctx.basis, reader);
    let unsubscribe_url = svc.settings.link(&format!(
        "/unsubscribe?token={}",
        unsubscribe_token(&svc.settings, &contact.subscriber_id)
    ));
    let dashboard_url = svc.settings.link("/");
    let manage_url = svc.settings.link(&format!(
        "/subscriptions/manage?token={}",
        unsubscribe_token(&svc.settings, &contact.subscriber_id)
    ));
    let period = ctx.period.to_string();
    let html = DigestHtml {
        t,
        period: &period,
        changes: &changes,
        unsubscribe_url: &unsubscribe_url,
        manage_url: &manage_url,
        dashboard_url: &dashboard_url,
    }
    .render()?;
    let text = DigestText {
        t,
        period: &period,
        changes: &changes,
        unsubscribe_url: &unsubscribe_url,
        manage_url: &manage_url,
        dashboard_url: &dashboard_url,
    }
    .render()?;
    let to = Mailbox::new(
        contact.name.clone(),
        contact
            .email
            .parse()
            .map_err(|e| DigestError::Mail(format!("{e}")))?,
    );
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
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<{unsubscribe_url}>"),
        ))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
            "List-Unsubscribe=One-Click".to_string(),
        ))
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|e| DigestError::Mail(e.to_string()))
}

/// The HTML a subscriber to `countries` would receive now for the current period (preview).
pub async fn preview(
    svc: &DigestService,
    countries: &[String],
    now: DateTime<Utc>,
) -> Result<String, DigestError> {
    svc.projector.wait_for(0, StdDuration::from_secs(10)).await;
    let model = svc.projector.read().await.clone();
    let from = model
        .digests
        .values()
        .map(|d| d.to_position)
        .max()
        .unwrap_or(0);
    let to = model.position;
    let (before, _) = replay(svc.store.database(), from, None, |_| {}).await?;
    let events = events_between(svc, from, to).await?;
    let t = mail_texts(Language::En);
    let reader = Reader {
        countries,
        from_position: from,
        t,
    };
    let basis = Basis::new(&model, &before, events, now.date_naive());
    let changes = render_for(svc, &model, &basis, reader);
    let period = Period::containing(now.date_naive()).to_string();
    Ok(DigestHtml {
        t,
        period: &period,
        changes: &changes,
        unsubscribe_url: "#",
        manage_url: "#",
        dashboard_url: &svc.settings.link("/"),
    }
    .render()?)
}
