//! Action plans: a country's commitments built from the framework's processes. The processes
//! an authority carries at a stage are drafted as commitments — principle, risks, authority,
//! stage and process reference filled from the catalogue — for the user to edit; the chosen
//! drafts are then saved, each as an ordinary commitment.

use chrono::NaiveDate;
use safeguards_domain::commitment::CommitmentFields;
use safeguards_domain::processes::Process;
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

/// What saving a plan did: the commitments created, in order.
#[derive(Debug, Clone)]
pub struct Saved {
    pub created: Vec<(CommitmentId, Committed)>,
}

/// How many commitments one plan may hold.
pub const MAX_PLAN: usize = 100;

/// Save a plan's commitments for `country`, in order. All are checked before the first is
/// recorded: one invalid draft records none.
pub async fn save(
    app: &App,
    caller: &Caller,
    country: CountryCode,
    plan: Vec<CommitmentFields>,
) -> AppResult<Saved> {
    authorize(
        &caller.principal,
        Action::EditCommitments,
        Some(country.as_str()),
    )?;
    if plan.is_empty() {
        return Err(AppError::invalid(
            "commitments",
            "choose at least one process for the plan",
        ));
    }
    if plan.len() > MAX_PLAN {
        return Err(AppError::invalid(
            "commitments",
            format!("a plan holds at most {MAX_PLAN} commitments"),
        ));
    }
    for fields in &plan {
        app.processes.check(&fields.process_refs)?;
    }
    let mut created = Vec::with_capacity(plan.len());
    for fields in plan {
        let id = CommitmentId::new();
        let committed = commitments::create(app, caller, country, id, fields).await?;
        created.push((id, committed));
    }
    Ok(Saved { created })
}
