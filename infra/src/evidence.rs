//! The evidence store: the bytes of the documents attached as evidence, kept apart from the log
//! in an object store (a local directory, or any S3-compatible service), each under the hex
//! SHA-256 of its bytes.
//!
//! Content addressing makes every write idempotent and every read checkable: the log records
//! the hash, so the ledger's chain covers the document, and whoever holds the log can check a
//! stored file against it ([`EvidenceStore::check`]). A document is written here before its
//! event is appended; a file without an event (an upload cut after the write, or refused at
//! the append) is harmless, and [`EvidenceStore::list`] lets `safeguards evidence check` name it.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path as Key;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use safeguards_domain::values::Sha256;
use sha2::Digest;
use tokio::io::AsyncReadExt;

/// Where the documents are kept, as `SAFEGUARDS_EVIDENCE_STORE` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvidenceLocation {
    /// `file://<dir>` (or a plain directory): a directory on this machine.
    Dir(PathBuf),
    /// `s3://bucket/prefix`: a bucket of an S3-compatible service; the endpoint, region and
    /// credentials come from the `AWS_*` variables (or [`EvidenceStore::open_with`]).
    S3 { bucket: String, prefix: String },
}

impl EvidenceLocation {
    /// `file://<dir>`, `s3://bucket[/prefix]`, or a directory's path.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if let Some(rest) = raw.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let valid = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.".contains(c);
            if bucket.is_empty() || !bucket.chars().all(valid) {
                return Err(format!(
                    "`{raw}`: the bucket's name is missing or not valid"
                ));
            }
            return Ok(Self::S3 {
                bucket: bucket.to_string(),
                prefix: prefix.trim_matches('/').to_string(),
            });
        }
        let path = raw.strip_prefix("file://").unwrap_or(raw);
        if path.is_empty() || raw.contains("://") && !raw.starts_with("file://") {
            return Err(format!(
                "`{raw}` is neither file://<directory> nor s3://<bucket>/<prefix>"
            ));
        }
        Ok(Self::Dir(PathBuf::from(path)))
    }

    /// The default: `<data dir>/evidence`.
    pub fn in_data_dir(data_dir: &Path) -> Self {
        Self::Dir(data_dir.join("evidence"))
    }
}

impl std::fmt::Display for EvidenceLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Dir(dir) => write!(f, "file://{}", dir.display()),
            Self::S3 { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            Self::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

/// A failure of the evidence store.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceStoreError {
    #[error("no document is stored under {0}")]
    NotFound(String),
    #[error("the evidence store at {location} failed: {reason}")]
    Failed { location: String, reason: String },
}

/// The documents' bytes, by hash.
#[derive(Debug, Clone)]
pub struct EvidenceStore {
    store: Arc<dyn ObjectStore>,
    location: String,
    /// The size of the parts a large document is written in: S3 refuses parts under 5 MiB
    /// (but the last), a directory takes any.
    part: usize,
}

/// A stored document's bytes, or a range of them.
pub struct Download {
    /// The whole document's size.
    pub size: u64,
    /// The bytes sent: all of them, or the range asked for.
    pub range: Range<u64>,
    pub bytes: BoxStream<'static, Result<Bytes, EvidenceStoreError>>,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("size", &self.size)
            .field("range", &self.range)
            .finish_non_exhaustive()
    }
}

/// What [`EvidenceStore::check`] found of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Its bytes hash to its name, and it has the size recorded.
    Intact,
    Missing,
    /// Its bytes hash to something else, or it has another size.
    Differs,
}

impl EvidenceStore {
    /// The store at `location`; a directory is created when missing. S3's settings come from
    /// the `AWS_*` variables.
    pub fn open(location: &EvidenceLocation) -> Result<Self, EvidenceStoreError> {
        Self::open_with(location, &[])
    }

    /// The store at `location` as it is, for reading it: a directory that does not exist is
    /// an error, not made.
    pub fn open_existing(location: &EvidenceLocation) -> Result<Self, EvidenceStoreError> {
        if let EvidenceLocation::Dir(dir) = location {
            if !dir.is_dir() {
                return Err(EvidenceStoreError::Failed {
                    location: location.to_string(),
                    reason: "no such directory".into(),
                });
            }
        }
        Self::open(location)
    }

