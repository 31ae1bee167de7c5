//! Passwords and tokens.
//!
//! Passwords are hashed with argon2id, at most [`Passwords::PARALLEL`] at a time (each check
//! holds about 19 MiB; unbounded, a burst of sign-ins would take the server's memory), with a
//! short queue in front: past it, a check is refused at once rather than kept waiting. Guesses
//! at a secret are slowed by [`GuessThrottle`] before they cost a check. Tokens are
//! `<claims>.<signature>`, both base64url: the claims name the account and the expiry, the
//! signature is HMAC-SHA256 with the server's secret key.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::Instant;

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
            safeguards_domain::reason!(
                "too-short",
                "must be at least {min} characters",
                min = PASSWORD_MIN
            ),
        ));
    }
    if chars > PASSWORD_MAX {
        return Err(FieldError::new(
            "password",
            safeguards_domain::reason!(
                "too-long",
                "must be at most {max} characters",
                max = PASSWORD_MAX
            ),
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
    /// Checks running or waiting for a thread now.
    taken: Arc<AtomicUsize>,
    /// The most checks running or waiting at once; past it, a check is refused.
    capacity: usize,
}

/// A place among the password checks, given back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, SeqCst);
    }
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

    /// Checks that may wait per thread: a check never waits for more than this many others.
    pub const QUEUED_PER_THREAD: usize = 3;

    /// Start `parallel` threads; they end when the last clone of the value is dropped.
    pub fn new(parallel: usize) -> Self {
        Self::with_queue(parallel, parallel.max(1) * Self::QUEUED_PER_THREAD)
    }

    /// Start `parallel` threads, with at most `queued` checks waiting for them.
    pub fn with_queue(parallel: usize, queued: usize) -> Self {
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
            taken: Arc::default(),
            capacity: parallel.max(1) + queued,
        }
    }

    /// The most password checks that ran at once so far.
    pub fn peak(&self) -> usize {
        self.running.1.load(SeqCst)
    }

    /// Checks running or waiting now.
    pub fn pending(&self) -> usize {
        self.taken.load(SeqCst)
    }

    /// A place among the checks, unless they are all taken: then the caller is told to come
    /// back in a second (a queue that only grows would make every sign-in wait).
    fn slot(&self) -> Result<Slot, AppError> {
        let taken = self.taken.fetch_add(1, SeqCst);
        let slot = Slot(self.taken.clone());
        if taken >= self.capacity {
            return Err(AppError::TooMany { retry_after: 1 });
        }
        Ok(slot)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Memory) -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let slot = self.slot()?;
        let (reply, answer) = tokio::sync::oneshot::channel();
        let running = self.running.clone();
        let job: Job = Box::new(move |memory| {
            let now = running.0.fetch_add(1, SeqCst) + 1;
            running.1.fetch_max(now, SeqCst);
            let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(memory)));
            running.0.fetch_sub(1, SeqCst);
            // The place is given back before the answer, so the asker never sees it taken.
            drop(slot);
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

/// How [`GuessThrottle`] slows guessing.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleRules {
    /// Failures of one client at one subject before each next attempt of that client waits.
    pub client_subject_free: u32,
    /// Failures at one subject, from anywhere, before each next attempt waits — except from
    /// a client still clean for it.
    pub subject_free: u32,
    /// A client with fewer failures than this at a subject is clean for it: the subject's
    /// wait does not hold it back, so that nobody can lock an account's owner out. Zero: no
    /// client is clean.
    pub clean_below: u32,
    /// Failures of one client over every subject (many people behind one address, or one
    /// client trying many accounts) before each next attempt of that client waits.
    pub client_free: u32,
    /// The first wait; each failure past the free ones doubles it.
    pub first_wait: std::time::Duration,
    /// The longest wait.
    pub longest_wait: std::time::Duration,
    /// Failures are forgotten this long after the last attempt.
    pub memory: std::time::Duration,
    /// Password checks of one subject under way at once, from clients that have not got the
    /// secret right there lately: guesses at one account from many addresses hold at most
    /// this many of the few hashing slots, and everybody else's sign-in is not queued behind
    /// them.
    pub checks_per_subject: u32,
    /// How long a client that got a subject's secret right is that subject's known client,
    /// not held back by [`ThrottleRules::checks_per_subject`] (the owner's own machine).
    pub known_for: std::time::Duration,
}

impl Default for ThrottleRules {
    /// Five free failures per client and account, then waits of 1 s, 2 s, 4 s… up to 15
    /// minutes; a hundred per client over all accounts; forgotten after an hour of quiet.
    fn default() -> Self {
        Self {
            client_subject_free: 5,
            subject_free: 5,
            clean_below: 2,
            client_free: 100,
            first_wait: std::time::Duration::from_secs(1),
            longest_wait: std::time::Duration::from_secs(15 * 60),
            memory: std::time::Duration::from_secs(60 * 60),
            checks_per_subject: 1,
            known_for: std::time::Duration::from_secs(30 * 24 * 60 * 60),
        }
    }
}

