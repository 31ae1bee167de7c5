//! Bodies computed once and shared by every request while the server runs.

/// How many languages a body can be in.
const LANGUAGES: usize =
    <safeguards_domain::subscriber::Language as strum::VariantArray>::VARIANTS.len();

/// The bodies kept between requests.
#[derive(Debug, Default)]
pub struct ViewCache {
    /// `GET /api/v1/catalogue`'s body in each language (in the order of `Language::VARIANTS`):
    /// the catalogue does not change while the server runs.
    pub catalogue: [std::sync::OnceLock<String>; LANGUAGES],
}
