//! Server-rendered pages: one module per page, each a thin adapter over the use cases (parse
//! the form, call, answer with POST → redirect → GET). No JavaScript; a session cookie
//! (HttpOnly, SameSite=Lax, Secure over https) and a CSRF token on every form.

mod account;
mod action_link;
mod admin;
mod archive;
mod burnup;
mod commitment;
mod country;
mod country_forms;
mod dashboard;
mod engagement;
mod framework;
pub mod i18n;
mod milestone;
mod public;
mod sheet;
pub mod sheet_files;
mod sign_in;
mod submissions;
mod subscriptions;
mod tasks;

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::DefaultBodyLimit;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use safeguards_app::{Caller, Principal};

use crate::http::error::ApiError;
use crate::http::extract::correlation_id;
use crate::AppState;
use i18n::Texts;

pub use burnup::Burnup;

/// The cookie of a signed-in session.
pub(crate) const SESSION: &str = "sg_session";

/// The session cookie's name: over https with the `__Host-` prefix, which a browser keeps only
/// when the cookie is `Secure`, for the whole host and set by the host itself (no subdomain or
/// plain-http page can plant or overwrite it).
fn session_cookie(state: &AppState) -> &'static str {
    if state.app.digest.settings.public_url.scheme() == "https" {
        "__Host-sg_session"
    } else {
        SESSION
    }
}

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
        .route("/catalogue", get(framework::catalogue))
        .route(
            "/countries/{country}/plan",
            get(framework::plan).post(framework::save_plan),
        )
        .route("/countries/{country}/coverage", get(framework::coverage))
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
        .route("/explain", get(framework::explain))
        .route("/engagements/new", get(engagement::new_engagement))
        .route("/engagements", post(submissions::open_engagement))
        .route("/admin/accounts", get(admin::accounts_page))
        .route("/admin/accounts/create", post(admin::create_account))
        .route("/admin/accounts/{id}/role", post(admin::change_role))
        .route("/admin/accounts/{id}/disable", post(admin::disable_account))
        .route("/admin/accounts/{id}/enable", post(admin::enable_account))
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
        .route("/logout", post(sign_in::logout))
        .route("/account", get(account::account))
        .route("/account/language", post(account::language))
        .route("/account/password", post(account::password))
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

/// A cookie of the request.
fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The token of a form shown without a session (sign-in, subscription): one random value, in
/// the form and in a cookie that only `path` receives (`SameSite=Strict`), so that another site
/// cannot post the form in a visitor's name. `form` names the cookie.
struct FormToken {
    form: &'static str,
    path: &'static str,
}

impl FormToken {
    /// A fresh token, and `response` with its cookie set.
    fn issue(&self, response: impl FnOnce(&str) -> Response) -> Response {
        use rand::RngCore;
        let mut raw = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        let mut r = response(&token);
        if let Ok(v) = HeaderValue::from_str(&format!(
            "{}={token}; HttpOnly; SameSite=Strict; Path={}; Max-Age=3600",
            self.form, self.path
        )) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
        r
    }

    /// Whether the form's `sent` token is the one its cookie holds (compared in constant time).
    fn matches(&self, parts: &Parts, sent: &str) -> bool {
        let expected = cookie(parts, self.form).unwrap_or_default();
        safeguards_app::credentials::same_secret(&expected, sent)
    }
}

/// `; Secure` when the tracker is served over https.
fn secure(state: &AppState) -> &'static str {
    if state.app.digest.settings.public_url.scheme() == "https" {
        "; Secure"
    } else {
        ""
    }
}

/// `response`, setting the session cookie to `token`.
fn with_session(state: &AppState, mut response: Response, token: &str) -> Response {
    let max_age = safeguards_app::credentials::TOKEN_LIFETIME.num_seconds();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{}",
        session_cookie(state),
        secure(state)
    )) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// The pages a session whose password was made for it may reach before changing it.
const PASSWORD_CHANGE_PAGES: [&str; 3] = ["/account", "/account/password", "/logout"];

/// Whether the session must change its password before it may reach this page.
fn must_change_password_first(state: &AppState, parts: &Parts) -> bool {
    !PASSWORD_CHANGE_PAGES.contains(&parts.uri.path())
        && cookie(parts, session_cookie(state)).is_some_and(|token| {
            safeguards_app::accounts::password_change_required(&state.app, &token)
        })
}

/// The signed-in user of a page and their session token, from the session cookie (none for a
/// session that must change its password first, but on the pages that do that).
async fn user(state: &AppState, parts: &Parts) -> Option<(Principal, String)> {
    if must_change_password_first(state, parts) {
        return None;
    }
    let token = cookie(parts, session_cookie(state))?;
    state
        .principal(parts, &token)
        .await
        .ok()
        .map(|p| (p, token))
}

/// A page, or the sign-in page for a visitor who is not signed in.
struct Visit {
    who: Principal,
    token: String,
    t: &'static Texts,
    lang: safeguards_domain::subscriber::Language,
    chosen: bool,
}

