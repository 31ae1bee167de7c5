//! Where mail goes: an SMTP server (pooled, TLS by rustls), `.eml` files in the outbox
//! folder, or memory (tests).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// A mail transport.
#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
    Memory(Arc<Mutex<Vec<Message>>>),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp(_) => f.write_str("Mailer::Smtp"),
            Mailer::Files(_) => f.write_str("Mailer::Files"),
            Mailer::Memory(_) => f.write_str("Mailer::Memory"),
        }
    }
}

/// A failed send: whether trying again later may help.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    pub message: String,
    pub transient: bool,
}

impl Mailer {
    /// SMTP when `smtp_url` is given, else `.eml` files in `outbox`.
    pub fn from_settings(smtp_url: Option<&url::Url>, outbox: PathBuf) -> Result<Self, String> {
        match smtp_url {
            Some(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url.as_str())
                .map(|b| Mailer::Smtp(b.build()))
                .map_err(|e| format!("SAFEGUARDS_SMTP_URL: {e}")),
            None => {
                std::fs::create_dir_all(&outbox)
                    .map_err(|e| format!("cannot create the outbox {}: {e}", outbox.display()))?;
                Ok(Mailer::Files(AsyncFileTransport::new(outbox)))
            }
        }
    }

    pub fn memory() -> (Self, Arc<Mutex<Vec<Message>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        (Mailer::Memory(sent.clone()), sent)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        match self {
            Mailer::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| SendError {
                transient: !e.is_permanent(),
                message: e.to_string(),
            }),
            Mailer::Files(t) => t.send(message).await.map(|_| ()).map_err(|e| SendError {
                transient: true,
                message: e.to_string(),
            }),
            Mailer::Memory(sent) => {
                if let Ok(mut s) = sent.lock() {
                    s.push(message);
                }
                Ok(())
            }
        }
    }
}
