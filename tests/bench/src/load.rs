//! A closed-loop load generator: `clients` workers, each on a connection of its own, send one
//! request after another for a fixed time; every latency is kept for the percentiles.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Barrier;

/// What a run measured.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Requests answered with success.
    pub ok: u64,
    /// Requests that failed (an error status or no answer).
    pub errors: u64,
    pub elapsed: Duration,
    /// Latencies of the successful requests, sorted.
    pub latencies: Vec<Duration>,
}

impl Stats {
    pub fn from_latencies(mut latencies: Vec<Duration>, errors: u64, elapsed: Duration) -> Self {
        latencies.sort_unstable();
        Self {
            ok: latencies.len() as u64,
            errors,
            elapsed,
            latencies,
        }
    }

    /// The runs of several rounds taken together.
    pub fn pooled(runs: Vec<Stats>) -> Self {
        let (mut latencies, mut errors, mut elapsed) = (Vec::new(), 0, Duration::ZERO);
        for run in runs {
            latencies.extend(run.latencies);
            errors += run.errors;
            elapsed += run.elapsed;
        }
        Self::from_latencies(latencies, errors, elapsed)
    }

    /// Successful operations per second.
    pub fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The `q` quantile (0..=1) of the latencies, in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        quantile(&self.latencies, q).as_secs_f64() * 1000.0
    }

    pub fn p50(&self) -> f64 {
        self.quantile_ms(0.50)
    }

    pub fn p99(&self) -> f64 {
        self.quantile_ms(0.99)
    }
}

/// The `q` quantile of sorted durations (nearest rank); zero when there are none.
pub fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// The median of a few rates measured in rounds.
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// A client of its own (one keep-alive connection) for each worker.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_else(|e| panic!("an HTTP client: {e}"))
}

/// Send a request and read the whole answer (as a real client does, and so that the connection
/// is kept for the next request); whether it succeeded.
pub async fn answered(request: reqwest::RequestBuilder) -> bool {
    match request.send().await {
        Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
        _ => false,
    }
}

/// Run `clients` workers for `duration`. `request(worker, client, n)` performs the worker's
/// `n`-th request and says whether it succeeded. Each worker first sends one request that is
/// not counted (the connection is opened then); the clock starts when all are ready.
pub async fn run<F, Fut>(clients: usize, duration: Duration, request: F) -> Stats
where
    F: Fn(usize, reqwest::Client, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let request = Arc::new(request);
    let ready = Arc::new(Barrier::new(clients + 1));
    let start = Arc::new(tokio::sync::OnceCell::<Instant>::new());
    let mut workers = Vec::with_capacity(clients);
    for worker in 0..clients {
        let request = request.clone();
        let ready = ready.clone();
        let start = start.clone();
        workers.push(tokio::spawn(async move {
            let http = client();
            request(worker, http.clone(), 0).await;
            ready.wait().await;
            let began = *start.get_or_init(|| async { Instant::now() }).await;
            let deadline = began + duration;
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            let mut n = 1;
            loop {
                let sent = Instant::now();
                if sent >= deadline {
                    break;
                }
                if request(worker, http.clone(), n).await {
                    latencies.push(sent.elapsed());
                } else {
                    errors += 1;
                }
                n += 1;
            }
            (latencies, errors)
        }));
    }
    ready.wait().await;
    let began = *start.get_or_init(|| async { Instant::now() }).await;
    let mut latencies = Vec::new();
    let mut errors = 0;
    for w in workers {
        let (l, e) = w.await.unwrap_or_default();
        latencies.extend(l);
        errors += e;
    }
    Stats::from_latencies(latencies, errors, began.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let d: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(quantile(&d, 0.5), Duration::from_millis(50));
        assert_eq!(quantile(&d, 0.99), Duration::from_millis(99));
        assert_eq!(quantile(&d, 1.0), Duration::from_millis(100));
        assert_eq!(quantile(&[], 0.5), Duration::ZERO);
    }
}
