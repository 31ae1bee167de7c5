//! The use cases of the Safeguards Tracker: one typed function per user action, called alike by
//! every channel — the JSON routes, the pages, the command line, the demo loader and the import.
//!
//! A use case takes the [`Caller`] and values already parsed at the edge; it owns the
//! authorization (the one permission table, [`access`]), the lookups and the rules that span
//! aggregates ("the engagement is closed", "the commitment was withdrawn"), and the call to the
//! event store. Channels only parse, call and answer.
//!
//! This is a crate of its own so that no channel can reach past it: it depends on the domain,
//! the projections, infra and the digest; it never depends on the HTTP layer, the page
//! templates or the binary.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod access;
pub mod accounts;
pub mod commitments;
pub mod credentials;
pub mod digests;
pub mod documents;
pub mod engagements;
pub mod error;
pub mod history;
pub mod ledger;
pub mod links;
pub mod milestones;
pub mod operations;
pub mod organisation;
pub mod overview;
pub mod plans;
pub mod progress;
pub mod publication;
pub mod records;
pub mod second_factor;
pub mod sheets;
pub mod subscriptions;
pub mod tasks;

use std::sync::Arc;

use safeguards_digest::DigestService;
use safeguards_domain::processes::Processes;
use safeguards_domain::DomainError;
use safeguards_infra::store::Aggregate;
use safeguards_infra::{CommandError, Committed, EventStore, Projector};
use safeguards_projections::Tracker;
use tokio::sync::RwLockReadGuard;

pub use access::{authorize, may, Action, Caller, Principal};
pub use error::{AppError, AppResult};

/// The time as the use cases and views see it: the system clock, or a fixed time set by tests
/// (overdue milestones depend on the date, not only on events).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    fixed: Arc<std::sync::RwLock<Option<chrono::DateTime<chrono::Utc>>>>,
}

impl Clock {
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.fixed
            .read()
            .ok()
            .and_then(|f| *f)
            .unwrap_or_else(chrono::Utc::now)
    }
    pub fn today(&self) -> chrono::NaiveDate {
        self.now().date_naive()
    }
    /// Fix the time (`None` returns to the system clock).
    pub fn set(&self, time: Option<chrono::DateTime<chrono::Utc>>) {
        if let Ok(mut f) = self.fixed.write() {
            *f = time;
        }
    }
}

/// Everything the use cases work with.
#[derive(Debug, Clone)]
pub struct App {
    store: Arc<EventStore>,
    projector: Arc<Projector>,
    digest: DigestService,
    tokens: credentials::Tokens,
    passwords: credentials::Passwords,
    /// Guesses at passwords (and other secrets), slowed per account and per client.
    guesses: Arc<credentials::GuessThrottle>,
    /// Digest previews at once (each composes a digest).
    previews: Arc<tokio::sync::Semaphore>,
    /// Replays of a country's history up to a day (`?as_of=`) at once.
    replays: Arc<tokio::sync::Semaphore>,
    clock: Clock,
    /// The framework's processes: the shipped catalogue, or the operator's.
    processes: Arc<Processes>,
    /// The open dataset's versions made lately.
    datasets: Arc<publication::Datasets>,
    /// The public key that signs the ledger's checkpoints (hex), where this process signs.
    ledger_public_key: Option<String>,
    /// The overview of every country, kept while the model stands still.
    overviews: Arc<overview::Overviews>,
    /// The roles whose password accounts must enrol a second factor at their next sign-in.
    second_factor_roles: Arc<Vec<safeguards_domain::values::Role>>,
    /// Guesses at second-factor codes: stricter than passwords' (see [`App::new`]).
    codes: Arc<credentials::GuessThrottle>,
    /// The organisation's identity provider, where sign-in with it is set up.
    organisation: Option<Arc<organisation::Provider>>,
    /// Where evidence documents are kept, where set up.
    documents: Option<Arc<documents::Documents>>,
}

