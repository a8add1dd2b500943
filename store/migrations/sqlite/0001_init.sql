-- Foundation: master data, sign-in, terminals, the audit chain.
CREATE TABLE org_units (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('bu', 'ka', 'kakari', 'other')),
	parent_id INTEGER REFERENCES org_units (id),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX org_units_parent ON org_units (parent_id);

CREATE TABLE sites (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	address TEXT NOT NULL DEFAULT '',
	geo_lat DOUBLE PRECISION,
	geo_lng DOUBLE PRECISION,
	geo_radius_m INTEGER CHECK (geo_radius_m IS NULL OR geo_radius_m > 0),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	CHECK ((geo_lat IS NULL AND geo_lng IS NULL AND geo_radius_m IS NULL)
		OR (geo_lat IS NOT NULL AND geo_lng IS NOT NULL AND geo_radius_m IS NOT NULL))
);

CREATE TABLE staff (
	id INTEGER PRIMARY KEY,
	staff_no TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	kana TEXT NOT NULL,
	employment_type TEXT NOT NULL CHECK (employment_type IN ('regular', 'reappointed_short', 'fiscal_full', 'fiscal_part')),
	appointed_on TEXT NOT NULL,
	appointment_ends_on TEXT,
	org_unit_id INTEGER NOT NULL REFERENCES org_units (id),
	supervisor_id INTEGER REFERENCES staff (id),
	email TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL DEFAULT '',
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_until_at TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	CHECK (appointment_ends_on IS NULL OR appointment_ends_on >= appointed_on)
);
CREATE INDEX staff_org_unit ON staff (org_unit_id);
CREATE INDEX staff_kana ON staff (kana);
CREATE INDEX staff_supervisor ON staff (supervisor_id);

CREATE TABLE staff_sites (
	staff_id INTEGER NOT NULL REFERENCES staff (id),
	site_id INTEGER NOT NULL REFERENCES sites (id),
	PRIMARY KEY (staff_id, site_id)
);
CREATE INDEX staff_sites_site ON staff_sites (site_id);

CREATE TABLE role_grants (
	id INTEGER PRIMARY KEY,
	staff_id INTEGER NOT NULL REFERENCES staff (id),
	role TEXT NOT NULL CHECK (role IN ('approver', 'hr', 'admin')),
	org_unit_id INTEGER REFERENCES org_units (id),
	created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX role_grants_unique ON role_grants (staff_id, role, COALESCE(org_unit_id, 0));

-- Work patterns in their simplest form (fixed daily hours); the rules engine extends them.
CREATE TABLE work_patterns (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	start_min INTEGER NOT NULL CHECK (start_min >= 0 AND start_min < 1440),
	end_min INTEGER NOT NULL CHECK (end_min > start_min AND end_min <= 2880),
	break_min INTEGER NOT NULL DEFAULT 0 CHECK (break_min >= 0),
	weekdays INTEGER NOT NULL DEFAULT 62 CHECK (weekdays >= 0 AND weekdays < 128),
	created_at TEXT NOT NULL
);

CREATE TABLE staff_work_patterns (
	id INTEGER PRIMARY KEY,
	staff_id INTEGER NOT NULL REFERENCES staff (id),
	pattern_id INTEGER NOT NULL REFERENCES work_patterns (id),
	valid_from_on TEXT NOT NULL,
	valid_to_on TEXT,
	CHECK (valid_to_on IS NULL OR valid_to_on >= valid_from_on)
);
CREATE INDEX staff_work_patterns_staff ON staff_work_patterns (staff_id, valid_from_on);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	staff_id INTEGER NOT NULL REFERENCES staff (id),
	csrf_token TEXT NOT NULL,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
);
CREATE INDEX sessions_staff ON sessions (staff_id);

CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	staff_id INTEGER NOT NULL REFERENCES staff (id),
	created_at TEXT NOT NULL,
	expires_at TEXT,
	revoked_at TEXT,
	last_used_at TEXT
);

CREATE TABLE terminals (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	site_id INTEGER NOT NULL REFERENCES sites (id),
	token_hash TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	revoked_at TEXT,
	last_seen_at TEXT
);
CREATE INDEX terminals_site ON terminals (site_id);

CREATE TABLE audit_log (
	seq INTEGER PRIMARY KEY,
	at TEXT NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	entity TEXT NOT NULL,
	entity_id TEXT NOT NULL,
	before_json TEXT NOT NULL DEFAULT '',
	after_json TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- The chain head, kept apart from the entries so that deleting the newest
-- entries is detected too.
CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	seq INTEGER NOT NULL,
	hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
