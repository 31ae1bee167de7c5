//! `GET /evidence/{sha256}`: a document attached as evidence, for whoever may read it — a
//! signed-in reader (a page's session or an API token), or anyone once the milestone is
//! verified and its country published (public pages on).
//!
//! Always an attachment, never a page of this site: `Content-Disposition: attachment`,
//! `X-Content-Type-Options: nosniff` and `Content-Security-Policy: sandbox`, so a document that
//! is also HTML (a polyglot) runs nothing in the site's origin even if a browser renders it.
//! The hash is the `ETag`; single byte ranges are served (a slow link resumes a download).

use axum::body::Body;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use safeguards_app::documents;
use safeguards_domain::values::Sha256;
use safeguards_projections::model::EvidenceFileView;

use super::session::Visit;
use crate::http::error::ApiError;
use crate::http::extract::Signed;
use crate::AppState;

/// `GET /evidence/{sha256}`.
pub async fn download(
    State(state): State<AppState>,
    visit: Option<Visit>,
    mut parts: Parts,
    axum::extract::Path(sha256): axum::extract::Path<String>,
) -> Response {
    let reader = match visit {
        Some(v) => Some(v.who),
        None if parts.headers.contains_key(header::AUTHORIZATION) => {
            match Signed::from_request_parts(&mut parts, &state).await {
                Ok(Signed(p)) => Some(p),
                Err(e) => return e.into_response(),
            }
        }
        None => None,
    };
    let Ok(sha256) = Sha256::parse(&sha256) else {
        return ApiError::not_found("no such document").into_response();
    };
    let file = match documents::find(&state.app, reader.as_ref(), state.public_pages, &sha256).await
    {
        Ok(file) => file,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let etag = format!("\"{}\"", file.sha256);
    // Compared weakly (RFC 9110 §13.1.2): `W/"…"` names the same document.
    if parts
        .headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*")
        })
    {
        let mut answer = StatusCode::NOT_MODIFIED.into_response();
        headers(answer.headers_mut(), &file, &etag, reader.is_none());
        return answer;
    }
    let range = match wanted(&parts.headers, &etag, file.size) {
        Ok(range) => range,
        Err(()) => {
            let mut answer = ApiError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "the range asked for is not within the document",
            )
            .into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{}", file.size)) {
                answer.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return answer;
        }
    };
    let download = match documents::read(&state.app, &file, range.clone()).await {
        Ok(d) => d,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let length = download.range.end - download.range.start;
    let body = Body::from_stream(
        download
            .bytes
            .map(|chunk| chunk.map_err(std::io::Error::other)),
    );
    let mut answer = body.into_response();
    let h = answer.headers_mut();
    headers(h, &file, &etag, reader.is_none());
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    if range.is_some() {
        *answer.status_mut() = StatusCode::PARTIAL_CONTENT;
        if let Ok(v) = HeaderValue::from_str(&format!(
            "bytes {}-{}/{}",
            download.range.start,
            download.range.end.saturating_sub(1),
            download.size
        )) {
            answer.headers_mut().insert(header::CONTENT_RANGE, v);
        }
    }
    answer
}

/// The headers of every answer about `file`. A reader without an account is not given the
/// sender's name for the file (it may name a person): the name is made of the hash.
fn headers(h: &mut HeaderMap, file: &EvidenceFileView, etag: &str, public: bool) {
    let media_type = if file.media_type.starts_with("text/") {
        format!("{}; charset=utf-8", file.media_type)
    } else {
        file.media_type.clone()
    };
    let name = if public {
        let extension = file.file_name.rsplit_once('.').map_or("", |(_, e)| e);
        format!("document-{}.{extension}", &file.sha256[..12])
    } else {
        file.file_name.clone()
    };
    let pairs = [
        (header::CONTENT_TYPE, media_type),
        (header::CONTENT_DISPOSITION, disposition(&name)),
        (
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'".to_string(),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        (
            axum::http::HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin".to_string(),
        ),
        (header::ETAG, etag.to_string()),
        (header::ACCEPT_RANGES, "bytes".to_string()),
    ];
    for (name, value) in pairs {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    }
    // A public document is the same for everyone, but may be withdrawn with its country.
    if public {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        );
    }
}

/// `attachment`, with the name as ASCII (`filename`) and as UTF-8 (`filename*`, RFC 6266).
fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// The byte range a request asks for within `size` bytes: `None` for all of it (no range, a
/// range of several parts, or an `If-Range` that is not this document's), `Err` when it lies
/// outside.
fn wanted(headers: &HeaderMap, etag: &str, size: u64) -> Result<Option<std::ops::Range<u64>>, ()> {
    let Some(raw) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    if let Some(if_range) = headers.get(header::IF_RANGE).and_then(|v| v.to_str().ok()) {
        if if_range.trim() != etag {
            return Ok(None);
        }
    }
    let Some(spec) = raw.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let (first, last) = spec.split_once('-').ok_or(())?;
    let number = |s: &str| s.trim().parse::<u64>().map_err(|_| ());
    let range = match (first.trim(), last.trim()) {
        ("", suffix) => {
            let n = number(suffix)?.min(size);
            if n == 0 {
                return Err(());
            }
            size - n..size
        }
        (start, "") => number(start)?..size,
        (start, end) => number(start)?..number(end)?.saturating_add(1).min(size),
    };
    if range.start >= size || range.start >= range.end {
        return Err(());
    }
    Ok(Some(range))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(raw: &str, size: u64) -> Result<Option<std::ops::Range<u64>>, ()> {
        let mut h = HeaderMap::new();
        h.insert(header::RANGE, HeaderValue::from_str(raw).unwrap());
        wanted(&h, "\"x\"", size)
    }

    #[test]
    fn a_range_is_read_as_rfc_9110_says_and_one_outside_the_document_is_refused() {
        assert_eq!(range("bytes=0-9", 100), Ok(Some(0..10)));
        assert_eq!(range("bytes=90-", 100), Ok(Some(90..100)));
        assert_eq!(range("bytes=-10", 100), Ok(Some(90..100)));
        assert_eq!(range("bytes=-500", 100), Ok(Some(0..100)));
        assert_eq!(range("bytes=50-1000", 100), Ok(Some(50..100)));
        assert_eq!(range("bytes=0-1,5-6", 100), Ok(None));
        assert_eq!(range("items=0-1", 100), Ok(None));
        assert_eq!(range("bytes=100-", 100), Err(()));
        assert_eq!(range("bytes=9-3", 100), Err(()));
        assert_eq!(range("bytes=-0", 100), Err(()));
        assert_eq!(range("bytes=x-3", 100), Err(()));
    }

    #[test]
    fn the_name_in_the_disposition_cannot_break_out_of_its_quotes() {
        assert_eq!(
            disposition("décret \"final\".pdf"),
            "attachment; filename=\"d_cret _final_.pdf\"; filename*=UTF-8''d%C3%A9cret%20%22final%22.pdf"
        );
    }
}
