//! A country's plan as a spreadsheet, and back: the rows a focal point downloads, the plan of
//! what an edited upload would change (row by row, every error named by row and column), and
//! applying it — each change an ordinary command carrying the row's version, so a row changed
//! meanwhile by someone else is a conflict and left alone, never overwritten.
//!
//! An upload is compared with the tracker as it is now, not with the file as it was
//! downloaded: a row that says what the tracker already says changes nothing, so the same
//! upload twice records nothing the second time. The file formats are the channel's.

use std::collections::HashMap;

use chrono::NaiveDate;
use safeguards_domain::commitment::CommitmentRevision;
use safeguards_domain::milestone::{MilestoneStatus, MilestoneStep, StepInput};
use safeguards_domain::reason;
use safeguards_domain::reason::Reason;
use safeguards_domain::values::{
    parse_date, CommitmentId, Evidence, EvidenceUrl, MilestoneId, Percent, Text, Title,
};
use safeguards_projections::model::{CommitmentView, MilestoneView};
use safeguards_projections::Tracker;
use serde::{Deserialize, Serialize};

use crate::access::{authorize, Action, Caller, Principal};
use crate::error::{AppError, AppResult};
use crate::{commitments, milestones, App};

/// The columns, in order: the first row of every sheet.
pub const COLUMNS: [&str; 11] = [
    "kind",
    "id",
    "version",
    "commitment",
    "title",
    "status",
    "percent",
    "due_on",
    "note",
    "evidence_title",
    "evidence_url",
];

/// The statuses a row may be given (verification happens on the tracker).
pub const STATUSES: [&str; 5] = ["planned", "in_progress", "blocked", "achieved", "cancelled"];

/// Rows an upload may have, besides the header.
pub const MAX_ROWS: usize = 5_000;
/// Characters in one cell.
pub const MAX_CELL: usize = 2_000;

/// One row, as text cells in the order of [`COLUMNS`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SheetRow(pub [String; 11]);

impl SheetRow {
    fn cell(&self, column: &str) -> &str {
        COLUMNS
            .iter()
            .position(|c| *c == column)
            .map_or("", |i| self.0[i].trim())
    }
}

/// The rows of `country`: each commitment not withdrawn, then its milestones.
pub async fn download(app: &App, who: &Principal, country: &str) -> AppResult<Vec<SheetRow>> {
    // The file is the form of the upload: only those who may upload it get it.
    authorize(who, Action::UpdateMilestones, Some(country))?;
    let model = app.model().await;
    if !model.engagements.contains_key(country) {
        return Err(AppError::not_found("no such engagement"));
    }
    let mut commitments: Vec<_> = model
        .commitments
        .values()
        .filter(|c| c.country == country && !c.withdrawn)
        .collect();
    commitments.sort_by(|a, b| (a.due_on, &a.title).cmp(&(b.due_on, &b.title)));
    let mut rows = Vec::new();
    for c in commitments {
        rows.push(commitment_row(c));
        rows.extend(
            c.milestones
                .iter()
                .filter_map(|id| model.milestones.get(id))
                .map(|m| milestone_row(&c.title, m)),
        );
    }
    Ok(rows)
}

/// A commitment's row as it reads now.
fn commitment_row(c: &CommitmentView) -> SheetRow {
    SheetRow([
        "commitment".into(),
        c.id.clone(),
        c.version.to_string(),
        String::new(),
        c.title.clone(),
        String::new(),
        String::new(),
        c.due_on.to_string(),
        String::new(),
        String::new(),
        String::new(),
    ])
}

/// A milestone's row as it reads now (its newest evidence; the note is for the next change).
fn milestone_row(commitment: &str, m: &MilestoneView) -> SheetRow {
    let evidence = m.evidence.last();
    SheetRow([
        "milestone".into(),
        m.id.clone(),
        m.version.to_string(),
        commitment.to_string(),
        m.title.clone(),
        m.status.as_str().to_string(),
        m.percent.map(|p| p.to_string()).unwrap_or_default(),
        m.due_on.to_string(),
        String::new(),
        evidence.map(|e| e.title.clone()).unwrap_or_default(),
        evidence.map(|e| e.url.clone()).unwrap_or_default(),
    ])
}

