-- Security keys and passkeys (WebAuthn), several per user. users.security_keys
-- counts them, kept by the transactions that add and remove them, so that
-- every read of a user knows whether 2FA is on.
CREATE TABLE webauthn_credentials (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id            BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    credential_id      BLOB NOT NULL,
    public_key         BLOB NOT NULL,
    sign_count         BIGINT NOT NULL DEFAULT 0,
    transports         TEXT NOT NULL DEFAULT '',
    flags              INTEGER NOT NULL DEFAULT 0,
    aaguid             BLOB,
    attestation_format TEXT NOT NULL DEFAULT '',
    discoverable       BOOLEAN NOT NULL DEFAULT FALSE,
    added_at           TIMESTAMP NOT NULL,
    last_used_at       TIMESTAMP
);

--bun:split

CREATE UNIQUE INDEX webauthn_credentials_credential_id_idx ON webauthn_credentials (credential_id);

--bun:split

CREATE INDEX webauthn_credentials_user_id_idx ON webauthn_credentials (user_id);

--bun:split

-- A ceremony between its begin and its finish; the finish deletes it, so a
-- challenge works once, on whichever server process the finish reaches.
CREATE TABLE webauthn_ceremonies (
    challenge  TEXT NOT NULL PRIMARY KEY,
    kind       TEXT NOT NULL,
    session_id BIGINT REFERENCES sessions (id) ON DELETE CASCADE,
    user_id    BIGINT REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT NOT NULL DEFAULT '',
    data       BLOB NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

--bun:split

CREATE INDEX webauthn_ceremonies_expires_at_idx ON webauthn_ceremonies (expires_at);

--bun:split

ALTER TABLE users ADD COLUMN security_keys INTEGER NOT NULL DEFAULT 0;

--bun:split

ALTER TABLE accounts ADD COLUMN passkeys_allowed BOOLEAN NOT NULL DEFAULT TRUE;
