//! The framework's processes: its numbered recommendations (`F8.1 Facilitate user access to
//! redress mechanisms`), each with its principle, the risks it mitigates, its life-cycle stages
//! and the responsible authorities that carry it, and the framework's authority × stage tables.
//!
//! The catalogue is data: the file shipped in `domain/data/processes.json` (what the public
//! Resource Hub shows, a partial list) or an operator's own file in the same format
//! (`SAFEGUARDS_CATALOGUE`). A file that says it is `complete` makes unknown references an
//! error; otherwise they are accepted and shown as not in the catalogue. Practice texts are not
//! copied: every process links to its source.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::values::{AuthorityCode, PrincipleCode, ProcessRef, RiskCode, StageCode};

/// One process of the framework.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Process {
    /// `<principle>.<n>`, e.g. `F8.1`.
    pub id: String,
    /// The framework's short title, as written.
    pub title: String,
    pub principle: String,
    /// The risks it mitigates (codes of the catalogue).
    #[serde(default)]
    pub risks: Vec<String>,
    /// The life-cycle stages it belongs to.
    #[serde(default)]
    pub stages: Vec<String>,
    /// The responsible authorities that carry it.
    #[serde(default)]
    pub authorities: Vec<String>,
    /// Numbered practice ids, where the source numbers them.
    #[serde(default)]
    pub practices: Vec<String>,
    /// The page that describes it and its practices.
    pub source: String,
}

/// The processes, where they come from, and how complete they are.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Processes {
    /// This catalogue's own version ("not in catalogue <version>").
    pub catalogue_version: String,
    /// The framework version it describes, as its source states it.
    pub framework_version: String,
    /// Where the data comes from.
    pub source: String,
    /// When it was read from the source.
    #[serde(default)]
    pub retrieved: Option<String>,
    pub licence: String,
    /// The line to credit the source with (CC BY-SA asks for it).
    pub attribution: String,
    /// Every process of the framework is here: an unknown reference is an error.
    #[serde(default)]
    pub complete: bool,
    /// What is known to be missing, in words.
    #[serde(default)]
    pub completeness: Option<String>,
    pub processes: Vec<Process>,
    /// The framework's tables: `R3/L2` → the process ids that authority carries at that stage.
    #[serde(default)]
    pub by_authority_stage: BTreeMap<String, Vec<String>>,
    #[serde(skip)]
    index: HashMap<String, usize>,
}

/// The shipped catalogue's text.
pub const SHIPPED: &str = include_str!("../data/processes.json");

/// How many processes a catalogue may hold (the framework speaks of ~300 with practices).
pub const MAX_PROCESSES: usize = 5000;

impl Processes {
    /// The catalogue shipped with the tracker.
    pub fn shipped() -> Self {
        #[allow(clippy::expect_used)] // shipped data, checked by the tests below
        Self::parse(SHIPPED).expect("the shipped processes.json is a valid catalogue")
    }

