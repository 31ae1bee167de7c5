//! `/act/{token}`: the page a reminder's action link opens — the milestone in a few lines and
//! one small form, no sign-in, no JavaScript. The link is the credential (kept out of caches
//! and referrers); the use case checks it again when the form is sent.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use safeguards_app::links::{self, ActError, Opened, Refusal};
use safeguards_app::AppError;
use safeguards_domain::milestone::{MilestoneStep, StepField, StepInput};
use safeguards_domain::values::{
    parse_as, parse_date, Evidence, EvidenceUrl, FieldError, Percent, Text, Title,
};

use super::milestone::step_fields;
use super::{form_text, message, render, Field, FormFields, FormView, PageForms, Refused, Viewer};
use crate::http::error::ApiError;
use crate::web::i18n::{self, Texts};
use crate::AppState;

#[derive(Template)]
#[template(path = "act.html")]
struct ActPage<'a> {
    t: &'static Texts,
    user: Option<String>,
    heading: &'static str,
    o: &'a Opened,
    status: &'static str,
    forms: PageForms,
    base: String,
    version: u64,
}

/// `GET /act/{token}`.
pub async fn page(
    State(state): State<AppState>,
    parts: Parts,
    Path(token): Path<String>,
) -> Response {
    match links::open(&state.app, &token).await {
        Ok(opened) => form_page(&parts, &token, &opened, StatusCode::OK, None),
        Err(r) => refused(i18n::texts(i18n::language(&parts).0), r),
    }
}

/// `POST /act/{token}/{action}`: the form's fields, for the link's one action.
pub async fn act(
    State(state): State<AppState>,
    parts: Parts,
    Path((token, _action)): Path<(String, String)>,
    Form(form): Form<FormFields>,
) -> Response {
    let t = i18n::texts(i18n::language(&parts).0);
    let opened = match links::open(&state.app, &token).await {
        Ok(o) => o,
        Err(r) => return refused(t, r),
    };
    let t = texts_for(&parts, &opened);
    let done = match step_input(opened.claims.action.step(), &form) {
        Ok(input) => links::act(&state.app, &token, input).await,
        Err(e) => Err(ActError::App(AppError::Invalid(e))),
    };
    let (status, field, message) = match done.map_err(|e| match e {
        ActError::App(e) => Refused::reason(t, e).map_err(ActError::App),
        refused => Err(refused),
    }) {
        Ok(_) => {
            return private(message(
                t,
                StatusCode::OK,
                None,
                t.ac.done,
                t.ac.done_text,
                Some((&milestone_path(&opened), t.ac.open_milestone)),
            ))
        }
        Err(Ok(refusal)) => refusal,
        Err(Err(ActError::Refused(r))) => return refused(t, r),
        Err(Err(ActError::App(e))) => {
            let e = ApiError::from(e);
            return private(message(
                t,
                e.status,
                None,
                t.failed,
                &t.api_refusal(&e),
                Some((&milestone_path(&opened), t.ac.open_milestone)),
            ));
        }
    };
    let refusal = Refused {
        action: opened.claims.action.step().name(),
        field,
        message,
        typed: &form,
    };
    form_page(&parts, &token, &opened, status, Some(refusal))
}

/// The pages in the account's language unless the reader picks another.
fn texts_for(parts: &Parts, opened: &Opened) -> &'static Texts {
    let who = &opened.caller.principal;
    i18n::texts(i18n::language_for(parts, who.language, who.digits).0)
}

fn milestone_path(opened: &Opened) -> String {
    format!("/milestones/{}", opened.claims.milestone)
}

