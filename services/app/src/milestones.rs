//! Milestones: the steps of a commitment, and each step of their life.

use chrono::NaiveDate;
use safeguards_domain::commitment::Commitment;
use safeguards_domain::milestone::{
    Milestone, MilestoneCommand, MilestoneStep, StepInput, StepPermission,
};
use safeguards_domain::values::{CommitmentId, CountryCode, MilestoneId, StageCode, Title};
use safeguards_infra::Committed;
use safeguards_projections::views::MilestoneOut;

use crate::access::{authorize, Action, Caller};
use crate::error::{AppError, AppResult};
use crate::App;

/// The country of an existing milestone: from the read model (a milestone never changes
/// country), else from its own events when the model has not seen it yet.
pub async fn country_of(app: &App, id: MilestoneId) -> AppResult<CountryCode> {
    let known = app
        .model()
        .await
        .milestones
        .get(&id.to_string())
        .map(|m| m.country.clone());
    if let Some(code) = known.and_then(|c| CountryCode::from_stored(c).ok()) {
        return Ok(code);
    }
    app.load::<Milestone>(&id.to_string())
        .await?
        .country()
        .ok_or_else(|| AppError::not_found("no such milestone"))
}

/// Add a milestone to a commitment that exists and was not withdrawn. `id` is the new
/// milestone's (a fresh one, or the client's own for an idempotent retry).
pub async fn add(
    app: &App,
    caller: &Caller,
    commitment: CommitmentId,
    id: MilestoneId,
    title: Title,
    due_on: NaiveDate,
    stage: Option<StageCode>,
) -> AppResult<Committed> {
    let state = app.load::<Commitment>(&commitment.to_string()).await?;
    let country = state
        .country()
        .ok_or_else(|| AppError::not_found("no such commitment"))?;
    authorize(
        &caller.principal,
        Action::EditCommitments,
        Some(country.as_str()),
    )?;
    if state.is_withdrawn() {
        return Err(AppError::conflict(safeguards_domain::reason!(
            "commitment-withdrawn",
            "the commitment was withdrawn"
        )));
    }
    app.execute::<Milestone>(
        &Caller {
            if_match: None,
            ..caller.clone()
        },
        &id.to_string(),
        MilestoneCommand::Add {
            commitment,
            country,
            title,
            due_on,
            stage,
        },
    )
    .await
}

/// The permission a step needs, as the permission table names it.
pub fn action_for(permission: StepPermission) -> Action {
    match permission {
        StepPermission::UpdateMilestones => Action::UpdateMilestones,
        StepPermission::Verify => Action::Verify,
    }
}

/// One step of a milestone's life, authorized by what it does: verifying and rejecting need
/// the right to verify, every other step the right to update milestones in its country.
pub async fn step(
    app: &App,
    caller: &Caller,
    id: MilestoneId,
    command: MilestoneCommand,
) -> AppResult<Committed> {
    let Some(action) = command.step().map(|s| action_for(s.permission())) else {
        return Err(AppError::conflict(safeguards_domain::reason!(
            "milestone-already-exists",
            "the milestone already exists"
        )));
    };
    // Who reported or verified is the caller, whatever the command says.
    let by = caller.principal.actor;
    let command = match command {
        MilestoneCommand::Achieve { evidence, note, .. } => {
            MilestoneCommand::Achieve { evidence, note, by }
        }
        MilestoneCommand::Verify { note, .. } => MilestoneCommand::Verify { note, by },
        other => other,
    };
    let country = country_of(app, id).await?;
    authorize(&caller.principal, action, Some(country.as_str()))?;
    app.execute::<Milestone>(caller, &id.to_string(), command)
        .await
}

/// Take `step` with what its channel parsed: the use case of every step (the caller reports or
/// verifies).
pub async fn take(
    app: &App,
    caller: &Caller,
    id: MilestoneId,
    what: MilestoneStep,
    input: StepInput,
) -> AppResult<Committed> {
    let command = what.command(input, caller.principal.actor)?;
    step(app, caller, id, command).await
}

/// A milestone as the read model holds it, with whether it is overdue today.
pub async fn get(app: &App, id: MilestoneId) -> AppResult<MilestoneOut> {
    let model = app.model().await;
    let m = model
        .milestones
        .get(&id.to_string())
        .ok_or_else(|| AppError::not_found("no such milestone"))?;
    Ok(MilestoneOut {
        milestone: m.clone(),
        overdue: m.is_overdue(app.clock.today()),
    })
}