/// Whether a row asks for more than `now` says in the editable `columns` (blank asks nothing;
/// an evidence link asks only when it is new).
fn asks_more(cells: &SheetRow, now: &SheetRow, columns: &[&str], known: &[String]) -> bool {
    columns.iter().any(|col| {
        let (asked, is) = (cells.cell(col), now.cell(col));
        match *col {
            _ if asked.is_empty() => false,
            "status" => asked.replace(' ', "_").to_ascii_lowercase() != is,
            "percent" => {
                asked.trim_end_matches('%').trim().parse::<f64>().ok() != is.parse::<f64>().ok()
            }
            "due_on" => parse_date("due_on", asked).ok() != parse_date("due_on", is).ok(),
            "evidence_url" => !known.iter().any(|k| k == asked),
            _ => asked != is,
        }
    })
}

/// What a row asks of the tracker.
enum Ask {
    Steps(Vec<Step>),
    /// The row's version is not the current one: whether it asks for anything all the same.
    Stale {
        asks: bool,
    },
}

/// What a row's change does: one command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Revise {
        title: Option<String>,
        due_on: Option<NaiveDate>,
    },
    Reschedule {
        due_on: NaiveDate,
        reason: String,
    },
    Unblock {
        note: Option<String>,
    },
    Start {
        note: Option<String>,
    },
    Progress {
        percent: u8,
        note: Option<String>,
    },
    AddEvidence {
        title: String,
        url: String,
    },
    Achieve {
        title: String,
        url: String,
        note: Option<String>,
    },
    Block {
        reason: String,
    },
    Cancel {
        reason: String,
    },
}

/// One change an upload asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The sheet's row number (the header is row 1).
    pub row: usize,
    /// `commitment` or `milestone`, and its id.
    pub kind: String,
    pub id: String,
    /// The version the row was downloaded at.
    pub version: u64,
    /// The title, to show.
    pub title: String,
    pub step: Step,
}

/// A cell that cannot be taken: row, column and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    pub row: usize,
    pub column: &'static str,
    pub message: Reason,
}

/// The errors of one row, as they are found.
struct Errors {
    row: usize,
    list: Vec<CellError>,
}

impl Errors {
    fn add(&mut self, column: &'static str, message: Reason) {
        self.list.push(CellError {
            row: self.row,
            column,
            message,
        });
    }
}

/// A row whose thing changed on the tracker since the download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub row: usize,
    pub title: String,
    pub message: Reason,
}

/// What an upload would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub conflicts: Vec<Conflict>,
    pub errors: Vec<CellError>,
    /// Rows that say what the tracker says already.
    pub unchanged: usize,
}

/// What an upload of `rows` would change in `country`, for `who` (who must be allowed to
/// update its milestones). Nothing is recorded.
pub async fn plan(app: &App, who: &Principal, country: &str, rows: &[SheetRow]) -> AppResult<Plan> {
    authorize(who, Action::UpdateMilestones, Some(country))?;
    // Compared with the tracker as it is now: this process's writes included.
    app.caught_up().await;
    let model = app.model().await;
    if !model.engagements.contains_key(country) {
        return Err(AppError::not_found("no such engagement"));
    }
    let revise = crate::access::may(who, Action::EditCommitments, Some(country));
    let mut plan = Plan::default();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        let id = row.cell("id");
        match seen.get(id) {
            Some(first) if !id.is_empty() => plan.errors.push(CellError {
                row: i + 2,
                column: "id",
                message: reason!(
                    "sheet-id-twice",
                    "this id is on row {first} already: one row per id",
                    first = first
                ),
            }),
            _ => {
                seen.insert(id, i + 2);
                plan_row(&model, country, revise, i + 2, row, &mut plan);
            }
        }
    }
    Ok(plan)
}

