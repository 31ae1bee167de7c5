//! A document posted as a multipart form (`file`, `title`, and on pages `csrf` and `version`),
//! read the one way the API and the pages share: the small fields up to a small bound each, the file as it
//! arrives into the use case's [`documents::receive`] (cut at the first byte past the limit),
//! any other field refused before it is read; the body as a whole is cut past the document's
//! limit and [`OVERHEAD`] ([`bounded`]).

use axum::extract::multipart::Field;
use axum::extract::Multipart;
use axum::http::{header, HeaderMap, StatusCode};
use safeguards_app::documents::{self, Documents, Received, Refused};
use safeguards_app::AppError;

use crate::http::error::ApiError;

/// The most a small field (a title, a form's token) may hold, in bytes.
const SMALL: usize = 4 * 1024;

/// What the multipart headers and the small fields may add to a document's size: room enough
/// that the document's own limit, counted as its bytes arrive, is met first (the form's parser
/// reads ahead of the bytes it hands out).
pub const OVERHEAD: u64 = 1024 * 1024;

/// The fields of a posted document.
#[derive(Debug, Default)]
pub struct PostedDocument {
    pub title: Option<String>,
    pub csrf: Option<String>,
    /// The version the page showed (an attachment does not depend on it).
    pub version: Option<String>,
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

/// What the page form's request may hold: the document, its fields, and room to read on past
/// a document that is too large (at least 32 MB in all) so that a browser still sending gets
/// the page that says so rather than a cut connection.
pub fn page_limit(documents: &Documents) -> u64 {
    (documents.max_bytes + OVERHEAD).max(crate::http::UPLOAD_LIMIT as u64)
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

/// Read the form: `title`, `file`, `csrf` and `version`, in any order, each at most once.
pub async fn read(
    multipart: &mut Multipart,
    documents: &Documents,
) -> Result<PostedDocument, Unread> {
    let mut posted = PostedDocument::default();
    loop {
        let next = tokio::time::timeout(documents.idle, multipart.next_field()).await;
        let field = match next {
            Err(_) => return Err(Unread::Other(idle())),
            Ok(Err(e)) => return Err(unreadable(e, documents)),
            Ok(Ok(None)) => break,
            Ok(Ok(Some(field))) => field,
        };
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "title" if posted.title.is_none() => {
                posted.title = Some(small(field, documents).await?)
            }
            "csrf" if posted.csrf.is_none() => posted.csrf = Some(small(field, documents).await?),
            "version" if posted.version.is_none() => {
                posted.version = Some(small(field, documents).await?)
            }
            "file" if posted.received.is_none() => {
                posted.file_name = field.file_name().unwrap_or_default().to_string();
                posted.received = Some(match documents::receive(documents, field).await {
                    Ok(received) => received,
                    Err(Refused::TooLarge) => return Err(Unread::TooLarge(documents.max_bytes)),
                    Err(Refused::Idle) => return Err(Unread::Other(idle())),
                    Err(Refused::Stream(e)) => return Err(unreadable(e, documents)),
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

/// A body that stopped being readable: past the request's bound (see [`bounded`]), or not
/// a multipart form.
fn unreadable(e: axum::extract::multipart::MultipartError, documents: &Documents) -> Unread {
    let mut cut = false;
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(c) = cause {
        cut |= c.is::<http_body_util::LengthLimitError>();
        cause = c.source();
    }
    if cut || e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Unread::TooLarge(documents.max_bytes)
    } else {
        Unread::Other(malformed(e.body_text()))
    }
}

/// `request` with its body cut after `limit` bytes: a form can then hold no more than a
/// document, its fields and the parts' headers, however it is sent (parts before the first
/// boundary, endless headers, repeated fields).
pub fn bounded(request: axum::extract::Request, limit: u64) -> axum::extract::Request {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    request.map(|body| axum::body::Body::new(http_body_util::Limited::new(body, limit)))
}

/// A small field's text, within [`SMALL`] bytes, each part within the documents' idle time.
async fn small(mut field: Field<'_>, documents: &Documents) -> Result<String, Unread> {
    let name = field.name().unwrap_or_default().to_string();
    let mut bytes = Vec::new();
    loop {
        let chunk = tokio::time::timeout(documents.idle, field.chunk()).await;
        match chunk {
            Err(_) => return Err(Unread::Other(idle())),
            Ok(Err(e)) => return Err(unreadable(e, documents)),
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
