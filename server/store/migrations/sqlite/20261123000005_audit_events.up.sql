-- Administrators' actions and users' security changes, for the audit log.
CREATE TABLE audit_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at      TIMESTAMP NOT NULL,
    account_id      BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    actor_id        BIGINT REFERENCES users (id) ON DELETE SET NULL,
    actor_name      TEXT NOT NULL,
    action          TEXT NOT NULL,
    target_id       BIGINT REFERENCES users (id) ON DELETE SET NULL,
    target_name     TEXT NOT NULL DEFAULT '',
    ip              TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT ''
);

--bun:split

CREATE INDEX audit_events_account_idx ON audit_events (account_id, id DESC);
