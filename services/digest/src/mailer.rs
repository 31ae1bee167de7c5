//! Where mail goes: an SMTP server (pooled, TLS by rustls), `.eml` files in the outbox
//! folder, or memory (tests).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use safeguards_domain::digest::{Failure, FailureClass};

/// A mail transport.
#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in this folder.
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
    Memory(Arc<Mutex<Vec<Message>>>),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp(_) => f.write_str("Mailer::Smtp"),
            Mailer::Files(..) => f.write_str("Mailer::Files"),
            Mailer::Memory(_) => f.write_str("Mailer::Memory"),
        }
    }
}

/// A failed send, as codes: what kind of failure, and the mail server's reply code. The
/// server's words are not kept (they often quote the recipient's address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{} (SMTP {})", <&str>::from(self.failure.class), self.failure.smtp_code.map_or("—".to_string(), |c| c.to_string()))]
pub struct SendError {
    pub failure: Failure,
}

impl SendError {
    /// Whether trying again later may help.
    pub fn transient(&self) -> bool {
        matches!(
            self.failure.class,
            FailureClass::Transient | FailureClass::Unreachable
        )
    }

    fn of(class: FailureClass, smtp_code: Option<u16>) -> Self {
        Self {
            failure: Failure { class, smtp_code },
        }
    }
}

impl Mailer {
    /// SMTP when `smtp_url` is given, else `.eml` files in `outbox`.
    pub fn from_settings(smtp_url: Option<&url::Url>, outbox: PathBuf) -> Result<Self, String> {
        match smtp_url {
            Some(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url.as_str())
                .map(|b| Mailer::Smtp(b.build()))
                .map_err(|e| format!("SAFEGUARDS_SMTP_URL: {e}")),
            None => {
                safeguards_infra::config::private_dir(&outbox)
                    .map_err(|e| format!("cannot create the outbox {}: {e}", outbox.display()))?;
                Ok(Mailer::Files(AsyncFileTransport::new(&outbox), outbox))
            }
        }
    }

    pub fn memory() -> (Self, Arc<Mutex<Vec<Message>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        (Mailer::Memory(sent.clone()), sent)
    }

    /// Drop every kept message to `address` (an erased subscriber's): the `.eml` files of the
    /// outbox, the messages in memory. Mail handed to an SMTP server is out of reach.
    pub fn forget(&self, address: &str) {
        let address = address.to_lowercase();
        match self {
            Mailer::Smtp(_) => {}
            Mailer::Files(_, dir) => {
                let Ok(entries) = std::fs::read_dir(dir) else {
                    return;
                };
                for path in entries.filter_map(|e| e.ok()).map(|e| e.path()) {
                    let holds = std::fs::read(&path)
                        .map(|b| {
                            String::from_utf8_lossy(&b)
                                .to_lowercase()
                                .contains(&address)
                        })
                        .unwrap_or(false);
                    if holds {
                        if let Err(e) = std::fs::remove_file(&path) {
                            tracing::warn!(error = %e, "an erased address's mail stays in the outbox");
                        }
                    }
                }
            }
            Mailer::Memory(sent) => {
                if let Ok(mut s) = sent.lock() {
                    s.retain(|m| {
                        !String::from_utf8_lossy(&m.formatted())
                            .to_lowercase()
                            .contains(&address)
                    });
                }
            }
        }
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        let transport = match self {
            Mailer::Smtp(_) => "smtp",
            Mailer::Files(..) => "files",
            Mailer::Memory(_) => "memory",
        };
        let sent = self.hand_over(message).await;
        if sent.is_ok() {
            metrics::counter!("safeguards_mails_sent_total", "transport" => transport).increment(1);
        }
        sent
    }

    async fn hand_over(&self, message: Message) -> Result<(), SendError> {
        match self {
            Mailer::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| {
                let code = e.status().and_then(|c| c.to_string().parse::<u16>().ok());
                let class = if e.is_permanent() {
                    FailureClass::Permanent
                } else if e.is_transient() {
                    FailureClass::Transient
                } else {
                    FailureClass::Unreachable
                };
                SendError::of(class, code)
            }),
            Mailer::Files(t, _) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(|_| SendError::of(FailureClass::Unreachable, None)),
            Mailer::Memory(sent) => {
                if let Ok(mut s) = sent.lock() {
                    s.push(message);
                }
                Ok(())
            }
        }
    }
}
