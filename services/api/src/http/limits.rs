//! Per-client rate limits for sign-in and subscription: a fixed window per client address.
//! Behind proxies, the client is the address the trusted proxies name in `X-Forwarded-For`
//! (read from the right, past every trusted hop), so that one proxy's address never stands
//! for everyone behind it. The sign-in limit here is only a ceiling on requests, high enough
//! for an office behind one address; wrong passwords are slowed in the use case
//! (`credentials::GuessThrottle`), per client at each account, so that one person's mistakes
//! hold back neither their colleagues nor the account's owner elsewhere.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::StatusCode;
use ipnet::IpNet;

use crate::http::error::ApiError;

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

    /// Count a request from `client`; 429 with `Retry-After` past the limit.
    fn check(&self, client: IpAddr) -> Result<(), ApiError> {
        let now = Instant::now();
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if hits.len() > 100_000 {
            hits.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = hits.entry(client).or_insert((now, 0));
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
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNet>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            sign_in: RateLimit::new(60, Duration::from_secs(60)),
            subscribe: RateLimit::new(10, Duration::from_secs(600)),
            trusted_proxies: Vec::new(),
        }
    }
}

impl Limits {
    /// The client of a request: the peer, or — when the peer is a trusted proxy — the last
    /// address of `X-Forwarded-For` that is not a trusted proxy.
    pub fn client(&self, parts: &Parts) -> IpAddr {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let trusted = |ip: &IpAddr| self.trusted_proxies.iter().any(|n| n.contains(ip));
        if !trusted(&peer) {
            return peer;
        }
        let forwarded: Vec<IpAddr> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse().ok())
            .collect();
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !trusted(ip))
            .unwrap_or(peer)
    }

    pub fn check_sign_in(&self, parts: &Parts) -> Result<(), ApiError> {
        self.sign_in.check(self.client(parts))
    }

    pub fn check_subscribe(&self, parts: &Parts) -> Result<(), ApiError> {
        self.subscribe.check(self.client(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(peer: &str, forwarded: &[&str]) -> Parts {
        let mut b = axum::http::Request::builder().uri("/");
        for f in forwarded {
            b = b.header("x-forwarded-for", *f);
        }
        let mut parts = b.body(()).unwrap().into_parts().0;
        parts
            .extensions
            .insert(ConnectInfo(SocketAddr::new(peer.parse().unwrap(), 1234)));
        parts
    }

    #[test]
    fn the_client_is_the_peer_unless_a_trusted_proxy_names_it() {
        let limits = Limits {
            trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()],
            ..Limits::default()
        };
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // An untrusted peer cannot pick its address.
        assert_eq!(
            limits.client(&request("203.0.113.9", &["1.2.3.4"])),
            ip("203.0.113.9")
        );
        // Behind the trusted proxy, the client it names — not what the client claims.
        assert_eq!(
            limits.client(&request("10.0.0.2", &["6.6.6.6, 198.51.100.7", "10.0.0.3"])),
            ip("198.51.100.7")
        );
        assert_eq!(limits.client(&request("10.0.0.2", &[])), ip("10.0.0.2"));
    }
}
