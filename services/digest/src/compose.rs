//! What a digest says to one reader: a summary line, then the news of their countries after
//! their position in the log, grouped by country — each item with its commitment and a link —
//! the overdue milestones with how late they are, and each country's completion with its change.
//!
//! A [`Basis`] is gathered once per run from the events of the range alone (the news) and the
//! read model as it is; every reader's [`Changes`] is then drawn from it without touching the
//! store. Its cost follows the news, not the length of the log.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use chrono::NaiveDate;
use safeguards_domain::commitment::CommitmentEvent;
use safeguards_domain::engagement::EngagementEvent;
use safeguards_domain::milestone::MilestoneEvent;
use safeguards_projections::model::{EvidenceFileView, EvidenceView, MilestoneView};
use safeguards_projections::views;
use safeguards_projections::{DecodedEvent, RecordedEvent, Tracker};

use crate::texts::MailTexts;

/// What happened, with what the reader needs to know of it.
#[derive(Debug, Clone, PartialEq)]
pub enum News {
    Achieved {
        /// The first piece of evidence: title and address.
        evidence: Option<(String, String)>,
    },
    Verified,
    Blocked {
        reason: String,
    },
    NewCommitment {
        due_on: NaiveDate,
    },
    Activity {
        kind: String,
        held_on: NaiveDate,
    },
}

impl News {
    /// The order of items within a country.
    fn rank(&self) -> u8 {
        match self {
            News::Verified => 0,
            News::Achieved { .. } => 1,
            News::NewCommitment { .. } => 2,
            News::Blocked { .. } => 3,
            News::Activity { .. } => 4,
        }
    }
}

/// One piece of news in the range.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub position: i64,
    pub country: String,
    pub news: News,
    /// The milestone's, the commitment's or the activity's title.
    pub title: String,
    /// The title of the commitment a milestone belongs to.
    pub commitment: Option<String>,
    /// The principles of the commitment concerned (none for an activity).
    pub principles: Vec<String>,
    /// The page that shows it.
    pub path: String,
    /// The milestone it concerns, if one.
    pub milestone: Option<String>,
}

/// An overdue milestone.
#[derive(Debug, Clone, PartialEq)]
pub struct Overdue {
    pub title: String,
    pub commitment: Option<String>,
    pub due_on: NaiveDate,
    pub path: String,
}

/// The page of a milestone.
pub fn milestone_path(m: &MilestoneView) -> String {
    format!("/milestones/{}", m.id)
}

/// Each engaged country's completion (percent, one decimal) in `model`.
pub fn completion(model: &Tracker, today: NaiveDate) -> BTreeMap<String, f64> {
    views::overview(model, today)
        .countries
        .into_iter()
        .map(|c| (c.country, c.completion))
        .collect()
}

/// A commitment's overdue milestones: how many, and the first few by due date. A reader's
/// first few of a country are among the first few of the commitments they follow, so no more
/// are described.
#[derive(Debug, Clone, Default)]
struct Late {
    principles: Vec<String>,
    count: usize,
    first: Vec<Overdue>,
}

/// Who a digest is told to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    /// A reader with an account of the tracker: everything the digest holds.
    Account,
    /// Anyone else (a subscriber without an account, a visitor of the web edition or a feed
    /// reader): only what the tracker's publication rule lets out.
    Anyone,
}

/// What may leave the tracker without a sign-in: the tracker's publication rule
/// (`safeguards_app::publication::Public`), which it puts in [`crate::DigestService`]. The
/// digest asks it about everything it tells [`Audience::Anyone`].
pub trait Disclose: Send + Sync + std::fmt::Debug {
    /// The countries of `model` whose news may be told.
    fn countries(&self, model: &Tracker) -> BTreeSet<String>;
    /// Whether free-text reasons and notes (they may name people) may be told.
    fn reasons(&self) -> bool;
    /// The evidence of `milestone` that may be told.
    fn evidence<'m>(&self, milestone: &'m MilestoneView) -> &'m [EvidenceView];
    /// The documents of `milestone` that may be linked to.
    fn documents<'m>(&self, milestone: &'m MilestoneView) -> &'m [EvidenceFileView];
}

