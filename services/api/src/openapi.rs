//! The OpenAPI 3.1 document of every route, generated from the handlers' annotations, and a
//! light browsable page of it (no JavaScript).

use axum::http::header;
use axum::response::{Html, IntoResponse};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoResponses, Modify, OpenApi, ToSchema};

use crate::routes;

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
        description = "Too many attempts from this address (sign-in, subscription); see Retry-After",
        content_type = "application/problem+json"
    )]
    TooManyRequests(Problem),
    #[response(
        status = 503,
        description = "Store unavailable; see Retry-After",
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

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Safeguards Tracker API",
        description = "Follow how countries put the Universal DPI Safeguards Framework into practice. \
            Commands answer `{id, version, position}`; GET of an aggregate answers an ETag of its \
            version, and a command with a stale `If-Match` gets 412. Send `X-Read-After: <position>` \
            to read your own writes through another server process.",
    ),
    paths(
        routes::catalogue::catalogue,
        routes::accounts::token,
        routes::accounts::me,
        routes::accounts::create,
        routes::accounts::list,
        routes::accounts::change_role,
        routes::accounts::disable,
        routes::engagements::open,
        routes::engagements::list,
        routes::engagements::get,
        routes::engagements::record_activity,
        routes::engagements::add_dpi_system,
        routes::engagements::move_dpi_system,
        routes::engagements::assign_focal_point,
        routes::engagements::remove_focal_point,
        routes::engagements::change_status,
        routes::commitments::create,
        routes::commitments::list_for_country,
        routes::commitments::get,
        routes::commitments::revise,
        routes::commitments::withdraw,
        routes::milestones::add,
        routes::milestones::get,
        routes::milestones::start,
        routes::milestones::progress,
        routes::milestones::block,
        routes::milestones::unblock,
        routes::milestones::achieve,
        routes::milestones::verify,
        routes::milestones::reject,
        routes::milestones::reschedule,
        routes::milestones::cancel,
        routes::feed::engagement_history,
        routes::feed::commitment_history,
        routes::feed::milestone_history,
        routes::feed::activity,
        routes::feed::events,
        routes::progress::overview,
        routes::progress::principles,
        routes::progress::country,
        routes::subscriptions::subscribe,
        routes::subscriptions::subscribers,
        routes::subscriptions::erase,
        routes::subscriptions::digests,
        routes::subscriptions::preview,
        routes::subscriptions::send,
        crate::ops::healthz,
        crate::ops::readyz,
        crate::ops::metrics,
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn openapi_json() -> impl IntoResponse {
    let body = ApiDoc::openapi().to_json().unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json")], body)
}

/// `GET /api/docs`: every route with its summary, grouped by tag, as plain HTML.
pub async fn docs() -> Html<String> {
    let doc = ApiDoc::openapi();
    let mut rows: Vec<(String, String, String, String)> = Vec::new();
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
                    path.clone(),
                    method.to_string(),
                    op.summary.clone().unwrap_or_default(),
                ));
            }
        }
    }
    rows.sort();
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Safeguards Tracker API</title>\
         <link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main id=\"main\">\
         <h1>Safeguards Tracker API</h1><p>The machine-readable document is at \
         <a href=\"/api/openapi.json\">/api/openapi.json</a> (OpenAPI 3.1).</p>",
    );
    let mut current = String::new();
    for (tag, path, method, summary) in rows {
        if tag != current {
            if !current.is_empty() {
                html.push_str("</tbody></table>");
            }
            html.push_str(&format!(
                "<h2>{}</h2><table><thead><tr><th scope=\"col\">Method</th><th scope=\"col\">Route</th><th scope=\"col\">What it does</th></tr></thead><tbody>",
                escape(&tag)
            ));
            current = tag;
        }
        html.push_str(&format!(
            "<tr><td>{method}</td><td><code>{}</code></td><td>{}</td></tr>",
            escape(&path),
            escape(&summary)
        ));
    }
    html.push_str("</tbody></table></main></body></html>");
    Html(html)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
