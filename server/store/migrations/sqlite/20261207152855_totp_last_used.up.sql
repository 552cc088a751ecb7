-- When a code of the user's authenticator app last logged in or proved it
-- was them (the list of second factors shows it, as a key's last_used_at);
-- written by the statement that accepts the code's time step.
ALTER TABLE users ADD COLUMN totp_last_used_at TIMESTAMP;
