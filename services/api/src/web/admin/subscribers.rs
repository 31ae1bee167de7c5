//! `/admin/subscribers`: every subscriber, and erasure of one's personal data.

use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::response::Response;
use safeguards_app::subscriptions::{self, SubscriberOut};
use safeguards_app::{AppError, Caller};
use safeguards_domain::values::SubscriberId;

use super::super::{FormFields, FormView, Signed, Visit};
use crate::web::i18n::Texts;
use crate::AppState;

use super::{run, show, Admin};

/// `GET /admin/subscribers`.
pub async fn subscribers_page(
    State(state): State<AppState>,
    visit: Visit,
    parts: Parts,
) -> Response {
    show(state, visit, parts, Admin::Subscribers).await
}

/// The forms of the subscribers page.
pub(super) fn forms(t: &'static Texts, subscribers: &[SubscriberOut]) -> Vec<FormView> {
    subscribers
        .iter()
        .map(|s| FormView::new(format!("{}/erase", s.id), t.erase, vec![]).secondary())
        .collect()
}

admin_form! {
    /// `POST /admin/subscribers/{id}/erase`: the subscriber's personal data is erased.
    erase_subscriber, Admin::Subscribers, "erase", |state, form, caller, raw| {
        let id = SubscriberId::parse(&raw).map_err(|_| AppError::not_found("no such subscriber"))?;
        subscriptions::erase(&state.app, caller, id).await?;
    }
}
