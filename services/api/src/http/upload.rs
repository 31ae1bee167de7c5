//! A document posted as a multipart form (`file`, `title`, and on pages `csrf` and `version`), read the one
//! way the API and the pages share: the small fields up to a small bound each, the file as it
//! arrives into the use case's [`documents::receive`] (cut at the first byte past the limit),
//! any other field refused before it is read. What a request may hold is thereby bounded by the
//! document's limit and a few KiB, whatever the route's body limit.

use axum::extract::multipart::Field;
use axum::extract::Multipart;
use axum::http::{header, HeaderMap, StatusCode};
use safeguards_app::documents::{self, Documents, Received, Refused};
use safeguards_app::AppError;

use crate::http::error::ApiError;

/// The most a small field (a title, a form's token) may hold, in bytes.
const SMALL: usize = 4 * 1024;

/// What the multipart headers and the small fields may add to a document's size.
pub const OVERHEAD: u64 = 64 * 1024;

/// The fields of a posted document.
#[derive(Debug, Default)]
pub struct PostedDocument {
    pub title: Option<String>,
    pub csrf: Option<String>,
    /// The sender's name for the file (only shown, never used as a path).
    pub file_name: String,
    pub received: Option<Received>,
}

/// Why a posted document could not be read; [`Unread::TooLarge`] apart, an [`ApiError`].
#[derive(Debug)]
pub enum Unread {
    /// The file is past the limit (this many bytes); the rest of the body is unread.
    TooLarge(u64),
    Other(ApiError),
}

impl From<Unread> for ApiError {
    fn from(u: Unread) -> Self {
        match u {
            Unread::TooLarge(max) => ApiError::from(AppError::TooLarge { max }),
            Unread::Other(e) => e,
        }
    }
}

/// 413 at once when the declared length is past what a document of the limit needs.
pub fn refuse_declared(headers: &HeaderMap, documents: &Documents) -> Result<(), Unread> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > documents.max_bytes + OVERHEAD) {
        return Err(Unread::TooLarge(documents.max_bytes));
    }
    Ok(())
}

/// Read the form: `title`, `csrf` and `file`, in any order, each at most once.
pub async fn read(
    multipart: &mut Multipart,
    documents: &Documents,
) -> Result<PostedDocument, Unread> {
    let mut posted = PostedDocument::default();
    loop {
        let next = tokio::time::timeout(documents.idle, multipart.next_field()).await;
        let field = match next {
            Err(_) => return Err(Unread::Other(idle())),
            Ok(Err(e)) => return Err(Unread::Other(malformed(e.body_text()))),
            Ok(Ok(None)) => break,
            Ok(Ok(Some(field))) => field,
        };
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "title" if posted.title.is_none() => {
                posted.title = Some(small(field, documents.idle).await?)
            }
            "csrf" if posted.csrf.is_none() => {
                posted.csrf = Some(small(field, documents.idle).await?)
            }
            // The version the page showed: an attachment does not depend on it.
            "version" => {
                small(field, documents.idle).await?;
            }
            "file" if posted.received.is_none() => {
                posted.file_name = field.file_name().unwrap_or_default().to_string();
                posted.received = Some(match documents::receive(documents, field).await {
                    Ok(received) => received,
                    Err(Refused::TooLarge) => return Err(Unread::TooLarge(documents.max_bytes)),
                    Err(Refused::Idle) => return Err(Unread::Other(idle())),
                    Err(Refused::Stream(e)) => return Err(Unread::Other(malformed(e.body_text()))),
                    Err(Refused::Server(detail)) => {
                        return Err(Unread::Other(ApiError::from(AppError::Internal(detail))))
                    }
                });
            }
            other => {
                return Err(Unread::Other(ApiError::invalid(
                    other,
                    "not a field of this form (file, title), or given twice",
                )))
            }
        }
    }
    Ok(posted)
}

/// A small field's text, within [`SMALL`] bytes, each part within `idle`.
async fn small(mut field: Field<'_>, within: std::time::Duration) -> Result<String, Unread> {
    let name = field.name().unwrap_or_default().to_string();
    let mut bytes = Vec::new();
    loop {
        let chunk = tokio::time::timeout(within, field.chunk()).await;
        match chunk {
            Err(_) => return Err(Unread::Other(idle())),
            Ok(Err(e)) => return Err(Unread::Other(malformed(e.body_text()))),
            Ok(Ok(None)) => break,
            Ok(Ok(Some(chunk))) => {
                bytes.extend_from_slice(&chunk);
                if bytes.len() > SMALL {
                    return Err(Unread::Other(ApiError::invalid(
                        name,
                        format!("must be at most {SMALL} bytes"),
                    )));
                }
            }
        }
    }
    String::from_utf8(bytes)
        .map_err(|_| Unread::Other(ApiError::invalid(name, "must be UTF-8 text")))
}

fn malformed(why: String) -> ApiError {
    ApiError::bad_request(format!("the body is not a readable multipart form: {why}"))
}

fn idle() -> ApiError {
    ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "the upload stopped sending and was given up; nothing was stored",
    )
}
