//! The OpenAPI 3.1 document of every route, generated from the handlers' annotations as the
//! routers are built, and a light browsable page of it (no JavaScript).

use std::sync::Arc;

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoResponses, Modify, OpenApi, ToSchema};

use crate::web::i18n::{self, Texts};

/// An `application/problem+json` body (RFC 9457).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct Problem {
    /// `about:blank`
    #[schema(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    detail: String,
    /// The invalid field (422 only).
    field: Option<String>,
    /// A stable code to key on, whatever the English `detail` says: `invalid`, `unauthorized`,
    /// `forbidden`, `not_found`, `conflict`, `stale`, `too_many`, `too_large`, `unavailable`,
    /// …; or what the client must do first: `password_change_required` (403).
    code: Option<String>,
}

/// Problems a command may answer with.
#[derive(Debug, IntoResponses)]
#[allow(dead_code)]
pub enum CommandProblems {
    #[response(
        status = 400,
        description = "Malformed body or header",
        content_type = "application/problem+json"
    )]
    BadRequest(Problem),
    #[response(
        status = 401,
        description = "No valid token",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    #[response(
        status = 403,
        description = "The role may not do this here",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    #[response(
        status = 404,
        description = "No such resource",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
    #[response(
        status = 409,
        description = "Duplicate or illegal transition",
        content_type = "application/problem+json"
    )]
    Conflict(Problem),
    #[response(
        status = 412,
        description = "If-Match names a stale version",
        content_type = "application/problem+json"
    )]
    PreconditionFailed(Problem),
    #[response(
        status = 413,
        description = "Body over 64 KiB",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    #[response(
        status = 415,
        description = "Body is not JSON",
        content_type = "application/problem+json"
    )]
    UnsupportedMediaType(Problem),
    #[response(
        status = 422,
        description = "Invalid field; `field` names it",
        content_type = "application/problem+json"
    )]
    Invalid(Problem),
    #[response(
        status = 429,
        description = "Too many attempts from this client or for this address (sign-in, subscription); see Retry-After",
        content_type = "application/problem+json"
    )]
    TooManyRequests(Problem),
    #[response(
        status = 503,
        description = "Store unavailable, or the server's read model is behind the log; see Retry-After",
        content_type = "application/problem+json"
    )]
    Unavailable(Problem),
}

/// Problems a read may answer with.
#[derive(Debug, IntoResponses)]
#[allow(dead_code)]
pub enum ReadProblems {
    #[response(
        status = 400,
        description = "Malformed query",
        content_type = "application/problem+json"
    )]
    BadRequest(Problem),
    #[response(
        status = 401,
        description = "No valid token",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    #[response(
        status = 403,
        description = "The role may not read this",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    #[response(
        status = 404,
        description = "No such resource",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
    #[response(
        status = 422,
        description = "Invalid query value",
        content_type = "application/problem+json"
    )]
    Invalid(Problem),
    #[response(
        status = 429,
        description = "Busy (a digest preview is being composed); see Retry-After",
        content_type = "application/problem+json"
    )]
    TooManyRequests(Problem),
    #[response(
        status = 503,
        description = "Store unavailable, or the server's read model is behind the log; see Retry-After",
        content_type = "application/problem+json"
    )]
    Unavailable(Problem),
}

/// Problems a read open to everyone may answer with.
#[derive(Debug, IntoResponses)]
#[allow(dead_code)]
pub enum OpenReadProblems {
    #[response(
        status = 400,
        description = "Malformed query",
        content_type = "application/problem+json"
    )]
    BadRequest(Problem),
    #[response(
        status = 422,
        description = "Invalid query value",
        content_type = "application/problem+json"
    )]
    Invalid(Problem),
    #[response(
        status = 503,
        description = "Store unavailable; see Retry-After",
        content_type = "application/problem+json"
    )]
    Unavailable(Problem),
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document's frame: its description, security scheme and shared schemas. The paths come
/// from the routers themselves (`routes::api`, `ops::router`), so that the route table and the
/// document cannot drift.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Safeguards Tracker API",
        description = "Follow how countries put the Universal DPI Safeguards Framework into practice. \
            Commands answer `{id, version, position}`; GET of an aggregate answers an ETag of its \
            version, and a command sent with `If-Match: \"<version>\"` whose version is stale gets \
            412 and changes nothing. Send `X-Read-After: <position>` to read your own writes \
            through another server process.",
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// The document, rendered once.
#[derive(Clone)]
pub struct Document {
    pub json: axum::body::Bytes,
    pub doc: Arc<utoipa::openapi::OpenApi>,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("bytes", &self.json.len())
            .finish()
    }
}

impl Document {
    pub fn new(doc: utoipa::openapi::OpenApi) -> Self {
        Self {
            json: doc.to_json().unwrap_or_default().into(),
            doc: Arc::new(doc),
        }
    }
}

/// `/api/openapi.json` and `/api/docs`.
pub fn router(document: Document) -> Router<crate::AppState> {
    let json = document.json.clone();
    Router::new()
        .route(
            "/api/openapi.json",
            get(move || {
                let json = json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], json) }
            }),
        )
        .route(
            "/api/docs",
            get(move |parts: axum::http::request::Parts| {
                let doc = document.doc.clone();
                async move { docs(&doc, &parts) }
            }),
        )
}

struct Row {
    method: &'static str,
    path: String,
    summary: String,
}

struct Group {
    tag: String,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "docs.html")]
struct DocsPage {
    t: &'static Texts,
    user: Option<String>,
    groups: Vec<Group>,
}

/// Every route with its summary, grouped by tag.
fn docs(doc: &utoipa::openapi::OpenApi, parts: &axum::http::request::Parts) -> Response {
    let mut rows: Vec<(String, Row)> = Vec::new();
    for (path, item) in &doc.paths.paths {
        let ops = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
            ("PATCH", &item.patch),
        ];
        for (method, op) in ops {
            if let Some(op) = op {
                let tag = op
                    .tags
                    .as_ref()
                    .and_then(|t| t.first())
                    .cloned()
                    .unwrap_or_default();
                rows.push((
                    tag,
                    Row {
                        method,
                        path: path.clone(),
                        summary: op.summary.clone().unwrap_or_default(),
                    },
                ));
            }
        }
    }
    rows.sort_by(|a, b| (&a.0, &a.1.path, a.1.method).cmp(&(&b.0, &b.1.path, b.1.method)));
    let mut groups: Vec<Group> = Vec::new();
    for (tag, row) in rows {
        match groups.last_mut() {
            Some(g) if g.tag == tag => g.rows.push(row),
            _ => groups.push(Group {
                tag,
                rows: vec![row],
            }),
        }
    }
    let (lang, chosen) = i18n::language(parts);
    let page = crate::web::render(
        StatusCode::OK,
        DocsPage {
            t: i18n::texts(lang),
            user: None,
            groups,
        },
    );
    i18n::remember(page, lang, chosen)
}
