//! Milestones: the steps of a commitment, and each step of their life.

use chrono::NaiveDate;
use safeguards_domain::commitment::Commitment;
use safeguards_domain::milestone::{Milestone, MilestoneCommand};
use safeguards_domain::values::{
    CommitmentId, CountryCode, Evidence, MilestoneId, Percent, StageCode, Text, Title,
};
use safeguards_infra::Committed;

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
        return Err(AppError::conflict("the commitment was withdrawn"));
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

/// One step of a milestone's life, authorized by what it does: verifying and rejecting need
/// the right to verify, every other step the right to update milestones in its country.
pub async fn step(
    app: &App,
    caller: &Caller,
    id: MilestoneId,
    command: MilestoneCommand,
) -> AppResult<Committed> {
    let action = match command {
        MilestoneCommand::Add { .. } => {
            return Err(AppError::conflict("the milestone already exists"));
        }
        MilestoneCommand::Verify { .. } | MilestoneCommand::RejectVerification { .. } => {
            Action::Verify
        }
        _ => Action::UpdateMilestones,
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

/// The typed use cases of the steps, each a command for [`step`].
macro_rules! steps {
    ($caller:ident; $($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) => $command:expr;)*) => {
        $(
            $(#[$doc])*
            pub async fn $name(
                app: &App,
                $caller: &Caller,
                id: MilestoneId,
                $($arg: $ty),*
            ) -> AppResult<Committed> {
                step(app, $caller, id, $command).await
            }
        )*
    };
}

steps! {
    caller;
    /// Start a planned milestone.
    start(note: Option<Text>) => MilestoneCommand::Start { note };
    /// Report progress (a planned milestone is started by it).
    report_progress(percent: Percent, note: Option<Text>) =>
        MilestoneCommand::ReportProgress { percent, note };
    /// Block a milestone, with the reason.
    block(reason: Text) => MilestoneCommand::Block { reason };
    /// Unblock a milestone: it returns to the status it had.
    unblock(note: Option<Text>) => MilestoneCommand::Unblock { note };
    /// Report the milestone achieved, with its evidence; the caller is its reporter.
    achieve(evidence: Vec<Evidence>, note: Option<Text>) =>
        MilestoneCommand::Achieve { evidence, note, by: caller.principal.actor };
    /// Add one piece of evidence (each link once), before or after the achievement.
    add_evidence(evidence: Evidence) => MilestoneCommand::AddEvidence { evidence };
    /// Verify an achievement (never by the account that reported it).
    verify(note: Option<Text>) => MilestoneCommand::Verify { note, by: caller.principal.actor };
    /// Send an achievement back to in progress, with the reason.
    reject(reason: Text) => MilestoneCommand::RejectVerification { reason };
    /// Move the due date, with the reason.
    reschedule(due_on: NaiveDate, reason: Text) =>
        MilestoneCommand::Reschedule { due_on, reason };
    /// Cancel a milestone, with the reason.
    cancel(reason: Text) => MilestoneCommand::Cancel { reason };
}
