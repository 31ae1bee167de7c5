//! Commitments: a country's safeguard measures, created, revised and withdrawn.

use safeguards_domain::commitment::{
    Commitment, CommitmentCommand, CommitmentFields, CommitmentRevision,
};
use safeguards_domain::engagement::{Engagement, EngagementStatus};
use safeguards_domain::values::{CommitmentId, CountryCode, Text};
use safeguards_infra::Committed;
use safeguards_projections::views::{self, CommitmentOut, MilestoneOut};

use crate::access::{authorize, Action, Caller};
use crate::error::{AppError, AppResult};
use crate::App;

/// The country of an existing commitment: from the read model (a commitment never changes
/// country), else from its own events when the model has not seen it yet.
pub async fn country_of(app: &App, id: CommitmentId) -> AppResult<CountryCode> {
    let known = app
        .model()
        .await
        .commitments
        .get(&id.to_string())
        .map(|c| c.country.clone());
    if let Some(code) = known.and_then(|c| CountryCode::from_stored(c).ok()) {
        return Ok(code);
    }
    app.load::<Commitment>(&id.to_string())
        .await?
        .country()
        .ok_or_else(|| AppError::not_found("no such commitment"))
}

/// Record a commitment of `country`, which must have an engagement that is not closed.
pub async fn create(
    app: &App,
    caller: &Caller,
    country: CountryCode,
    id: CommitmentId,
    fields: CommitmentFields,
) -> AppResult<Committed> {
    authorize(
        &caller.principal,
        Action::EditCommitments,
        Some(country.as_str()),
    )?;
    app.processes
        .check(&fields.process_refs)
        .map_err(AppError::Invalid)?;
    let engagement = app.load::<Engagement>(country.as_str()).await?;
    match engagement.status() {
        None => {
            return Err(AppError::not_found(format!(
                "no engagement is open for {country}"
            )))
        }
        Some(EngagementStatus::Closed) => {
            return Err(AppError::conflict(safeguards_domain::reason!(
                "country-engagement-closed",
                "the engagement with {country} is closed",
                country = &country
            )))
        }
        Some(_) => {}
    }
    app.execute::<Commitment>(
        &Caller {
            if_match: None,
            ..caller.clone()
        },
        &id.to_string(),
        CommitmentCommand::Create { country, fields },
    )
    .await
}

/// Run a command on an existing commitment, by those who may edit its country's commitments.
async fn execute(
    app: &App,
    caller: &Caller,
    id: CommitmentId,
    command: CommitmentCommand,
) -> AppResult<Committed> {
    let country = country_of(app, id).await?;
    authorize(
        &caller.principal,
        Action::EditCommitments,
        Some(country.as_str()),
    )?;
    app.execute::<Commitment>(caller, &id.to_string(), command)
        .await
}

/// Revise a commitment: only the fields given change.
pub async fn revise(
    app: &App,
    caller: &Caller,
    id: CommitmentId,
    revision: CommitmentRevision,
) -> AppResult<Committed> {
    if let Some(refs) = &revision.process_refs {
        app.processes.check(refs).map_err(AppError::Invalid)?;
    }
    execute(app, caller, id, CommitmentCommand::Revise { revision }).await
}

/// Withdraw a commitment, with the reason.
pub async fn withdraw(
    app: &App,
    caller: &Caller,
    id: CommitmentId,
    reason: Text,
) -> AppResult<Committed> {
    execute(app, caller, id, CommitmentCommand::Withdraw { reason }).await
}

/// A commitment with its milestones today, and the references it makes that the catalogue in
/// use does not hold.
pub async fn get(app: &App, id: CommitmentId) -> AppResult<CommitmentOut> {
    let model = app.model().await;
    let c = model
        .commitments
        .get(&id.to_string())
        .ok_or_else(|| AppError::not_found("no such commitment"))?;
    let mut out = views::commitment_out(&model, c, app.clock.today());
    out.process_refs_not_in_catalogue = app.processes.not_held(&c.process_refs);
    Ok(out)
}

/// The milestones of a commitment, as they stand today.
pub async fn milestones(app: &App, id: CommitmentId) -> AppResult<Vec<MilestoneOut>> {
    let model = app.model().await;
    let c = model
        .commitments
        .get(&id.to_string())
        .ok_or_else(|| AppError::not_found("no such commitment"))?;
    Ok(views::commitment_out(&model, c, app.clock.today()).milestone_list)
}

/// The titles of the commitments `ids` names that exist (id → title).
pub async fn titles<'a>(
    app: &App,
    ids: impl IntoIterator<Item = &'a String>,
) -> std::collections::BTreeMap<String, String> {
    let model = app.model().await;
    ids.into_iter()
        .filter_map(|id| {
            model
                .commitments
                .get(id)
                .map(|c| (id.clone(), c.title.clone()))
        })
        .collect()
}
