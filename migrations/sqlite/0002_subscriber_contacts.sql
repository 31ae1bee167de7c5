-- Personal data of subscribers lives here, outside the append-only log, so that erasure can
-- delete it. The log keeps only the pseudonymous subscriber id.
CREATE TABLE subscriber_contacts
(
    subscriber_id TEXT PRIMARY KEY,
    email_hash    TEXT NOT NULL UNIQUE,
    email         TEXT NOT NULL,
    name          TEXT,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
