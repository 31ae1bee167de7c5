//! Sign-in with the organisation's account: invitation only, roles kept in the tracker.
//!
//! The identity provider vouches for who signed in ([`Identity`], from a verified ID token);
//! this decides whether that is an account of the tracker. An account already linked to the
//! same issuer and subject signs in, whatever its address at the provider is now. Otherwise the
//! token's (verified) address must be that of an existing, enabled account not linked to
//! anyone else: the first such sign-in links it (`OrganisationLinked`), and from then on the
//! link decides. Nothing about roles or countries comes from the provider.
//!
//! Every refusal is logged at info level with its reason, and records nothing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use safeguards_domain::account::{account_id, Account, AccountCommand};
use safeguards_domain::values::{AccountId, Email};
use safeguards_infra::oidc::OidcError;
pub use safeguards_infra::oidc::{Identity, Oidc, Start};
use safeguards_infra::Committed;

use crate::access::{authorize, Action, Caller};
use crate::accounts::{open_session, principal_of, Session};
use crate::error::{AppError, AppResult};
use crate::second_factor::Method;
use crate::App;

/// How long a sign-in may take at the provider: its `state` is remembered as spent this long.
pub const FLOW_LIFETIME: Duration = Duration::from_secs(10 * 60);

/// The organisation's provider, and the sign-ins' `state`s already spent.
#[derive(Debug)]
pub struct Provider {
    oidc: Oidc,
    spent: Mutex<HashMap<String, Instant>>,
}

impl Provider {
    pub fn new(oidc: Oidc) -> Self {
        Self {
            oidc,
            spent: Mutex::default(),
        }
    }
}

/// Whether sign-in with the organisation's account is set up, and the button's text if one
/// was configured.
pub fn offered(app: &App) -> Option<Option<&str>> {
    app.organisation().map(|p| p.oidc.label())
}

fn not_set_up() -> AppError {
    AppError::not_found("sign-in with the organisation's account is not set up")
}

/// Begin a sign-in at the provider: where to send the browser, and what to keep until it
/// comes back (`state`, `nonce`, the PKCE verifier).
pub async fn start(app: &App) -> AppResult<Start> {
    let provider = app.organisation().ok_or_else(not_set_up)?;
    provider.oidc.start().await.map_err(|e| {
        tracing::warn!(error = %e, "the organisation's sign-in could not start");
        AppError::Unavailable(e.to_string())
    })
}

/// Spend a sign-in's `state`: false if it was spent already (a replayed callback).
pub fn spend(app: &App, state: &str) -> bool {
    let Some(provider) = app.organisation() else {
        return false;
    };
    let mut spent = provider.spent.lock().unwrap_or_else(|p| p.into_inner());
    let now = Instant::now();
    // Sign-ins are rate-limited per client, so the map stays small; the expired are dropped
    // as it grows.
    if spent.len() >= 1_000 {
        spent.retain(|_, at| now.duration_since(*at) < FLOW_LIFETIME);
    }
    spent.insert(state.to_string(), now).is_none()
}

/// Finish a sign-in the browser came back from with `code`: the provider's ID token verified
/// (with the flow's PKCE verifier and `nonce`), then [`sign_in`] as the identity it names.
pub async fn finish(
    app: &App,
    correlation_id: &str,
    code: &str,
    pkce_verifier: &str,
    nonce: &str,
) -> AppResult<Session> {
    let provider = app.organisation().ok_or_else(not_set_up)?;
    let identity = match provider.oidc.finish(code, pkce_verifier, nonce).await {
        Ok(identity) => identity,
        Err(OidcError::Refused(why)) => {
            tracing::info!(refused = %why, "a sign-in with the organisation's account was refused");
            return Err(AppError::Forbidden(safeguards_domain::reason!(
                "organisation-refused",
                "the identity provider's answer does not prove who signed in"
            )));
        }
        Err(OidcError::Unavailable(why)) => {
            tracing::warn!(error = %why, "the identity provider is unavailable");
            return Err(AppError::Unavailable(why));
        }
    };
    sign_in(app, correlation_id, &identity).await
}

