//! Bodies computed once and shared by every request while the server runs.

/// The bodies kept between requests.
#[derive(Debug, Default)]
pub struct ViewCache {
    /// `GET /api/v1/catalogue`'s body: the catalogue does not change while the server runs.
    pub catalogue: std::sync::OnceLock<String>,
}