    /// The same, with S3 settings given as `(key, value)` pairs (`aws_endpoint`,
    /// `aws_access_key_id`, `aws_allow_http`, …) over those of the environment.
    pub fn open_with(
        location: &EvidenceLocation,
        settings: &[(&str, &str)],
    ) -> Result<Self, EvidenceStoreError> {
        let name = location.to_string();
        let failed = |e: &dyn std::fmt::Display| EvidenceStoreError::Failed {
            location: name.clone(),
            reason: e.to_string(),
        };
        match location {
            EvidenceLocation::Dir(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| failed(&e))?;
                let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
                    .map_err(|e| failed(&e))?;
                Ok(Self {
                    store: Arc::new(store),
                    location: name.clone(),
                    part: 256 * 1024,
                })
            }
            EvidenceLocation::S3 { bucket, prefix } => {
                let mut builder = object_store::aws::AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .with_http_connector(Connector);
                for (key, value) in settings {
                    let key = key.parse().map_err(|e| failed(&e))?;
                    builder = builder.with_config(key, *value);
                }
                let s3 = builder.build().map_err(|e| failed(&e))?;
                let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
                    Arc::new(s3)
                } else {
                    Arc::new(object_store::prefix::PrefixStore::new(s3, prefix.as_str()))
                };
                Ok(Self {
                    store,
                    location: name.clone(),
                    part: 5 * 1024 * 1024,
                })
            }
        }
    }

    /// Where it is, as configured.
    pub fn location(&self) -> &str {
        &self.location
    }

    fn failed(&self, e: impl std::fmt::Display) -> EvidenceStoreError {
        EvidenceStoreError::Failed {
            location: self.location.clone(),
            reason: e.to_string(),
        }
    }

    fn key(hash: &Sha256) -> Key {
        Key::from(hash.as_str())
    }

    /// The size of the document stored under `hash`, if one is.
    pub async fn size_of(&self, hash: &Sha256) -> Result<Option<u64>, EvidenceStoreError> {
        match self.store.head(&Self::key(hash)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.failed(e)),
        }
    }

    /// Store the file at `path` (whose bytes hash to `hash`, `size` of them) under `hash`,
    /// reading it a part at a time. Nothing is written when a document of that size is stored
    /// under the hash already.
    pub async fn put_file(
        &self,
        hash: &Sha256,
        path: &Path,
        size: u64,
    ) -> Result<(), EvidenceStoreError> {
        if self.size_of(hash).await? == Some(size) {
            return Ok(());
        }
        let mut file = tokio::fs::File::open(path)
            .await
            .map_err(|e| self.failed(e))?;
        let key = Self::key(hash);
        let mut buffer = vec![0u8; self.part.min(size as usize).max(1)];
        if size as usize <= self.part {
            file.read_exact(&mut buffer[..size as usize])
                .await
                .map_err(|e| self.failed(e))?;
            buffer.truncate(size as usize);
            self.store
                .put(&key, PutPayload::from(buffer))
                .await
                .map_err(|e| self.failed(e))?;
            return Ok(());
        }
        let upload = self
            .store
            .put_multipart(&key)
            .await
            .map_err(|e| self.failed(e))?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, self.part);
        loop {
            let read = file.read(&mut buffer).await;
            match read {
                Ok(0) => break,
                Ok(n) => {
                    // One part in flight at a time: memory stays at about two parts.
                    if let Err(e) = writer.wait_for_capacity(1).await {
                        let _ = writer.abort().await;
                        return Err(self.failed(e));
                    }
                    writer.write(&buffer[..n]);
                }
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(self.failed(e));
                }
            }
        }
        writer.finish().await.map_err(|e| self.failed(e))?;
        Ok(())
    }

    /// The document stored under `hash`: all of it, or `range` of it (clipped to its size).
    pub async fn get(
        &self,
        hash: &Sha256,
        range: Option<Range<u64>>,
    ) -> Result<Download, EvidenceStoreError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let got = match self.store.get_opts(&Self::key(hash), options).await {
            Ok(got) => got,
            Err(object_store::Error::NotFound { .. }) => {
                return Err(EvidenceStoreError::NotFound(hash.to_string()))
            }
            Err(e) => return Err(self.failed(e)),
        };
        let location = self.location.clone();
        Ok(Download {
            size: got.meta.size,
            range: got.range.clone(),
            bytes: got
                .into_stream()
                .map_err(move |e| EvidenceStoreError::Failed {
                    location: location.clone(),
                    reason: e.to_string(),
                })
                .boxed(),
        })
    }

    /// Whether the document stored under `hash` is there, `size` bytes long, and hashes to its
    /// name: read through once, a part at a time.
    pub async fn check(&self, hash: &Sha256, size: u64) -> Result<Stored, EvidenceStoreError> {
        let mut download = match self.get(hash, None).await {
            Ok(d) => d,
            Err(EvidenceStoreError::NotFound(_)) => return Ok(Stored::Missing),
            Err(e) => return Err(e),
        };
        if download.size != size {
            return Ok(Stored::Differs);
        }
        let mut hasher = sha2::Sha256::new();
        while let Some(chunk) = download.bytes.next().await {
            hasher.update(chunk?);
        }
        let digest: [u8; 32] = hasher.finalize().into();
        Ok(if Sha256::of_digest(&digest) == *hash {
            Stored::Intact
        } else {
            Stored::Differs
        })
    }

    /// The names of everything stored, with their sizes (what is not named by a hash included).
    pub async fn list(&self) -> Result<Vec<(String, u64)>, EvidenceStoreError> {
        let mut all: Vec<(String, u64)> = self
            .store
            .list(None)
            .map_ok(|meta| (meta.location.to_string(), meta.size))
            .try_collect()
            .await
            .map_err(|e| self.failed(e))?;
        all.sort();
        Ok(all)
    }
}

