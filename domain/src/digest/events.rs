use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::values::SubscriberId;

/// What happened to a period's digest.
#[derive(
    Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantNames,
)]
pub enum DigestEvent {
    DigestComposed {
        period: String,
        from_position: i64,
        to_position: i64,
        recipients: Vec<SubscriberId>,
    },
    DigestCompleted {
        delivered: u32,
        failed: u32,
    },
}

/// What happened to one recipient's delivery of a digest.
#[derive(
    Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantNames,
)]
pub enum DeliveryEvent {
    DeliveryClaimed {
        period: String,
        subscriber: SubscriberId,
        worker: String,
        attempt: u32,
        lease_until: DateTime<Utc>,
    },
    DigestDelivered {
        message_id: String,
        from_position: i64,
        to_position: i64,
        attempt: u32,
    },
    DeliveryFailed {
        attempt: u32,
        error: String,
        #[serde(default)]
        retry_at: Option<DateTime<Utc>>,
        gave_up: bool,
    },
}