/// Sign in as the account the provider's `identity` is: see the module's rules.
pub async fn sign_in(app: &App, correlation_id: &str, identity: &Identity) -> AppResult<Session> {
    let decided = decide(app, correlation_id, identity).await;
    if let Err(e) = &decided {
        tracing::info!(
            issuer = %identity.issuer,
            subject = %identity.subject,
            refused = %e,
            "a sign-in with the organisation's account was refused"
        );
    }
    decided
}

async fn decide(app: &App, correlation_id: &str, identity: &Identity) -> AppResult<Session> {
    // A disabled account is refused as one never invited: the page tells nobody which it is.
    let no_account = || {
        AppError::Forbidden(safeguards_domain::reason!(
            "organisation-no-account",
            "no account is invited for this address"
        ))
    };
    let linked = linked_account(app, identity).await;
    let (id, account) = match linked {
        Some(found) => found,
        None => {
            if identity.email_verified == Some(false) {
                return Err(AppError::Forbidden(safeguards_domain::reason!(
                    "organisation-unverified",
                    "the organisation has not verified this e-mail address"
                )));
            }
            let email = identity
                .email
                .as_deref()
                .and_then(|e| Email::parse(e).ok())
                .ok_or_else(no_account)?;
            let id = account_id(&email);
            let account = app.load::<Account>(&id.to_string()).await?;
            if !account.exists() || account.is_disabled() {
                return Err(no_account());
            }
            if account.organisation().is_some() {
                // Linked to another subject of this or another provider.
                return Err(AppError::Forbidden(safeguards_domain::reason!(
                    "organisation-linked-other",
                    "the account is linked to another identity of the organisation"
                )));
            }
            // The first sign-in links the account, in its own name.
            let principal =
                principal_of(id, &account, account.token_generation()).ok_or_else(no_account)?;
            app.execute::<Account>(
                &Caller::new(principal, correlation_id),
                &id.to_string(),
                AccountCommand::LinkOrganisation {
                    issuer: identity.issuer.clone(),
                    subject: identity.subject.clone(),
                },
            )
            .await?;
            (id, app.load::<Account>(&id.to_string()).await?)
        }
    };
    if account.is_disabled() {
        return Err(no_account());
    }
    open_session(app, id, &account, Method::Organisation).await
}

/// The account linked to the identity's issuer and subject, as its own events have it.
async fn linked_account(app: &App, identity: &Identity) -> Option<(AccountId, Account)> {
    let candidate = {
        let model = app.model().await;
        model
            .accounts
            .values()
            .find(|a| {
                a.organisation.as_ref().is_some_and(|(issuer, subject)| {
                    *issuer == identity.issuer && *subject == identity.subject
                })
            })
            .and_then(|a| AccountId::parse(&a.id).ok())
    };
    // The read model may not hold a link made a moment ago by another process: the address's
    // own account is asked as well.
    let by_email = identity
        .email
        .as_deref()
        .and_then(|e| Email::parse(e).ok())
        .map(|e| account_id(&e));
    for id in candidate.into_iter().chain(by_email) {
        let account = app.load::<Account>(&id.to_string()).await.ok()?;
        if account.organisation() == Some((identity.issuer.as_str(), identity.subject.as_str())) {
            return Some((id, account));
        }
    }
    None
}

/// Make an account sign in only with the organisation's account (`only`: its password stops
/// working, and its password sessions end), or let its password work again (admins).
pub async fn set_only(
    app: &App,
    caller: &Caller,
    id: AccountId,
    only: bool,
) -> AppResult<Committed> {
    authorize(&caller.principal, Action::ManageAccounts, None)?;
    app.execute::<Account>(
        caller,
        &id.to_string(),
        AccountCommand::SetOrganisationOnly { only },
    )
    .await
}

/// Untie an account from the provider (admins): its next sign-in there links it again, by
/// its address.
pub async fn unlink(app: &App, caller: &Caller, id: AccountId) -> AppResult<Committed> {
    authorize(&caller.principal, Action::ManageAccounts, None)?;
    app.execute::<Account>(caller, &id.to_string(), AccountCommand::UnlinkOrganisation)
        .await
}
