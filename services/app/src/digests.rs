//! The digest's periods: what was sent, a preview, and sending now.

use std::time::Duration;

use std::sync::Arc;

use safeguards_digest::compose::Audience;
use safeguards_digest::deliver::{self, Report};
use safeguards_digest::edition::{self, Edition};
use safeguards_domain::digest::Period;
use safeguards_domain::subscriber::Language;
use safeguards_domain::values::CountryCode;
use safeguards_projections::model::DigestView;

use crate::access::{authorize, Action, Caller, Principal};
use crate::error::{AppError, AppResult};
use crate::App;

/// Every digest period, newest first.
pub async fn list(app: &App, _who: &Principal) -> AppResult<Vec<DigestView>> {
    Ok(app.model().await.digests.values().rev().cloned().collect())
}

/// The HTML digest a subscriber to `countries` (all when empty) would receive now, told to
/// `audience` (a subscriber without an account is told only what publication lets out): for
/// those who may send the digest, one preview at a time (each composes a digest).
pub async fn preview(
    app: &App,
    who: &Principal,
    countries: &[CountryCode],
    audience: Audience,
) -> AppResult<String> {
    authorize(who, Action::ManageDigest, None)?;
    let _one = app
        .previews
        .try_acquire()
        .map_err(|_| AppError::TooMany { retry_after: 5 })?;
    let countries: Vec<String> = countries.iter().map(|c| c.as_str().to_string()).collect();
    Ok(deliver::preview(&app.digest, &countries, audience, app.clock.now()).await?)
}

/// Who reads the digest's web edition: a signed-in reader may be told everything; anyone
/// else what the publication rule lets out (`crate::publication::Public`).
pub fn audience(who: Option<&Principal>) -> Audience {
    match who {
        Some(_) => Audience::Account,
        None => Audience::Anyone,
    }
}

/// The web edition of a period's digest for `audience` (it holds nothing about any
/// subscriber).
pub async fn edition(
    app: &App,
    period: Period,
    language: Language,
    audience: Audience,
) -> AppResult<Arc<Edition>> {
    edition::edition(&app.digest, period, language, audience)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("there is no digest of {period}")))
}

/// The periods of the archive, newest first.
pub async fn archive(app: &App) -> Vec<(Period, chrono::DateTime<chrono::Utc>)> {
    edition::periods(&app.digest, usize::MAX).await
}

/// The Atom feed of the latest editions, for anyone.
pub async fn atom(app: &App) -> AppResult<String> {
    Ok(edition::atom(&app.digest).await?)
}

/// How long [`send_now`] waits for the run before saying it goes on.
pub const SEND_WAIT: Duration = Duration::from_secs(20);

/// What sending now did.
#[derive(Debug, Clone)]
pub enum Sent {
    /// The run ended: what it did.
    Done(Report),
    /// The run takes longer and goes on in the background.
    Running { period: Period },
}

/// Send the current period's digest now; nothing is sent twice. The run goes on in a task of
/// its own: a long one is reported as running, and a caller that goes away does not stop it.
pub async fn send_now(app: &App, caller: &Caller) -> AppResult<Sent> {
    authorize(&caller.principal, Action::ManageDigest, None)?;
    let now = app.clock.now();
    let period = Period::containing(now.date_naive());
    let digest = app.digest.clone();
    let run = tokio::spawn(async move { deliver::send_period(&digest, period, now).await });
    match tokio::time::timeout(SEND_WAIT, run).await {
        Ok(Ok(report)) => Ok(Sent::Done(report?)),
        Ok(Err(e)) => Err(AppError::Internal(format!("the digest run failed: {e}"))),
        Err(_) => Ok(Sent::Running { period }),
    }
}
