-- E-mail verification. users.email is now an address its owner confirmed,
-- the only one mail goes to; a new address waits in email_pending until the
-- link mailed to it is opened. The addresses set before this were never
-- confirmed: they wait too (a Resend mails their link).
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMP;

--bun:split

ALTER TABLE users ADD COLUMN email_pending TEXT;

--bun:split

UPDATE users SET email_pending = email, email = NULL WHERE email IS NOT NULL;

--bun:split

-- One row per confirmation link asked for (a change to a new address, or a
-- Resend), kept a few days so that the links of the last hour can be
-- counted. The token is made when its mail is sent and only its SHA-256 is
-- kept; spent_at is set when it is used or replaced by a newer link.
CREATE TABLE email_confirmations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    address    TEXT NOT NULL,
    origin     TEXT NOT NULL DEFAULT '',
    token_hash BLOB,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    spent_at   TIMESTAMP
);

--bun:split

CREATE UNIQUE INDEX email_confirmations_token_idx ON email_confirmations (token_hash);

--bun:split

CREATE INDEX email_confirmations_user_idx ON email_confirmations (user_id, created_at);

--bun:split

-- A confirmation link's mail: the outbox row names the link its sender
-- makes the token for.
ALTER TABLE mail_outbox ADD COLUMN confirmation_id BIGINT REFERENCES email_confirmations (id) ON DELETE CASCADE;

--bun:split

-- Mail sent per recipient and day, counted by the senders of every server
-- process together: key is a class ("all" or "link") and a hash of the
-- recipient's address, window_start the start of its day.
CREATE TABLE mail_quotas (
    key          TEXT NOT NULL PRIMARY KEY,
    window_start TIMESTAMP NOT NULL,
    sent         INTEGER NOT NULL
);

--bun:split

CREATE INDEX mail_quotas_window_idx ON mail_quotas (window_start);
