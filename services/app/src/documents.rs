//! Evidence documents: a file attached to a milestone, kept in the evidence store under the
//! SHA-256 of its bytes, its hash, size, type, name and title recorded in the milestone's log.
//!
//! One path for every channel: [`receive`] takes the bytes as they arrive (to a file, a small
//! buffer at a time, hashed and counted, cut at the first byte past the limit); [`judge`] says
//! what the file is from its bytes alone; [`attach`] checks the caller may add evidence to the
//! milestone and that the milestone takes it, writes the file, then appends the event. A file
//! written whose event is then refused is harmless: it is named by no event and listed by
//! `safeguards evidence check`.

use std::io::{Read, Seek};
use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use futures::{Stream, StreamExt};
use safeguards_domain::milestone::{Milestone, MilestoneCommand, MilestoneStep};
use safeguards_domain::reason;
use safeguards_domain::values::{DocumentType, EvidenceFile, FileName, MilestoneId, Sha256, Title};
use safeguards_infra::evidence::{Download, EvidenceStore, EvidenceStoreError};
use safeguards_projections::model::EvidenceFileView;
use sha2::Digest;
use tokio::io::AsyncWriteExt;

use crate::access::{authorize, Caller, Principal};
use crate::error::{AppError, AppResult};
use crate::milestones::{action_for, country_of};
use crate::publication::Public;
use crate::App;

/// The default largest document: 10 MB.
pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// How long an upload may send nothing before it is given up, by default.
pub const IDLE: Duration = Duration::from_secs(60);

/// What a zip-based document may unpack to, all its parts together, as its directory declares
/// it; and how many times its own size. Past either, it is refused unread.
const MAX_UNPACKED: u64 = 200 * 1024 * 1024;
const MAX_RATIO: u64 = 100;
/// The most parts a zip-based document may have.
const MAX_PARTS: usize = 10_000;

/// Where documents are kept, and how large one may be.
#[derive(Debug)]
pub struct Documents {
    pub store: EvidenceStore,
    pub max_bytes: u64,
    /// Where uploads are received before they are judged and stored.
    pub incoming: PathBuf,
    /// How long an upload may send nothing before it is given up ([`IDLE`]).
    pub idle: Duration,
}

/// An upload received whole: its bytes in a file that is removed when this is dropped.
#[derive(Debug)]
pub struct Received {
    file: tempfile::NamedTempFile,
    pub sha256: Sha256,
    pub size: u64,
    /// The first bytes, where the types show their signature.
    head: Vec<u8>,
}

/// Why an upload was not received.
#[derive(Debug)]
pub enum Refused<E> {
    /// Past the limit: the stream was left at the first byte past it.
    TooLarge,
    /// The stream failed: the client's error.
    Stream(E),
    /// Nothing arrived for [`Documents::idle`].
    Idle,
    /// The server's own failure (the disk).
    Server(String),
}

/// How many leading bytes [`judge`] looks at.
const HEAD: usize = 8 * 1024;

/// Take `bytes` into a file in the incoming directory, hashing and counting as they arrive;
/// stop at the first byte past `max`.
pub async fn receive<S, E>(documents: &Documents, mut bytes: S) -> Result<Received, Refused<E>>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    let server = |e: std::io::Error| Refused::Server(e.to_string());
    tokio::fs::create_dir_all(&documents.incoming)
        .await
        .map_err(server)?;
    let file = tempfile::NamedTempFile::new_in(&documents.incoming).map_err(server)?;
    let mut out = tokio::fs::File::from_std(file.reopen().map_err(server)?);
    let (mut hasher, mut size, mut head) = (sha2::Sha256::new(), 0u64, Vec::new());
    loop {
        let chunk = match tokio::time::timeout(documents.idle, bytes.next()).await {
            Err(_) => return Err(Refused::Idle),
            Ok(None) => break,
            Ok(Some(Err(e))) => return Err(Refused::Stream(e)),
            Ok(Some(Ok(chunk))) => chunk,
        };
        size += chunk.len() as u64;
        if size > documents.max_bytes {
            return Err(Refused::TooLarge);
        }
        if head.len() < HEAD {
            head.extend_from_slice(&chunk[..chunk.len().min(HEAD - head.len())]);
        }
        hasher.update(&chunk);
        out.write_all(&chunk).await.map_err(server)?;
    }
    out.flush().await.map_err(server)?;
    let digest: [u8; 32] = hasher.finalize().into();
    Ok(Received {
        file,
        sha256: Sha256::of_digest(&digest),
        size,
        head,
    })
}

