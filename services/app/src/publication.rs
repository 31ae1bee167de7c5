//! What leaves the tracker without a sign-in, decided in one place: [`Public`]. It governs
//! every channel that reaches people without an account — the public pages, the open dataset,
//! the digest's web edition, archive and Atom feed, and the digest mailed to subscribers who
//! have no account — and each of them asks it rather than deciding for itself:
//!
//! - only the countries whose record is published *now* (a country unpublished is withdrawn
//!   from every channel at once, also from dataset versions made before);
//! - no free-text notes or reasons (they may name people), nothing about accounts, focal
//!   points, subscribers or digests;
//! - evidence links and documents only of milestones verified.
//!
//! The web channels are served only where the operator turned the public pages on
//! (`SAFEGUARDS_PUBLIC_PAGES`); the digest's mail goes to its subscribers either way.
//!
//! The open dataset is a zip of CSV and JSON tables with their codebook, named by its
//! version — the number of events in the log when it was made, the same on every store — so
//! that it can be cited and mirrored. A version holds what [`Public`] lets out of the record
//! as it stood then: the countries published then *and* still published now. Its bytes stay
//! the same while publication does not change; when it changes, the versions kept are dropped
//! and made again. Anyone gets the current version and the versions this server keeps;
//! making an older version again replays the log, which only signed-in readers may ask for.

use std::collections::{BTreeSet, VecDeque};
use std::io::Write;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use safeguards_digest::compose::Disclose;
use safeguards_domain::milestone::MilestoneStatus;
use safeguards_infra::feed;
use safeguards_projections::ledger::time_text;
use safeguards_projections::model::{
    CommitmentView, EngagementView, EvidenceFileView, EvidenceView, MilestoneView,
};
use safeguards_projections::views::{self, BurnupSeries, CountrySummary};
use safeguards_projections::Tracker;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::error::{AppError, AppResult};
use crate::App;

/// The rule of what leaves the tracker without a sign-in (see the module's text).
#[derive(Debug, Clone, Copy, Default)]
pub struct Public;

impl Public {
    /// Whether anything of `country` may be shown: its record is published.
    pub fn country(model: &Tracker, country: &str) -> bool {
        model
            .engagements
            .get(country)
            .is_some_and(|e| e.published_at.is_some())
    }

    /// The engagements whose record may be shown, by country code.
    pub fn engagements(model: &Tracker) -> impl Iterator<Item = &EngagementView> {
        model
            .engagements
            .values()
            .filter(|e| e.published_at.is_some())
    }

    /// The codes of [`Public::engagements`].
    pub fn countries(model: &Tracker) -> BTreeSet<String> {
        Self::engagements(model)
            .map(|e| e.country.clone())
            .collect()
    }

    /// Free-text notes and reasons never leave.
    pub const REASONS: bool = false;

    /// The evidence of `m` that may be shown: a verified milestone's.
    pub fn evidence(m: &MilestoneView) -> &[EvidenceView] {
        if m.status == MilestoneStatus::Verified {
            &m.evidence
        } else {
            &[]
        }
    }

    /// The documents of `m` that may be shown and downloaded: a verified milestone's.
    pub fn documents(m: &MilestoneView) -> &[EvidenceFileView] {
        if m.status == MilestoneStatus::Verified {
            &m.evidence_files
        } else {
            &[]
        }
    }
}

impl Disclose for Public {
    fn countries(&self, model: &Tracker) -> BTreeSet<String> {
        Public::countries(model)
    }
    fn reasons(&self) -> bool {
        Public::REASONS
    }
    fn evidence<'m>(&self, milestone: &'m MilestoneView) -> &'m [EvidenceView] {
        Public::evidence(milestone)
    }
    fn documents<'m>(&self, milestone: &'m MilestoneView) -> &'m [EvidenceFileView] {
        Public::documents(milestone)
    }
}

/// The engagements whose record is published, by country code ([`Public::engagements`]).
pub fn published(model: &Tracker) -> impl Iterator<Item = &EngagementView> {
    Public::engagements(model)
}