/// The rule of a digest service the tracker has not given its own: nothing leaves.
#[derive(Debug, Clone, Copy, Default)]
pub struct Withheld;

impl Disclose for Withheld {
    fn countries(&self, _: &Tracker) -> BTreeSet<String> {
        BTreeSet::new()
    }
    fn reasons(&self) -> bool {
        false
    }
    fn evidence<'m>(&self, _: &'m MilestoneView) -> &'m [EvidenceView] {
        &[]
    }
    fn documents<'m>(&self, _: &'m MilestoneView) -> &'m [EvidenceFileView] {
        &[]
    }
}

/// What every reader's digest of one range is drawn from.
#[derive(Debug, Clone, Default)]
pub struct Basis {
    items: Vec<Item>,
    /// By country: its commitments with overdue milestones.
    overdue: BTreeMap<String, Vec<Late>>,
    /// Completion at the end of the range.
    completion: BTreeMap<String, f64>,
    /// Completion at the end of earlier digests, by their end position.
    earlier: BTreeMap<i64, BTreeMap<String, f64>>,
    /// The names of the engaged countries.
    names: BTreeMap<String, String>,
    today: NaiveDate,
}

impl Basis {
    /// Everything but the news: the overdue milestones and the countries of `model`, the
    /// figures of its digests, and `completion` at the end of the range.
    pub fn new(model: &Tracker, today: NaiveDate, completion: BTreeMap<String, f64>) -> Self {
        let mut overdue: BTreeMap<String, Vec<Late>> = BTreeMap::new();
        for c in model.commitments.values().filter(|c| !c.withdrawn) {
            let mut late = c.tally.overdue(today);
            let first: Vec<Overdue> = late
                .by_ref()
                .take(OVERDUE_LISTED)
                .filter_map(|(_, id)| model.milestones.get(id))
                .map(|m| Overdue {
                    title: m.title.clone(),
                    commitment: Some(c.title.clone()),
                    due_on: m.due_on,
                    path: milestone_path(m),
                })
                .collect();
            if first.is_empty() {
                continue;
            }
            let count = first.len() + late.count();
            overdue.entry(c.country.clone()).or_default().push(Late {
                principles: c.principles.clone(),
                count,
                first,
            });
        }
        Self {
            items: Vec::new(),
            overdue,
            completion,
            earlier: model
                .digests
                .values()
                .filter(|d| !d.completion.is_empty())
                .map(|d| (d.to_position, d.completion.clone()))
                .collect(),
            names: model
                .engagements
                .values()
                .map(|e| (e.country.clone(), e.name.clone()))
                .collect(),
            today,
        }
    }

    /// Add the news among `events` (of the range, in order), described with `model`.
    pub fn add<'a>(
        &mut self,
        model: &Tracker,
        events: impl IntoIterator<Item = &'a RecordedEvent>,
    ) {
        for e in events {
            if !matches!(
                e.aggregate_type.as_str(),
                "milestone" | "commitment" | "engagement"
            ) {
                continue;
            }
            let Ok(Some(decoded)) = e.decode() else {
                continue;
            };
            if let Some(item) = item(model, e, decoded) {
                self.items.push(item);
            }
        }
    }

    /// The same without the overdue milestones (a state of today, not of the range).
    pub fn without_overdue(mut self) -> Self {
        self.overdue.clear();
        self
    }

    /// How many pieces of news it holds.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// What of it `rule` lets out, as `model` stands: the news, overdue milestones, figures
    /// and names of the countries it discloses only, reasons only where it allows them, and
    /// evidence only where it allows it for the milestone as it is now.
    pub fn disclosed(&self, model: &Tracker, rule: &dyn Disclose) -> Self {
        let countries = rule.countries(model);
        let shown = |c: &String| countries.contains(c);
        let reasons = rule.reasons();
        let items = self
            .items
            .iter()
            .filter(|i| shown(&i.country))
            .map(|i| {
                let news = match &i.news {
                    News::Blocked { reason } => News::Blocked {
                        reason: if reasons {
                            reason.clone()
                        } else {
                            String::new()
                        },
                    },
                    News::Achieved { evidence } => {
                        let milestone =
                            i.milestone.as_ref().and_then(|id| model.milestones.get(id));
                        let links = milestone.map(|m| rule.evidence(m)).unwrap_or_default();
                        let documents = milestone.map(|m| rule.documents(m)).unwrap_or_default();
                        News::Achieved {
                            evidence: evidence.clone().filter(|(_, url)| {
                                links.iter().any(|e| e.url == *url)
                                    || documents.iter().any(|d| *url == document_path(d))
                            }),
                        }
                    }
                    other => other.clone(),
                };
                Item { news, ..i.clone() }
            })
            .collect();
        let figures = |all: &BTreeMap<String, f64>| -> BTreeMap<String, f64> {
            all.iter()
                .filter(|(c, _)| shown(c))
                .map(|(c, v)| (c.clone(), *v))
                .collect()
        };
        Self {
            items,
            overdue: self
                .overdue
                .iter()
                .filter(|(c, _)| shown(c))
                .map(|(c, l)| (c.clone(), l.clone()))
                .collect(),
            completion: figures(&self.completion),
            earlier: self
                .earlier
                .iter()
                .map(|(at, f)| (*at, figures(f)))
                .collect(),
            names: self
                .names
                .iter()
                .filter(|(c, _)| shown(c))
                .map(|(c, n)| (c.clone(), n.clone()))
                .collect(),
            today: self.today,
        }
    }
}

