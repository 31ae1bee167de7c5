//! `/countries/{code}/upload`: the spreadsheet round trip of a country's plan. Download the
//! rows (XLSX or CSV), upload the edited file, read the preview of exactly what would change
//! — every error named by row and column — and confirm; nothing is recorded before. The
//! preview's changes travel sealed in the confirming form (for this session and country), so
//! any process of the tracker can record them.

use askama::Template;
use axum::extract::{Form, Multipart, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use safeguards_app::sheets::{self, CellError, Change, Conflict, Outcome, Plan, Step};
use safeguards_app::{may, Action, AppError, Caller};
use safeguards_domain::reason::Reason;
use safeguards_domain::values::CountryCode;

use super::{message, not_found, render, FormFields, Path, Visit};
use crate::http::error::ApiError;
use crate::web::i18n::Texts;
use crate::web::sheet_files::{self, FileError};
use crate::AppState;

/// The name of an engaged country.
async fn engaged(state: &AppState, country: CountryCode) -> Option<String> {
    let e = safeguards_app::engagements::get(&state.app, country).await;
    e.ok().map(|e| e.name)
}

/// `GET /countries/{code}/sheet.xlsx`.
pub async fn xlsx(state: State<AppState>, visit: Visit, path: Path<CountryCode>) -> Response {
    download(state, visit, path, "xlsx").await
}

/// `GET /countries/{code}/sheet.csv`.
pub async fn csv(state: State<AppState>, visit: Visit, path: Path<CountryCode>) -> Response {
    download(state, visit, path, "csv").await
}

async fn download(
    State(state): State<AppState>,
    visit: Visit,
    Path(country): Path<CountryCode>,
    format: &str,
) -> Response {
    let t = visit.t;
    let code = country.as_str();
    let rows = match sheets::download(&state.app, &visit.who, code).await {
        Ok(rows) => rows,
        // Refused as the upload page is: as if there were no such engagement.
        Err(AppError::NotFound(_) | AppError::Forbidden(_)) => {
            return not_found(t, visit.name(), t.no_such_engagement)
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    let (bytes, kind) = match format {
        "xlsx" => match sheet_files::xlsx(&rows, t) {
            Ok(b) => (
                b,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            Err(e) => {
                tracing::error!(error = %e, "a spreadsheet could not be written");
                return ApiError::internal().into_response();
            }
        },
        _ => (sheet_files::csv(&rows, t), "text/csv; charset=utf-8"),
    };
    let name = format!(
        "attachment; filename=\"{code}-plan-{}.{format}\"",
        state.app.clock().today()
    );
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(v) = HeaderValue::from_str(&name) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[derive(Template)]
#[template(path = "sheet_upload.html")]
struct UploadPage<'a> {
    t: &'static Texts,
    user: Option<String>,
    code: &'a str,
    name: &'a str,
    csrf: String,
    error: Option<String>,
}

/// `GET /countries/{code}/upload`.
pub async fn upload_page(
    State(state): State<AppState>,
    visit: Visit,
    Path(country): Path<CountryCode>,
) -> Response {
    let Some((code, name)) = allowed(&state, &visit, country).await else {
        return not_found(visit.t, visit.name(), visit.t.no_such_engagement);
    };
    visit.answer(upload_form(
        &state,
        &visit,
        &code,
        &name,
        StatusCode::OK,
        None,
    ))
}

/// The page of a form whose CSRF token is not the session's.
fn expired_form(visit: &Visit, code: &str) -> Response {
    let t = visit.t;
    message(
        t,
        StatusCode::FORBIDDEN,
        visit.name(),
        t.form_expired,
        t.form_expired,
        Some((&format!("/countries/{code}/upload"), t.back)),
    )
}

/// The country of the path when the visitor may update its milestones.
async fn allowed(
    state: &AppState,
    visit: &Visit,
    country: CountryCode,
) -> Option<(String, String)> {
    let code = country.as_str().to_string();
    let name = engaged(state, country).await?;
    may(&visit.who, Action::UpdateMilestones, Some(&code)).then_some((code, name))
}

fn upload_form(
    state: &AppState,
    visit: &Visit,
    code: &str,
    name: &str,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    render(
        status,
        UploadPage {
            t: visit.t,
            user: visit.name(),
            code,
            name,
            csrf: visit.csrf(state),
            error,
        },
    )
}

/// One line of the preview or of the result.
struct Line {
    row: usize,
    title: String,
    what: String,
}

#[derive(Template)]
#[template(path = "sheet_preview.html")]
struct PreviewPage<'a> {
    t: &'static Texts,
    user: Option<String>,
    code: &'a str,
    name: &'a str,
    csrf: String,
    changes: Vec<Line>,
    conflicts: Vec<Line>,
    errors: Vec<CellLine>,
    unchanged: usize,
    sealed: String,
}

/// `POST /countries/{code}/upload` (multipart: `csrf`, `file`): the preview.
pub async fn upload(
    State(state): State<AppState>,
    visit: Visit,
    Path(country): Path<CountryCode>,
    mut multipart: Multipart,
) -> Response {
    let Some((code, name)) = allowed(&state, &visit, country).await else {
        return not_found(visit.t, visit.name(), visit.t.no_such_engagement);
    };
    let t = visit.t;
    let (mut csrf, mut file) = (None, None);
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("csrf") => {
                csrf = read_field(field, 1024)
                    .await
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
            }
            Ok(Some(field)) if field.name() == Some("file") => {
                file = Some(read_field(field, sheet_files::MAX_BYTES).await)
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                let why = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    t.sh.too_large.to_string()
                } else {
                    e.body_text()
                };
                return upload_form(&state, &visit, &code, &name, e.status(), Some(why));
            }
        }
    }
    if !visit.sent_by(&state, csrf.as_deref().unwrap_or_default()) {
        return expired_form(&visit, &code);
    }
    let rows = match file {
        Some(Ok(bytes)) => match state.parsing.run(move || sheet_files::read(&bytes)).await {
            Ok(read) => read,
            Err(busy) => {
                let mut answer = upload_form(
                    &state,
                    &visit,
                    &code,
                    &name,
                    StatusCode::SERVICE_UNAVAILABLE,
                    Some(busy.to_string()),
                );
                answer
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
                return answer;
            }
        },
        Some(Err(e)) => Err(e),
        None => Err(FileError::NotSpreadsheet),
    };
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => {
            let status = match e {
                FileError::TooLarge | FileError::TooMuchText => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let why = file_error(t, &e);
            return upload_form(&state, &visit, &code, &name, status, Some(why));
        }
    };
    let plan = match sheets::plan(&state.app, &visit.who, &code, &rows).await {
        Ok(p) => p,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Plan {
        changes,
        conflicts,
        errors,
        unchanged,
    } = plan;
    let sealed = state.app.tokens().seal(
        &format!("upload:{code}"),
        &visit.token,
        &serde_json::to_vec(&changes).unwrap_or_default(),
    );
    // The confirmation carries the changes: they must fit in its form.
    if errors.is_empty() && sealed.len() > crate::http::CONFIRM_LIMIT - 16 * 1024 {
        let why = t.sh.too_many.to_string();
        return upload_form(
            &state,
            &visit,
            &code,
            &name,
            StatusCode::PAYLOAD_TOO_LARGE,
            Some(why),
        );
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    visit.answer(render(
        status,
        PreviewPage {
            t,
            user: visit.name(),
            code: &code,
            name: &name,
            csrf: visit.csrf(&state),
            changes: changes.iter().map(|c| line(t, c)).collect(),
            conflicts: conflicts.into_iter().map(|c| conflict_line(t, c)).collect(),
            errors: errors.into_iter().map(|e| cell_line(t, e)).collect(),
            unchanged,
            sealed,
        },
    ))
}

/// Why a file cannot be read, in the page's words.
fn file_error(t: &Texts, e: &FileError) -> String {
    let n = |x: usize| safeguards_texts::format::number(t.language, &x.to_string());
    let s = t.sh;
    match e {
        FileError::NotSpreadsheet => s.not_spreadsheet.to_string(),
        FileError::TooLarge => s.too_large.to_string(),
        FileError::TooManyRows(rows) => {
            s.too_many_rows(n(safeguards_app::sheets::MAX_ROWS), n(*rows))
        }
        FileError::Header => s.header_wrong(safeguards_app::sheets::COLUMNS.join(", ")),
        FileError::CellTooLong { row } => s.cell_too_long(n(sheet_files::MAX_CELL), n(*row)),
        FileError::TooManyColumns { row } => {
            s.too_many_columns(n(sheet_files::MAX_COLUMNS), n(*row))
        }
        FileError::TooMuchText => s.too_much_text(n(sheet_files::MAX_TEXT / 1024 / 1024)),
        FileError::Unreadable(detail) => {
            tracing::info!(%detail, "an uploaded spreadsheet cannot be read");
            s.unreadable.to_string()
        }
    }
}

/// A field of the form, read a chunk at a time: past `max` bytes the rest is read and dropped,
/// so that the sender gets the page saying so rather than a cut connection.
async fn read_field(
    mut field: axum::extract::multipart::Field<'_>,
    max: usize,
) -> Result<Vec<u8>, FileError> {
    let mut bytes = Vec::new();
    let mut too_large = false;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) if too_large || bytes.len() + chunk.len() > max => {
                too_large = true;
                bytes = Vec::new();
            }
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) if too_large => return Err(FileError::TooLarge),
            Ok(None) => return Ok(bytes),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(FileError::TooLarge)
            }
            Err(e) => return Err(FileError::Unreadable(e.body_text())),
        }
    }
}

