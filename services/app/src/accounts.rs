//! Signing in, the signed-in account, and account administration.

use std::collections::BTreeSet;
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use safeguards_domain::account::roster::{Roster, RosterCommand, ROSTER_ID};
use safeguards_domain::account::{account_id, Account, AccountCommand};
use safeguards_domain::subscriber::{Digits, Language};
use safeguards_domain::values::{AccountId, Actor, CountryCode, Email, Role, Title};
use safeguards_infra::Committed;
use safeguards_projections::Tracker;
use serde::Serialize;

use crate::access::{authorize, Action, Caller, Principal};
use crate::credentials::{self, check_strength, generate_password, Bearer};
use crate::error::{AppError, AppResult};
use crate::second_factor;
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
    /// A second factor is enrolled.
    pub second_factor: bool,
    /// Linked to the organisation's identity provider.
    pub organisation_linked: bool,
    /// Signs in only through the organisation: its password does not work.
    pub organisation_only: bool,
}

/// Account `id` as the store holds it, for an account the read model does not hold yet.
fn account_out_of(id: AccountId, account: &Account) -> AccountOut {
    AccountOut {
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
        disabled: account.is_disabled(),
        second_factor: account.second_factor().is_some(),
        organisation_linked: account.organisation().is_some(),
        organisation_only: account.organisation_only(),
    }
}

/// Account `id` from the read model, else from its own events.
async fn account_out_now(app: &App, id: AccountId) -> AppResult<AccountOut> {
    if let Some(out) = account_out(&*app.model().await, &id.to_string()) {
        return Ok(out);
    }
    let account = app.load::<Account>(&id.to_string()).await?;
    if !account.exists() {
        return Err(AppError::Unauthorized);
    }
    Ok(account_out_of(id, &account))
}

fn account_out(model: &Tracker, id: &str) -> Option<AccountOut> {
    model.accounts.get(id).map(|a| AccountOut {
        id: a.id.clone(),
        email: a.email.clone(),
        name: a.name.clone(),
        role: a.role,
        countries: model.countries_of(id),
        disabled: a.disabled,
        second_factor: a.second_factor,
        organisation_linked: a.organisation.is_some(),
        organisation_only: a.organisation_only,
    })
}

/// A signed-in session: its bearer token and the account.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct Session {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub account: AccountOut,
    /// The password was made for the account and must be changed first: until it is, the
    /// token is good only for `POST /api/v1/me/password` (and `/me`, sign-out); every other
    /// request answers 403 with the problem code `password_change_required`.
    pub password_change_required: bool,
    /// The account's role requires a second factor and it has none: until one is enrolled
    /// (`POST /api/v1/me/second-factor`), the token is good only for that (and `/me`,
    /// sign-out); every other request answers 403 with the problem code
    /// `second_factor_enrolment_required`.
    pub second_factor_enrolment_required: bool,
}

/// What a right password leads to: a session, or the question for a code.
#[derive(Debug, Clone)]
pub enum SignedIn {
    Session(Session),
    /// The account has a second factor and no code was given: `ticket` stands for the right
    /// password for a few minutes, so that the code's page need not carry the password.
    CodeNeeded {
        ticket: String,
    },
}

/// What a ticket is for (see [`crate::credentials::Tokens::seal`]).
const TICKET: &str = "second-factor-ticket";
/// How long a ticket stands for a right password.
const TICKET_LIFETIME: i64 = 5 * 60;

/// The key under which guesses at an account's password are counted: its address as typed,
/// compared wholly lower-cased (known or not, so that no answer tells whether it has one).
fn guess_subject(email: &str) -> String {
    format!("password:{}", email.trim().to_lowercase())
}

/// Check an e-mail and password from `client` and open a session, asking for `code` where the
/// account has a second factor. An unknown address, a disabled account and a wrong password
/// get the same answer after the same work. Guesses are slowed by
/// [`crate::credentials::GuessThrottle`] (per account, per client, and per client at an
/// account) before any password is checked, and wrong codes likewise. The account is read from
/// its own events, so one created a moment ago by another process signs in at once.
pub async fn sign_in(
    app: &App,
    correlation_id: &str,
    client: IpAddr,
    email: &str,
    password: &str,
    code: Option<&str>,
) -> AppResult<SignedIn> {
    static DECOY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        credentials::hash_now(&uuid::Uuid::new_v4().to_string()).unwrap_or_default()
    });
    let guess = app.guesses.admit(client, &guess_subject(email))?;
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
    if account.organisation_only() {
        // Refused before the guess is taken back: the password is no way in.
        return Err(organisation_only());
    }
    app.guesses.right(guess);
    let Some(key) = account.second_factor() else {
        return open_session(app, id, &account, second_factor::Method::Password)
            .await
            .map(SignedIn::Session);
    };
    let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
        let expires = Utc::now().timestamp() + TICKET_LIFETIME;
        let ticket = app.tokens.seal(
            TICKET,
            "",
            format!("{id} {} {expires}", account.token_generation()).as_bytes(),
        );
        return Ok(SignedIn::CodeNeeded { ticket });
    };
    let method = second_factor::check(app, correlation_id, client, id, &account, key, code).await?;
    open_session(app, id, &account, method)
        .await
        .map(SignedIn::Session)
}