/// Whether `country`'s record is published ([`Public::country`]).
pub fn is_published(model: &Tracker, country: &str) -> bool {
    Public::country(model, country)
}

/// The evidence a public reader may follow ([`Public::evidence`]).
pub fn public_evidence(m: &MilestoneView) -> &[EvidenceView] {
    Public::evidence(m)
}

/// What stamps every public page: when its data last changed, and the version of the open
/// dataset that holds it.
#[derive(Debug, Clone, Copy)]
pub struct Stamp {
    pub last_event_at: Option<DateTime<Utc>>,
    pub version: u64,
}

impl Stamp {
    fn of(model: &Tracker) -> Self {
        Self {
            last_event_at: model.last_event_at,
            version: model.events,
        }
    }
}

/// The stamp of the public pages now.
pub async fn stamp(app: &App) -> Stamp {
    Stamp::of(&*app.model().await)
}

/// The summaries of the published countries today.
pub async fn published_summaries(app: &App) -> (Stamp, Vec<CountrySummary>) {
    let model = app.model().await;
    let today = app.clock.today();
    let rows = Public::engagements(&model)
        .map(|e| views::summary(&model, e, today))
        .collect();
    (Stamp::of(&model), rows)
}

/// A commitment of a published country, with the milestones its public page shows (their
/// evidence as [`Public::evidence`] lets it out).
#[derive(Debug, Clone)]
pub struct PublicCommitment {
    pub commitment: CommitmentView,
    pub milestones: Vec<MilestoneView>,
    /// Milestones left for the dataset.
    pub more: usize,
}

/// A published country's record as its public page shows it.
#[derive(Debug, Clone)]
pub struct PublicRecord {
    pub stamp: Stamp,
    pub engagement: EngagementView,
    pub summary: CountrySummary,
    /// One page of its commitments.
    pub commitments: Vec<PublicCommitment>,
    pub page: usize,
    pub pages: usize,
    pub burnup: Option<BurnupSeries>,
    pub today: chrono::NaiveDate,
}

/// The record of `code` when it is published (`None` otherwise, as for a country that does not
/// exist): its commitments' page `page` of `per_page`, `shown` milestones under each.
pub async fn public_record(
    app: &App,
    code: &str,
    page: usize,
    per_page: usize,
    shown: usize,
) -> Option<PublicRecord> {
    let model = app.model().await;
    let today = app.clock.today();
    let e = model
        .engagements
        .get(code)
        .filter(|e| Public::country(&model, &e.country))?;
    let live: Vec<&CommitmentView> = e
        .commitments
        .iter()
        .filter_map(|id| model.commitments.get(id))
        .collect();
    let pages = live.len().div_ceil(per_page).max(1);
    let page = page.clamp(1, pages);
    let commitments = live
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|c| {
            let all: Vec<&MilestoneView> = c
                .milestones
                .iter()
                .filter_map(|id| model.milestones.get(id))
                .collect();
            PublicCommitment {
                commitment: (*c).clone(),
                more: all.len().saturating_sub(shown),
                milestones: all
                    .iter()
                    .take(shown)
                    .map(|m| {
                        let mut shown = (*m).clone();
                        shown.evidence = Public::evidence(m).to_vec();
                        shown.evidence_files = Public::documents(m).to_vec();
                        shown
                    })
                    .collect(),
            }
        })
        .collect();
    Some(PublicRecord {
        stamp: Stamp::of(&model),
        summary: views::summary(&model, e, today),
        burnup: views::burnup(&model, code, today),
        engagement: e.clone(),
        commitments,
        page,
        pages,
        today,
    })
}

/// One version of the open dataset.
#[derive(Debug)]
pub struct Dataset {
    pub version: u64,
    /// When its last event happened.
    pub as_of: Option<DateTime<Utc>>,
    /// The zip file.
    pub bytes: Vec<u8>,
    /// SHA-256 of the zip, hex.
    pub sha256: String,
    /// The countries published when it was made: it holds none but these.
    pub published: BTreeSet<String>,
}

