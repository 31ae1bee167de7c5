//! The forms of the milestone, commitment and country pages: one handler per action (one for
//! every milestone step), each parsing its fields and calling the same use case as the API,
//! posted with the version the page showed.
//! Done: back to the page with a confirmation (POST → redirect → GET). Refused: the page again,
//! the reason in its error summary and next to the field at fault, the user's input kept.

use axum::extract::{Form, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use safeguards_app::{commitments, engagements, milestones, AppError, AppResult, Caller};
use safeguards_domain::commitment::CommitmentRevision;
use safeguards_domain::milestone::MilestoneStep;
use safeguards_domain::values::{
    parse_as, parse_date, parse_word, AccountId, CommitmentId, CountryCode, DpiSystemType,
    FieldError, MilestoneId, StageCode, Text, Title,
};
use safeguards_infra::Committed;

use super::action_link::step_input;
use super::commitment::commitment_page;
use super::country::country_page;
use super::engagement;
use super::milestone;
use super::{form_caller, form_text, message, not_found, FormFields, Posted, Refused, Viewer};
use crate::http::error::ApiError;
use crate::http::input::{ActivityInput, CommitmentInput};
use crate::web::i18n::Texts;
use crate::AppState;

/// A form's handler: the route's extractors, then [`milestone_form`] or [`commitment_form`]
/// with the action's name and the body that parses the fields and calls the use case.
macro_rules! form {
    ($(#[$doc:meta])* $name:ident, $kind:ident($action:literal), |$state:ident, $form:ident, $caller:ident, $id:ident| $body:block) => {
        $(#[$doc])*
        pub async fn $name(
            State($state): State<AppState>,
            parts: Parts,
            Path(raw): Path<String>,
            Form($form): Form<FormFields>,
        ) -> Response {
            $kind(&$state, &parts, &raw, $action, &$form, async |$caller, $id| $body).await
        }
    };
}

/// A form of the country page: its fields may repeat (a group of checkboxes).
macro_rules! country_form {
    ($(#[$doc:meta])* $name:ident($action:literal), |$state:ident, $form:ident, $caller:ident, $country:ident| $body:block) => {
        $(#[$doc])*
        pub async fn $name(
            State($state): State<AppState>,
            parts: Parts,
            Path(raw): Path<String>,
            Form($form): Form<Posted>,
        ) -> Response {
            let fields = $form.fields();
            let country = CountryCode::parse(&raw.to_ascii_uppercase()).ok();
            let origin = Origin::Country(&raw);
            page_form(&$state, &parts, origin, country, $action, &fields, async |$caller, $country| $body).await
        }
    };
}

fn text(form: &FormFields, key: &str) -> Result<Text, FieldError> {
    Text::parse_field(key, &form_text(form, key).unwrap_or_default())
}

fn date(form: &FormFields, key: &str) -> Result<chrono::NaiveDate, FieldError> {
    parse_date(key, &form_text(form, key).unwrap_or_default())
}

/// The page a form came from (with the id as in its path), shown again when the form is refused.
#[derive(Clone, Copy)]
enum Origin<'a> {
    Milestone(&'a str),
    Commitment(&'a str),
    Country(&'a str),
    /// The page to open an engagement; done, it leads to the country's page.
    NewEngagement(&'a str),
}

impl Origin<'_> {
    fn path(self) -> String {
        match self {
            Self::Milestone(id) => format!("/milestones/{id}"),
            Self::Commitment(id) => format!("/commitments/{id}"),
            Self::Country(code) | Self::NewEngagement(code) => format!("/countries/{code}"),
        }
    }
    fn missing(self, t: &'static Texts) -> &'static str {
        match self {
            Self::Milestone(_) => t.no_such_milestone,
            Self::Commitment(_) => t.no_such_commitment,
            Self::Country(_) | Self::NewEngagement(_) => t.no_such_engagement,
        }
    }
    async fn again(
        self,
        state: &AppState,
        viewer: &Viewer<'_>,
        status: StatusCode,
        refused: Refused<'_>,
    ) -> Response {
        match self {
            Self::Milestone(id) => {
                milestone::page(state, viewer, id, status, None, Some(refused)).await
            }
            Self::Commitment(id) => {
                commitment_page(state, viewer, id, 1, status, None, Some(refused)).await
            }
            Self::Country(code) => {
                country_page(state, viewer, code, 1, status, None, Some(refused)).await
            }
            Self::NewEngagement(_) => engagement::page(state, viewer, status, Some(refused)).await,
        }
    }
}

/// A form posted from the page `origin` about the aggregate `id` (`None`: not a valid id): the
/// caller checked (CSRF), the use case run with the page's version, and the answer.
async fn page_form<Id: Copy>(
    state: &AppState,
    parts: &Parts,
    origin: Origin<'_>,
    id: Option<Id>,
    action: &'static str,
    form: &FormFields,
    run: impl AsyncFnOnce(&Caller, Id) -> AppResult<Committed>,
) -> Response {
    let (t, caller) = match form_caller(state, parts, form).await {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let Some(id) = id else {
        return gone(t, &caller, origin.missing(t));
    };
    // The verification queue sends its verifications back to itself.
    let path = match form.get("back").map(String::as_str) {
        Some("review") => "/review".to_string(),
        _ => origin.path(),
    };
    let caller = caller.if_match(form.get("version").and_then(|v| v.trim().parse().ok()));
    let (status, field, message) = match run(&caller, id).await {
        Ok(committed) => return done(&path, action, &committed),
        Err(AppError::Invalid(f)) => (StatusCode::UNPROCESSABLE_ENTITY, Some(f.field), f.reason),
        Err(AppError::Stale { .. }) => (StatusCode::CONFLICT, None, t.changed_meanwhile.into()),
        Err(AppError::Conflict(d)) => (StatusCode::CONFLICT, None, d),
        Err(AppError::Forbidden(d)) => (StatusCode::FORBIDDEN, None, d),
        Err(AppError::NotFound(_)) => return gone(t, &caller, origin.missing(t)),
        Err(other) => return failed(t, &caller, other, &path),
    };
    let viewer = Viewer {
        t,
        who: &caller.principal,
        csrf: form.get("csrf").cloned().unwrap_or_default(),
    };
    let refused = Refused {
        action,
        field,
        message,
        typed: form,
    };
    origin.again(state, &viewer, status, refused).await
}

/// A form of the milestone page.
async fn milestone_form(
    state: &AppState,
    parts: &Parts,
    raw_id: &str,
    action: &'static str,
    form: &FormFields,
    run: impl AsyncFnOnce(&Caller, MilestoneId) -> AppResult<Committed>,
) -> Response {
    let id = MilestoneId::parse(raw_id).ok();
    page_form(
        state,
        parts,
        Origin::Milestone(raw_id),
        id,
        action,
        form,
        run,
    )
    .await
}

/// A form of the commitment page.
async fn commitment_form(
    state: &AppState,
    parts: &Parts,
    raw_id: &str,
    action: &'static str,
    form: &FormFields,
    run: impl AsyncFnOnce(&Caller, CommitmentId) -> AppResult<Committed>,
) -> Response {
    let id = CommitmentId::parse(raw_id).ok();
    page_form(
        state,
        parts,
        Origin::Commitment(raw_id),
        id,
        action,
        form,
        run,
    )
    .await
}

/// After a form's command: back to `path` with the confirmation of `action`.
fn done(path: &str, action: &str, committed: &Committed) -> Response {
    let mut r = Redirect::to(&format!("{path}?done={action}")).into_response();
    if let Ok(v) = HeaderValue::from_str(&committed.position.to_string()) {
        r.headers_mut().insert("x-position", v);
    }
    r
}

/// The page of a command that failed for a reason of the server's.
fn failed(t: &'static Texts, caller: &Caller, e: AppError, back: &str) -> Response {
    let e = ApiError::from(e);
    message(
        t,
        e.status,
        Some(caller.principal.name.clone()),
        t.failed,
        &e.detail,
        Some((back, t.back)),
    )
}

fn gone(t: &'static Texts, caller: &Caller, text: &str) -> Response {
    not_found(t, Some(caller.principal.name.clone()), text)
}

/// `POST /milestones/{id}/{step}`: a step of the milestone page, its fields read as the step
/// asks for them; an unknown step is no route.
pub async fn step(
    State(state): State<AppState>,
    parts: Parts,
    Path((raw, name)): Path<(String, String)>,
    Form(form): Form<FormFields>,
) -> Response {
    let Ok(step) = name.parse::<MilestoneStep>() else {
        return ApiError::not_found("no such route").into_response();
    };
    milestone_form(
        &state,
        &parts,
        &raw,
        step.name(),
        &form,
        async |caller, id| {
            milestones::take(&state.app, caller, id, step, step_input(step, &form)?).await
        },
    )
    .await
}

form! {
    /// `POST /commitments/{id}/revise`: its title and due date.
    revise, commitment_form("revise"), |state, form, caller, id| {
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
    withdraw, commitment_form("withdraw"), |state, form, caller, id| {
        commitments::withdraw(&state.app, caller, id, text(&form, "reason")?).await
    }
}

form! {
    /// `POST /commitments/{id}/milestones`: a new milestone, with the id its form was given.
    add_milestone, commitment_form("milestones"), |state, form, caller, id| {
        let new_id = form_text(&form, "new_id")
            .and_then(|raw| MilestoneId::parse(&raw).ok())
            .unwrap_or_default();
        let title = parse_as("title", &form_text(&form, "title").unwrap_or_default(), Title::parse)?;
        let stage = form_text(&form, "stage")
            .map(|s| StageCode::parse(&s).map_err(|e| FieldError::new("stage", e.reason)))
            .transpose()?;
        milestones::add(&state.app, caller, id, new_id, title, date(&form, "due_on")?, stage).await
    }
}

/// An optional field of a form with repeated keys: `None` when blank.
fn given(form: &Posted, key: &str) -> Option<String> {
    Some(form.one(key).trim().to_string()).filter(|v| !v.is_empty())
}

country_form! {
    /// `POST /countries/{country}/commitments`: a new commitment, with the id its form was given.
    create_commitment("commitments"), |state, form, caller, country| {
        let process_refs = super::items(form.one("process_refs"));
        let (title, description, dpi_system) =
            (given(&form, "title").unwrap_or_default(), given(&form, "description"), given(&form, "dpi_system"));
        let fields = CommitmentInput {
            title: &title,
            description: description.as_deref(),
            principles: &form.all("principles"),
            risks: &form.all("risks"),
            authority: form.one("authority").trim(),
            stage: form.one("stage").trim(),
            dpi_system: dpi_system.as_deref(),
            process_refs: &process_refs,
            due_on: form.one("due_on").trim(),
        }
        .parse()?;
        let id = CommitmentId::parse(form.one("new_id").trim()).unwrap_or_default();
        commitments::create(&state.app, caller, country, id, fields).await
    }
}

country_form! {
    /// `POST /countries/{country}/activities`.
    record_activity("activities"), |state, form, caller, country| {
        let note = given(&form, "note");
        let activity = ActivityInput {
            kind: form.one("kind").trim(),
            title: form.one("title").trim(),
            held_on: form.one("held_on").trim(),
            authorities: &form.all("authorities"),
            note: note.as_deref(),
        }
        .parse()?;
        engagements::record_activity(&state.app, caller, country, activity).await
    }
}

country_form! {
    /// `POST /countries/{country}/dpi-systems`: a DPI system at its stage.
    add_dpi_system("dpi-systems"), |state, form, caller, country| {
        let system = parse_as("system", form.one("system").trim(), DpiSystemType::parse)?;
        let stage = parse_as("stage", form.one("stage").trim(), StageCode::parse)?;
        engagements::add_dpi_system(&state.app, caller, country, system, stage).await
    }
}

country_form! {
    /// `POST /countries/{country}/dpi-stage`: a DPI system moves to another stage.
    move_dpi_system("dpi-stage"), |state, form, caller, country| {
        let system = parse_as("system", form.one("system").trim(), DpiSystemType::parse)?;
        let stage = parse_as("stage", form.one("stage").trim(), StageCode::parse)?;
        engagements::move_dpi_system(&state.app, caller, country, system, stage).await
    }
}

country_form! {
    /// `POST /countries/{country}/status`, with an optional reason.
    change_status("status"), |state, form, caller, country| {
        let status = parse_word("status", form.one("status").trim())?;
        let reason = Text::parse_optional("reason", given(&form, "reason").as_deref())?;
        engagements::change_status(&state.app, caller, country, status, reason).await
    }
}

country_form! {
    /// `POST /countries/{country}/publication`: publish the record (`to=publish`) or take it
    /// off the public pages (`to=unpublish`, with an optional reason).
    publication("publication"), |state, form, caller, country| {
        match form.one("to").trim() {
            "publish" => engagements::publish(&state.app, caller, country).await,
            "unpublish" => {
                let reason = Text::parse_optional("reason", given(&form, "reason").as_deref())?;
                engagements::unpublish(&state.app, caller, country, reason).await
            }
            _ => Err(FieldError::new("to", "must be publish or unpublish").into()),
        }
    }
}

country_form! {
    /// `POST /countries/{country}/focal-points`: a focal-point account may act in the country.
    assign_focal_point("focal-points"), |state, form, caller, country| {
        let account = parse_as("account", form.one("account").trim(), AccountId::parse)?;
        engagements::assign_focal_point(&state.app, caller, country, account).await
    }
}

country_form! {
    /// `POST /countries/{country}/remove-focal-point`.
    remove_focal_point("remove-focal-point"), |state, form, caller, country| {
        let account = parse_as("account", form.one("account").trim(), AccountId::parse)?;
        engagements::remove_focal_point(&state.app, caller, country, account).await
    }
}

/// `POST /engagements`: open an engagement with the country chosen.
pub async fn open_engagement(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<FormFields>,
) -> Response {
    let typed = form_text(&form, "country").unwrap_or_default();
    let origin = Origin::NewEngagement(&typed);
    let run = async |caller: &Caller, ()| {
        let country = parse_as("country", &typed, CountryCode::parse)?;
        let lead = Title::parse_field("lead", &form_text(&form, "lead").unwrap_or_default())?;
        engagements::open(
            &state.app,
            caller,
            country,
            lead,
            date(&form, "started_on")?,
            vec![],
        )
        .await
    };
    page_form(&state, &parts, origin, Some(()), "engagements", &form, run).await
}
