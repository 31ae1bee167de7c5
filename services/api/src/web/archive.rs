//! The digest's archive: the list of editions, each edition, and the Atom feed. An edition
//! holds nothing about any subscriber. Signed-in readers see every edition whole. Without a
//! sign-in the archive is one of the public pages: served only where they are on
//! (`SAFEGUARDS_PUBLIC_PAGES`), else answered like a page that does not exist, and then
//! telling only what the publication rule lets out (`safeguards_app::publication::Public`):
//! published countries, no reasons, evidence of verified milestones. The feed is for anyone.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use safeguards_app::{digests, AppError};
use safeguards_digest::compose::WEB_STYLES;
use safeguards_digest::texts::mail_texts;
use safeguards_domain::digest::Period;

use super::public::off;
use super::{message, not_found, render, Visit};
use crate::http::error::ApiError;
use crate::web::i18n::{self, Texts};
use crate::AppState;

/// An edition of the archive: its period and the day it was composed.
struct Edition {
    period: String,
    composed_on: String,
}

#[derive(Template)]
#[template(path = "archive.html")]
struct ArchivePage {
    t: &'static Texts,
    user: Option<String>,
    editions: Vec<Edition>,
}

/// `GET /digests`: every edition, newest first.
pub async fn archive(
    State(state): State<AppState>,
    visit: Option<Visit>,
    parts: Parts,
) -> Response {
    let (lang, chosen) = i18n::language(&parts);
    let t = i18n::texts(lang);
    let name = visit.map(|v| v.who.name);
    if name.is_none() && !state.public_pages {
        return i18n::remember(off(t), lang, chosen);
    }
    let mail = mail_texts(lang);
    let editions = digests::archive(&state.app)
        .await
        .into_iter()
        .map(|(p, at): (Period, DateTime<Utc>)| Edition {
            period: p.to_string(),
            composed_on: mail.day(at.date_naive()),
        })
        .collect();
    let page = render(
        StatusCode::OK,
        ArchivePage {
            t,
            user: name,
            editions,
        },
    );
    i18n::remember(page, lang, chosen)
}

#[derive(Template)]
#[template(path = "edition.html")]
struct EditionPage<'a> {
    t: &'static Texts,
    user: Option<String>,
    title: String,
    composed: String,
    body: &'a str,
    /// The log's newest signed checkpoint, to check the record the edition reports on.
    checkpoint: Option<safeguards_projections::ledger::Checkpoint>,
}

/// `GET /digests/{period}`: a period's digest for everyone, in the page's language.
pub async fn edition(
    State(state): State<AppState>,
    visit: Option<Visit>,
    parts: Parts,
    Path(period): Path<String>,
) -> Response {
    let (lang, chosen) = i18n::language(&parts);
    let t = i18n::texts(lang);
    let who = visit.map(|v| v.who);
    if who.is_none() && !state.public_pages {
        return i18n::remember(off(t), lang, chosen);
    }
    let audience = digests::audience(who.as_ref());
    let name = who.map(|p| p.name);
    let Ok(period) = Period::parse(&period) else {
        return not_found(t, name, t.archive_missing);
    };
    let made = digests::edition(&state.app, period, lang.language, audience)
        .await
        .and_then(|e| {
            Ok((
                e.body_html(&WEB_STYLES)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                e,
            ))
        });
    let page = match made {
        Ok((body, e)) => {
            let mail = mail_texts(lang);
            let checkpoint = safeguards_app::ledger::latest(&state.app, 1)
                .await
                .ok()
                .and_then(|mut c| c.pop());
            render(
                StatusCode::OK,
                EditionPage {
                    t,
                    user: name,
                    title: format!("{} {period}", mail.digest),
                    composed: mail.day(e.composed_at.date_naive()),
                    body: &body,
                    checkpoint,
                },
            )
        }
        Err(AppError::NotFound(_)) => not_found(t, name, t.archive_missing),
        Err(e) => {
            let e = ApiError::from(e);
            message(t, e.status, name, t.sub_went_wrong, t.sub_try_again, None)
        }
    };
    i18n::remember(page, lang, chosen)
}

/// `GET /digests.atom`: the latest editions as an Atom feed, for anyone (public pages on).
pub async fn atom(State(state): State<AppState>, parts: Parts) -> Response {
    if !state.public_pages {
        let (lang, _) = i18n::language(&parts);
        return off(i18n::texts(lang));
    }
    match digests::atom(&state.app).await {
        Ok(xml) => (
            [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
            xml,
        )
            .into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}