/// Finish a sign-in with the `ticket` a right password gave and a code. A ticket that expired,
/// or was given before the password changed, is refused as a wrong code is.
pub async fn sign_in_with_code(
    app: &App,
    correlation_id: &str,
    client: IpAddr,
    ticket: &str,
    code: &str,
) -> AppResult<Session> {
    let sealed = app
        .tokens
        .unseal(TICKET, "", ticket)
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or(AppError::Unauthorized)?;
    let mut parts = sealed.split(' ');
    let (Some(id), Some(generation), Some(expires)) = (
        parts.next().and_then(|p| AccountId::parse(p).ok()),
        parts.next().and_then(|p| p.parse::<u32>().ok()),
        parts.next().and_then(|p| p.parse::<i64>().ok()),
    ) else {
        return Err(AppError::Unauthorized);
    };
    if expires < Utc::now().timestamp() {
        return Err(AppError::Unauthorized);
    }
    let account = app.load::<Account>(&id.to_string()).await?;
    if !account.exists() || account.is_disabled() || account.token_generation() != generation {
        return Err(AppError::Unauthorized);
    }
    let key = account.second_factor().ok_or(AppError::Unauthorized)?;
    let method = second_factor::check(app, correlation_id, client, id, &account, key, code).await?;
    open_session(app, id, &account, method).await
}

fn organisation_only() -> AppError {
    AppError::Forbidden(safeguards_domain::reason!(
        "organisation-sign-in-only",
        "this account signs in with the organisation's account, not a password"
    ))
}

/// A session for account `id`, proven by `method`: recorded (outside the log) for the account
/// page's list of sign-ins. A password session of a role that requires a second factor it has
/// not enrolled is good only for enrolling one.
pub(crate) async fn open_session(
    app: &App,
    id: AccountId,
    account: &Account,
    method: second_factor::Method,
) -> AppResult<Session> {
    use credentials::Restriction;
    // A password made for the account is changed by whoever signs in with it; the
    // organisation's sign-in never used it.
    let password_change_required =
        account.must_change_password() && method != second_factor::Method::Organisation;
    let second_factor_enrolment_required = method == second_factor::Method::Password
        && account.second_factor().is_none()
        && account
            .role()
            .is_some_and(|r| app.second_factor_roles().contains(&r));
    let restriction = if password_change_required {
        Restriction::ChangePassword
    } else if second_factor_enrolment_required {
        Restriction::EnrolSecondFactor
    } else {
        Restriction::None
    };
    // Tokens live in real time, whatever time the views are told it is.
    let now = Utc::now();
    let (token, expires_at) =
        app.tokens
            .issue_with(id, account.token_generation(), restriction, now);
    let method_name: &'static str = method.into();
    let db = app.store.database();
    safeguards_infra::secrets::record_sign_in(
        db,
        &id.to_string(),
        account.token_generation(),
        method_name,
        now.timestamp(),
    )
    .await?;
    // The list is of sessions that may be open: older sign-ins are forgotten (and tried again
    // at the next sign-in, should this fail).
    let expired = (now - credentials::TOKEN_LIFETIME).timestamp();
    if let Err(e) = safeguards_infra::secrets::forget_sign_ins(db, &id.to_string(), expired).await {
        tracing::warn!(error = %e, "expired sign-ins were not forgotten");
    }
    let model = app.model().await;
    let account =
        account_out(&model, &id.to_string()).unwrap_or_else(|| account_out_of(id, account));
    Ok(Session {
        token,
        expires_at,
        account,
        password_change_required,
        second_factor_enrolment_required: second_factor_enrolment_required
            && !password_change_required,
    })
}

/// One of the account's sessions still open.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignInOut {
    pub at: DateTime<Utc>,
    /// `password`, `password_and_code`, `password_and_recovery_code` or `organisation`.
    pub method: String,
}

