-- The event log. sqlite-es writes the first seven columns and names them in its INSERT.
-- SQLite runs one write transaction at a time, so the AUTOINCREMENT rowid is assigned in
-- commit order: readers follow `position` and never skip an event.
CREATE TABLE events
(
    position       INTEGER PRIMARY KEY AUTOINCREMENT,
    aggregate_type TEXT                          NOT NULL,
    aggregate_id   TEXT                          NOT NULL,
    sequence       INTEGER CHECK (sequence >= 0) NOT NULL,
    event_type     TEXT                          NOT NULL,
    event_version  TEXT                          NOT NULL,
    payload        TEXT                          NOT NULL,
    metadata       TEXT                          NOT NULL,
    -- The business time of the event (metadata `time`).
    recorded_at    TEXT GENERATED ALWAYS AS (json_extract(metadata, '$.time')) VIRTUAL,
    UNIQUE (aggregate_type, aggregate_id, sequence)
) STRICT;

-- Append-only: the log is never updated or deleted in place.
CREATE TRIGGER events_no_update
    BEFORE UPDATE
    ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;

CREATE TRIGGER events_no_delete
    BEFORE DELETE
    ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;

CREATE TABLE snapshots
(
    aggregate_type   TEXT                                  NOT NULL,
    aggregate_id     TEXT                                  NOT NULL,
    last_sequence    INTEGER CHECK (last_sequence >= 0)    NOT NULL,
    current_snapshot INTEGER CHECK (current_snapshot >= 0) NOT NULL,
    payload          TEXT                                  NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
) STRICT;
