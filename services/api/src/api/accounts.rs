//! Sign-in, the signed-in account, and account administration.

use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use safeguards_app::accounts::{self, AccountOut, NewAccount, Session, SignInOut, SignedIn};
use safeguards_app::{organisation, second_factor};
use safeguards_domain::subscriber::{Digits, Language};
use safeguards_domain::values::{parse_word, AccountId, Email, Title};
use serde::{Deserialize, Serialize};

use super::{created, ok, Path};
use crate::api::schema::{self, list, max};
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{correlation_id, ApiJson, Cmd, Signed};
use crate::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    pub email: String,
    pub password: String,
    /// The second factor's code of this moment (or a recovery code), for an account that has
    /// one; without it such an account's sign-in answers 401 with the problem code
    /// `second_factor_required`.
    #[serde(default)]
    pub code: Option<String>,
}

/// `POST /api/v1/auth/token`: the same 401 for an unknown e-mail and a wrong password; 429 with
/// `Retry-After` while guesses from this client (or at this account) must wait. An account
/// whose password was generated gets a token good only for changing it
/// (`password_change_required`); one whose role requires a second factor it has not enrolled,
/// a token good only for enrolling one (`second_factor_enrolment_required`).
#[utoipa::path(
    post,
    path = "/auth/token",
    operation_id = "sign_in",
    tag = "auth",
    summary = "Sign in: a bearer token for e-mail and password",
    request_body = TokenBody,
    responses((status = 200, description = "Signed in", body = Session), crate::api::openapi::CommandProblems)
)]
pub async fn sign_in(
    State(state): State<AppState>,
    parts: Parts,
    ApiJson(body): ApiJson<TokenBody>,
) -> ApiResult<Json<Session>> {
    state.limits.check_sign_in(&parts)?;
    let client = state.limits.client(&parts);
    let signed = accounts::sign_in(
        &state.app,
        &correlation_id(&parts),
        client,
        &body.email,
        &body.password,
        body.code.as_deref(),
    )
    .await;
    match signed {
        Ok(SignedIn::Session(session)) => Ok(Json(session)),
        Ok(SignedIn::CodeNeeded { .. }) => Err(ApiError {
            code: Some("second_factor_required"),
            ..ApiError::new(
                StatusCode::UNAUTHORIZED,
                "this account has a second factor: send the code of this moment (or a recovery code) as `code`",
            )
        }),
        Err(e) => Err(e.into()),
    }
}

