//! Server-rendered pages: one module per page, each a thin adapter over the use cases (parse
//! the form, call, answer with POST → redirect → GET). No JavaScript; a session cookie
//! (HttpOnly, SameSite=Lax, Secure over https) and a CSRF token on every form.

mod account;
mod action_link;
mod admin;
mod archive;
mod burnup;
mod catalogue;
mod commitment;
mod country;
mod country_forms;
mod coverage;
mod dashboard;
mod documents;
mod engagement;
mod error;
mod explain;
mod form;
pub mod i18n;
mod milestone;
mod oidc;
mod plan;
mod public;
mod session;
mod sheet;
pub mod sheet_files;
mod sign_in;
mod submissions;
mod subscriptions;
mod tasks;

use askama::Template;
use axum::extract::DefaultBodyLimit;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::http::error::ApiError;
use crate::AppState;
use error::PageError;
use form::{
    done_query, form_text, items, page_number, query_value, Field, FormFields, FormView, PageForms,
    Posted, Refused, UploadHint, Viewer,
};
use i18n::Texts;
use session::{with_session, FormToken, Path, Signed, Visit};

pub use burnup::Burnup;
pub(crate) use session::SESSION;

/// Every page.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::dashboard))
        .route("/countries/{country}", get(country::country))
        .route(
            "/countries/{country}/commitments",
            post(submissions::create_commitment),
        )
        .route(
            "/countries/{country}/activities",
            post(submissions::record_activity),
        )
        .route(
            "/countries/{country}/dpi-systems",
            post(submissions::add_dpi_system),
        )
        .route(
            "/countries/{country}/dpi-stage",
            post(submissions::move_dpi_system),
        )
        .route(
            "/countries/{country}/status",
            post(submissions::change_status),
        )
        .route(
            "/countries/{country}/publication",
            post(submissions::publication),
        )
        .route("/public", get(public::index))
        .route("/public/countries/{country}", get(public::country))
        .route("/public/ledger", get(public::ledger))
        .route("/data/{file}", get(public::dataset))
        .route(
            "/countries/{country}/focal-points",
            post(submissions::assign_focal_point),
        )
        .route(
            "/countries/{country}/remove-focal-point",
            post(submissions::remove_focal_point),
        )
        .route("/catalogue", get(catalogue::catalogue))
        .route(
            "/countries/{country}/plan",
            get(plan::plan).post(plan::save_plan),
        )
        .route("/countries/{country}/coverage", get(coverage::coverage))
        .route("/countries/{country}/sheet.xlsx", get(sheet::xlsx))
        .route("/countries/{country}/sheet.csv", get(sheet::csv))
        .route(
            "/countries/{country}/upload",
            get(sheet::upload_page)
                .post(sheet::upload)
                .layer(DefaultBodyLimit::max(crate::http::UPLOAD_LIMIT)),
        )
        .route(
            "/countries/{country}/upload/confirm",
            post(sheet::confirm).layer(DefaultBodyLimit::max(crate::http::CONFIRM_LIMIT)),
        )
        .route("/explain", get(explain::explain))
        .route("/engagements/new", get(engagement::new_engagement))
        .route("/engagements", post(submissions::open_engagement))
        .route("/admin/accounts", get(admin::accounts_page))
        .route("/admin/accounts/create", post(admin::create_account))
        .route("/admin/accounts/{id}/role", post(admin::change_role))
        .route("/admin/accounts/{id}/disable", post(admin::disable_account))
        .route("/admin/accounts/{id}/enable", post(admin::enable_account))
        .route(
            "/admin/accounts/{id}/second-factor/reset",
            post(admin::reset_second_factor),
        )
        .route(
            "/admin/accounts/{id}/organisation-only/on",
            post(admin::organisation_only_on),
        )
        .route(
            "/admin/accounts/{id}/organisation-only/off",
            post(admin::organisation_only_off),
        )
        .route(
            "/admin/accounts/{id}/organisation/unlink",
            post(admin::unlink_organisation),
        )
        .route("/admin/subscribers", get(admin::subscribers_page))
        .route(
            "/admin/subscribers/{id}/erase",
            post(admin::erase_subscriber),
        )
        .route("/admin/digests", get(admin::digests_page))
        .route("/admin/digests/preview", get(admin::preview_digest))
        .route("/admin/digests/send", post(admin::send_digest))
        .route("/review", get(tasks::review))
        .route("/work", get(tasks::work))
        .route("/milestones/{id}", get(milestone::milestone))
        .route(
            "/milestones/{id}/evidence/files",
            // The handler bounds its body (`http::upload::page_limit`).
            post(submissions::attach_document).layer(DefaultBodyLimit::disable()),
        )
        .route("/evidence/{sha256}", get(documents::download))
        .route("/milestones/{id}/{step}", post(submissions::step))
        .route("/act/{token}", get(action_link::page))
        .route("/act/{token}/{action}", post(action_link::act))
        .route("/commitments/{id}", get(commitment::commitment))
        .route(
            "/commitments/{id}/milestones",
            post(submissions::add_milestone),
        )
        .route("/commitments/{id}/revise", post(submissions::revise))
        .route("/commitments/{id}/withdraw", post(submissions::withdraw))
        .route("/login", get(sign_in::login_page).post(sign_in::login))
        .route("/login/code", post(sign_in::login_code))
        .route("/auth/oidc/start", get(oidc::start))
        .route("/auth/oidc/callback", get(oidc::callback))
        .route("/logout", post(sign_in::logout))
        .route("/account", get(account::account))
        .route("/account/language", post(account::language))
        .route("/account/password", post(account::password))
        .route(
            "/account/second-factor",
            get(account::second_factor_page).post(account::confirm_second_factor),
        )
        .route("/static/app.css", get(stylesheet))
        .route(
            "/subscribe",
            get(subscriptions::subscribe_page).post(subscriptions::subscribe),
        )
        .route(
            "/subscriptions/confirm",
            get(subscriptions::confirm_page).post(subscriptions::confirm),
        )
        .route(
            "/subscriptions/manage",
            get(subscriptions::manage_page).post(subscriptions::manage),
        )
        .route(
            "/unsubscribe",
            get(subscriptions::unsubscribe_page).post(subscriptions::unsubscribe),
        )
        .route("/digests", get(archive::archive))
        .route("/digests.atom", get(archive::atom))
        .route("/digests/{period}", get(archive::edition))
}

