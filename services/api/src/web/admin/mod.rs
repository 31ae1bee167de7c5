//! The admin's pages: `/admin/accounts` (create with a one-time password shown once, change a
//! role and its countries, disable, enable again), `/admin/subscribers` (list, erase) and `/admin/digests`
//! (past periods with their counts, a preview for a set of countries, send now): one page shell
//! here, each page's list and forms in its own module.

use askama::Template;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use safeguards_app::accounts::AccountOut;
use safeguards_app::subscriptions::{self, SubscriberOut};
use safeguards_app::{AppError, AppResult, Caller};
use safeguards_projections::model::DigestView;

use super::{render, FormFields, FormView, PageError, PageForms, Refused, Viewer, Visit};
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
    second_factor: bool,
    organisation_linked: bool,
    organisation_only: bool,
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
        "reset" => t.reset_second_factor,
        "on" => t.organisation_only,
        "off" => t.organisation_only_off,
        "unlink" => t.organisation_unlink,
        _ => return None,
    })
}

/// The forms of admin page `which`.
fn actions(t: &'static Texts, which: Admin, page: &AdminData) -> Vec<FormView> {
    match which {
        Admin::Accounts => accounts::forms(t, &page.accounts),
        Admin::Subscribers => subscribers::forms(t, &page.subscribers),
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
                accounts: safeguards_app::accounts::list(&state.app, who).await?,
                ..AdminData::default()
            },
            Admin::Subscribers => AdminData {
                subscribers: subscriptions::list(&state.app, who).await?,
                ..AdminData::default()
            },
            Admin::Digests => {
                safeguards_app::authorize(who, safeguards_app::Action::ManageDigest, None)?;
                AdminData {
                    digests: safeguards_app::digests::list(&state.app, who).await?,
                    ..AdminData::default()
                }
            }
        })
    }
    .await;
    let mut data = match loaded {
        Ok(d) => d,
        Err(e) => {
            return PageError::failed(t, Some(who.name.clone()), e)
                .back("/", t.back)
                .into_response()
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
                    second_factor: a.second_factor,
                    organisation_linked: a.organisation_linked,
                    organisation_only: a.organisation_only,
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

async fn show(state: AppState, visit: Visit, parts: Parts, which: Admin) -> Response {
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

/// Run an admin form's use case: done, back to the page with the confirmation (or, for a new
/// account, the page with its one-time password); refused, the page again with the reason.
async fn run(
    state: &AppState,
    visit: &Visit,
    which: Admin,
    action: String,
    form: &FormFields,
    call: impl AsyncFnOnce(&Caller) -> AppResult<Option<(String, String)>>,
) -> Response {
    let (t, caller) = (visit.t, visit.caller());
    let refusal = match call(&caller).await {
        Ok(None) => {
            let word = action.rsplit('/').next().unwrap_or_default();
            return Redirect::to(&format!("{}?done={word}", which.path())).into_response();
        }
        Ok(Some(one_time)) => {
            let viewer = visit.viewer(state);
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
        Err(AppError::NotFound(d)) => Ok((StatusCode::NOT_FOUND, None, d)),
        Err(e) => Refused::reason(t, e),
    };
    let (status, field, message) = match refusal {
        Ok(refusal) => refusal,
        Err(other) => {
            return PageError::failed(t, visit.name(), other)
                .back(which.path(), t.back)
                .into_response()
        }
    };
    let viewer = visit.viewer(state);
    let refused = Refused {
        action: &action,
        field,
        message,
        typed: form,
    };
    page(state, &viewer, which, 1, status, None, Some(refused), None).await
}

/// An admin form about one account or subscriber: the route's extractors, then [`run`] with the
/// action (`<id>/<word>`) and the body that calls the use case.
macro_rules! admin_form {
    ($(#[$doc:meta])* $name:ident, $which:expr, $word:literal, |$state:ident, $form:ident, $caller:ident, $raw:ident| $body:block) => {
        $(#[$doc])*
        pub async fn $name(
            State($state): State<AppState>,
            visit: Visit,
            Path($raw): Path<String>,
            Signed($form): Signed<FormFields>,
        ) -> Response {
            let action = format!("{}/{}", $raw, $word);
            let call = async |$caller: &Caller| {
                $body
                Ok(None)
            };
            run(&$state, &visit, $which, action, &$form, call).await
        }
    };
}

mod accounts;
mod digests;
mod subscribers;

pub use accounts::{
    accounts_page, change_role, create_account, disable_account, enable_account,
    organisation_only_off, organisation_only_on, reset_second_factor, unlink_organisation,
};
pub use digests::{digests_page, preview_digest, send_digest};
pub use subscribers::{erase_subscriber, subscribers_page};