/// What failures are counted under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum GuessKey {
    /// The secret's owner (the account's address).
    Subject(String),
    /// A client address, over every subject.
    Client(IpAddr),
    /// A client address at one subject.
    ClientAt(IpAddr, String),
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

/// Slows guessing at a secret — a password, a second-factor code — without letting a stranger
/// lock its owner out. Failures are counted per subject (the account), per client address and
/// per client at a subject; past a few free ones, each next attempt must wait twice as long
/// as the one before (up to [`ThrottleRules::longest_wait`]), and an attempt that comes too
/// early is refused with the wait, before any password is checked. A client with no recent
/// failures at a subject is not held back by the subject's count, so the owner signing in
/// from their own machine gets through whatever others guess elsewhere; and one person's
/// mistakes hold back neither their colleagues behind the same address nor other accounts.
///
/// [`GuessThrottle::admit`] counts the attempt as a failure at once (so a burst of
/// simultaneous guesses is counted as it arrives); [`GuessThrottle::right`] takes it back when
/// the secret was right.
#[derive(Debug, Default)]
pub struct GuessThrottle {
    rules: ThrottleRules,
    failures: Mutex<HashMap<GuessKey, Failures>>,
    /// Checks under way per subject, from clients it does not know.
    checking: Arc<Mutex<HashMap<String, u32>>>,
    /// When each client last got each subject's secret right.
    known: Mutex<HashMap<(IpAddr, String), Instant>>,
}

/// An attempt [`GuessThrottle::admit`] let through: hand it to [`GuessThrottle::right`] when
/// the secret was right; dropped, it stays counted as a failure.
#[derive(Debug)]
#[must_use = "a right guess must be handed back to the throttle"]
pub struct Guess {
    client: IpAddr,
    subject: String,
    _checking: Option<Checking>,
}

/// One check under way of a subject, from a client it does not know; dropping it ends it.
#[derive(Debug)]
struct Checking {
    under_way: Arc<Mutex<HashMap<String, u32>>>,
    subject: String,
}

impl Drop for Checking {
    fn drop(&mut self) {
        let mut under_way = self.under_way.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = under_way.get_mut(&self.subject) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                under_way.remove(&self.subject);
            }
        }
    }
}

impl GuessThrottle {
    pub fn new(rules: ThrottleRules) -> Self {
        Self {
            rules,
            ..Self::default()
        }
    }

    /// Whether `client` got `subject`'s secret right lately.
    fn knows(&self, client: IpAddr, subject: &str, now: Instant) -> bool {
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        if known.len() > 100_000 {
            known.retain(|_, at| now.duration_since(*at) < self.rules.known_for);
        }
        known
            .get(&(client, subject.to_string()))
            .is_some_and(|at| now.duration_since(*at) < self.rules.known_for)
    }

    /// A check of `subject` from a client it does not know, if fewer than the rules allow
    /// are under way.
    fn start_check(&self, subject: &str) -> Result<Checking, AppError> {
        let mut under_way = self.checking.lock().unwrap_or_else(|p| p.into_inner());
        let n = under_way.entry(subject.to_string()).or_insert(0);
        if *n >= self.rules.checks_per_subject {
            return Err(AppError::TooMany { retry_after: 1 });
        }
        *n += 1;
        Ok(Checking {
            under_way: self.checking.clone(),
            subject: subject.to_string(),
        })
    }

    /// Let `client` try the secret of `subject`, or refuse with the seconds to wait.
    pub fn admit(&self, client: IpAddr, subject: &str) -> Result<Guess, AppError> {
        self.admit_at(client, subject, Instant::now())
    }

    fn admit_at(&self, client: IpAddr, subject: &str, now: Instant) -> Result<Guess, AppError> {
        let rules = &self.rules;
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() > 100_000 {
            failures.retain(|_, f| now.duration_since(f.last) < rules.memory);
        }
        let pair = GuessKey::ClientAt(client, subject.to_string());
        let keys = [
            (pair, rules.client_subject_free),
            (GuessKey::Client(client), rules.client_free),
            (GuessKey::Subject(subject.to_string()), rules.subject_free),
        ];
        let recent = |key: &GuessKey| {
            failures
                .get(key)
                .filter(|f| now.duration_since(f.last) < rules.memory)
                .copied()
        };
        let clean =
            rules.clean_below > 0 && recent(&keys[0].0).is_none_or(|f| f.count < rules.clean_below);
        let wait = keys
            .iter()
            .filter(|(key, _)| !(clean && matches!(key, GuessKey::Subject(_))))
            .filter_map(|(key, free)| Some(self.wait(recent(key)?, *free, now)))
            .max()
            .unwrap_or_default();
        if !wait.is_zero() {
            return Err(AppError::TooMany {
                retry_after: wait.as_secs_f64().ceil().max(1.0) as u64,
            });
        }
        let checking = if self.knows(client, subject, now) {
            None
        } else {
            Some(self.start_check(subject)?)
        };
        for (key, _) in keys {
            let entry = failures.entry(key).or_insert(Failures {
                count: 0,
                last: now,
            });
            if now.duration_since(entry.last) >= rules.memory {
                entry.count = 0;
            }
            entry.count = entry.count.saturating_add(1);
            entry.last = now;
        }
        Ok(Guess {
            client,
            subject: subject.to_string(),
            _checking: checking,
        })
    }

