//! The spreadsheet files of a country's plan: written as XLSX (with the allowed values as
//! drop-down lists) or CSV, and read back from either, told apart by their bytes, never by
//! their name.
//!
//! Reading is bounded by what the file holds for the plan, not by what it declares or repeats:
//! at most [`MAX_BYTES`] in, at most [`MAX_UNPACKED`] unpacked (counted as it is unpacked),
//! shared strings no more than the cells of a full plan, no cell longer than [`MAX_CELL`] and at
//! most [`MAX_TEXT`] of text taken in all. A workbook whose one long string is used by every
//! cell, or a CSV line of five million commas, is refused or passed over at that bound instead
//! of being copied into memory once per cell.

use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Xlsx};
use rust_xlsxwriter::{DataValidation, Format, Note, Workbook, XlsxError};
use safeguards_app::sheets::{SheetRow, COLUMNS, MAX_ROWS, STATUSES};
use safeguards_domain::milestone::MilestoneStatus;
use safeguards_domain::subscriber::Language;
use strum::VariantArray;

use super::i18n::{status_word, texts, Texts};

/// The largest file taken.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// Where the status is in a row.
const STATUS: usize = 5;

/// Why a file cannot be read as the plan's spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("this file is not a spreadsheet: upload the .xlsx or .csv file downloaded from this page, edited")]
    NotSpreadsheet,
    #[error("the file is larger than {} MB", MAX_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("the file has {0} rows; at most {MAX_ROWS} are taken at once")]
    TooManyRows(usize),
    #[error("the first row must be the column names of the download: {}", COLUMNS.join(", "))]
    Header,
    #[error("row {row} has a cell longer than {} bytes", MAX_CELL)]
    CellTooLong { row: usize },
    #[error("row {row} has more than {} columns", MAX_COLUMNS)]
    TooManyColumns { row: usize },
    #[error("the file holds more than {} MB of text; upload the plan's rows only", MAX_TEXT / 1024 / 1024)]
    TooMuchText,
    #[error("the spreadsheet cannot be read: {0}")]
    Unreadable(String),
}

/// The longest cell taken, in bytes: a note of [`Text::MAX`](safeguards_domain::values::Text)
/// characters of four bytes each fits.
pub const MAX_CELL: usize = 4 * safeguards_domain::values::Text::MAX;

/// The most columns a row of a CSV file may have; the plan's own come first, any after them
/// (a column of one's own notes) are passed over.
pub const MAX_COLUMNS: usize = 256;

/// The text taken from one file, in bytes, all cells together.
pub const MAX_TEXT: usize = 8 * 1024 * 1024;

/// What a workbook may unpack to, all its parts together, counted while unpacking.
pub const MAX_UNPACKED: u64 = 16 * 1024 * 1024;

/// The text of the cells taken so far, against [`MAX_TEXT`].
#[derive(Debug, Default)]
struct Taken(usize);

impl Taken {
    /// `cell` as a cell of `row` (numbered as the spreadsheet shows it, the header being 1),
    /// if the bounds allow it.
    fn cell(&mut self, row: usize, cell: &str) -> Result<String, FileError> {
        if cell.len() > MAX_CELL {
            return Err(FileError::CellTooLong { row });
        }
        self.0 += cell.len();
        if self.0 > MAX_TEXT {
            return Err(FileError::TooMuchText);
        }
        Ok(cell.to_string())
    }
}

/// The rows as they read in `t`'s language: a status in its words ("en cours", "قيد الإنجاز").
/// Reading takes the words of every language back, and the codes.
fn in_words(rows: &[SheetRow], t: &Texts) -> Vec<SheetRow> {
    let mut rows = rows.to_vec();
    for row in &mut rows {
        let word = status_word(t, &row.0[STATUS]);
        if !word.is_empty() {
            row.0[STATUS] = word.to_string();
        }
    }
    rows
}

