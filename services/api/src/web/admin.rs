//! The admin's pages: `/admin/accounts` (create with a one-time password shown once, change a
//! role and its countries, disable, enable again), `/admin/subscribers` (list, erase) and `/admin/digests`
//! (past periods with their counts, a preview for a set of countries, send now).

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use safeguards_app::accounts::{self, AccountOut, NewAccount};
use safeguards_app::digests::{self, Sent};
use safeguards_app::subscriptions::{self, SubscriberOut};
use safeguards_app::{AppError, AppResult, Caller};
use safeguards_digest::compose::Audience;
use safeguards_domain::values::{
    parse_as, parse_word, AccountId, CountryCode, Email, FieldError, Role, SubscriberId, Title,
};
use safeguards_projections::model::DigestView;
use strum::VariantArray;

use super::{
    form_caller, form_text, message, render, Field, FormFields, FormView, PageForms, Refused,
    Viewer, Visit,
};
use crate::api::schema::{list, max};
use crate::http::error::ApiError;
use crate::web::i18n::Texts;
use crate::AppState;

/// Which admin page.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Admin {
    Accounts,
    Subscribers,
    Digests,
}

impl Admin {
    fn path(self) -> &'static str {
        match self {
            Self::Accounts => "/admin/accounts",
            Self::Subscribers => "/admin/subscribers",
            Self::Digests => "/admin/digests",
        }
    }
}

struct AccountRow {
    id: String,
    name: String,
    email: String,
    role: &'static str,
    countries: String,
    disabled: bool,
}

struct SubscriberRow {
    id: String,
    email: Option<String>,
    name: Option<String>,
    status: &'static str,
    countries: String,
    language: &'static str,
}

/// A password made for a new account, shown this once.
struct OneTime {
    email: String,
    password: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    t: &'static Texts,
    user: Option<String>,
    which: &'static str,
    heading: &'static str,
    accounts: Vec<AccountRow>,
    subscribers: Vec<SubscriberRow>,
    digests: Vec<DigestView>,
    /// Accounts or subscribers in all, the page shown, and how many pages.
    total: usize,
    page: usize,
    pages: usize,
    path: &'static str,
    one_time: Option<OneTime>,
    forms: PageForms,
}

