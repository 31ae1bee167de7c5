//! Subscribers' personal data, kept outside the event log (stored by `infra`).

pub use safeguards_infra::contacts::*;
