//! The second factor of password accounts: TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30-second
//! steps, a step either side for clocks that drift), with ten one-use recovery codes.
//!
//! Enrolment is two requests and keeps nothing until it is confirmed: [`begin`] makes a secret
//! and hands it out sealed for the account (in the form, or the API's answer); [`confirm`]
//! takes it back with a code computed from it, stores it outside the log under a new key, and
//! records that key in the account's events (`SecondFactorEnrolled`). Whatever the stored
//! rows, only the key the events name is the account's factor, so two enrolments at once
//! leave one factor, never a mix.
//!
//! A code is good once: [`check`] takes the step it matched with one conditional update, and a
//! recovery code with one delete, whichever process sees it first. Wrong codes are counted by
//! the same throttle as wrong passwords, under the account.

use std::net::IpAddr;

use rand::Rng;
use safeguards_domain::account::{Account, AccountCommand};
use safeguards_domain::values::{AccountId, Title};
use safeguards_infra::{secrets, Committed};
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Secret, Totp};

use crate::access::{authorize, Action, Caller};
use crate::error::{AppError, AppResult};
use crate::App;

/// Recovery codes made at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// The name the authenticator app shows beside the account.
const ISSUER: &str = "Safeguards Tracker";

/// What a sealed enrolment is for (see [`crate::credentials::Tokens::seal`]).
const ENROLMENT: &str = "second-factor-enrolment";

/// How a sign-in was proven: recorded with it, listed on the account page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Method {
    Password,
    PasswordAndCode,
    PasswordAndRecoveryCode,
    Organisation,
}

/// A second factor being enrolled: the secret to type or scan, and the same sealed for
/// [`confirm`].
#[derive(Clone)]
pub struct Enrolment {
    /// The secret in base32, as authenticator apps take it typed.
    pub secret: String,
    /// The `otpauth://` address a QR code carries.
    pub otpauth_url: String,
    /// The secret sealed for the account: sent back with the first code.
    pub sealed: String,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Enrolment(…)")
    }
}

fn totp(secret: Vec<u8>, account_name: &str) -> AppResult<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account_name.replace(':', " "))
        .build()
        .map_err(|e| AppError::Internal(format!("a second factor could not be made: {e}")))
}

fn secret_of(base32: &str) -> AppResult<Vec<u8>> {
    Secret::try_from_base32(base32)
        .map(|s| s.as_ref().to_vec())
        .map_err(|_| AppError::Internal("a stored second factor does not read".into()))
}

/// Seconds since 1970, now.
fn now_seconds() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or_default()
}

/// The account of the caller, as its own events have it.
async fn own_account(app: &App, caller: &Caller) -> AppResult<(AccountId, Account)> {
    let id = caller.principal.account().ok_or(AppError::Unauthorized)?;
    let account = app.load::<Account>(&id.to_string()).await?;
    if !account.exists() {
        return Err(AppError::Unauthorized);
    }
    Ok((id, account))
}

fn already_enrolled() -> AppError {
    AppError::conflict(safeguards_domain::reason!(
        "second-factor-already",
        "the account has a second factor already"
    ))
}

/// Start enrolling a second factor for the caller: a new secret, nothing stored yet.
pub async fn begin(app: &App, caller: &Caller) -> AppResult<Enrolment> {
    let (id, account) = own_account(app, caller).await?;
    if account.second_factor().is_some() {
        return Err(already_enrolled());
    }
    let mut secret = [0u8; 20];
    rand::rngs::OsRng.fill(&mut secret);
    enrolment_of(app, id, &account, Secret::from(secret.to_vec()).to_base32())
}

/// The enrolment `sealed` by [`begin`] again (a wrong first code: the app holds its secret).
pub async fn resume(app: &App, caller: &Caller, sealed: &str) -> AppResult<Enrolment> {
    let (id, account) = own_account(app, caller).await?;
    enrolment_of(app, id, &account, unseal(app, id, sealed)?)
}

