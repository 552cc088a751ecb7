-- A passkey sign-in keeps its ceremony in the browser, sealed in a cookie,
-- so that a begin (open to anyone) stores nothing. Its challenge is written
-- here when an answer to it verifies, so that it signs in once on any
-- server process; a row goes when its ceremony has expired.
CREATE TABLE webauthn_spent_challenges (
    challenge  TEXT NOT NULL PRIMARY KEY,
    expires_at TIMESTAMP NOT NULL
);

--bun:split

CREATE INDEX webauthn_spent_challenges_expires_at_idx ON webauthn_spent_challenges (expires_at);

