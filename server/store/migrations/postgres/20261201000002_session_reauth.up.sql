-- When the session's user last proved it is them (a password or a current
-- code): sensitive actions need a proof within REAUTH_WINDOW.
ALTER TABLE sessions ADD COLUMN reauth_at TIMESTAMPTZ;
