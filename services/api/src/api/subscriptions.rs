//! The Safeguards Digest through the API: the open subscription route, subscriber
//! administration, and the digest's periods, preview and send. (The pages mails link to are in
//! `pages::subscriptions`.)

use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use safeguards_app::digests::{self, Sent};
use safeguards_app::subscriptions::{self, SubscriberOut};
use safeguards_digest::compose::Audience;
use safeguards_digest::subscriptions::SubscribeRequest;
use safeguards_domain::subscriber::{Frequency, Language, Preferences};
use safeguards_domain::values::{
    parse_word, CountryCode, Email, PrincipleCode, SubscriberId, Title,
};
use safeguards_projections::model::DigestView;
use serde::{Deserialize, Serialize};

use super::Path;
use crate::api::schema::{self, list, max};
use crate::http::error::ApiResult;
use crate::http::extract::{correlation_id, ApiJson, ApiQuery, Cmd, Signed};
use crate::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscribeBody {
    #[schema(schema_with = schema::email)]
    pub email: String,
    #[serde(default)]
    #[schema(schema_with = schema::optional_title)]
    pub name: Option<String>,
    /// Empty or left out: every country.
    #[serde(default)]
    #[schema(schema_with = schema::countries)]
    pub countries: Vec<String>,
    /// Empty or left out: every principle.
    #[serde(default)]
    #[schema(schema_with = schema::followed_principles)]
    pub principles: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = schema::optional_language)]
    pub language: Option<String>,
    /// `weekly` (the default) or `monthly`.
    #[serde(default)]
    #[schema(schema_with = schema::optional_frequency)]
    pub frequency: Option<String>,
}

/// A subscriber's choices as given: codes and words, not yet checked (the API's body and the
/// pages' forms alike).
#[derive(Debug, Clone, Copy, Default)]
pub struct RawPreferences<'a> {
    pub countries: &'a [String],
    pub principles: &'a [String],
    pub language: Option<&'a str>,
    pub frequency: Option<&'a str>,
}

impl RawPreferences<'_> {
    pub fn parse(&self) -> ApiResult<Preferences> {
        Ok(Preferences {
            countries: list(
                "countries",
                self.countries,
                max::COUNTRIES,
                CountryCode::parse,
            )?,
            principles: list(
                "principles",
                self.principles,
                max::PRINCIPLES,
                PrincipleCode::parse,
            )?,
            language: match self.language {
                Some(l) => parse_word::<Language>("language", l)?,
                None => Language::En,
            },
            frequency: match self.frequency {
                Some(f) => parse_word::<Frequency>("frequency", f)?,
                None => Frequency::Weekly,
            },
        })
    }
}

/// A subscription request from its raw fields.
pub fn request(
    email: &str,
    name: Option<&str>,
    preferences: RawPreferences<'_>,
) -> ApiResult<SubscribeRequest> {
    Ok(SubscribeRequest {
        email: Email::parse(email)?,
        name: Title::parse_optional("name", name)?,
        preferences: preferences.parse()?,
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Accepted {
    pub status: &'static str,
}

/// `POST /api/v1/subscriptions`: 202 whatever the state of the address.
#[utoipa::path(post, path = "/subscriptions", operation_id = "subscribe", tag = "digest",
    summary = "Subscribe to the digest; a confirmation mail goes out (202 whatever the address's state)",
    request_body = SubscribeBody,
    responses((status = 202, description = "Accepted", body = Accepted), crate::api::openapi::CommandProblems))]
pub async fn subscribe(
    State(state): State<AppState>,
    parts: Parts,
    ApiJson(body): ApiJson<SubscribeBody>,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
    state.limits.check_subscribe(&parts)?;
    let req = request(
        &body.email,
        body.name.as_deref(),
        RawPreferences {
            countries: &body.countries,
            principles: &body.principles,
            language: body.language.as_deref(),
            frequency: body.frequency.as_deref(),
        },
    )?;
    subscriptions::subscribe(&state.app, req, &correlation_id(&parts)).await?;
    Ok((StatusCode::ACCEPTED, Json(Accepted { status: "accepted" })))
}

/// `GET /api/v1/subscribers` (admins and programme managers).
#[utoipa::path(get, path = "/subscribers", operation_id = "list_subscribers", tag = "digest",
    summary = "Every subscriber (admins, programme managers)",
    responses((status = 200, description = "Subscribers", body = Vec<SubscriberOut>), crate::api::openapi::ReadProblems),
    security(("bearer" = [])))]
