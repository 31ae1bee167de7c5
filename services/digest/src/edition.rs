//! The archive: each composed period's digest as a web edition — the news of the digest's
//! range, nothing about any subscriber — and an Atom feed of the latest editions, so the
//! digest can be followed in a feed reader and linked to. An edition for
//! [`Audience::Anyone`] (and the feed, which is for anyone) tells only what the tracker's
//! publication rule lets out, as publication stands when it is made: an edition is kept under
//! the countries it discloses, so a country unpublished since is in no edition served after.
//!
//! An edition tells what happened in its range; the overdue milestones a mail lists are a state
//! of the day it is sent, so editions leave them to the country pages. Editions are made from
//! the range's events alone and kept for a few minutes.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use askama::Template;
use atom_syndication::{Content, Entry, Feed, Link, Person, Text};
use chrono::{DateTime, Utc};
use safeguards_domain::digest::Period;
use safeguards_domain::subscriber::Language;

use crate::compose::{self, Audience, Basis, Changes, DigestBody, Reader, Styles, MAIL_STYLES};
use crate::deliver::gather;
use crate::texts::mail_texts;
use crate::{DigestError, DigestService};

/// A period's digest for everyone.
#[derive(Debug, Clone)]
pub struct Edition {
    pub period: Period,
    pub composed_at: DateTime<Utc>,
    pub language: Language,
    pub changes: Changes,
}

impl Edition {
    /// The body as the mail has it (HTML), with the mail's inline styles or the web page's
    /// classes.
    pub fn body_html(&self, styles: &'static Styles) -> Result<String, DigestError> {
        Ok(DigestBody {
            t: mail_texts(self.language),
            changes: &self.changes,
            s: styles,
        }
        .render()?)
    }
}

/// How long an edition is kept once made.
const KEPT_FOR: Duration = Duration::from_secs(600);
/// Editions kept at most.
const MOST_KEPT: usize = 256;

/// An edition's period, language, and the countries it discloses (`None`: everything, for
/// readers with an account).
type Key = (Period, Language, Option<BTreeSet<String>>);

/// The editions lately made, with the time each was made.
#[derive(Debug, Default)]
pub struct Editions {
    made: Mutex<HashMap<Key, (Instant, Arc<Edition>)>>,
}

impl Editions {
    fn get(&self, key: &Key) -> Option<Arc<Edition>> {
        let made = self.made.lock().ok()?;
        made.get(key)
            .filter(|(at, _)| at.elapsed() < KEPT_FOR)
            .map(|(_, e)| e.clone())
    }

    fn keep(&self, key: Key, edition: Arc<Edition>) {
        if let Ok(mut made) = self.made.lock() {
            if made.len() >= MOST_KEPT {
                made.retain(|_, (at, _)| at.elapsed() < KEPT_FOR);
                if made.len() >= MOST_KEPT {
                    made.clear();
                }
            }
            made.insert(key, (Instant::now(), edition));
        }
    }
}

/// The countries an edition for `audience` discloses now (`None`: everything).
async fn told(svc: &DigestService, audience: Audience) -> Option<BTreeSet<String>> {
    match audience {
        Audience::Account => None,
        Audience::Anyone => Some(svc.public.countries(&*svc.projector.read().await)),
    }
}

/// The web edition of `period` in `language` for `audience`; `None` when that period has no
/// digest.
pub async fn edition(
    svc: &DigestService,
    period: Period,
    language: Language,
    audience: Audience,
) -> Result<Option<Arc<Edition>>, DigestError> {
    if let Some(kept) = svc
        .editions
        .get(&(period, language, told(svc, audience).await))
    {
        return Ok(Some(kept));
    }
    let (from, to, composed_at, mut basis) = {
        let model = svc.projector.read().await;
        let Some(d) = model.digests.get(&period.to_string()) else {
            return Ok(None);
        };
        let basis =
            Basis::new(&model, d.composed_at.date_naive(), d.completion.clone()).without_overdue();
        (d.from_position, d.to_position, d.composed_at, basis)
    };
    gather(svc, &mut basis, from, to).await?;
    // The rule is asked of one state of the model, and the edition kept under its answer.
    let (basis, told) = match audience {
        Audience::Account => (basis, None),
        Audience::Anyone => {
            let model = svc.projector.read().await;
            (
                basis.disclosed(&model, &*svc.public),
                Some(svc.public.countries(&model)),
            )
        }
    };
    let reader = Reader {
        countries: &[],
        principles: &[],
        from_position: from,
        t: mail_texts(language),
    };
    let link = |path: &str| svc.settings.link(path);
    let made = Arc::new(Edition {
        period,
        composed_at,
        language,
        changes: compose::changes(&basis, reader, &link),
    });
    svc.editions.keep((period, language, told), made.clone());
    Ok(Some(made))
}

/// The periods with a digest, newest first, at most `limit`.
pub async fn periods(svc: &DigestService, limit: usize) -> Vec<(Period, DateTime<Utc>)> {
    let model = svc.projector.read().await;
    model
        .digests
        .values()
        .rev()
        .filter_map(|d| Some((Period::parse(&d.period).ok()?, d.composed_at)))
        .take(limit)
        .collect()
}

/// Editions in the feed.
pub const FEED_ENTRIES: usize = 20;

/// The Atom feed of the latest editions (RFC 4287), in English, for anyone.
pub async fn atom(svc: &DigestService) -> Result<String, DigestError> {
    let t = mail_texts(Language::En);
    let mut entries = Vec::new();
    for (period, _) in periods(svc, FEED_ENTRIES).await {
        let Some(e) = edition(svc, period, Language::En, Audience::Anyone).await? else {
            continue;
        };
        let url = svc.settings.link(&format!("/digests/{period}"));
        let updated = e.composed_at.fixed_offset();
        entries.push(Entry {
            title: Text::plain(format!("{} {period}", t.digest)),
            id: url.clone(),
            updated,
            published: Some(updated),
            links: vec![Link {
                href: url,
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Link::default()
            }],
            summary: Some(Text::plain(e.changes.summary.clone())),
            content: Some(Content {
                value: Some(e.body_html(&MAIL_STYLES)?),
                content_type: Some("html".into()),
                ..Content::default()
            }),
            ..Entry::default()
        });
    }
    let updated = entries
        .first()
        .map(|e| e.updated)
        .unwrap_or_else(|| DateTime::<Utc>::UNIX_EPOCH.fixed_offset());
    let feed = Feed {
        title: Text::plain(t.digest),
        id: svc.settings.link("/digests.atom"),
        updated,
        authors: vec![Person {
            name: "Safeguards Tracker".into(),
            uri: Some(svc.settings.link("/")),
            ..Person::default()
        }],
        links: vec![
            Link {
                href: svc.settings.link("/digests.atom"),
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Link::default()
            },
            Link {
                href: svc.settings.link("/digests"),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Link::default()
            },
        ],
        subtitle: Some(Text::plain(
            "What changed in the countries putting the Universal DPI Safeguards Framework into practice",
        )),
        entries,
        ..Feed::default()
    };
    Ok(feed.to_string())
}
