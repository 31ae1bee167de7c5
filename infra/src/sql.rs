//! Every SQL statement of the tracker, in one place: those whose text serves both stores, then
//! those of PostgreSQL and those of SQLite. Nothing outside `infra` (and the migrations) writes
//! SQL; a test of the repository keeps it so.
//!
//! The statements take `$1, $2, …` parameters, which SQLite reads as well as PostgreSQL.

/// The columns of an event row as the feed reads it (decoded by `feed::pg_row` and
/// `feed::sqlite_row`).
pub const EVENT_COLUMNS: &str = "position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at";

/// Statements whose text is the same on both stores.
pub mod both {
    pub const PING: &str = "SELECT 1";

    pub const EVENTS_AFTER_SEQUENCE: &str =
        "SELECT sequence, event_type, event_version, CAST(payload AS TEXT) FROM events
          WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence > $3
          ORDER BY sequence";

    pub const POSITION_OF: &str = "SELECT position FROM events
          WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence = $3";

    pub const HISTORY: &str = "SELECT position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at
           FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence";

    pub const COUNT: &str = "SELECT count(*) FROM events";

    /// The newest committed position, whether or not readers may see it yet (PostgreSQL's
    /// feed waits for older transactions; this does not).
    pub const WRITTEN_HEAD: &str = "SELECT coalesce(max(position), 0) FROM events";

    pub const SNAPSHOT: &str = "SELECT version, state FROM aggregate_snapshots
          WHERE aggregate_type = $1 AND aggregate_id = $2 AND format = $3";

    /// The read model's snapshot of a format (see `projector`).
    pub const MODEL_SNAPSHOT: &str =
        "SELECT position, events, body FROM read_model_snapshots WHERE format = $1";

    /// Save the read model's snapshot, unless one as far along is there (another process).
    pub const SAVE_MODEL_SNAPSHOT: &str =
        "INSERT INTO read_model_snapshots (format, position, events, body) VALUES ($1, $2, $3, $4)
         ON CONFLICT (format) DO UPDATE
            SET position = excluded.position, events = excluded.events, body = excluded.body,
                saved_at = excluded.saved_at
          WHERE read_model_snapshots.position < excluded.position";

    /// Snapshots of other formats: no build of this one reads them.
    pub const DROP_OTHER_MODEL_SNAPSHOTS: &str =
        "DELETE FROM read_model_snapshots WHERE format <> $1";

    /// A country's newest checkpoint of a format all of whose events were recorded before a
    /// time (see `checkpoints`).
    pub const COUNTRY_CHECKPOINT: &str =
        "SELECT position, recorded_until, body FROM country_checkpoints
          WHERE country = $1 AND format = $2 AND recorded_until < $3
          ORDER BY position DESC LIMIT 1";

    pub const SAVE_COUNTRY_CHECKPOINT: &str =
        "INSERT INTO country_checkpoints (country, format, position, recorded_until, body)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (country, format, position) DO UPDATE
            SET recorded_until = excluded.recorded_until, body = excluded.body";

    /// The checkpoints a new one (`$3`, its day beginning at `$4`) makes useless: the earlier
    /// ones of the same day, and those of other formats.
    pub const THIN_COUNTRY_CHECKPOINTS: &str = "DELETE FROM country_checkpoints
          WHERE country = $1
            AND (format <> $2 OR (position < $3 AND recorded_until >= $4))";

    /// The positions of a country's checkpoints, oldest first.
    pub const COUNTRY_CHECKPOINTS: &str =
        "SELECT position FROM country_checkpoints WHERE country = $1 ORDER BY position";

    pub const SAVE_SNAPSHOT: &str =
        "INSERT INTO aggregate_snapshots (aggregate_type, aggregate_id, version, format, state)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE
            SET version = excluded.version, format = excluded.format, state = excluded.state
          WHERE aggregate_snapshots.version < excluded.version
             OR aggregate_snapshots.format <> excluded.format";

    /// One imported event (its position and time are set by the store).
    pub const IMPORT_EVENT: &str = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ($1, $2, $3, $4, $5, $6, $7)";

    pub const CONTACT_BY_HASH: &str =
        "SELECT subscriber_id FROM subscriber_contacts WHERE email_hash = $1";

