//! `/engagements/new`: open an engagement with a country, picked from the ISO 3166-1 list.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use safeguards_app::{engagements, may, Action};

use super::{message, render, Field, FormView, PageForms, Refused, Viewer, Visit};
use crate::web::i18n::Texts;
use crate::AppState;

#[derive(Template)]
#[template(path = "engagement_new.html")]
struct NewEngagementPage {
    t: &'static Texts,
    user: Option<String>,
    forms: PageForms,
}

/// `GET /engagements/new`.
pub async fn new_engagement(State(state): State<AppState>, visit: Visit) -> Response {
    let viewer = visit.viewer(&state);
    visit.answer(page(&state, &viewer, StatusCode::OK, None).await)
}

/// The page, for a user who may open engagements (else a page saying they may not).
pub(super) async fn page(
    state: &AppState,
    viewer: &Viewer<'_>,
    status: StatusCode,
    refused: Option<Refused<'_>>,
) -> Response {
    let t = viewer.t;
    if !may(viewer.who, Action::ManageEngagement, None) {
        return message(
            t,
            StatusCode::FORBIDDEN,
            Some(viewer.who.name.clone()),
            t.open_engagement,
            t.may_not,
            Some(("/", t.back)),
        );
    }
    let open: Vec<(String, String)> = engagements::not_engaged_yet(&state.app)
        .await
        .into_iter()
        .map(|(code, name)| {
            let label = format!("{} ({code})", t.country_or(&code, name));
            (code, label)
        })
        .collect();
    let today = state.app.clock().today();
    let form = FormView::new(
        "engagements",
        t.open_engagement,
        vec![
            Field::new("country", t.col_country, "text").choices(open),
            Field::new("lead", t.lead_label, "text"),
            Field::new("started_on", t.started_on, "date").with_value(today.to_string()),
        ],
    );
    render(
        status,
        NewEngagementPage {
            t,
            user: Some(viewer.who.name.clone()),
            forms: PageForms::new(viewer, vec![form], None, refused),
        },
    )
}
