-- The punch ledger (打刻). Append-only: corrections are new rows that point
-- at the row they correct. The client key is unique per origin (a terminal
-- or a staff member's own devices), which makes sending idempotent.
CREATE TABLE punches (
	id INTEGER PRIMARY KEY,
	origin TEXT NOT NULL,
	client_key TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	staff_id INTEGER NOT NULL REFERENCES staff (id),
	kind TEXT NOT NULL CHECK (kind IN ('clock_in', 'clock_out', 'break_start', 'break_end', 'go_out', 'return')),
	method TEXT NOT NULL CHECK (method IN ('face', 'card', 'mobile', 'pc', 'pin', 'manual')),
	received_at TEXT NOT NULL,
	device_at TEXT,
	effective_at TEXT NOT NULL,
	skew_ms INTEGER NOT NULL DEFAULT 0,
	delayed INTEGER NOT NULL DEFAULT 0 CHECK (delayed IN (0, 1)),
	business_on TEXT NOT NULL,
	terminal_id INTEGER REFERENCES terminals (id),
	site_id INTEGER REFERENCES sites (id),
	lat DOUBLE PRECISION,
	lng DOUBLE PRECISION,
	accuracy_m DOUBLE PRECISION,
	work_location TEXT NOT NULL DEFAULT 'office' CHECK (work_location IN ('office', 'home', 'satellite', 'trip')),
	note TEXT NOT NULL DEFAULT '',
	flags TEXT NOT NULL DEFAULT '',
	corrects_id INTEGER REFERENCES punches (id),
	UNIQUE (origin, client_key)
);
CREATE INDEX punches_staff_day ON punches (staff_id, business_on);
CREATE INDEX punches_day ON punches (business_on);

CREATE TRIGGER punches_no_update BEFORE UPDATE ON punches
BEGIN
	SELECT RAISE(ABORT, 'punches are append-only');
END;
CREATE TRIGGER punches_no_delete BEFORE DELETE ON punches
BEGIN
	SELECT RAISE(ABORT, 'punches are append-only');
END;
