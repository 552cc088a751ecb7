-- A one-time password (the first administrator's generated one, or one an
-- administrator set) must be replaced at its first use, in a session of the
-- stage password_change. SQLite cannot change a CHECK constraint in place:
-- sessions is rebuilt with the new stage allowed, as its PostgreSQL twin,
-- with every column of the earlier migrations (new_browser: 000020).
ALTER TABLE users ADD COLUMN password_must_change BOOLEAN NOT NULL DEFAULT FALSE;

--bun:split

CREATE TABLE sessions_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   BLOB NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stage        TEXT NOT NULL CHECK (stage IN ('password_ok', 'enrollment', 'full', 'password_change')),
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    ip           TEXT NOT NULL,
    user_agent   TEXT NOT NULL,
    reauth_at    TIMESTAMP,
    new_browser  BOOLEAN NOT NULL DEFAULT FALSE
);

--bun:split

INSERT INTO sessions_new (id, token_hash, user_id, stage, created_at, last_seen_at, expires_at, ip, user_agent, reauth_at, new_browser)
SELECT id, token_hash, user_id, stage, created_at, last_seen_at, expires_at, ip, user_agent, reauth_at, new_browser FROM sessions;

--bun:split

DROP TABLE sessions;

--bun:split

ALTER TABLE sessions_new RENAME TO sessions;

--bun:split

CREATE INDEX sessions_user_id_idx ON sessions (user_id);

--bun:split

CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