impl App {
    pub fn new(store: Arc<EventStore>, projector: Arc<Projector>, digest: DigestService) -> Self {
        Self {
            tokens: credentials::Tokens::new(&digest.settings.secret_key),
            passwords: credentials::Passwords::default(),
            guesses: Arc::default(),
            previews: Arc::new(tokio::sync::Semaphore::new(1)),
            replays: Arc::new(tokio::sync::Semaphore::new(2)),
            clock: Clock::default(),
            processes: Arc::new(Processes::shipped()),
            datasets: Arc::default(),
            ledger_public_key: None,
            overviews: Arc::default(),
            second_factor_roles: Arc::default(),
            // Whoever guesses a code has the password already: no client is let through an
            // account's wait as a clean one, so guesses from many addresses are slowed too.
            codes: Arc::new(credentials::GuessThrottle::new(
                credentials::ThrottleRules {
                    clean_below: 0,
                    ..credentials::ThrottleRules::default()
                },
            )),
            organisation: None,
            documents: None,
            store,
            projector,
            digest: digest.with_public(Arc::new(publication::Public)),
        }
    }

    /// The same with another catalogue of processes.
    pub fn with_processes(mut self, processes: Processes) -> Self {
        self.processes = Arc::new(processes);
        self
    }

    /// The same, requiring password accounts of `roles` to enrol a second factor.
    pub fn with_second_factor_required_of(
        mut self,
        roles: Vec<safeguards_domain::values::Role>,
    ) -> Self {
        self.second_factor_roles = Arc::new(roles);
        self
    }

    /// The same, with sign-in through the organisation's identity provider.
    pub fn with_organisation(mut self, oidc: organisation::Oidc) -> Self {
        self.organisation = Some(Arc::new(organisation::Provider::new(oidc)));
        self
    }

    /// The organisation's identity provider, where one is set up.
    pub fn organisation(&self) -> Option<&organisation::Provider> {
        self.organisation.as_deref()
    }

    /// The roles that must have a second factor.
    pub fn second_factor_roles(&self) -> &[safeguards_domain::values::Role] {
        &self.second_factor_roles
    }

    /// The event store, for the process's own wiring and tools (the command line, the server's
    /// start, tests). Requests reach it only through the use cases.
    pub fn store(&self) -> &Arc<EventStore> {
        &self.store
    }

    /// The projector of the read model, for the process's own wiring and tools.
    pub fn projector(&self) -> &Arc<Projector> {
        &self.projector
    }

    /// The digest's service and its settings.
    pub fn digest(&self) -> &DigestService {
        &self.digest
    }

    /// The signer and checker of session tokens, form tokens and sealed values.
    pub fn tokens(&self) -> &credentials::Tokens {
        &self.tokens
    }

    /// The bounded password hashing.
    pub fn passwords(&self) -> &credentials::Passwords {
        &self.passwords
    }

    /// The slots of digest previews.
    pub fn previews(&self) -> &tokio::sync::Semaphore {
        &self.previews
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The framework's processes in use.
    pub fn processes(&self) -> &Processes {
        &self.processes
    }

    /// The open dataset's versions made lately.
    pub fn datasets(&self) -> &publication::Datasets {
        &self.datasets
    }

    /// The public key that signs the ledger's checkpoints (hex), where this process signs.
    pub fn ledger_public_key(&self) -> Option<&str> {
        self.ledger_public_key.as_deref()
    }

    /// The same, signing the ledger's checkpoints with the key whose public half is `key` (hex).
    pub fn with_ledger_public_key(mut self, key: String) -> Self {
        self.ledger_public_key = Some(key);
        self
    }

    /// The read model, for reading.
    pub async fn model(&self) -> RwLockReadGuard<'_, Tracker> {
        self.projector.read().await
    }

    /// Wait (at most 5 s) until the model holds every write of this process: for use cases
    /// that compare what a caller sends with the model, whatever the request waited for.
    pub async fn caught_up(&self) {
        self.projector
            .wait_for(0, std::time::Duration::from_secs(5))
            .await;
    }

    /// Run a command on aggregate `A` for `caller`, with the caller's `If-Match`.
    async fn execute<A>(
        &self,
        caller: &Caller,
        id: &str,
        command: A::Command,
    ) -> AppResult<Committed>
    where
        A: Aggregate<Error = DomainError, Services = ()>,
        A::Command: Clone + safeguards_domain::CommandName,
    {
        self.store
            .execute::<A>(id, command, &caller.context(), caller.if_match)
            .await
            .map_err(AppError::from)
    }

    /// The current state of aggregate `A` (its version 0 when it does not exist).
    async fn load<A>(&self, id: &str) -> AppResult<A>
    where
        A: Aggregate,
    {
        Ok(self
            .store
            .load::<A>(id)
            .await
            .map_err(|e: CommandError| AppError::from(e))?
            .aggregate)
    }
}
