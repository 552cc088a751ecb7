-- A one-time password (the first administrator's generated one, or one an
-- administrator set) must be replaced at its first use, in a session of the
-- stage password_change.
ALTER TABLE users ADD COLUMN password_must_change BOOLEAN NOT NULL DEFAULT FALSE;

--bun:split

ALTER TABLE sessions DROP CONSTRAINT sessions_stage_check;

--bun:split

ALTER TABLE sessions ADD CONSTRAINT sessions_stage_check
    CHECK (stage IN ('password_ok', 'enrollment', 'full', 'password_change'));