/// What one row asks for, into `plan`; `revise`: whether commitments may be revised.
fn plan_row(
    model: &Tracker,
    country: &str,
    revise: bool,
    row: usize,
    cells: &SheetRow,
    plan: &mut Plan,
) {
    if cells.0.iter().all(|c| c.trim().is_empty()) {
        return;
    }
    let mut errors = Errors {
        row,
        list: Vec::new(),
    };
    for (i, column) in COLUMNS.iter().enumerate() {
        if cells.0[i].chars().count() > MAX_CELL {
            errors.add(
                column,
                reason!(
                    "too-long",
                    "must be at most {max} characters",
                    max = MAX_CELL
                ),
            );
        }
    }
    let version = cells.cell("version").parse::<u64>().ok();
    if version.is_none() {
        errors.add(
            "version",
            reason!(
                "sheet-must-number-download-gave-row",
                "must be the number the download gave this row"
            ),
        );
    }
    let id = cells.cell("id").to_string();
    let note = Some(cells.cell("note").to_string()).filter(|n| !n.is_empty());
    // The row was downloaded before the thing's last change.
    let stale = |current: i64| version.is_some_and(|v| i64::try_from(v).ok() != Some(current));
    let steps = match cells.cell("kind") {
        "milestone" => match model.milestones.get(&id).filter(|m| m.country == country) {
            Some(m) if stale(m.version) => {
                // Wrong cells are errors whatever the version.
                milestone_cells(m, cells, &note, &mut errors);
                let commitment = model
                    .commitments
                    .get(&m.commitment)
                    .map_or("", |c| c.title.as_str());
                let known: Vec<String> = m.evidence.iter().map(|e| e.url.clone()).collect();
                let asks = asks_more(
                    cells,
                    &milestone_row(commitment, m),
                    &["status", "percent", "due_on", "evidence_url"],
                    &known,
                );
                Some((Ask::Stale { asks }, m.version, m.title.clone()))
            }
            Some(m) => milestone_steps(m, cells, note, &mut errors)
                .map(|s| (Ask::Steps(s), m.version, m.title.clone())),
            None => {
                errors.add(
                    "id",
                    reason!(
                        "sheet-no-such-milestone",
                        "no milestone of {country} has this id; rows cannot be added here",
                        country = country
                    ),
                );
                None
            }
        },
        "commitment" => match model
            .commitments
            .get(&id)
            .filter(|c| c.country == country && !c.withdrawn)
        {
            Some(_) if !revise => {
                errors.add(
                    "kind",
                    reason!(
                        "sheet-you-not-revise-commitments-country",
                        "you may not revise the commitments of this country"
                    ),
                );
                None
            }
            Some(c) if stale(c.version) => {
                let asks = asks_more(cells, &commitment_row(c), &["title", "due_on"], &[]);
                Some((Ask::Stale { asks }, c.version, c.title.clone()))
            }
            Some(c) => {
                let title = cells.cell("title");
                let title = (!title.is_empty() && title != c.title)
                    .then(|| match Title::parse(title) {
                        Ok(t) => Some(t.as_str().to_string()),
                        Err(e) => {
                            errors.add("title", e.reason);
                            None
                        }
                    })
                    .flatten();
                let due_on = changed_date(cells.cell("due_on"), c.due_on, &mut errors);
                let steps = if title.is_some() || due_on.is_some() {
                    vec![Step::Revise { title, due_on }]
                } else {
                    vec![]
                };
                Some((Ask::Steps(steps), c.version, c.title.clone()))
            }
            None => {
                errors.add(
                    "id",
                    reason!(
                        "sheet-no-such-commitment",
                        "no commitment of {country} has this id; rows cannot be added here",
                        country = country
                    ),
                );
                None
            }
        },
        _ => {
            errors.add(
                "kind",
                reason!(
                    "sheet-must-commitment-or-milestone",
                    "must be commitment or milestone"
                ),
            );
            None
        }
    };
    if !errors.list.is_empty() {
        plan.errors.extend(errors.list);
        return;
    }
    let (Some((ask, current, title)), Some(version)) = (steps, version) else {
        return;
    };
    let steps = match ask {
        Ask::Steps(steps) if !steps.is_empty() => steps,
        Ask::Steps(_) | Ask::Stale { asks: false } => {
            plan.unchanged += 1;
            return;
        }
        Ask::Stale { asks: true } => {
            plan.conflicts.push(Conflict {
                row,
                title,
                message: reason!(
                    "sheet-changed-since",
                    "changed on the tracker since your download (version {version}, now {current}); left alone: download again to edit it",
                    version = version,
                    current = current
                ),
            });
            return;
        }
    };
    let kind = cells.cell("kind").to_string();
    plan.changes.extend(steps.into_iter().map(|step| Change {
        row,
        kind: kind.clone(),
        id: id.clone(),
        version,
        title: title.clone(),
        step,
    }));
}