/// The caller's sign-ins whose sessions may still be open (of the account's current token
/// generation, within a token's lifetime), newest first.
pub async fn sessions(app: &App, caller: &Caller) -> AppResult<Vec<SignInOut>> {
    let id = caller.principal.account().ok_or(AppError::Unauthorized)?;
    let account = app.load::<Account>(&id.to_string()).await?;
    let since = (Utc::now() - credentials::TOKEN_LIFETIME).timestamp();
    let rows = safeguards_infra::secrets::sign_ins(
        app.store.database(),
        &id.to_string(),
        account.token_generation(),
        since,
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(method, at)| {
            Some(SignInOut {
                at: DateTime::from_timestamp(at, 0)?,
                method,
            })
        })
        .collect())
}

/// The principal a bearer token or session cookie names, if it is valid and its account
/// enabled.
pub async fn principal(app: &App, token: &str) -> AppResult<Principal> {
    let bearer = app
        .tokens
        .check(token, chrono::Utc::now())
        .ok_or(AppError::Unauthorized)?;
    principal_of_bearer(app, &bearer).await
}

/// The principal of a token already checked ([`credentials::Tokens::check`]).
pub async fn principal_of_bearer(app: &App, bearer: &Bearer) -> AppResult<Principal> {
    if let Some(principal) = principal_in(&*app.model().await, bearer.account, bearer.generation) {
        return Ok(principal);
    }
    // The read model may not hold the account as it is yet (created, enabled or given a new
    // password by another process a moment ago): its own events decide.
    let account = app.load::<Account>(&bearer.account.to_string()).await?;
    principal_of(bearer.account, &account, bearer.generation).ok_or(AppError::Unauthorized)
}

/// Account `id` as a principal from its own events, on the same terms as [`principal_in`].
pub(crate) fn principal_of(id: AccountId, account: &Account, generation: u32) -> Option<Principal> {
    let role = account.role()?;
    if account.is_disabled() || account.token_generation() != generation {
        return None;
    }
    Some(Principal {
        actor: Actor::Account(id),
        role,
        name: account
            .name()
            .map(|n| n.as_str().to_string())
            .unwrap_or_default(),
        countries: account
            .countries()
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        language: account.language(),
        digits: account.digits(),
    })
}

/// Account `id` as a principal, if it exists, is not disabled and its tokens are still of
/// `generation` (a new password or a revocation ends the older ones).
pub fn principal_in(model: &Tracker, id: AccountId, generation: u32) -> Option<Principal> {
    let account = model
        .accounts
        .get(&id.to_string())
        .filter(|a| !a.disabled && a.token_generation == generation)?;
    Some(Principal {
        actor: Actor::Account(id),
        role: account.role,
        name: account.name.clone(),
        countries: model.countries_of(&id.to_string()),
        language: account.language,
        digits: account.digits,
    })
}

/// The signed-in account.
pub async fn me(app: &App, who: &Principal) -> AppResult<AccountOut> {
    let id = who.account().ok_or(AppError::Unauthorized)?;
    account_out_now(app, id).await
}

/// A new account, as asked for.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: Email,
    pub name: Title,
    pub role: Role,
    pub countries: Vec<CountryCode>,
    /// `None`: one is generated and returned once; it must be changed at the first sign-in.
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
    let role = new.role;
    let command = if generated {
        AccountCommand::CreateWithOneTimePassword {
            email: new.email,
            name: new.name,
            role,
            countries: new.countries,
            password_hash: hash,
        }
    } else {
        AccountCommand::Create {
            email: new.email,
            name: new.name,
            role,
            countries: new.countries,
            password_hash: Some(hash),
        }
    };
    let committed = app
        .execute::<Account>(
            &Caller {
                if_match: None,
                ..caller.clone()
            },
            &id.to_string(),
            command,
        )
        .await?;
    if role == Role::Admin {
        roster(app, caller, RosterCommand::Enlist { account: id }).await?;
    }
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
    let before = app.load::<Account>(&id.to_string()).await?;
    let demoted =
        before.role() == Some(Role::Admin) && role != Role::Admin && !before.is_disabled();
    if demoted {
        roster(app, caller, RosterCommand::Dismiss { account: id }).await?;
    }
    let changed = app
        .execute::<Account>(
            caller,
            &id.to_string(),
            AccountCommand::ChangeRole { role, countries },
        )
        .await;
    // The roster follows what happened: an admin made, or a demotion that did not happen.
    if (changed.is_ok() && role == Role::Admin) || (changed.is_err() && demoted) {
        roster(app, caller, RosterCommand::Enlist { account: id }).await?;
    }
    changed
}

