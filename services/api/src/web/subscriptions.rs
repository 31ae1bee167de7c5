//! The pages of the Safeguards Digest: the subscription form, and the pages the links in mails
//! open (confirm, preferences, unsubscribe). No sign-in: the link's token is the credential.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use safeguards_app::subscriptions::{self, LinkError};
use safeguards_app::AppError;
use safeguards_domain::subscriber::{Frequency, SubscriberStatus};
use safeguards_domain::values::{parse_word, PrincipleCode, Title};
use serde::Deserialize;

use super::form::{language_picks, Pick};
use super::{message, render, FormToken, Posted};

/// The subscription form's token: another site cannot subscribe its visitors' browsers.
const SUBSCRIBE_FORM: FormToken = FormToken {
    form: "sg_subscribe",
    path: "/subscribe",
};
use crate::api::subscriptions::RawPreferences;
use crate::http::error::ApiError;
use crate::http::extract::correlation_id;
use crate::web::i18n::{self, Texts};
use crate::AppState;

/// The principles to tick, `ticked` ticked.
fn principles(t: &Texts, ticked: &[String]) -> Vec<Pick> {
    PrincipleCode::all()
        .into_iter()
        .map(|p| {
            let code = p.as_str();
            Pick {
                value: code,
                label: t.term(p),
                chosen: ticked.iter().any(|t| t == code),
            }
        })
        .collect()
}

/// The frequencies to choose from, `chosen` chosen.
fn frequencies(t: &'static Texts, chosen: Frequency) -> Vec<Pick> {
    [
        (Frequency::Weekly, t.weekly),
        (Frequency::Monthly, t.monthly),
    ]
    .into_iter()
    .map(|(f, label)| Pick {
        value: f.into(),
        label,
        chosen: f == chosen,
    })
    .collect()
}

/// The preferences a form posts: typed countries, ticked principles, language, frequency.
fn posted_preferences(form: &Posted) -> (Vec<String>, Vec<String>) {
    (
        typed_countries(form.one("countries")),
        form.all("principles"),
    )
}

fn word(form: &Posted, key: &str) -> Option<String> {
    Some(form.one(key).trim().to_string()).filter(|v| !v.is_empty())
}

/// Codes typed in a form, separated by commas: trimmed and upper-cased.
fn typed_countries(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .collect()
}

#[derive(Template)]
#[template(path = "subscribe.html")]
struct SubscribePage<'a> {
    t: &'static Texts,
    user: Option<String>,
    languages: Vec<Pick>,
    principles: Vec<Pick>,
    frequencies: Vec<Pick>,
    error: Option<&'a str>,
    email: &'a str,
    name: &'a str,
    countries: &'a str,
    csrf: &'a str,
}

/// `GET /subscribe`.
pub async fn subscribe_page(parts: Parts) -> Response {
    let (lang, chosen) = i18n::language(&parts);
    let page = SUBSCRIBE_FORM.issue(|csrf| {
        render(
            StatusCode::OK,
            SubscribePage {
                t: i18n::texts(lang),
                user: None,
                languages: language_picks(lang.language),
                principles: principles(i18n::texts(lang), &[]),
                frequencies: frequencies(i18n::texts(lang), Frequency::Weekly),
                error: None,
                email: "",
                name: "",
                countries: "",
                csrf,
            },
        )
    });
    i18n::remember(page, lang, chosen)
}

/// `POST /subscribe`: the same answer whatever the state of the address.
pub async fn subscribe(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<Posted>,
) -> Response {
    let lang = i18n::language(&parts).0;
    let t = i18n::texts(lang);
    if let Err(e) = state.limits.check_subscribe(&parts) {
        return message(
            t,
            e.status,
            None,
            t.too_many,
            &t.api_refusal(&e),
            Some(("/subscribe", t.back)),
        );
    }
    if !SUBSCRIBE_FORM.matches(&parts, form.one("csrf")) {
        return message(
            t,
            StatusCode::FORBIDDEN,
            None,
            t.form_expired,
            t.form_expired,
            Some(("/subscribe", t.back)),
        );
    }
    let (countries, ticked) = posted_preferences(&form);
    let (language, frequency) = (word(&form, "language"), word(&form, "frequency"));
    let request = crate::api::subscriptions::request(
        form.one("email").trim(),
        Some(form.one("name")),
        RawPreferences {
            countries: &countries,
            principles: &ticked,
            language: language.as_deref(),
            frequency: frequency.as_deref(),
        },
    );
    let outcome = match request {
        Ok(req) => subscriptions::subscribe(&state.app, req, &correlation_id(&parts))
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => message(
            t,
            StatusCode::OK,
            None,
            t.sub_check_mail,
            t.sub_link_on_its_way,
            None,
        ),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            SubscribePage {
                t,
                user: None,
                languages: language_picks(
                    parse_word("language", language.as_deref().unwrap_or_default())
                        .unwrap_or(lang.language),
                ),
                principles: principles(t, &ticked),
                frequencies: frequencies(
                    t,
                    parse_word("frequency", frequency.as_deref().unwrap_or_default())
                        .unwrap_or_default(),
                ),
                error: Some(&t.api_refusal(&e)),
                email: form.one("email"),
                name: form.one("name"),
                countries: form.one("countries"),
                csrf: form.one("csrf"),
            },
        ),
        Err(e) => message(t, e.status, None, t.sub_went_wrong, t.sub_try_again, None),
    }
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    pub token: String,
}

/// The page of a link that does not work, or of a failure behind it.
fn link_failed(t: &'static Texts, e: LinkError) -> Response {
    match e {
        LinkError::DoesNotWork => message(
            t,
            StatusCode::BAD_REQUEST,
            None,
            t.link_broken,
            t.link_expired,
            Some(("/subscribe", t.sub_again)),
        ),
        LinkError::Failed(e) => failed(t, e),
    }
}