    /// Keep an address; a second request for it keeps the first id and changes nothing (a
    /// display name is changed by its subscriber alone, [`SET_CONTACT_NAME`]).
    pub const UPSERT_CONTACT: &str = "INSERT INTO subscriber_contacts (subscriber_id, email_hash, email, name) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email_hash) DO UPDATE SET email_hash = excluded.email_hash
         RETURNING subscriber_id";

    pub const SET_CONTACT_NAME: &str =
        "UPDATE subscriber_contacts SET name = $2 WHERE subscriber_id = $1";

    pub const IMPORT_CONTACT: &str = "INSERT INTO subscriber_contacts (subscriber_id, email_hash, email, name) VALUES ($1, $2, $3, $4)";

    pub const CONTACT: &str =
        "SELECT subscriber_id, email, name FROM subscriber_contacts WHERE subscriber_id = $1";

    pub const CONTACTS: &str = "SELECT subscriber_id, email, name FROM subscriber_contacts";

    pub const ERASE_CONTACT: &str = "DELETE FROM subscriber_contacts WHERE subscriber_id = $1";

    /// Keep an account's second-factor secret under a new `key`.
    pub const PUT_SECOND_FACTOR: &str =
        "INSERT INTO second_factors (account_id, key, secret, last_step) VALUES ($1, $2, $3, 0)";

    pub const SECOND_FACTOR: &str =
        "SELECT secret, last_step FROM second_factors WHERE account_id = $1 AND key = $2";

    /// Take a step's code: it holds only if no code of that step or a later one was taken,
    /// so that of two processes given the same code, one accepts it.
    pub const TAKE_STEP: &str = "UPDATE second_factors SET last_step = $3
         WHERE account_id = $1 AND key = $2 AND last_step < $3";

    pub const FORGET_SECOND_FACTOR: &str = "DELETE FROM second_factors WHERE account_id = $1";

    pub const PUT_RECOVERY_CODE: &str =
        "INSERT INTO recovery_codes (account_id, key, code_hash) VALUES ($1, $2, $3)";

    /// Take a recovery code: deleted, it cannot be used again, by this process or another.
    pub const TAKE_RECOVERY_CODE: &str =
        "DELETE FROM recovery_codes WHERE account_id = $1 AND key = $2 AND code_hash = $3";

    pub const FORGET_RECOVERY_CODES: &str = "DELETE FROM recovery_codes WHERE account_id = $1";

    pub const COUNT_RECOVERY_CODES: &str =
        "SELECT count(*) FROM recovery_codes WHERE account_id = $1 AND key = $2";

    pub const RECORD_SIGN_IN: &str =
        "INSERT INTO sign_ins (account_id, generation, method, at) VALUES ($1, $2, $3, $4)";

    /// An account's sign-ins of a token generation since a time, newest first.
    pub const SIGN_INS: &str = "SELECT method, at FROM sign_ins
         WHERE account_id = $1 AND generation = $2 AND at >= $3 ORDER BY at DESC LIMIT 50";

    /// An account's sign-ins older than a time (their sessions have all expired).
    pub const FORGET_SIGN_INS: &str = "DELETE FROM sign_ins WHERE account_id = $1 AND at < $2";

    pub const LEDGER_HEAD: &str =
        "SELECT ordinal, position, hash FROM ledger ORDER BY ordinal DESC LIMIT 1";

    /// The chain's rows after a position, in feed order.
    pub const LEDGER_AFTER: &str = "SELECT ordinal, position, hash FROM ledger
          WHERE position > $1 ORDER BY position LIMIT $2";

    /// The chain's row of an index.
    pub const LEDGER_AT: &str = "SELECT ordinal, position, hash FROM ledger WHERE ordinal = $1";

    pub const SAVE_CHECKPOINT: &str =
        "INSERT INTO ledger_checkpoints (ordinal, hash, signed_at, signature, public_key)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ordinal) DO NOTHING";

    pub const LAST_CHECKPOINT: &str = "SELECT ordinal, hash, signed_at, signature, public_key
           FROM ledger_checkpoints ORDER BY ordinal DESC LIMIT 1";

    /// The newest checkpoints, newest first.
    pub const LATEST_CHECKPOINTS: &str = "SELECT ordinal, hash, signed_at, signature, public_key
           FROM ledger_checkpoints ORDER BY ordinal DESC LIMIT $1";

