-- A sign-in of several steps is one row of the login history: the step
-- that starts it (the password, when a second step or a password change
-- follows) writes its row pending, the session it leads to names that row
-- (login_event_id), and each later step of the same sign-in updates it
-- (methods, every step's, in order; method, the last step's) until the
-- step that completes it clears pending. Failed steps stay rows of their
-- own.
ALTER TABLE login_events ADD COLUMN methods TEXT NOT NULL DEFAULT '';

--bun:split

ALTER TABLE login_events ADD COLUMN pending BOOLEAN NOT NULL DEFAULT FALSE;

--bun:split

ALTER TABLE sessions ADD COLUMN login_event_id BIGINT;
