//! The task lists: `/review`, every milestone awaiting verification in the countries the user
//! may verify; `/work`, a focal point's start page — the milestones of their countries that are
//! overdue, due within 14 days, blocked or sent back.

use askama::Template;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use safeguards_app::tasks::{self, Awaiting, Task};

use super::page_number;
use super::{render, Visit};
use crate::web::i18n::Texts;
use crate::AppState;

/// A country a task list names: its code and name.
struct CountryLink {
    code: String,
    name: String,
}

fn links(t: &Texts, countries: Vec<(String, String)>) -> Vec<CountryLink> {
    countries
        .into_iter()
        .map(|(code, name)| CountryLink {
            name: t.country_or(&code, name),
            code,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    t: &'static Texts,
    user: Option<String>,
    /// The countries with achievements awaiting verification (code, name), and the one chosen.
    countries: Vec<CountryLink>,
    only: Option<String>,
    rows: Vec<ReviewRow>,
    total: usize,
    page: usize,
    pages: usize,
    csrf: String,
    done: bool,
}

/// An achievement awaiting verification, with its documents as the page lists them.
struct ReviewRow {
    awaiting: Awaiting,
    documents: Vec<super::milestone::DocumentLine>,
}

impl std::ops::Deref for ReviewRow {
    type Target = Awaiting;
    fn deref(&self) -> &Awaiting {
        &self.awaiting
    }
}

/// `GET /review`.
pub async fn review(State(state): State<AppState>, visit: Visit, parts: Parts) -> Response {
    let only = super::query_value(&parts, "country").map(|c| c.to_ascii_uppercase());
    let queue =
        tasks::verification_queue(&state.app, &visit.who, only.as_deref(), page_number(&parts))
            .await;
    let page = ReviewPage {
        t: visit.t,
        user: visit.name(),
        countries: links(visit.t, queue.countries),
        only,
        total: queue.total,
        rows: queue
            .awaiting
            .into_iter()
            .map(|a| ReviewRow {
                documents: a
                    .documents
                    .iter()
                    .map(|f| super::milestone::DocumentLine::of(visit.t, f))
                    .collect(),
                awaiting: a,
            })
            .collect(),
        page: queue.page,
        pages: queue.pages,
        csrf: visit.csrf(&state),
        done: super::done_query(&parts).is_some(),
    };
    visit.answer(render(StatusCode::OK, page))
}

/// One section of the start page: its anchor, heading, the tasks shown, and how many there are.
struct Section {
    id: &'static str,
    heading: &'static str,
    tasks: Vec<Task>,
    total: usize,
}

impl Section {
    fn new(id: &'static str, heading: &'static str, part: tasks::Part) -> Self {
        Self {
            id,
            heading,
            tasks: part.tasks,
            total: part.total,
        }
    }
}

#[derive(Template)]
#[template(path = "work.html")]
struct WorkPage {
    t: &'static Texts,
    user: Option<String>,
    sections: Vec<Section>,
    countries: Vec<CountryLink>,
}

/// `GET /work`.
pub async fn work(State(state): State<AppState>, visit: Visit) -> Response {
    let t = visit.t;
    let work = tasks::work(&state.app, &visit.who).await;
    let page = WorkPage {
        t,
        user: visit.name(),
        sections: vec![
            Section::new("overdue", t.work_overdue, work.overdue),
            Section::new("soon", t.work_soon, work.due_soon),
            Section::new("blocked", t.work_blocked, work.blocked),
            Section::new("returned", t.work_returned, work.returned),
        ],
        countries: links(visit.t, work.countries),
    };
    visit.answer(render(StatusCode::OK, page))
}
