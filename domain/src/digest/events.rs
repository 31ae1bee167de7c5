use serde::{Deserialize, Serialize};

use crate::values::SubscriberId;

/// What happened to a period's digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr)]
pub enum DigestEvent {
    DigestComposed {
        period: String,
        from_position: i64,
        to_position: i64,
        recipients: Vec<SubscriberId>,
    },
    DigestDelivered {
        subscriber: SubscriberId,
        from_position: i64,
        message_id: String,
        attempt: u32,
    },
    DigestDeliveryFailed {
        subscriber: SubscriberId,
        attempt: u32,
        error: String,
        gave_up: bool,
    },
    DigestCompleted {
        delivered: u32,
        failed: u32,
    },
}
