//! The metrics the tracker exports, described in one place (name, unit, help), and the gauges
//! read at each scrape: the database pool and the process.
//!
//! Names follow Prometheus conventions: a `safeguards_` prefix, base units in the name
//! (`_seconds`, `_bytes`), `_total` on counters. The process's own figures are the standard
//! `process_*` family of `metrics-process`.

use std::sync::atomic::{AtomicI64, Ordering};

use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};

use safeguards_domain::digest::FailureClass;

use crate::db::Database;

/// Describe every metric, so that each carries its help text and unit from the first scrape.
/// Call once, after the recorder is installed.
pub fn describe() {
    describe_counter!(
        "safeguards_uploads_refused_busy_total",
        "Uploaded files refused with 503 because every parsing slot was taken"
    );
    describe_counter!(
        "safeguards_connections_refused_total",
        "Connections closed as soon as accepted, by reason (per_client: the client address held its limit)"
    );
    describe_counter!(
        "safeguards_http_requests_total",
        "HTTP requests answered, by method, route and status"
    );
    describe_histogram!(
        "safeguards_http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer an HTTP request, by method and route"
    );
    describe_counter!(
        "safeguards_commands_total",
        "Commands handled, by aggregate, command and outcome (ok, refused, stale, conflict, unavailable, error)"
    );
    describe_counter!(
        "safeguards_command_conflicts_total",
        "Commands decided again because another writer took their sequence first, by aggregate"
    );
    describe_histogram!(
        "safeguards_store_append_commands",
        "Commands whose events one append statement carried (group commit)"
    );
    describe_histogram!(
        "safeguards_store_append_events",
        "Events one append statement carried"
    );
    describe_histogram!(
        "safeguards_projector_batch_duration_seconds",
        Unit::Seconds,
        "Time to read and fold one batch of the feed into the read model"
    );
    describe_histogram!(
        "safeguards_projector_batch_events",
        "Events in one batch folded into the read model"
    );
    describe_gauge!(
        "safeguards_projection_position",
        "The last position of the log folded into the read model"
    );
    describe_gauge!(
        "safeguards_projection_lag_positions",
        "Positions of the log not yet folded into the read model"
    );
    describe_gauge!(
        "safeguards_projection_lag_seconds",
        Unit::Seconds,
        "Age of the oldest event not yet folded into the read model"
    );
    describe_counter!(
        "safeguards_digest_deliveries_total",
        "Digest deliveries settled, by outcome (delivered, failed)"
    );
    describe_counter!(
        "safeguards_digest_delivery_failures_total",
        "Digest deliveries that failed, by class (transient, permanent, unreachable, suppressed, unsubscribed, erased, unsendable)"
    );
    describe_counter!(
        "safeguards_mails_sent_total",
        "Mails handed to the transport, by transport (smtp, files, memory)"
    );
    describe_counter!(
        "safeguards_reminder_runs_total",
        "Runs of the focal points' reminders, by outcome (ok, error)"
    );
    describe_gauge!(
        "safeguards_db_pool_connections",
        "Connections of the database pool, by state (in_use, idle)"
    );
    describe_gauge!(
        "safeguards_db_pool_max_connections",
        "The most connections the database pool opens"
    );
    describe_gauge!(
        "safeguards_db_pool_waiting",
        "Commands waiting for a pooled connection to read or append their events"
    );
    describe_gauge!(
        "safeguards_build_info",
        "Always 1; the labels name the version and the store"
    );
    process().describe();
    // The series of a fixed set of labels start at zero, so that their rates read from the
    // first scrape.
    for outcome in ["delivered", "failed"] {
        metrics::counter!("safeguards_digest_deliveries_total", "outcome" => outcome).increment(0);
    }
    for class in <FailureClass as strum::VariantArray>::VARIANTS {
        let class: &'static str = (*class).into();
        metrics::counter!("safeguards_digest_delivery_failures_total", "class" => class)
            .increment(0);
    }
    for outcome in ["ok", "error"] {
        metrics::counter!("safeguards_reminder_runs_total", "outcome" => outcome).increment(0);
    }
}

/// Buckets of the histograms that count things rather than time them.
pub const COUNT_HISTOGRAMS: [&str; 3] = [
    "safeguards_store_append_commands",
    "safeguards_store_append_events",
    "safeguards_projector_batch_events",
];
pub const COUNT_BUCKETS: [f64; 12] = [
    1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0,
];

fn process() -> &'static metrics_process::Collector {
    static COLLECTOR: std::sync::OnceLock<metrics_process::Collector> = std::sync::OnceLock::new();
    COLLECTOR.get_or_init(metrics_process::Collector::default)
}

/// The gauges a scrape reads now: the pool of `db` and the process.
pub fn sample(db: &Database) {
    let (size, idle, max) = crate::with_pool!(db, pool => (
        pool.size(),
        pool.num_idle() as u32,
        pool.options().get_max_connections()
    ));
    metrics::gauge!("safeguards_db_pool_connections", "state" => "in_use")
        .set(size.saturating_sub(idle) as f64);
    metrics::gauge!("safeguards_db_pool_connections", "state" => "idle").set(idle as f64);
    metrics::gauge!("safeguards_db_pool_max_connections").set(max as f64);
    metrics::gauge!("safeguards_db_pool_waiting").set(WAITING.load(Ordering::Relaxed) as f64);
    process().collect();
}

/// The build of this process on `store`.
pub fn build_info(store: &'static str) {
    metrics::gauge!("safeguards_build_info", "version" => env!("CARGO_PKG_VERSION"), "store" => store)
        .set(1.0);
}

static WAITING: AtomicI64 = AtomicI64::new(0);

/// A connection of `pool`, counted in `safeguards_db_pool_waiting` while it is awaited.
pub async fn acquire<DB: sqlx::Database>(
    pool: &sqlx::Pool<DB>,
) -> Result<sqlx::pool::PoolConnection<DB>, sqlx::Error> {
    struct Waiting;
    impl Drop for Waiting {
        fn drop(&mut self) {
            WAITING.fetch_sub(1, Ordering::Relaxed);
        }
    }
    WAITING.fetch_add(1, Ordering::Relaxed);
    let _waiting = Waiting;
    pool.acquire().await
}
