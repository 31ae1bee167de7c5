use crate::values::SubscriberId;

/// What may be asked of a period's digest.
#[derive(Debug, Clone, PartialEq)]
pub enum DigestCommand {
    Compose {
        from_position: i64,
        to_position: i64,
        recipients: Vec<SubscriberId>,
    },
    RecordDelivery {
        subscriber: SubscriberId,
        /// The position after which this subscriber's changes were reported.
        from_position: i64,
        message_id: String,
        attempt: u32,
    },
    RecordFailure {
        subscriber: SubscriberId,
        attempt: u32,
        error: String,
        give_up: bool,
    },
    Complete,
}
