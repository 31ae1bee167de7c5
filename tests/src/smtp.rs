//! A small SMTP server on loopback that the tests start, so that lettre really speaks SMTP to
//! something: it keeps every message it accepts, and can refuse the next transactions with a
//! transient `451` (an outage), refuse recipients with a permanent `550` that quotes the address
//! (as real servers do), and take its time before accepting a message (a slow server).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A message as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The raw DATA, dot-unstuffed.
    pub data: String,
}

impl Received {
    /// The message with quoted-printable soft breaks and escapes undone, for searching.
    pub fn text(&self) -> String {
        let joined = self.data.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'=' && i + 2 < bytes.len() {
                if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                    out.push(b);
                    i += 3;
                    continue;
                }
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The decoded text of the part whose type is `text/<subtype>` (`plain`, `html`), with the
    /// wire's CRLF line ends as `\n`.
    pub fn part(&self, subtype: &str) -> String {
        let parsed = mail_parser::MessageParser::default()
            .parse(self.data.as_bytes())
            .expect("a message that parses");
        let n = match subtype {
            "html" => parsed.html_body.first(),
            _ => parsed.text_body.first(),
        };
        n.and_then(|&i| parsed.part(i))
            .and_then(|p| p.text_contents())
            .unwrap_or_default()
            .replace("\r\n", "\n")
    }

    /// The plain-text part, decoded.
    pub fn plain_text(&self) -> String {
        self.part("plain")
    }

    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// The running server.
#[derive(Debug, Clone)]
pub struct SmtpServer {
    pub port: u16,
    messages: Arc<Mutex<Vec<Received>>>,
    refuse: Arc<AtomicU32>,
    reject: Arc<AtomicU32>,
    /// Milliseconds to wait before answering a message's data.
    delay_ms: Arc<std::sync::atomic::AtomicU64>,
}

impl SmtpServer {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind SMTP");
        let port = listener.local_addr().expect("addr").port();
        let server = Self {
            port,
            messages: Arc::default(),
            refuse: Arc::default(),
            reject: Arc::default(),
            delay_ms: Arc::default(),
        };
        let s = server.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = s.session(socket).await;
                });
            }
        });
        server
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Refuse the next `n` transactions with `451`.
    pub fn refuse_next(&self, n: u32) {
        self.refuse.store(n, Ordering::SeqCst);
    }

    /// Refuse the next `n` recipients with `550 5.1.1 <address>: no such user here`.
    pub fn reject_next_recipients(&self, n: u32) {
        self.reject.store(n, Ordering::SeqCst);
    }

    /// Wait this long before accepting each message.
    pub fn accept_slowly(&self, delay: std::time::Duration) {
        self.delay_ms
            .store(delay.as_millis() as u64, Ordering::SeqCst);
    }

    /// How many messages were accepted so far.
    pub fn count(&self) -> usize {
        self.messages.lock().map(|m| m.len()).unwrap_or(0)
    }

    pub fn messages(&self) -> Vec<Received> {
        self.messages.lock().map(|m| m.clone()).unwrap_or_default()
    }

    async fn session(&self, socket: tokio::net::TcpStream) -> std::io::Result<()> {
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read);
        write.write_all(b"220 localhost ESMTP test\r\n").await?;
        let (mut from, mut to) = (String::new(), Vec::new());
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let upper = line.trim_end().to_ascii_uppercase();
            let rejected;
            let reply: &[u8] = if upper.starts_with("RCPT TO:")
                && self
                    .reject
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok()
            {
                rejected = format!(
                    "550 5.1.1 {}: no such user here\r\n",
                    line.trim_end()[8..].trim()
                );
                rejected.as_bytes()
            } else if upper.starts_with("EHLO") {
                b"250-localhost\r\n250 8BITMIME\r\n"
            } else if upper.starts_with("HELO") {
                b"250 localhost\r\n"
            } else if upper.starts_with("MAIL FROM:") {
                let refused = self
                    .refuse
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok();
                if refused {
                    b"451 4.3.0 try again later\r\n"
                } else {
                    from = line.trim_end()[10..].trim().to_string();
                    to.clear();
                    b"250 OK\r\n"
                }
            } else if upper.starts_with("RCPT TO:") {
                to.push(line.trim_end()[8..].trim().to_string());
                b"250 OK\r\n"
            } else if upper == "DATA" {
                write.write_all(b"354 go ahead\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    data.push_str(
                        line.strip_prefix('.')
                            .filter(|_| line.starts_with(".."))
                            .unwrap_or(&line),
                    );
                }
                let delay = self.delay_ms.load(Ordering::SeqCst);
                if delay > 0 {
                    tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
                }
                if let Ok(mut m) = self.messages.lock() {
                    m.push(Received {
                        from: from.clone(),
                        to: to.clone(),
                        data,
                    });
                }
                b"250 OK queued\r\n"
            } else if upper == "QUIT" {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            } else if upper == "RSET" || upper == "NOOP" {
                b"250 OK\r\n"
            } else {
                b"502 not implemented\r\n"
            };
            write.write_all(reply).await?;
        }
    }
}