/// The datasets made lately, newest last, and the bound on the work done for readers
/// without a sign-in.
#[derive(Debug)]
pub struct Datasets {
    kept: Mutex<VecDeque<Arc<Dataset>>>,
    /// Datasets made at once for readers without a sign-in: apart from the replays of
    /// signed-in readers (`App::replays`), so that neither waits for the other.
    public: Semaphore,
}

impl Default for Datasets {
    fn default() -> Self {
        Self {
            kept: Mutex::default(),
            public: Semaphore::new(1),
        }
    }
}

const DATASETS_KEPT: usize = 4;

impl Datasets {
    /// Forget every dataset made (the next request makes its version again).
    pub fn forget(&self) {
        if let Ok(mut d) = self.kept.lock() {
            d.clear();
        }
    }

    /// The kept dataset of `version`, made while `published` were the published countries.
    /// Those made under another publication are dropped.
    fn get(&self, version: u64, published: &BTreeSet<String>) -> Option<Arc<Dataset>> {
        let mut kept = self.kept.lock().ok()?;
        kept.retain(|d| d.published == *published);
        kept.iter().find(|d| d.version == version).cloned()
    }

    fn keep(&self, made: Arc<Dataset>) {
        if let Ok(mut d) = self.kept.lock() {
            d.retain(|k| k.version != made.version);
            if d.len() >= DATASETS_KEPT {
                d.pop_front();
            }
            d.push_back(made);
        }
    }
}

/// The dataset of `version` (a number of events), for a signed-in reader: kept, made from
/// the live model when it stands there, else replayed from the log up to that event (one of
/// the signed-in readers' replays). `NotFound` past the log's end.
pub async fn dataset(app: &App, version: u64) -> AppResult<Arc<Dataset>> {
    if version == 0 {
        return Err(AppError::not_found("dataset versions start at 1"));
    }
    let catalogue = app.processes.catalogue_version.clone();
    let (published, made) = {
        let model = app.model().await;
        let published = Public::countries(&model);
        if let Some(found) = app.datasets.get(version, &published) {
            return Ok(found);
        }
        let made = (model.events == version).then(|| build(&model, &catalogue, &published));
        (published, made)
    };
    let made = match made {
        Some(d) => d,
        None => {
            let _permit = app
                .replays
                .acquire()
                .await
                .map_err(|_| AppError::Unavailable("the server is stopping".into()))?;
            let model = replay(app, version).await?;
            build(&model, &catalogue, &published)
        }
    }?;
    let made = Arc::new(made);
    app.datasets.keep(made.clone());
    Ok(made)
}

/// The current version of the dataset, for anyone: kept, or made from the live model (one
/// at a time for readers without a sign-in).
pub async fn current_dataset(app: &App) -> AppResult<Arc<Dataset>> {
    let _permit = app
        .datasets
        .public
        .acquire()
        .await
        .map_err(|_| AppError::Unavailable("the server is stopping".into()))?;
    let catalogue = app.processes.catalogue_version.clone();
    let model = app.model().await;
    let published = Public::countries(&model);
    if let Some(found) = app.datasets.get(model.events, &published) {
        return Ok(found);
    }
    let made = Arc::new(build(&model, &catalogue, &published)?);
    drop(model);
    app.datasets.keep(made.clone());
    Ok(made)
}

/// The dataset of `version` for anyone: the current version or one this server keeps under
/// the current publication; `Ok(None)` for an earlier version it does not keep (made again
/// only for signed-in readers). `NotFound` for 0 and past the log's end.
pub async fn public_dataset(app: &App, version: u64) -> AppResult<Option<Arc<Dataset>>> {
    if version == 0 {
        return Err(AppError::not_found("dataset versions start at 1"));
    }
    let events = {
        let model = app.model().await;
        if let Some(found) = app.datasets.get(version, &Public::countries(&model)) {
            return Ok(Some(found));
        }
        model.events
    };
    if version > events {
        return Err(AppError::not_found(format!(
            "dataset version {version} does not exist: the log holds {events} events"
        )));
    }
    if version < events {
        return Ok(None);
    }
    let made = current_dataset(app).await?;
    Ok((made.version == version).then_some(made))
}