    /// A catalogue file, checked: every id is a well-formed reference of its principle, every
    /// code is the framework's, no id twice, every table names known processes.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut c: Self =
            serde_json::from_str(text).map_err(|e| format!("not a catalogue file: {e}"))?;
        if c.processes.len() > MAX_PROCESSES {
            return Err(format!("more than {MAX_PROCESSES} processes"));
        }
        for field in [&c.catalogue_version, &c.licence, &c.source] {
            if field.trim().is_empty() {
                return Err("catalogue_version, licence and source must not be empty".into());
            }
        }
        for (i, p) in c.processes.iter().enumerate() {
            let bad = |why: String| format!("process {} ({}): {why}", i + 1, p.id);
            ProcessRef::parse(&p.id).map_err(|e| bad(e.reason.into()))?;
            PrincipleCode::parse(&p.principle).map_err(|e| bad(e.reason.into()))?;
            if p.id.split('.').next() != Some(p.principle.as_str()) {
                return Err(bad(format!("its id is not of principle {}", p.principle)));
            }
            // A title a commitment can take, a source page a link can safely point to.
            crate::values::Title::parse(&p.title)
                .map_err(|e| bad(format!("title {}", e.reason)))?;
            if !p.source.starts_with("https://") || url::Url::parse(&p.source).is_err() {
                return Err(bad("its source is not an https:// address".into()));
            }
            for r in &p.risks {
                RiskCode::parse(r).map_err(|e| bad(e.reason.into()))?;
            }
            for s in &p.stages {
                StageCode::parse(s).map_err(|e| bad(e.reason.into()))?;
            }
            for a in &p.authorities {
                AuthorityCode::parse(a).map_err(|e| bad(e.reason.into()))?;
            }
            if c.index.insert(p.id.clone(), i).is_some() {
                return Err(bad("listed twice".into()));
            }
        }
        for (key, ids) in &c.by_authority_stage {
            let (authority, stage) = key
                .split_once('/')
                .ok_or_else(|| format!("table {key}: not `<authority>/<stage>`"))?;
            AuthorityCode::parse(authority).map_err(|e| format!("table {key}: {}", e.reason))?;
            if stage != "all-stages" {
                StageCode::parse(stage).map_err(|e| format!("table {key}: {}", e.reason))?;
            }
            if let Some(unknown) = ids.iter().find(|id| !c.index.contains_key(*id)) {
                return Err(format!("table {key}: {unknown} is not among the processes"));
            }
        }
        Ok(c)
    }

    /// The process with this id, if the catalogue knows it.
    pub fn get(&self, id: &str) -> Option<&Process> {
        self.index
            .get(id)
            .and_then(|&i| self.processes.get(i))
            .filter(|p| p.id == id)
    }

    /// The ids among `ids` that the catalogue does not hold.
    pub fn not_held<S: AsRef<str>>(&self, ids: &[S]) -> Vec<String> {
        ids.iter()
            .map(AsRef::as_ref)
            .filter(|id| self.get(id).is_none())
            .map(str::to_string)
            .collect()
    }

    /// The processes an authority carries at a stage: the framework's table for them, and
    /// every process whose own page names both (tables are missing or cut off in places).
    pub fn for_authority_stage(&self, authority: &str, stage: &str) -> Vec<&Process> {
        let mut ids: BTreeSet<&str> = BTreeSet::new();
        for key in [
            format!("{authority}/{stage}"),
            format!("{authority}/all-stages"),
        ] {
            if let Some(list) = self.by_authority_stage.get(&key) {
                ids.extend(list.iter().map(String::as_str));
            }
        }
        for p in &self.processes {
            if p.authorities.iter().any(|a| a == authority) && p.stages.iter().any(|s| s == stage) {
                ids.insert(&p.id);
            }
        }
        let mut found: Vec<&Process> = ids.into_iter().filter_map(|id| self.get(id)).collect();
        found.sort_by_key(|p| order(&p.id));
        found
    }

    /// How many processes each principle has (every principle, zero included).
    pub fn per_principle(&self) -> BTreeMap<String, usize> {
        let mut counts: BTreeMap<String, usize> = PrincipleCode::all()
            .into_iter()
            .map(|p| (p.as_str().to_string(), 0))
            .collect();
        for p in &self.processes {
            *counts.entry(p.principle.clone()).or_default() += 1;
        }
        counts
    }

    /// How many processes have each of their fields filled: (risks, stages, authorities).
    pub fn filled(&self) -> (usize, usize, usize) {
        let n = |f: fn(&Process) -> bool| self.processes.iter().filter(|p| f(p)).count();
        (
            n(|p| !p.risks.is_empty()),
            n(|p| !p.stages.is_empty()),
            n(|p| !p.authorities.is_empty()),
        )
    }

    /// Check references given for a commitment: under a complete catalogue an unknown one is
    /// refused; under a partial one it is accepted.
    pub fn check(&self, refs: &[ProcessRef]) -> Result<(), crate::values::FieldError> {
        if !self.complete {
            return Ok(());
        }
        match refs.iter().find(|r| self.get(r.as_str()).is_none()) {
            None => Ok(()),
            Some(r) => Err(crate::values::FieldError::new(
                "process_refs",
                crate::reason!(
                    "not-a-process",
                    "{process} is not a process of catalogue {catalogue}",
                    process = r.as_str(),
                    catalogue = &self.catalogue_version,
                ),
            )),
        }
    }
}

