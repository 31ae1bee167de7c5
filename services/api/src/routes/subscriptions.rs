//! Subscriptions and the digest: the open subscription route, subscriber administration, the
//! digest list, preview and send, and the confirm / unsubscribe pages mails link to.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::{Form, Json};
use safeguards_digest::subscriptions::{self as subs, LinkError, SubscribeRequest};
use safeguards_digest::{contacts, deliver, DigestError};
use safeguards_domain::digest::Period;
use safeguards_domain::subscriber::{Language, SubscriberStatus};
use safeguards_domain::values::{parse_word, CountryCode, Email, Title};
use safeguards_projections::model::DigestView;
use serde::{Deserialize, Serialize};

use super::each;
use crate::auth::{authorize, Action, Principal};
use crate::error::{ApiError, ApiResult};
use crate::extract::{correlation_id, ApiJson, ApiQuery, Cmd};
use crate::i18n::{self, tr};
use crate::AppState;

impl From<DigestError> for ApiError {
    fn from(e: DigestError) -> Self {
        match e {
            DigestError::Command(c) => c.into(),
            DigestError::Sql(s) => safeguards_infra::store::sql_error(s).into(),
            other => {
                tracing::error!(error = %other, "digest failure");
                ApiError::internal()
            }
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscribeBody {
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub countries: Vec<String>,
    #[serde(default)]
    pub language: Option<String>,
}

fn request(body: &SubscribeBody) -> ApiResult<SubscribeRequest> {
    Ok(SubscribeRequest {
        email: Email::parse(&body.email)?,
        name: body
            .name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .map(|n| Title::parse_field("name", n))
            .transpose()?,
        countries: each("countries", &body.countries, CountryCode::parse)?,
        language: match body.language.as_deref().filter(|l| !l.is_empty()) {
            Some(l) => parse_word::<Language>("language", l)?,
            None => Language::En,
        },
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Accepted {
    pub status: &'static str,
}

/// `POST /api/v1/subscriptions`: 202 whatever the state of the address.
#[utoipa::path(post, path = "/api/v1/subscriptions", tag = "digest",
    summary = "Subscribe to the digest; a confirmation mail goes out (202 whatever the address's state)",
    request_body = SubscribeBody,
    responses((status = 202, description = "Accepted", body = Accepted), crate::openapi::CommandProblems))]
pub async fn subscribe(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
    ApiJson(body): ApiJson<SubscribeBody>,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
    state.limits.subscribe.check(&parts)?;
    let req = request(&body)?;
    subs::subscribe(&state.digest, req, &correlation_id(&parts)).await?;
    Ok((StatusCode::ACCEPTED, Json(Accepted { status: "accepted" })))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SubscriberOut {
    pub id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub status: SubscriberStatus,
    pub countries: Vec<String>,
    pub language: Language,
    pub confirmed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub last_digest_position: Option<i64>,
}

/// `GET /api/v1/subscribers` (admins and programme managers).
#[utoipa::path(get, path = "/api/v1/subscribers", tag = "digest", summary = "Every subscriber (admins, programme managers)",
    responses((status = 200, description = "Subscribers", body = Vec<SubscriberOut>), crate::openapi::ReadProblems),
    security(("bearer" = [])))]
pub async fn subscribers(
    State(state): State<AppState>,
    who: Principal,
) -> ApiResult<Json<Vec<SubscriberOut>>> {
    authorize(&who, Action::ManageDigest, None)?;
    let contacts = contacts::all(state.store.database())
        .await
        .map_err(safeguards_infra::store::sql_error)?;
    let model = state.projector.read().await;
    Ok(Json(
        model
            .subscribers
            .values()
            .map(|s| {
                let c = contacts.get(&s.id);
                SubscriberOut {
                    id: s.id.clone(),
                    email: c.map(|c| c.email.clone()),
                    name: c.and_then(|c| c.name.clone()),
                    status: s.status,
                    countries: s.countries.clone(),
                    language: s.language,
                    confirmed_at: s.confirmed_at,
                    last_digest_position: s.last_digest_position,
                }
            })
            .collect(),
    ))
}

/// `POST /api/v1/subscribers/{id}/erase` (admins and programme managers).
#[utoipa::path(post, path = "/api/v1/subscribers/{id}/erase", tag = "digest",
    summary = "Erase a subscriber's personal data (admins, programme managers)",
    params(("id" = String, Path, description = "Subscriber id")),
    responses((status = 200, description = "Erased", body = Accepted), crate::openapi::CommandProblems),
    security(("bearer" = [])))]
pub async fn erase(
    State(state): State<AppState>,
    cmd: Cmd,
    Path(id): Path<String>,
) -> ApiResult<Json<Accepted>> {
    authorize(&cmd.principal, Action::ManageDigest, None)?;
    safeguards_domain::values::SubscriberId::parse(&id)
        .map_err(|_| ApiError::not_found("no such subscriber"))?;
    subs::erase(&state.digest, &id, &cmd.context()).await?;
    Ok(Json(Accepted { status: "erased" }))
}

/// `GET /api/v1/digests`.
#[utoipa::path(get, path = "/api/v1/digests", tag = "digest", summary = "Every digest sent, by period",
    responses((status = 200, description = "Digests", body = Vec<DigestView>), crate::openapi::ReadProblems),
    security(("bearer" = [])))]
