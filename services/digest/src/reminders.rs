//! Reminders to focal points about their milestones due within 14 days or overdue: one mail
//! per focal point listing the milestones not yet reminded of this week.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use lettre::message::Mailbox;
use lettre::Message;
use safeguards_domain::digest::Period;
use safeguards_domain::milestone::MilestoneStatus;
use safeguards_domain::reminder::{Reminder, ReminderCommand};
use safeguards_domain::subscriber::{Digits, Language};
use safeguards_domain::values::{AccountId, MilestoneId, Role};
use safeguards_domain::DomainError;
use safeguards_infra::{CommandContext, CommandError};
use safeguards_projections::Tracker;

use crate::links;
use crate::subscriptions::host;
use crate::{DigestError, DigestService};

/// How far ahead a due date earns a reminder.
pub const HORIZON_DAYS: i64 = 14;

/// A focal point to remind: id, address, name, and the token generation their links carry.
type Recipient = (String, String, String, u32, (Language, Digits));

/// An open milestone due within [`HORIZON_DAYS`] or overdue.
#[derive(Debug, Clone)]
pub struct Due {
    pub title: String,
    pub country: String,
    pub due_on: chrono::NaiveDate,
    pub overdue: bool,
    pub milestone: MilestoneId,
    pub version: u64,
    pub status: MilestoneStatus,
}

/// The open milestones of `countries` (of commitments not withdrawn) due by `today` plus
/// [`HORIZON_DAYS`] or overdue, soonest first: what a focal point of those countries is
/// reminded of, in the reminder and in their digest.
pub fn due_in(model: &Tracker, countries: &BTreeSet<String>, today: NaiveDate) -> Vec<Due> {
    let horizon = today + Duration::days(HORIZON_DAYS);
    let mut due: Vec<Due> = model
        .milestones
        .values()
        .filter(|m| countries.contains(&m.country) && m.due_on <= horizon)
        .filter(|m| {
            !matches!(
                m.status,
                MilestoneStatus::Achieved | MilestoneStatus::Verified | MilestoneStatus::Cancelled
            )
        })
        .filter(|m| {
            model
                .commitments
                .get(&m.commitment)
                .is_some_and(|c| !c.withdrawn)
        })
        .filter_map(|m| {
            Some(Due {
                title: m.title.clone(),
                country: m.country.clone(),
                due_on: m.due_on,
                overdue: m.is_overdue(today),
                milestone: MilestoneId::parse(&m.id).ok()?,
                version: u64::try_from(m.version).ok()?,
                status: m.status,
            })
        })
        .collect();
    due.sort_by(|a, b| (a.due_on, &a.title).cmp(&(b.due_on, &b.title)));
    due
}

/// Send this week's reminders not sent yet. Returns the number of mails sent.
#[tracing::instrument(skip(svc))]
pub async fn send_reminders(svc: &DigestService, now: DateTime<Utc>) -> Result<u32, DigestError> {
    let sent = send_due(svc, now).await;
    let outcome = if sent.is_ok() { "ok" } else { "error" };
    metrics::counter!("safeguards_reminder_runs_total", "outcome" => outcome).increment(1);
    sent
}

