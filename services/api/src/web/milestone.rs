//! `/milestones/{id}`: one milestone — its status, due date, progress, evidence, blocked reason
//! and whole history (who, when, what) — with only the actions this user may take on it now.
//!
//! Each action's form carries the version the page showed; a form refused for a field comes back
//! as this page with an error summary, the field's own message and the user's input kept; a form
//! that arrives after someone else changed the milestone is refused with "changed meanwhile".

use askama::Template;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use safeguards_app::history::{self, Subject};
use safeguards_app::{may, Principal};
use safeguards_app::{milestones, records};
use safeguards_domain::milestone::{MilestoneStep, StepField};
use safeguards_domain::values::MilestoneId;
use safeguards_projections::model::MilestoneView;
use serde_json::Value;

use super::action_link::evidence_fields;
use super::{not_found, render, Field, FormView, PageForms, Path, Refused, Viewer, Visit};
use crate::web::i18n::{self, Texts};
use crate::AppState;

/// One line of a milestone's or commitment's history.
pub(super) struct HistoryRow {
    pub at: String,
    pub who: String,
    pub what: &'static str,
    pub detail: String,
}

/// The lines of an aggregate's history, oldest first.
pub(super) fn history_rows(t: &'static Texts, events: &[history::HistoryItem]) -> Vec<HistoryRow> {
    events
        .iter()
        .map(|e| HistoryRow {
            at: format!(
                "{} {}",
                t.day(e.recorded_at.date_naive()),
                t.digits(e.recorded_at.format("%H:%M").to_string())
            ),
            who: e.actor_name.clone(),
            what: event_word(t, &e.kind),
            detail: event_detail(t, &e.data),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "milestone.html")]
struct MilestonePage<'a> {
    t: &'static Texts,
    user: Option<String>,
    m: &'a MilestoneView,
    status: &'static str,
    overdue: bool,
    country_name: String,
    commitment_title: String,
    achieved_by: Option<String>,
    verified_by: Option<String>,
    /// The user reported the achievement: another person verifies it.
    own_achievement: bool,
    forms: PageForms,
    history: Vec<HistoryRow>,
    documents: Vec<DocumentLine>,
}

/// A document attached as evidence, as a page lists it: its title linked to its bytes, its
/// kind and its size (a slow link decides before it follows the link).
pub(super) struct DocumentLine {
    pub title: String,
    pub href: String,
    pub kind: String,
    pub size: String,
}

impl DocumentLine {
    pub(super) fn of(t: &Texts, f: &safeguards_projections::model::EvidenceFileView) -> Self {
        let kind = safeguards_domain::values::DocumentType::ALL
            .iter()
            .find(|d| d.media_type() == f.media_type)
            .map_or_else(|| f.media_type.clone(), |d| d.extension().to_uppercase());
        Self {
            title: f.title.clone(),
            href: format!("/evidence/{}", f.sha256),
            kind,
            size: t.size(f.size),
        }
    }
}

/// `GET /milestones/{id}`.
pub async fn milestone(
    State(state): State<AppState>,
    visit: Visit,
    parts: Parts,
    Path(id): Path<MilestoneId>,
) -> Response {
    let done = super::done_query(&parts).and_then(|a| {
        if a == super::submissions::ATTACH {
            Some(visit.t.attach_document)
        } else {
            action_label(visit.t, &a)
        }
    });
    let viewer = visit.viewer(&state);
    visit.answer(page(&state, &viewer, id, StatusCode::OK, done, None).await)
}

