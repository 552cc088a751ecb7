-- Accounts (tenants), users, sessions and login events. Times are set by the
-- server's clock, never by column defaults, so tests can fix them.
CREATE TABLE accounts (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    name                 TEXT NOT NULL UNIQUE,
    force_2fa            BOOLEAN NOT NULL DEFAULT FALSE,
    force_2fa_changed_at TIMESTAMP,
    force_2fa_changed_by BIGINT,
    created_at           TIMESTAMP NOT NULL
);

--bun:split

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id          BIGINT NOT NULL REFERENCES accounts (id),
    username            TEXT NOT NULL UNIQUE,
    password_hash       TEXT NOT NULL,
    role                TEXT NOT NULL CHECK (role IN ('user', 'admin')),
    -- TOTP: secrets are AEAD ciphertexts carrying their key id; the pending one
    -- waits for the first code. totp_last_step is the RFC 6238 replay guard.
    totp_secret         BLOB,
    totp_pending_secret BLOB,
    totp_enabled_at     TIMESTAMP,
    totp_last_step      BIGINT NOT NULL DEFAULT 0,
    failed_code_count   INTEGER NOT NULL DEFAULT 0,
    locked_until        TIMESTAMP,
    last_login_at       TIMESTAMP,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);

--bun:split

CREATE INDEX users_account_id_idx ON users (account_id);

--bun:split

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   BLOB NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stage        TEXT NOT NULL CHECK (stage IN ('password_ok', 'enrollment', 'full')),
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    ip           TEXT NOT NULL,
    user_agent   TEXT NOT NULL
);

--bun:split

CREATE INDEX sessions_user_id_idx ON sessions (user_id);

--bun:split

CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

--bun:split

CREATE TABLE login_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TIMESTAMP NOT NULL,
    account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    user_id    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    username   TEXT NOT NULL,
    ip         TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    method     TEXT NOT NULL,
    result     TEXT NOT NULL CHECK (result IN ('success', 'failure')),
    reason     TEXT NOT NULL DEFAULT ''
);

--bun:split

-- Keyset pages: a user's own history and an account's, newest first by id.
CREATE INDEX login_events_user_idx ON login_events (user_id, id DESC);

--bun:split

CREATE INDEX login_events_account_idx ON login_events (account_id, id DESC);

--bun:split

CREATE INDEX login_events_created_at_idx ON login_events (created_at);
