-- Security notices: what happened to a user's account, for the user. Each is
-- written in the transaction of the event it tells of, so it exists exactly
-- when the event does.
CREATE TABLE notices (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      TIMESTAMP NOT NULL,
    kind            TEXT NOT NULL,
    ip              TEXT NOT NULL DEFAULT '',
    device          TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT '',
    read_at         TIMESTAMP
);

--bun:split

CREATE INDEX notices_user_idx ON notices (user_id, id DESC);

--bun:split

-- A user's e-mail address for notices; NULL: none.
ALTER TABLE users ADD COLUMN email TEXT;

--bun:split

-- Set at the password step of a login from a browser and IP the user has not
-- logged in from before, so the step that completes the login tells them.
ALTER TABLE sessions ADD COLUMN new_browser BOOLEAN NOT NULL DEFAULT FALSE;

--bun:split

-- Mail to send, written with its notice in the same transaction; a background
-- sender claims rows (claimed_until), sends them and deletes them, or sets
-- next_attempt_at further out after a failure.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    notice_id       BIGINT NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    to_address      TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until   TIMESTAMP,
    last_error      TEXT NOT NULL DEFAULT ''
);

--bun:split

CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at);
