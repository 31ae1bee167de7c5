//! Passwords and tokens.
//!
//! Passwords are hashed with argon2id, at most [`Passwords::PARALLEL`] at a time (each check
//! holds about 19 MiB; unbounded, a burst of sign-ins would take the server's memory). Tokens are `<claims>.<signature>`, both base64url: the claims name the account and
//! the expiry, the signature is HMAC-SHA256 with the server's secret key.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{self, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use safeguards_domain::values::{AccountId, FieldError};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

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

/// argon2id's working memory (19 MiB with the default parameters), kept by a password thread
/// from one check to the next: allocated once, it cannot be scattered over the allocator.
#[derive(Default)]
pub struct Memory(Vec<Block>);

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Memory({} KiB)", self.0.len())
    }
}

impl Memory {
    /// Hashes stored with more memory than this are not checked (they never match).
    const MOST_BLOCKS: usize = 256 * 1024;

    fn blocks(&mut self, params: &Params) -> &mut [Block] {
        let wanted = params.block_count();
        if self.0.len() < wanted {
            // Replaced, not grown: a grown vector would hold both sizes for a moment.
            self.0 = Vec::new();
            self.0 = vec![Block::default(); wanted];
        }
        &mut self.0[..wanted]
    }
}

/// Hash a password with argon2id and a random salt (PHC string), on the calling thread.
pub fn hash_now(password: &str) -> Result<String, AppError> {
    hash_with(&mut Memory::default(), password)
}

/// Check a password against a PHC hash, on the calling thread. A hash that does not parse
/// never matches.
pub fn verify_now(password: &str, hash: &str) -> bool {
    verify_with(&mut Memory::default(), password, hash)
}

fn hash_with(memory: &mut Memory, password: &str) -> Result<String, AppError> {
    let failed =
        |e: password_hash::Error| AppError::Internal(format!("password hashing failed: {e}"));
    let argon = Argon2::default();
    let params = argon.params().clone();
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_bytes).map_err(failed)?;
    let output = Output::init_with(
        params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN),
        |out| {
            argon
                .hash_password_into_with_memory(
                    password.as_bytes(),
                    salt_bytes,
                    out,
                    memory.blocks(&params),
                )
                .map_err(password_hash::Error::from)
        },
    )
    .map_err(failed)?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(failed)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(hash.to_string())
}

fn verify_with(memory: &mut Memory, password: &str, hash: &str) -> bool {
    let mut check = || -> Option<bool> {
        let parsed = PasswordHash::new(hash).ok()?;
        let expected = parsed.hash?;
        let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
        let version = match parsed.version {
            Some(v) => Version::try_from(v).ok()?,
            None => Version::default(),
        };
        let params = Params::try_from(&parsed).ok()?;
        if params.block_count() > Memory::MOST_BLOCKS {
            return None;
        }
        let mut salt = [0u8; 64];
        let salt = parsed.salt?.decode_b64(&mut salt).ok()?;
        let argon = Argon2::new(algorithm, version, params.clone());
        let computed = Output::init_with(expected.len(), |out| {
            argon
                .hash_password_into_with_memory(
                    password.as_bytes(),
                    salt,
                    out,
                    memory.blocks(&params),
                )
                .map_err(password_hash::Error::from)
        })
        .ok()?;
        // `Output` compares in constant time.
        Some(computed == expected)
    };
    check().unwrap_or(false)
}

/// Hashes and checks passwords on [`Passwords::PARALLEL`] threads of its own, each with its
/// [`Memory`]: the server holds that much for passwords, however many sign-ins come at once.
/// (On the blocking pool, each check allocated its memory anew on whichever thread ran it, and
/// the allocator kept some of every thread's: 200 parallel sign-ins left 460 MiB behind.)
#[derive(Debug, Clone)]
pub struct Passwords {
    jobs: std::sync::mpsc::Sender<Job>,
    /// Checks running now, and the most that ever ran at once.
    running: Arc<(AtomicUsize, AtomicUsize)>,
}

type Job = Box<dyn FnOnce(&mut Memory) + Send>;

impl Default for Passwords {
    fn default() -> Self {
        Self::new(Self::PARALLEL)
    }
}

impl Passwords {
    /// Password checks at once, by default.
    pub const PARALLEL: usize = 2;

