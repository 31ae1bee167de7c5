-- The state of an aggregate after its first `version` events, so that a long history loads
-- from the snapshot and the events after it. Derived data, written by the event store (see
-- infra): a missing or unreadable row only makes the next load replay the whole history.
-- `format` names the shape of `state`; rows of another format are ignored.
CREATE TABLE aggregate_snapshots
(
    aggregate_type text                          NOT NULL,
    aggregate_id   text                          NOT NULL,
    version        bigint CHECK (version > 0)    NOT NULL,
    format         text                          NOT NULL,
    state          text                          NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id)
);
