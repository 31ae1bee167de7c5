//! Paging of long lists: a `limit` and an opaque `cursor` (the key of the last item of the page
//! before). A list cut short carries the link to the rest: a `Link: <…>; rel="next"` header on
//! an array, a `…_next` field inside an object.

use std::borrow::Cow;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::http::error::{ApiError, ApiResult};

/// `?limit=&cursor=` of a paged list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// How many items at most (1–500, default 50)
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// From the `Link: rel="next"` of the page before: where this page starts
    pub cursor: Option<String>,
}

/// The default and the largest page of a [`PageQuery`] list.
pub const DEFAULT_PAGE: usize = 50;
pub const MAX_PAGE: usize = 500;

impl PageQuery {
    /// Page `items` as this query asks.
    pub fn page<T>(
        &self,
        items: Vec<T>,
        key: impl for<'a> Fn(&'a T) -> Cow<'a, str>,
    ) -> ApiResult<Page<T>> {
        let limit = limit("limit", self.limit, DEFAULT_PAGE, MAX_PAGE)?;
        page(items, key, self.cursor.as_deref(), limit)
    }

    /// The link to the page after one that ended at `cursor`.
    pub fn next(&self, path: &str, cursor: Option<String>) -> Option<String> {
        cursor.map(|c| {
            next_link(
                path,
                &[
                    ("limit", self.limit.map(|n| n.to_string())),
                    ("cursor", Some(c)),
                ],
            )
        })
    }
}

/// One page of a list, and the cursor of the next when there is more.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// The limit asked for, checked against `1..=max`; `default` when none was asked.
pub fn limit(field: &str, asked: Option<u32>, default: usize, max: usize) -> ApiResult<usize> {
    match asked {
        None => Ok(default),
        Some(n) if (1..=max).contains(&(n as usize)) => Ok(n as usize),
        Some(_) => Err(ApiError::invalid(field, format!("must be from 1 to {max}"))),
    }
}

/// The items after `cursor` (the key of the last item already seen; from the start when
/// `None`), at most `limit` of them. A cursor that names no item of the list is not found
/// (404, naming the cursor): the client would otherwise read the list from the start again
/// without knowing it.
pub fn page<T>(
    mut items: Vec<T>,
    key: impl for<'a> Fn(&'a T) -> Cow<'a, str>,
    cursor: Option<&str>,
    limit: usize,
) -> ApiResult<Page<T>> {
    if let Some(c) = cursor {
        let last_seen = items
            .iter()
            .position(|item| key(item) == c)
            .ok_or_else(|| ApiError::not_found("cursor: names no item of this list"))?;
        items.drain(..=last_seen);
    }
    Ok(first(items, key, limit))
}

/// The first `limit` items, and the cursor after them when more follow.
pub fn first<T>(
    mut items: Vec<T>,
    key: impl for<'a> Fn(&'a T) -> Cow<'a, str>,
    limit: usize,
) -> Page<T> {
    let more = items.len() > limit;
    items.truncate(limit);
    let next = if more {
        items.last().map(|last| key(last).into_owned())
    } else {
        None
    };
    Page { items, next }
}

/// `path` with `cursor` and `limit` set (and any other query pairs kept).
pub fn next_link(path: &str, pairs: &[(&str, Option<String>)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        if let Some(v) = value {
            query.append_pair(name, v);
        }
    }
    format!("{path}?{}", query.finish())
}

/// A page as a JSON array, with the link to the next in a `Link` header.
pub fn array<T: Serialize>(items: Vec<T>, next: Option<String>) -> Response {
    let mut response = Json(items).into_response();
    if let Some(next) = next {
        if let Ok(value) = HeaderValue::from_str(&format!("<{next}>; rel=\"next\"")) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letters() -> Vec<String> {
        ["a", "b", "c", "d", "e"].map(String::from).to_vec()
    }

    #[test]
    fn pages_follow_their_cursors_to_the_end_and_the_last_has_no_next() {
        let first = page(letters(), |s| s.as_str().into(), None, 2).unwrap();
        assert_eq!(first.items, ["a", "b"]);
        assert_eq!(first.next.as_deref(), Some("b"));
        let second = page(letters(), |s| s.as_str().into(), Some("b"), 2).unwrap();
        assert_eq!(second.items, ["c", "d"]);
        let last = page(letters(), |s| s.as_str().into(), Some("d"), 2).unwrap();
        assert_eq!(last.items, ["e"]);
        assert_eq!(last.next, None);
        let exact = page(letters(), |s| s.as_str().into(), Some("c"), 2).unwrap();
        assert_eq!(exact.items, ["d", "e"]);
        assert_eq!(
            exact.next, None,
            "nothing follows a page that ends the list"
        );
    }

    #[test]
    fn a_cursor_that_names_no_item_is_not_found() {
        assert!(page(letters(), |s| s.as_str().into(), Some("zz"), 2).is_err());
    }

    #[test]
    fn limits_outside_their_range_are_refused() {
        assert_eq!(limit("limit", None, 20, 200).unwrap(), 20);
        assert_eq!(limit("limit", Some(200), 20, 200).unwrap(), 200);
        assert!(limit("limit", Some(0), 20, 200).is_err());
        assert!(limit("limit", Some(201), 20, 200).is_err());
    }
}