    /// Checkpoints after an index, oldest first.
    pub const CHECKPOINTS_AFTER: &str = "SELECT ordinal, hash, signed_at, signature, public_key
           FROM ledger_checkpoints WHERE ordinal > $1 ORDER BY ordinal LIMIT $2";
}

/// PostgreSQL's statements.
pub mod pg {
    /// A command's events in one statement; the trigger sets position and time.
    pub const APPEND: &str = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         SELECT $1, $2, s, e, v, p::json, $7::json
           FROM UNNEST($3::int8[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS u(s, e, v, p, n)
          ORDER BY n
         RETURNING position";

    /// The events of several commands (group commit), each row with its own aggregate and
    /// metadata; one statement, so all of them or none.
    pub const APPEND_MANY: &str = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         SELECT t, i, s, e, v, p::json, m::json
           FROM UNNEST($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS u(t, i, s, e, v, p, m, n)
          ORDER BY n
         RETURNING aggregate_type, aggregate_id, sequence, position";

    /// The feed: only rows no running transaction can precede any more (see `feed`).
    pub const READ_AFTER: &str = "SELECT position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at
           FROM events
          WHERE position > $1 AND txid < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY position LIMIT $2";

    pub const HEAD: &str = "SELECT max(position) FROM events
          WHERE txid < pg_snapshot_xmin(pg_current_snapshot())";

    /// The events of a set of aggregates, in feed order: `$1` the types, `$2` the ids.
    /// Each aggregate's events by its key, one index probe each: `OFFSET 0` keeps the planner
    /// from turning the lateral probes into a join over the whole log, which it prefers when
    /// one country holds most of it (measured: 50 ms instead of 7 for 2,000 milestones).
    pub const EVENTS_OF: &str = "SELECT e.position, e.aggregate_type, e.aggregate_id, e.sequence, e.event_type, e.event_version, e.payload, e.metadata, e.recorded_at
           FROM UNNEST($1::text[], $2::text[], $3::bigint[]) AS wanted(t, i, s)
          CROSS JOIN LATERAL (
                SELECT * FROM events
                 WHERE aggregate_type = wanted.t AND aggregate_id = wanted.i AND sequence > wanted.s
                OFFSET 0) e
          WHERE e.txid < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY e.position";

    pub const COPY_ALL: &str = "COPY (SELECT position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at FROM events ORDER BY position) TO STDOUT";

    /// Test and benchmark databases (the name is checked to be a plain identifier first).
    pub fn create_database(name: &str) -> String {
        format!("CREATE DATABASE {name}")
    }
    pub fn drop_database(name: &str) -> String {
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    }

    /// A batch of chain rows: three arrays (ordinals, positions, hashes). Rows another server
    /// wrote first are left as they are (they are the same rows).
    pub const SAVE_LINKS: &str = "INSERT INTO ledger (ordinal, position, hash)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::text[])
         ON CONFLICT (ordinal) DO NOTHING";
}

/// SQLite's statements.
pub mod lite {
    /// The events of one command or several (group commit) in one statement: `rows` groups of
    /// seven values.
    pub fn append_many(rows: usize) -> String {
        let values = vec!["(?, ?, ?, ?, ?, ?, ?)"; rows].join(", ");
        format!(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
             VALUES {values} RETURNING aggregate_type, aggregate_id, sequence, position"
        )
    }

    pub const READ_AFTER: &str = "SELECT position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at
           FROM events WHERE position > $1 ORDER BY position LIMIT $2";

    pub const HEAD: &str = "SELECT max(position) FROM events";

    /// The events of a set of aggregates, in feed order: `$1` a JSON array of
    /// `[type, id]` pairs.
    pub const EVENTS_OF: &str = "SELECT e.position, e.aggregate_type, e.aggregate_id, e.sequence, e.event_type, e.event_version, e.payload, e.metadata, e.recorded_at
           FROM json_each($1) AS wanted
           JOIN events e
             ON e.aggregate_type = json_extract(wanted.value, '$[0]')
            AND e.aggregate_id = json_extract(wanted.value, '$[1]')
            AND e.sequence > json_extract(wanted.value, '$[2]')
          ORDER BY e.position";

    pub const SELECT_ALL: &str = "SELECT position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at FROM events ORDER BY position";

    /// Fold the write-ahead log into the database file (after an erasure, so that deleted rows
    /// are gone from the WAL too).
    pub const CHECKPOINT: &str = "PRAGMA wal_checkpoint(TRUNCATE)";

    /// A batch of chain rows: `$1` a JSON array of `[ordinal, position, hash]`.
    pub const SAVE_LINKS: &str = "INSERT INTO ledger (ordinal, position, hash)
         SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each($1) WHERE true
         ON CONFLICT (ordinal) DO NOTHING";
}

/// The raw statements of `probe`: tests of the store's guarantees and benchmark baselines.
#[cfg(feature = "probe")]
pub mod probe {
    pub const UPDATE_EVENTS: &str = "UPDATE events SET event_type = 'x'";
    pub const DELETE_EVENTS: &str = "DELETE FROM events";
    pub const SNAPSHOT_VERSION: &str =
        "SELECT version FROM aggregate_snapshots WHERE aggregate_type = $1 AND aggregate_id = $2";
    pub const OVERWRITE_SNAPSHOT: &str = "UPDATE aggregate_snapshots SET format = $1, state = $2
          WHERE aggregate_type = $3 AND aggregate_id = $4";
    pub const MODEL_SNAPSHOTS: &str = "SELECT count(*) FROM read_model_snapshots";
    pub const OVERWRITE_COUNTRY_CHECKPOINTS: &str =
        "UPDATE country_checkpoints SET body = $1 WHERE country = $2";
    pub const OVERWRITE_MODEL_SNAPSHOT: &str =
        "UPDATE read_model_snapshots SET format = $1, body = coalesce($2, body)";
    pub const TAKE_TRANSACTION_ID: &str = "SELECT pg_current_xact_id()";
    pub const VACUUM: &str = "VACUUM ANALYZE events";
    pub const BULK_APPEND: &str = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         SELECT t, i, s, e, v, p::json, m::json
           FROM UNNEST($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[], $6::text[], $7::text[])
             AS u(t, i, s, e, v, p, m)";
    pub const BULK_CONTACTS: &str =
        "INSERT INTO subscriber_contacts (subscriber_id, email_hash, email)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[])";
    pub const STORED_ROW: &str =
        "SELECT CAST(payload AS TEXT), CAST(metadata AS TEXT) FROM events WHERE position = $1";
    pub const RAW_APPEND: &str = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ('milestone', $1, $2, 'ProgressReported', '1.0', $3, $4)";
    pub const PGBENCH_TABLE: &str =
        "CREATE TABLE IF NOT EXISTS pgbench_event (payload json NOT NULL, metadata json NOT NULL)";
    pub const PGBENCH_ROW: &str = "INSERT INTO pgbench_event VALUES ($1, $2)";
    /// What the event store sends for a command on an aggregate it has seen before: read the
    /// events after the version it knows, then append the new one in a single statement (which
    /// commits on its own). Each pgbench client keeps its aggregate's version in `known` as the
    /// store keeps it in memory; `run` names the aggregates so that every run starts them
    /// afresh. The payload and metadata are a progress report's, kept in a table of one row
    /// (pgbench would read `:name` inside a literal as a variable).
    pub const PGBENCH_SCRIPT: &str = r#"
SELECT sequence, event_type, event_version, payload FROM events
 WHERE aggregate_type = 'milestone' AND aggregate_id = 'pgbench-' || :run || '-' || :client_id
   AND sequence > :known
 ORDER BY sequence;
INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
  SELECT 'milestone', 'pgbench-' || :run || '-' || :client_id, :known + 1, 'ProgressReported', '1.0', payload, metadata
    FROM pgbench_event
  RETURNING sequence AS known \gset
"#;

    /// A private cluster's primary made to wait for its standby, and whether it does (the
    /// failover test, through `psql`).
    pub const WAIT_FOR_STANDBY: &str = "ALTER SYSTEM SET synchronous_standby_names = 'standby'";
    pub const RELOAD_CONFIGURATION: &str = "SELECT pg_reload_conf()";
    pub const SYNCHRONOUS_STANDBYS: &str =
        "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_columns_are_those_every_feed_statement_selects() {
        for sql in [
            both::HISTORY,
            pg::READ_AFTER,
            lite::READ_AFTER,
            lite::SELECT_ALL,
            pg::COPY_ALL,
        ] {
            assert!(sql.contains(EVENT_COLUMNS), "{sql}");
        }
        assert_eq!(lite::append_many(2).matches('?').count(), 14);
    }
}
