//! Generated data, written in bulk: commands are decided by the real aggregates in memory and
//! their events inserted many rows per statement, so a million events take seconds, not hours.
//! The rows are exactly what the event store would have written for the same commands.

use chrono::{DateTime, SecondsFormat, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use safeguards_domain::values::Actor;
use safeguards_domain::DomainError;
use sqlx::PgPool;

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
    pool: PgPool,
    metadata: String,
    types: Vec<String>,
    ids: Vec<String>,
    sequences: Vec<i64>,
    event_types: Vec<String>,
    versions: Vec<String>,
    payloads: Vec<String>,
    metas: Vec<String>,
    pub written: u64,
}

impl Bulk {
    pub fn new(pool: PgPool, time: DateTime<Utc>) -> Self {
        let metadata = serde_json::json!({
            "actor": Actor::System.as_metadata(),
            "correlation_id": "bench",
            "time": time.to_rfc3339_opts(SecondsFormat::Micros, true),
        })
        .to_string();
        Self {
            pool,
            metadata,
            types: Vec::new(),
            ids: Vec::new(),
            sequences: Vec::new(),
            event_types: Vec::new(),
            versions: Vec::new(),
            payloads: Vec::new(),
            metas: Vec::new(),
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
            self.types.push(A::TYPE.to_string());
            self.ids.push(stream.id.clone());
            self.sequences.push(stream.version);
            self.event_types.push(event.event_type());
            self.versions.push(event.event_version());
            self.payloads.push(serde_json::to_string(&event)?);
            self.metas.push(self.metadata.clone());
        }
        if self.types.len() >= BATCH {
            self.flush().await?;
        }
        Ok(())
    }

    /// Insert everything buffered.
    pub async fn flush(&mut self) -> anyhow::Result<()> {
        if self.types.is_empty() {
            return Ok(());
        }
        let done = sqlx::query(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
             SELECT t, i, s, e, v, p::json, m::json
               FROM UNNEST($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[], $6::text[], $7::text[])
                 AS u(t, i, s, e, v, p, m)",
        )
        .bind(std::mem::take(&mut self.types))
        .bind(std::mem::take(&mut self.ids))
        .bind(std::mem::take(&mut self.sequences))
        .bind(std::mem::take(&mut self.event_types))
        .bind(std::mem::take(&mut self.versions))
        .bind(std::mem::take(&mut self.payloads))
        .bind(std::mem::take(&mut self.metas))
        .execute(&self.pool)
        .await?;
        self.written += done.rows_affected();
        Ok(())
    }
}
