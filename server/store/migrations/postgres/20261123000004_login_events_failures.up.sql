-- "Failed attempts only" pages stay cheap for a user with many successes.
CREATE INDEX login_events_user_failures_idx ON login_events (user_id, id DESC) WHERE result = 'failure';