/// The S3 client's HTTP: hyper over rustls (ring, the Mozilla roots), as the identity
/// provider's; plain HTTP only where `aws_allow_http` says so.
#[derive(Debug, Clone, Copy)]
struct Connector;

impl object_store::client::HttpConnector for Connector {
    fn connect(
        &self,
        options: &object_store::ClientOptions,
    ) -> object_store::Result<object_store::client::HttpClient> {
        // Read as object_store reads its booleans.
        let allow_http = options
            .get_config_value(&object_store::ClientConfigKey::AllowHttp)
            .is_some_and(|v| {
                matches!(
                    v.trim().to_ascii_lowercase().as_str(),
                    "true" | "1" | "yes" | "y" | "on"
                )
            });
        let client =
            crate::oidc::https_client(allow_http).map_err(|e| object_store::Error::Generic {
                store: "S3",
                source: e.into(),
            })?;
        Ok(object_store::client::HttpClient::new(Service(client)))
    }
}

type S3Http = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    object_store::client::HttpRequestBody,
>;

#[derive(Debug)]
struct Service(S3Http);

/// How long a request may wait for the answer's head.
const ANSWER_WITHIN: std::time::Duration = std::time::Duration::from_secs(30);

#[async_trait::async_trait]
impl object_store::client::HttpService for Service {
    async fn call(
        &self,
        request: object_store::client::HttpRequest,
    ) -> Result<object_store::client::HttpResponse, object_store::client::HttpError> {
        use http_body_util::BodyExt;
        use object_store::client::{HttpError, HttpErrorKind, HttpResponseBody};
        let answer = tokio::time::timeout(ANSWER_WITHIN, self.0.request(request))
            .await
            .map_err(|e| HttpError::new(HttpErrorKind::Timeout, e))?
            .map_err(|e| {
                let kind = if e.is_connect() {
                    HttpErrorKind::Connect
                } else {
                    HttpErrorKind::Request
                };
                HttpError::new(kind, e)
            })?;
        let (parts, body) = answer.into_parts();
        let body = body.map_err(|e| HttpError::new(HttpErrorKind::Interrupted, e));
        Ok(http::Response::from_parts(
            parts,
            HttpResponseBody::new(body),
        ))
    }
}
