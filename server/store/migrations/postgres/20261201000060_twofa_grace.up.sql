-- Force 2FA's grace period: how many days a user without 2FA may still skip
-- the setup, counted per user from twofa_grace_started_at, their first login
-- (or first request) under the policy. Switching the policy off clears it.
ALTER TABLE accounts ADD COLUMN grace_days INTEGER NOT NULL DEFAULT 0 CHECK (grace_days BETWEEN 0 AND 30);

--bun:split

ALTER TABLE users ADD COLUMN twofa_grace_started_at TIMESTAMPTZ;
