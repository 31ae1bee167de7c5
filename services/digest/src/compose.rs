//! What one subscriber's digest says: the changes in their countries between two positions of
//! the log, and the completion figures with their change, as HTML and plain text.

use std::collections::BTreeMap;

use askama::Template;
use chrono::NaiveDate;
use safeguards_domain::commitment::CommitmentEvent;
use safeguards_domain::engagement::EngagementEvent;
use safeguards_domain::milestone::MilestoneEvent;
use safeguards_projections::model::MilestoneView;
use safeguards_projections::views::{self, CountrySummary};
use safeguards_projections::{DecodedEvent, RecordedEvent, Tracker};

use crate::texts::MailTexts;

/// One line of a section.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub country: String,
    pub title: String,
    pub detail: String,
    pub link: String,
}

/// A country's completion now and at the previous digest.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub country: String,
    pub completion: f64,
    pub before: f64,
    pub change: String,
}

/// Everything a digest tells one subscriber.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    pub achieved: Vec<Line>,
    pub verified: Vec<Line>,
    pub new_commitments: Vec<Line>,
    pub blocked: Vec<Line>,
    pub activities: Vec<Line>,
    pub overdue: Vec<Line>,
    pub figures: Vec<Figure>,
}

impl Changes {
    pub fn is_quiet(&self) -> bool {
        self.achieved.is_empty()
            && self.verified.is_empty()
            && self.new_commitments.is_empty()
            && self.blocked.is_empty()
            && self.activities.is_empty()
    }
}

fn name(code: &str) -> String {
    safeguards_domain::catalogue::country(code)
        .map(|c| c.name.clone())
        .unwrap_or_else(|| code.to_string())
}

/// Who a digest is for: their countries (all when empty), the position after which changes
/// are new to them, and their language.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    pub countries: &'a [String],
    pub from_position: i64,
    pub t: &'static MailTexts,
}

/// What every reader's digest of one run is drawn from, worked out once for all of them: the
/// events a digest reports on, decoded; the overdue milestones; the completion figures now and
/// at the previous digest.
#[derive(Debug)]
pub struct Basis {
    events: Vec<(RecordedEvent, DecodedEvent)>,
    overdue: Vec<MilestoneView>,
    figures_before: BTreeMap<String, f64>,
    countries: Vec<CountrySummary>,
}

impl Basis {
    /// `now` is the model at the end of the range, `before` the model at the previous digest,
    /// `events` the log between the two.
    pub fn new(
        now: &Tracker,
        before: &Tracker,
        events: Vec<RecordedEvent>,
        today: NaiveDate,
    ) -> Self {
        let events = events
            .into_iter()
            .filter(|e| {
                matches!(
                    e.aggregate_type.as_str(),
                    "milestone" | "commitment" | "engagement"
                )
            })
            .filter_map(|e| match e.decode() {
                Ok(Some(decoded)) => Some((e, decoded)),
                _ => None,
            })
            .collect();
        Self {
            events,
            overdue: views::overdue_milestones(now, today)
                .into_iter()
                .cloned()
                .collect(),
            figures_before: views::overview(before, today)
                .countries
                .into_iter()
                .map(|c| (c.country, c.completion))
                .collect(),
            countries: views::overview(now, today).countries,
        }
    }
}

/// The changes in the reader's countries after their position. `now` is the model at the end
/// of the range, as given to [`Basis::new`].
pub fn changes(
    now: &Tracker,
    basis: &Basis,
    reader: Reader<'_>,
    link: &dyn Fn(&str) -> String,
) -> Changes {
    let Reader {
        countries,
        from_position,
        t,
    } = reader;
    let wanted = |c: &str| countries.is_empty() || countries.iter().any(|x| x == c);
    let mut out = Changes::default();
    for (e, decoded) in basis
        .events
        .iter()
        .filter(|(e, _)| e.position > from_position)
    {
        match decoded {
            DecodedEvent::Milestone(ev) => {
                let Some(m) = now.milestones.get(&e.aggregate_id) else {
                    continue;
                };
                if !wanted(&m.country) {
                    continue;
                }
                let line = |detail: String| Line {
                    country: name(&m.country),
                    title: m.title.clone(),
                    detail,
                    link: link(&format!("/countries/{}", m.country)),
                };
                match ev {
                    MilestoneEvent::MilestoneAchieved { evidence, .. } => out.achieved.push(line(
                        evidence
                            .first()
                            .map(|x| format!("{}: {}", t.evidence, x.title.as_str()))
                            .unwrap_or_default(),
                    )),
                    MilestoneEvent::MilestoneVerified { .. } => {
                        out.verified.push(line(String::new()))
                    }
                    MilestoneEvent::MilestoneBlocked { reason } => {
                        out.blocked.push(line(reason.as_str().to_string()))
                    }
                    _ => {}
                }
            }
            DecodedEvent::Commitment(CommitmentEvent::CommitmentCreated { country, fields })
                if wanted(country.as_str()) =>
            {
                out.new_commitments.push(Line {
                    country: name(country.as_str()),
                    title: fields.title.as_str().to_string(),
                    detail: format!(
                        "{} {}, {} {}",
                        t.principles,
                        fields
                            .principles
                            .iter()
                            .map(|p| p.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                        t.due,
                        fields.due_on
                    ),
                    link: link(&format!("/countries/{}", country.as_str())),
                });
            }
            DecodedEvent::Engagement(EngagementEvent::ActivityRecorded {
                kind,
                title,
                held_on,
                ..
            }) if wanted(&e.aggregate_id) => {
                let kind: &str = kind.into();
                out.activities.push(Line {
                    country: name(&e.aggregate_id),
                    title: title.as_str().to_string(),
                    detail: format!("{} {} {held_on}", kind.replace('_', " "), t.on),
                    link: link(&format!("/countries/{}", e.aggregate_id)),
                });
            }
            _ => {}
        }
    }
    for m in &basis.overdue {
        if wanted(&m.country) {
            out.overdue.push(Line {
                country: name(&m.country),
                title: m.title.clone(),
                detail: format!("{} {}", t.due, m.due_on),
                link: link(&format!("/countries/{}", m.country)),
            });
        }
    }
    for c in &basis.countries {
        if wanted(&c.country) {
            let before = basis.figures_before.get(&c.country).copied().unwrap_or(0.0);
            let delta = c.completion - before;
            out.figures.push(Figure {
                country: c.name.clone(),
                completion: c.completion,
                before,
                change: if delta.abs() < 0.05 {
                    t.no_change.into()
                } else {
                    format!("{delta:+.1} {}", t.points)
                },
            });
        }
    }
    out
}

/// The HTML part.
#[derive(Template)]
#[template(path = "digest.html")]
pub struct DigestHtml<'a> {
    pub t: &'static MailTexts,
    pub period: &'a str,
    pub changes: &'a Changes,
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
    pub unsubscribe_url: &'a str,
    pub manage_url: &'a str,
    pub dashboard_url: &'a str,
}

impl std::fmt::Debug for DigestHtml<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DigestHtml")
            .field("period", &self.period)
            .finish()
    }
}

impl std::fmt::Debug for DigestText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DigestText")
            .field("period", &self.period)
            .finish()
    }
}
