//! The digest's schedule: a cron job (UTC, six fields, seconds first) that sends the current
//! period's digest. Every process may run it; the per-recipient claims make the sends unique.

use std::time::Duration;

use chrono::Utc;
use safeguards_domain::digest::Period;
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::deliver;
use crate::DigestService;

/// Reminders to focal points: every day at 07:00 UTC (at most one per milestone a week).
pub const REMINDER_CRON: &str = "0 0 7 * * *";

/// Start the scheduler with the digest job on `cron` and the daily reminders.
pub async fn start(svc: DigestService, cron: &str) -> Result<JobScheduler, String> {
    let scheduler = JobScheduler::new().await.map_err(|e| e.to_string())?;
    let reminder_svc = svc.clone();
    let job = Job::new_async(cron, move |_id, _lock| {
        let svc = svc.clone();
        Box::pin(async move {
            let period = Period::containing(Utc::now().date_naive());
            match deliver::drain(&svc, period, Duration::from_secs(3600)).await {
                Ok(report) => tracing::info!(?report, "scheduled digest sent"),
                Err(e) => tracing::error!(error = %e, "scheduled digest failed"),
            }
        })
    })
    .map_err(|e| format!("SAFEGUARDS_DIGEST_CRON: {e}"))?;
    scheduler.add(job).await.map_err(|e| e.to_string())?;
    let reminders = Job::new_async(REMINDER_CRON, move |_id, _lock| {
        let svc = reminder_svc.clone();
        Box::pin(async move {
            match crate::reminders::send_reminders(&svc, Utc::now()).await {
                Ok(n) => tracing::info!(mails = n, "reminders sent"),
                Err(e) => tracing::error!(error = %e, "reminders failed"),
            }
        })
    })
    .map_err(|e| e.to_string())?;
    scheduler.add(reminders).await.map_err(|e| e.to_string())?;
    scheduler.start().await.map_err(|e| e.to_string())?;
    Ok(scheduler)
}

/// Every half minute, retry the current period's deliveries that failed and are due, until
/// `stop` turns true.
pub async fn retry_loop(svc: DigestService, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(30)) => {}
            _ = stop.changed() => return,
        }
        let period = Period::containing(Utc::now().date_naive());
        let owed = {
            let model = svc.projector.read().await;
            model
                .digests
                .get(&period.to_string())
                .is_some_and(|d| !d.completed)
        };
        if owed {
            if let Err(e) = deliver::send_period(&svc, period, Utc::now()).await {
                tracing::warn!(error = %e, "retrying digest deliveries failed");
            }
        }
    }
}
