//! What the operational routes and the freshness of every request read of the process: whether
//! the store answers, how far the read model is behind the log, and waiting for it to catch up.

use std::time::Duration;

use safeguards_infra::projector::Lag;

use crate::App;

/// Why the process is not ready. The driver's own text (it names hosts, users and databases)
/// is for the log, never for the answer.
#[derive(Debug)]
pub enum NotReady {
    /// The store does not answer.
    Store(String),
    /// The event feed cannot be read.
    Feed(String),
}

/// The store's kind and the read model's lag, when both answer.
pub async fn readiness(app: &App) -> Result<(&'static str, Lag), NotReady> {
    let db = app.store.database();
    db.ping()
        .await
        .map_err(|e| NotReady::Store(e.to_string()))?;
    let lag = app
        .projector
        .lag()
        .await
        .map_err(|e| NotReady::Feed(e.to_string()))?;
    Ok((db.kind(), lag))
}

/// The read model's lag, when the feed can be read.
pub async fn lag(app: &App) -> Option<Lag> {
    app.projector.lag().await.ok()
}

/// The position of the log the read model holds.
pub fn applied(app: &App) -> i64 {
    app.projector.applied()
}

/// How long the read model has been behind the log (zero when it is not).
pub fn behind_for(app: &App) -> Duration {
    app.projector.behind_for()
}

/// Wait (at most `wait`) until the read model holds `position` and every write of this process
/// (`rights_only`: those that change rights); whether it does.
pub async fn wait_for(app: &App, position: i64, rights_only: bool, wait: Duration) -> bool {
    if rights_only {
        app.projector.wait_for_rights(position, wait).await
    } else {
        app.projector.wait_for(position, wait).await
    }
}

/// The store's own gauges (its connection pool), for `/metrics`.
pub fn sample_store_metrics(app: &App) {
    safeguards_infra::metrics::sample(app.store.database());
}
