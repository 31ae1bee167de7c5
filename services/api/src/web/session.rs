//! The session of the pages: its cookie (read and written with `axum_extra`'s [`CookieJar`]),
//! the signed-in visitor as an extractor ([`Visit`]), and the one comparison of a form's token
//! with the session ([`Signed`]). A session whose password was made for it reaches only the
//! pages that change it.

use std::convert::Infallible;

use axum::extract::{Form, FromRequest, FromRequestParts, OptionalFromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use safeguards_app::{Caller, Principal};
use safeguards_domain::subscriber::Language;
use serde::de::DeserializeOwned;

use super::error::PageError;
use super::form::{FormFields, Posted};
use super::i18n::{self, Texts};
use super::{account, local_path};
use crate::http::extract::correlation_id;
use crate::AppState;

/// The cookie of a signed-in session.
pub(crate) const SESSION: &str = "sg_session";

/// The session cookie's name: over https with the `__Host-` prefix, which a browser keeps only
/// when the cookie is `Secure`, for the whole host and set by the host itself (no subdomain or
/// plain-http page can plant or overwrite it).
fn session_cookie(state: &AppState) -> &'static str {
    if over_https(state) {
        "__Host-sg_session"
    } else {
        SESSION
    }
}

/// Whether the tracker is served over https (its cookies are then `Secure`).
fn over_https(state: &AppState) -> bool {
    state.app.digest().settings.public_url.scheme() == "https"
}

/// A cookie of the request.
pub(super) fn cookie(parts: &Parts, name: &str) -> Option<String> {
    CookieJar::from_headers(&parts.headers)
        .get(name)
        .map(|c| c.value().to_string())
}

/// A cookie of this site: HttpOnly, for `path`, `Secure` over https.
pub(super) fn site_cookie(
    state: &AppState,
    name: &'static str,
    value: String,
    path: &'static str,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .path(path)
        .secure(over_https(state))
        .build()
}

/// `response`, setting the session cookie to `token`.
pub(super) fn with_session(state: &AppState, response: Response, token: &str) -> Response {
    let lifetime = safeguards_app::credentials::TOKEN_LIFETIME.num_seconds();
    let mut session = site_cookie(state, session_cookie(state), token.to_string(), "/");
    session.set_same_site(SameSite::Lax);
    session.set_max_age(cookie::time::Duration::seconds(lifetime));
    (CookieJar::new().add(session), response).into_response()
}

/// `response`, ending the session cookie.
pub(super) fn without_session(state: &AppState, response: Response) -> Response {
    let mut session = site_cookie(state, session_cookie(state), String::new(), "/");
    session.set_same_site(SameSite::Lax);
    session.set_max_age(cookie::time::Duration::ZERO);
    (CookieJar::new().add(session), response).into_response()
}

/// The pages a session whose password was made for it may reach before changing it.
const PASSWORD_CHANGE_PAGES: [&str; 3] = ["/account", "/account/password", "/logout"];

/// The pages a session that must enrol a second factor may reach before it has.
const SECOND_FACTOR_PAGES: [&str; 2] = ["/account/second-factor", "/logout"];

/// The signed-in user of a page, their session token, and what the session must do first:
/// from the session cookie, its token checked once.
async fn user(
    state: &AppState,
    parts: &Parts,
) -> Option<(Principal, String, safeguards_app::credentials::Bearer)> {
    let token = cookie(parts, session_cookie(state))?;
    let (who, bearer) = state.principal(parts, &token).await.ok()?;
    Some((who, token, bearer))
}

/// The signed-in visitor of a page, with the language the page speaks to them. As an
/// extractor it answers a visitor who is not signed in: a page sends them to sign in (and back
/// here after), a form to the sign-in page.
#[derive(Debug, Clone)]
pub(super) struct Visit {
    pub who: Principal,
    pub token: String,
    /// The session's password was made for it: it must be changed before anything else.
    pub must_change_password: bool,
    /// The account's role requires a second factor it has not enrolled: that comes first.
    pub must_enrol_second_factor: bool,
    pub t: &'static Texts,
    pub lang: Language,
    pub chosen: bool,
    correlation_id: String,
}

impl FromRequestParts<AppState> for Visit {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some((who, token, bearer)) = user(state, parts).await else {
            if parts.method != Method::GET && parts.method != Method::HEAD {
                return Err(to_login());
            }
            let (lang, chosen) = i18n::language(parts);
            return Err(i18n::remember(to_login_from(parts), lang, chosen));
        };
        let must_change_password = bearer.password_change_required;
        if must_change_password && !PASSWORD_CHANGE_PAGES.contains(&parts.uri.path()) {
            return Err(account::change_password_first());
        }
        let must_enrol_second_factor = bearer.second_factor_required;
        if must_enrol_second_factor && !SECOND_FACTOR_PAGES.contains(&parts.uri.path()) {
            return Err(Redirect::to("/account/second-factor").into_response());
        }
        let (locale, chosen) = i18n::language_for(parts, who.language, who.digits);
        let visit = Self {
            who,
            token,
            must_change_password,
            must_enrol_second_factor,
            t: i18n::texts(locale),
            lang: locale.language,
            chosen,
            correlation_id: correlation_id(parts),
        };
        // What the extractors after this one answer with (a malformed id, a form's token).
        parts.extensions.insert(visit.clone());
        Ok(visit)
    }
}

/// The visitor of a page anyone may see: signed in, or not.
impl OptionalFromRequestParts<AppState> for Visit {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Infallible> {
        Ok(
            <Self as FromRequestParts<AppState>>::from_request_parts(parts, state)
                .await
                .ok(),
        )
    }
}

