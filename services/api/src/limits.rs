//! Per-client rate limits for sign-in and subscription: a fixed window per IP address.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::StatusCode;

use crate::error::ApiError;

/// At most `limit` requests per `window` from one address.
#[derive(Debug)]
pub struct RateLimit {
    limit: u32,
    window: Duration,
    hits: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl RateLimit {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Count a request from the client of `parts`; 429 with `Retry-After` past the limit.
    pub fn check(&self, parts: &Parts) -> Result<(), ApiError> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let now = Instant::now();
        let Ok(mut hits) = self.hits.lock() else {
            return Ok(());
        };
        if hits.len() > 100_000 {
            hits.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = hits.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        if entry.1 > self.limit {
            let wait = self.window.saturating_sub(now.duration_since(entry.0));
            return Err(ApiError {
                retry_after: Some(wait.as_secs().max(1)),
                ..ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too many attempts from this address; wait and try again",
                )
            });
        }
        Ok(())
    }
}

/// The limits of the routes that take credentials or e-mail addresses.
#[derive(Debug)]
pub struct Limits {
    pub sign_in: RateLimit,
    pub subscribe: RateLimit,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            sign_in: RateLimit::new(10, Duration::from_secs(60)),
            subscribe: RateLimit::new(10, Duration::from_secs(600)),
        }
    }
}
