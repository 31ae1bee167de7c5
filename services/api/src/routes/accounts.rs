//! Sign-in, the signed-in account, and account administration.

use std::collections::BTreeSet;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use safeguards_domain::account::{Account, AccountCommand};
use safeguards_domain::values::{parse_word, AccountId, CountryCode, Email, Role, Title};
use serde::{Deserialize, Serialize};

use super::{created, each, ok};
use crate::auth::{self, account_id, authorize, generate_password, Action, Principal};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, Cmd};
use crate::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccountOut {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub countries: BTreeSet<String>,
    pub disabled: bool,
}

fn account_out(state_model: &safeguards_projections::Tracker, id: &str) -> Option<AccountOut> {
    state_model.accounts.get(id).map(|a| AccountOut {
        id: a.id.clone(),
        email: a.email.clone(),
        name: a.name.clone(),
        role: a.role,
        countries: state_model.countries_of(id),
        disabled: a.disabled,
    })
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenOut {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub account: AccountOut,
}

/// `POST /api/v1/auth/token`: the same 401 for an unknown e-mail and a wrong password.
#[utoipa::path(
    post,
    path = "/api/v1/auth/token",
    tag = "auth",
    summary = "Sign in: a bearer token for e-mail and password",
    request_body = TokenBody,
    responses((status = 200, description = "Signed in", body = TokenOut), crate::openapi::CommandProblems)
)]
pub async fn token(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
    ApiJson(body): ApiJson<TokenBody>,
) -> ApiResult<Json<TokenOut>> {
    state.limits.sign_in.check(&parts)?;
    let refused = || {
        ApiError::new(
            axum::http::StatusCode::UNAUTHORIZED,
            "unknown e-mail or wrong password",
        )
    };
    let account_id = auth::authenticate(&state, &body.email, &body.password)
        .await
        .ok_or_else(refused)?;
    let (token, expires_at) = state.tokens.issue(account_id, Utc::now());
    let model = state.projector.read().await;
    let account = account_out(&model, &account_id.to_string()).ok_or_else(refused)?;
    Ok(Json(TokenOut {
        token,
        expires_at,
        account,
    }))
}

/// `GET /api/v1/me`.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "auth",
    summary = "The signed-in account",
    responses((status = 200, description = "The account", body = AccountOut), crate::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn me(State(state): State<AppState>, who: Principal) -> ApiResult<Json<AccountOut>> {
    let model = state.projector.read().await;
    account_out(&model, &who.id.to_string())
        .map(Json)
        .ok_or_else(ApiError::unauthorized)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    pub email: String,
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub countries: Vec<String>,
    #[serde(default)]
    pub password: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct CreatedAccount {
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
    path = "/api/v1/accounts",
    tag = "accounts",
    summary = "Create an account (admins)",
    request_body = CreateBody,
    responses((status = 201, description = "Created; `password` only when generated", body = CreatedAccount), crate::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    cmd: Cmd,
    ApiJson(body): ApiJson<CreateBody>,
) -> ApiResult<Response> {
    authorize(&cmd.principal, Action::ManageAccounts, None)?;
    let email = Email::parse(&body.email)?;
    let name = Title::parse_field("name", &body.name)?;
    let role: Role = parse_word("role", &body.role)?;
    let countries = each("countries", &body.countries, CountryCode::parse)?;
    let (password, generated) = match body.password {
        Some(p) => {
            auth::check_password_strength(&p)?;
            (p, false)
        }
        None => (generate_password(), true),
    };
    let hash =
        tokio::task::spawn_blocking(move || auth::hash_password(&password).map(|h| (h, password)))
            .await
            .map_err(|_| ApiError::internal())??;
    let id = account_id(&email);
    let committed = state
        .execute::<Account>(
            &cmd.context(),
            &id.to_string(),
            AccountCommand::Create {
                email,
                name,
                role,
                countries,
                password_hash: Some(hash.0),
            },
            None,
        )
        .await?;
    let mut response = created(committed.clone());
    if generated {
        response = (
            axum::http::StatusCode::CREATED,
            Json(CreatedAccount {
                id: committed.aggregate_id,
                version: committed.version,
                position: committed.position,
                password: Some(hash.1),
            }),
        )
            .into_response();
    }
    Ok(response)
}

/// `GET /api/v1/accounts` (admins).
#[utoipa::path(
    get,
    path = "/api/v1/accounts",
    tag = "accounts",
    summary = "Every account (admins)",
    responses((status = 200, description = "Accounts", body = Vec<AccountOut>), crate::openapi::ReadProblems),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    who: Principal,
) -> ApiResult<Json<Vec<AccountOut>>> {
    authorize(&who, Action::ManageAccounts, None)?;
    let model = state.projector.read().await;
    Ok(Json(
        model
            .accounts
            .keys()
            .filter_map(|id| account_out(&model, id))
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    pub role: String,
    #[serde(default)]
    pub countries: Option<Vec<String>>,
}

fn existing(raw: &str) -> ApiResult<AccountId> {
    AccountId::parse(raw).map_err(|_| ApiError::not_found("no such account"))
}

/// `POST /api/v1/accounts/{id}/role` (admins).
#[utoipa::path(
    post,
    path = "/api/v1/accounts/{id}/role",
    tag = "accounts",
    summary = "Change an account's role and countries (admins)",
    params(("id" = String, Path, description = "Account id")),
    request_body = RoleBody,
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn change_role(
    State(state): State<AppState>,
    cmd: Cmd,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RoleBody>,
) -> ApiResult<Response> {
    authorize(&cmd.principal, Action::ManageAccounts, None)?;
    let id = existing(&id)?;
    let command = AccountCommand::ChangeRole {
        role: parse_word("role", &body.role)?,
        countries: body
            .countries
            .as_deref()
            .map(|c| each("countries", c, CountryCode::parse))
            .transpose()?,
    };
    let committed = state
        .execute::<Account>(&cmd.context(), &id.to_string(), command, cmd.if_match)
        .await?;
    Ok(ok(committed))
}

/// `POST /api/v1/accounts/{id}/disable` (admins).
#[utoipa::path(
    post,
    path = "/api/v1/accounts/{id}/disable",
    tag = "accounts",
    summary = "Disable an account (admins)",
    params(("id" = String, Path, description = "Account id")),
    responses((status = 200, description = "Done", body = super::CommandAnswer), crate::openapi::CommandProblems),
    security(("bearer" = []))
)]
pub async fn disable(
    State(state): State<AppState>,
    cmd: Cmd,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    authorize(&cmd.principal, Action::ManageAccounts, None)?;
    let id = existing(&id)?;
    if id == cmd.principal.id {
        return Err(ApiError::conflict(
            "an admin cannot disable their own account",
        ));
    }
    let committed = state
        .execute::<Account>(
            &cmd.context(),
            &id.to_string(),
            AccountCommand::Disable,
            cmd.if_match,
        )
        .await?;
    Ok(ok(committed))
}