/// Why a file is not taken as evidence, by its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unaccepted {
    Empty,
    /// Neither of the accepted types.
    Unknown,
    /// Markup (HTML, XML, SVG) is not plain text.
    Markup,
    /// A zip-based document that would unpack to more than it may.
    Bomb,
    /// An office document that carries macros (a program).
    Macros,
}

impl Unaccepted {
    pub fn reason(&self) -> safeguards_domain::reason::Reason {
        let kinds = DocumentType::ALL
            .iter()
            .map(|t| t.extension().to_uppercase())
            .collect::<Vec<_>>()
            .join(", ");
        match self {
            Self::Empty => reason!("document-empty", "the file is empty"),
            Self::Unknown => reason!(
                "document-type-not-accepted",
                "this kind of file is not accepted; accepted are {kinds}",
                kinds = kinds
            ),
            Self::Markup => reason!(
                "document-markup",
                "web pages and other markup are not accepted; save the page as PDF"
            ),
            Self::Bomb => reason!(
                "document-unpacks-too-large",
                "the document would unpack to far more than its size and is not accepted"
            ),
            Self::Macros => reason!(
                "document-macros",
                "documents with macros are not accepted; save it without macros"
            ),
        }
    }
}

/// What `received` is, judged from its bytes: the signature of its first bytes, and for the
/// zip-based documents the parts their directory lists (read without unpacking anything but
/// an OpenDocument's stored `mimetype`). Text must be UTF-8 without control characters and
/// not begin as markup does.
pub fn judge(received: &Received) -> Result<DocumentType, Unaccepted> {
    let head = received.head.as_slice();
    if received.size == 0 {
        return Err(Unaccepted::Empty);
    }
    if infer::archive::is_pdf(head) {
        return Ok(DocumentType::Pdf);
    }
    if infer::image::is_png(head) {
        return Ok(DocumentType::Png);
    }
    if infer::image::is_jpeg(head) {
        return Ok(DocumentType::Jpeg);
    }
    if infer::image::is_webp(head) {
        return Ok(DocumentType::Webp);
    }
    if infer::archive::is_zip(head) {
        let reopen = || received.file.reopen().map_err(|_| Unaccepted::Unknown);
        // The parts its end record declares, counted before any index of them is built.
        let declared = zip::unstable::read::ZipIterable::try_new(
            std::io::BufReader::new(reopen()?),
            zip::read::Config::default(),
        )
        .map_err(|_| Unaccepted::Unknown)?
        .len();
        if declared > MAX_PARTS {
            return Err(Unaccepted::Bomb);
        }
        return office_document(reopen()?, received.size);
    }
    let file = received.file.reopen().map_err(|_| Unaccepted::Unknown)?;
    text(file)
}

/// The kind of a zip-based document, from its directory.
fn office_document(file: std::fs::File, size: u64) -> Result<DocumentType, Unaccepted> {
    let mut zip =
        zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|_| Unaccepted::Unknown)?;
    let mut unpacked = 0u64;
    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(|_| Unaccepted::Unknown)?;
        unpacked = unpacked.saturating_add(part.size());
        names.push(part.name().map_err(|_| Unaccepted::Unknown)?.to_string());
    }
    if unpacked > MAX_UNPACKED || unpacked > size.saturating_mul(MAX_RATIO) {
        return Err(Unaccepted::Bomb);
    }
    let has = |name: &str| names.iter().any(|n| n == name);
    if names
        .iter()
        .any(|n| n.to_ascii_lowercase().ends_with("vbaproject.bin"))
    {
        return Err(Unaccepted::Macros);
    }
    if has("[Content_Types].xml") {
        return if has("word/document.xml") {
            Ok(DocumentType::Docx)
        } else if has("xl/workbook.xml") {
            Ok(DocumentType::Xlsx)
        } else if has("ppt/presentation.xml") {
            Ok(DocumentType::Pptx)
        } else {
            Err(Unaccepted::Unknown)
        };
    }
    // OpenDocument: a first part `mimetype`, stored (not compressed), naming the kind.
    if names.first().map(String::as_str) == Some("mimetype") {
        let mut part = zip.by_index_raw(0).map_err(|_| Unaccepted::Unknown)?;
        if part.compression() != zip::CompressionMethod::Stored || part.size() > 100 {
            return Err(Unaccepted::Unknown);
        }
        let mut kind = String::new();
        (&mut part)
            .take(100)
            .read_to_string(&mut kind)
            .map_err(|_| Unaccepted::Unknown)?;
        return match kind.trim() {
            "application/vnd.oasis.opendocument.text" => Ok(DocumentType::Odt),
            "application/vnd.oasis.opendocument.spreadsheet" => Ok(DocumentType::Ods),
            _ => Err(Unaccepted::Unknown),
        };
    }
    Err(Unaccepted::Unknown)
}

