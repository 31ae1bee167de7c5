//! `/admin/digests`: past periods with their counts, a preview for a set of countries, and
//! this period's digest sent now.

use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use safeguards_app::digests::{self, Sent};
use safeguards_digest::compose::Audience;

use super::super::{message, FormFields, PageError, Signed, Visit};
use crate::AppState;

use super::accounts::country_codes;
use super::{show, Admin};

/// `GET /admin/digests`.
pub async fn digests_page(State(state): State<AppState>, visit: Visit, parts: Parts) -> Response {
    show(state, visit, parts, Admin::Digests).await
}

/// `POST /admin/digests/send`: this period's digest now (nothing is sent twice).
pub async fn send_digest(
    State(state): State<AppState>,
    visit: Visit,
    Signed(_): Signed<FormFields>,
) -> Response {
    let (t, caller) = (visit.t, visit.caller());
    let name = Some(caller.principal.name.clone());
    let back = Some((Admin::Digests.path(), t.back));
    match digests::send_now(&state.app, &caller).await {
        Ok(Sent::Done(r)) => {
            let text = format!(
                "{}: {} {}, {} {}, {} {}.",
                r.period,
                r.delivered,
                t.sent_word,
                r.failed,
                t.failed_word,
                r.pending,
                t.pending_word
            );
            message(t, StatusCode::OK, name, t.send_now, &text, back)
        }
        Ok(Sent::Running { period }) => message(
            t,
            StatusCode::ACCEPTED,
            name,
            t.send_now,
            &format!("{period}: {}", t.still_sending),
            back,
        ),
        Err(e) => PageError::failed(t, name, e)
            .back(Admin::Digests.path(), t.back)
            .into_response(),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct PreviewQuery {
    #[serde(default)]
    countries: String,
}

/// `GET /admin/digests/preview?countries=KEN,BRA`: the digest a subscriber to those countries
/// (all when empty) would receive now.
pub async fn preview_digest(
    State(state): State<AppState>,
    visit: Visit,
    Query(query): Query<PreviewQuery>,
) -> Response {
    let t = visit.t;
    let result = async {
        let countries = country_codes(&query.countries)?;
        digests::preview(&state.app, &visit.who, &countries, Audience::Anyone).await
    }
    .await;
    match result {
        Ok(html) => visit.answer(Html(html).into_response()),
        Err(e) => visit.answer(
            PageError::failed(t, visit.name(), e)
                .back(Admin::Digests.path(), t.back)
                .into_response(),
        ),
    }
}
