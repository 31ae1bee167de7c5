//! What a country's commitments leave uncovered. For the current stages of its DPI systems
//! (every stage while it has none), each of the framework's 13 risks is covered when an active
//! commitment (not withdrawn) at one of those stages names it; for each risk left uncovered,
//! the catalogue's processes that mitigate it at those stages, by responsible authority.

use std::collections::BTreeSet;

use safeguards_domain::processes::Processes;
use safeguards_domain::values::{AuthorityCode, RiskCode, StageCode};
use serde::Serialize;

use crate::model::{CommitmentView, EngagementView, Tracker};
use crate::views::{behind, Figure};

/// Processes an authority could carry to cover a risk.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub authority: String,
    pub processes: Vec<String>,
}

/// One risk in one country.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskCoverage {
    pub risk: String,
    pub name: String,
    /// The active commitments at the current stages that address it.
    pub commitments: Vec<String>,
    /// None addresses it.
    pub gap: bool,
    /// For a gap: processes of the catalogue that would cover it, per authority (those with
    /// none are left out).
    pub suggestions: Vec<Suggestion>,
}

/// `/api/v1/coverage/{country}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub country: String,
    pub name: String,
    /// The stages its DPI systems are at now.
    pub stages: Vec<String>,
    /// It has no DPI system yet: every stage is considered.
    pub every_stage: bool,
    pub risks: Vec<RiskCoverage>,
    /// How many of the 13 risks are covered.
    pub covered: u32,
}

/// The stages considered for an engagement: those of its DPI systems, or all five while it
/// has none.
pub fn stages_of(e: &EngagementView) -> (Vec<String>, bool) {
    let now: BTreeSet<String> = e.dpi_systems.values().cloned().collect();
    if now.is_empty() {
        let all = StageCode::all()
            .into_iter()
            .map(|s| s.as_str().to_string())
            .collect();
        (all, true)
    } else {
        (now.into_iter().collect(), false)
    }
}

/// Whether a commitment counts toward covering `risk` at `stages`.
pub fn addresses(c: &CommitmentView, risk: &str, stages: &[String]) -> bool {
    !c.withdrawn && stages.contains(&c.stage) && c.risks.iter().any(|r| r == risk)
}

/// Whether a coverage names the processes that would close its gaps (the risk × country matrix
/// needs only the counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    Counts,
    WithSuggestions,
}

/// The coverage of one engaged country, or `None` when it has no engagement.
pub fn coverage(
    tracker: &Tracker,
    processes: &Processes,
    country: &str,
    detail: Detail,
) -> Option<Coverage> {
    let e = tracker.engagements.get(country)?;
    let (stages, every_stage) = stages_of(e);
    let risks: Vec<RiskCoverage> = RiskCode::all()
        .into_iter()
        .map(|r| {
            let commitments: Vec<String> = behind(tracker, e, Figure::Risk(r.as_str()))
                .into_iter()
                .map(|c| c.id.clone())
                .collect();
            let gap = commitments.is_empty();
            let suggestions = if gap && detail == Detail::WithSuggestions {
                suggestions(processes, r.as_str(), &stages)
            } else {
                vec![]
            };
            RiskCoverage {
                risk: r.as_str().to_string(),
                name: r.name().to_string(),
                commitments,
                gap,
                suggestions,
            }
        })
        .collect();
    Some(Coverage {
        country: e.country.clone(),
        name: e.name.clone(),
        covered: risks.iter().filter(|r| !r.gap).count() as u32,
        stages,
        every_stage,
        risks,
    })
}

/// The processes that mitigate `risk` at one of `stages`, for each authority that carries
/// them there.
fn suggestions(processes: &Processes, risk: &str, stages: &[String]) -> Vec<Suggestion> {
    AuthorityCode::all()
        .into_iter()
        .filter_map(|a| {
            let mut ids: Vec<&str> = Vec::new();
            for stage in stages {
                for p in processes.for_authority_stage(a.as_str(), stage) {
                    if p.risks.iter().any(|x| x == risk) && !ids.contains(&p.id.as_str()) {
                        ids.push(&p.id);
                    }
                }
            }
            ids.sort_by_key(|id| safeguards_domain::processes::order(id));
            (!ids.is_empty()).then(|| Suggestion {
                authority: a.as_str().to_string(),
                processes: ids.into_iter().map(str::to_string).collect(),
            })
        })
        .collect()
}

/// Every engaged country's coverage, by country code.
pub fn all(tracker: &Tracker, processes: &Processes, detail: Detail) -> Vec<Coverage> {
    tracker
        .engagements
        .keys()
        .filter_map(|c| coverage(tracker, processes, c, detail))
        .collect()
}