fn item(model: &Tracker, e: &RecordedEvent, decoded: DecodedEvent) -> Option<Item> {
    match decoded {
        DecodedEvent::Milestone(ev) => {
            let news = match ev {
                // The first link reported with it, else the milestone's first document (a link
                // to it on the tracker, never the file itself).
                MilestoneEvent::MilestoneAchieved { evidence, .. } => News::Achieved {
                    evidence: evidence
                        .first()
                        .map(|x| (x.title.as_str().to_string(), x.url.as_str().to_string()))
                        .or_else(|| {
                            let m = model.milestones.get(&e.aggregate_id)?;
                            let d = m.evidence_files.first()?;
                            Some((d.title.clone(), document_path(d)))
                        }),
                },
                MilestoneEvent::MilestoneVerified { .. } => News::Verified,
                MilestoneEvent::MilestoneBlocked { reason } => News::Blocked {
                    reason: reason.as_str().to_string(),
                },
                _ => return None,
            };
            let m = model.milestones.get(&e.aggregate_id)?;
            let commitment = model.commitments.get(&m.commitment);
            Some(Item {
                position: e.position,
                country: m.country.clone(),
                news,
                title: m.title.clone(),
                commitment: commitment.map(|c| c.title.clone()),
                principles: commitment.map(|c| c.principles.clone()).unwrap_or_default(),
                path: milestone_path(m),
                milestone: Some(m.id.clone()),
            })
        }
        DecodedEvent::Commitment(CommitmentEvent::CommitmentCreated { country, fields }) => {
            // The commitment as it reads now, if it was revised since.
            let now = model.commitments.get(&e.aggregate_id);
            Some(Item {
                position: e.position,
                country: country.as_str().to_string(),
                news: News::NewCommitment {
                    due_on: now.map_or(fields.due_on, |c| c.due_on),
                },
                title: now.map_or_else(|| fields.title.as_str().to_string(), |c| c.title.clone()),
                commitment: None,
                principles: now.map_or_else(
                    || {
                        fields
                            .principles
                            .iter()
                            .map(|p| p.as_str().to_string())
                            .collect()
                    },
                    |c| c.principles.clone(),
                ),
                path: format!("/countries/{}#c-{}", country.as_str(), e.aggregate_id),
                milestone: None,
            })
        }
        DecodedEvent::Engagement(EngagementEvent::ActivityRecorded {
            kind,
            title,
            held_on,
            ..
        }) => {
            let kind: &str = kind.into();
            Some(Item {
                position: e.position,
                country: e.aggregate_id.clone(),
                news: News::Activity {
                    kind: kind.to_string(),
                    held_on,
                },
                title: title.as_str().to_string(),
                commitment: None,
                principles: vec![],
                path: format!("/countries/{}", e.aggregate_id),
                milestone: None,
            })
        }
        _ => None,
    }
}

