use std::collections::BTreeMap;

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
        /// Each country's completion (percent) at `to_position`.
        completion: BTreeMap<String, f64>,
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

/// Who holds a delivery: the worker and the attempt of its claim. Renewing and recording need
/// the current one; a holder whose lease ran out and whose delivery was claimed again is
/// refused (a fencing token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub worker: String,
    pub attempt: u32,
}

/// What may be asked of one recipient's delivery.
#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum DeliveryCommand {
    /// Take the delivery for `worker` from `now` until `lease_until`.
    Claim {
        period: Period,
        subscriber: SubscriberId,
        worker: String,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    },
    /// Keep holding it, until `lease_until`.
    Renew {
        holder: Holder,
        lease_until: DateTime<Utc>,
    },
    Deliver {
        holder: Holder,
        message_id: String,
        from_position: i64,
        to_position: i64,
    },
    Fail {
        holder: Holder,
        failure: super::Failure,
        retry_at: Option<DateTime<Utc>>,
        give_up: bool,
    },
}