/// Every language's word for each status, and its code: `("en cours", "in_progress")`. Made
/// once; an upload looks each status cell up here.
static STATUS_WORDS: std::sync::LazyLock<Vec<(&'static str, &'static str)>> =
    std::sync::LazyLock::new(|| {
        MilestoneStatus::VARIANTS
            .iter()
            .flat_map(|s| {
                let code = s.as_str();
                Language::VARIANTS
                    .iter()
                    .map(move |&l| (status_word(texts(l), code), code))
            })
            .filter(|(word, _)| !word.is_empty())
            .collect()
    });

/// The status code (`in_progress`) of a status cell written in any language's words.
fn status_code(cell: &str) -> Option<&'static str> {
    let cell = cell.trim();
    STATUS_WORDS
        .iter()
        .find(|(word, _)| *word == cell)
        .map(|(_, code)| *code)
}

/// The rows as an XLSX workbook in `t`'s language: a note on each column's name says what the
/// column holds, the status column offers the language's words, Arabic's sheet reads right to
/// left. The column names stay as they are: they name the columns for the upload.
pub fn xlsx(rows: &[SheetRow], t: &Texts) -> Result<Vec<u8>, XlsxError> {
    let s = t.sh;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(s.sheet_name)?;
    sheet.set_right_to_left(t.dir == "rtl");
    let bold = Format::new().set_bold();
    for (c, name) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &bold)?;
        let what = s
            .by_id(&format!("column-{}", name.replace('_', "-")))
            .unwrap_or_default();
        if !what.is_empty() {
            let note = Note::new(what).add_author_prefix(false).set_width(240);
            sheet.insert_note(0, c as u16, &note)?;
        }
    }
    let rows = in_words(rows, t);
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.0.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32 + 1, c as u16, cell)?;
            }
        }
    }
    let last = (rows.len() + 200).min(MAX_ROWS) as u32;
    let column = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap_or(0) as u16;
    let words: Vec<&str> = STATUSES.iter().map(|c| status_word(t, c)).collect();
    let statuses = DataValidation::new()
        .allow_list_strings(&words)?
        .set_error_title(s.status_list_title)?
        .set_error_message(s.status_list_message(words.join(", ")))?;
    sheet.add_data_validation(1, column("status"), last, column("status"), &statuses)?;
    let kinds = DataValidation::new().allow_list_strings(&["commitment", "milestone"])?;
    sheet.add_data_validation(1, column("kind"), last, column("kind"), &kinds)?;
    sheet.set_freeze_panes(1, 0)?;
    for (name, width) in [
        ("id", 38.0),
        ("commitment", 30.0),
        ("title", 40.0),
        ("status", 14.0),
        ("due_on", 12.0),
        ("note", 30.0),
        ("evidence_title", 24.0),
        ("evidence_url", 36.0),
    ] {
        sheet.set_column_width(column(name), width)?;
    }
    book.save_to_buffer()
}

/// The rows as CSV (UTF-8, a header row), statuses in `t`'s words. A cell that a spreadsheet
/// would take for a formula (`=`, `+`, `-`, `@`) is written behind an apostrophe, which
/// reading takes off again.
pub fn csv(rows: &[SheetRow], t: &Texts) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(COLUMNS);
    for row in &in_words(rows, t) {
        let _ = w.write_record(row.0.iter().map(|c| guarded(c).into_owned()));
    }
    w.into_inner().unwrap_or_default()
}

fn guarded(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn unguarded(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => cell,
    }
}

