//! The spreadsheet files of a country's plan: written as XLSX (with the allowed values as
//! drop-down lists) or CSV, and read back from either, told apart by their bytes, never by
//! their name.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{DataValidation, Format, Workbook, XlsxError};
use safeguards_app::sheets::{SheetRow, COLUMNS, MAX_ROWS, STATUSES};

/// The largest file taken.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// The sheet's name in the workbook.
const SHEET: &str = "Plan";

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
    #[error("the spreadsheet cannot be read: {0}")]
    Unreadable(String),
}

/// The rows as an XLSX workbook.
pub fn xlsx(rows: &[SheetRow]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(SHEET)?;
    let bold = Format::new().set_bold();
    for (c, name) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.0.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32 + 1, c as u16, cell)?;
            }
        }
    }
    let last = (rows.len() + 200).min(MAX_ROWS) as u32;
    let column = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap_or(0) as u16;
    let statuses = DataValidation::new()
        .allow_list_strings(&STATUSES)?
        .set_error_title("Status")?
        .set_error_message(format!("One of: {}", STATUSES.join(", ")))?;
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

/// The rows as CSV (UTF-8, a header row). A cell that a spreadsheet would take for a formula
/// (`=`, `+`, `-`, `@`) is written behind an apostrophe, which reading takes off again.
pub fn csv(rows: &[SheetRow]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(COLUMNS);
    for row in rows {
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
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| FileError::Unreadable(e.to_string()))?;
        out.push(record.iter().map(|c| unguarded(c).to_string()).collect());
        if out.len() > MAX_ROWS + 1 {
            return Err(FileError::TooManyRows(out.len() - 1));
        }
    }
    Ok(out)
}

/// What a workbook may hold once unpacked: its parts' declared sizes, summed.
const MAX_UNPACKED: u64 = 50 * 1024 * 1024;

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, FileError> {
    // A small file may unpack to gigabytes: refuse by the sizes the archive declares, before
    // anything is unpacked.
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FileError::NotSpreadsheet)?;
    let mut unpacked = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| FileError::NotSpreadsheet)?;
        unpacked = unpacked.saturating_add(entry.size());
    }
    if unpacked > MAX_UNPACKED {
        return Err(FileError::TooLarge);
    }
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| FileError::NotSpreadsheet)?;
    let names = book.sheet_names();
    let name = names
        .iter()
        .find(|n| n.as_str() == SHEET)
        .or(names.first())
        .cloned()
        .ok_or(FileError::Header)?;
    // Cell by cell: a cell far away (XFD1048576) must not make a grid of every cell before it.
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|e| FileError::Unreadable(e.to_string()))?;
    let due = COLUMNS.iter().position(|c| *c == "due_on");
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
        table[row][col] = text(&Data::from(cell.get_value().clone()), Some(col) == due);
    }
    Ok(table)
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
        assert_eq!(read(&xlsx(&rows).unwrap()).unwrap(), rows);
        assert_eq!(read(&csv(&rows)).unwrap(), rows);
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
        assert_eq!(read(&csv(&many)), Err(FileError::TooManyRows(MAX_ROWS + 1)));
        assert_eq!(
            read(&xlsx(&many).unwrap()),
            Err(FileError::TooManyRows(MAX_ROWS + 1))
        );
    }

    #[test]
    fn a_far_away_cell_a_formula_like_title_and_a_huge_day_number_are_harmless() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name(SHEET).unwrap();
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
        let written = String::from_utf8(csv(std::slice::from_ref(&r))).unwrap();
        assert!(written.contains("'=HYPERLINK"), "{written}");
        assert_eq!(read(written.as_bytes()).unwrap(), vec![r]);
        assert_eq!(serial_date(1e300), 1e300.to_string());
        assert_eq!(serial_date(-1.0), "-1");
    }

    #[test]
    fn a_small_workbook_that_unpacks_to_more_than_50_mb_is_refused_unpacked() {
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