/// Who a digest is for: their countries and principles (all when empty), the position after
/// which news is new to them, and their language.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    pub countries: &'a [String],
    pub principles: &'a [String],
    pub from_position: i64,
    pub t: &'static MailTexts,
}

impl Reader<'_> {
    fn follows_country(&self, c: &str) -> bool {
        self.countries.is_empty() || self.countries.iter().any(|x| x == c)
    }
    /// Items of no commitment (activities) concern every principle.
    fn follows_principles(&self, of: &[String]) -> bool {
        self.principles.is_empty()
            || of.is_empty()
            || of.iter().any(|p| self.principles.contains(p))
    }
}

/// One line of a country's news.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// What happened: "Verified", "New commitment".
    pub label: &'static str,
    pub title: String,
    pub commitment: Option<String>,
    pub detail: String,
    /// Evidence: title and address.
    pub evidence: Option<(String, String)>,
    pub link: String,
}

/// A country's completion at the end of the range and its change since the reader's last
/// digest, written out.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub completion: String,
    /// `None` for a reader with no earlier figure.
    pub change: Option<String>,
}

/// Everything a digest tells one reader about one country.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryNews {
    pub code: String,
    pub name: String,
    pub link: String,
    pub figure: Option<Figure>,
    pub lines: Vec<Line>,
    pub overdue: Vec<Line>,
    /// "and 4 more overdue milestones", when there are more than are listed.
    pub more_overdue: Option<String>,
}

/// Everything a digest tells one reader.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// One line on what happened.
    pub summary: String,
    pub countries: Vec<CountryNews>,
    /// Nothing new in the reader's countries.
    pub quiet: bool,
}

/// Overdue milestones listed per country; the rest are counted.
pub const OVERDUE_LISTED: usize = 3;

/// The reader's digest.
pub fn changes(basis: &Basis, reader: Reader<'_>, link: &dyn Fn(&str) -> String) -> Changes {
    let t = reader.t;
    let mut news: BTreeMap<&str, Vec<&Item>> = BTreeMap::new();
    for item in basis.items.iter().filter(|i| {
        i.position > reader.from_position
            && reader.follows_country(&i.country)
            && reader.follows_principles(&i.principles)
    }) {
        news.entry(item.country.as_str()).or_default().push(item);
    }
    let before = basis
        .earlier
        .range(..=reader.from_position)
        .next_back()
        .map(|(_, figures)| figures);
    let change_of = |country: &str| -> Option<f64> {
        let now = basis.completion.get(country)?;
        let was = before?.get(country)?;
        Some(now - was)
    };

    // The countries shown: the reader's own, or (following all) those with something new.
    let shown: Vec<&str> = if reader.countries.is_empty() {
        basis
            .names
            .keys()
            .map(String::as_str)
            .filter(|c| news.contains_key(c) || change_of(c).is_some_and(|d| d.abs() >= 0.05))
            .collect()
    } else {
        reader
            .countries
            .iter()
            .map(String::as_str)
            .filter(|c| basis.names.contains_key(*c))
            .collect()
    };

    let mut counts = Counts {
        every_country: reader.countries.is_empty(),
        ..Counts::default()
    };
    let mut biggest: Option<(&str, f64)> = None;
    let mut countries = Vec::new();
    for code in shown {
        let name = t.country_or(code, basis.names.get(code).map_or(code, String::as_str));
        let mut items = news.remove(code).unwrap_or_default();
        items.sort_by_key(|i| (i.news.rank(), i.position));
        for i in &items {
            counts.add(&i.news);
        }
        if !items.is_empty() {
            counts.countries_verified +=
                usize::from(items.iter().any(|i| i.news == News::Verified));
        }
        let lines = items.iter().map(|i| line(t, i, link)).collect();
        let late: Vec<&Late> = basis
            .overdue
            .get(code)
            .map(|all| {
                all.iter()
                    .filter(|l| reader.follows_principles(&l.principles))
                    .collect()
            })
            .unwrap_or_default();
        let overdue_count: usize = late.iter().map(|l| l.count).sum();
        let mut overdue: Vec<&Overdue> = late.iter().flat_map(|l| &l.first).collect();
        overdue.sort_by(|a, b| (a.due_on, &a.path).cmp(&(b.due_on, &b.path)));
        counts.overdue += overdue_count;
        let more = overdue_count.saturating_sub(OVERDUE_LISTED);
        let figure = basis.completion.get(code).map(|now| {
            let change = change_of(code).map(|d| {
                if d.abs() < 0.05 {
                    return t.no_change.to_string();
                }
                if biggest.is_none_or(|(_, b)| d.abs() > b.abs()) {
                    biggest = Some((code, d));
                }
                t.points_change(d)
            });
            Figure {
                completion: t.percent(*now),
                change,
            }
        });
        countries.push(CountryNews {
            code: code.to_string(),
            link: link(&format!("/countries/{code}")),
            figure,
            lines,
            overdue: overdue
                .iter()
                .take(OVERDUE_LISTED)
                .map(|o| Line {
                    label: t.overdue,
                    title: o.title.clone(),
                    commitment: o.commitment.clone(),
                    detail: format!(
                        "{} {} · {}",
                        t.due,
                        t.day(o.due_on),
                        t.days_late((basis.today - o.due_on).num_days().max(0) as usize)
                    ),
                    evidence: None,
                    link: link(&o.path),
                })
                .collect(),
            more_overdue: (more > 0).then(|| t.more_overdue(more)),
            name,
        });
    }
    let quiet = counts.news() == 0;
    let biggest = biggest.map(|(code, d)| {
        let name = t.country_or(code, basis.names.get(code).map_or(code, String::as_str));
        let points = t.decimal(d.abs());
        if d > 0.0 {
            t.summary_rose(name, points)
        } else {
            t.summary_fell(name, points)
        }
    });
    Changes {
        summary: counts.summary(t, biggest),
        countries,
        quiet,
    }
}

