-- The secrets of second factors, their recovery codes and the record of sign-ins live here,
-- outside the append-only log and its exports: the log says only that a factor was enrolled,
-- used or reset. A secret counts only while its `key` is the one the account's events name.
CREATE TABLE second_factors
(
    account_id text   NOT NULL,
    key        text   NOT NULL,
    -- The TOTP secret, base32.
    secret     text   NOT NULL,
    -- The newest 30-second step whose code was accepted: a code is good once.
    last_step  bigint NOT NULL DEFAULT 0,
    -- An enrolment not yet confirmed leaves a row under a key no event names: harmless.
    PRIMARY KEY (account_id, key)
);

-- One-use recovery codes, as SHA-256 hex of the code (random, 50 bits each).
CREATE TABLE recovery_codes
(
    account_id text NOT NULL,
    key        text NOT NULL,
    code_hash  text NOT NULL,
    PRIMARY KEY (account_id, key, code_hash)
);

-- Every sign-in: when (seconds since 1970, UTC), how, and the token generation it opened a
-- session in (a session lives while its generation is the account's and for 12 hours).
CREATE TABLE sign_ins
(
    account_id text    NOT NULL,
    generation bigint  NOT NULL,
    method     text    NOT NULL,
    at         bigint  NOT NULL
);
CREATE INDEX sign_ins_by_account ON sign_ins (account_id, at);
