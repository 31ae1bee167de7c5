//! Who is asking, and what they may do.
//!
//! Passwords are hashed with argon2id. Tokens are `<claims>.<signature>`, both base64url: the
//! claims name the account and the expiry, the signature is HMAC-SHA256 with the server's
//! secret key. Every request re-reads the account, so a disabled account's tokens stop working
//! at once. The table of SPEC §3 is decided in [`authorize`] and nowhere else.

use std::collections::BTreeSet;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use safeguards_domain::values::{AccountId, Role};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// How long a token lives.
pub const TOKEN_LIFETIME: Duration = Duration::hours(12);

/// Hash a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            ApiError::internal()
        })
}

/// Check a password against a PHC hash. A hash that does not parse never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Accounts are keyed by their e-mail address, so an address has at most one account.
pub fn account_id(email: &safeguards_domain::values::Email) -> AccountId {
    const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x5afe_9a2d_0000_4000_8000_5afe_9a2d_0001);
    AccountId::from_uuid(uuid::Uuid::new_v5(
        &NAMESPACE,
        email.normalized().as_bytes(),
    ))
}

/// A random password of 20 characters from an unambiguous alphabet.
pub fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Refuse passwords too short to be worth hashing.
pub fn check_password_strength(password: &str) -> Result<(), ApiError> {
    let chars = password.chars().count();
    if chars < 10 {
        return Err(ApiError::invalid(
            "password",
            "must be at least 10 characters",
        ));
    }
    if chars > 256 {
        return Err(ApiError::invalid(
            "password",
            "must be at most 256 characters",
        ));
    }
    Ok(())
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: AccountId,
    exp: i64,
}

/// Issues and checks bearer tokens.
#[derive(Clone)]
pub struct Tokens {
    key: Vec<u8>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokens(…)")
    }
}

impl Tokens {
    pub fn new(secret: &str) -> Self {
        Self {
            key: format!("safeguards-token:{secret}").into_bytes(),
        }
    }

    fn sign(&self, data: &[u8]) -> Vec<u8> {
        // HMAC accepts keys of any length.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    }

    pub fn issue(&self, account: AccountId, now: DateTime<Utc>) -> (String, DateTime<Utc>) {
        let expires_at = now + TOKEN_LIFETIME;
        let claims = Claims {
            sub: account,
            exp: expires_at.timestamp(),
        };
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap_or_default());
        let sig = URL_SAFE_NO_PAD.encode(self.sign(body.as_bytes()));
        (format!("{body}.{sig}"), expires_at)
    }

    /// The CSRF token of a session: forms must send it back.
    pub fn csrf(&self, session: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.sign(format!("csrf:{session}").as_bytes()))
    }

    /// The account a token names, if it is well signed and not expired.
    pub fn check(&self, token: &str, now: DateTime<Utc>) -> Option<AccountId> {
        let (body, sig) = token.split_once('.')?;
        let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).ok()?;
        mac.update(body.as_bytes());
        mac.verify_slice(&sig).ok()?;
        let claims: Claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()?;
        (claims.exp > now.timestamp()).then_some(claims.sub)
    }
}

/// The signed-in account making a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub id: AccountId,
    pub role: Role,
    pub name: String,
    /// Countries where a focal point may act.
    pub countries: BTreeSet<String>,
    /// The language the account chose for the pages.
    pub language: Option<safeguards_domain::subscriber::Language>,
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .ok_or_else(ApiError::unauthorized)?;
        state.fresh(parts).await;
        principal_for(state, token.trim()).await
    }
}

/// The account a bearer or session token names, if it is valid and the account enabled.
pub async fn principal_for(state: &AppState, token: &str) -> ApiResult<Principal> {
    let id = state
        .tokens
        .check(token, Utc::now())
        .ok_or_else(ApiError::unauthorized)?;
    let model = state.projector.read().await;
    let account = model
        .accounts
        .get(&id.to_string())
        .filter(|a| !a.disabled)
        .ok_or_else(ApiError::unauthorized)?;
    Ok(Principal {
        id,
        role: account.role,
        name: account.name.clone(),
        countries: model.countries_of(&id.to_string()),
        language: account.language,
    })
}

