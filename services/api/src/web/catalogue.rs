//! `/catalogue`: the framework's catalogue of processes, open to everyone.

use askama::Template;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use safeguards_domain::processes::{order, Process, Processes};

use super::{render, Visit};
use crate::web::i18n::{self, Texts};
use crate::AppState;

/// How many processes the catalogue holds for a principle.
struct PrincipleCount {
    code: String,
    processes: usize,
}

/// How many processes name a risk, a stage and an authority.
struct Filled {
    risks: usize,
    stages: usize,
    authorities: usize,
}

#[derive(Template)]
#[template(path = "catalogue.html")]
struct CataloguePage<'a> {
    t: &'static Texts,
    user: Option<String>,
    c: &'a Processes,
    per_principle: Vec<PrincipleCount>,
    filled: Filled,
    tables: Vec<(&'a String, Vec<&'a str>)>,
    processes: Vec<&'a Process>,
}

/// `GET /catalogue`: open to everyone, like `GET /api/v1/catalogue`.
pub async fn catalogue(
    State(state): State<AppState>,
    visit: Option<Visit>,
    parts: Parts,
) -> Response {
    let (lang, chosen) = match &visit {
        Some(v) => (v.t.locale, v.chosen),
        None => i18n::language(&parts),
    };
    let t = i18n::texts(lang);
    let c = state.app.processes();
    let mut processes: Vec<&Process> = c.processes.iter().collect();
    processes.sort_by_key(|p| order(&p.id));
    let page = CataloguePage {
        t,
        user: visit.map(|v| v.who.name),
        per_principle: c
            .per_principle()
            .into_iter()
            .map(|(code, processes)| PrincipleCount { code, processes })
            .collect(),
        filled: {
            let (risks, stages, authorities) = c.filled();
            Filled {
                risks,
                stages,
                authorities,
            }
        },
        tables: c
            .by_authority_stage
            .iter()
            .map(|(k, ids)| (k, ids.iter().map(String::as_str).collect()))
            .collect(),
        processes,
        c,
    };
    i18n::remember(render(StatusCode::OK, page), lang, chosen)
}
