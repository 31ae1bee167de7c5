//! The forms of the country page: one handler per action, each parsing its fields and calling
//! the same use case as the API.

use axum::extract::{Form, Path, State};
use axum::http::request::Parts;
use axum::response::Response;
use safeguards_app::{commitments, milestones, AppError, AppResult, Caller};
use safeguards_domain::commitment::CommitmentRevision;
use safeguards_domain::values::{
    parse_as, parse_date, CommitmentId, CountryCode, Evidence, EvidenceUrl, FieldError,
    MilestoneId, Percent, Text, Title,
};
use safeguards_infra::Committed;

use super::{after_form, form_caller, form_text, not_found, FormFields};
use crate::i18n::Texts;
use crate::AppState;

/// A form's handler: the route's extractors, then [`milestone_form`] or [`commitment_form`]
/// with the body that parses the fields and calls the use case.
macro_rules! form {
    ($(#[$doc:meta])* $name:ident, $kind:ident, |$state:ident, $form:ident, $caller:ident, $id:ident| $body:block) => {
        $(#[$doc])*
        pub async fn $name(
            State($state): State<AppState>,
            parts: Parts,
            Path(raw): Path<String>,
            Form($form): Form<FormFields>,
        ) -> Response {
            $kind(&$state, &parts, &raw, &$form, async |$caller, $id| $body).await
        }
    };
}

/// Where a form about this country sends its user back to.
fn back(country: CountryCode) -> String {
    format!("/countries/{country}")
}

fn optional_text(form: &FormFields, key: &str) -> Result<Option<Text>, FieldError> {
    Text::parse_optional(key, form_text(form, key).as_deref())
}

fn text(form: &FormFields, key: &str) -> Result<Text, FieldError> {
    Text::parse_field(key, &form_text(form, key).unwrap_or_default())
}

/// A form about one aggregate: the caller checked, the aggregate found (its id parsed, its
/// country looked up; else the "not found" page), the use case run, and the answer: back to
/// the country page at `#<anchor>-<id>`.
async fn run_form<Id: Copy + std::fmt::Display>(
    state: &AppState,
    parts: &Parts,
    form: &FormFields,
    find: impl AsyncFnOnce() -> AppResult<(Id, CountryCode)>,
    missing: fn(&'static Texts) -> &'static str,
    anchor: &str,
    run: impl AsyncFnOnce(&Caller, Id) -> AppResult<Committed>,
) -> Response {
    let (t, caller) = match form_caller(state, parts, form).await {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let Ok((id, country)) = find().await else {
        return gone(t, &caller, missing(t));
    };
    let result = run(&caller, id).await;
    after_form(
        t,
        result,
        &back(country),
        &format!("{anchor}-{id}"),
        caller.principal.name,
    )
}

/// A form about a milestone.
async fn milestone_form(
    state: &AppState,
    parts: &Parts,
    raw_id: &str,
    form: &FormFields,
    run: impl AsyncFnOnce(&Caller, MilestoneId) -> AppResult<Committed>,
) -> Response {
    let find = async || {
        let id =
            MilestoneId::parse(raw_id).map_err(|_| AppError::not_found("no such milestone"))?;
        Ok((id, milestones::country_of(&state.app, id).await?))
    };
    run_form(state, parts, form, find, |t| t.no_such_milestone, "m", run).await
}

fn gone(t: &'static Texts, caller: &Caller, text: &str) -> Response {
    not_found(t, Some(caller.principal.name.clone()), text)
}

form! {
    /// `POST /milestones/{id}/start`.
    start, milestone_form, |state, form, caller, id| {
        milestones::start(&state.app, caller, id, optional_text(&form, "note")?).await
    }
}

form! {
    /// `POST /milestones/{id}/progress`.
    progress, milestone_form, |state, form, caller, id| {
        let percent = form_text(&form, "percent")
            .and_then(|p| p.parse::<i64>().ok())
            .ok_or_else(|| FieldError::new("percent", "must be a whole number from 0 to 100"))
            .and_then(Percent::parse)?;
        milestones::report_progress(
            &state.app,
            caller,
            id,
            percent,
            optional_text(&form, "note")?,
        )
        .await
    }
}

form! {
    /// `POST /milestones/{id}/block`.
    block, milestone_form, |state, form, caller, id| {
        milestones::block(&state.app, caller, id, text(&form, "reason")?).await
    }
}

form! {
    /// `POST /milestones/{id}/unblock`.
    unblock, milestone_form, |state, form, caller, id| {
        milestones::unblock(&state.app, caller, id, optional_text(&form, "note")?).await
    }
}

form! {
    /// `POST /milestones/{id}/achieve`: one piece of evidence.
    achieve, milestone_form, |state, form, caller, id| {
        let evidence = Evidence {
            title: parse_as(
                "evidence_title",
                &form_text(&form, "evidence_title").unwrap_or_default(),
                Title::parse,
            )?,
            url: parse_as(
                "evidence_url",
                &form_text(&form, "evidence_url").unwrap_or_default(),
                EvidenceUrl::parse,
            )?,
        };
        milestones::achieve(
            &state.app,
            caller,
            id,
            vec![evidence],
            optional_text(&form, "note")?,
        )
        .await
    }
}

form! {
    /// `POST /milestones/{id}/verify`.
    verify, milestone_form, |state, form, caller, id| {
        milestones::verify(&state.app, caller, id, optional_text(&form, "note")?).await
    }
}

form! {
    /// `POST /milestones/{id}/reject`.
    reject, milestone_form, |state, form, caller, id| {
        milestones::reject(&state.app, caller, id, text(&form, "reason")?).await
    }
}

/// A form about a commitment.
async fn commitment_form(
    state: &AppState,
    parts: &Parts,
    raw_id: &str,
    form: &FormFields,
    run: impl AsyncFnOnce(&Caller, CommitmentId) -> AppResult<Committed>,
) -> Response {
    let find = async || {
        let id =
            CommitmentId::parse(raw_id).map_err(|_| AppError::not_found("no such commitment"))?;
        Ok((id, commitments::country_of(&state.app, id).await?))
    };
    run_form(state, parts, form, find, |t| t.no_such_commitment, "c", run).await
}

form! {
    /// `POST /commitments/{id}/revise`: its title and due date.
    revise, commitment_form, |state, form, caller, id| {
        let revision = CommitmentRevision {
            title: form_text(&form, "title")
                .map(|t| Title::parse(&t))
                .transpose()?,
            due_on: form_text(&form, "due_on")
                .map(|d| parse_date("due_on", &d))
                .transpose()?,
            ..Default::default()
        };
        commitments::revise(&state.app, caller, id, revision).await
    }
}

form! {
    /// `POST /commitments/{id}/withdraw`.
    withdraw, commitment_form, |state, form, caller, id| {
        commitments::withdraw(&state.app, caller, id, text(&form, "reason")?).await
    }
}
