use chrono::{DateTime, Utc};

use crate::values::SubscriberId;

use super::Period;

/// What may be asked of a period's digest.
#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum DigestCommand {
    Compose {
        from_position: i64,
        to_position: i64,
        recipients: Vec<SubscriberId>,
    },
    Complete {
        delivered: u32,
        failed: u32,
    },
}

/// A digest command with the period it is about (the aggregate's id).
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodCommand(pub Period, pub DigestCommand);

impl From<&PeriodCommand> for &'static str {
    fn from(command: &PeriodCommand) -> Self {
        (&command.1).into()
    }
}

/// What may be asked of one recipient's delivery.
#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum DeliveryCommand {
    /// Take the delivery for `worker` until `lease_until`.
    Claim {
        period: Period,
        subscriber: SubscriberId,
        worker: String,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    },
    Deliver {
        message_id: String,
        from_position: i64,
        to_position: i64,
    },
    Fail {
        failure: super::Failure,
        retry_at: Option<DateTime<Utc>>,
        give_up: bool,
    },
}