    /// Start `parallel` threads; they end when the last clone of the value is dropped.
    pub fn new(parallel: usize) -> Self {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let queue = Arc::new(std::sync::Mutex::new(queue));
        for n in 0..parallel.max(1) {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("passwords-{n}"))
                .spawn(move || {
                    let mut memory = Memory::default();
                    loop {
                        let next = queue
                            .lock()
                            .map_err(|_| ())
                            .and_then(|q| q.recv().map_err(|_| ()));
                        match next {
                            Ok(job) => job(&mut memory),
                            Err(()) => break,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "a password thread could not start");
            }
        }
        Self {
            jobs,
            running: Arc::default(),
        }
    }

    /// The most password checks that ran at once so far.
    pub fn peak(&self) -> usize {
        self.running.1.load(SeqCst)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Memory) -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let running = self.running.clone();
        let job: Job = Box::new(move |memory| {
            let now = running.0.fetch_add(1, SeqCst) + 1;
            running.1.fetch_max(now, SeqCst);
            let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(memory)));
            running.0.fetch_sub(1, SeqCst);
            // The asker may have gone (its client hung up): nothing to tell.
            let _ = reply.send(done);
        });
        let stopped = || AppError::Internal("the password checker stopped".into());
        self.jobs.send(job).map_err(|_| stopped())?;
        answer
            .await
            .map_err(|_| stopped())?
            .map_err(|_| AppError::Internal("a password check failed".into()))
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move |memory| hash_with(memory, &password)).await?
    }

    pub async fn verify(&self, password: String, hash: String) -> Result<bool, AppError> {
        self.run(move |memory| verify_with(memory, &password, &hash))
            .await
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

    /// `data` sealed for `purpose` within `session`: readable by anyone, but [`Tokens::unseal`]
    /// gives it back only for the same purpose and session, unaltered.
    pub fn seal(&self, purpose: &str, session: &str, data: &[u8]) -> String {
        let body = URL_SAFE_NO_PAD.encode(data);
        let sig = self.sign(format!("seal:{purpose}:{session}:{body}").as_bytes());
        format!("{body}.{}", URL_SAFE_NO_PAD.encode(sig))
    }

    /// What [`Tokens::seal`] sealed, if `sealed` is untouched and of this purpose and session.
    pub fn unseal(&self, purpose: &str, session: &str, sealed: &str) -> Option<Vec<u8>> {
        let (body, sig) = sealed.trim().split_once('.')?;
        let mut mac = self.mac();
        mac.update(format!("seal:{purpose}:{session}:{body}").as_bytes());
        mac.verify_slice(&URL_SAFE_NO_PAD.decode(sig).ok()?).ok()?;
        URL_SAFE_NO_PAD.decode(body).ok()
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
    fn sealed_data_comes_back_only_untouched_and_for_its_purpose_and_session() {
        let tokens = Tokens::new("k".repeat(40).as_str());
        let sealed = tokens.seal("upload:KEN", "s1", b"[1,2,3]");
        assert_eq!(
            tokens.unseal("upload:KEN", "s1", &sealed).as_deref(),
            Some(&b"[1,2,3]"[..])
        );
        assert_eq!(tokens.unseal("upload:BRA", "s1", &sealed), None);
        assert_eq!(tokens.unseal("upload:KEN", "s2", &sealed), None);
        let (body, sig) = sealed.split_once('.').unwrap();
        let altered = format!("{}.{sig}", URL_SAFE_NO_PAD.encode(b"[1,2,4]"));
        assert_ne!(body, URL_SAFE_NO_PAD.encode(b"[1,2,4]"));
        assert_eq!(tokens.unseal("upload:KEN", "s1", &altered), None);
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

    #[test]
    fn hashes_agree_with_the_argon2_crates_own_in_both_directions_and_any_parameters() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let ours = hash_now("correct horse battery").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse battery", &parsed)
            .is_ok());

        let mut memory = Memory::default();
        for (m, t, p) in [(19 * 1024, 2, 1), (8 * 1024, 3, 2), (64, 1, 1)] {
            let params = Params::new(m, t, p, None).unwrap();
            let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
            let salt = SaltString::generate(&mut OsRng);
            let theirs = argon.hash_password(b"an older password", &salt).unwrap();
            let theirs = theirs.to_string();
            assert!(
                verify_with(&mut memory, "an older password", &theirs),
                "{theirs}"
            );
            assert!(!verify_with(&mut memory, "an older passwort", &theirs));
        }

        let greedy = ours.replace("m=19456", "m=4000000");
        assert!(!verify_now("correct horse battery", &greedy));
    }
}