    /// How long after its last failure the next attempt of a key with `failures` must wait.
    fn wait(&self, failures: Failures, free: u32, now: Instant) -> std::time::Duration {
        let Some(past) = failures.count.checked_sub(free) else {
            return std::time::Duration::ZERO;
        };
        let wait = self
            .rules
            .first_wait
            .saturating_mul(2u32.saturating_pow(past.min(31)))
            .min(self.rules.longest_wait);
        (failures.last + wait).saturating_duration_since(now)
    }

    /// The secret was right: the client starts clean at the subject again, and the attempt is
    /// no longer counted against the subject and the client.
    pub fn right(&self, guess: Guess) {
        self.known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((guess.client, guess.subject.clone()), Instant::now());
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.remove(&GuessKey::ClientAt(guess.client, guess.subject.clone()));
        for key in [
            GuessKey::Client(guess.client),
            GuessKey::Subject(guess.subject),
        ] {
            if let Some(f) = failures.get_mut(&key) {
                f.count = f.count.saturating_sub(1);
            }
        }
    }
}

/// Whether two secrets (CSRF tokens, codes) are equal, in a time that does not tell how much
/// of them matched.
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    !a.is_empty() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: AccountId,
    exp: i64,
    /// The account's token generation when the token was issued.
    #[serde(default)]
    gen: u32,
    /// Issued to an account that must change its password first: good for nothing else.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pwc: bool,
    /// Issued to an account that must enrol a second factor first: good for nothing else.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    sfe: bool,
}

/// What a token issued before the account is in order is good for: only putting it in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Restriction {
    /// Good for everything the account may do.
    #[default]
    None,
    /// Only for changing the password (one made for the account).
    ChangePassword,
    /// Only for enrolling a second factor (required of the account's role).
    EnrolSecondFactor,
}

