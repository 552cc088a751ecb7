-- What a session's latest re-authentications proved (shared.Method*,
-- space-separated; those given within the re-authentication window of each
-- other add up), so that an application asking for a fresh proof (max_age,
-- prompt=login) or a stronger one (acr_values) is told what the user
-- proved then, not at the login.
ALTER TABLE sessions ADD COLUMN reauth_methods TEXT NOT NULL DEFAULT '';

--bun:split

-- The proof an application requires of every sign-in (an acr of
-- server/auth/idp: a second factor, a phishing-resistant one); empty: any.
ALTER TABLE oidc_clients ADD COLUMN min_acr TEXT NOT NULL DEFAULT '';
