-- Platform administration (issue 16). A third role, platform_admin, who
-- administers every account; the earliest administrator (the one the first
-- start created) becomes it, so an existing install keeps someone who can.
ALTER TABLE users DROP CONSTRAINT users_role_check;

--bun:split

ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('user', 'admin', 'platform_admin'));

--bun:split

-- When an administrator disabled the user; a disabled user cannot log in.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMPTZ;

--bun:split

-- Account names are unique regardless of case ("Acme" and "acme" are one).
CREATE UNIQUE INDEX accounts_name_lower_idx ON accounts (lower(name));

--bun:split

UPDATE users SET role = 'platform_admin'
WHERE id = (SELECT min(id) FROM users WHERE role = 'admin')
  AND NOT EXISTS (SELECT 1 FROM users WHERE role = 'platform_admin');