fn conflict_line(t: &Texts, c: Conflict) -> Line {
    Line {
        row: c.row,
        title: c.title,
        what: t.reason(&c.message),
    }
}

/// A cell the upload cannot take, in the page's words.
struct CellLine {
    row: usize,
    column: &'static str,
    message: String,
}

fn cell_line(t: &Texts, e: CellError) -> CellLine {
    CellLine {
        row: e.row,
        column: e.column,
        message: t.reason(&e.message),
    }
}

/// A change in the page's words.
fn line(t: &'static Texts, c: &Change) -> Line {
    let s = t.sh;
    let what = match &c.step {
        Step::Revise { title, due_on } => {
            let mut parts = vec![s.revise.to_string()];
            parts.extend(title.as_ref().map(|x| format!("“{x}”")));
            parts.extend(due_on.map(|d| format!("{} {}", t.due, t.day(d))));
            parts.join(": ")
        }
        Step::Reschedule { due_on, reason } => {
            format!("{} → {} ({reason})", s.reschedule, t.day(*due_on))
        }
        Step::Unblock { .. } => s.unblock.to_string(),
        Step::Start { .. } => s.start.to_string(),
        Step::Progress { percent, .. } => format!("{} → {}", s.progress, t.whole_percent(percent)),
        Step::AddEvidence { title, url } => format!("{}: {title} <{url}>", s.evidence),
        Step::Achieve { title, url, .. } => format!("{} ({title} <{url}>)", s.achieve),
        Step::Block { reason } => format!("{}: {reason}", s.block),
        Step::Cancel { reason } => format!("{}: {reason}", s.cancel),
    };
    Line {
        row: c.row,
        title: c.title.clone(),
        what,
    }
}

