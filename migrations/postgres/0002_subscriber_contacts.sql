-- Personal data of subscribers lives here, outside the append-only log, so that erasure can
-- delete it. The log keeps only the pseudonymous subscriber id.
CREATE TABLE subscriber_contacts
(
    subscriber_id text PRIMARY KEY,
    -- HMAC of the normalised address with the server's secret: finds a subscriber by address
    -- without keeping the address in an index anyone could enumerate.
    email_hash    text        NOT NULL UNIQUE,
    email         text        NOT NULL,
    name          text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