async fn send_due(svc: &DigestService, now: DateTime<Utc>) -> Result<u32, DigestError> {
    let today = now.date_naive();
    let week = Period::containing(today).to_string();
    svc.projector
        .wait_for(0, std::time::Duration::from_secs(10))
        .await;
    let mut due: BTreeMap<Recipient, Vec<Due>> = BTreeMap::new();
    {
        let model = svc.projector.read().await;
        for a in model
            .accounts
            .values()
            .filter(|a| !a.disabled && a.role == Role::FocalPoint)
        {
            let theirs = due_in(&model, &model.countries_of(&a.id), today);
            if !theirs.is_empty() {
                due.insert(
                    (
                        a.id.clone(),
                        a.email.clone(),
                        a.name.clone(),
                        a.token_generation,
                        (a.language.unwrap_or_default(), a.digits),
                    ),
                    theirs,
                );
            }
        }
    }
    let mut sent = 0;
    for ((account, email, name, generation, (language, digits)), milestones) in due {
        let t = crate::texts::mail_texts(safeguards_texts::Locale::new(language, digits));
        let Ok(account_id) = AccountId::parse(&account) else {
            continue;
        };
        // One address the mailer refuses must not stop the reminders of everyone after it.
        let Ok(address) = email.parse::<lettre::Address>() else {
            tracing::warn!(%account, "a focal point's address cannot take mail; no reminder");
            continue;
        };
        let mut fresh = Vec::new();
        let mut recorded = Vec::new();
        for due in milestones {
            let id = format!("{week}:{}:{account}", due.milestone);
            let cmd = ReminderCommand::Record {
                week: week.clone(),
                milestone: due.milestone,
                account: account_id,
                overdue: due.overdue,
            };
            match svc
                .store
                .execute::<Reminder>(&id, cmd, &CommandContext::system("reminders"), None)
                .await
            {
                Ok(_) => {
                    recorded.push(id);
                    let links = links::offered(&svc.settings, t, account_id, generation, &due, now);
                    fresh.push((due.title, due.country, due.due_on, due.overdue, links));
                }
                Err(CommandError::Domain(DomainError::Conflict(_))) => {}
                Err(e) => return Err(e.into()),
            }
        }
        if fresh.is_empty() {
            continue;
        }
        let lines: Vec<String> = fresh
            .iter()
            .map(|(title, country, due_on, overdue, links)| {
                let mut line = format!(
                    "- {country}{}{title}, {} {}",
                    t.colon,
                    if *overdue { t.overdue_since } else { t.due },
                    t.day(*due_on)
                );
                for (label, url) in links {
                    line.push_str(&format!("\n  {label}: {url}"));
                }
                line
            })
            .collect();
        // Addresses stay outside the messages: a mail reader must see them whole.
        let text = format!(
            "{}\n\n{}\n\n{}\n\n{}\n{}\n{}\n",
            t.reminder_hello(name.as_str()),
            t.reminder_intro,
            lines.join("\n"),
            t.reminder_links_note(links::LIFETIME_DAYS),
            t.reminder_update,
            svc.settings.link("/")
        );
        let to = Mailbox::new(Some(name.clone()), address);
        let message = svc
            .settings
            .mail_from
            .parse()
            .map_err(|e| DigestError::Mail(format!("{e}")))
            .and_then(|from| {
                Message::builder()
                    .from(from)
                    .to(to)
                    .subject(t.reminder_subject(week.as_str()))
                    .raw_header(t.content_language())
                    .message_id(Some(format!(
                        "<reminder.{week}.{account}.{}@{}>",
                        uuid::Uuid::new_v4().simple(),
                        host(&svc.settings)
                    )))
                    .body(text)
                    .map_err(|e| DigestError::Mail(e.to_string()))
            });
        let message = match message {
            Ok(m) => m,
            Err(e) => {
                release(svc, &recorded, &e.to_string()).await;
                return Err(e);
            }
        };
        match svc.mailer.send(message).await {
            Ok(()) => sent += 1,
            Err(e) => {
                tracing::warn!(error = %e, "a reminder could not be sent; the next run sends it");
                release(svc, &recorded, &e.to_string()).await;
            }
        }
    }
    Ok(sent)
}

/// Give back the week's reminders of a mail that could not be handed over, so that the next
/// run (the next day, or `safeguards reminders send`) sends them.
async fn release(svc: &DigestService, recorded: &[String], reason: &str) {
    for id in recorded {
        let cmd = ReminderCommand::Release {
            reason: reason.chars().take(500).collect(),
        };
        if let Err(e) = svc
            .store
            .execute::<Reminder>(id, cmd, &CommandContext::system("reminders"), None)
            .await
        {
            tracing::warn!(error = %e, reminder = %id, "a reminder that was not sent stays recorded");
        }
    }
}
