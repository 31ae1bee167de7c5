//! Upcasting: a stored event written by an older schema version is rewritten, step by step, to
//! the current version before it is decoded. One list serves the event store and the feed.
//!
//! Version 1.0 is the first schema, so [`UPCASTERS`] is empty; a change to an event's shape
//! adds a rewrite here (and a new fixture file), never an edit of stored events.

use serde_json::Value;

use crate::EVENT_VERSION;

/// One step: events of `event_type` at version `from` become version `to`.
#[derive(Debug, Clone, Copy)]
pub struct Upcaster {
    pub aggregate_type: &'static str,
    pub event_type: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    /// Rewrites the stored payload (`{"<EventType>": {…}}`).
    pub rewrite: fn(Value) -> Value,
}

/// The rewrites of this build.
pub static UPCASTERS: &[Upcaster] = &[];

/// The payload of a stored event at the current version, through [`UPCASTERS`].
pub fn upcast(
    aggregate_type: &str,
    event_type: &str,
    version: &str,
    payload: Value,
) -> Result<Value, String> {
    upcast_with(UPCASTERS, aggregate_type, event_type, version, payload)
}

/// As [`upcast`], through the given rewrites.
pub fn upcast_with(
    upcasters: &[Upcaster],
    aggregate_type: &str,
    event_type: &str,
    version: &str,
    mut payload: Value,
) -> Result<Value, String> {
    let mut version = version.to_string();
    let mut steps = 0;
    while version != EVENT_VERSION {
        let step = upcasters
            .iter()
            .find(|u| {
                u.aggregate_type == aggregate_type && u.event_type == event_type && u.from == version
            })
            .ok_or_else(|| {
                format!("no upcaster turns {aggregate_type} {event_type} version {version} into {EVENT_VERSION}")
            })?;
        payload = (step.rewrite)(payload);
        version = step.to.to_string();
        steps += 1;
        if steps > upcasters.len() {
            return Err(format!(
                "the upcasters of {aggregate_type} {event_type} loop"
            ));
        }
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::milestone::MilestoneEvent;

    /// A made-up earlier shape of `ProgressReported`: `progress` instead of `percent`.
    fn rename_progress(mut payload: Value) -> Value {
        if let Some(body) = payload
            .get_mut("ProgressReported")
            .and_then(Value::as_object_mut)
        {
            if let Some(p) = body.remove("progress") {
                body.insert("percent".into(), p);
            }
        }
        payload
    }

    const STEPS: &[Upcaster] = &[
        Upcaster {
            aggregate_type: "milestone",
            event_type: "ProgressReported",
            from: "0.8",
            to: "0.9",
            rewrite: |p| p,
        },
        Upcaster {
            aggregate_type: "milestone",
            event_type: "ProgressReported",
            from: "0.9",
            to: "1.0",
            rewrite: rename_progress,
        },
    ];

    #[test]
    fn an_older_event_loads_through_its_chain_of_upcasters() {
        let stored = json!({"ProgressReported": {"progress": 40, "note": null}});
        let current = upcast_with(STEPS, "milestone", "ProgressReported", "0.8", stored).unwrap();
        let event: MilestoneEvent = serde_json::from_value(current).unwrap();
        assert!(
            matches!(event, MilestoneEvent::ProgressReported { percent, .. } if percent.value() == 40)
        );
    }

    #[test]
    fn a_current_event_passes_unchanged_and_an_unknown_version_is_refused() {
        let p = json!({"MilestoneStarted": {"note": null}});
        assert_eq!(
            upcast("milestone", "MilestoneStarted", "1.0", p.clone()).unwrap(),
            p
        );
        let err = upcast("milestone", "MilestoneStarted", "0.1", p).unwrap_err();
        assert!(err.contains("no upcaster"), "{err}");
    }
}