/// Plain text or CSV: UTF-8 throughout, no control characters but tab, line and page breaks,
/// not beginning as markup does. CSV when its first lines hold the same number of one
/// separator (comma, semicolon or tab).
fn text(mut file: std::fs::File) -> Result<DocumentType, Unaccepted> {
    let mut buffer = vec![0u8; 64 * 1024];
    let (mut carried, mut first) = (0usize, Vec::<u8>::new());
    loop {
        let n = file
            .read(&mut buffer[carried..])
            .map_err(|_| Unaccepted::Unknown)?;
        let filled = carried + n;
        if n == 0 {
            if carried > 0 {
                return Err(Unaccepted::Unknown);
            }
            break;
        }
        let valid = match std::str::from_utf8(&buffer[..filled]) {
            Ok(s) => s.len(),
            // Cut inside a character: carry its bytes over to the next read.
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => return Err(Unaccepted::Unknown),
        };
        let chunk = std::str::from_utf8(&buffer[..valid]).map_err(|_| Unaccepted::Unknown)?;
        if chunk
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c'))
        {
            return Err(Unaccepted::Unknown);
        }
        if first.len() < HEAD {
            first.extend_from_slice(&chunk.as_bytes()[..valid.min(HEAD - first.len())]);
        }
        buffer.copy_within(valid..filled, 0);
        carried = filled - valid;
    }
    let _ = file.rewind();
    let start = String::from_utf8_lossy(&first);
    let start = start.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with('<') {
        return Err(Unaccepted::Markup);
    }
    let lines: Vec<&str> = start
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(5)
        .collect();
    let csv = [',', ';', '\t'].iter().any(|&sep| {
        let counts: Vec<usize> = lines.iter().map(|l| l.matches(sep).count()).collect();
        lines.len() >= 2 && counts[0] > 0 && counts.iter().all(|&c| c == counts[0])
    });
    Ok(if csv {
        DocumentType::Csv
    } else {
        DocumentType::Text
    })
}

/// What an attachment recorded.
#[derive(Debug, Clone)]
pub struct Attached {
    pub file: EvidenceFile,
    pub committed: safeguards_infra::Committed,
}

impl App {
    /// Where documents are kept, where set up.
    pub fn documents(&self) -> Option<&Documents> {
        self.documents.as_deref()
    }

    /// The same, keeping documents in `documents`.
    pub fn with_documents(mut self, documents: Documents) -> Self {
        self.documents = Some(std::sync::Arc::new(documents));
        self
    }

    fn documents_or_unavailable(&self) -> AppResult<&Documents> {
        self.documents()
            .ok_or_else(|| AppError::Unavailable("no evidence store is set up".into()))
    }
}

/// Whether `caller` may attach documents to milestone `id` now: the right to add evidence in
/// its country, and a milestone that takes evidence. Asked before an upload is read, so that
/// a refused one is not received at all.
pub async fn may_attach(app: &App, caller: &Caller, id: MilestoneId) -> AppResult<()> {
    let country = country_of(app, id).await?;
    authorize(
        &caller.principal,
        action_for(MilestoneStep::Evidence.permission()),
        Some(country.as_str()),
    )?;
    app.documents_or_unavailable()?;
    Ok(())
}

