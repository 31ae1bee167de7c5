-- The event log. postgres-es writes the first seven columns and names them in its INSERT;
-- the rest are filled in by the trigger below.
CREATE TABLE events
(
    aggregate_type text                         NOT NULL,
    aggregate_id   text                         NOT NULL,
    sequence       bigint CHECK (sequence >= 0) NOT NULL,
    event_type     text                         NOT NULL,
    event_version  text                         NOT NULL,
    payload        json                         NOT NULL,
    metadata       json                         NOT NULL,
    -- Global position: the writing transaction's id in the high bits, the event's rank within
    -- that transaction in the low 24 bits. Readers only take rows whose transaction is older
    -- than every transaction still running (see `feed` in infra), so positions are read in
    -- strictly increasing order and none is skipped, although transactions commit out of order.
    position       bigint                       NOT NULL,
    txid           xid8                         NOT NULL,
    -- The business time of the event (metadata `time`), defaulting to the insert time.
    recorded_at    timestamptz                  NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);

CREATE UNIQUE INDEX events_position ON events (position);

CREATE FUNCTION events_before_insert() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    rank bigint;
BEGIN
    rank := coalesce(nullif(current_setting('safeguards.events_in_tx', true), ''), '0')::bigint + 1;
    IF rank >= 16777216 THEN
        RAISE EXCEPTION 'more than 16777215 events in one transaction';
    END IF;
    PERFORM set_config('safeguards.events_in_tx', rank::text, true);
    NEW.txid := pg_current_xact_id();
    NEW.position := (NEW.txid::text::bigint << 24) | rank;
    NEW.recorded_at := coalesce((NEW.metadata ->> 'time')::timestamptz, now());
    RETURN NEW;
END
$$;

CREATE TRIGGER events_before_insert
    BEFORE INSERT
    ON events
    FOR EACH ROW
EXECUTE FUNCTION events_before_insert();

-- Append-only: the log is never updated or deleted in place.
CREATE FUNCTION events_append_only() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'the event log is append-only';
END
$$;

CREATE TRIGGER events_append_only
    BEFORE UPDATE OR DELETE
    ON events
    FOR EACH ROW
EXECUTE FUNCTION events_append_only();

-- Required by postgres-es's repository API; snapshots are written by our own store (see infra).
CREATE TABLE snapshots
(
    aggregate_type   text                                 NOT NULL,
    aggregate_id     text                                 NOT NULL,
    last_sequence    bigint CHECK (last_sequence >= 0)    NOT NULL,
    current_snapshot bigint CHECK (current_snapshot >= 0) NOT NULL,
    payload          json                                 NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
);