/// Where a document is served on the tracker.
fn document_path(d: &EvidenceFileView) -> String {
    format!("/evidence/{}", d.sha256)
}

fn line(t: &MailTexts, i: &Item, link: &dyn Fn(&str) -> String) -> Line {
    let (label, detail, evidence) = match &i.news {
        // A document's path becomes an address on the tracker.
        News::Achieved { evidence } => (
            t.achieved,
            String::new(),
            evidence.clone().map(|(title, url)| {
                if url.starts_with('/') {
                    (title, link(&url))
                } else {
                    (title, url)
                }
            }),
        ),
        News::Verified => (t.verified, String::new(), None),
        News::Blocked { reason } => (t.blocked, reason.clone(), None),
        News::NewCommitment { due_on } => (
            t.new_commitment,
            format!(
                "{} {} · {} {}",
                t.principles,
                i.principles.join(", "),
                t.due,
                t.day(*due_on)
            ),
            None,
        ),
        News::Activity { kind, held_on } => (
            t.activity,
            format!("{} · {}", t.activity_kind(kind), t.day(*held_on)),
            None,
        ),
    };
    Line {
        label,
        title: i.title.clone(),
        commitment: i.commitment.clone(),
        detail,
        evidence,
        link: link(&i.path),
    }
}

#[derive(Debug, Default)]
struct Counts {
    every_country: bool,
    verified: usize,
    countries_verified: usize,
    achieved: usize,
    commitments: usize,
    blocked: usize,
    activities: usize,
    overdue: usize,
}

impl Counts {
    fn add(&mut self, news: &News) {
        match news {
            News::Verified => self.verified += 1,
            News::Achieved { .. } => self.achieved += 1,
            News::NewCommitment { .. } => self.commitments += 1,
            News::Blocked { .. } => self.blocked += 1,
            News::Activity { .. } => self.activities += 1,
        }
    }

    fn news(&self) -> usize {
        self.verified + self.achieved + self.commitments + self.blocked + self.activities
    }