impl Visit {
    /// The signed-in visit of a page; else the answer that sends the visitor to sign in.
    async fn of(state: &AppState, parts: &Parts) -> Result<Self, Response> {
        if must_change_password_first(state, parts) {
            return Err(account::change_password_first());
        }
        let Some((who, token)) = user(state, parts).await else {
            let (lang, chosen) = i18n::language(parts);
            return Err(i18n::remember(to_login_from(parts), lang, chosen));
        };
        let (lang, chosen) = i18n::language_for(parts, who.language);
        Ok(Self {
            who,
            token,
            t: i18n::texts(lang),
            lang,
            chosen,
        })
    }
    fn name(&self) -> Option<String> {
        Some(self.who.name.clone())
    }
    fn csrf(&self, state: &AppState) -> String {
        state.app.tokens.csrf(&self.token)
    }
    /// The visitor as a page with forms sees them.
    fn viewer(&self, state: &AppState) -> Viewer<'_> {
        Viewer {
            t: self.t,
            who: &self.who,
            csrf: self.csrf(state),
        }
    }
    /// The page, with the language choice kept.
    fn answer(&self, response: Response) -> Response {
        i18n::remember(response, self.lang, self.chosen)
    }
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

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    t: &'static Texts,
    user: Option<String>,
    heading: &'a str,
    text: &'a str,
    back: Option<(&'a str, &'a str)>,
}

/// A page with a heading, one sentence and, when given, a link back (target, label).
fn message(
    t: &'static Texts,
    status: StatusCode,
    user: Option<String>,
    heading: &str,
    text: &str,
    back: Option<(&str, &str)>,
) -> Response {
    render(
        status,
        MessagePage {
            t,
            user,
            heading,
            text,
            back,
        },
    )
}

/// The page of an upload larger than the tracker takes, answered before it is read.
pub fn too_large(parts: &Parts) -> Response {
    let t = i18n::texts(i18n::language(parts).0);
    let back = parts.uri.path().trim_end_matches("/confirm").to_string();
    message(
        t,
        StatusCode::PAYLOAD_TOO_LARGE,
        None,
        t.there_is_a_problem,
        t.sh.too_large,
        Some((&back, t.sh.again)),
    )
}

/// The page of a resource that does not exist.
fn not_found(t: &'static Texts, user: Option<String>, text: &str) -> Response {
    message(
        t,
        StatusCode::NOT_FOUND,
        user,
        t.no_such,
        text,
        Some(("/", t.back)),
    )
}

fn to_login() -> Response {
    Redirect::to("/login").into_response()
}

/// To the sign-in page, which then leads back to the page asked for (a link from a digest, a
/// bookmark).
fn to_login_from(parts: &Parts) -> Response {
    let wanted = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    if wanted == "/" || local_path(wanted).is_none() {
        return to_login();
    }
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("next", wanted)
        .finish();
    Redirect::to(&format!("/login?{query}")).into_response()
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

/// One field of a form: its name, label and input type, whether it must be filled, the value
/// it shows and, when the form was refused for it, its message.
pub(super) struct Field {
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    required: bool,
    value: String,
    error: Option<String>,
    /// The choices of a drop-down list (value, label); empty for a text input.
    options: Vec<(String, String)>,
}

impl Field {
    fn new(name: &'static str, label: &'static str, kind: &'static str) -> Self {
        Self {
            name,
            label,
            kind,
            required: true,
            value: String::new(),
            error: None,
            options: Vec::new(),
        }
    }
    /// Whether `option` is among the values (a group of checkboxes keeps them comma-separated).
    fn checked(&self, option: &str) -> bool {
        self.value.split(',').any(|v| v == option)
    }
    /// A drop-down list of `options` (value, label); checkboxes when the kind is `checkboxes`.
    fn choices(self, options: Vec<(String, String)>) -> Self {
        Self { options, ..self }
    }
    fn optional(self) -> Self {
        Self {
            required: false,
            ..self
        }
    }
    fn with_value(self, value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            ..self
        }
    }
}

/// A form of one action: posted to `<target>/<action>`, with its fields and button.
pub(super) struct FormView {
    /// The path after the page's base: a word (`progress`), or an id and a word (`<id>/role`).
    action: String,
    label: &'static str,
    fields: Vec<Field>,
    /// A lesser action: shown folded, with a plain button.
    secondary: bool,
    /// Hidden fields beyond the CSRF token and the version: (name, value).
    hidden: Vec<(&'static str, String)>,
}

impl FormView {
    fn new(action: impl Into<String>, label: &'static str, fields: Vec<Field>) -> Self {
        Self {
            action: action.into(),
            label,
            fields,
            secondary: false,
            hidden: Vec::new(),
        }
    }
    fn with_hidden(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.hidden.push((name, value.into()));
        self
    }
    fn secondary(self) -> Self {
        Self {
            secondary: true,
            ..self
        }
    }
    /// Whether the form was refused for one of its fields.
    fn has_error(&self) -> bool {
        self.fields.iter().any(|f| f.error.is_some())
    }
}

/// Who looks at a page with forms, and the CSRF token of their session.
pub(super) struct Viewer<'a> {
    pub t: &'static Texts,
    pub who: &'a Principal,
    pub csrf: String,
}