pub async fn subscribers(
    State(state): State<AppState>,
    Signed(who): Signed,
) -> ApiResult<Json<Vec<SubscriberOut>>> {
    Ok(Json(subscriptions::list(&state.app, &who).await?))
}

/// `POST /api/v1/subscribers/{id}/erase` (admins and programme managers).
#[utoipa::path(post, path = "/subscribers/{id}/erase", operation_id = "erase_subscriber", tag = "digest",
    summary = "Erase a subscriber's personal data (admins, programme managers)",
    params(("id" = uuid::Uuid, Path, description = "Subscriber id")),
    responses((status = 200, description = "Erased", body = Accepted), crate::api::openapi::CommandProblems),
    security(("bearer" = [])))]
pub async fn erase(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(id): Path<SubscriberId>,
) -> ApiResult<Json<Accepted>> {
    subscriptions::erase(&state.app, &caller, id).await?;
    Ok(Json(Accepted { status: "erased" }))
}

/// `GET /api/v1/digests`.
#[utoipa::path(get, path = "/digests", operation_id = "list_digests", tag = "digest",
    summary = "Every digest sent, by period",
    responses((status = 200, description = "Digests", body = Vec<DigestView>), crate::api::openapi::ReadProblems),
    security(("bearer" = [])))]
pub async fn digests(
    State(state): State<AppState>,
    Signed(who): Signed,
) -> ApiResult<Json<Vec<DigestView>>> {
    Ok(Json(digests::list(&state.app, &who).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PreviewQuery {
    /// Comma-separated ISO codes; all countries when absent or empty.
    #[param(schema_with = schema::country_list)]
    pub countries: Option<String>,
}

/// `GET /api/v1/digests/preview?countries=KEN,BRA` (HTML).
#[utoipa::path(get, path = "/digests/preview", operation_id = "preview_digest", tag = "digest",
    summary = "The digest as a subscriber to these countries would receive it now (HTML)",
    params(PreviewQuery),
    responses((status = 200, description = "HTML", body = String, content_type = "text/html"), crate::api::openapi::ReadProblems),
    security(("bearer" = [])))]
pub async fn preview(
    State(state): State<AppState>,
    Signed(who): Signed,
    ApiQuery(q): ApiQuery<PreviewQuery>,
) -> ApiResult<Html<String>> {
    let raw: Vec<&str> = q
        .countries
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(|c| c.split(',').collect())
        .unwrap_or_default();
    let countries = list("countries", &raw, max::COUNTRIES, CountryCode::parse)?;
    Ok(Html(
        digests::preview(&state.app, &who, &countries, Audience::Anyone).await?,
    ))
}

/// `POST /api/v1/digests/send`: the current period's digest, now; nothing is sent twice.
#[utoipa::path(post, path = "/digests/send", operation_id = "send_digest", tag = "digest",
    summary = "Send the current period's digest now (nothing is sent twice)",
    responses(
        (status = 200, description = "What this run did", body = Object),
        (status = 202, description = "The run takes longer and goes on; GET /api/v1/digests shows its progress", body = Object),
        crate::api::openapi::CommandProblems),
    security(("bearer" = [])))]
pub async fn send(State(state): State<AppState>, Cmd(caller): Cmd) -> ApiResult<Response> {
    Ok(match digests::send_now(&state.app, &caller).await? {
        Sent::Done(report) => Json(report).into_response(),
        Sent::Running { period } => (
            StatusCode::ACCEPTED,
            Json(serde_json::json!({ "period": period.to_string(), "status": "running" })),
        )
            .into_response(),
    })
}
