-- The language the user reads Warden in (a catalog's tag: "en", "ru"), set
-- in their settings; '' until they choose one (the browser's then). Mail
-- to them is in it, and signing in sets the browser's lang cookie from it.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
