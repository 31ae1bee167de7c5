//! `/account`: the signed-in account and its language for the pages.

use askama::Template;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use safeguards_app::{accounts, second_factor, AppError};
use safeguards_domain::subscriber::Digits;
use safeguards_domain::values::{parse_word, Role};

use super::form::{language_picks, Pick};
use super::{render, FormFields, PageError, Signed, Visit};
use crate::http::error::ApiError;
use crate::web::i18n::{self, Texts};
use crate::AppState;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    languages: Vec<Pick>,
    digits: Vec<Pick>,
    t: &'static Texts,
    user: Option<String>,
    name: String,
    email: String,
    role: &'static str,
    /// Links to the admin's pages.
    admin: bool,
    countries: String,
    csrf: String,
    /// The password form came back: `Ok` changed, `Err` with the field and the reason.
    password: Option<Result<(), (&'static str, String)>>,
    /// The password was made for the account: it must be changed before anything else.
    must_change: bool,
    /// The second factor: `None` when there is none, else the recovery codes left.
    second_factor: Option<i64>,
    /// The sessions that may be open: when, and how they signed in.
    sessions: Vec<(String, &'static str)>,
}

/// Where a session that must change its password first is sent, whatever page it asks for.
pub(super) fn change_password_first() -> Response {
    Redirect::to("/account#password").into_response()
}

/// `GET /account`.
pub async fn account(State(state): State<AppState>, visit: Visit, parts: Parts) -> Response {
    let changed = parts
        .uri
        .query()
        .is_some_and(|q| q.contains("password=changed"))
        .then_some(Ok(()));
    page(&state, &visit, StatusCode::OK, changed).await
}

/// The account's page; `password` is what became of the password form, if it was sent. A
/// refused form's reason is rendered here, never carried in the address (a link could
/// otherwise make the page say anything).
async fn page(
    state: &AppState,
    visit: &Visit,
    status: StatusCode,
    password: Option<Result<(), (&'static str, String)>>,
) -> Response {
    let t = visit.t;
    let email = accounts::me(&state.app, &visit.who)
        .await
        .map(|a| a.email)
        .unwrap_or_default();
    let role = i18n::role_word(t, visit.who.role.into());
    let admin = visit.who.role == Role::Admin;
    let caller = visit.caller();
    let second_factor = second_factor::status(&state.app, &caller)
        .await
        .unwrap_or_default();
    let sessions = accounts::sessions(&state.app, &caller)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|s| {
            let how = match s.method.as_str() {
                "password_and_code" => t.method_password_and_code,
                "password_and_recovery_code" => t.method_password_and_recovery_code,
                "organisation" => t.method_organisation,
                _ => t.method_password,
            };
            let when = format!(
                "{} {}",
                t.day(s.at.date_naive()),
                t.digits(s.at.format("%H:%M UTC").to_string())
            );
            (when, how)
        })
        .collect();
    visit.answer(render(
        status,
        AccountPage {
            languages: language_picks(visit.lang),
            digits: [
                (Digits::Latin, "0 1 2 3 4 5 6 7 8 9"),
                (Digits::Arab, "٠ ١ ٢ ٣ ٤ ٥ ٦ ٧ ٨ ٩"),
            ]
            .into_iter()
            .map(|(d, label)| Pick {
                value: d.into(),
                label,
                chosen: d == visit.who.digits,
            })
            .collect(),
            t,
            user: visit.name(),
            name: visit.who.name.clone(),
            email,
            role,
            admin,
            countries: visit
                .who
                .countries
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            csrf: visit.csrf(state),
            password,
            must_change: visit.must_change_password,
            second_factor,
            sessions,
        },
    ))
}

/// `POST /account/password`: the current password, then the new one; every other session
/// of the account ends, this one goes on with a new cookie. Wrong current passwords are slowed
/// as wrong sign-ins are.
pub async fn password(
    State(state): State<AppState>,
    visit: Visit,
    parts: Parts,
    Signed(form): Signed<FormFields>,
) -> Response {
    let caller = visit.caller();
    let current = form.get("current_password").cloned().unwrap_or_default();
    let new = form.get("new_password").cloned().unwrap_or_default();
    let client = state.limits.client(&parts);
    match accounts::change_password(&state.app, &caller, client, &current, new).await {
        Ok(session) => super::with_session(
            &state,
            Redirect::to("/account?password=changed#password").into_response(),
            &session.token,
        ),
        Err(e) => {
            let text = visit.t.refusal(&e);
            let e = ApiError::from(e);
            let field = match e.field.as_deref() {
                Some("password" | "new_password") => "new_password",
                _ => "current_password",
            };
            page(&state, &visit, e.status, Some(Err((field, text)))).await
        }
    }
}

/// `POST /account/language`: the account's language for the pages.
pub async fn language(
    State(state): State<AppState>,
    visit: Visit,
    Signed(form): Signed<FormFields>,
) -> Response {
    let caller = visit.caller();
    let word = |name: &str| form.get(name).map_or("", |l| l.trim());
    let digits = match word("digits") {
        "" => Ok(Digits::Latin),
        given => parse_word("digits", given),
    };
    let result = match (parse_word("language", word("language")), digits) {
        (Ok(language), Ok(digits)) => {
            accounts::set_language(&state.app, &caller, language, digits).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e.into()),
    };
    match result {
        Ok(_) => {
            let mut r = Redirect::to("/account").into_response();
            // The account's choice replaces a choice made with the switch.
            r.headers_mut().append(
                header::SET_COOKIE,
                HeaderValue::from_static("sg_lang=; Path=/; Max-Age=0"),
            );
            r
        }
        Err(e) => PageError::failed(visit.t, visit.name(), e)
            .back("/account", visit.t.back)
            .into_response(),
    }
}

#[derive(Template)]
#[template(path = "second_factor.html")]
struct SecondFactorPage {
    t: &'static Texts,
    user: Option<String>,
    csrf: String,
    /// The role requires a factor: nothing else until it is set up.
    required: bool,
    secret: String,
    /// The QR code of the `otpauth://` address, as SVG.
    qr: String,
    enrolment: String,
    error: Option<String>,
    /// Once confirmed: the recovery codes, shown this once.
    recovery_codes: Vec<String>,
}

/// The `otpauth://` address as an inline SVG QR code (dark modules on white, quiet zone
/// included), or nothing if it does not fit one.
fn qr_svg(url: &str) -> String {
    qrcode::QrCode::new(url.as_bytes())
        .map(|code| {
            code.render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .build()
        })
        .unwrap_or_default()
}

fn enrolment_page(
    state: &AppState,
    visit: &Visit,
    status: StatusCode,
    enrolment: second_factor::Enrolment,
    error: Option<String>,
) -> Response {
    visit.answer(render(
        status,
        SecondFactorPage {
            t: visit.t,
            user: visit.name(),
            csrf: visit.csrf(state),
            required: visit.must_enrol_second_factor,
            qr: qr_svg(&enrolment.otpauth_url),
            secret: enrolment.secret,
            enrolment: enrolment.sealed,
            error,
            recovery_codes: Vec::new(),
        },
    ))
}

/// `GET /account/second-factor`: a new secret to enrol, as text and as a QR code, and the form
/// for its first code. Works without JavaScript.
pub async fn second_factor_page(State(state): State<AppState>, visit: Visit) -> Response {
    match second_factor::begin(&state.app, &visit.caller()).await {
        Ok(enrolment) => enrolment_page(&state, &visit, StatusCode::OK, enrolment, None),
        // Enrolled already (in another browser, by the API): a session that had to enrol first
        // signs in anew, any other sees its account page.
        Err(AppError::Conflict(_)) if visit.must_enrol_second_factor => {
            super::session::without_session(&state, super::session::to_login())
        }
        Err(AppError::Conflict(_)) => Redirect::to("/account#second-factor").into_response(),
        Err(e) => PageError::failed(visit.t, visit.name(), e)
            .back("/account", visit.t.back)
            .into_response(),
    }
}

/// `POST /account/second-factor`: the enrolment and its first code; the recovery codes are
/// shown once, and the session goes on with a fresh cookie (one that had to enrol first is
/// good for everything now).
pub async fn confirm_second_factor(
    State(state): State<AppState>,
    visit: Visit,
    parts: Parts,
    Signed(form): Signed<FormFields>,
) -> Response {
    let sealed = form.get("enrolment").cloned().unwrap_or_default();
    let code = form.get("code").cloned().unwrap_or_default();
    let client = state.limits.client(&parts);
    let caller = visit.caller();
    match second_factor::confirm(&state.app, &caller, client, &sealed, &code).await {
        Ok((enrolled, session)) => {
            let page = visit.answer(render(
                StatusCode::OK,
                SecondFactorPage {
                    t: visit.t,
                    user: visit.name(),
                    csrf: String::new(),
                    required: false,
                    secret: String::new(),
                    qr: String::new(),
                    enrolment: String::new(),
                    error: None,
                    recovery_codes: enrolled.recovery_codes,
                },
            ));
            super::with_session(&state, page, &session.token)
        }
        Err(AppError::Forbidden(e)) if e.code == "wrong-code" => {
            // The same secret again, with the reason: the app already holds it.
            match second_factor::resume(&state.app, &caller, &sealed).await {
                Ok(enrolment) => enrolment_page(
                    &state,
                    &visit,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    enrolment,
                    Some(visit.t.second_factor_wrong_code.into()),
                ),
                Err(_) => Redirect::to("/account/second-factor").into_response(),
            }
        }
        Err(e) => PageError::failed(visit.t, visit.name(), e)
            .back("/account/second-factor", visit.t.back)
            .into_response(),
    }
}