/// The label of a step by its name in the route; `None` for an unknown one.
fn action_label(t: &'static Texts, action: &str) -> Option<&'static str> {
    let step = action.parse::<MilestoneStep>().ok()?;
    Some(i18n::step_label(t, step))
}

/// The page of milestone `id` for `viewer`, with `status`; when a form was refused, its
/// message in the summary and next to its field, with what was typed.
pub(super) async fn page(
    state: &AppState,
    viewer: &Viewer<'_>,
    id: MilestoneId,
    status: StatusCode,
    done: Option<&'static str>,
    refused: Option<Refused<'_>>,
) -> Response {
    let (t, who) = (viewer.t, viewer.who);
    let events = history::history(&state.app, who, Subject::Milestone, &id.to_string()).await;
    let Ok(record) = records::milestone(&state.app, who, id).await else {
        return not_found(t, Some(who.name.clone()), t.no_such_milestone);
    };
    let (m, today) = (&record.milestone, record.today);
    let mut actions = actions_for(t, who, m, record.own_achievement, today);
    // Attaching a document comes with the main steps, before the folded ones.
    if let Some(form) = attach_form(state, t, who, m) {
        let at = actions
            .iter()
            .position(|f| f.secondary)
            .unwrap_or(actions.len());
        actions.insert(at, form);
    }
    let forms = PageForms::new(viewer, actions, done, refused);
    let history = history_rows(t, &events.unwrap_or_default());
    let page = MilestonePage {
        t,
        user: Some(who.name.clone()),
        status: i18n::status_word(t, m.status.as_str()),
        overdue: m.is_overdue(today),
        country_name: t.country_or(&m.country, &record.country_name),
        commitment_title: record.commitment_title.clone(),
        achieved_by: record.achieved_by.clone(),
        verified_by: record.verified_by.clone(),
        own_achievement: record.own_achievement,
        forms,
        history,
        documents: m
            .evidence_files
            .iter()
            .map(|f| DocumentLine::of(t, f))
            .collect(),
        m,
    };
    render(status, page)
}

/// The fields of `step`'s form, in the order the step asks for them; a new due date starts
/// at `due`.
pub(super) fn step_fields(t: &'static Texts, step: MilestoneStep, due: NaiveDate) -> Vec<Field> {
    let mut fields = Vec::new();
    for field in step.fields() {
        match field {
            StepField::Percent => fields.push(Field::new("percent", t.percent, "number")),
            StepField::Evidence => fields.extend(evidence_fields(t)),
            StepField::DueOn => fields
                .push(Field::new("due_on", t.new_due_date, "date").with_value(due.to_string())),
            StepField::Reason => fields.push(Field::new("reason", t.reason, "text")),
            StepField::Note => fields.push(Field::new("note", t.note, "text").optional()),
        }
    }
    fields
}

/// The actions `who` may take on `m` now, each a form: the steps its status allows, those
/// `who` has the permission for (a verifier's step never to the reporter of the achievement).
fn actions_for(
    t: &'static Texts,
    who: &Principal,
    m: &MilestoneView,
    own_achievement: bool,
    today: NaiveDate,
) -> Vec<FormView> {
    let country = Some(m.country.as_str());
    m.status
        .allowed_steps()
        .into_iter()
        .filter(|s| !(s.is_verifiers() && own_achievement))
        .filter(|s| may(who, milestones::action_for(s.permission()), country))
        .map(|s| {
            let mut fields = step_fields(t, s, today.max(m.due_on));
            // Evidence recorded already (a link, a document) is enough for an achievement.
            if s == MilestoneStep::Achieve
                && !(m.evidence.is_empty() && m.evidence_files.is_empty())
            {
                fields = fields
                    .into_iter()
                    .map(|f| {
                        if f.name.starts_with("evidence") {
                            f.optional()
                        } else {
                            f
                        }
                    })
                    .collect();
            }
            let form = FormView::new(s.name(), i18n::step_label(t, s), fields);
            // Lesser steps are shown folded.
            match s {
                MilestoneStep::Evidence | MilestoneStep::Reschedule | MilestoneStep::Cancel => {
                    form.secondary()
                }
                _ => form,
            }
        })
        .collect()
}

/// "Attach a document", where `who` may add evidence to `m` now and documents are kept: its
/// title, the file, and before the choice what is accepted and up to what size.
fn attach_form(
    state: &AppState,
    t: &'static Texts,
    who: &Principal,
    m: &MilestoneView,
) -> Option<FormView> {
    let step = MilestoneStep::Evidence;
    let max = state.app.documents()?.max_bytes;
    if !step.allowed_from(m.status)
        || !may(
            who,
            milestones::action_for(step.permission()),
            Some(m.country.as_str()),
        )
    {
        return None;
    }
    let kinds = safeguards_domain::values::DocumentType::ALL;
    let names: Vec<String> = kinds.iter().map(|k| k.extension().to_uppercase()).collect();
    let mut accept: Vec<String> = kinds
        .iter()
        .map(|k| format!(".{}", k.extension()))
        .collect();
    accept.push(".jpeg".into());
    Some(
        FormView::new(
            super::submissions::ATTACH,
            t.attach_document,
            vec![
                Field::new("title", t.document_title, "text"),
                Field::new("file", t.document_file, "file"),
            ],
        )
        .with_upload(super::UploadHint {
            accept: accept.join(","),
            hint: t.document_hint(names.join(", "), t.size(max)),
        }),
    )
}

/// What an event of a milestone did (`MilestoneStarted`), in the page's language: message
/// `event-milestone-started`, or `event-other`.
fn event_word(t: &Texts, kind: &str) -> &'static str {
    let mut code = String::new();
    for c in kind.chars() {
        if c.is_uppercase() && !code.is_empty() {
            code.push('_');
        }
        code.push(c.to_ascii_lowercase());
    }
    match i18n::word(t, "event", &code) {
        "" => t.event_other,
        word => word,
    }
}

/// The particulars of an event: its percent, dates, evidence, reason and note.
fn event_detail(t: &Texts, data: &Value) -> String {
    // A date as the language writes it; anything else as it is.
    let text = |key: &str| {
        data.get(key).and_then(Value::as_str).map(|v| {
            chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_or_else(|_| v.to_string(), |d| t.day(d))
        })
    };
    let mut parts = Vec::new();
    if let Some(p) = data.get("percent").and_then(Value::as_u64) {
        parts.push(t.whole_percent(p));
    }
    if let (Some(from), Some(to)) = (text("from"), text("to")) {
        parts.push(format!("{from} → {to}"));
    } else if let Some(due) = text("due_on") {
        parts.push(format!("{} {due}", t.due));
    }
    if let Some(evidence) = data.get("evidence").and_then(Value::as_array) {
        let titles: Vec<&str> = evidence
            .iter()
            .filter_map(|e| e.get("title").and_then(Value::as_str))
            .collect();
        if !titles.is_empty() {
            parts.push(format!("{}: {}", t.evidence, titles.join(", ")));
        }
    }
    if let Some(file) = data.get("file") {
        let title = file
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let size = file.get("size").and_then(Value::as_u64).unwrap_or_default();
        parts.push(format!("{}: {title} ({})", t.document, t.size(size)));
    }
    parts.extend(text("reason"));
    parts.extend(text("note"));
    parts.join(" · ")
}
