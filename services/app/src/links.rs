//! Using a signed action link from a reminder: the link is checked (signature, expiry, the
//! account's current rights, the milestone's version), then its one action runs as an ordinary
//! milestone use case, with the account as actor, the link as correlation and the link's
//! version as `If-Match` — so a link works once, and never over someone else's change.

use safeguards_digest::links::{self, LinkClaims};
use safeguards_domain::milestone::StepInput;
use safeguards_infra::Committed;
use safeguards_projections::model::MilestoneView;

use crate::access::{may, Action, Caller};
use crate::accounts::principal_in;
use crate::error::AppError;
use crate::{milestones, App};

/// Why a link does not work. Nothing was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a link this tracker signed: tampered, cut short, or made up.
    Broken,
    Expired,
    /// This link was used already.
    Used,
    /// The milestone changed since the mail was sent (someone else's update).
    Changed,
    /// The account is disabled, its links were revoked, or it may no longer act there.
    NotAllowed,
}

/// A link that works now: what it allows, for whom.
#[derive(Debug, Clone)]
pub struct Opened {
    pub claims: LinkClaims,
    pub caller: Caller,
    pub milestone: MilestoneView,
    /// The name of the milestone's country.
    pub country_name: String,
}

/// Why using a link failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActError {
    Refused(Refusal),
    /// The input (or the store) refused it: a field to correct, or a fault to retry.
    App(AppError),
}

impl From<Refusal> for ActError {
    fn from(r: Refusal) -> Self {
        Self::Refused(r)
    }
}

/// Check link `token` for use now.
pub async fn open(app: &App, token: &str) -> Result<Opened, Refusal> {
    let settings = &app.digest.settings;
    let claims = links::check(settings, token).ok_or(Refusal::Broken)?;
    if claims.expired(app.clock.now()) {
        return Err(Refusal::Expired);
    }
    let correlation = links::correlation(token);
    // What this process wrote is in the model before the link is judged on it.
    app.caught_up().await;
    let (principal, milestone, country_name) = {
        let model = app.model().await;
        let principal =
            principal_in(&model, claims.account, claims.generation).ok_or(Refusal::NotAllowed)?;
        let milestone = model
            .milestones
            .get(&claims.milestone.to_string())
            .cloned()
            .ok_or(Refusal::Broken)?;
        let country_name = model
            .engagements
            .get(&milestone.country)
            .map_or_else(|| milestone.country.clone(), |e| e.name.clone());
        (principal, milestone, country_name)
    };
    if !may(
        &principal,
        Action::UpdateMilestones,
        Some(milestone.country.as_str()),
    ) {
        return Err(Refusal::NotAllowed);
    }
    if u64::try_from(milestone.version).ok() != Some(claims.version)
        || !claims.action.applies_to(milestone.status)
    {
        return Err(moved_on(app, &claims, &correlation).await);
    }
    Ok(Opened {
        caller: Caller::new(principal, correlation).if_match(Some(claims.version)),
        claims,
        milestone,
        country_name,
    })
}

/// Use link `token` with what its form sent for the link's step.
pub async fn act(app: &App, token: &str, input: StepInput) -> Result<Committed, ActError> {
    let opened = open(app, token).await?;
    let (caller, id) = (&opened.caller, opened.claims.milestone);
    let done = milestones::take(app, caller, id, opened.claims.action.step(), input).await;
    match done {
        // Two uses at once: the one that lost the race finds the milestone moved on.
        Err(AppError::Stale { .. }) => {
            Err(moved_on(app, &opened.claims, &opened.caller.correlation_id)
                .await
                .into())
        }
        Err(e) => Err(ActError::App(e)),
        Ok(committed) => Ok(committed),
    }
}

/// Why a link's milestone is no longer as the link saw it: its own earlier use (an event after
/// the link's version carries its correlation), or someone else's change.
async fn moved_on(app: &App, claims: &LinkClaims, correlation: &str) -> Refusal {
    let id = claims.milestone.to_string();
    if crate::history::recorded_since(app, "milestone", &id, claims.version, correlation).await {
        Refusal::Used
    } else {
        Refusal::Changed
    }
}