/// A date cell: `None` when empty or the same as `current`.
fn changed_date(raw: &str, current: NaiveDate, errors: &mut Errors) -> Option<NaiveDate> {
    if raw.is_empty() {
        return None;
    }
    match parse_date("due_on", raw) {
        Ok(d) if d == current => None,
        Ok(d) => Some(d),
        Err(e) => {
            errors.add("due_on", e.reason);
            None
        }
    }
}

/// The cells of a milestone's row, each checked on its own (not yet against the milestone).
struct MilestoneCells {
    /// The status asked for; the milestone's own when the cell is blank or wrong.
    status: MilestoneStatus,
    percent: Option<u8>,
    due_on: Option<NaiveDate>,
    /// A well-formed evidence title and link.
    evidence: Option<(String, String)>,
}

/// Read and check the cells of milestone `m`'s row: each wrong cell is an error.
fn milestone_cells(
    m: &MilestoneView,
    cells: &SheetRow,
    note: &Option<String>,
    errors: &mut Errors,
) -> MilestoneCells {
    use MilestoneStatus::*;
    let title = cells.cell("title");
    if !title.is_empty() && title != m.title {
        errors.add(
            "title",
            reason!(
                "sheet-milestone-keeps-title-commitment-s",
                "a milestone keeps its title; only a commitment's changes here"
            ),
        );
    }
    let status = match cells.cell("status").replace(' ', "_").to_ascii_lowercase() {
        s if s.is_empty() => m.status,
        s => {
            match s.parse::<MilestoneStatus>() {
                Ok(Verified) if m.status != Verified => {
                    errors.add("status", reason!("sheet-verification-done-tracker-someone-other", "verification is done on the tracker, by someone other than the reporter"));
                    m.status
                }
                Ok(s) => s,
                Err(_) => {
                    errors.add(
                        "status",
                        reason!(
                            "unknown-word",
                            "unknown value `{value}`; expected one of {choices}",
                            value = cells.cell("status"),
                            choices = STATUSES.join(", ")
                        ),
                    );
                    m.status
                }
            }
        }
    };
    let percent = match cells.cell("percent") {
        "" => None,
        raw => match raw
            .trim_end_matches('%')
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|p| p.fract() == 0.0 && (0.0..=100.0).contains(p))
        {
            Some(p) => Some(p as u8),
            None => {
                errors.add(
                    "percent",
                    reason!("not-a-percent", "must be a whole number from 0 to 100"),
                );
                None
            }
        },
    };
    let due_on = match cells.cell("due_on") {
        "" => None,
        raw => parse_date("due_on", raw)
            .map_err(|e| errors.add("due_on", e.reason))
            .ok(),
    };
    let (evidence_title, evidence_url) = (cells.cell("evidence_title"), cells.cell("evidence_url"));
    let evidence = match (evidence_title.is_empty(), evidence_url.is_empty()) {
        (_, true) => None,
        (true, false) => {
            errors.add(
                "evidence_title",
                reason!(
                    "sheet-give-evidence-link-title",
                    "give the evidence link a title"
                ),
            );
            None
        }
        (false, false) => {
            let title =
                Title::parse(evidence_title).map_err(|e| errors.add("evidence_title", e.reason));
            let url =
                EvidenceUrl::parse(evidence_url).map_err(|e| errors.add("evidence_url", e.reason));
            (title.is_ok() && url.is_ok())
                .then(|| (evidence_title.to_string(), evidence_url.to_string()))
        }
    };
    if let Some(n) = note {
        if let Err(e) = Text::parse_field("note", n) {
            errors.add("note", e.reason);
        }
    }
    MilestoneCells {
        status,
        percent,
        due_on,
        evidence,
    }
}