/// Attach `received` to milestone `id` as evidence titled `title`, named `file_name` by its
/// sender: judged, written to the store, then recorded.
pub async fn attach(
    app: &App,
    caller: &Caller,
    id: MilestoneId,
    title: Title,
    file_name: &str,
    received: Received,
) -> AppResult<Attached> {
    may_attach(app, caller, id).await?;
    let documents = app.documents_or_unavailable()?;
    let (received, kind) = tokio::task::spawn_blocking(move || {
        let kind = judge(&received);
        (received, kind)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let kind = kind.map_err(|why| AppError::Unsupported(why.reason()))?;
    let file = EvidenceFile {
        title,
        file_name: FileName::of_document(file_name, kind),
        sha256: received.sha256.clone(),
        size: received.size,
        media_type: kind,
    };
    let command = MilestoneCommand::AttachFile { file: file.clone() };
    // Decided once before the write, so that a refused attachment writes nothing; the append
    // decides again on the log as it is then.
    app.load::<Milestone>(&id.to_string())
        .await?
        .decide(command.clone())?;
    documents
        .store
        .put_file(&received.sha256, received.file.path(), received.size)
        .await
        .map_err(|e| AppError::Unavailable(e.to_string()))?;
    let committed = app
        .execute::<Milestone>(caller, &id.to_string(), command)
        .await?;
    Ok(Attached { file, committed })
}

/// What is recorded of document `sha256`, for `reader` (`None`: a reader without an account,
/// where the public pages are on): a signed-in reader may have any document attached to a
/// milestone (as they may read every milestone); anyone else only one of a verified milestone
/// of a published country. Otherwise 404, as if there were none.
pub async fn find(
    app: &App,
    reader: Option<&Principal>,
    public_pages: bool,
    sha256: &Sha256,
) -> AppResult<EvidenceFileView> {
    let model = app.model().await;
    model
        .milestones
        .values()
        .filter(|m| reader.is_some() || (public_pages && Public::country(&model, &m.country)))
        .flat_map(|m| match reader {
            Some(_) => m.evidence_files.as_slice(),
            None => Public::documents(m),
        })
        .find(|f| f.sha256 == sha256.as_str())
        .cloned()
        .ok_or_else(|| AppError::not_found("no such document"))
}

/// The bytes of `file` (as [`find`] gave it to its reader): all, or `range` of them.
pub async fn read(
    app: &App,
    file: &EvidenceFileView,
    range: Option<std::ops::Range<u64>>,
) -> AppResult<Download> {
    let sha256 = Sha256::parse(&file.sha256)?;
    app.documents_or_unavailable()?
        .store
        .get(&sha256, range)
        .await
        .map_err(|e| match e {
            // Recorded, but not in the store: the store's fault (`safeguards evidence check`).
            EvidenceStoreError::NotFound(hash) => {
                AppError::Internal(format!("document {hash} is recorded but not stored"))
            }
            other => AppError::Unavailable(other.to_string()),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn received(bytes: &[u8]) -> Received {
        let dir = tempfile::tempdir().unwrap();
        let documents = Documents {
            store: EvidenceStore::open(&safeguards_infra::evidence::EvidenceLocation::Dir(
                dir.path().join("store"),
            ))
            .unwrap(),
            max_bytes: 1024 * 1024,
            incoming: dir.path().join("incoming"),
            idle: IDLE,
        };
        let chunks: Vec<Result<Bytes, std::io::Error>> = bytes
            .chunks(1000)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let r = receive(&documents, futures::stream::iter(chunks))
            .await
            .map_err(|_| "refused")
            .unwrap();
        // The directory must outlive the file; the test process ends soon enough.
        std::mem::forget(dir);
        r
    }

    fn zip_of(parts: &[(&str, &[u8], zip::CompressionMethod)]) -> Vec<u8> {
        use std::io::Write;
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        for (name, bytes, method) in parts {
            zip.start_file(
                *name,
                zip::write::SimpleFileOptions::default().compression_method(*method),
            )
            .unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    }

    #[tokio::test]
    async fn each_accepted_type_is_told_by_its_bytes() {
        use zip::CompressionMethod::{Deflated, Stored};
        let cases: Vec<(Vec<u8>, DocumentType)> = vec![
            (b"%PDF-1.7\n%\xe2\xe3\n1 0 obj".to_vec(), DocumentType::Pdf),
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), DocumentType::Png),
            (b"\xff\xd8\xff\xe0\0\x10JFIF\0".to_vec(), DocumentType::Jpeg),
            (b"RIFF\x24\0\0\0WEBPVP8 ".to_vec(), DocumentType::Webp),
            (
                zip_of(&[
                    ("[Content_Types].xml", b"<Types/>", Deflated),
                    ("word/document.xml", b"<w:document/>", Deflated),
                ]),
                DocumentType::Docx,
            ),
            (
                zip_of(&[
                    ("[Content_Types].xml", b"<Types/>", Deflated),
                    ("xl/workbook.xml", b"<workbook/>", Deflated),
                ]),
                DocumentType::Xlsx,
            ),
            (
                zip_of(&[
                    ("[Content_Types].xml", b"<Types/>", Deflated),
                    ("ppt/presentation.xml", b"<p/>", Deflated),
                ]),
                DocumentType::Pptx,
            ),
            (
                zip_of(&[
                    (
                        "mimetype",
                        b"application/vnd.oasis.opendocument.text",
                        Stored,
                    ),
                    ("content.xml", b"<office/>", Deflated),
                ]),
                DocumentType::Odt,
            ),
            (
                zip_of(&[
                    (
                        "mimetype",
                        b"application/vnd.oasis.opendocument.spreadsheet",
                        Stored,
                    ),
                    ("content.xml", b"<office/>", Deflated),
                ]),
                DocumentType::Ods,
            ),
            (
                "pays;jalon;état\nKEN;loi;atteint\nBRA;décret;vérifié\n"
                    .as_bytes()
                    .to_vec(),
                DocumentType::Csv,
            ),
            (
                "Compte rendu de la réunion du comité.\nAucune objection.\n"
                    .as_bytes()
                    .to_vec(),
                DocumentType::Text,
            ),
        ];
        for (bytes, expected) in cases {
            assert_eq!(judge(&received(&bytes).await), Ok(expected), "{expected:?}");
        }
    }

    #[tokio::test]
    async fn markup_binaries_other_archives_and_empty_files_are_refused() {
        use zip::CompressionMethod::Deflated;
        let cases: Vec<(Vec<u8>, Unaccepted)> = vec![
            (
                b"  <!DOCTYPE html><script>alert(1)</script>".to_vec(),
                Unaccepted::Markup,
            ),
            (b"\xef\xbb\xbf<svg onload=x>".to_vec(), Unaccepted::Markup),
            (b"MZ\x90\0\x03\0\0\0".to_vec(), Unaccepted::Unknown),
            (b"GIF89a\x01\0".to_vec(), Unaccepted::Unknown),
            (b"text\0with a NUL".to_vec(), Unaccepted::Unknown),
            (b"caf\xe9 latin-1".to_vec(), Unaccepted::Unknown),
            (
                zip_of(&[("payload.exe", b"MZ", Deflated)]),
                Unaccepted::Unknown,
            ),
            (
                zip_of(&[
                    ("[Content_Types].xml", b"<Types/>", Deflated),
                    ("word/document.xml", b"<w:document/>", Deflated),
                    ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0", Deflated),
                ]),
                Unaccepted::Macros,
            ),
            (vec![], Unaccepted::Empty),
        ];
        for (bytes, expected) in cases {
            assert_eq!(
                judge(&received(&bytes).await),
                Err(expected.clone()),
                "{expected:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_document_of_more_parts_than_any_office_file_has_is_refused() {
        use zip::CompressionMethod::Stored;
        let names: Vec<String> = (0..MAX_PARTS + 1).map(|i| format!("p{i}")).collect();
        let mut parts: Vec<(&str, &[u8], zip::CompressionMethod)> =
            vec![("[Content_Types].xml", b"<Types/>", Stored)];
        parts.extend(names.iter().map(|n| (n.as_str(), &b""[..], Stored)));
        let many = zip_of(&parts);
        assert_eq!(judge(&received(&many).await), Err(Unaccepted::Bomb));
    }

    #[tokio::test]
    async fn a_document_whose_directory_declares_a_huge_unpacked_size_is_refused_unread() {
        use zip::CompressionMethod::Deflated;
        let zeros = vec![0u8; 50 * 1024 * 1024];
        let bomb = zip_of(&[
            ("[Content_Types].xml", b"<Types/>", Deflated),
            ("word/document.xml", &zeros, Deflated),
        ]);
        assert!(bomb.len() < 200 * 1024, "{}", bomb.len());
        assert_eq!(judge(&received(&bomb).await), Err(Unaccepted::Bomb));
    }

    #[tokio::test]
    async fn an_upload_is_cut_at_the_first_byte_past_the_limit_and_hashed_as_it_arrives() {
        let dir = tempfile::tempdir().unwrap();
        let documents = Documents {
            store: EvidenceStore::open(&safeguards_infra::evidence::EvidenceLocation::Dir(
                dir.path().join("store"),
            ))
            .unwrap(),
            max_bytes: 10,
            incoming: dir.path().join("incoming"),
            idle: IDLE,
        };
        let taken = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = taken.clone();
        let endless = futures::stream::repeat_with(move || {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok::<_, std::io::Error>(Bytes::from_static(b"abcd"))
        });
        assert!(matches!(
            receive(&documents, endless).await,
            Err(Refused::TooLarge)
        ));
        assert_eq!(taken.load(std::sync::atomic::Ordering::SeqCst), 3);
        let exact = futures::stream::iter(vec![Ok::<_, std::io::Error>(Bytes::from_static(
            b"0123456789",
        ))]);
        let r = receive(&documents, exact).await.map_err(|_| ()).unwrap();
        assert_eq!(r.size, 10);
        assert_eq!(
            r.sha256.as_str(),
            "84d89877f0d4041efb6bf91a16f0248f2fd573e6af05c19f96bedb9f882f7882"
        );
    }
}
