//! The Safeguards Tracker's domain: aggregates, their commands and events, the rules between
//! them, the value types that parse, and the framework catalogue shipped as data.
//!
//! Every rule lives in a pure, synchronous `decide(&state, command) -> Result<Vec<Event>>`;
//! the cqrs-es `Aggregate::handle` is a thin shell over it. This crate must never depend on a
//! database driver, an event-store adapter, a web framework, a mail library, a scheduler or a
//! tracing subscriber.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod account;
pub mod catalogue;
pub mod commitment;
pub mod digest;
pub mod engagement;
pub mod error;
pub mod milestone;
pub mod processes;
pub mod reason;
pub mod reminder;
pub mod subscriber;
pub mod upcast;
pub mod values;

pub use error::{Decision, DomainError};

/// The name of a command (`report_progress`, `open`, …), for metrics and logs.
pub trait CommandName {
    fn command_name(&self) -> &'static str;
}

impl<T> CommandName for T
where
    for<'a> &'a T: Into<&'static str>,
{
    fn command_name(&self) -> &'static str {
        self.into()
    }
}

/// Version of every event schema written by this build. Older versions are upcast on load.
pub const EVENT_VERSION: &str = "1.0";

/// The shape of stored aggregate snapshots (the serialized state of an aggregate). Change it
/// whenever an aggregate's state or its `evolve` changes: snapshots of another format are then
/// ignored and histories replayed in full.
pub const SNAPSHOT_FORMAT: &str = "3";

/// Implements `cqrs_es::Aggregate` and `cqrs_es::DomainEvent` over a pure `decide`/`evolve` pair.
macro_rules! event_sourced {
    ($aggregate:ty, $type_name:literal, $command:ty, $event:ty) => {
        impl cqrs_es::DomainEvent for $event {
            fn event_type(&self) -> String {
                let name: &'static str = self.into();
                name.to_string()
            }
            fn event_version(&self) -> String {
                $crate::EVENT_VERSION.to_string()
            }
        }

        impl cqrs_es::Aggregate for $aggregate {
            const TYPE: &'static str = $type_name;
            type Command = $command;
            type Event = $event;
            type Error = $crate::DomainError;
            type Services = ();

            async fn handle(
                &mut self,
                command: Self::Command,
                _services: &(),
                sink: &cqrs_es::event_sink::EventSink<Self>,
            ) -> Result<(), Self::Error> {
                for event in self.decide(command)? {
                    sink.write(event, self).await;
                }
                Ok(())
            }

            fn apply(&mut self, event: Self::Event) {
                self.evolve(event);
            }
        }
    };
}
pub(crate) use event_sourced;

/// Test helper: the state after replaying `events` onto a fresh aggregate.
#[cfg(test)]
pub(crate) fn given<A: cqrs_es::Aggregate>(events: Vec<A::Event>) -> A {
    let mut aggregate = A::default();
    for event in events {
        aggregate.apply(event);
    }
    aggregate
}