/// The model after the first `events` events of the log.
async fn replay(app: &App, events: u64) -> AppResult<Tracker> {
    let db = app.store.database();
    // A version past the log's end is refused before anything is read.
    let held = u64::try_from(feed::count(db).await?).unwrap_or(0);
    if events > held {
        return Err(AppError::not_found(format!(
            "dataset version {events} does not exist: the log holds {held} events"
        )));
    }
    let mut model = Tracker::default();
    while model.events < events {
        let want = (events - model.events).min(5000) as i64;
        let batch = feed::read_after(db, model.position, want).await?;
        if batch.is_empty() {
            return Err(AppError::not_found(format!(
                "dataset version {events} does not exist: the log holds {} events",
                model.events
            )));
        }
        for e in &batch {
            model.apply(e);
        }
    }
    Ok(model)
}

/// A column of a table: its name, its type, what it holds, and its value in a row.
struct Column<R> {
    name: &'static str,
    kind: &'static str,
    about: &'static str,
    value: fn(&R) -> Value,
}

macro_rules! columns {
    ($row:ty: $($name:literal $kind:literal $about:literal => $value:expr;)*) => {
        vec![$(Column::<$row> { name: $name, kind: $kind, about: $about, value: $value }),*]
    };
}

struct Activity<'a> {
    country: &'a str,
    view: &'a safeguards_projections::model::ActivityView,
}

fn engagement_columns() -> Vec<Column<EngagementView>> {
    columns! { EngagementView:
        "country" "code" "ISO 3166-1 alpha-3 code of the country" => |e| json!(e.country);
        "country_name" "text" "English short name of the country" => |e| json!(e.name);
        "lead" "text" "The institution leading the engagement" => |e| json!(e.lead);
        "started_on" "date" "When the engagement started (YYYY-MM-DD)" => |e| json!(e.started_on);
        "status" "code" "exploring, committed, implementing, paused or closed" =>
            |e| json!(<&str>::from(e.status));
        "dpi_systems" "list" "DPI systems and their life-cycle stage, `type:stage` separated by `;` (stages L1-L5)" =>
            |e| json!(e.dpi_systems.iter().map(|(s, l)| format!("{s}:{l}")).collect::<Vec<_>>());
        "published_at" "time" "Since when the record is published (UTC, RFC 3339)" =>
            |e| json!(e.published_at.map(time_text));
    }
}

fn commitment_columns() -> Vec<Column<CommitmentView>> {
    columns! { CommitmentView:
        "id" "id" "Stable id of the commitment" => |c| json!(c.id);
        "country" "code" "ISO 3166-1 alpha-3 code of the country" => |c| json!(c.country);
        "title" "text" "What the country commits to" => |c| json!(c.title);
        "description" "text" "More about the commitment, if given" => |c| json!(c.description);
        "principles" "list" "Framework principles (F1-F9, O1-O9), separated by `;`" => |c| json!(c.principles);
        "risks" "list" "Framework risks addressed (RS1-RS13), separated by `;`" => |c| json!(c.risks);
        "authority" "code" "Responsible authority (R1-R5)" => |c| json!(c.authority);
        "stage" "code" "Life-cycle stage (L1-L5)" => |c| json!(c.stage);
        "dpi_system" "code" "The DPI system it concerns, if one" => |c| json!(c.dpi_system);
        "process_refs" "list" "Framework processes it follows (ids of the catalogue), separated by `;`" =>
            |c| json!(c.process_refs);
        "due_on" "date" "When it is due (YYYY-MM-DD)" => |c| json!(c.due_on);
        "withdrawn" "boolean" "Whether the country withdrew it" => |c| json!(c.withdrawn);
        "created_at" "time" "When it was recorded (UTC, RFC 3339)" => |c| json!(time_text(c.created_at));
    }
}

