//! Generated data, written in bulk: commands are decided by the real aggregates in memory and
//! their events inserted many rows per statement, so a million events take seconds, not hours.
//! The rows are exactly what the event store would have written for the same commands.

use chrono::{DateTime, SecondsFormat, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use safeguards_domain::values::Actor;
use safeguards_domain::DomainError;
use safeguards_infra::probe::{self, Rows};
use safeguards_infra::Database;

/// Rows per INSERT.
const BATCH: usize = 10_000;

/// One aggregate being generated: its state and version.
#[derive(Debug)]
pub struct Stream<A> {
    pub id: String,
    pub state: A,
    pub version: i64,
}

impl<A: Aggregate> Stream<A> {
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            state: A::default(),
            version: 0,
        }
    }
}

/// Buffers events and inserts them into a PostgreSQL event log in large statements.
#[derive(Debug)]
pub struct Bulk {
    db: Database,
    metadata: String,
    rows: Rows,
    pub written: u64,
}

impl Bulk {
    pub fn new(db: Database, time: DateTime<Utc>) -> Self {
        let metadata = serde_json::json!({
            "actor": Actor::System.as_metadata(),
            "correlation_id": "bench",
            "time": time.to_rfc3339_opts(SecondsFormat::Micros, true),
        })
        .to_string();
        Self {
            db,
            metadata,
            rows: Rows::default(),
            written: 0,
        }
    }

    /// Decide `command` on the stream's aggregate and buffer the events it yields.
    pub async fn record<A>(
        &mut self,
        stream: &mut Stream<A>,
        command: A::Command,
    ) -> anyhow::Result<()>
    where
        A: Aggregate<Error = DomainError, Services = ()>,
    {
        let sink = EventSink::default();
        stream.state.handle(command, &(), &sink).await?;
        for event in sink.collect().await {
            stream.version += 1;
            self.rows.types.push(A::TYPE.to_string());
            self.rows.ids.push(stream.id.clone());
            self.rows.sequences.push(stream.version);
            self.rows.event_types.push(event.event_type());
            self.rows.versions.push(event.event_version());
            self.rows.payloads.push(serde_json::to_string(&event)?);
            self.rows.metadata.push(self.metadata.clone());
        }
        if self.rows.types.len() >= BATCH {
            self.flush().await?;
        }
        Ok(())
    }

    /// Insert everything buffered.
    pub async fn flush(&mut self) -> anyhow::Result<()> {
        if self.rows.types.is_empty() {
            return Ok(());
        }
        self.written += probe::bulk_append(&self.db, std::mem::take(&mut self.rows)).await?;
        Ok(())
    }
}
