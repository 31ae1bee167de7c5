use std::collections::BTreeMap;

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
        /// Each country's completion (percent) at `to_position`: the figures the next digest
        /// compares with. (Digests composed before it was kept have none.)
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        completion: BTreeMap<String, f64>,
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
    /// The holder keeps the delivery for longer (a slow mail server).
    DeliveryLeaseRenewed {
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
        /// The mail server's words, as deliveries before failure codes recorded them. Never
        /// written now: such replies often quote the recipient's address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
        /// Why, as a code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<Failure>,
        #[serde(default)]
        retry_at: Option<DateTime<Utc>>,
        gave_up: bool,
    },
}

/// What kind of failure a delivery met.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FailureClass {
    /// The mail server refused for now (SMTP 4xx): retried with back-off.
    Transient,
    /// The mail server refused for good (SMTP 5xx).
    Permanent,
    /// The mail server could not be reached or the connection broke: retried.
    Unreachable,
    /// The subscriber's address was erased.
    Erased,
    /// The subscriber unsubscribed.
    Unsubscribed,
    /// The address was refused for good too often and gets no more digests.
    Suppressed,
    /// The address or the message could not be built.
    Unsendable,
}

/// Why a delivery failed, as codes only: the class and the SMTP reply code, if there was one.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub class: FailureClass,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_code: Option<u16>,
}