/// Disable an account (admins); never one's own.
pub async fn disable(app: &App, caller: &Caller, id: AccountId) -> AppResult<Committed> {
    authorize(&caller.principal, Action::ManageAccounts, None)?;
    if caller.principal.account() == Some(id) {
        return Err(AppError::conflict(safeguards_domain::reason!(
            "admin-cannot-disable-account",
            "an admin cannot disable their own account"
        )));
    }
    let before = app.load::<Account>(&id.to_string()).await?;
    let admin = before.role() == Some(Role::Admin) && !before.is_disabled();
    if admin {
        roster(app, caller, RosterCommand::Dismiss { account: id }).await?;
    }
    let disabled = app
        .execute::<Account>(caller, &id.to_string(), AccountCommand::Disable)
        .await;
    if disabled.is_err() && admin {
        roster(app, caller, RosterCommand::Enlist { account: id }).await?;
    }
    disabled
}

/// Enable a disabled account again (admins). Tokens issued before it was disabled stay ended;
/// an admin is back on the roster of enabled admins.
pub async fn enable(app: &App, caller: &Caller, id: AccountId) -> AppResult<Committed> {
    authorize(&caller.principal, Action::ManageAccounts, None)?;
    let enabled = app
        .execute::<Account>(caller, &id.to_string(), AccountCommand::Enable)
        .await?;
    // Enlisted only once enabled: the roster may count fewer enabled admins than there are,
    // never more.
    if app.load::<Account>(&id.to_string()).await?.role() == Some(Role::Admin) {
        roster(app, caller, RosterCommand::Enlist { account: id }).await?;
    }
    Ok(enabled)
}

/// Run a command on the roster of enabled admins, seeding it first with the admins the read
/// model knows when this store has none yet (a log from before the roster).
async fn roster(app: &App, caller: &Caller, command: RosterCommand) -> AppResult<()> {
    if !app.load::<Roster>(ROSTER_ID).await?.is_seeded() {
        let admins = app
            .model()
            .await
            .accounts
            .values()
            .filter(|a| a.role == Role::Admin && !a.disabled)
            .filter_map(|a| AccountId::parse(&a.id).ok())
            .collect();
        app.execute::<Roster>(
            &Caller::system(caller.correlation_id.clone()),
            ROSTER_ID,
            RosterCommand::Seed { admins },
        )
        .await?;
    }
    app.execute::<Roster>(
        &Caller {
            if_match: None,
            ..caller.clone()
        },
        ROSTER_ID,
        command,
    )
    .await
    .map(|_| ())
}

/// Change the caller's own password from `client`: the current one is checked first, its
/// guesses slowed as those of sign-in are. Every other session and token of the account stops
/// working; the answer is a fresh session for the caller.
pub async fn change_password(
    app: &App,
    caller: &Caller,
    client: IpAddr,
    current: &str,
    new: String,
) -> AppResult<Session> {
    let id = caller.principal.account().ok_or(AppError::Unauthorized)?;
    check_strength(&new)?;
    let account = app.load::<Account>(&id.to_string()).await?;
    let address = account
        .email()
        .map(|e| e.as_str().to_string())
        .unwrap_or_else(|| id.to_string());
    let guess = app.guesses.admit(client, &guess_subject(&address))?;
    let hash = account.password_hash().unwrap_or_default().to_string();
    if !app.passwords.verify(current.to_string(), hash).await? {
        return Err(AppError::invalid(
            "current_password",
            safeguards_domain::reason!("not-account-s-password", "is not the account's password"),
        ));
    }
    app.guesses.right(guess);
    let new_hash = app.passwords.hash(new).await?;
    app.execute::<Account>(
        caller,
        &id.to_string(),
        AccountCommand::SetPassword {
            password_hash: new_hash,
        },
    )
    .await?;
    // The new session is as the old one was proven; a role that requires a second factor the
    // account has not enrolled still enrols one first.
    let account = app.load::<Account>(&id.to_string()).await?;
    let method = if account.second_factor().is_some() {
        second_factor::Method::PasswordAndCode
    } else {
        second_factor::Method::Password
    };
    open_session(app, id, &account, method).await
}

/// Sign the caller out everywhere: every token of the account stops working.
pub async fn sign_out(app: &App, caller: &Caller) -> AppResult<Committed> {
    let id = caller.principal.account().ok_or(AppError::Unauthorized)?;
    app.execute::<Account>(caller, &id.to_string(), AccountCommand::RevokeTokens)
        .await
}

/// The language of the caller's pages, and their digits.
pub async fn set_language(
    app: &App,
    caller: &Caller,
    language: Language,
    digits: Digits,
) -> AppResult<Committed> {
    let id = caller.principal.account().ok_or(AppError::Unauthorized)?;
    app.execute::<Account>(
        caller,
        &id.to_string(),
        AccountCommand::SetLanguage { language, digits },
    )
    .await
}