/// The rows of an uploaded file, XLSX or CSV.
pub fn read(bytes: &[u8]) -> Result<Vec<SheetRow>, FileError> {
    if bytes.len() > MAX_BYTES {
        return Err(FileError::TooLarge);
    }
    let table = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else {
        read_csv(bytes)?
    };
    let mut lines = table.into_iter();
    let header = lines.next().ok_or(FileError::Header)?;
    let names: Vec<String> = header
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    if names.len() < COLUMNS.len() || names[..COLUMNS.len()] != COLUMNS {
        return Err(FileError::Header);
    }
    // Blank rows stay, so that rows keep the numbers the spreadsheet shows.
    let mut rows: Vec<SheetRow> = lines
        .map(|cells| {
            let mut row = SheetRow::default();
            for (slot, cell) in row.0.iter_mut().zip(cells) {
                *slot = cell;
            }
            if let Some(code) = status_code(&row.0[STATUS]) {
                row.0[STATUS] = code.to_string();
            }
            row
        })
        .collect();
    while rows
        .last()
        .is_some_and(|r| r.0.iter().all(|c| c.trim().is_empty()))
    {
        rows.pop();
    }
    if rows.len() > MAX_ROWS {
        return Err(FileError::TooManyRows(rows.len()));
    }
    Ok(rows)
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, FileError> {
    let text = std::str::from_utf8(bytes).map_err(|_| FileError::NotSpreadsheet)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Text with control characters (a PDF, an image) is no spreadsheet.
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || text.starts_with("%PDF")
    {
        return Err(FileError::NotSpreadsheet);
    }
    // Field by field, so that only the plan's columns are kept: a line of a million fields
    // costs no more than a line of eleven.
    let mut reader = csv_core::Reader::new();
    let mut input = text.as_bytes();
    let mut field = vec![0u8; MAX_CELL];
    let (mut filled, mut column) = (0, 0);
    let mut taken = Taken::default();
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    loop {
        let (result, read, written) = reader.read_field(input, &mut field[filled..]);
        input = &input[read..];
        filled += written;
        match result {
            csv_core::ReadFieldResult::InputEmpty => {}
            csv_core::ReadFieldResult::OutputFull if column < COLUMNS.len() => {
                return Err(FileError::CellTooLong { row: out.len() + 1 });
            }
            // A field past the plan's columns: read on without keeping it.
            csv_core::ReadFieldResult::OutputFull => filled = 0,
            csv_core::ReadFieldResult::Field { record_end } => {
                if column < COLUMNS.len() {
                    let cell = std::str::from_utf8(&field[..filled])
                        .map_err(|_| FileError::NotSpreadsheet)?;
                    row.push(taken.cell(out.len() + 1, unguarded(cell))?);
                }
                filled = 0;
                column += 1;
                if column > MAX_COLUMNS {
                    return Err(FileError::TooManyColumns { row: out.len() + 1 });
                }
                if record_end {
                    out.push(std::mem::take(&mut row));
                    column = 0;
                    if out.len() > MAX_ROWS + 1 {
                        return Err(FileError::TooManyRows(out.len() - 1));
                    }
                }
            }
            csv_core::ReadFieldResult::End => break,
        }
    }
    Ok(out)
}

/// How many shared strings a workbook of the plan needs at most: one a cell.
const MAX_SHARED_STRINGS: u64 = ((MAX_ROWS + 1) * COLUMNS.len()) as u64;

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, FileError> {
    check_parts(bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| FileError::NotSpreadsheet)?;
    let names = book.sheet_names();
    let name = names
        .iter()
        .find(|n| {
            Language::VARIANTS
                .iter()
                .any(|&l| texts(l).sh.sheet_name == n.as_str())
        })
        .or(names.first())
        .cloned()
        .ok_or(FileError::Header)?;
    // Cell by cell: a cell far away (XFD1048576) must not make a grid of every cell before it.
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|e| FileError::Unreadable(e.to_string()))?;
    let due = COLUMNS.iter().position(|c| *c == "due_on");
    let mut taken = Taken::default();
    let mut table: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| FileError::Unreadable(e.to_string()))?
    {
        let (row, col) = cell.get_position();
        let (row, col) = (row as usize, col as usize);
        if col >= COLUMNS.len() {
            continue;
        }
        if row > MAX_ROWS {
            return Err(FileError::TooManyRows(row));
        }
        if table.len() <= row {
            table.resize_with(row + 1, || vec![String::new(); COLUMNS.len()]);
        }
        // A shared string is borrowed: it is measured before it is copied.
        table[row][col] = match cell.get_value() {
            DataRef::SharedString(s) => taken.cell(row + 1, s)?,
            DataRef::String(s) => taken.cell(row + 1, s)?,
            value => taken.cell(row + 1, &text(&Data::from(value.clone()), Some(col) == due))?,
        };
    }
    Ok(table)
}

