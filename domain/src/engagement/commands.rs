use chrono::NaiveDate;

use crate::values::{AuthorityCode, CountryCode, DpiSystemType, StageCode, Text, Title};

use super::{ActivityKind, EngagementStatus};

/// What may be asked of an engagement. Values arrive already parsed.
#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum EngagementCommand {
    Open {
        country: CountryCode,
        lead: Title,
        started_on: NaiveDate,
        dpi_systems: Vec<(DpiSystemType, StageCode)>,
    },
    AddDpiSystem {
        system: DpiSystemType,
        stage: StageCode,
    },
    MoveDpiSystem {
        system: DpiSystemType,
        stage: StageCode,
    },
    RecordActivity {
        kind: ActivityKind,
        title: Title,
        held_on: NaiveDate,
        authorities: Vec<AuthorityCode>,
        note: Option<Text>,
    },
    ChangeStatus {
        status: EngagementStatus,
        reason: Option<Text>,
    },
    /// Make the engagement's record public (the public pages and the open dataset).
    Publish,
    /// Take it off the public pages and out of the next dataset versions.
    Unpublish { reason: Option<Text> },
}
