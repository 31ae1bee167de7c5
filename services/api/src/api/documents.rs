//! `POST /api/v1/milestones/{id}/evidence/files`: attach a document to a milestone as evidence.

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use safeguards_app::documents;
use safeguards_domain::values::{MilestoneId, Title};
use serde::Serialize;

use super::Path;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::Cmd;
use crate::http::upload;
use crate::AppState;

/// The form of an upload (documentation only: the handler reads the parts as they arrive, and
/// refuses any other).
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct DocumentForm {
    /// The document: PDF, PNG, JPEG, WebP, DOCX, XLSX, PPTX, ODT, ODS, CSV or plain text,
    /// judged by its bytes; at most `SAFEGUARDS_EVIDENCE_MAX_BYTES` (10 MB by default).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// What the document is, as a person would name it.
    #[schema(schema_with = crate::api::schema::title)]
    pub title: String,
}

/// What an attachment recorded.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AttachedAnswer {
    /// The SHA-256 of the document's bytes, hexadecimal: `GET /evidence/{sha256}` serves it.
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    /// The milestone's version after the attachment.
    pub version: u64,
    /// The position of the attachment's event in the log.
    pub position: i64,
}

#[utoipa::path(
    post,
    path = "/milestones/{id}/evidence/files",
    operation_id = "attach_evidence_file",
    tag = "milestones",
    summary = "Attach a document to a milestone as evidence (multipart: file, title)",
    description = "Who may add evidence to the milestone may attach; allowed while it is planned, in progress, blocked or achieved. The same document twice on one milestone is a 409. The type is judged by the bytes (415 for any other); past the size limit the upload is cut (413) and nothing is stored.",
    params(("id" = uuid::Uuid, Path, description = "Milestone id")),
    request_body(content = DocumentForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Attached", body = AttachedAnswer),
        (status = 408, description = "The upload stopped sending for a minute", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        crate::api::openapi::CommandProblems
    ),
    security(("bearer" = []))
)]
pub async fn attach_file(
    State(state): State<AppState>,
    Cmd(caller): Cmd,
    Path(id): Path<MilestoneId>,
    request: Request,
) -> ApiResult<Response> {
    // Who may not attach is refused before the body is looked at.
    documents::may_attach(&state.app, &caller, id).await?;
    let store = state
        .app
        .documents()
        .ok_or_else(|| ApiError::unavailable("no evidence store is set up"))?;
    upload::refuse_declared(request.headers(), store)?;
    let request = upload::bounded(request, store.max_bytes + upload::OVERHEAD);
    let mut multipart = Multipart::from_request(request, &state)
        .await
        .map_err(|e| ApiError::new(e.status(), e.body_text()))?;
    let posted = upload::read(&mut multipart, store).await?;
    let title = Title::parse(posted.title.as_deref().unwrap_or_default())?;
    let received = posted
        .received
        .ok_or_else(|| ApiError::invalid("file", "required: the document, as a file part"))?;
    let attached =
        documents::attach(&state.app, &caller, id, title, &posted.file_name, received).await?;
    Ok((
        StatusCode::CREATED,
        Json(AttachedAnswer {
            sha256: attached.file.sha256.as_str().to_string(),
            size: attached.file.size,
            media_type: attached.file.media_type.media_type().to_string(),
            version: attached.committed.version,
            position: attached.committed.position,
        }),
    )
        .into_response())
}
