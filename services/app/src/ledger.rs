//! The verifiable log as readers see it: the signing key, how far the chain has come, and the
//! signed checkpoints (see `safeguards_projections::ledger`). Nothing here is personal or
//! secret, so nothing here needs a sign-in.

use safeguards_infra::ledger;
use safeguards_projections::ledger::Checkpoint;
use serde::Serialize;

use crate::error::AppResult;
use crate::App;

/// Most checkpoints in one answer.
pub const MAX_PAGE: i64 = 1000;

/// A page of checkpoints.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct Checkpoints {
    /// Always `ed25519`.
    pub algorithm: &'static str,
    /// The key this server signs with (hex); check each checkpoint's own `public_key` too.
    pub public_key: Option<String>,
    /// How many events the chain covers now.
    pub chained: u64,
    /// The chain's hash after the last of them, hex.
    pub chain_hash: String,
    pub checkpoints: Vec<Checkpoint>,
    /// Ask again with `after` set to this for the next page; absent on the last page.
    pub next_after: Option<u64>,
}

/// Up to `limit` checkpoints after index `after`, oldest first.
pub async fn checkpoints(app: &App, after: u64, limit: i64) -> AppResult<Checkpoints> {
    let db = app.store.database();
    let limit = limit.clamp(1, MAX_PAGE);
    let head = ledger::head(db).await?;
    let checkpoints = ledger::checkpoints(db, after, limit).await?;
    let next_after = (checkpoints.len() as i64 == limit)
        .then(|| checkpoints.last().map(|c| c.index))
        .flatten();
    Ok(Checkpoints {
        algorithm: "ed25519",
        public_key: app.ledger_public_key.clone(),
        chained: head.index,
        chain_hash: hex::encode(head.hash),
        checkpoints,
        next_after,
    })
}

/// The newest `n` checkpoints, newest first.
pub async fn latest(app: &App, n: i64) -> AppResult<Vec<Checkpoint>> {
    Ok(ledger::latest(app.store.database(), n.clamp(1, MAX_PAGE)).await?)
}