/// Sort key of an id: principle, then number (`O3.7` before `O3.12`).
pub fn order(id: &str) -> (String, u32) {
    let (principle, n) = id.split_once('.').unwrap_or((id, "0"));
    (principle.to_string(), n.parse().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalogue_loads_with_valid_codes_and_its_attribution() {
        let c = Processes::shipped();
        assert_eq!(c.processes.len(), 85);
        assert!(!c.complete);
        assert!(c.licence.contains("CC BY-SA 4.0"));
        assert!(c.attribution.contains("Universal DPI Safeguards Framework"));
        let f81 = c.get("F8.1").expect("F8.1 is known");
        assert_eq!(f81.principle, "F8");
        assert!(f81.source.starts_with("https://safedpi.gitbook.io/"));
        // Every code is the framework's (parse checks them all; a broken one fails here).
        for p in &c.processes {
            assert!(
                p.risks.iter().all(|r| RiskCode::parse(r).is_ok()),
                "{}",
                p.id
            );
        }
        assert_eq!(c.per_principle().len(), 18);
        assert_eq!(c.per_principle()["O7"], 0);
    }

    #[test]
    fn a_catalogue_with_a_bad_code_or_a_duplicate_is_refused_with_its_process() {
        let good = serde_json::from_str::<serde_json::Value>(SHIPPED).unwrap();
        let mut bad_risk = good.clone();
        bad_risk["processes"][0]["risks"] = serde_json::json!(["RX9"]);
        let err = Processes::parse(&bad_risk.to_string()).unwrap_err();
        assert!(err.contains("process 1"), "{err}");
        let mut twice = good.clone();
        let first = twice["processes"][0].clone();
        twice["processes"].as_array_mut().unwrap().push(first);
        assert!(Processes::parse(&twice.to_string())
            .unwrap_err()
            .contains("listed twice"));
        let mut other_principle = good.clone();
        other_principle["processes"][0]["principle"] = serde_json::json!("O3");
        assert!(Processes::parse(&other_principle.to_string()).is_err());
        let mut script = good.clone();
        script["processes"][0]["source"] = serde_json::json!("javascript:alert(1)");
        assert!(Processes::parse(&script.to_string())
            .unwrap_err()
            .contains("https://"));
        let mut long_title = good.clone();
        long_title["processes"][0]["title"] = serde_json::json!("x".repeat(500));
        assert!(Processes::parse(&long_title.to_string())
            .unwrap_err()
            .contains("title"));
        let mut unknown_in_table = good;
        unknown_in_table["by_authority_stage"]["R3/L2"] = serde_json::json!(["O3.999"]);
        assert!(Processes::parse(&unknown_in_table.to_string())
            .unwrap_err()
            .contains("R3/L2"));
        assert!(Processes::parse("not json").is_err());
    }

    #[test]
    fn an_unknown_reference_is_refused_only_by_a_complete_catalogue() {
        let mut c = Processes::shipped();
        let unknown = vec![ProcessRef::parse("O3.999").unwrap()];
        let known = vec![ProcessRef::parse("F8.1").unwrap()];
        assert!(c.check(&unknown).is_ok());
        c.complete = true;
        let err = c.check(&unknown).unwrap_err();
        assert_eq!(err.field, "process_refs");
        assert!(c.check(&known).is_ok());
    }

    #[test]
    fn the_r3_l2_table_lists_its_processes_in_order() {
        let c = Processes::shipped();
        let ids: Vec<&str> = c
            .for_authority_stage("R3", "L2")
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        for id in ["F4.3", "F7.2", "O8.4"] {
            assert!(ids.contains(&id), "{ids:?}");
        }
        let keys: Vec<(String, u32)> = ids.iter().map(|id| order(id)).collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{ids:?}");
    }
}