/// Check an e-mail and password; the same answer (`None`) for an unknown address, a disabled
/// account and a wrong password, after the same work.
pub async fn authenticate(state: &AppState, email: &str, password: &str) -> Option<AccountId> {
    static DECOY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        hash_password(&uuid::Uuid::new_v4().to_string()).unwrap_or_default()
    });
    let id = safeguards_domain::values::Email::parse(email)
        .ok()
        .map(|e| account_id(&e));
    state.projector.wait_for(0, state.freshness_wait).await;
    let hash = {
        let model = state.projector.read().await;
        id.and_then(|id| model.accounts.get(&id.to_string()).cloned())
            .filter(|a| !a.disabled)
            .and_then(|a| a.password_hash)
    };
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| DECOY.clone());
    let password = password.to_string();
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    (known && matches).then_some(id).flatten()
}

/// The actions of SPEC §3's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ManageAccounts,
    /// Open an engagement, change its status, DPI systems, focal points.
    ManageEngagement,
    RecordActivity,
    /// Create, revise, withdraw commitments; add milestones.
    EditCommitments,
    /// Start, progress, block, unblock, achieve, reschedule, cancel milestones.
    UpdateMilestones,
    Verify,
    /// Send the digest now, list subscribers.
    ManageDigest,
}

/// Whether `who` may do `action` (in `country`, for country-scoped actions). The one place
/// where the table of SPEC §3 is decided.
pub fn authorize(who: &Principal, action: Action, country: Option<&str>) -> ApiResult<()> {
    use Action::*;
    let allowed = match who.role {
        Role::Admin => true,
        Role::ProgrammeManager => action != ManageAccounts,
        Role::FocalPoint => {
            matches!(action, RecordActivity | EditCommitments | UpdateMilestones)
                && country.is_some_and(|c| who.countries.contains(c))
        }
        Role::Viewer => false,
    };
    if allowed {
        Ok(())
    } else {
        let role: &str = who.role.into();
        Err(ApiError::forbidden(match (who.role, country) {
            (Role::FocalPoint, Some(c)) => {
                format!("a focal point may do this only in their own countries, and {c} is not one of them")
            }
            _ => format!("the role {role} may not do this"),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: Role, countries: &[&str]) -> Principal {
        Principal {
            id: AccountId::new(),
            role,
            name: "x".into(),
            countries: countries.iter().map(|c| c.to_string()).collect(),
            language: None,
        }
    }

    #[test]
    fn tokens_expire_and_resist_tampering() {
        let tokens = Tokens::new("k".repeat(40).as_str());
        let id = AccountId::new();
        let now = Utc::now();
        let (token, expires) = tokens.issue(id, now);
        assert_eq!(tokens.check(&token, now), Some(id));
        assert_eq!(tokens.check(&token, expires + Duration::seconds(1)), None);
        let other = Tokens::new("z".repeat(40).as_str());
        assert_eq!(other.check(&token, now), None);
        let (body, sig) = token.split_once('.').unwrap();
        let forged = format!("{}x.{sig}", body);
        assert_eq!(tokens.check(&forged, now), None);
        assert_eq!(tokens.check("garbage", now), None);
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn focal_points_act_only_in_their_countries_and_never_verify() {
        let fp = who(Role::FocalPoint, &["KEN"]);
        assert!(authorize(&fp, Action::UpdateMilestones, Some("KEN")).is_ok());
        assert!(authorize(&fp, Action::UpdateMilestones, Some("BRA")).is_err());
        assert!(authorize(&fp, Action::RecordActivity, Some("KEN")).is_ok());
        assert!(authorize(&fp, Action::ManageEngagement, Some("KEN")).is_err());
        assert!(authorize(&fp, Action::Verify, Some("KEN")).is_err());
        assert!(authorize(
            &who(Role::Viewer, &["KEN"]),
            Action::UpdateMilestones,
            Some("KEN")
        )
        .is_err());
        assert!(authorize(
            &who(Role::ProgrammeManager, &[]),
            Action::ManageAccounts,
            None
        )
        .is_err());
        assert!(authorize(&who(Role::Admin, &[]), Action::ManageAccounts, None).is_ok());
    }
}
