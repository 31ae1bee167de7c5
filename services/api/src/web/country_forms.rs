//! The forms of the country page: what a programme manager (or a focal point, for what their
//! role allows) may do to an engagement — a new commitment with pickers fed by the catalogue,
//! an activity, DPI systems and their stages, the status, focal points.

use safeguards_app::records::CountryRecord;
use safeguards_app::{may, Action, Principal};
use safeguards_domain::engagement::{ActivityKind, EngagementStatus};
use safeguards_domain::values::{
    AuthorityCode, CommitmentId, DpiSystemType, PrincipleCode, RiskCode, StageCode,
};
use strum::VariantArray;

use super::{Field, FormView};
use crate::web::i18n::{self, Term, Texts};

/// Choices of a catalogue list: (code, "code — name" in the page's language).
pub(super) fn catalogue<C: Term>(t: &Texts, all: Vec<C>) -> Vec<(String, String)> {
    all.into_iter()
        .map(|c| (c.code().to_string(), t.coded(c)))
        .collect()
}

/// Choices of an enum of words, labelled by `label`.
fn words<W: VariantArray + Copy + Into<&'static str>>(
    label: impl Fn(&'static str) -> String,
) -> Vec<(String, String)> {
    W::VARIANTS
        .iter()
        .map(|w| {
            let word: &'static str = (*w).into();
            (word.to_string(), label(word))
        })
        .collect()
}

fn stages(t: &Texts) -> Vec<(String, String)> {
    catalogue(t, StageCode::all())
}

/// The forms `who` may use on the engagement `e`, all folded.
pub(super) fn for_country(
    t: &'static Texts,
    who: &Principal,
    record: &CountryRecord,
) -> Vec<FormView> {
    let (e, today) = (&record.engagement, record.today);
    let country = Some(e.country.as_str());
    let mut forms = Vec::new();
    let systems: Vec<(String, String)> = catalogue(t, DpiSystemType::all());
    if may(who, Action::EditCommitments, country) {
        forms.push(
            FormView::new(
                "commitments",
                t.new_commitment,
                vec![
                    Field::new("title", t.title_label, "text"),
                    Field::new("description", t.description, "text").optional(),
                    Field::new("principles", t.principles, "checkboxes")
                        .choices(catalogue(t, PrincipleCode::all())),
                    Field::new("risks", t.risks_label, "checkboxes")
                        .optional()
                        .choices(catalogue(t, RiskCode::all())),
                    Field::new("authority", t.authority_label, "text")
                        .choices(catalogue(t, AuthorityCode::all())),
                    Field::new("stage", t.stage, "text").choices(stages(t)),
                    Field::new("dpi_system", t.system, "text")
                        .optional()
                        .choices(systems.clone()),
                    Field::new("process_refs", t.processes_hint, "text").optional(),
                    Field::new("due_on", t.due_date, "date"),
                ],
            )
            // The new commitment's id, fixed when the form is shown: sending it twice adds one.
            .with_hidden("new_id", CommitmentId::new().to_string())
            .secondary(),
        );
    }
    if may(who, Action::RecordActivity, country) {
        forms.push(
            FormView::new(
                "activities",
                t.record_activity,
                vec![
                    Field::new("kind", t.activity_kind, "text")
                        .choices(words::<ActivityKind>(|w| t.activity_kind(w).to_string())),
                    Field::new("title", t.title_label, "text"),
                    Field::new("held_on", t.held_on, "date").with_value(today.to_string()),
                    Field::new("authorities", t.authorities_label, "checkboxes")
                        .optional()
                        .choices(catalogue(t, AuthorityCode::all())),
                    Field::new("note", t.note, "text").optional(),
                ],
            )
            .secondary(),
        );
    }
    if may(who, Action::ManageEngagement, country) {
        let untracked = systems
            .iter()
            .filter(|(code, _)| !e.dpi_systems.contains_key(code))
            .cloned()
            .collect::<Vec<_>>();
        if !untracked.is_empty() {
            forms.push(
                FormView::new(
                    "dpi-systems",
                    t.add_dpi_system,
                    vec![
                        Field::new("system", t.system, "text").choices(untracked),
                        Field::new("stage", t.stage, "text").choices(stages(t)),
                    ],
                )
                .secondary(),
            );
        }
        if !e.dpi_systems.is_empty() {
            let tracked = e
                .dpi_systems
                .keys()
                .map(|k| (k.clone(), k.replace('_', " ")))
                .collect();
            forms.push(
                FormView::new(
                    "dpi-stage",
                    t.move_dpi_system,
                    vec![
                        Field::new("system", t.system, "text").choices(tracked),
                        Field::new("stage", t.new_stage, "text").choices(stages(t)),
                    ],
                )
                .secondary(),
            );
        }
        forms.push(
            FormView::new(
                "status",
                t.change_status,
                vec![
                    Field::new("status", t.status_label, "text")
                        .choices(words::<EngagementStatus>(|w| {
                            i18n::status_word(t, w).to_string()
                        }))
                        .with_value(<&str>::from(e.status)),
                    Field::new("reason", t.reason, "text").optional(),
                ],
            )
            .secondary(),
        );
        // Publishing: one button either way (unpublishing may say why).
        forms.push(
            if e.published_at.is_some() {
                FormView::new(
                    "publication",
                    t.pb.unpublish,
                    vec![Field::new("reason", t.reason, "text").optional()],
                )
                .with_hidden("to", "unpublish".to_string())
            } else {
                FormView::new("publication", t.pb.publish, vec![])
                    .with_hidden("to", "publish".to_string())
            }
            .secondary(),
        );
        let candidates = record.candidates.clone();
        if !candidates.is_empty() {
            forms.push(
                FormView::new(
                    "focal-points",
                    t.assign_focal_point,
                    vec![Field::new("account", t.account_label, "text").choices(candidates)],
                )
                .secondary(),
            );
        }
        if !record.focal_points.is_empty() {
            let assigned = record.focal_points.clone();
            forms.push(
                FormView::new(
                    "remove-focal-point",
                    t.remove_focal_point,
                    vec![Field::new("account", t.account_label, "text").choices(assigned)],
                )
                .secondary(),
            );
        }
    }
    forms
}