/// The steps that bring milestone `m` to what its row says, in the order they can be taken.
fn milestone_steps(
    m: &MilestoneView,
    cells: &SheetRow,
    note: Option<String>,
    errors: &mut Errors,
) -> Option<Vec<Step>> {
    use MilestoneStatus::*;
    use MilestoneStep as S;
    let before = errors.list.len();
    let asked = milestone_cells(m, cells, &note, errors);
    let status = asked.status;
    let percent = asked.percent.filter(|p| m.percent != Some(*p));
    let due_on = asked.due_on.filter(|d| *d != m.due_on);
    let evidence = asked
        .evidence
        .filter(|(_, url)| !m.evidence.iter().any(|e| e.url == *url));
    let reason = |errors: &mut Errors, why: Reason| match &note {
        Some(n) => Some(n.clone()),
        None => {
            errors.add("note", why);
            None
        }
    };
    let mut steps = Vec::new();
    if let Some(d) = due_on {
        if !S::Reschedule.allowed_from(m.status) {
            errors.add(
                "due_on",
                reason!(
                    "sheet-keeps-due-date",
                    "a milestone that is {shown} keeps its due date",
                    status = m.status.as_str(),
                    shown = status.replace('_', " ")
                ),
            );
        } else if let Some(reason) = reason(
            errors,
            reason!(
                "sheet-say-why-rescheduled",
                "say why the due date moves: the note is the reason"
            ),
        ) {
            steps.push(Step::Reschedule { due_on: d, reason });
        }
    }
    // Where the milestone stands once unblocked or started, before progress and the rest.
    let mut now = m.status;
    if S::Unblock.allowed_from(now) && status != m.status && status != Cancelled {
        steps.push(Step::Unblock { note: note.clone() });
        // Unblocked, it returns to where it was when blocked.
        now = m.before_block.unwrap_or(InProgress);
    }
    if S::Start.allowed_from(now) && matches!(status, InProgress | Achieved) && percent.is_none() {
        steps.push(Step::Start { note: note.clone() });
        now = InProgress;
    }
    if let Some(p) = percent {
        if S::Progress.allowed_from(now) {
            steps.push(Step::Progress {
                percent: p,
                note: note.clone(),
            });
            now = InProgress;
        } else {
            errors.add(
                "percent",
                reason!(
                    "sheet-no-progress",
                    "a milestone that is {shown} takes no progress report",
                    status = now.as_str(),
                    shown = status.replace('_', " ")
                ),
            );
        }
    }
    let mut evidence = evidence;
    // A status cell left as downloaded asks for nothing (progress may start the milestone).
    let wanted = if status == m.status { now } else { status };
    match (now, wanted) {
        (a, b) if a == b => {}
        (_, Achieved) if S::Achieve.allowed_from(now) => match evidence.take() {
            Some((title, url)) => steps.push(Step::Achieve {
                title,
                url,
                note: note.clone(),
            }),
            None => errors.add(
                "evidence_url",
                reason!(
                    "sheet-achievement-needs-new-evidence-link",
                    "an achievement needs a new evidence link and its title"
                ),
            ),
        },
        (_, Blocked) if S::Block.allowed_from(now) => {
            if let Some(reason) = reason(
                errors,
                reason!(
                    "sheet-say-why-blocked",
                    "say why it is blocked: the note is the reason"
                ),
            ) {
                steps.push(Step::Block { reason });
            }
        }
        (Verified, _) => errors.add(
            "status",
            reason!(
                "sheet-verified-milestone-does-not-change",
                "a verified milestone does not change here"
            ),
        ),
        (Cancelled, _) => errors.add(
            "status",
            reason!(
                "sheet-cancelled-milestone-does-not-change",
                "a cancelled milestone does not change here"
            ),
        ),
        (_, Cancelled) if S::Cancel.allowed_from(now) => {
            if let Some(reason) = reason(
                errors,
                reason!(
                    "sheet-say-why-cancelled",
                    "say why it is cancelled: the note is the reason"
                ),
            ) {
                steps.push(Step::Cancel { reason });
            }
        }
        (Achieved, InProgress) => errors.add(
            "status",
            reason!(
                "sheet-achievement-sent-back-verifier-tracker",
                "an achievement is sent back by its verifier, on the tracker"
            ),
        ),
        (from, to) => errors.add(
            "status",
            reason!(
                "sheet-status-not-allowed",
                "cannot go from {shown_from} to {shown_to}",
                from = from.as_str(),
                to = to.as_str(),
                shown_from = from.replace('_', " "),
                shown_to = to.replace('_', " ")
            ),
        ),
    }
    if let Some((title, url)) = evidence {
        if !S::Evidence.allowed_from(now) {
            errors.add(
                "evidence_url",
                reason!(
                    "sheet-milestone-takes-no-more-evidence",
                    "this milestone takes no more evidence"
                ),
            );
        } else {
            steps.push(Step::AddEvidence { title, url });
        }
    }
    (errors.list.len() == before).then_some(steps)
}

