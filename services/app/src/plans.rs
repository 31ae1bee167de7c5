//! Action plans: a country's commitments built from the framework's processes. The processes
//! an authority carries at a stage are drafted as commitments — principle, risks, authority,
//! stage and process reference filled from the catalogue — for the user to edit; the chosen
//! drafts are then saved, each as an ordinary commitment.

use chrono::NaiveDate;
use safeguards_domain::commitment::{Commitment, CommitmentFields};
use safeguards_domain::processes::Process;
use safeguards_domain::reason::Reason;
use safeguards_domain::values::{
    AuthorityCode, CommitmentId, CountryCode, FieldError, PrincipleCode, ProcessRef, RiskCode,
    StageCode, Title,
};
use safeguards_infra::Committed;

use crate::access::{authorize, Action, Caller};
use crate::error::{AppError, AppResult};
use crate::{commitments, App};

/// A process of the plan and the commitment drafted from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub process: Process,
    pub fields: CommitmentFields,
}

/// The commitment a process becomes when `authority` carries it at `stage`.
pub fn commitment_of(
    process: &Process,
    authority: AuthorityCode,
    stage: StageCode,
    due_on: NaiveDate,
) -> Result<CommitmentFields, FieldError> {
    Ok(CommitmentFields {
        title: Title::parse(&process.title)?,
        description: None,
        principles: vec![PrincipleCode::parse(&process.principle)?],
        risks: process
            .risks
            .iter()
            .map(|r| RiskCode::parse(r))
            .collect::<Result<_, _>>()?,
        authority,
        stage,
        dpi_system: None,
        process_refs: vec![ProcessRef::parse(&process.id)?],
        due_on,
    })
}

/// The drafts of the processes `authority` carries at `stage`, due on `due_on`.
pub fn draft(
    app: &App,
    authority: AuthorityCode,
    stage: StageCode,
    due_on: NaiveDate,
) -> AppResult<Vec<Draft>> {
    app.processes
        .for_authority_stage(authority.as_str(), stage.as_str())
        .into_iter()
        .map(|p| {
            Ok(Draft {
                fields: commitment_of(p, authority, stage, due_on)?,
                process: p.clone(),
            })
        })
        .collect()
}

/// What saving a plan did: the commitments recorded, in order (those a resent form had
/// already recorded included).
#[derive(Debug, Clone)]
pub struct Saved {
    pub created: Vec<(CommitmentId, Committed)>,
    /// Commitments of the plan that already existed under their id (the form sent again).
    pub already: Vec<CommitmentId>,
}

/// How many commitments one plan may hold.
pub const MAX_PLAN: usize = 100;

/// Save a plan's commitments for `country`, in order, each under the id given (so a plan sent
/// twice is recorded once). Every draft is checked before the first is recorded, so an invalid
/// draft records none. Each commitment is its own aggregate: should the store fail part-way,
/// those before are kept and the error says how many.
pub async fn save(
    app: &App,
    caller: &Caller,
    country: CountryCode,
    plan: Vec<(CommitmentId, CommitmentFields)>,
) -> AppResult<Saved> {
    authorize(
        &caller.principal,
        Action::EditCommitments,
        Some(country.as_str()),
    )?;
    if plan.is_empty() {
        return Err(AppError::invalid(
            "commitments",
            safeguards_domain::reason!(
                "choose-least-one-process-plan",
                "choose at least one process for the plan"
            ),
        ));
    }
    if plan.len() > MAX_PLAN {
        return Err(AppError::invalid(
            "commitments",
            safeguards_domain::reason!(
                "plan-too-large",
                "a plan holds at most {max} commitments",
                max = MAX_PLAN
            ),
        ));
    }
    for (_, fields) in &plan {
        app.processes.check(&fields.process_refs)?;
    }
    let total = plan.len();
    let mut saved = Saved {
        created: Vec::with_capacity(total),
        already: Vec::new(),
    };
    for (id, fields) in plan {
        match commitments::create(app, caller, country, id, fields).await {
            Ok(committed) => saved.created.push((id, committed)),
            Err(AppError::Conflict(_)) if exists(app, id).await => saved.already.push(id),
            Err(e) if saved.created.is_empty() && saved.already.is_empty() => return Err(e),
            Err(e) => return Err(part_way(e, saved.created.len(), total)),
        }
    }
    Ok(saved)
}

/// Whether a commitment was recorded under `id`.
async fn exists(app: &App, id: CommitmentId) -> bool {
    app.load::<Commitment>(&id.to_string())
        .await
        .is_ok_and(|c| c.country().is_some())
}

/// `e`, saying how many of the plan's commitments were recorded before it.
fn part_way(e: AppError, recorded: usize, total: usize) -> AppError {
    let note =
        |d: String| format!("{d} ({recorded} of the plan's {total} commitments were recorded)");
    // A page gives the reason in its language; the count is for the API's detail.
    let noted = |mut r: Reason| {
        r.english = note(r.english);
        r
    };
    match e {
        AppError::Conflict(d) => AppError::Conflict(noted(d)),
        AppError::NotFound(d) => AppError::NotFound(note(d)),
        AppError::Forbidden(d) => AppError::Forbidden(noted(d)),
        AppError::Unavailable(d) => AppError::Unavailable(note(d)),
        AppError::Internal(d) => AppError::Internal(note(d)),
        other => other,
    }
}
