//! A write load: one writer per milestone reports progress over and over, each request with an
//! id of its own (`x-request-id`, the correlation id of the event it records), until stopped.
//! Every request is kept with when it was sent and answered and how.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use safeguards_infra::{feed, Database};

/// One request of the load.
#[derive(Debug, Clone)]
pub struct Sent {
    pub id: String,
    pub sent: Instant,
    pub answered: Instant,
    /// `None` when no answer came (the connection failed or was cut).
    pub status: Option<u16>,
    pub retry_after: bool,
    /// Why no answer came.
    pub error: Option<String>,
}

impl Sent {
    pub fn acknowledged(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Writers running against one server.
pub struct Load {
    sent: Arc<Mutex<Vec<Sent>>>,
    stop: Arc<AtomicBool>,
    writers: Vec<tokio::task::JoinHandle<()>>,
}

impl Load {
    /// A writer per milestone of `milestones` on the server at `base`, as `token`; request ids
    /// start with `prefix`. A writer pauses `pause` after anything but a 200.
    pub fn start(
        client: &reqwest::Client,
        base: &str,
        token: &str,
        milestones: &[String],
        prefix: &str,
        pause: Duration,
    ) -> Self {
        let sent: Arc<Mutex<Vec<Sent>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let writers = milestones
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let (client, stop, sent) = (client.clone(), stop.clone(), sent.clone());
                let url = format!("{base}/api/v1/milestones/{m}/progress");
                let (token, prefix) = (token.to_string(), prefix.to_string());
                tokio::spawn(async move {
                    let mut n = 0u32;
                    while !stop.load(Ordering::Relaxed) {
                        n += 1;
                        let id = format!("{prefix}c{i}-n{n}");
                        let at = Instant::now();
                        let r = client
                            .post(&url)
                            .bearer_auth(&token)
                            .header("x-request-id", &id)
                            .json(&serde_json::json!({"percent": n % 101}))
                            .send()
                            .await;
                        let (status, retry_after, error) = match r {
                            Ok(r) => (
                                Some(r.status().as_u16()),
                                r.headers().contains_key("retry-after"),
                                None,
                            ),
                            Err(e) => (None, false, Some(format!("{e:?}"))),
                        };
                        sent.lock().unwrap().push(Sent {
                            id,
                            sent: at,
                            answered: Instant::now(),
                            status,
                            retry_after,
                            error,
                        });
                        if status != Some(200) {
                            tokio::time::sleep(pause).await;
                        }
                    }
                })
            })
            .collect();
        Self {
            sent,
            stop,
            writers,
        }
    }

    /// Stop the writers, wait for their last requests, and return every request sent.
    pub async fn stop(self) -> Vec<Sent> {
        self.stop.store(true, Ordering::Relaxed);
        for writer in self.writers {
            writer.await.unwrap();
        }
        let sent = self.sent.lock().unwrap();
        sent.clone()
    }
}

/// How many progress events each request id recorded, over the history of `milestones`.
pub async fn progress_in_log(db: &Database, milestones: &[String]) -> HashMap<String, usize> {
    let mut in_log: HashMap<String, usize> = HashMap::new();
    for m in milestones {
        for e in feed::history(db, "milestone", m).await.unwrap() {
            if e.event_type == "ProgressReported" {
                *in_log.entry(e.metadata.correlation_id.clone()).or_default() += 1;
            }
        }
    }
    in_log
}