/// What applying a plan did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub applied: Vec<Change>,
    /// Changes left alone because their row changed on the tracker meanwhile.
    pub conflicts: Vec<(Change, Reason)>,
    /// Changes refused for another reason, with it.
    pub failed: Vec<(Change, Reason)>,
    /// Changes this same confirmation recorded before (it was sent twice).
    pub already: Vec<Change>,
}

/// Apply `changes` (a plan's) in `country` as `caller` — whose correlation id must name the
/// confirmation, the same each time it is sent: each a command carrying the version its
/// row was downloaded at (then the version the row's previous change left). Once a change of a
/// row fails, the row's later changes are left alone too; once the store fails, nothing more
/// is tried, and the outcome still lists what was recorded before.
pub async fn apply(
    app: &App,
    caller: &Caller,
    country: &str,
    changes: Vec<Change>,
) -> AppResult<Outcome> {
    authorize(&caller.principal, Action::UpdateMilestones, Some(country))?;
    // Rows are found in the model: this process's writes included.
    app.caught_up().await;
    let mut outcome = Outcome::default();
    let mut versions: HashMap<String, u64> = HashMap::new();
    let mut stopped: Vec<usize> = Vec::new();
    let mut down: Option<Reason> = None;
    for change in changes {
        // The store went away: what is left is not tried, and said so with what was done.
        if let Some(why) = &down {
            outcome.failed.push((change, why.clone()));
            continue;
        }
        if stopped.contains(&change.row) {
            if recorded_by(app, &change, &caller.correlation_id).await {
                outcome.already.push(change);
            } else {
                outcome.conflicts.push((
                    change,
                    reason!("sheet-left-with-row", "left alone with the rest of its row"),
                ));
            }
            continue;
        }
        let version = *versions.get(&change.id).unwrap_or(&change.version);
        let who = caller.clone().if_match(Some(version));
        match run(app, &who, country, &change).await {
            Ok(v) => {
                versions.insert(change.id.clone(), v);
                outcome.applied.push(change);
            }
            Err(AppError::Stale { .. }) => {
                stopped.push(change.row);
                if recorded_by(app, &change, &caller.correlation_id).await {
                    outcome.already.push(change);
                } else {
                    outcome.conflicts.push((
                        change,
                        reason!(
                            "sheet-changed-meanwhile",
                            "changed on the tracker since your download; left alone"
                        ),
                    ));
                }
            }
            Err(e @ (AppError::Unavailable(_) | AppError::Internal(_))) => {
                let why = reason!(
                    "sheet-store-down",
                    "not recorded: {e}; upload the file again later",
                    e = e
                );
                down = Some(why.clone());
                outcome.failed.push((change, why));
            }
            Err(e) => {
                stopped.push(change.row);
                let why = match e {
                    AppError::Invalid(f) => f.reason,
                    AppError::Conflict(r) | AppError::Forbidden(r) => r,
                    other => reason!("sheet-refused", "refused: {other}", other = other),
                };
                outcome.failed.push((change, why));
            }
        }
    }
    Ok(outcome)
}