/// The form of the link's action, with the refusal of a previous try when there was one.
fn form_page(
    parts: &Parts,
    token: &str,
    opened: &Opened,
    status: StatusCode,
    refusal: Option<Refused<'_>>,
) -> Response {
    let t = texts_for(parts, opened);
    let step = opened.claims.action.step();
    let heading = i18n::step_label(t, step);
    let fields = step_fields(t, step, opened.milestone.due_on);
    let viewer = Viewer {
        t,
        who: &opened.caller.principal,
        csrf: String::new(),
    };
    let forms = PageForms::new(
        &viewer,
        vec![FormView::new(step.name(), heading, fields)],
        None,
        refusal,
    );
    private(render(
        status,
        ActPage {
            t,
            user: None,
            heading,
            o: opened,
            status: i18n::status_word(t, opened.milestone.status.as_str()),
            forms,
            base: format!("/act/{token}"),
            version: opened.claims.version,
        },
    ))
}

/// The fields of one piece of evidence, which [`form_evidence`] reads.
pub(super) fn evidence_fields(t: &'static Texts) -> Vec<Field> {
    vec![
        Field::new("evidence_title", t.evidence, "text"),
        Field::new("evidence_url", t.evidence_link, "url"),
    ]
}

/// The evidence of a form: its title and link.
pub(super) fn form_evidence(form: &FormFields) -> Result<Evidence, FieldError> {
    Ok(Evidence {
        title: parse_as(
            "evidence_title",
            &form_text(form, "evidence_title").unwrap_or_default(),
            Title::parse,
        )?,
        url: parse_as(
            "evidence_url",
            &form_text(form, "evidence_url").unwrap_or_default(),
            EvidenceUrl::parse,
        )?,
    })
}

/// A form's percent: a whole number from 0 to 100.
pub(super) fn form_percent(form: &FormFields) -> Result<Percent, FieldError> {
    form_text(form, "percent")
        .and_then(|p| p.parse::<i64>().ok())
        .ok_or_else(|| {
            FieldError::new(
                "percent",
                safeguards_domain::reason!("not-a-percent", "must be a whole number from 0 to 100"),
            )
        })
        .and_then(Percent::parse)
}

/// What the form of `step` sent, read as the step asks for it.
pub(super) fn step_input(step: MilestoneStep, form: &FormFields) -> Result<StepInput, FieldError> {
    let required = |key: &str| form_text(form, key).unwrap_or_default();
    let mut input = StepInput::default();
    for field in step.fields() {
        match field {
            StepField::Percent => input.percent = Some(form_percent(form)?),
            // An achievement may rest on the evidence recorded before (a document attached):
            // its link is then left blank, and the domain decides whether that is enough.
            StepField::Evidence
                if step == MilestoneStep::Achieve
                    && form_text(form, "evidence_title").is_none()
                    && form_text(form, "evidence_url").is_none() => {}
            StepField::Evidence => input.evidence.push(form_evidence(form)?),
            StepField::DueOn => input.due_on = Some(parse_date("due_on", &required("due_on"))?),
            StepField::Reason => {
                input.reason = Some(Text::parse_field("reason", &required("reason"))?);
            }
            StepField::Note => {
                input.note = Text::parse_optional("note", form_text(form, "note").as_deref())?;
            }
        }
    }
    Ok(input)
}

/// The page of a link that does not work, and why.
fn refused(t: &'static Texts, r: Refusal) -> Response {
    let a = t.ac;
    let (status, heading, text) = match r {
        Refusal::Broken => (StatusCode::NOT_FOUND, a.broken, a.broken_text),
        Refusal::Expired => (StatusCode::GONE, a.expired, a.expired_text),
        Refusal::Used => (StatusCode::GONE, a.used, a.used_text),
        Refusal::Changed => (StatusCode::CONFLICT, a.changed, a.changed_text),
        Refusal::NotAllowed => (StatusCode::FORBIDDEN, a.not_allowed, a.not_allowed_text),
    };
    private(message(
        t,
        status,
        None,
        heading,
        text,
        Some(("/login", t.sign_in)),
    ))
}

/// A page whose address is a credential: never cached, never sent on as a referrer.
fn private(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}
