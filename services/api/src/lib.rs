//! The HTTP face of the Safeguards Tracker: the JSON API under `/api/v1` and the operational
//! routes, built as one `axum::Router` over an [`AppState`].
//!
//! Handlers are short: parse the request into domain values, authorize in one place
//! ([`auth::authorize`]), run the command through the event store, answer. It depends on the
//! domain, projections and infra crates; it never opens connections of its own.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod auth;
pub mod cache;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod limits;
pub mod openapi;
pub mod ops;
pub mod pages;
pub mod routes;

use std::sync::Arc;
use std::time::Duration;

use axum::http::request::Parts;
use axum::Router;
use metrics_exporter_prometheus::PrometheusHandle;
use safeguards_infra::{CommandContext, Committed, EventStore, Projector};

pub use error::{ApiError, ApiResult};

/// The time as the views see it: the system clock, or a fixed time set by tests (overdue
/// milestones depend on the date, not only on events).
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

/// Everything a request handler may use.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<EventStore>,
    pub projector: Arc<Projector>,
    pub tokens: auth::Tokens,
    pub metrics: Option<PrometheusHandle>,
    pub clock: Clock,
    pub digest: safeguards_digest::DigestService,
    pub limits: Arc<limits::Limits>,
    /// How long a read waits for the read model to catch up with the client's writes.
    pub freshness_wait: Duration,
    /// Views shared between requests while the model stands still.
    pub views: Arc<cache::ViewCache>,
}

impl AppState {
    pub fn new(
        store: Arc<EventStore>,
        projector: Arc<Projector>,
        secret_key: &str,
        metrics: Option<PrometheusHandle>,
        digest: safeguards_digest::DigestService,
    ) -> Self {
        Self {
            digest,
            limits: Arc::new(limits::Limits::default()),
            store,
            projector,
            tokens: auth::Tokens::new(secret_key),
            metrics,
            clock: Clock::default(),
            freshness_wait: Duration::from_secs(5),
            views: Arc::default(),
        }
    }

    /// Wait until the read model reflects every write of this process and the position the
    /// client names in `X-Read-After` (read-your-writes across processes).
    pub async fn fresh(&self, parts: &Parts) {
        let wanted = parts
            .headers
            .get("x-read-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(0);
        if !self.projector.wait_for(wanted, self.freshness_wait).await {
            tracing::warn!(
                wanted,
                applied = self.projector.applied(),
                "read served before the model caught up"
            );
        }
    }

    /// Run a command and let the projector know.
    pub async fn execute<A>(
        &self,
        ctx: &CommandContext,
        id: &str,
        command: A::Command,
        expected_version: Option<u64>,
    ) -> ApiResult<Committed>
    where
        A: cqrs_es::Aggregate<Error = safeguards_domain::DomainError, Services = ()>,
        A::Command: Clone,
    {
        let result = self
            .store
            .execute::<A>(id, command, ctx, expected_version)
            .await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(safeguards_infra::CommandError::Domain(_)) => "refused",
            Err(safeguards_infra::CommandError::StaleVersion { .. }) => "stale",
            Err(safeguards_infra::CommandError::Conflict) => "conflict",
            Err(_) => "error",
        };
        metrics::counter!("safeguards_commands_total", "aggregate" => A::TYPE, "outcome" => outcome)
            .increment(1);
        let committed = result?;
        self.projector.committed(committed.position);
        Ok(committed)
    }
}

/// The application's routes.
pub fn router(state: AppState) -> Router {
    routes::router(state)
}