/// Whether `change` was recorded by the confirmation `correlation` before (sent again: a second
/// tab, the back button).
async fn recorded_by(app: &App, change: &Change, correlation: &str) -> bool {
    crate::history::recorded_since(app, &change.kind, &change.id, change.version, correlation).await
}

/// One change as its command; the new version.
async fn run(app: &App, who: &Caller, country: &str, change: &Change) -> AppResult<u64> {
    let text = |field: &str, raw: &str| Text::parse_field(field, raw).map_err(AppError::from);
    let note = |raw: &Option<String>| -> AppResult<Option<Text>> {
        Ok(Text::parse_optional("note", raw.as_deref())?)
    };
    let evidence = |title: &str, url: &str| -> AppResult<Evidence> {
        Ok(Evidence {
            title: Title::parse(title)?,
            url: EvidenceUrl::parse(url)?,
        })
    };
    if change.kind == "commitment" {
        let id = CommitmentId::parse(&change.id)?;
        let Step::Revise { title, due_on } = &change.step else {
            return Err(AppError::conflict(safeguards_domain::reason!(
                "commitment-row-revises-title-due",
                "a commitment row only revises its title and due date"
            )));
        };
        let country_of = app
            .model()
            .await
            .commitments
            .get(&change.id)
            .map(|c| c.country.clone());
        if country_of.as_deref() != Some(country) {
            return Err(AppError::not_found("no such commitment"));
        }
        let revision = CommitmentRevision {
            title: title.as_deref().map(Title::parse).transpose()?,
            due_on: *due_on,
            ..CommitmentRevision::default()
        };
        return Ok(commitments::revise(app, who, id, revision).await?.version);
    }
    let id = MilestoneId::parse(&change.id)?;
    if milestones::country_of(app, id).await?.as_str() != country {
        return Err(AppError::not_found("no such milestone"));
    }
    let (step, input) = match &change.step {
        Step::Reschedule { due_on, reason } => (
            MilestoneStep::Reschedule,
            StepInput {
                due_on: Some(*due_on),
                reason: Some(text("note", reason)?),
                ..StepInput::default()
            },
        ),
        Step::Unblock { note: n } => (
            MilestoneStep::Unblock,
            StepInput {
                note: note(n)?,
                ..StepInput::default()
            },
        ),
        Step::Start { note: n } => (
            MilestoneStep::Start,
            StepInput {
                note: note(n)?,
                ..StepInput::default()
            },
        ),
        Step::Progress { percent, note: n } => (
            MilestoneStep::Progress,
            StepInput {
                percent: Some(Percent::parse(i64::from(*percent))?),
                note: note(n)?,
                ..StepInput::default()
            },
        ),
        Step::AddEvidence { title, url } => (
            MilestoneStep::Evidence,
            StepInput {
                evidence: vec![evidence(title, url)?],
                ..StepInput::default()
            },
        ),
        Step::Achieve {
            title,
            url,
            note: n,
        } => (
            MilestoneStep::Achieve,
            StepInput {
                evidence: vec![evidence(title, url)?],
                note: note(n)?,
                ..StepInput::default()
            },
        ),
        Step::Block { reason } => (
            MilestoneStep::Block,
            StepInput {
                reason: Some(text("note", reason)?),
                ..StepInput::default()
            },
        ),
        Step::Cancel { reason } => (
            MilestoneStep::Cancel,
            StepInput {
                reason: Some(text("note", reason)?),
                ..StepInput::default()
            },
        ),
        Step::Revise { .. } => {
            return Err(AppError::conflict(safeguards_domain::reason!(
                "milestone-row-does-not-revise",
                "a milestone row does not revise a commitment"
            )))
        }
    };
    let done = milestones::take(app, who, id, step, input).await?;
    Ok(done.version)
}