pub async fn digests(State(state): State<AppState>, _: Principal) -> Json<Vec<DigestView>> {
    Json(
        state
            .projector
            .read()
            .await
            .digests
            .values()
            .rev()
            .cloned()
            .collect(),
    )
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PreviewQuery {
    /// Comma-separated ISO codes; all countries when absent.
    pub countries: Option<String>,
}

/// `GET /api/v1/digests/preview?countries=KEN,BRA` (HTML).
#[utoipa::path(get, path = "/api/v1/digests/preview", tag = "digest", summary = "The digest as a subscriber to these countries would receive it now (HTML)",
    params(PreviewQuery),
    responses((status = 200, description = "HTML", body = String, content_type = "text/html"), crate::openapi::ReadProblems),
    security(("bearer" = [])))]
pub async fn preview(
    State(state): State<AppState>,
    _: Principal,
    ApiQuery(q): ApiQuery<PreviewQuery>,
) -> ApiResult<Html<String>> {
    let raw: Vec<String> = q
        .countries
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    let countries: Vec<String> = each("countries", &raw, CountryCode::parse)?
        .iter()
        .map(|c| c.as_str().to_string())
        .collect();
    Ok(Html(
        deliver::preview(&state.digest, &countries, state.clock.now()).await?,
    ))
}

/// How long `POST /api/v1/digests/send` waits for the run before answering 202 (below the
/// request timeout of the router).
const SEND_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// `POST /api/v1/digests/send`: the current period's digest, now; nothing is sent twice.
///
/// The run goes on in a task of its own: a long one (many subscribers) is answered 202 while it
/// carries on, and a client that hangs up does not stop it half-way.
#[utoipa::path(post, path = "/api/v1/digests/send", tag = "digest", summary = "Send the current period's digest now (nothing is sent twice)",
    responses(
        (status = 200, description = "What this run did", body = Object),
        (status = 202, description = "The run takes longer and goes on; GET /api/v1/digests shows its progress", body = Object),
        crate::openapi::CommandProblems),
    security(("bearer" = [])))]
pub async fn send(State(state): State<AppState>, cmd: Cmd) -> ApiResult<Response> {
    authorize(&cmd.principal, Action::ManageDigest, None)?;
    let now = state.clock.now();
    let period = Period::containing(now.date_naive());
    let digest = state.digest.clone();
    let run = tokio::spawn(async move { deliver::send_period(&digest, period, now).await });
    match tokio::time::timeout(SEND_WAIT, run).await {
        Ok(Ok(report)) => Ok(Json(report?).into_response()),
        Ok(Err(_)) => Err(ApiError::internal()),
        Err(_) => Ok((
            StatusCode::ACCEPTED,
            Json(serde_json::json!({ "period": period.to_string(), "status": "running" })),
        )
            .into_response()),
    }
}

// ---- pages linked from mails ----

