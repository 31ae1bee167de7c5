//! The public pages (`SAFEGUARDS_PUBLIC_PAGES=on`): sign-in-free pages of the countries whose
//! record is published, the open dataset, and the verifiable log's key and checkpoints. Off,
//! every one of them is "no such page". Each page is stamped with the time of its data and the
//! dataset version it shows, with a line to cite it. They show nothing about accounts, focal
//! points or subscribers, no free-text notes, evidence of verified milestones only: what
//! [`publication::Public`] lets out.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, Utc};
use safeguards_app::publication::{self};
use safeguards_projections::ledger::Checkpoint;

use super::country::DpiLine;
use super::{not_found, render, Burnup, Visit};
use crate::web::i18n::{self, Texts};
use crate::AppState;

/// Commitments on one page of a country.
const COMMITMENTS_PER_PAGE: usize = 10;
/// Milestones shown under a commitment; the rest are in the dataset.
const MILESTONES_SHOWN: usize = 10;
/// Checkpoints listed on the ledger page.
const CHECKPOINTS_SHOWN: i64 = 20;

/// What stamps every public page.
struct Stamp {
    as_of: String,
    version: u64,
    dataset: String,
}

impl Stamp {
    fn of(state: &AppState, stamp: publication::Stamp) -> Self {
        let base = state
            .app
            .digest()
            .settings
            .public_url
            .as_str()
            .trim_end_matches('/');
        Self {
            as_of: stamp
                .last_event_at
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default(),
            version: stamp.version,
            dataset: format!("{base}/data/{}.zip", stamp.version),
        }
    }
}

/// The visitor's language, and the answer that keeps it.
fn visitor(parts: &Parts) -> (&'static Texts, impl FnOnce(Response) -> Response) {
    let (lang, chosen) = i18n::language(parts);
    (i18n::texts(lang), move |r| i18n::remember(r, lang, chosen))
}

/// The answer when public pages are off: the same as for any page that does not exist.
pub(super) fn off(t: &'static Texts) -> Response {
    not_found(t, None, t.pb.not_published)
}

struct Row {
    country: String,
    name: String,
    status: &'static str,
    commitments: u32,
    completion: f64,
    overdue: u32,
}

#[derive(Template)]
#[template(path = "public_index.html")]
struct Index {
    t: &'static Texts,
    user: Option<String>,
    stamp: Stamp,
    rows: Vec<Row>,
}

/// `GET /public`: the dashboard rows of the published countries.
pub async fn index(State(state): State<AppState>, parts: Parts) -> Response {
    let (t, keep) = visitor(&parts);
    if !state.public_pages {
        return keep(off(t));
    }
    let (stamp, summaries) = publication::published_summaries(&state.app).await;
    let rows = summaries
        .into_iter()
        .map(|s| Row {
            status: i18n::status_word(t, s.status.into()),
            name: t.country_or(&s.country, &s.name),
            country: s.country,
            commitments: s.commitments,
            completion: s.completion,
            overdue: s.milestones.overdue,
        })
        .collect();
    let stamp = Stamp::of(&state, stamp);
    keep(render(
        StatusCode::OK,
        Index {
            t,
            user: None,
            stamp,
            rows,
        },
    ))
}

/// A document of a verified milestone: its title and address.
struct EvidenceLink {
    title: String,
    url: String,
}

/// An activity of the engagement: when it was held, its title and its kind.
struct Activity {
    held_on: NaiveDate,
    title: String,
    kind: String,
}

struct MilestoneRow {
    title: String,
    status: &'static str,
    percent: Option<u8>,
    due_on: NaiveDate,
    overdue: bool,
    evidence: Vec<EvidenceLink>,
    documents: Vec<super::milestone::DocumentLine>,
}

struct CommitmentRow {
    id: String,
    title: String,
    principles: String,
    authority: String,
    stage: String,
    due_on: NaiveDate,
    withdrawn: bool,
    milestones: Vec<MilestoneRow>,
    more: usize,
}

#[derive(Template)]
#[template(path = "public_country.html")]
struct CountryPage {
    t: &'static Texts,
    user: Option<String>,
    stamp: Stamp,
    code: String,
    name: String,
    lead: String,
    started_on: NaiveDate,
    status: &'static str,
    published_since: String,
    completion: f64,
    dpi: Vec<DpiLine>,
    burnup: Option<Burnup>,
    commitments: Vec<CommitmentRow>,
    page: usize,
    pages: usize,
    activities: Vec<Activity>,
}

