//! `GET /api/v1/catalogue`: the framework's codes, its processes (with their source, version,
//! licence and completeness) and the ISO 3166-1 countries.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use safeguards_domain::catalogue as data;
use safeguards_domain::processes::Processes;
use safeguards_domain::subscriber::Language;
use safeguards_domain::values::{AuthorityCode, DpiSystemType, PrincipleCode, RiskCode, StageCode};
use serde::{Deserialize, Serialize};

use crate::http::error::ApiResult;
use crate::http::extract::ApiQuery;
use crate::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CatalogueBody<'a> {
    /// The language of the names: `ar`, `zh`, `en`, `fr`, `ru` or `es`.
    pub language: Language,
    #[serde(flatten)]
    pub catalogue: &'a data::Catalogue,
    pub processes: &'a Processes,
    pub countries: &'a [data::Country],
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CatalogueQuery {
    /// The language of the names (`ar`, `zh`, `en`, `fr`, `ru`, `es`; default `en`)
    pub lang: Option<Language>,
}

/// The body for a catalogue of processes, its names in `lang`, serialized.
pub fn body(processes: &Processes, lang: Language) -> String {
    let mut catalogue = data::catalogue().clone();
    for (kind, entries) in [
        (PrincipleCode::KIND, &mut catalogue.principles),
        (StageCode::KIND, &mut catalogue.stages),
        (AuthorityCode::KIND, &mut catalogue.authorities),
        (RiskCode::KIND, &mut catalogue.risks),
        (DpiSystemType::KIND, &mut catalogue.dpi_system_types),
    ] {
        for e in entries.iter_mut() {
            match safeguards_texts::term(lang, kind, &e.code) {
                Some(name) if name != e.name => {
                    e.name = name.to_string();
                    e.translated = true;
                }
                _ => {}
            }
        }
    }
    let countries: Vec<data::Country> = data::countries()
        .iter()
        .map(|c| {
            let mut c = c.clone();
            if let Some(name) = safeguards_texts::country(lang, &c.code) {
                c.name = name.to_string();
            }
            c
        })
        .collect();
    serde_json::to_string(&CatalogueBody {
        language: lang,
        catalogue: &catalogue,
        processes,
        countries: &countries,
    })
    .unwrap_or_default()
}

#[utoipa::path(
    get,
    path = "/catalogue",
    operation_id = "catalogue",
    tag = "catalogue",
    summary = "The framework's codes and processes, and the ISO 3166-1 countries, named in a language",
    params(CatalogueQuery),
    responses((status = 200, description = "Catalogue", body = CatalogueBody), crate::api::openapi::ReadProblems)
)]
pub async fn catalogue(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CatalogueQuery>,
) -> ApiResult<impl IntoResponse> {
    let lang = q.lang.unwrap_or_default();
    let at = safeguards_texts::index(lang);
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        state.views.catalogue[at]
            .get_or_init(|| body(state.app.processes(), lang))
            .clone(),
    ))
}
