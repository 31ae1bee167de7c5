-- The verifiable log (see `ledger` in the projections): the chain's hash after each event,
-- by the event's index in feed order (`ordinal`, the same on every store, unlike `position`).
-- Derived from the feed by one deterministic computation.
CREATE TABLE ledger
(
    ordinal  INTEGER PRIMARY KEY CHECK (ordinal > 0),
    position INTEGER NOT NULL UNIQUE,
    hash     TEXT    NOT NULL
) STRICT;

-- Signed statements "after `ordinal` events the chain's hash was `hash`".
CREATE TABLE ledger_checkpoints
(
    ordinal    INTEGER PRIMARY KEY CHECK (ordinal > 0),
    hash       TEXT NOT NULL,
    signed_at  TEXT NOT NULL,
    signature  TEXT NOT NULL,
    public_key TEXT NOT NULL
) STRICT;