fn enrolment_of(
    app: &App,
    id: AccountId,
    account: &Account,
    base32: String,
) -> AppResult<Enrolment> {
    let name = account
        .email()
        .map_or_else(|| id.to_string(), |e| e.as_str().to_string());
    let totp = totp(secret_of(&base32)?, &name)?;
    Ok(Enrolment {
        otpauth_url: totp
            .to_url()
            .map_err(|e| AppError::Internal(format!("no otpauth address: {e}")))?,
        sealed: app
            .tokens
            .seal(ENROLMENT, &id.to_string(), base32.as_bytes()),
        secret: base32,
    })
}

/// The secret of a sealed enrolment of account `id`.
fn unseal(app: &App, id: AccountId, sealed: &str) -> AppResult<String> {
    app.tokens
        .unseal(ENROLMENT, &id.to_string(), sealed)
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| {
            // Not the request's shape but the state: an enrolment of another account, or of
            // another server key.
            AppError::conflict(safeguards_domain::reason!(
                "enrolment-expired",
                "is not an enrolment of this account; start again"
            ))
        })
}

/// A confirmed enrolment: the recovery codes, shown once.
#[derive(Clone)]
pub struct Enrolled {
    pub committed: Committed,
    pub recovery_codes: Vec<String>,
}

impl std::fmt::Debug for Enrolled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Enrolled({:?}, … codes)", self.committed)
    }
}

/// A code that does not match the secret now: the factor is not proven (403), whatever the
/// shape of what was sent.
fn wrong_code() -> AppError {
    AppError::Forbidden(safeguards_domain::reason!(
        "wrong-code",
        "this is not the code of this moment"
    ))
}

/// Finish enrolling: `sealed` from [`begin`] and a code computed from its secret. Stores the
/// secret and ten recovery codes (hashed) outside the log, then records the enrolment; answers
/// the codes and a fresh session (one that had to enrol first is good for everything now).
pub async fn confirm(
    app: &App,
    caller: &Caller,
    client: IpAddr,
    sealed: &str,
    code: &str,
) -> AppResult<(Enrolled, crate::accounts::Session)> {
    let (id, account) = own_account(app, caller).await?;
    if account.second_factor().is_some() {
        return Err(already_enrolled());
    }
    let base32 = unseal(app, id, sealed)?;
    let totp = totp(secret_of(&base32)?, "")?;
    let guess = app.codes.admit(client, &code_subject(id))?;
    let Some(step) = totp.check(&digits_of(code), now_seconds()) else {
        return Err(wrong_code());
    };
    app.codes.right(guess);
    let key = uuid::Uuid::new_v4().simple().to_string();
    let recovery_codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code()).collect();
    let hashes: Vec<String> = recovery_codes.iter().map(|c| code_hash(c)).collect();
    let db = app.store.database();
    secrets::put_factor(db, &id.to_string(), &key, &base32, &hashes).await?;
    // The code that confirmed the enrolment is spent.
    secrets::take_step(db, &id.to_string(), &key, step_number(step)).await?;
    let committed = app
        .execute::<Account>(
            caller,
            &id.to_string(),
            AccountCommand::EnrolSecondFactor { key },
        )
        .await?;
    let account = app.load::<Account>(&id.to_string()).await?;
    let session = crate::accounts::open_session(app, id, &account, Method::PasswordAndCode).await?;
    Ok((
        Enrolled {
            committed,
            recovery_codes,
        },
        session,
    ))
}

/// Remove an account's second factor (admins), saying why: its sessions end, and it enrols
/// again at its next sign-in where its role requires a factor.
pub async fn reset(
    app: &App,
    caller: &Caller,
    id: AccountId,
    reason: Title,
) -> AppResult<Committed> {
    authorize(&caller.principal, Action::ManageAccounts, None)?;
    let committed = app
        .execute::<Account>(
            caller,
            &id.to_string(),
            AccountCommand::ResetSecondFactor { reason },
        )
        .await?;
    secrets::forget_factor(app.store.database(), &id.to_string()).await?;
    Ok(committed)
}

/// What guesses at an account's codes are counted under.
fn code_subject(id: AccountId) -> String {
    format!("code:{id}")
}