    /// "3 milestones verified in 2 countries; 1 new commitment; Kenya's completion rose 4.0
    /// points."
    fn summary(&self, t: &MailTexts, biggest: Option<String>) -> String {
        let mut parts = Vec::new();
        if self.verified > 0 {
            parts.push(format!(
                "{} {}",
                t.summary_verified(self.verified),
                t.summary_in_countries(self.countries_verified)
            ));
        }
        for (n, words) in [
            (self.achieved, t.summary_achieved(self.achieved)),
            (self.commitments, t.summary_commitments(self.commitments)),
            (self.blocked, t.summary_blocked(self.blocked)),
            (self.activities, t.summary_activities(self.activities)),
        ] {
            if n > 0 {
                parts.push(words);
            }
        }
        if self.news() == 0 {
            let quiet = if self.every_country {
                t.quiet_all
            } else {
                t.quiet
            };
            parts.push(quiet.trim_end_matches('.').to_string());
        }
        parts.extend(biggest);
        if self.overdue > 0 {
            parts.push(t.summary_overdue(self.overdue));
        }
        let mut s = parts.join("; ");
        if let Some(first) = s.get(..1) {
            s = first.to_uppercase() + &s[1..];
        }
        s + "."
    }
}

/// The inline style attributes of the body: mail clients need them; the web edition has its
/// stylesheet (and a policy that refuses inline styles).
#[derive(Debug)]
pub struct Styles {
    pub summary: &'static str,
    pub country: &'static str,
    pub link: &'static str,
    pub figure: &'static str,
    pub list: &'static str,
    pub item: &'static str,
    pub muted: &'static str,
    pub late: &'static str,
    pub more: &'static str,
}

pub static MAIL_STYLES: Styles = Styles {
    summary: r#" style="font-size:1.05rem;margin:.6rem 0 1rem""#,
    country: r#" style="font-size:1.15rem;margin:1.4rem 0 .2rem""#,
    link: r#" style="color:#0b3d91""#,
    figure: r#" style="margin:0 0 .4rem;color:#444""#,
    list: r#" style="padding-left:1.2rem;margin:.2rem 0""#,
    item: r#" style="margin:.4rem 0""#,
    muted: r#" style="color:#444""#,
    late: r#" style="color:#8a1c00""#,
    more: r#" style="margin:.2rem 0""#,
};

pub static WEB_STYLES: Styles = Styles {
    summary: r#" class="summary""#,
    country: "",
    link: "",
    figure: r#" class="muted""#,
    list: "",
    item: "",
    muted: r#" class="muted""#,
    late: r#" class="late""#,
    more: "",
};

/// The digest's body, shared by the mail and the web edition.
#[derive(Template)]
#[template(path = "digest_body.html")]
pub struct DigestBody<'a> {
    pub t: &'static MailTexts,
    pub changes: &'a Changes,
    pub s: &'static Styles,
}

/// One of a focal point's milestones in their own digest, with its action links.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub country: String,
    pub title: String,
    /// "due 10 December 2026", "overdue since 1 December 2026".
    pub when: String,
    /// Label and address of each link.
    pub links: Vec<(&'static str, String)>,
}

/// The HTML part.
#[derive(Template)]
#[template(path = "digest.html")]
pub struct DigestHtml<'a> {
    pub t: &'static MailTexts,
    /// Always [`MAIL_STYLES`].
    pub s: &'static Styles,
    pub period: &'a str,
    pub changes: &'a Changes,
    /// A focal point's milestones with their action links (the mail only, never the web
    /// edition).
    pub actions: &'a [Action],
    pub web_url: &'a str,
    pub unsubscribe_url: &'a str,
    pub manage_url: &'a str,
    pub dashboard_url: &'a str,
}

/// The plain-text part.
#[derive(Template)]
#[template(path = "digest.txt")]
pub struct DigestText<'a> {
    pub t: &'static MailTexts,
    pub period: &'a str,
    pub changes: &'a Changes,
    /// A focal point's milestones with their action links (the mail only, never the web
    /// edition).
    pub actions: &'a [Action],
    pub web_url: &'a str,
    pub unsubscribe_url: &'a str,
    pub manage_url: &'a str,
    pub dashboard_url: &'a str,
}

macro_rules! debug_by_period {
    ($($t:ident),*) => {$(
        impl std::fmt::Debug for $t<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($t)).field("period", &self.period).finish()
            }
        }
    )*};
}
debug_by_period!(DigestHtml, DigestText);

impl std::fmt::Debug for DigestBody<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DigestBody").finish()
    }
}
