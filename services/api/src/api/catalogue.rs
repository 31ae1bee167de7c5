//! `GET /api/v1/catalogue`: the framework's codes, its processes (with their source, version,
//! licence and completeness) and the ISO 3166-1 countries.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use safeguards_domain::catalogue as data;
use safeguards_domain::processes::Processes;
use serde::Serialize;

use crate::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CatalogueBody<'a> {
    #[serde(flatten)]
    pub catalogue: &'a data::Catalogue,
    pub processes: &'a Processes,
    pub countries: &'a [data::Country],
}

/// The body for a catalogue of processes, serialized.
pub fn body(processes: &Processes) -> String {
    serde_json::to_string(&CatalogueBody {
        catalogue: data::catalogue(),
        processes,
        countries: data::countries(),
    })
    .unwrap_or_default()
}

#[utoipa::path(
    get,
    path = "/catalogue",
    operation_id = "catalogue",
    tag = "catalogue",
    summary = "The framework's codes and processes, and the ISO 3166-1 countries",
    responses((status = 200, description = "Catalogue", body = CatalogueBody))
)]
pub async fn catalogue(State(state): State<AppState>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        state
            .views
            .catalogue
            .get_or_init(|| body(state.app.processes()))
            .clone(),
    )
}
