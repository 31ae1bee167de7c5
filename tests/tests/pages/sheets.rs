//! The spreadsheet round trip: a focal point downloads their country's plan, edits it offline
//! and uploads it; the preview shows exactly what would change, and only the confirmation
//! records it, as ordinary commands carrying each row's version.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use safeguards_domain::values::Role;
use safeguards_tests::app::TestApp;
use safeguards_tests::forms::{attr, client, Session};
use safeguards_tests::{on_both_stores, Backend};
use serde_json::json;

/// A signed-in browser without JavaScript, with the upload's steps.
struct Browser(Session);

impl std::ops::Deref for Browser {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.0
    }
}

impl Browser {
    async fn of(app: &TestApp, email: &str) -> Self {
        Self(Session::signed_in(&app.base, email).await)
    }

    /// The upload form's CSRF token.
    async fn csrf(&self, country: &str) -> String {
        let (status, page) = self.get(&format!("/countries/{country}/upload")).await;
        assert_eq!(status, StatusCode::OK);
        attr(&String::from_utf8(page).unwrap(), "name=\"csrf\" value=\"")
    }

    /// Upload `bytes` as `file_name`: the status and the page.
    async fn upload(&self, country: &str, file_name: &str, bytes: Vec<u8>) -> (StatusCode, String) {
        let csrf = self.csrf(country).await;
        let form = Form::new()
            .text("csrf", csrf)
            .part("file", Part::bytes(bytes).file_name(file_name.to_string()));
        let r = self
            .request(Method::POST, &format!("/countries/{country}/upload"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// Confirm the preview `page`: the status and the result page.
    async fn confirm(&self, country: &str, page: &str) -> (StatusCode, String) {
        let csrf = attr(page, "name=\"csrf\" value=\"");
        let plan = attr(page, "name=\"plan\" value=\"");
        let r = self
            .request(
                Method::POST,
                &format!("/countries/{country}/upload/confirm"),
            )
            .form(&[("csrf", csrf), ("plan", plan)])
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }
}

/// The cells of the first sheet of an XLSX file, as text.
fn cells_of(xlsx: &[u8]) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(xlsx.to_vec())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// An XLSX file of these cells, written by the test itself.
fn xlsx_of(cells: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in cells.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// Set the cell `column` of the row of `id`.
fn edit(cells: &mut [Vec<String>], id: &str, column: &str, value: &str) {
    let c = cells[0].iter().position(|h| h == column).unwrap();
    let row = cells.iter_mut().find(|r| r[1] == id).unwrap();
    row[c] = value.to_string();
}

/// The rows of the changes table of a preview or a result page.
fn table_rows(page: &str) -> usize {
    page.split("<tbody>").nth(1).map_or(0, |t| {
        t.split("</tbody>").next().unwrap().matches("<tr>").count()
    })
}

/// A step of milestone `id` through the API, as the admin (someone else than the sheet's user).
async fn step(app: &TestApp, id: &str, action: &str, body: serde_json::Value) {
    let path = format!("/api/v1/milestones/{id}/{action}");
    let r = app.post(&app.admin, &path, body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// The commitment of milestone `id`.
async fn commitment_of(app: &TestApp, id: &str) -> String {
    let m = app
        .get(&app.admin, &format!("/api/v1/milestones/{id}"))
        .await;
    m.body["commitment"].as_str().unwrap().to_string()
}

/// A milestone of `commitment` titled `title`, due `due_on`; its id.
async fn milestone(app: &TestApp, commitment: &str, title: &str, due_on: &str) -> String {
    let r = app
        .post(
            &app.admin,
            &format!("/api/v1/commitments/{commitment}/milestones"),
            json!({"title": title, "due_on": due_on}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.id()
}

async fn a_focal_point_edits_three_rows_offline_and_exactly_those_three_are_recorded_once(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let started = app
        .kenya_focal_point_and_a_started_milestone("fp@ict.go.ke", 20)
        .await;
    let commitment = commitment_of(&app, &started).await;
    let planned = milestone(&app, &commitment, "Consultation held", "2027-03-31").await;
    let moving = milestone(&app, &commitment, "Regulator appointed", "2027-05-31").await;
    let contested = milestone(&app, &commitment, "Budget approved", "2027-06-30").await;
    let fp = Browser::of(&app, "fp@ict.go.ke").await;

    let (status, file) = fp.get("/countries/KEN/sheet.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    let mut cells = cells_of(&file);
    assert_eq!(cells[0][..3], ["kind", "id", "version"]);
    assert_eq!(
        cells.len(),
        1 + 1 + 4,
        "a header, the commitment and its four milestones"
    );
    let (status, csv) = fp.get("/countries/KEN/sheet.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8(csv)
        .unwrap()
        .contains("Consultation held"));

    // Three rows edited offline; meanwhile a programme manager updates a fourth on the tracker.
    edit(&mut cells, &started, "percent", "40");
    edit(&mut cells, &planned, "status", "blocked");
    edit(&mut cells, &planned, "note", "Waiting for the budget");
    edit(&mut cells, &moving, "due_on", "2027-09-30");
    edit(&mut cells, &moving, "note", "Elections moved the calendar");
    edit(&mut cells, &contested, "percent", "90");
    step(&app, &contested, "progress", json!({"percent": 10})).await;
    let edited = xlsx_of(&cells);

    let before = app.event_count().await;
    let (status, preview) = fp.upload("KEN", "KEN-plan.xlsx", edited.clone()).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(table_rows(&preview), 3, "{preview}");
    for expected in [
        "→ 40%",
        "Waiting for the budget",
        "Elections moved the calendar",
    ] {
        assert!(preview.contains(expected), "{expected} not in {preview}");
    }
    assert!(preview.contains("Budget approved") && preview.contains("since your download"));
    assert_eq!(app.event_count().await, before, "a preview records nothing");

    let (status, result) = fp.confirm("KEN", &preview).await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(table_rows(&result), 3, "{result}");
    assert_eq!(app.event_count().await, before + 3);
    let api = |id: String| {
        let app = &app;
        async move {
            app.get(&app.admin, &format!("/api/v1/milestones/{id}"))
                .await
                .body
        }
    };
    assert_eq!(api(started.clone()).await["percent"], 40);
    assert_eq!(api(planned.clone()).await["status"], "blocked");
    assert_eq!(api(moving.clone()).await["due_on"], "2027-09-30");
    assert_eq!(
        api(contested.clone()).await["percent"],
        10,
        "the conflicting row was not applied"
    );

    // The same confirmation again, and the same file again: nothing more is recorded.
    let (status, again) = fp.confirm("KEN", &preview).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(table_rows(&again), 0, "{again}");
    assert!(
        again.contains("Recorded before") && !again.contains("since your download"),
        "{again}"
    );
    let (status, second) = fp.upload("KEN", "KEN-plan.xlsx", edited).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(table_rows(&second), 0, "{second}");
    assert!(second.contains("Nothing to record"), "{second}");
    assert!(!second.contains("name=\"plan\""));
    assert_eq!(app.event_count().await, before + 3);

    // The events are the focal point's.
    let history = safeguards_infra::feed::history(&app.db.db, "milestone", &planned)
        .await
        .unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.event_type, "MilestoneBlocked");
    assert!(last.metadata.correlation_id.starts_with("upload-"));
    let model = app.projector.read().await;
    let fp_id = &model
        .accounts
        .values()
        .find(|a| a.email == "fp@ict.go.ke")
        .unwrap()
        .id;
    assert_eq!(&last.metadata.actor_id(), fp_id);
}

async fn uploads_too_large_too_long_not_spreadsheets_or_wrong_are_refused_and_record_nothing(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let started = app
        .kenya_focal_point_and_a_started_milestone("fp@ict.go.ke", 20)
        .await;
    app.open("BRA").await;
    let bra = app.commitment("BRA").await;
    let foreign = app.milestone(&bra, "2027-01-31").await;
    app.account("viewer@un.org", Role::Viewer, &[]).await;
    let ken = commitment_of(&app, &started).await;
    let second = milestone(&app, &ken, "Consultation held", "2027-03-31").await;
    let fp = Browser::of(&app, "fp@ict.go.ke").await;
    let (_, file) = fp.get("/countries/KEN/sheet.csv").await;
    let csv = String::from_utf8(file).unwrap();
    let before = app.event_count().await;

    // 10,000 rows.
    let row = csv.lines().nth(1).unwrap();
    let mut long = csv.lines().next().unwrap().to_string();
    for _ in 0..10_000 {
        long.push('\n');
        long.push_str(row);
    }
    let (status, page) = fp.upload("KEN", "plan.csv", long.into_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.replace(['\u{2068}', '\u{2069}'], "")
            .contains("The file has 5,001 rows; at most 5,000"),
        "{page}"
    );

    // 20 MB.
    let (status, page) = fp
        .upload("KEN", "plan.csv", vec![b'a'; 20 * 1024 * 1024])
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.contains("larger than 5 MB"), "{page}");

    // A PDF named like a spreadsheet.
    let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".to_vec();
    let (status, page) = fp.upload("KEN", "KEN-plan.xlsx", pdf).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("not a spreadsheet"), "{page}");

    // Wrong cells: each named by row and column, and nothing of the file is recorded.
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    let at = lines.iter().position(|l| l.contains(&started)).unwrap();
    let mut cells: Vec<String> = lines[at].split(',').map(str::to_string).collect();
    cells[6] = "lots".into();
    lines[at] = cells.join(",");
    let row_of = |id: &str| lines.iter().position(|l| l.contains(id)).unwrap();
    let at_second = row_of(&second);
    let mut renamed: Vec<String> = lines[at_second].split(',').map(str::to_string).collect();
    renamed[4] = "Consultation skipped".into();
    renamed[5] = "done".into();
    renamed[8] = "x".repeat(2001);
    lines[at_second] = renamed.join(",");
    lines.push(cells.join(","));
    let mut other_country = cells.clone();
    other_country[1] = foreign.clone();
    other_country[6] = "50".into();
    lines.push(other_country.join(","));
    let (status, page) = fp
        .upload("KEN", "plan.csv", lines.join("\n").into_bytes())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    for expected in [
        format!("Row {}, percent: must be a whole number", at + 1),
        format!("Row {}, title: a milestone keeps its title", at_second + 1),
        format!(
            "Row {}, status: “done” is not one of planned, in progress, blocked",
            at_second + 1
        ),
        format!(
            "Row {}, note: must be at most 2,000 characters",
            at_second + 1
        ),
        format!(
            "Row {}, id: this id is on row {} already",
            lines.len() - 1,
            at + 1
        ),
        format!("Row {}, id: no milestone of Kenya", lines.len()),
    ] {
        // (Values inserted in a sentence are isolated: U+2068 … U+2069.)
        let page = page.replace(['\u{2068}', '\u{2069}'], "");
        assert!(page.contains(&expected), "{expected} not in {page}");
    }
    assert!(
        !page.contains("name=\"plan\""),
        "no confirmation is offered"
    );

    // A forged or another country's sealed plan, a stale form, other people.
    let r = fp
        .request(Method::POST, "/countries/KEN/upload/confirm")
        .form(&[
            ("csrf", fp.csrf("KEN").await),
            ("plan", "W10.forged".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = fp
        .request(Method::POST, "/countries/KEN/upload")
        .multipart(
            Form::new()
                .text("csrf", "nope")
                .part("file", Part::bytes(csv.clone().into_bytes())),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (status, _) = fp.get("/countries/BRA/upload").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another country's upload");
    let viewer = Browser::of(&app, "viewer@un.org").await;
    let (status, _) = viewer.get("/countries/KEN/upload").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The file is the upload's form: who may not upload does not get it either.
    for path in ["/countries/KEN/sheet.xlsx", "/countries/KEN/sheet.csv"] {
        let (status, _) = viewer.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "a viewer's {path}");
    }
    let (status, _) = fp.get("/countries/BRA/sheet.csv").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another country's file");
    let anonymous = client()
        .get(format!("{}/countries/KEN/sheet.xlsx", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        anonymous.status(),
        StatusCode::SEE_OTHER,
        "to the sign-in page"
    );
    assert_eq!(app.event_count().await, before);

    // Once the row is stale (changed on the tracker since), its wrong cell is still named.
    step(&app, &started, "progress", json!({"percent": 15})).await;
    let (status, page) = fp
        .upload("KEN", "plan.csv", lines.join("\n").into_bytes())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains(&format!("Row {}, percent: must be a whole number", at + 1)),
        "{page}"
    );
    assert_eq!(app.event_count().await, before + 1);
}

async fn a_milestone_blocked_while_planned_is_unblocked_and_started_by_one_row(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let started = app
        .kenya_focal_point_and_a_started_milestone("fp@ict.go.ke", 20)
        .await;
    let commitment = commitment_of(&app, &started).await;
    let planned = milestone(&app, &commitment, "Consultation held", "2027-03-31").await;
    step(&app, &planned, "block", json!({"reason": "No venue"})).await;
    let fp = Browser::of(&app, "fp@ict.go.ke").await;
    let (_, file) = fp.get("/countries/KEN/sheet.xlsx").await;
    let mut cells = cells_of(&file);
    edit(&mut cells, &planned, "status", "in_progress");
    let (status, preview) = fp.upload("KEN", "plan.xlsx", xlsx_of(&cells)).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(table_rows(&preview), 2, "unblock, then start: {preview}");
    let (status, result) = fp.confirm("KEN", &preview).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(table_rows(&result), 2, "{result}");
    // Sent again, both steps of the row are known as this confirmation's own.
    let (_, again) = fp.confirm("KEN", &preview).await;
    assert_eq!(
        again
            .matches(r#"Row 4, <span dir="auto">Consultation held</span>"#)
            .count(),
        2,
        "{again}"
    );
    assert!(
        again.contains("Recorded before") && !again.contains("Left alone"),
        "{again}"
    );
    let api = app
        .get(&app.admin, &format!("/api/v1/milestones/{planned}"))
        .await;
    assert_eq!(api.body["status"], "in_progress");
}

mod unblock {
    use super::*;
    on_both_stores!(a_milestone_blocked_while_planned_is_unblocked_and_started_by_one_row);
}

mod round_trip {
    use super::*;
    on_both_stores!(
        a_focal_point_edits_three_rows_offline_and_exactly_those_three_are_recorded_once
    );
}

mod refused {
    use super::*;
    on_both_stores!(
        uploads_too_large_too_long_not_spreadsheets_or_wrong_are_refused_and_record_nothing
    );
}

/// Arabic text makes the round trip byte for byte: titles and notes written in Arabic (with
/// its marks, Arabic-Indic digits and a word of English inside) are downloaded in a workbook
/// whose statuses are Arabic words, edited, uploaded and confirmed; the tracker records exactly
/// the text typed, and a fresh download, uploaded untouched, asks for nothing.
async fn arabic_titles_and_notes_come_back_byte_identical_from_a_round_trip(backend: Backend) {
    use safeguards_domain::subscriber::Language;
    let app = TestApp::spawn(backend).await;
    let started = app
        .kenya_focal_point_and_a_started_milestone("fp@ict.go.ke", 20)
        .await;
    let commitment = commitment_of(&app, &started).await;
    let arabic_milestone = "اعتمادُ قانونِ حمايةِ البيانات الشخصية (GDPR) — المرحلة ٢";
    let planned = milestone(&app, &commitment, arabic_milestone, "2027-03-31").await;
    let fp = Browser::of(&app, "fp@ict.go.ke").await;
    let words = |l| safeguards_api::web::i18n::texts(l);
    let ar = words(Language::Ar);

    let (status, file) = fp.get("/countries/KEN/sheet.xlsx?lang=ar").await;
    assert_eq!(status, StatusCode::OK);
    let mut cells = cells_of(&file);
    let row = |cells: &[Vec<String>], id: &str| cells.iter().find(|r| r[1] == id).unwrap().clone();
    assert_eq!(
        row(&cells, &planned)[4].as_bytes(),
        arabic_milestone.as_bytes()
    );
    assert_eq!(
        row(&cells, &planned)[5],
        ar.status_planned,
        "statuses in Arabic words"
    );
    assert_eq!(row(&cells, &started)[5], ar.status_in_progress);

    let title = "التزامٌ بحمايةِ البيانات: خطة ٢٠٢٧ للهيئة الوطنية";
    let progress_note = "تمّت القراءةُ الثانية في البرلمان؛ انظر المحضر رقم ٤٢";
    let block_reason = "بانتظار الميزانية — «وزارة المالية»";
    edit(&mut cells, &commitment, "title", title);
    edit(&mut cells, &started, "percent", "40");
    edit(&mut cells, &started, "note", progress_note);
    edit(&mut cells, &planned, "status", ar.status_blocked);
    edit(&mut cells, &planned, "note", block_reason);
    let (status, preview) = fp.upload("KEN", "KEN-plan.xlsx", xlsx_of(&cells)).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(table_rows(&preview), 3, "{preview}");
    let (status, result) = fp.confirm("KEN", &preview).await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(table_rows(&result), 3, "{result}");

    let get = |path: String| {
        let app = &app;
        async move { app.get(&app.admin, &path).await.body }
    };
    let c = get(format!("/api/v1/commitments/{commitment}")).await;
    assert_eq!(c["title"].as_str().unwrap().as_bytes(), title.as_bytes());
    let m = get(format!("/api/v1/milestones/{started}")).await;
    assert_eq!(m["percent"], 40);
    assert_eq!(
        m["last_note"].as_str().map(str::as_bytes),
        Some(progress_note.as_bytes()),
        "{m}"
    );
    let m = get(format!("/api/v1/milestones/{planned}")).await;
    assert_eq!(m["status"], "blocked");
    assert_eq!(
        m["title"].as_str().unwrap().as_bytes(),
        arabic_milestone.as_bytes()
    );
    assert_eq!(
        m["blocked_reason"].as_str().map(str::as_bytes),
        Some(block_reason.as_bytes()),
        "{m}"
    );

    // A fresh download, as CSV too, carries the text as typed; uploaded untouched it asks for
    // nothing.
    let (_, csv) = fp.get("/countries/KEN/sheet.csv?lang=ar").await;
    let csv = String::from_utf8(csv).unwrap();
    for text in [title, arabic_milestone] {
        assert!(csv.contains(text), "{text} not in {csv}");
    }
    let (_, file) = fp.get("/countries/KEN/sheet.xlsx?lang=ar").await;
    assert_eq!(
        row(&cells_of(&file), &commitment)[4].as_bytes(),
        title.as_bytes()
    );
    let before = app.event_count().await;
    for (name, bytes) in [("KEN-plan.xlsx", file), ("KEN-plan.csv", csv.into_bytes())] {
        let (status, page) = fp.upload("KEN", name, bytes).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(table_rows(&page), 0, "{name}: {page}");
    }
    assert_eq!(app.event_count().await, before);

    // With Arabic as the account's language, a wrong cell is named in Arabic.
    let token = app
        .token("fp@ict.go.ke", safeguards_tests::app::PASSWORD)
        .await;
    let r = app
        .post(&token, "/api/v1/me/language", json!({"language": "ar"}))
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let (_, file) = fp.get("/countries/KEN/sheet.xlsx").await;
    let mut wrong = cells_of(&file);
    edit(&mut wrong, &started, "percent", "كثير");
    let (status, page) = fp.upload("KEN", "KEN-plan.xlsx", xlsx_of(&wrong)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    let said = safeguards_texts::catalogue(Language::Ar)
        .errors
        .not_a_percent;
    assert!(
        page.contains(said) && page.contains("dir=\"rtl\""),
        "{page}"
    );
    assert!(!page.contains("must be a whole number"), "{page}");
}

mod arabic {
    use super::*;
    on_both_stores!(arabic_titles_and_notes_come_back_byte_identical_from_a_round_trip);
}
