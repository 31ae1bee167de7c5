//! Parsing of what clients upload, off the async workers: a file is parsed on a blocking thread,
//! at most [`Parsing::new`]'s number at a time. A request that finds every slot taken is answered
//! 503 with `Retry-After` at once instead of queueing, so a burst of uploads costs a bounded
//! amount of memory and leaves the workers free for everyone else's requests.

use std::sync::Arc;

use tokio::sync::Semaphore;

/// The slots for parsing uploaded files.
#[derive(Debug, Clone)]
pub struct Parsing {
    slots: Arc<Semaphore>,
}

/// Every slot is taken: try again shortly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the server is busy reading other files; try again in a few seconds")]
pub struct Busy;

impl Default for Parsing {
    /// One slot per core, at least two.
    fn default() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, |n| n.get().max(2)))
    }
}

impl Parsing {
    pub fn new(slots: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(slots)),
        }
    }

    /// Run `parse` on a blocking thread if a slot is free, else [`Busy`] at once.
    pub async fn run<T: Send + 'static>(
        &self,
        parse: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let slot = self.slots.clone().try_acquire_owned().map_err(|_| {
            metrics::counter!("safeguards_uploads_refused_busy_total").increment(1);
            Busy
        })?;
        let parsed = tokio::task::spawn_blocking(move || {
            let parsed = parse();
            drop(slot);
            parsed
        })
        .await;
        // A panic while parsing is the parser's bug: answered like a busy server, never
        // taking the process down.
        parsed.map_err(|_| Busy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_parse_past_the_slots_is_refused_at_once_and_the_slot_comes_back() {
        let parsing = Parsing::new(1);
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let first = {
            let parsing = parsing.clone();
            tokio::spawn(async move {
                parsing
                    .run(move || {
                        started_tx.send(()).unwrap();
                        go_rx.recv().unwrap();
                        1
                    })
                    .await
            })
        };
        tokio::task::spawn_blocking(move || started_rx.recv().unwrap())
            .await
            .unwrap();
        assert_eq!(parsing.run(|| 2).await, Err(Busy));
        go_tx.send(()).unwrap();
        assert_eq!(first.await.unwrap(), Ok(1));
        assert_eq!(parsing.run(|| 3).await, Ok(3));
    }
}