/// What a valid token names: the account and the token generation it was issued in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bearer {
    pub account: AccountId,
    pub generation: u32,
    /// Issued while the account had to change its password: it may do only that.
    pub password_change_required: bool,
    /// Issued while the account had to enrol a second factor: it may do only that.
    pub second_factor_required: bool,
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
        self.issue_with(account, generation, Restriction::None, now)
    }

    /// As [`Tokens::issue`]; a restricted token is good only for what its restriction names.
    pub fn issue_with(
        &self,
        account: AccountId,
        generation: u32,
        restriction: Restriction,
        now: DateTime<Utc>,
    ) -> (String, DateTime<Utc>) {
        let expires_at = now + TOKEN_LIFETIME;
        let claims = Claims {
            sub: account,
            exp: expires_at.timestamp(),
            gen: generation,
            pwc: restriction == Restriction::ChangePassword,
            sfe: restriction == Restriction::EnrolSecondFactor,
        };
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap_or_default());
        let sig = URL_SAFE_NO_PAD.encode(self.sign(body.as_bytes()));
        (format!("{body}.{sig}"), expires_at)
    }

    /// The CSRF token of a session: forms must send it back.
    pub fn csrf(&self, session: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.sign(format!("csrf:{session}").as_bytes()))
    }

    /// Whether `sent` is the CSRF token of `session` (compared in constant time).
    pub fn csrf_matches(&self, session: &str, sent: &str) -> bool {
        same_secret(&self.csrf(session), sent)
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
            password_change_required: claims.pwc,
            second_factor_required: claims.sfe,
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
                generation: 3,
                password_change_required: false,
                second_factor_required: false,
            })
        );
        let (enrol, _) = tokens.issue_with(id, 3, Restriction::EnrolSecondFactor, now);
        assert!(tokens.check(&enrol, now).unwrap().second_factor_required);
        let (restricted, _) = tokens.issue_with(id, 3, Restriction::ChangePassword, now);
        assert!(
            tokens
                .check(&restricted, now)
                .unwrap()
                .password_change_required
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

    fn refused(answer: Result<Guess, AppError>) -> Option<u64> {
        match answer {
            Err(AppError::TooMany { retry_after }) => Some(retry_after),
            Err(e) => panic!("{e}"),
            Ok(_) => None,
        }
    }

    #[test]
    fn guesses_wait_twice_as_long_each_time_but_a_clean_client_is_let_through() {
        // The waits alone: as many checks of one account at once as the test holds.
        let throttle = GuessThrottle::new(ThrottleRules {
            checks_per_subject: u32::MAX,
            ..ThrottleRules::default()
        });
        let (a, b, c): (IpAddr, IpAddr, IpAddr) = (
            "198.51.100.1".parse().unwrap(),
            "198.51.100.2".parse().unwrap(),
            "198.51.100.3".parse().unwrap(),
        );
        let t0 = Instant::now();
        let at = |s: u64| t0 + std::time::Duration::from_secs(s);
        for _ in 0..5 {
            assert_eq!(refused(throttle.admit_at(a, "x", t0)), None);
        }
        // The sixth attempt waits a second, the seventh two more, the eighth four.
        assert_eq!(refused(throttle.admit_at(a, "x", t0)), Some(1));
        assert_eq!(refused(throttle.admit_at(a, "x", at(1))), None);
        assert_eq!(refused(throttle.admit_at(a, "x", at(2))), Some(1));
        assert_eq!(refused(throttle.admit_at(a, "x", at(3))), None);
        assert_eq!(refused(throttle.admit_at(a, "x", at(3))), Some(4));
        // Another client is clean for the account: let through, however hot the account is.
        let from_b = throttle.admit_at(b, "x", at(3)).unwrap();
        // Once it failed twice, the account's wait holds it back too.
        let _ = throttle.admit_at(c, "x", at(3)).unwrap();
        let _ = throttle.admit_at(c, "x", at(3)).unwrap();
        assert!(refused(throttle.admit_at(c, "x", at(3))).is_some());
        // A right guess makes the client clean again.
        throttle.right(from_b);
        assert_eq!(refused(throttle.admit_at(b, "x", at(3))), None);
        // Other accounts are untouched by these guesses, even from the same address.
        assert_eq!(refused(throttle.admit_at(a, "y", at(3))), None);
        // The wait never passes the longest.
        for n in 0..40u64 {
            let _ = throttle.admit_at(a, "z", at(4 + n * 1000));
        }
        assert_eq!(
            refused(throttle.admit_at(a, "z", at(4 + 39 * 1000))),
            Some(15 * 60)
        );
        // Failures are forgotten after an hour of quiet.
        assert_eq!(refused(throttle.admit_at(a, "x", at(3 + 3600))), None);
    }

    #[test]
    fn unknown_clients_check_one_accounts_password_one_at_a_time_and_its_known_client_is_not_held()
    {
        let throttle = GuessThrottle::default();
        let ip = |n: u8| IpAddr::from([198, 51, 100, n]);
        let t0 = Instant::now();
        // The owner's machine got the password right once.
        let owner = throttle.admit_at(ip(1), "x", t0).unwrap();
        throttle.right(owner);
        // A check from a new address is under way: another new address waits its turn.
        let first = throttle.admit_at(ip(2), "x", t0).unwrap();
        assert_eq!(refused(throttle.admit_at(ip(3), "x", t0)), Some(1));
        // Other accounts, and the owner's machine, are not held back by it.
        assert_eq!(refused(throttle.admit_at(ip(3), "y", t0)), None);
        let from_owner = throttle.admit_at(ip(1), "x", t0).unwrap();
        drop(first);
        assert_eq!(refused(throttle.admit_at(ip(3), "x", t0)), None);
        drop(from_owner);
    }

    #[test]
    fn one_client_trying_many_accounts_is_slowed_too() {
        let throttle = GuessThrottle::default();
        let a: IpAddr = "198.51.100.1".parse().unwrap();
        let t0 = Instant::now();
        for n in 0..100 {
            assert_eq!(refused(throttle.admit_at(a, &format!("a{n}"), t0)), None);
        }
        assert!(refused(throttle.admit_at(a, "fresh", t0)).is_some());
    }

    #[tokio::test]
    async fn password_checks_past_the_queue_are_refused_at_once() {
        let passwords = Passwords::with_queue(1, 1);
        let hash = hash_now("correct horse battery").unwrap();
        let running = passwords.slot().unwrap();
        let waiting = passwords.slot().unwrap();
        assert_eq!(
            passwords
                .verify("correct horse battery".into(), hash.clone())
                .await,
            Err(AppError::TooMany { retry_after: 1 })
        );
        drop((running, waiting));
        assert_eq!(passwords.pending(), 0);
        assert_eq!(
            passwords.verify("correct horse battery".into(), hash).await,
            Ok(true)
        );
        assert_eq!(passwords.pending(), 0);
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
