-- The verifiable log (see `ledger` in the projections): the chain's hash after each event,
-- by the event's index in feed order (`ordinal`, the same on every store, unlike `position`).
-- Derived from the feed by one deterministic computation, so two servers writing it write the
-- same rows.
CREATE TABLE ledger
(
    ordinal  bigint PRIMARY KEY CHECK (ordinal > 0),
    position bigint NOT NULL UNIQUE,
    hash     text   NOT NULL
);

-- Signed statements "after `ordinal` events the chain's hash was `hash`".
CREATE TABLE ledger_checkpoints
(
    ordinal    bigint PRIMARY KEY CHECK (ordinal > 0),
    hash       text NOT NULL,
    signed_at  text NOT NULL,
    signature  text NOT NULL,
    public_key text NOT NULL
);
