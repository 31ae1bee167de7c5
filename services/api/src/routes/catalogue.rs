//! `GET /api/v1/catalogue`: the framework's codes and the ISO 3166-1 countries.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use safeguards_domain::catalogue as data;
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CatalogueBody {
    #[serde(flatten)]
    pub catalogue: data::Catalogue,
    pub countries: Vec<data::Country>,
}

/// The body, serialized once.
static BODY: LazyLock<String> = LazyLock::new(|| {
    serde_json::to_string(&CatalogueBody {
        catalogue: data::catalogue().clone(),
        countries: data::countries().to_vec(),
    })
    .unwrap_or_default()
});

#[utoipa::path(
    get,
    path = "/catalogue",
    operation_id = "catalogue",
    tag = "catalogue",
    summary = "The framework's codes and the ISO 3166-1 countries",
    responses((status = 200, description = "Catalogue", body = CatalogueBody))
)]
pub async fn catalogue() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        BODY.as_str(),
    )
}