#[derive(Template)]
#[template(path = "sheet_result.html")]
struct ResultPage<'a> {
    t: &'static Texts,
    user: Option<String>,
    code: &'a str,
    name: &'a str,
    applied: Vec<Line>,
    conflicts: Vec<Line>,
    failed: Vec<Line>,
    already: Vec<Line>,
}

/// `POST /countries/{code}/upload/confirm` (`csrf`, `plan`): record the preview's changes.
pub async fn confirm(
    State(state): State<AppState>,
    visit: Visit,
    Path(country): Path<CountryCode>,
    Form(form): Form<FormFields>,
) -> Response {
    let Some((code, name)) = allowed(&state, &visit, country).await else {
        return not_found(visit.t, visit.name(), visit.t.no_such_engagement);
    };
    let t = visit.t;
    let back = format!("/countries/{code}/upload");
    if !visit.sent_by(&state, form.get("csrf").map_or("", String::as_str)) {
        return expired_form(&visit, &code);
    }
    let changes: Option<Vec<Change>> = form
        .get("plan")
        .and_then(|p| {
            state
                .app
                .tokens()
                .unseal(&format!("upload:{code}"), &visit.token, p)
        })
        .and_then(|bytes| serde_json::from_slice(&bytes).ok());
    let Some(changes) = changes else {
        return message(
            t,
            StatusCode::BAD_REQUEST,
            visit.name(),
            t.sh.expired,
            t.sh.expired,
            Some((&back, t.sh.again)),
        );
    };
    // One correlation per sealed plan: sent twice, its changes are found as its own.
    let sealed = form.get("plan").map(String::as_str).unwrap_or_default();
    let signature: String = sealed
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .chars()
        .take(22)
        .collect();
    let caller = Caller::new(visit.who.clone(), format!("upload-{signature}"));
    let Outcome {
        applied,
        conflicts,
        failed,
        already,
    } = match sheets::apply(&state.app, &caller, &code, changes).await {
        Ok(o) => o,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let with_reason = |(c, why): (Change, Reason)| Line {
        row: c.row,
        title: c.title.clone(),
        what: format!("{} — {}", line(t, &c).what, t.reason(&why)),
    };
    visit.answer(render(
        StatusCode::OK,
        ResultPage {
            t,
            user: visit.name(),
            code: &code,
            name: &name,
            applied: applied.iter().map(|c| line(t, c)).collect(),
            conflicts: conflicts.into_iter().map(with_reason).collect(),
            failed: failed.into_iter().map(with_reason).collect(),
            already: already.iter().map(|c| line(t, c)).collect(),
        },
    ))
}