/// A form that was refused: its action, the field at fault (if any) and the message, and what
/// the user had typed.
pub(super) struct Refused<'a> {
    pub action: &'a str,
    pub field: Option<String>,
    pub message: String,
    pub typed: &'a FormFields,
}

impl Refused<'_> {
    /// Put the refusal on the page's forms: the user's input back in the form, the message next
    /// to the field at fault. Returns the line of the error summary: (link target, message).
    fn apply(self, forms: &mut [FormView]) -> (String, String) {
        let Some(form) = forms.iter_mut().find(|f| f.action == self.action) else {
            return ("#actions".to_string(), self.message);
        };
        let mut line = (format!("#do-{}", self.action), self.message.clone());
        let action = form.action.clone();
        for f in &mut form.fields {
            f.value = self.typed.get(f.name).cloned().unwrap_or_default();
            // `principles[2]` is a value of the field `principles`.
            let at_fault = self
                .field
                .as_deref()
                .and_then(|n| n.split(['[', '.']).next());
            if at_fault == Some(f.name) {
                f.error = Some(self.message.clone());
                line = (
                    format!("#{action}-{}", f.name),
                    format!("{}: {}", f.label, self.message),
                );
            }
        }
        line
    }
}

/// The forms of a page that has actions, and what the last one came to: the confirmation of an
/// action done, or the error summary of a refused form.
pub(super) struct PageForms {
    actions: Vec<FormView>,
    csrf: String,
    /// The confirmation of the action just done (its label).
    done: Option<&'static str>,
    /// The error summary: (link to the field, message).
    errors: Vec<(String, String)>,
}

impl PageForms {
    fn new(
        viewer: &Viewer<'_>,
        mut actions: Vec<FormView>,
        done: Option<&'static str>,
        refused: Option<Refused<'_>>,
    ) -> Self {
        let errors = refused.map(|r| r.apply(&mut actions)).into_iter().collect();
        Self {
            actions,
            csrf: viewer.csrf.clone(),
            done,
            errors,
        }
    }
}

/// The value of `key` in the page's query; `None` when absent or empty.
fn query_value(parts: &Parts, key: &str) -> Option<String> {
    url::form_urlencoded::parse(parts.uri.query()?.as_bytes())
        .find(|(k, v)| k == key && !v.is_empty())
        .map(|(_, v)| v.into_owned())
}

/// The `?done=` of a page reached after a form's command.
fn done_query(parts: &Parts) -> Option<String> {
    query_value(parts, "done")
}

/// The page number asked for in `?page=` (1 when absent or not a number).
fn page_number(parts: &Parts) -> usize {
    query_value(parts, "page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1)
}

/// The items typed in one field, separated by commas or spaces ("KEN, UGA", "F8.1 O3.7").
fn items(raw: &str) -> Vec<String> {
    raw.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|i| !i.is_empty())
        .map(str::to_string)
        .collect()
}

/// A form's fields, as posted.
type FormFields = BTreeMap<String, String>;

/// A form's fields with the repeated ones (a group of checkboxes) kept: `Form<Posted>`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(transparent)]
struct Posted(Vec<(String, String)>);

impl Posted {
    /// The first value of `key`, as typed ("" when absent).
    fn one(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }
    /// The fields as a form of single values: a repeated key's values joined by commas.
    fn fields(&self) -> FormFields {
        let mut fields = FormFields::new();
        for (k, v) in &self.0 {
            fields
                .entry(k.clone())
                .and_modify(|all: &mut String| {
                    all.push(',');
                    all.push_str(v);
                })
                .or_insert_with(|| v.clone());
        }
        fields
    }
    /// Every value of `key`, trimmed, blanks left out.
    fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect()
    }
}

/// The caller of a form post, once its CSRF token is checked; otherwise the answer to send (to
/// the sign-in page, or a page saying the form expired).
async fn form_caller(
    state: &AppState,
    parts: &Parts,
    form: &FormFields,
) -> Result<(&'static Texts, Caller), Response> {
    let t = i18n::texts(i18n::language(parts).0);
    if must_change_password_first(state, parts) {
        return Err(account::change_password_first());
    }
    let Some((who, token)) = user(state, parts).await else {
        return Err(to_login());
    };
    if !state
        .app
        .tokens
        .csrf_matches(&token, form.get("csrf").map_or("", String::as_str))
    {
        return Err(message(
            t,
            StatusCode::FORBIDDEN,
            Some(who.name),
            t.form_expired,
            t.form_expired,
            Some(("/", t.back)),
        ));
    }
    Ok((t, Caller::new(who, correlation_id(parts))))
}

/// A form field as typed, trimmed; `None` when absent or blank.
fn form_text(form: &FormFields, key: &str) -> Option<String> {
    form.get(key)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
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
