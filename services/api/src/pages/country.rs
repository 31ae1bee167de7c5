//! `/countries/{country}`: the engagement, its DPI systems, commitments and milestones with the
//! forms this user may use, the burn-up chart and recent history.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use safeguards_app::{may, Action, Principal};
use safeguards_domain::milestone::MilestoneStatus;
use safeguards_projections::model::{CommitmentView, MilestoneView};
use safeguards_projections::views;

use super::{not_found, render, returned_error, Burnup, Visit};
use crate::i18n::{self, Texts};
use crate::AppState;

pub(super) struct Field {
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    required: bool,
    value: String,
}

pub(super) struct FormView {
    action: &'static str,
    label: &'static str,
    fields: Vec<Field>,
}

struct MilestoneRow {
    id: String,
    title: String,
    status: &'static str,
    overdue: bool,
    percent: Option<u8>,
    due_on: NaiveDate,
    blocked_reason: Option<String>,
    forms: Vec<FormView>,
}

struct CommitmentRow {
    forms: Vec<FormView>,
    id: String,
    title: String,
    fulfilled: bool,
    principles: String,
    authority: String,
    stage: String,
    due_on: NaiveDate,
    milestones: Vec<MilestoneRow>,
}

#[derive(Template)]
#[template(path = "country.html")]
struct CountryPage {
    t: &'static Texts,
    user: Option<String>,
    name: String,
    lead: String,
    started_on: NaiveDate,
    status: &'static str,
    completion: f64,
    overdue: u32,
    error: Option<String>,
    dpi: Vec<(String, String)>,
    burnup: Option<Burnup>,
    commitments: Vec<CommitmentRow>,
    history: Vec<(String, String, String)>,
    csrf: String,
}

fn field(name: &'static str, label: &'static str, kind: &'static str) -> Field {
    Field {
        name,
        label,
        kind,
        required: true,
        value: String::new(),
    }
}

/// The forms this user may use on a milestone in its status.
fn forms_for(
    t: &'static Texts,
    who: &Principal,
    country: &str,
    m: &MilestoneView,
) -> Vec<FormView> {
    use MilestoneStatus::*;
    let mut forms = Vec::new();
    if may(who, Action::UpdateMilestones, Some(country)) {
        if m.status == Planned {
            forms.push(FormView {
                action: "start",
                label: t.start,
                fields: vec![],
            });
        }
        if matches!(m.status, Planned | InProgress) {
            forms.push(FormView {
                action: "progress",
                label: t.report_progress,
                fields: vec![
                    field("percent", t.percent, "number"),
                    Field {
                        required: false,
                        ..field("note", t.note, "text")
                    },
                ],
            });
            forms.push(FormView {
                action: "block",
                label: t.block,
                fields: vec![field("reason", t.reason, "text")],
            });
        }
        if m.status == Blocked {
            forms.push(FormView {
                action: "unblock",
                label: t.unblock,
                fields: vec![],
            });
        }
        if m.status == InProgress {
            forms.push(FormView {
                action: "achieve",
                label: t.report_achieved,
                fields: vec![
                    field("evidence_title", t.evidence, "text"),
                    field("evidence_url", t.evidence_link, "url"),
                ],
            });
        }
    }
    if m.status == Achieved && may(who, Action::Verify, Some(country)) {
        forms.push(FormView {
            action: "verify",
            label: t.verify,
            fields: vec![],
        });
        forms.push(FormView {
            action: "reject",
            label: t.send_back,
            fields: vec![field("reason", t.reason, "text")],
        });
    }
    forms
}

/// The forms this user may use on a commitment: revise its title and due date, withdraw it.
fn commitment_forms(
    t: &'static Texts,
    who: &Principal,
    country: &str,
    c: &CommitmentView,
) -> Vec<FormView> {
    if c.withdrawn || !may(who, Action::EditCommitments, Some(country)) {
        return vec![];
    }
    vec![
        FormView {
            action: "revise",
            label: t.revise,
            fields: vec![
                Field {
                    value: c.title.clone(),
                    ..field("title", t.title_label, "text")
                },
                Field {
                    value: c.due_on.to_string(),
                    ..field("due_on", t.due_date, "date")
                },
            ],
        },
        FormView {
            action: "withdraw",
            label: t.withdraw,
            fields: vec![field("reason", t.reason, "text")],
        },
    ]
}

/// `GET /countries/{country}`.
pub async fn country(
    State(state): State<AppState>,
    parts: Parts,
    Path(raw): Path<String>,
) -> Response {
    let visit = match Visit::of(&state, &parts).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let (t, who) = (visit.t, &visit.who);
    let code = raw.to_ascii_uppercase();
    let model = state.app.model().await;
    let today = state.app.clock.today();
    let (Some(progress), Some(engagement)) = (
        views::country(&model, &code, today),
        model.engagements.get(&code),
    ) else {
        return not_found(t, visit.name(), t.no_such_engagement);
    };
    let commitments = progress
        .commitments
        .iter()
        .map(|c| CommitmentRow {
            forms: commitment_forms(t, who, &code, &c.commitment),
            id: c.commitment.id.clone(),
            title: c.commitment.title.clone(),
            fulfilled: c.fulfilled,
            principles: c.commitment.principles.join(", "),
            authority: c.commitment.authority.clone(),
            stage: c.commitment.stage.clone(),
            due_on: c.commitment.due_on,
            milestones: c
                .milestone_list
                .iter()
                .map(|m| MilestoneRow {
                    id: m.milestone.id.clone(),
                    title: m.milestone.title.clone(),
                    status: i18n::status_word(t, m.milestone.status.as_str()),
                    overdue: m.overdue,
                    percent: m.milestone.percent,
                    due_on: m.milestone.due_on,
                    blocked_reason: m.milestone.blocked_reason.clone(),
                    forms: forms_for(t, who, &code, &m.milestone),
                })
                .collect(),
        })
        .collect();
    let history = model
        .activity
        .iter()
        .rev()
        .filter(|l| l.country.as_deref() == Some(code.as_str()))
        .take(20)
        .map(|l| {
            (
                l.at.format("%Y-%m-%d").to_string(),
                l.text.clone(),
                l.actor_name.clone(),
            )
        })
        .collect();
    visit.answer(render(
        StatusCode::OK,
        CountryPage {
            t,
            user: visit.name(),
            name: engagement.name.clone(),
            lead: engagement.lead.clone(),
            started_on: engagement.started_on,
            status: i18n::status_word(t, engagement.status.into()),
            completion: progress.summary.completion,
            overdue: progress.summary.milestones.overdue,
            error: returned_error(&parts),
            dpi: engagement
                .dpi_systems
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            burnup: Burnup::of(&model, &code, today),
            commitments,
            history,
            csrf: visit.csrf(&state),
        },
    ))
}