/// Render a page with its status.
pub fn render<T: Template>(status: StatusCode, template: T) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page failed to render");
            ApiError::internal().into_response()
        }
    }
}

/// A page with a heading, one sentence and, when given, a link back (target, label).
fn message(
    t: &'static Texts,
    status: StatusCode,
    user: Option<String>,
    heading: &'static str,
    text: &str,
    back: Option<(&str, &'static str)>,
) -> Response {
    let page = PageError::new(t, status, heading).user(user).text(text);
    match back {
        Some((target, label)) => page.back(target, label),
        None => page,
    }
    .into_response()
}

/// The page of an upload larger than the tracker takes, answered before it is read.
pub fn too_large(parts: &Parts) -> Response {
    PageError::too_large(parts).into_response()
}

/// The page of a resource that does not exist.
fn not_found(t: &'static Texts, user: Option<String>, text: &str) -> Response {
    PageError::not_found(t, user, text).into_response()
}

/// `raw` when it is a path of this site ("/milestones/…"), never one that leads elsewhere
/// ("//host", "/\\host", "https://…") or carries control characters.
fn local_path(raw: &str) -> Option<&str> {
    let ok = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.starts_with("/\\")
        && raw.len() <= 2000
        && !raw.chars().any(|c| c.is_control() || c == '\\');
    ok.then_some(raw)
}

/// `GET /static/app.css`.
async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}