/// A code as typed: its digits (spaces and dashes some apps show are dropped).
fn digits_of(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

fn step_number(step: u64) -> i64 {
    i64::try_from(step).unwrap_or(i64::MAX)
}

/// A recovery code: ten characters of an unambiguous alphabet (50 bits), as `xxxxx-xxxxx`.
fn recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    let mut code: String = (0..10)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    code.insert(5, '-');
    code
}

/// The stored form of a recovery code: SHA-256 of the code as typed, lower-cased, without
/// spaces and dashes (random codes need no slow hash).
fn code_hash(code: &str) -> String {
    hex::encode(Sha256::digest(digits_of(code).to_lowercase().as_bytes()))
}

/// Check `code` — a code of this moment or a recovery code — for account `id`, whose factor
/// is stored under `key`, from `client`. A code is good once; a wrong one counts against the
/// account as a wrong password does.
pub(crate) async fn check(
    app: &App,
    correlation_id: &str,
    client: IpAddr,
    id: AccountId,
    account: &Account,
    key: &str,
    code: &str,
) -> AppResult<Method> {
    let guess = app.codes.admit(client, &code_subject(id))?;
    let db = app.store.database();
    let typed = digits_of(code);
    let method = if typed.len() == 6 && typed.chars().all(|c| c.is_ascii_digit()) {
        let stored = secrets::factor(db, &id.to_string(), key)
            .await?
            .ok_or(AppError::Unauthorized)?;
        let totp = totp(secret_of(&stored.secret)?, "")?;
        let Some(step) = totp.check(&typed, now_seconds()) else {
            return Err(AppError::Unauthorized);
        };
        if !secrets::take_step(db, &id.to_string(), key, step_number(step)).await? {
            // The code of that step was used already (a replay, or a second tab).
            return Err(AppError::Unauthorized);
        }
        Method::PasswordAndCode
    } else {
        if !secrets::take_recovery_code(db, &id.to_string(), key, &code_hash(&typed)).await? {
            return Err(AppError::Unauthorized);
        }
        // Recorded in the account's own name.
        let principal = crate::accounts::principal_of(id, account, account.token_generation())
            .ok_or(AppError::Unauthorized)?;
        let caller = Caller::new(principal, correlation_id);
        app.execute::<Account>(&caller, &id.to_string(), AccountCommand::UseRecoveryCode)
            .await?;
        Method::PasswordAndRecoveryCode
    };
    app.codes.right(guess);
    Ok(method)
}

/// The caller's second factor: whether one is enrolled, and how many recovery codes are left.
pub async fn status(app: &App, caller: &Caller) -> AppResult<Option<i64>> {
    let (id, account) = own_account(app, caller).await?;
    let Some(key) = account.second_factor() else {
        return Ok(None);
    };
    Ok(Some(
        secrets::recovery_codes_left(app.store.database(), &id.to_string(), key).await?,
    ))
}

/// The code of a base32 secret at `time` (seconds since 1970): for tests, which play the
/// authenticator app.
pub fn code_at(base32: &str, time: u64) -> AppResult<String> {
    Ok(totp(secret_of(base32)?, "")?.generate(time).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_rfc_6238s_sha1_test_vector() {
        // RFC 6238, appendix B: the secret "12345678901234567890", T = 59 s → 94287082 (eight
        // digits); the six-digit code is its last six.
        let totp = totp(b"12345678901234567890".to_vec(), "x").unwrap();
        assert_eq!(totp.generate(59).to_string(), "287082");
        assert_eq!(totp.check("287082", 59 + 30), Some(1));
        assert_eq!(totp.check("287082", 59 + 90), None);
    }

    #[test]
    fn recovery_codes_are_hashed_as_typed_whatever_the_case_and_dashes() {
        let code = recovery_code();
        assert_eq!(code.len(), 11);
        assert_eq!(
            code_hash(&code),
            code_hash(&code.to_uppercase().replace('-', " "))
        );
        assert_ne!(code_hash(&code), code_hash(&recovery_code()));
    }
}
