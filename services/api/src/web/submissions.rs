//! The forms of the milestone, commitment and country pages: one handler per action (one for
//! every milestone step), each parsing its fields and calling the same use case as the API,
//! posted with the version the page showed.
//! Done: back to the page with a confirmation (POST → redirect → GET). Refused: the page again,
//! the reason in its error summary and next to the field at fault, the user's input kept.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use safeguards_app::{
    commitments, documents, engagements, milestones, AppError, AppResult, Caller,
};
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
use super::{form_text, FormFields, PageError, Path, Posted, Refused, Signed, Viewer, Visit};
use crate::http::error::ApiError;
use crate::http::input::{ActivityInput, CommitmentInput};
use crate::web::i18n::Texts;
use crate::AppState;

/// A form of the commitment page: the route's extractors, then [`page_form`] with the action's
/// name and the body that parses the fields and calls the use case.
macro_rules! commitment_form {
    ($(#[$doc:meta])* $name:ident($action:literal), |$state:ident, $form:ident, $caller:ident, $id:ident| $body:block) => {
        $(#[$doc])*
        pub async fn $name(
            State($state): State<AppState>,
            visit: Visit,
            Path($id): Path<CommitmentId>,
            Signed($form): Signed<FormFields>,
        ) -> Response {
            page_form(&$state, &visit, Origin::Commitment($id), $action, &$form, async |$caller| $body).await
        }
    };
}

/// A form of the country page: its fields may repeat (a group of checkboxes).
macro_rules! country_form {
    ($(#[$doc:meta])* $name:ident($action:literal), |$state:ident, $form:ident, $caller:ident, $country:ident| $body:block) => {
        $(#[$doc])*
        pub async fn $name(
            State($state): State<AppState>,
            visit: Visit,
            Path($country): Path<CountryCode>,
            Signed($form): Signed<Posted>,
        ) -> Response {
            let fields = $form.fields();
            page_form(&$state, &visit, Origin::Country($country), $action, &fields, async |$caller| $body).await
        }
    };
}

fn text(form: &FormFields, key: &str) -> Result<Text, FieldError> {
    Text::parse_field(key, &form_text(form, key).unwrap_or_default())
}

fn date(form: &FormFields, key: &str) -> Result<chrono::NaiveDate, FieldError> {
    parse_date(key, &form_text(form, key).unwrap_or_default())
}

/// The page a form came from, shown again when the form is refused.
#[derive(Clone, Copy)]
enum Origin<'a> {
    Milestone(MilestoneId),
    Commitment(CommitmentId),
    Country(CountryCode),
    /// The page to open an engagement (with the country as typed); done, it leads to the
    /// country's page.
    NewEngagement(&'a str),
}

impl Origin<'_> {
    fn path(self) -> String {
        match self {
            Self::Milestone(id) => format!("/milestones/{id}"),
            Self::Commitment(id) => format!("/commitments/{id}"),
            Self::Country(code) => format!("/countries/{code}"),
            Self::NewEngagement(code) => format!("/countries/{code}"),
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

/// A form posted from the page `origin` by `visit` (its token already checked): the use case
/// run with the page's version, and the answer.
async fn page_form(
    state: &AppState,
    visit: &Visit,
    origin: Origin<'_>,
    action: &'static str,
    form: &FormFields,
    run: impl AsyncFnOnce(&Caller) -> AppResult<Committed>,
) -> Response {
    let t = visit.t;
    // The verification queue sends its verifications back to itself.
    let path = match form.get("back").map(String::as_str) {
        Some("review") => "/review".to_string(),
        _ => origin.path(),
    };
    let caller = visit
        .caller()
        .if_match(form.get("version").and_then(|v| v.trim().parse().ok()));
    let refusal = match run(&caller).await {
        Ok(committed) => return done(&path, action, &committed),
        Err(e) => Refused::reason(t, e),
    };
    let (status, field, message) = match refusal {
        Ok(refusal) => refusal,
        Err(AppError::NotFound(_)) => return visit.not_found(origin.missing(t)).into_response(),
        Err(other) => {
            return PageError::failed(t, visit.name(), other)
                .back(path, t.back)
                .into_response()
        }
    };
    let refused = Refused {
        action,
        field,
        message,
        typed: form,
    };
    origin
        .again(state, &visit.viewer(state), status, refused)
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

/// `POST /milestones/{id}/evidence/files` (multipart: `csrf`, `title`, `file`): the milestone
/// page's "Attach a document". Who may not attach is refused before the file is read; a file
/// past the limit is refused at its first byte past it, and the rest of the form (up to the
/// route's limit) is read and dropped so that the browser shows the page that says so.
pub async fn attach_document(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<MilestoneId>,
    request: axum::extract::Request,
) -> Response {
    use crate::http::upload::{self, Unread};
    use axum::extract::{FromRequest, Multipart};
    let posted = match documents::may_attach(&state.app, &visit.caller(), id).await {
        Err(e) => Err(e),
        Ok(()) => match state.app.documents() {
            None => Err(AppError::Unavailable("no evidence store is set up".into())),
            Some(store) => {
                let limit = upload::page_limit(store);
                let declared = request
                    .headers()
                    .get(axum::http::header::CONTENT_LENGTH)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok());
                if declared.is_some_and(|n| n > limit) {
                    let (parts, _) = request.into_parts();
                    return super::too_large(&parts);
                }
                match Multipart::from_request(upload::bounded(request, limit), &state).await {
                    Err(e) => return e.into_response(),
                    Ok(mut multipart) => match upload::read(&mut multipart, store).await {
                        Ok(posted) => Ok(posted),
                        Err(Unread::TooLarge(max)) => {
                            // The rest is read and dropped (within the bound), so that the
                            // browser, still sending, reads the page that says why.
                            while let Ok(Ok(Some(_))) =
                                tokio::time::timeout(store.idle, multipart.next_field()).await
                            {}
                            Err(AppError::TooLarge { max })
                        }
                        Err(Unread::Other(_)) => Err(AppError::invalid(
                            "file",
                            safeguards_domain::reason!(
                                "upload-unreadable",
                                "the upload was interrupted or could not be read; nothing was stored"
                            ),
                        )),
                    },
                }
            }
        },
    };
    let mut typed = FormFields::new();
    if let Ok(posted) = &posted {
        if !visit.sent_by(&state, posted.csrf.as_deref().unwrap_or_default()) {
            return PageError::form_expired(visit.t, visit.name()).into_response();
        }
        typed.insert("title".into(), posted.title.clone().unwrap_or_default());
    }
    page_form(
        &state,
        &visit,
        Origin::Milestone(id),
        ATTACH,
        &typed,
        async |caller| {
            let posted = posted?;
            let title = Title::parse(posted.title.as_deref().unwrap_or_default())?;
            let received = posted.received.ok_or_else(|| {
                AppError::invalid("file", safeguards_domain::reason!("required", "required"))
            })?;
            documents::attach(&state.app, caller, id, title, &posted.file_name, received)
                .await
                .map(|a| a.committed)
        },
    )
    .await
}

/// The action of the milestone page's "Attach a document": its address after the page's.
pub(super) const ATTACH: &str = "evidence/files";

/// `POST /milestones/{id}/{step}`: a step of the milestone page, its fields read as the step
/// asks for them; an unknown step is no route.
pub async fn step(
    State(state): State<AppState>,
    visit: Visit,
    Path((id, name)): Path<(MilestoneId, String)>,
    Signed(form): Signed<FormFields>,
) -> Response {
    let Ok(step) = name.parse::<MilestoneStep>() else {
        return ApiError::not_found("no such route").into_response();
    };
    let origin = Origin::Milestone(id);
    page_form(&state, &visit, origin, step.name(), &form, async |caller| {
        milestones::take(&state.app, caller, id, step, step_input(step, &form)?).await
    })
    .await
}

commitment_form! {
    /// `POST /commitments/{id}/revise`: its title and due date.
    revise("revise"), |state, form, caller, id| {
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

commitment_form! {
    /// `POST /commitments/{id}/withdraw`.
    withdraw("withdraw"), |state, form, caller, id| {
        commitments::withdraw(&state.app, caller, id, text(&form, "reason")?).await
    }
}

commitment_form! {
    /// `POST /commitments/{id}/milestones`: a new milestone, with the id its form was given.
    add_milestone("milestones"), |state, form, caller, id| {
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
            _ => Err(FieldError::new(
                "to",
                safeguards_domain::reason!(
                    "unknown-word",
                    "unknown value `{value}`; expected one of {choices}",
                    value = form.one("to").trim(),
                    choices = "publish, unpublish"
                ),
            ).into()),
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
    visit: Visit,
    Signed(form): Signed<FormFields>,
) -> Response {
    let typed = form_text(&form, "country").unwrap_or_default();
    let origin = Origin::NewEngagement(&typed);
    let run = async |caller: &Caller| {
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
    page_form(&state, &visit, origin, "engagements", &form, run).await
}
