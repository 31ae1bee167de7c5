-- A country's part of the read model (its engagement, commitments and milestones folded from
-- their events up to `position`), so that progress "as of the end of a day" folds only the
-- events after the newest checkpoint recorded before then. `recorded_until` is the newest
-- time of the events it holds (microseconds since 1970, UTC). Derived data (see
-- infra::checkpoints): a missing row, one of another `format`, or one that does not read only
-- makes that answer fold more of the log.
CREATE TABLE country_checkpoints
(
    country        text                        NOT NULL,
    format         text                        NOT NULL,
    position       bigint CHECK (position > 0) NOT NULL,
    recorded_until bigint                      NOT NULL,
    body           bytea                       NOT NULL,
    PRIMARY KEY (country, format, position)
);
