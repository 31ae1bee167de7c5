//! Files and clients made to take a server down, shared by the hostile tests and the
//! benchmark's hostile rows: spreadsheets whose cells all repeat one enormous shared string,
//! a CSV line of commas, and idle connections that sent only the HTTP/2 preface.

use std::io::Write;
use std::time::Duration;

use safeguards_app::sheets::COLUMNS;
use tokio::io::AsyncWriteExt;

/// An XLSX workbook, written part by part: `shared` holds the shared strings' XML body (the
/// `<si>` elements) with the `<sst>` attributes `sst`; every row after the header has all its
/// cells point at shared string 0.
pub fn workbook(sst: &str, shared: &str, rows: usize) -> Vec<u8> {
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">"#,
    );
    for (c, name) in COLUMNS.iter().enumerate() {
        sheet.push_str(&format!(
            r#"<c r="{}1" t="inlineStr"><is><t>{name}</t></is></c>"#,
            column(c)
        ));
    }
    sheet.push_str("</row>");
    for r in 2..=rows + 1 {
        sheet.push_str(&format!(r#"<row r="{r}">"#));
        for c in 0..COLUMNS.len() {
            sheet.push_str(&format!(r#"<c r="{}{r}" t="s"><v>0</v></c>"#, column(c)));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let parts: [(&str, String); 6] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#.into(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into(),
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>"#.into(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.into(),
        ),
        (
            "xl/sharedStrings.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" {sst}>{shared}</sst>"#
            ),
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    for (name, body) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn column(c: usize) -> char {
    (b'A' + c as u8) as char
}

/// One shared string of `len` bytes, used by every cell of `rows` rows.
pub fn shared_string_bomb(len: usize, rows: usize) -> Vec<u8> {
    workbook(
        r#"count="1" uniqueCount="1""#,
        &format!("<si><t>{}</t></si>", "x".repeat(len)),
        rows,
    )
}

/// The plan's header, then a row whose first cell is followed by `commas` commas.
pub fn comma_flood(commas: usize) -> Vec<u8> {
    let mut text = COLUMNS.join(",").into_bytes();
    text.extend_from_slice(b"\nmilestone");
    text.extend(std::iter::repeat_n(b',', commas));
    text.push(b'\n');
    text
}

/// `n` connections to `server` from the loopback address `source`, each having sent the
/// HTTP/2 preface and nothing after it; those the server accepted (within a second each).
pub async fn idle_connections(
    server: std::net::SocketAddr,
    source: std::net::Ipv4Addr,
    n: usize,
) -> Vec<tokio::net::TcpStream> {
    let mut open = Vec::with_capacity(n);
    for _ in 0..n {
        let Ok(socket) = tokio::net::TcpSocket::new_v4() else {
            continue;
        };
        if socket.bind((source, 0).into()).is_err() {
            continue;
        }
        if let Ok(Ok(mut s)) =
            tokio::time::timeout(Duration::from_secs(1), socket.connect(server)).await
        {
            let _ = s.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").await;
            open.push(s);
        }
    }
    open
}
