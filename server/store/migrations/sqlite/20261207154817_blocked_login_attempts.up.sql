-- The attempts a lock blocks (a network's, a username's, a browser's, a
-- second step's) are one row of the history per lock, not one each: the
-- row counts them (attempts) and keeps the last one's time (last_at), and
-- lock_period names the lock (its key and its end), on which every server
-- process's insert of a blocked attempt meets the row (an upsert).
ALTER TABLE login_events ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;

--bun:split

ALTER TABLE login_events ADD COLUMN last_at TIMESTAMP;

--bun:split

ALTER TABLE login_events ADD COLUMN lock_period TEXT;

--bun:split

CREATE UNIQUE INDEX login_events_lock_period_idx ON login_events (lock_period) WHERE lock_period IS NOT NULL;