/// Before the workbook is opened: every part unpacks to no more than [`MAX_UNPACKED`] in all
/// (counted while unpacking, whatever sizes the archive declares), and the shared strings
/// announce no more strings than a plan has cells (the reader reserves room for as many as
/// announced).
fn check_parts(bytes: &[u8]) -> Result<(), FileError> {
    use std::io::Read;
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FileError::NotSpreadsheet)?;
    let mut budget = MAX_UNPACKED;
    let mut sink = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|_| FileError::NotSpreadsheet)?;
        if part.size() > budget {
            return Err(FileError::TooLarge);
        }
        let shared = part
            .name()
            .is_ok_and(|name| name.ends_with("sharedStrings.xml"));
        let mut head = Vec::new();
        loop {
            let n = part
                .read(&mut sink)
                .map_err(|e| FileError::Unreadable(e.to_string()))?;
            if n == 0 {
                break;
            }
            budget = budget.checked_sub(n as u64).ok_or(FileError::TooLarge)?;
            if shared && head.len() < 64 * 1024 {
                head.extend_from_slice(&sink[..n.min(64 * 1024 - head.len())]);
            }
        }
        if shared {
            match announced_strings(&head) {
                None => return Err(FileError::NotSpreadsheet),
                Some(n) if n > MAX_SHARED_STRINGS => return Err(FileError::TooMuchText),
                Some(_) => {}
            }
        }
    }
    Ok(())
}

/// The `count` and `uniqueCount` of the `<sst>` element at the start of the shared strings,
/// the larger of the two (0 when absent); `None` when the element is not in `head`.
fn announced_strings(head: &[u8]) -> Option<u64> {
    let mut xml = quick_xml::Reader::from_reader(head);
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf).ok()? {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                if e.local_name().as_ref() == "sst" =>
            {
                let mut most = 0u64;
                for a in e.attributes() {
                    let a = a.ok()?;
                    if matches!(a.key.local_name().as_ref(), "count" | "uniqueCount") {
                        let n = a.value.trim().parse().ok()?;
                        most = most.max(n);
                    }
                }
                return Some(most);
            }
            quick_xml::events::Event::Eof => return None,
            _ => buf.clear(),
        }
    }
}