impl Visit {
    pub fn name(&self) -> Option<String> {
        Some(self.who.name.clone())
    }
    /// The token the forms of this session carry.
    pub fn csrf(&self, state: &AppState) -> String {
        state.app.tokens().csrf(&self.token)
    }
    /// Whether `sent` is the token of this session's forms: the one check of a submission,
    /// in constant time.
    pub fn sent_by(&self, state: &AppState, sent: &str) -> bool {
        state.app.tokens().csrf_matches(&self.token, sent)
    }
    /// The visitor as a page with forms sees them.
    pub fn viewer(&self, state: &AppState) -> super::Viewer<'_> {
        super::Viewer {
            t: self.t,
            who: &self.who,
            csrf: self.csrf(state),
        }
    }
    /// The visitor as the use cases know them.
    pub fn caller(&self) -> Caller {
        Caller::new(self.who.clone(), self.correlation_id.clone())
    }
    /// The page, with the language choice kept.
    pub fn answer(&self, response: Response) -> Response {
        i18n::remember(response, self.t.locale, self.chosen)
    }
    /// The page of something that does not exist, for this visitor.
    pub fn not_found(&self, text: &str) -> PageError {
        PageError::not_found(self.t, self.name(), text)
    }
}

/// A form's fields that carry the session's token.
pub(super) trait Token {
    fn token(&self) -> &str;
}

impl Token for FormFields {
    fn token(&self) -> &str {
        self.get("csrf").map_or("", String::as_str)
    }
}

impl Token for Posted {
    fn token(&self) -> &str {
        self.one("csrf")
    }
}

/// A form posted by the signed-in visitor (a [`Visit`] extracted before it), once its token is
/// the session's; otherwise the page saying the form has expired.
pub(super) struct Signed<T>(pub T);

impl<T> FromRequest<AppState> for Signed<T>
where
    T: DeserializeOwned + Token + Send,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let visit = request.extensions().get::<Visit>().cloned();
        let Form(form) = Form::<T>::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match visit {
            Some(visit) if visit.sent_by(state, form.token()) => Ok(Self(form)),
            Some(visit) => Err(PageError::form_expired(visit.t, visit.name()).into_response()),
            None => Err(to_login()),
        }
    }
}

/// A typed parameter of a page's path (`Path<MilestoneId>`, `Path<CountryCode>`): one that
/// does not read as its type is a page saying no such thing exists, as an unknown one is.
pub(super) struct Path<T>(pub T);

/// What a page says of an id of this type that names nothing.
pub(super) trait Missing {
    fn missing(t: &'static Texts) -> &'static str;
}

impl<T> FromRequestParts<AppState> for Path<T>
where
    T: DeserializeOwned + Missing + Send,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match <axum::extract::Path<T> as FromRequestParts<AppState>>::from_request_parts(
            parts, state,
        )
        .await
        {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(_) => {
                let (t, user) = match parts.extensions.get::<Visit>() {
                    Some(visit) => (visit.t, visit.name()),
                    None => (i18n::texts(i18n::language(parts).0), None),
                };
                Err(PageError::not_found(t, user, T::missing(t)).into_response())
            }
        }
    }
}

/// A path of an id and a word (`/milestones/{id}/{step}`): what is missing is the id.
impl<Id: Missing, Word> Missing for (Id, Word) {
    fn missing(t: &'static Texts) -> &'static str {
        Id::missing(t)
    }
}

impl Missing for safeguards_domain::values::MilestoneId {
    fn missing(t: &'static Texts) -> &'static str {
        t.no_such_milestone
    }
}

impl Missing for safeguards_domain::values::CommitmentId {
    fn missing(t: &'static Texts) -> &'static str {
        t.no_such_commitment
    }
}

impl Missing for safeguards_domain::values::CountryCode {
    fn missing(t: &'static Texts) -> &'static str {
        t.no_such_engagement
    }
}

/// The token of a form shown without a session (sign-in, subscription): one random value, in
/// the form and in a cookie that only `path` receives (`SameSite=Strict`), so that another site
/// cannot post the form in a visitor's name. `form` names the cookie.
pub(super) struct FormToken {
    pub form: &'static str,
    pub path: &'static str,
}

impl FormToken {
    /// A fresh token, and `response` with its cookie set.
    pub fn issue(&self, response: impl FnOnce(&str) -> Response) -> Response {
        use rand::RngCore;
        let mut raw = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        let cookie = Cookie::build((self.form, token.clone()))
            .http_only(true)
            .same_site(SameSite::Strict)
            .path(self.path)
            .max_age(cookie::time::Duration::hours(1));
        (CookieJar::new().add(cookie), response(&token)).into_response()
    }

    /// Whether the form's `sent` token is the one its cookie holds (compared in constant time).
    pub fn matches(&self, parts: &Parts, sent: &str) -> bool {
        let expected = cookie(parts, self.form).unwrap_or_default();
        safeguards_app::credentials::same_secret(&expected, sent)
    }
}

pub(super) fn to_login() -> Response {
    Redirect::to("/login").into_response()
}

/// To the sign-in page, which then leads back to the page asked for (a link from a digest, a
/// bookmark).
pub(super) fn to_login_from(parts: &Parts) -> Response {
    let wanted = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    if wanted == "/" || local_path(wanted).is_none() {
        return to_login();
    }
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("next", wanted)
        .finish();
    Redirect::to(&format!("/login?{query}")).into_response()
}