fn milestone_columns() -> Vec<Column<MilestoneView>> {
    columns! { MilestoneView:
        "id" "id" "Stable id of the milestone" => |m| json!(m.id);
        "commitment" "id" "The commitment it belongs to (commitments.id)" => |m| json!(m.commitment);
        "country" "code" "ISO 3166-1 alpha-3 code of the country" => |m| json!(m.country);
        "title" "text" "What is to be achieved" => |m| json!(m.title);
        "stage" "code" "Life-cycle stage (L1-L5), if given" => |m| json!(m.stage);
        "due_on" "date" "When it is due (YYYY-MM-DD)" => |m| json!(m.due_on);
        "status" "code" "planned, in_progress, blocked, achieved, verified or cancelled" =>
            |m| json!(m.status.as_str());
        "percent" "integer" "Progress last reported, 0-100, if any" => |m| json!(m.percent);
        "evidence" "list" "Evidence links of a verified milestone, `title <url>` separated by `;`" =>
            |m| json!(Public::evidence(m).iter().map(|e| format!("{} <{}>", e.title, e.url)).collect::<Vec<_>>());
        "documents" "list" "Documents attached as evidence of a verified milestone, `title <sha256; media type; bytes>` separated by `;`; each is served at /evidence/{sha256}" =>
            |m| json!(Public::documents(m).iter().map(|f| format!("{} <{}; {}; {}>", f.title, f.sha256, f.media_type, f.size)).collect::<Vec<_>>());
        "created_at" "time" "When it was recorded (UTC, RFC 3339)" => |m| json!(time_text(m.created_at));
        "updated_at" "time" "Its last change (UTC, RFC 3339)" => |m| json!(time_text(m.updated_at));
    }
}

fn activity_columns<'a>() -> Vec<Column<Activity<'a>>> {
    columns! { Activity<'a>:
        "country" "code" "ISO 3166-1 alpha-3 code of the country" => |a| json!(a.country);
        "kind" "code" "convening, workshop, dialogue, commitment_letter, showcase, accelerator, roadmap or other" =>
            |a| json!(a.view.kind);
        "title" "text" "What the activity was" => |a| json!(a.view.title);
        "held_on" "date" "When it was held (YYYY-MM-DD)" => |a| json!(a.view.held_on);
        "authorities" "list" "Responsible authorities taking part (R1-R5), separated by `;`" =>
            |a| json!(a.view.authorities);
    }
}

/// A cell as CSV writes it: lists joined by `;`, nothing for null.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

/// One table as CSV and JSON, and its lines of the codebook.
fn table<R>(
    name: &str,
    columns: &[Column<R>],
    rows: &[&R],
    codebook: &mut Vec<[String; 4]>,
) -> Result<[(String, Vec<u8>); 2], AppError> {
    let internal = |e: &dyn std::fmt::Display| AppError::Internal(format!("the dataset: {e}"));
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(columns.iter().map(|c| c.name))
        .map_err(|e| internal(&e))?;
    let mut objects = Vec::with_capacity(rows.len());
    for row in rows {
        let values: Vec<Value> = columns.iter().map(|c| (c.value)(row)).collect();
        csv.write_record(values.iter().map(cell))
            .map_err(|e| internal(&e))?;
        let object: serde_json::Map<String, Value> = columns
            .iter()
            .map(|c| c.name.to_string())
            .zip(values)
            .collect();
        objects.push(Value::Object(object));
    }
    for c in columns {
        codebook.push([
            format!("{name}.csv"),
            c.name.to_string(),
            c.kind.to_string(),
            c.about.to_string(),
        ]);
    }
    let csv = csv.into_inner().map_err(|e| internal(&e))?;
    let mut json = serde_json::to_vec_pretty(&objects).map_err(|e| internal(&e))?;
    json.push(b'\n');
    Ok([(format!("{name}.csv"), csv), (format!("{name}.json"), json)])
}