fn failed(t: &'static Texts, e: AppError) -> Response {
    let e = ApiError::from(e);
    message(t, e.status, None, t.sub_went_wrong, t.sub_try_again, None)
}

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage<'a> {
    t: &'static Texts,
    user: Option<String>,
    token: &'a str,
}

/// `GET /subscriptions/confirm?token=…`: a page with a button; a GET confirms nothing, so
/// that the link scanners of mail servers cannot subscribe anyone.
pub async fn confirm_page(parts: Parts, Query(q): Query<TokenQuery>) -> Response {
    let t = i18n::texts(i18n::language(&parts).0);
    render(
        StatusCode::OK,
        ConfirmPage {
            t,
            user: None,
            token: &q.token,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub token: String,
}

/// `POST /subscriptions/confirm` (the page's button).
pub async fn confirm(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<TokenForm>,
) -> Response {
    let t = i18n::texts(i18n::language(&parts).0);
    match subscriptions::confirm(&state.app, &form.token, state.app.clock().now()).await {
        Ok(()) => message(
            t,
            StatusCode::OK,
            None,
            t.sub_confirmed,
            t.sub_confirmed_text,
            None,
        ),
        Err(e) => link_failed(t, e),
    }
}

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage<'a> {
    t: &'static Texts,
    user: Option<String>,
    token: &'a str,
}

/// `GET /unsubscribe?token=…`: a page with a button (a GET never unsubscribes, so link
/// scanners cannot unsubscribe anyone).
pub async fn unsubscribe_page(
    State(state): State<AppState>,
    parts: Parts,
    Query(q): Query<TokenQuery>,
) -> Response {
    let t = i18n::texts(i18n::language(&parts).0);
    if let Err(e) = subscriptions::preferences(&state.app, &q.token).await {
        return link_failed(t, e);
    }
    render(
        StatusCode::OK,
        UnsubscribePage {
            t,
            user: None,
            token: &q.token,
        },
    )
}

/// `POST /unsubscribe?token=…`: the page's button and RFC 8058 one-click
/// (`List-Unsubscribe=One-Click`) alike; no sign-in.
pub async fn unsubscribe(
    State(state): State<AppState>,
    parts: Parts,
    Query(q): Query<TokenQuery>,
) -> Response {
    let t = i18n::texts(i18n::language(&parts).0);
    match subscriptions::unsubscribe(&state.app, &q.token).await {
        Ok(()) => message(
            t,
            StatusCode::OK,
            None,
            t.unsub_done,
            t.unsub_done_text,
            None,
        ),
        Err(e) => link_failed(t, e),
    }
}

#[derive(Template)]
#[template(path = "manage.html")]
struct ManagePage<'a> {
    t: &'static Texts,
    user: Option<String>,
    token: &'a str,
    countries: String,
    name: String,
    languages: Vec<Pick>,
    principles: Vec<Pick>,
    frequencies: Vec<Pick>,
    suppressed: bool,
    error: Option<String>,
}

/// `GET /subscriptions/manage?token=…`: the subscriber's countries and language, from the link
/// in every digest.
pub async fn manage_page(
    State(state): State<AppState>,
    parts: Parts,
    Query(q): Query<TokenQuery>,
) -> Response {
    let t = i18n::texts(i18n::language(&parts).0);
    match subscriptions::preferences(&state.app, &q.token).await {
        Ok(chosen) => render(
            StatusCode::OK,
            ManagePage {
                t,
                user: None,
                token: &q.token,
                countries: chosen.countries.join(", "),
                name: chosen.name.unwrap_or_default(),
                languages: language_picks(chosen.language),
                principles: principles(t, &chosen.principles),
                frequencies: frequencies(t, chosen.frequency),
                suppressed: chosen.status == Some(SubscriberStatus::Suppressed),
                error: None,
            },
        ),
        Err(e) => link_failed(t, e),
    }
}

/// `POST /subscriptions/manage?token=…`.
pub async fn manage(
    State(state): State<AppState>,
    parts: Parts,
    Query(q): Query<TokenQuery>,
    Form(form): Form<Posted>,
) -> Response {
    let t = i18n::texts(i18n::language(&parts).0);
    let (countries, ticked) = posted_preferences(&form);
    let (language, frequency) = (word(&form, "language"), word(&form, "frequency"));
    let raw = RawPreferences {
        countries: &countries,
        principles: &ticked,
        language: language.as_deref(),
        frequency: frequency.as_deref(),
    };
    let parsed = raw.parse().and_then(|preferences| {
        let name = Title::parse_optional("name", Some(form.one("name")))?;
        Ok((preferences, name))
    });
    let (preferences, name) = match parsed {
        Ok(p) => p,
        Err(e) => {
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                ManagePage {
                    t,
                    user: None,
                    token: &q.token,
                    countries: form.one("countries").to_string(),
                    name: form.one("name").to_string(),
                    languages: language_picks(
                        parse_word("language", language.as_deref().unwrap_or_default())
                            .unwrap_or_default(),
                    ),
                    principles: principles(t, &ticked),
                    frequencies: frequencies(
                        t,
                        parse_word("frequency", frequency.as_deref().unwrap_or_default())
                            .unwrap_or_default(),
                    ),
                    suppressed: false,
                    error: Some(t.api_refusal(&e)),
                },
            )
        }
    };
    let language = preferences.language;
    match subscriptions::change_preferences(&state.app, &q.token, preferences, name).await {
        Ok(()) => {
            let t = i18n::texts(language);
            message(
                t,
                StatusCode::OK,
                None,
                t.manage_saved,
                t.manage_saved_text,
                None,
            )
        }
        Err(e) => link_failed(t, e),
    }
    .into_response()
}