/// `GET /public/countries/{country}`: a published country's record.
pub async fn country(
    State(state): State<AppState>,
    parts: Parts,
    Path(raw): Path<String>,
) -> Response {
    let (t, keep) = visitor(&parts);
    if !state.public_pages {
        return keep(off(t));
    }
    let code = raw.to_ascii_uppercase();
    let page = super::page_number(&parts);
    let found = publication::public_record(
        &state.app,
        &code,
        page,
        COMMITMENTS_PER_PAGE,
        MILESTONES_SHOWN,
    )
    .await;
    // An unpublished country is answered exactly like one that does not exist.
    let Some(record) = found else {
        return keep(off(t));
    };
    let (e, today) = (record.engagement, record.today);
    let commitments = record
        .commitments
        .into_iter()
        .map(|p| {
            let c = p.commitment;
            CommitmentRow {
                id: c.id,
                title: c.title,
                principles: c.principles.join(", "),
                authority: c.authority,
                stage: c.stage,
                due_on: c.due_on,
                withdrawn: c.withdrawn,
                more: p.more,
                milestones: p
                    .milestones
                    .into_iter()
                    .map(|m| MilestoneRow {
                        status: i18n::status_word(t, m.status.as_str()),
                        overdue: m.is_overdue(today),
                        title: m.title,
                        percent: m.percent,
                        due_on: m.due_on,
                        documents: m
                            .evidence_files
                            .iter()
                            .map(|f| super::milestone::DocumentLine::of(t, f))
                            .collect(),
                        evidence: m
                            .evidence
                            .into_iter()
                            .map(|v| EvidenceLink {
                                title: v.title,
                                url: v.url,
                            })
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect();
    let page_view = CountryPage {
        t,
        user: None,
        stamp: Stamp::of(&state, record.stamp),
        name: t.country_or(&code, &e.name),
        code,
        lead: e.lead,
        started_on: e.started_on,
        status: i18n::status_word(t, e.status.into()),
        published_since: e
            .published_at
            .map(|d: DateTime<Utc>| d.date_naive().to_string())
            .unwrap_or_default(),
        completion: record.summary.completion,
        dpi: e
            .dpi_systems
            .iter()
            .map(|(s, l)| DpiLine {
                system: s.replace('_', " "),
                stage: l.clone(),
            })
            .collect(),
        burnup: record.burnup.map(Burnup::of),
        commitments,
        page: record.page,
        pages: record.pages,
        activities: e
            .activities
            .iter()
            .rev()
            .take(20)
            .map(|a| Activity {
                held_on: a.held_on,
                title: a.title.clone(),
                kind: a.kind.clone(),
            })
            .collect(),
    };
    keep(render(StatusCode::OK, page_view))
}

#[derive(Template)]
#[template(path = "public_ledger.html")]
struct LedgerPage {
    t: &'static Texts,
    user: Option<String>,
    stamp: Stamp,
    public_key: String,
    checkpoints: Vec<Checkpoint>,
}

/// `GET /public/ledger`: the signing key and the latest checkpoints.
pub async fn ledger(State(state): State<AppState>, parts: Parts) -> Response {
    let (t, keep) = visitor(&parts);
    if !state.public_pages {
        return keep(off(t));
    }
    let checkpoints = match safeguards_app::ledger::latest(&state.app, CHECKPOINTS_SHOWN).await {
        Ok(c) => c,
        Err(e) => return crate::http::error::ApiError::from(e).into_response(),
    };
    let stamp = Stamp::of(&state, publication::stamp(&state.app).await);
    keep(render(
        StatusCode::OK,
        LedgerPage {
            t,
            user: None,
            stamp,
            public_key: state
                .app
                .ledger_public_key()
                .unwrap_or_default()
                .to_string(),
            checkpoints,
        },
    ))
}

/// Where the current version of the dataset is (made now when it is not kept).
async fn to_current(state: &AppState) -> Response {
    match publication::current_dataset(&state.app).await {
        Ok(d) => Redirect::to(&format!("/data/{}.zip", d.version)).into_response(),
        Err(e) => crate::http::error::ApiError::from(e).into_response(),
    }
}

/// `GET /data/{version}.zip` (or `latest.zip`, which leads to the current version): the open
/// dataset, as [`publication::Public`] lets it out now. Anyone gets the current version and
/// those the server keeps; an earlier one leads to the current version, since making it
/// again means replaying the log, which only signed-in readers may ask for. A version's bytes
/// change when publication changes, so caches check it again (`ETag`) before each use.
pub async fn dataset(
    State(state): State<AppState>,
    visit: Option<Visit>,
    parts: Parts,
    Path(file): Path<String>,
) -> Response {
    let (t, keep) = visitor(&parts);
    if !state.public_pages {
        return keep(off(t));
    }
    let Some(stem) = file.strip_suffix(".zip") else {
        return keep(not_found(t, None, t.pb.download));
    };
    if stem == "latest" {
        return to_current(&state).await;
    }
    let Ok(version) = stem.parse::<u64>() else {
        return keep(not_found(t, None, t.pb.download));
    };
    let made = if visit.is_some() {
        publication::dataset(&state.app, version).await.map(Some)
    } else {
        publication::public_dataset(&state.app, version).await
    };
    let made = match made {
        Ok(Some(d)) => d,
        Ok(None) => return to_current(&state).await,
        Err(e) => return crate::http::error::ApiError::from(e).into_response(),
    };
    let etag = format!("\"{}\"", made.sha256);
    let fresh = parts
        .headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        made.bytes.clone().into_response()
    };
    let headers = response.headers_mut();
    if !fresh {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/zip"),
        );
    }
    let values = [
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"safeguards-dataset-{version}.zip\""),
        ),
        (header::ETAG, etag),
        (header::CACHE_CONTROL, "public, no-cache".to_string()),
    ];
    for (name, value) in values {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    if let Ok(v) = HeaderValue::from_str(&made.sha256) {
        headers.insert("x-checksum-sha256", v);
    }
    response
}