/// The label of an admin action by its last word in the route.
fn action_label(t: &'static Texts, action: &str) -> Option<&'static str> {
    Some(match action.rsplit('/').next()? {
        "create" => t.create_account,
        "role" => t.change_role,
        "disable" => t.disable,
        "enable" => t.enable,
        "erase" => t.erase,
        "send" => t.send_now,
        _ => return None,
    })
}

fn roles(t: &'static Texts) -> Vec<(String, String)> {
    Role::VARIANTS
        .iter()
        .map(|r| {
            let word: &'static str = (*r).into();
            (
                word.to_string(),
                crate::web::i18n::role_word(t, word).to_string(),
            )
        })
        .collect()
}

/// The forms of admin page `which`.
fn actions(t: &'static Texts, which: Admin, page: &AdminData) -> Vec<FormView> {
    match which {
        Admin::Accounts => {
            let mut forms = vec![FormView::new(
                "create",
                t.create_account,
                vec![
                    Field::new("email", t.email, "email"),
                    Field::new("name", t.name, "text"),
                    Field::new("role", t.role, "text").choices(roles(t)),
                    Field::new("countries", t.countries_codes, "text").optional(),
                ],
            )];
            for a in page.accounts.iter().filter(|a| !a.disabled) {
                forms.push(
                    FormView::new(
                        format!("{}/role", a.id),
                        t.change_role,
                        vec![
                            Field::new("role", t.role, "text")
                                .choices(roles(t))
                                .with_value(<&str>::from(a.role)),
                            Field::new("countries", t.countries_codes, "text")
                                .optional()
                                .with_value(
                                    a.countries.iter().cloned().collect::<Vec<_>>().join(", "),
                                ),
                        ],
                    )
                    .secondary(),
                );
                forms.push(
                    FormView::new(format!("{}/disable", a.id), t.disable, vec![]).secondary(),
                );
            }
            for a in page.accounts.iter().filter(|a| a.disabled) {
                forms.push(FormView::new(format!("{}/enable", a.id), t.enable, vec![]).secondary());
            }
            forms
        }
        Admin::Subscribers => page
            .subscribers
            .iter()
            .map(|s| FormView::new(format!("{}/erase", s.id), t.erase, vec![]).secondary())
            .collect(),
        Admin::Digests => vec![FormView::new("send", t.send_now, vec![])],
    }
}

/// What an admin page lists.
#[derive(Default)]
struct AdminData {
    accounts: Vec<AccountOut>,
    subscribers: Vec<SubscriberOut>,
    digests: Vec<DigestView>,
}

/// Rows on one page of the accounts and of the subscribers.
const ROWS: usize = 50;

/// Keep page `page` (from 1) of `list`; returns the number of pages.
fn keep_page<T>(list: &mut Vec<T>, page: usize) -> usize {
    let pages = list.len().div_ceil(ROWS).max(1);
    let page = page.clamp(1, pages);
    list.truncate(page * ROWS);
    list.drain(..(page - 1) * ROWS);
    pages
}

/// An admin page for `viewer` (the list's page `page`): the list, its forms, and what the
/// last form came to.
#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    viewer: &Viewer<'_>,
    which: Admin,
    page: usize,
    status: StatusCode,
    done: Option<&'static str>,
    refused: Option<Refused<'_>>,
    one_time: Option<(String, String)>,
) -> Response {
    let t = viewer.t;
    let who = viewer.who;
    let loaded: AppResult<AdminData> = async {
        Ok(match which {
            Admin::Accounts => AdminData {
                accounts: accounts::list(&state.app, who).await?,
                ..AdminData::default()
            },
            Admin::Subscribers => AdminData {
                subscribers: subscriptions::list(&state.app, who).await?,
                ..AdminData::default()
            },
            Admin::Digests => {
                safeguards_app::authorize(who, safeguards_app::Action::ManageDigest, None)?;
                AdminData {
                    digests: digests::list(&state.app, who).await?,
                    ..AdminData::default()
                }
            }
        })
    }
    .await;
    let mut data = match loaded {
        Ok(d) => d,
        Err(e) => {
            let e = ApiError::from(e);
            return message(
                t,
                e.status,
                Some(who.name.clone()),
                t.failed,
                &e.detail,
                Some(("/", t.back)),
            );
        }
    };
    let total = data.accounts.len() + data.subscribers.len();
    let pages = keep_page(&mut data.accounts, page).max(keep_page(&mut data.subscribers, page));
    let page = page.clamp(1, pages);
    let forms = PageForms::new(viewer, actions(t, which, &data), done, refused);
    let (which_word, heading) = match which {
        Admin::Accounts => ("accounts", t.accounts_title),
        Admin::Subscribers => ("subscribers", t.subscribers_title),
        Admin::Digests => ("digests", t.digests_title),
    };
    let mut response = render(
        status,
        AdminPage {
            t,
            user: Some(who.name.clone()),
            which: which_word,
            heading,
            accounts: data
                .accounts
                .iter()
                .map(|a| AccountRow {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    email: a.email.clone(),
                    role: crate::web::i18n::role_word(t, a.role.into()),
                    countries: a.countries.iter().cloned().collect::<Vec<_>>().join(", "),
                    disabled: a.disabled,
                })
                .collect(),
            subscribers: data
                .subscribers
                .iter()
                .map(|s| SubscriberRow {
                    id: s.id.clone(),
                    email: s.email.clone(),
                    name: s.name.clone(),
                    status: s.status.into(),
                    countries: s.countries.join(", "),
                    language: s.language.into(),
                })
                .collect(),
            digests: data.digests,
            total,
            page,
            pages,
            path: which.path(),
            one_time: one_time.map(|(email, password)| OneTime { email, password }),
            forms,
        },
    );
    // A one-time password is for this answer alone.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

async fn show(state: AppState, parts: Parts, which: Admin) -> Response {
    let visit = match Visit::of(&state, &parts).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let done = super::done_query(&parts).and_then(|a| action_label(visit.t, &a));
    let viewer = visit.viewer(&state);
    let number = super::page_number(&parts);
    visit.answer(
        page(
            &state,
            &viewer,
            which,
            number,
            StatusCode::OK,
            done,
            None,
            None,
        )
        .await,
    )
}

/// `GET /admin/accounts`.
pub async fn accounts_page(State(state): State<AppState>, parts: Parts) -> Response {
    show(state, parts, Admin::Accounts).await
}

/// `GET /admin/subscribers`.
pub async fn subscribers_page(State(state): State<AppState>, parts: Parts) -> Response {
    show(state, parts, Admin::Subscribers).await
}

/// `GET /admin/digests`.
pub async fn digests_page(State(state): State<AppState>, parts: Parts) -> Response {
    show(state, parts, Admin::Digests).await
}

/// Run an admin form's use case: done, back to the page with the confirmation (or, for a new
/// account, the page with its one-time password); refused, the page again with the reason.
async fn run(
    state: &AppState,
    parts: &Parts,
    which: Admin,
    action: String,
    form: &FormFields,
    call: impl AsyncFnOnce(&Caller) -> AppResult<Option<(String, String)>>,
) -> Response {
    let (t, caller) = match form_caller(state, parts, form).await {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let (status, field, message) = match call(&caller).await {
        Ok(None) => {
            let word = action.rsplit('/').next().unwrap_or_default();
            return Redirect::to(&format!("{}?done={word}", which.path())).into_response();
        }
        Ok(Some(one_time)) => {
            let viewer = viewer_of(t, &caller, form);
            return page(
                state,
                &viewer,
                which,
                1,
                StatusCode::CREATED,
                None,
                None,
                Some(one_time),
            )
            .await;
        }
        Err(AppError::Invalid(f)) => (StatusCode::UNPROCESSABLE_ENTITY, Some(f.field), f.reason),
        Err(AppError::Conflict(d)) => (StatusCode::CONFLICT, None, d),
        Err(AppError::Forbidden(d)) => (StatusCode::FORBIDDEN, None, d),
        Err(AppError::NotFound(d)) => (StatusCode::NOT_FOUND, None, d),
        Err(AppError::TooMany { .. }) => (StatusCode::TOO_MANY_REQUESTS, None, t.too_many.into()),
        Err(other) => {
            let e = ApiError::from(other);
            let name = Some(caller.principal.name.clone());
            return super::message(
                t,
                e.status,
                name,
                t.failed,
                &e.detail,
                Some((which.path(), t.back)),
            );
        }
    };
    let viewer = viewer_of(t, &caller, form);
    let refused = Refused {
        action: &action,
        field,
        message,
        typed: form,
    };
    page(state, &viewer, which, 1, status, None, Some(refused), None).await
}

fn viewer_of<'a>(t: &'static Texts, caller: &'a Caller, form: &FormFields) -> Viewer<'a> {
    Viewer {
        t,
        who: &caller.principal,
        csrf: form.get("csrf").cloned().unwrap_or_default(),
    }
}

/// Country codes as typed: separated by commas or spaces, in any case.
fn country_codes(raw: &str) -> Result<Vec<CountryCode>, FieldError> {
    let codes: Vec<String> = super::items(raw)
        .iter()
        .map(|c| c.to_ascii_uppercase())
        .collect();
    list("countries", &codes, max::COUNTRIES, CountryCode::parse)
}

/// The countries field of a form.
fn countries(form: &FormFields) -> Result<Vec<CountryCode>, FieldError> {
    country_codes(&form_text(form, "countries").unwrap_or_default())
}

/// `POST /admin/accounts/create`: a new account with a password made for it, shown once.
pub async fn create_account(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<FormFields>,
) -> Response {
    let call = async |caller: &Caller| {
        let email = parse_as(
            "email",
            &form_text(&form, "email").unwrap_or_default(),
            Email::parse,
        )?;
        let new = NewAccount {
            name: Title::parse_field("name", &form_text(&form, "name").unwrap_or_default())?,
            role: parse_word("role", &form_text(&form, "role").unwrap_or_default())?,
            countries: countries(&form)?,
            password: None,
            email: email.clone(),
        };
        let created = accounts::create(&state.app, caller, new).await?;
        Ok(created
            .generated_password
            .map(|p| (email.as_str().to_string(), p)))
    };
    run(
        &state,
        &parts,
        Admin::Accounts,
        "create".into(),
        &form,
        call,
    )
    .await
}

/// An admin form about one account or subscriber: the route's extractors, then [`run`] with the
/// action (`<id>/<word>`) and the body that calls the use case.
macro_rules! admin_form {
    ($(#[$doc:meta])* $name:ident, $which:expr, $word:literal, |$state:ident, $form:ident, $caller:ident, $raw:ident| $body:block) => {
        $(#[$doc])*
        pub async fn $name(
            State($state): State<AppState>,
            parts: Parts,
            Path($raw): Path<String>,
            Form($form): Form<FormFields>,
        ) -> Response {
            let action = format!("{}/{}", $raw, $word);
            let call = async |$caller: &Caller| {
                $body
                Ok(None)
            };
            run(&$state, &parts, $which, action, &$form, call).await
        }
    };
}

fn account_id(raw: &str) -> AppResult<AccountId> {
    AccountId::parse(raw).map_err(|_| AppError::not_found("no account has this id"))
}

admin_form! {
    /// `POST /admin/accounts/{id}/role`: the role and, for a focal point, the countries.
    change_role, Admin::Accounts, "role", |state, form, caller, raw| {
        let role = parse_word("role", &form_text(&form, "role").unwrap_or_default())?;
        let countries = Some(countries(&form)?);
        accounts::change_role(&state.app, caller, account_id(&raw)?, role, countries).await?;
    }
}

admin_form! {
    /// `POST /admin/accounts/{id}/disable`.
    disable_account, Admin::Accounts, "disable", |state, form, caller, raw| {
        accounts::disable(&state.app, caller, account_id(&raw)?).await?;
    }
}

admin_form! {
    /// `POST /admin/accounts/{id}/enable`: a disabled account may sign in again.
    enable_account, Admin::Accounts, "enable", |state, form, caller, raw| {
        accounts::enable(&state.app, caller, account_id(&raw)?).await?;
    }
}

admin_form! {
    /// `POST /admin/subscribers/{id}/erase`: the subscriber's personal data is erased.
    erase_subscriber, Admin::Subscribers, "erase", |state, form, caller, raw| {
        let id = SubscriberId::parse(&raw).map_err(|_| AppError::not_found("no such subscriber"))?;
        subscriptions::erase(&state.app, caller, id).await?;
    }
}

/// `POST /admin/digests/send`: this period's digest now (nothing is sent twice).
pub async fn send_digest(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<FormFields>,
) -> Response {
    let (t, caller) = match form_caller(&state, &parts, &form).await {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let name = Some(caller.principal.name.clone());
    let back = Some((Admin::Digests.path(), t.back));
    match digests::send_now(&state.app, &caller).await {
        Ok(Sent::Done(r)) => {
            let text = format!(
                "{}: {} {}, {} {}, {} {}.",
                r.period,
                r.delivered,
                t.sent_word,
                r.failed,
                t.failed_word,
                r.pending,
                t.pending_word
            );
            message(t, StatusCode::OK, name, t.send_now, &text, back)
        }
        Ok(Sent::Running { period }) => message(
            t,
            StatusCode::ACCEPTED,
            name,
            t.send_now,
            &format!("{period}: {}", t.still_sending),
            back,
        ),
        Err(e) => {
            let e = ApiError::from(e);
            message(t, e.status, name, t.failed, &e.detail, back)
        }
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct PreviewQuery {
    #[serde(default)]
    countries: String,
}

/// `GET /admin/digests/preview?countries=KEN,BRA`: the digest a subscriber to those countries
/// (all when empty) would receive now.
pub async fn preview_digest(
    State(state): State<AppState>,
    parts: Parts,
    Query(query): Query<PreviewQuery>,
) -> Response {
    let visit = match Visit::of(&state, &parts).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let t = visit.t;
    let result = async {
        let countries = country_codes(&query.countries)?;
        digests::preview(&state.app, &visit.who, &countries, Audience::Anyone).await
    }
    .await;
    match result {
        Ok(html) => visit.answer(Html(html).into_response()),
        Err(e) => {
            let e = ApiError::from(e);
            let back = Some((Admin::Digests.path(), t.back));
            visit.answer(message(
                t,
                e.status,
                visit.name(),
                t.failed,
                &e.detail,
                back,
            ))
        }
    }
}
