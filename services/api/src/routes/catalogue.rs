//! `GET /api/v1/catalogue`: the framework's codes and the ISO 3166-1 countries.

use axum::Json;
use safeguards_domain::catalogue as data;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct CatalogueBody {
    #[serde(flatten)]
    pub catalogue: &'static data::Catalogue,
    pub countries: &'static [data::Country],
}

pub async fn catalogue() -> Json<CatalogueBody> {
    Json(CatalogueBody {
        catalogue: data::catalogue(),
        countries: data::countries(),
    })
}