/// The files of the dataset of `model`, in the order they go into the zip: what [`Public`]
/// lets out of `model`, of the countries among `published` (those published now).
pub fn files(
    model: &Tracker,
    catalogue_version: &str,
    published: &BTreeSet<String>,
) -> AppResult<Vec<(String, Vec<u8>)>> {
    let engagements: Vec<&EngagementView> = Public::engagements(model)
        .filter(|e| published.contains(&e.country))
        .collect();
    let countries: Vec<&str> = engagements.iter().map(|e| e.country.as_str()).collect();
    let public = |country: &str| countries.contains(&country);
    let commitments: Vec<&CommitmentView> = model
        .commitments
        .values()
        .filter(|c| public(&c.country))
        .collect();
    let milestones: Vec<&MilestoneView> = model
        .milestones
        .values()
        .filter(|m| public(&m.country))
        .collect();
    let activities: Vec<Activity<'_>> = engagements
        .iter()
        .flat_map(|e| {
            e.activities.iter().map(|view| Activity {
                country: &e.country,
                view,
            })
        })
        .collect();
    let activity_rows: Vec<&Activity<'_>> = activities.iter().collect();
    let mut codebook = Vec::new();
    let mut out = Vec::new();
    out.extend(table(
        "engagements",
        &engagement_columns(),
        &engagements,
        &mut codebook,
    )?);
    out.extend(table(
        "commitments",
        &commitment_columns(),
        &commitments,
        &mut codebook,
    )?);
    out.extend(table(
        "milestones",
        &milestone_columns(),
        &milestones,
        &mut codebook,
    )?);
    out.extend(table(
        "activities",
        &activity_columns(),
        &activity_rows,
        &mut codebook,
    )?);
    let mut book = csv::Writer::from_writer(Vec::new());
    let internal = |e: &dyn std::fmt::Display| AppError::Internal(format!("the dataset: {e}"));
    book.write_record(["file", "column", "type", "description"])
        .map_err(|e| internal(&e))?;
    for line in &codebook {
        book.write_record(line).map_err(|e| internal(&e))?;
    }
    book.write_record([
        "*.json",
        "*",
        "",
        "The same rows as the CSV file of the same name, as an array of objects keyed by column; lists are arrays, empty cells null",
    ])
    .map_err(|e| internal(&e))?;
    out.push((
        "codebook.csv".into(),
        book.into_inner().map_err(|e| internal(&e))?,
    ));
    let sums: String = out
        .iter()
        .map(|(name, bytes)| format!("{}  {name}\n", hex::encode(Sha256::digest(bytes))))
        .collect();
    let about = json!({
        "title": "Safeguards Tracker: published country records",
        "dataset_version": model.events,
        "data_as_of": model.last_event_at.map(time_text),
        "catalogue_version": catalogue_version,
        "countries": countries,
        "files": out.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        "checksums": "SHA256SUMS (sha256sum -c SHA256SUMS)",
        "types": {
            "code": "a code of the framework or ISO 3166-1 alpha-3",
            "id": "a stable identifier",
            "text": "free text as recorded",
            "date": "YYYY-MM-DD",
            "time": "UTC, RFC 3339 to the microsecond",
            "list": "values separated by `;` (arrays in JSON)",
            "integer": "a whole number",
            "boolean": "true or false",
        },
        "cite_as": format!(
            "Safeguards Tracker, published country records, dataset version {}",
            model.events
        ),
        "not_included": "accounts, focal points, subscribers, digests, notes and reasons, evidence not yet verified",
    });
    let mut about = serde_json::to_vec_pretty(&about).map_err(|e| internal(&e))?;
    about.push(b'\n');
    out.push(("dataset.json".into(), about));
    out.push(("SHA256SUMS".into(), sums.into_bytes()));
    Ok(out)
}

/// The zip of [`files`]: stored, every entry dated 1980-01-01, so that the same model gives the
/// same bytes on every machine and every build.
fn build(
    model: &Tracker,
    catalogue_version: &str,
    published: &BTreeSet<String>,
) -> AppResult<Dataset> {
    let internal = |e: &dyn std::fmt::Display| AppError::Internal(format!("the dataset: {e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in files(model, catalogue_version, published)? {
        zip.start_file(name, options).map_err(|e| internal(&e))?;
        zip.write_all(&bytes).map_err(|e| internal(&e))?;
    }
    let bytes = zip.finish().map_err(|e| internal(&e))?.into_inner();
    Ok(Dataset {
        version: model.events,
        as_of: model.last_event_at,
        sha256: hex::encode(Sha256::digest(&bytes)),
        bytes,
        published: published.clone(),
    })
}