fn page(lang: Language, title: &str, body: &str) -> Html<String> {
    let code: &str = lang.into();
    Html(format!(
        "<!doctype html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Safeguards Tracker</title>\
         <link rel=\"stylesheet\" href=\"/static/app.css\"></head>\
         <body><main><h1>{title}</h1>{body}</main></body></html>"
    ))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET /subscribe`.
pub async fn subscribe_page(parts: axum::http::request::Parts) -> Response {
    let (lang, chosen) = i18n::language(&parts);
    let option = |code: &str, label: &str| {
        let selected = if <&str>::from(lang) == code {
            " selected"
        } else {
            ""
        };
        format!("<option value=\"{code}\"{selected}>{label}</option>")
    };
    let body = format!(
        "<p>{}</p><form method=\"post\" action=\"/subscribe\">\
         <label for=\"email\">{}</label><input id=\"email\" name=\"email\" type=\"email\" required autocomplete=\"email\">\
         <label for=\"name\">{}</label><input id=\"name\" name=\"name\" autocomplete=\"name\">\
         <label for=\"countries\">{}</label><input id=\"countries\" name=\"countries\" placeholder=\"KEN, BRA\">\
         <label for=\"language\">{}</label><select id=\"language\" name=\"language\">{}{}{}</select>\
         <button type=\"submit\">{}</button></form>",
        tr(lang, "A weekly mail with what changed in the countries you follow."),
        tr(lang, "E-mail address"),
        tr(lang, "Name (optional)"),
        tr(lang, "Countries (ISO codes separated by commas; empty for all)"),
        tr(lang, "Language"),
        option("en", "English"),
        option("fr", "Français"),
        option("es", "Español"),
        tr(lang, "Subscribe"),
    );
    i18n::remember(
        page(lang, tr(lang, "Subscribe to the Safeguards Digest"), &body).into_response(),
        lang,
        chosen,
    )
}

#[derive(Debug, Deserialize)]
pub struct SubscribeFormBody {
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub countries: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
}

/// `POST /subscribe` (form).
pub async fn subscribe_form(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
    Form(form): Form<SubscribeFormBody>,
) -> Response {
    if let Err(e) = state.limits.subscribe.check(&parts) {
        return e.into_response();
    }
    let lang = i18n::language(&parts).0;
    let body = SubscribeBody {
        email: form.email,
        name: form.name,
        countries: form
            .countries
            .unwrap_or_default()
            .split(',')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect(),
        language: form.language,
    };
    let outcome = match request(&body) {
        Ok(req) => subs::subscribe(&state.digest, req, &correlation_id(&parts))
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => page(
            lang,
            tr(lang, "Check your mail"),
            &format!("<p>{}</p>", tr(lang, "If the address can receive the digest, a confirmation link is on its way. The link works for 48 hours.")),
        )
        .into_response(),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => (
            StatusCode::UNPROCESSABLE_ENTITY,
            page(
                lang,
                tr(lang, "Please check the form"),
                &format!(
                    "<p role=\"alert\">{}</p><p><a href=\"/subscribe\">{}</a></p>",
                    escape(&e.detail),
                    tr(lang, "Back to the form")
                ),
            ),
        )
            .into_response(),
        Err(e) => (
            e.status,
            page(lang, tr(lang, "Something went wrong"), &format!("<p>{}</p>", tr(lang, "Please try again in a moment."))),
        )
            .into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    pub token: String,
}

/// A page with a title and one sentence, in `lang`.
fn say(lang: Language, title: &'static str, text: &'static str) -> Html<String> {
    page(lang, tr(lang, title), &format!("<p>{}</p>", tr(lang, text)))
}

/// `GET /subscriptions/confirm?token=…`.
pub async fn confirm_page(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
    axum::extract::Query(q): axum::extract::Query<TokenQuery>,
) -> Response {
    let lang = i18n::language(&parts).0;
    match subs::confirm(&state.digest, &q.token, state.clock.now()).await {
        Ok(()) => say(
            lang,
            "Subscription confirmed",
            "You will receive the Safeguards Digest. Every digest has a link to unsubscribe.",
        )
        .into_response(),
        Err(LinkError::Invalid) => (
            StatusCode::BAD_REQUEST,
            page(
                lang,
                tr(lang, "This link does not work"),
                &format!(
                    "<p>{} <a href=\"/subscribe\">{}</a>.</p>",
                    tr(lang, "It is invalid or has expired."),
                    tr(lang, "Subscribe again")
                ),
            ),
        )
            .into_response(),
        Err(LinkError::Failed(e)) => ApiError::from(e).into_response(),
    }
}

/// `GET /unsubscribe?token=…`: a page with a button (a GET never unsubscribes, so link
/// scanners cannot unsubscribe anyone).
pub async fn unsubscribe_page(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
    axum::extract::Query(q): axum::extract::Query<TokenQuery>,
) -> Response {
    let lang = i18n::language(&parts).0;
    if subs::check_unsubscribe_token(&state.digest.settings, &q.token).is_none() {
        return (
            StatusCode::BAD_REQUEST,
            say(lang, "This link does not work", "The link is invalid."),
        )
            .into_response();
    }
    page(
        lang,
        tr(lang, "Unsubscribe from the Safeguards Digest"),
        &format!(
            "<form method=\"post\" action=\"/unsubscribe?token={}\"><button type=\"submit\">{}</button></form>",
            escape(&q.token),
            tr(lang, "Unsubscribe")
        ),
    )
    .into_response()
}

/// `GET /subscriptions/manage?token=…`: the subscriber's countries and language, from the
/// link in every digest.
pub async fn manage_page(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
    axum::extract::Query(q): axum::extract::Query<TokenQuery>,
) -> Response {
    let lang = i18n::language(&parts).0;
    let Some(id) = subs::check_unsubscribe_token(&state.digest.settings, &q.token) else {
        return (
            StatusCode::BAD_REQUEST,
            say(lang, "This link does not work", "The link is invalid."),
        )
            .into_response();
    };
    let (countries, language) = {
        let model = state.projector.read().await;
        model
            .subscribers
            .get(&id.to_string())
            .map(|s| (s.countries.join(", "), s.language))
            .unwrap_or_default()
    };
    let option = |code: &str, label: &str| {
        let selected = if <&str>::from(language) == code {
            " selected"
        } else {
            ""
        };
        format!("<option value=\"{code}\"{selected}>{label}</option>")
    };
    page(
        lang,
        tr(lang, "Your Safeguards Digest"),
        &format!(
            "<form method=\"post\" action=\"/subscriptions/manage?token={token}\">\
             <label for=\"countries\">{}</label>\
             <input id=\"countries\" name=\"countries\" value=\"{countries}\">\
             <label for=\"language\">{}</label><select id=\"language\" name=\"language\">{}{}{}</select>\
             <button type=\"submit\">{}</button></form>\
             <form method=\"post\" action=\"/unsubscribe?token={token}\"><button type=\"submit\">{}</button></form>",
            tr(lang, "Countries (ISO codes separated by commas; empty for all)"),
            tr(lang, "Language"),
            option("en", "English"),
            option("fr", "Français"),
            option("es", "Español"),
            tr(lang, "Save"),
            tr(lang, "Unsubscribe"),
            token = escape(&q.token),
            countries = escape(&countries),
        ),
    )
    .into_response()
}

#[derive(Debug, Deserialize)]
pub struct PreferencesForm {
    #[serde(default)]
    pub countries: String,
    #[serde(default)]
    pub language: String,
}

/// `POST /subscriptions/manage?token=…`.
pub async fn manage_post(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
    axum::extract::Query(q): axum::extract::Query<TokenQuery>,
    Form(form): Form<PreferencesForm>,
) -> Response {
    let lang = i18n::language(&parts).0;
    let raw: Vec<String> = form
        .countries
        .split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    let parsed = each("countries", &raw, CountryCode::parse).and_then(|countries| {
        let language = match form.language.trim() {
            "" => Language::En,
            l => parse_word::<Language>("language", l)?,
        };
        Ok((countries, language))
    });
    let (countries, language) = match parsed {
        Ok(p) => p,
        Err(e) => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                page(
                    lang,
                    tr(lang, "Please check the form"),
                    &format!("<p role=\"alert\">{}</p>", escape(&e.detail)),
                ),
            )
                .into_response()
        }
    };
    match subs::change_preferences(&state.digest, &q.token, countries, language).await {
        Ok(()) => say(
            language,
            "Preferences saved",
            "Your next digests follow your new choice.",
        )
        .into_response(),
        Err(LinkError::Invalid) => (
            StatusCode::BAD_REQUEST,
            say(lang, "This link does not work", "The link is invalid."),
        )
            .into_response(),
        Err(LinkError::Failed(e)) => ApiError::from(e).into_response(),
    }
}

/// `POST /unsubscribe?token=…`: the page's button and RFC 8058 one-click
/// (`List-Unsubscribe=One-Click`) alike; no login.
pub async fn unsubscribe_post(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
    axum::extract::Query(q): axum::extract::Query<TokenQuery>,
) -> Response {
    let lang = i18n::language(&parts).0;
    match subs::unsubscribe(&state.digest, &q.token).await {
        Ok(()) => say(
            lang,
            "You are unsubscribed",
            "No more digests will be sent to you.",
        )
        .into_response(),
        Err(LinkError::Invalid) => (
            StatusCode::BAD_REQUEST,
            say(lang, "This link does not work", "The link is invalid."),
        )
            .into_response(),
        Err(LinkError::Failed(e)) => ApiError::from(e).into_response(),
    }
}
