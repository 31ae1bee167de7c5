//! Signing in, the signed-in account, and account administration.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use safeguards_domain::account::{account_id, Account, AccountCommand};
use safeguards_domain::subscriber::Language;
use safeguards_domain::values::{AccountId, Actor, CountryCode, Email, Role, Title};
use safeguards_infra::Committed;
use safeguards_projections::Tracker;
use serde::Serialize;

use crate::access::{authorize, Action, Caller, Principal};
use crate::credentials::{self, check_strength, generate_password};
use crate::error::{AppError, AppResult};
use crate::App;

/// An account as its administrators (and its owner) see it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountOut {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub countries: BTreeSet<String>,
    pub disabled: bool,
}

fn account_out(model: &Tracker, id: &str) -> Option<AccountOut> {
    model.accounts.get(id).map(|a| AccountOut {
        id: a.id.clone(),
        email: a.email.clone(),
        name: a.name.clone(),
        role: a.role,
        countries: model.countries_of(id),
        disabled: a.disabled,
    })
}

/// A signed-in session: its bearer token and the account.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct Session {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub account: AccountOut,
}

/// Check an e-mail and password and open a session. An unknown address, a disabled account
/// and a wrong password get the same answer after the same work. The account is read from its
/// own events, so one created a moment ago by another process signs in at once.
pub async fn sign_in(app: &App, email: &str, password: &str) -> AppResult<Session> {
    static DECOY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        credentials::hash_now(&uuid::Uuid::new_v4().to_string()).unwrap_or_default()
    });
    let id = Email::parse(email).ok().map(|e| account_id(&e));
    let account = match id {
        Some(id) => Some(app.load::<Account>(&id.to_string()).await?),
        None => None,
    }
    .filter(|a| a.exists() && !a.is_disabled());
    let hash = account
        .as_ref()
        .and_then(|a| a.password_hash())
        .map(str::to_string);
    let known = hash.is_some();
    let matches = app
        .passwords
        .verify(password.to_string(), hash.unwrap_or_else(|| DECOY.clone()))
        .await?;
    let (Some(id), Some(account)) = (id, account.filter(|_| known && matches)) else {
        return Err(AppError::Unauthorized);
    };
    // Tokens live in real time, whatever time the views are told it is.
    let (token, expires_at) = app.tokens.issue(id, chrono::Utc::now());
    let model = app.model().await;
    let account = account_out(&model, &id.to_string()).unwrap_or_else(|| AccountOut {
        id: id.to_string(),
        email: account
            .email()
            .map(|e| e.as_str().to_string())
            .unwrap_or_default(),
        name: account
            .name()
            .map(|n| n.as_str().to_string())
            .unwrap_or_default(),
        role: account.role().unwrap_or(Role::Viewer),
        countries: account
            .countries()
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        disabled: false,
    });
    Ok(Session {
        token,
        expires_at,
        account,
    })
}

/// The principal a bearer token or session cookie names, if it is valid and its account
/// enabled.
pub async fn principal(app: &App, token: &str) -> AppResult<Principal> {
    let id = app
        .tokens
        .check(token, chrono::Utc::now())
        .ok_or(AppError::Unauthorized)?;
    let model = app.model().await;
    let account = model
        .accounts
        .get(&id.to_string())
        .filter(|a| !a.disabled)
        .ok_or(AppError::Unauthorized)?;
    Ok(Principal {
        actor: Actor::Account(id),
        role: account.role,
        name: account.name.clone(),
        countries: model.countries_of(&id.to_string()),
        language: account.language,
    })
}

/// The signed-in account.
pub async fn me(app: &App, who: &Principal) -> AppResult<AccountOut> {
    let id = who.account().ok_or(AppError::Unauthorized)?;
    account_out(&*app.model().await, &id.to_string()).ok_or(AppError::Unauthorized)
}

/// A new account, as asked for.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: Email,
    pub name: Title,
    pub role: Role,
    pub countries: Vec<CountryCode>,
    /// `None`: one is generated and returned once.
    pub password: Option<String>,
}

/// A created account, with its password when it was generated.
#[derive(Debug, Clone)]
pub struct Created {
    pub committed: Committed,
    pub generated_password: Option<String>,
}

/// Create an account (admins).
pub async fn create(app: &App, caller: &Caller, new: NewAccount) -> AppResult<Created> {
    authorize(&caller.principal, Action::ManageAccounts, None)?;
    let (password, generated) = match new.password {
        Some(p) => {
            check_strength(&p)?;
            (p, false)
        }
        None => (generate_password(), true),
    };
    let hash = app.passwords.hash(password.clone()).await?;
    let id = account_id(&new.email);
    let committed = app
        .execute::<Account>(
            &Caller {
                if_match: None,
                ..caller.clone()
            },
            &id.to_string(),
            AccountCommand::Create {
                email: new.email,
                name: new.name,
                role: new.role,
                countries: new.countries,
                password_hash: Some(hash),
            },
        )
        .await?;
    Ok(Created {
        committed,
        generated_password: generated.then_some(password),
    })
}

/// Every account (admins).
pub async fn list(app: &App, who: &Principal) -> AppResult<Vec<AccountOut>> {
    authorize(who, Action::ManageAccounts, None)?;
    let model = app.model().await;
    Ok(model
        .accounts
        .keys()
        .filter_map(|id| account_out(&model, id))
        .collect())
}

/// Change an account's role and (when given) its countries (admins).
pub async fn change_role(
    app: &App,
    caller: &Caller,
    id: AccountId,
    role: Role,
    countries: Option<Vec<CountryCode>>,
) -> AppResult<Committed> {
    authorize(&caller.principal, Action::ManageAccounts, None)?;
    app.execute::<Account>(
        caller,
        &id.to_string(),
        AccountCommand::ChangeRole { role, countries },
    )
    .await
}

/// Disable an account (admins); never one's own.
pub async fn disable(app: &App, caller: &Caller, id: AccountId) -> AppResult<Committed> {
    authorize(&caller.principal, Action::ManageAccounts, None)?;
    if caller.principal.account() == Some(id) {
        return Err(AppError::conflict(
            "an admin cannot disable their own account",
        ));
    }
    app.execute::<Account>(caller, &id.to_string(), AccountCommand::Disable)
        .await
}

/// The language of the caller's pages.
pub async fn set_language(app: &App, caller: &Caller, language: Language) -> AppResult<Committed> {
    let id = caller.principal.account().ok_or(AppError::Unauthorized)?;
    app.execute::<Account>(
        caller,
        &id.to_string(),
        AccountCommand::SetLanguage { language },
    )
    .await
}