/// A cell as text: whole numbers without a decimal point, dates as `YYYY-MM-DD`.
fn text(cell: &Data, date: bool) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Float(f) if date => serial_date(*f),
        Data::Int(i) if date => serial_date(*i as f64),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => serial_date(d.as_f64()),
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// A spreadsheet's day number (days since 1899-12-30) as `YYYY-MM-DD`; the number itself when it
/// is no day (spreadsheets count up to 9999-12-31).
fn serial_date(days: f64) -> String {
    (0.0..=2_958_465.0)
        .contains(&days)
        .then(|| chrono::TimeDelta::try_days(days.floor() as i64))
        .flatten()
        .and_then(|d| chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(d))
        .map_or_else(|| days.to_string(), |d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, status: &str) -> SheetRow {
        let mut r = SheetRow::default();
        r.0[0] = "milestone".into();
        r.0[1] = id.into();
        r.0[2] = "3".into();
        r.0[4] = "Bill tabled, \"first\" reading".into();
        r.0[5] = status.into();
        r.0[7] = "2027-01-31".into();
        r
    }

    #[test]
    fn rows_come_back_unchanged_from_the_xlsx_and_the_csv_written() {
        let rows = vec![row("a", "planned"), row("b", "in_progress")];
        for lang in Language::VARIANTS {
            let t = texts(*lang);
            assert_eq!(read(&xlsx(&rows, t).unwrap()).unwrap(), rows, "{lang:?}");
            assert_eq!(read(&csv(&rows, t)).unwrap(), rows, "{lang:?}");
        }
    }

    #[test]
    fn files_that_are_no_spreadsheet_of_the_plan_are_refused_by_their_bytes() {
        assert_eq!(
            read(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
            Err(FileError::NotSpreadsheet)
        );
        assert_eq!(
            read(b"\x89PNG\r\n\x1a\n\0\0"),
            Err(FileError::NotSpreadsheet)
        );
        assert_eq!(
            read(b"PK\x03\x04 not really a zip"),
            Err(FileError::NotSpreadsheet)
        );
        assert_eq!(read(b"name,amount\nx,1\n"), Err(FileError::Header));
        assert_eq!(read(b""), Err(FileError::Header));
        let many = vec![row("a", "planned"); MAX_ROWS + 1];
        assert_eq!(
            read(&csv(&many, texts(Language::En))),
            Err(FileError::TooManyRows(MAX_ROWS + 1))
        );
        assert_eq!(
            read(&xlsx(&many, texts(Language::En)).unwrap()),
            Err(FileError::TooManyRows(MAX_ROWS + 1))
        );
    }

    #[test]
    fn a_far_away_cell_a_formula_like_title_and_a_huge_day_number_are_harmless() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("Plan").unwrap();
        for (c, name) in COLUMNS.iter().enumerate() {
            sheet.write_string(0, c as u16, *name).unwrap();
        }
        sheet.write_string(1, 4, "kept").unwrap();
        sheet.write_string(3, 16_383, "far to the right").unwrap();
        let rows = read(&book.save_to_buffer().unwrap()).unwrap();
        assert_eq!(rows.len(), 1, "the far cell is outside the columns");
        assert_eq!(rows[0].0[4], "kept");

        let mut far_down = Workbook::new();
        far_down
            .add_worksheet()
            .write_string(1_048_575, 0, "x")
            .unwrap();
        assert_eq!(
            read_xlsx(&far_down.save_to_buffer().unwrap()),
            Err(FileError::TooManyRows(1_048_575))
        );

        let mut r = row("a", "planned");
        r.0[4] = "=HYPERLINK(\"http://x\")".into();
        let written =
            String::from_utf8(csv(std::slice::from_ref(&r), texts(Language::En))).unwrap();
        assert!(written.contains("'=HYPERLINK"), "{written}");
        assert_eq!(read(written.as_bytes()).unwrap(), vec![r]);
        assert_eq!(serial_date(1e300), 1e300.to_string());
        assert_eq!(serial_date(-1.0), "-1");
    }

    #[test]
    fn a_small_workbook_that_unpacks_past_the_bound_is_refused_while_unpacking() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let filler = "x".repeat(30_000);
        for r in 0..2_000u32 {
            sheet.write_string(r, 4, format!("{r}{filler}")).unwrap();
        }
        let bytes = book.save_to_buffer().unwrap();
        assert!(bytes.len() < MAX_BYTES, "{} bytes", bytes.len());
        assert_eq!(read(&bytes), Err(FileError::TooLarge));
    }

    #[test]
    fn blank_rows_keep_the_numbers_of_the_rows_after_them() {
        let text = format!("{}\nmilestone,a\n,,\nmilestone,b\n\n", COLUMNS.join(","));
        let rows = read(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[2].0[1], "b");
    }

    #[test]
    fn a_date_typed_into_a_spreadsheet_reads_as_its_day() {
        assert_eq!(serial_date(46387.0), "2026-12-31");
        assert_eq!(text(&Data::Float(46387.0), true), "2026-12-31");
        assert_eq!(text(&Data::Float(40.0), false), "40");
        assert_eq!(text(&Data::Float(40.5), false), "40.5");
    }
}
