//! Passwords and tokens.
//!
//! Passwords are hashed with argon2id, at most [`Passwords::PARALLEL`] at a time (each check
//! holds about 19 MiB for a moment; unbounded, a burst of sign-ins would take the server's
//! memory). Tokens are `<claims>.<signature>`, both base64url: the claims name the account and
//! the expiry, the signature is HMAC-SHA256 with the server's secret key.

use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use safeguards_domain::values::{AccountId, FieldError};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tokio::sync::Semaphore;

use crate::error::AppError;

/// How long a token lives.
pub const TOKEN_LIFETIME: Duration = Duration::hours(12);

/// The password rule: 10 to 256 characters.
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 256;

/// Refuse passwords too short to be worth hashing (or too long to hash cheaply).
pub fn check_strength(password: &str) -> Result<(), FieldError> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN {
        return Err(FieldError::new(
            "password",
            format!("must be at least {PASSWORD_MIN} characters"),
        ));
    }
    if chars > PASSWORD_MAX {
        return Err(FieldError::new(
            "password",
            format!("must be at most {PASSWORD_MAX} characters"),
        ));
    }
    Ok(())
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

/// Hash a password with argon2id and a random salt (PHC string), on the calling thread.
pub fn hash_now(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

/// Check a password against a PHC hash, on the calling thread. A hash that does not parse
/// never matches.
pub fn verify_now(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashes and checks passwords on the blocking pool, a bounded number at a time.
#[derive(Debug, Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
}

impl Default for Passwords {
    fn default() -> Self {
        Self::new(Self::PARALLEL)
    }
}

impl Passwords {
    /// Password checks at once, by default.
    pub const PARALLEL: usize = 2;

    pub fn new(parallel: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(parallel.max(1))),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| AppError::Internal("the password checker stopped".into()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| AppError::Internal(format!("a password check failed: {e}")))
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move || hash_now(&password)).await?
    }

    pub async fn verify(&self, password: String, hash: String) -> Result<bool, AppError> {
        self.run(move || verify_now(&password, &hash)).await
    }
}

/// At most `limit` failures per key (a sign-in address) in `window`; past that, every attempt
/// with that key is refused until the window ends.
#[derive(Debug)]
pub struct FailureLimit {
    limit: u32,
    window: std::time::Duration,
    failures: std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, u32)>>,
}

impl FailureLimit {
    pub fn new(limit: u32, window: std::time::Duration) -> Self {
        Self {
            limit,
            window,
            failures: std::sync::Mutex::default(),
        }
    }

    /// Refuse (with the seconds to wait) when `key` failed too often lately.
    pub fn check(&self, key: &str) -> Result<(), AppError> {
        let now = std::time::Instant::now();
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match failures.get(key) {
            Some((since, n)) if *n >= self.limit && now.duration_since(*since) < self.window => {
                let wait = self.window.saturating_sub(now.duration_since(*since));
                Err(AppError::TooMany {
                    retry_after: wait.as_secs().max(1),
                })
            }
            _ => Ok(()),
        }
    }

    /// Count a failure of `key`.
    pub fn record(&self, key: &str) {
        let now = std::time::Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() > 100_000 {
            failures.retain(|_, (since, _)| now.duration_since(*since) < self.window);
        }
        let entry = failures.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }
}

impl Default for FailureLimit {
    /// 10 failed sign-ins per address in 15 minutes.
    fn default() -> Self {
        Self::new(10, std::time::Duration::from_secs(15 * 60))
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: AccountId,
    exp: i64,
    /// The account's token generation when the token was issued.
    #[serde(default)]
    gen: u32,
}

/// What a valid token names: the account and the token generation it was issued in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bearer {
    pub account: AccountId,
    pub generation: u32,
}

/// Issues and checks bearer tokens, session cookies and CSRF tokens.
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

    fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
    }

    fn sign(&self, data: &[u8]) -> Vec<u8> {
        let mut mac = self.mac();
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    }

    /// A token for `account` in its token `generation`, valid for [`TOKEN_LIFETIME`].
    pub fn issue(
        &self,
        account: AccountId,
        generation: u32,
        now: DateTime<Utc>,
    ) -> (String, DateTime<Utc>) {
        let expires_at = now + TOKEN_LIFETIME;
        let claims = Claims {
            sub: account,
            exp: expires_at.timestamp(),
            gen: generation,
        };
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap_or_default());
        let sig = URL_SAFE_NO_PAD.encode(self.sign(body.as_bytes()));
        (format!("{body}.{sig}"), expires_at)
    }

    /// The CSRF token of a session: forms must send it back.
    pub fn csrf(&self, session: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.sign(format!("csrf:{session}").as_bytes()))
    }

    /// What a token names, if it is well signed and not expired. (Whether its generation is
    /// still the account's is for the caller to check.)
    pub fn check(&self, token: &str, now: DateTime<Utc>) -> Option<Bearer> {
        let (body, sig) = token.split_once('.')?;
        let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
        let mut mac = self.mac();
        mac.update(body.as_bytes());
        mac.verify_slice(&sig).ok()?;
        let claims: Claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()?;
        (claims.exp > now.timestamp()).then_some(Bearer {
            account: claims.sub,
            generation: claims.gen,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_expire_and_resist_tampering() {
        let tokens = Tokens::new("k".repeat(40).as_str());
        let id = AccountId::new();
        let now = Utc::now();
        let (token, expires) = tokens.issue(id, 3, now);
        assert_eq!(
            tokens.check(&token, now),
            Some(Bearer {
                account: id,
                generation: 3
            })
        );
        assert_eq!(tokens.check(&token, expires + Duration::seconds(1)), None);
        let other = Tokens::new("z".repeat(40).as_str());
        assert_eq!(other.check(&token, now), None);
        let (body, sig) = token.split_once('.').unwrap();
        let forged = format!("{body}x.{sig}");
        assert_eq!(tokens.check(&forged, now), None);
        assert_eq!(tokens.check("garbage", now), None);
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_now("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_now("correct horse battery", &hash));
        assert!(!verify_now("wrong", &hash));
        assert!(!verify_now("x", "not a hash"));
        assert!(check_strength("short").is_err());
        assert!(check_strength(&"x".repeat(257)).is_err());
        assert!(check_strength("ten chars!").is_ok());
    }
}
