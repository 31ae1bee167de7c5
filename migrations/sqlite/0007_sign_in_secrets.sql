-- The secrets of second factors, their recovery codes and the record of sign-ins live here,
-- outside the append-only log and its exports (see the PostgreSQL migration).
CREATE TABLE second_factors
(
    account_id TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    secret     TEXT    NOT NULL,
    last_step  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, key)
) STRICT;

CREATE TABLE recovery_codes
(
    account_id TEXT NOT NULL,
    key        TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    PRIMARY KEY (account_id, key, code_hash)
) STRICT;

CREATE TABLE sign_ins
(
    account_id TEXT    NOT NULL,
    generation INTEGER NOT NULL,
    method     TEXT    NOT NULL,
    at         INTEGER NOT NULL
) STRICT;
CREATE INDEX sign_ins_by_account ON sign_ins (account_id, at);
