-- Failed password attempts per client IP and per attempted username, so that
-- every server process throttles the same way.
CREATE TABLE login_throttles (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until TIMESTAMPTZ,
    updated_at   TIMESTAMPTZ NOT NULL
);

--bun:split

CREATE INDEX login_throttles_updated_at_idx ON login_throttles (updated_at);
