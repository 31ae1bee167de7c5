-- The projector's read model written out whole after the first `events` events of the feed
-- (up to `position`), so that a starting process reads it and folds only the events after it.
-- Derived data (see projections::snapshot): a missing row, one of another `format`, or one
-- that does not read only makes the next start replay the whole log.
CREATE TABLE read_model_snapshots
(
    format   text                        PRIMARY KEY,
    position bigint CHECK (position > 0) NOT NULL,
    events   bigint CHECK (events > 0)   NOT NULL,
    body     bytea                       NOT NULL,
    saved_at timestamptz                 NOT NULL DEFAULT now()
);
