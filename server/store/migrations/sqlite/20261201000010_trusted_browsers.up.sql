-- "Trust this browser" at the second step: how many days an account lets a
-- browser skip the code (0: never; the app offers 7 and 30).
ALTER TABLE accounts ADD COLUMN remember_browser_days INTEGER NOT NULL DEFAULT 0 CHECK (remember_browser_days IN (0, 7, 30));

--bun:split

-- Browsers a user trusted at the second step: only the SHA-256 of the
-- browser's token is kept, and each is bound to one user.
CREATE TABLE trusted_browsers (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   BLOB NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    ip           TEXT NOT NULL,
    user_agent   TEXT NOT NULL
);

--bun:split

CREATE INDEX trusted_browsers_user_id_idx ON trusted_browsers (user_id);