/// `GET /api/v1/me`.
#[utoipa::path(
    get,
    path = "/me",
    operation_id = "me",
    tag = "auth",
    summary = "The signed-in account",
    responses((status = 200, description = "The account", body = AccountOut), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn me(State(state): State<AppState>, Signed(who): Signed) -> ApiResult<Json<AccountOut>> {
    Ok(Json(accounts::me(&state.app, &who).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAccountBody {
    #[schema(schema_with = schema::email)]
    pub email: String,
    #[schema(schema_with = schema::title)]
    pub name: String,
    #[schema(schema_with = schema::role)]
    pub role: String,
    #[serde(default)]
    #[schema(schema_with = schema::countries)]
    pub countries: Vec<String>,
    /// Left out, a password is generated and answered once.
    #[serde(default)]
    #[schema(schema_with = schema::optional_password)]
    pub password: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedAccount {
    id: String,
    version: u64,
    position: i64,
    /// Only when the server generated the password: shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
}

/// `POST /api/v1/accounts` (admins).
#[utoipa::path(
    post,
    path = "/accounts",
    operation_id = "create_account",
    tag = "accounts",
    summary = "Create an account (admins)",
    request_body = CreateAccountBody,
    responses((status = 201, description = "Created; `password` only when generated", body = CreatedAccount), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn create_account(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    ApiJson(body): ApiJson<CreateAccountBody>,
) -> ApiResult<Response> {
    let new = NewAccount {
        email: Email::parse(&body.email)?,
        name: Title::parse_field("name", &body.name)?,
        role: parse_word("role", &body.role)?,
        countries: list(
            "countries",
            &body.countries,
            max::COUNTRIES,
            safeguards_domain::values::CountryCode::parse,
        )?,
        password: body.password,
    };
    let done = accounts::create(&state.app, &caller, new).await?;
    Ok(match done.generated_password {
        None => created(done.committed),
        Some(password) => (
            StatusCode::CREATED,
            Json(CreatedAccount {
                id: done.committed.aggregate_id,
                version: done.committed.version,
                position: done.committed.position,
                password: Some(password),
            }),
        )
            .into_response(),
    })
}

/// `GET /api/v1/accounts` (admins).
#[utoipa::path(
    get,
    path = "/accounts",
    operation_id = "list_accounts",
    tag = "accounts",
    summary = "Every account (admins)",
    responses((status = 200, description = "Accounts", body = Vec<AccountOut>), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn list_accounts(
    State(state): State<AppState>,
    Signed(who): Signed,
) -> ApiResult<Json<Vec<AccountOut>>> {
    Ok(Json(accounts::list(&state.app, &who).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    #[schema(schema_with = schema::role)]
    pub role: String,
    /// Left out, the countries stay as they are.
    #[serde(default)]
    #[schema(schema_with = schema::optional_countries)]
    pub countries: Option<Vec<String>>,
}

/// `POST /api/v1/accounts/{id}/role` (admins).
#[utoipa::path(
    post,
    path = "/accounts/{id}/role",
    operation_id = "change_role",
    tag = "accounts",
    summary = "Change an account's role and countries (admins)",
    params(("id" = uuid::Uuid, Path, description = "Account id")),
    request_body = RoleBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn change_role(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(id): Path<AccountId>,
    ApiJson(body): ApiJson<RoleBody>,
) -> ApiResult<Response> {
    let role = parse_word("role", &body.role)?;
    let countries = body
        .countries
        .as_deref()
        .map(|c| {
            list(
                "countries",
                c,
                max::COUNTRIES,
                safeguards_domain::values::CountryCode::parse,
            )
        })
        .transpose()?;
    Ok(ok(accounts::change_role(
        &state.app, &caller, id, role, countries,
    )
    .await?))
}

/// `POST /api/v1/accounts/{id}/disable` (admins).
#[utoipa::path(
    post,
    path = "/accounts/{id}/disable",
    operation_id = "disable_account",
    tag = "accounts",
    summary = "Disable an account (admins)",
    params(("id" = uuid::Uuid, Path, description = "Account id")),
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn disable_account(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(id): Path<AccountId>,
) -> ApiResult<Response> {
    Ok(ok(accounts::disable(&state.app, &caller, id).await?))
}

/// `POST /api/v1/accounts/{id}/enable` (admins): a disabled account may sign in again.
#[utoipa::path(
    post,
    path = "/accounts/{id}/enable",
    operation_id = "enable_account",
    tag = "accounts",
    summary = "Enable a disabled account again (admins); its earlier tokens stay ended",
    params(("id" = uuid::Uuid, Path, description = "Account id")),
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn enable_account(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(id): Path<AccountId>,
) -> ApiResult<Response> {
    Ok(ok(accounts::enable(&state.app, &caller, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    pub current_password: String,
    #[schema(schema_with = schema::password)]
    pub new_password: String,
}

/// `POST /api/v1/me/password`: every other token of the account stops working. Wrong current
/// passwords are slowed as wrong sign-ins are (429 with `Retry-After`).
#[utoipa::path(
    post,
    path = "/me/password",
    operation_id = "change_password",
    tag = "auth",
    summary = "Change the signed-in account's password; every other token stops working, and a new one is answered",
    request_body = PasswordBody,
    responses((status = 200, description = "Changed: a new session", body = Session), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn change_password(
    State(state): State<AppState>,
    parts: Parts,
    Cmd(caller): Cmd,
    ApiJson(body): ApiJson<PasswordBody>,
) -> ApiResult<Json<Session>> {
    let client = state.limits.client(&parts);
    Ok(Json(
        accounts::change_password(
            &state.app,
            &caller,
            client,
            &body.current_password,
            body.new_password,
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageBody {
    /// One of the six official UN languages: `ar`, `zh`, `en`, `fr`, `ru`, `es`.
    pub language: Language,
    /// The digits of the pages: `latin` (the default) or `arab` (Arabic-Indic, for Arabic).
    #[serde(default)]
    pub digits: Digits,
}

/// `POST /api/v1/me/language`: the language of the account's pages, reminders and the pages
/// its action links open (a page's `?lang=` still wins for that browser).
#[utoipa::path(
    post,
    path = "/me/language",
    operation_id = "set_language",
    tag = "auth",
    summary = "Set the signed-in account's language: its pages, reminders and action-link pages",
    request_body = LanguageBody,
    responses((status = 200, description = "Set", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn set_language(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    ApiJson(body): ApiJson<LanguageBody>,
) -> ApiResult<Response> {
    Ok(ok(accounts::set_language(
        &state.app,
        &caller,
        body.language,
        body.digits,
    )
    .await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SignedOut {
    pub status: &'static str,
}

/// `POST /api/v1/auth/logout`: every token of the account stops working.
#[utoipa::path(
    post,
    path = "/auth/logout",
    operation_id = "sign_out",
    tag = "auth",
    summary = "Sign out everywhere: every token and session of the account stops working",
    responses((status = 200, description = "Signed out", body = SignedOut), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn sign_out(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
) -> ApiResult<Json<SignedOut>> {
    accounts::sign_out(&state.app, &caller).await?;
    Ok(Json(SignedOut {
        status: "signed_out",
    }))
}

/// A second factor being enrolled.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EnrolmentOut {
    /// The secret in base32, to type into an authenticator app.
    pub secret: String,
    /// The same as an `otpauth://` address (what a QR code carries).
    pub otpauth_url: String,
    /// Send back with the first code to `POST /api/v1/me/second-factor/confirm`.
    pub enrolment: String,
}

/// `POST /api/v1/me/second-factor`: start enrolling a second factor (TOTP, 6 digits, 30 s).
/// Nothing is stored until a code confirms it.
#[utoipa::path(
    post,
    path = "/me/second-factor",
    operation_id = "begin_second_factor",
    tag = "auth",
    summary = "Start enrolling a second factor: a new secret, stored once a code confirms it",
    responses((status = 200, description = "A secret to enrol", body = EnrolmentOut), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn begin_second_factor(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
) -> ApiResult<Json<EnrolmentOut>> {
    let enrolment = second_factor::begin(&state.app, &caller).await?;
    Ok(Json(EnrolmentOut {
        secret: enrolment.secret,
        otpauth_url: enrolment.otpauth_url,
        enrolment: enrolment.sealed,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    #[schema(max_length = 2000)]
    pub enrolment: String,
    /// The code the authenticator app shows now.
    #[schema(max_length = 20)]
    pub code: String,
}

/// Secrets are never printed.
impl std::fmt::Debug for EnrolmentOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EnrolmentOut(…)")
    }
}

impl std::fmt::Debug for ConfirmBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConfirmBody(…)")
    }
}

/// An enrolled second factor.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EnrolledOut {
    /// Ten one-use codes for when the authenticator is lost: shown this once.
    pub recovery_codes: Vec<String>,
    /// A fresh session (a token that had to enrol first is good for everything now).
    pub session: Session,
}

impl std::fmt::Debug for EnrolledOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EnrolledOut(…)")
    }
}

/// `POST /api/v1/me/second-factor/confirm`: the enrolment and a code from its secret; answers
/// the recovery codes, once. Wrong codes are slowed as wrong passwords are.
#[utoipa::path(
    post,
    path = "/me/second-factor/confirm",
    operation_id = "confirm_second_factor",
    tag = "auth",
    summary = "Confirm a second factor with its first code; answers ten recovery codes, once",
    request_body = ConfirmBody,
    responses((status = 200, description = "Enrolled", body = EnrolledOut), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn confirm_second_factor(
    State(state): State<AppState>,
    parts: Parts,
    Cmd(caller): Cmd,
    ApiJson(body): ApiJson<ConfirmBody>,
) -> ApiResult<Json<EnrolledOut>> {
    let client = state.limits.client(&parts);
    let (enrolled, session) =
        second_factor::confirm(&state.app, &caller, client, &body.enrolment, &body.code).await?;
    Ok(Json(EnrolledOut {
        recovery_codes: enrolled.recovery_codes,
        session,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetBody {
    /// Why (kept in the account's history).
    #[schema(schema_with = schema::title)]
    pub reason: String,
}

/// `POST /api/v1/accounts/{id}/second-factor/reset` (admins): the account's second factor is
/// removed and its sessions end; the reason is recorded.
#[utoipa::path(
    post,
    path = "/accounts/{id}/second-factor/reset",
    operation_id = "reset_second_factor",
    tag = "accounts",
    summary = "Remove an account's second factor, with a reason (admins)",
    params(("id" = uuid::Uuid, Path, description = "Account id")),
    request_body = ResetBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn reset_second_factor(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(id): Path<AccountId>,
    ApiJson(body): ApiJson<ResetBody>,
) -> ApiResult<Response> {
    let reason = Title::parse_field("reason", &body.reason)?;
    Ok(ok(
        second_factor::reset(&state.app, &caller, id, reason).await?
    ))
}

/// `GET /api/v1/me/sessions`: the account's sign-ins whose sessions may still be open, newest
/// first. `POST /api/v1/auth/logout` ends them all.
#[utoipa::path(
    get,
    path = "/me/sessions",
    operation_id = "my_sessions",
    tag = "auth",
    summary = "The signed-in account's open sessions: when and how each signed in",
    responses((status = 200, description = "Sessions", body = Vec<SignInOut>), crate::api::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn sessions(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
) -> ApiResult<Json<Vec<SignInOut>>> {
    Ok(Json(accounts::sessions(&state.app, &caller).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationOnlyBody {
    /// `true`: the account signs in only with the organisation's account, its password stops
    /// working (and its sessions end); `false`: the password works again.
    pub only: bool,
}

/// `POST /api/v1/accounts/{id}/organisation-only` (admins).
#[utoipa::path(
    post,
    path = "/accounts/{id}/organisation-only",
    operation_id = "set_organisation_only",
    tag = "accounts",
    summary = "Make an account sign in only with the organisation's account, or allow its password again (admins)",
    params(("id" = uuid::Uuid, Path, description = "Account id")),
    request_body = OrganisationOnlyBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn set_organisation_only(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(id): Path<AccountId>,
    ApiJson(body): ApiJson<OrganisationOnlyBody>,
) -> ApiResult<Response> {
    Ok(ok(organisation::set_only(
        &state.app, &caller, id, body.only,
    )
    .await?))
}

/// `POST /api/v1/accounts/{id}/organisation/unlink` (admins): the account is no longer tied
/// to its identity at the provider; its next sign-in there links it again by its address.
#[utoipa::path(
    post,
    path = "/accounts/{id}/organisation/unlink",
    operation_id = "unlink_organisation",
    tag = "accounts",
    summary = "Untie an account from its identity at the organisation's provider (admins)",
    params(("id" = uuid::Uuid, Path, description = "Account id")),
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::api::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn unlink_organisation(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(id): Path<AccountId>,
) -> ApiResult<Response> {
    Ok(ok(organisation::unlink(&state.app, &caller, id).await?))
}
