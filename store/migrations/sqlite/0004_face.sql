-- Face-recognition kiosk (顔認証キオスク): sealed face templates, one-time
-- enrolment and pairing codes, IC cards and PINs as fallbacks, the review
-- list of offline face punches nobody was sure about, and the optional
-- condition check (体調チェック). No photo and no plaintext descriptor is
-- ever stored: templates are AES-GCM ciphertext bound to staff and model.
CREATE TABLE face_templates (
	staff_id INTEGER PRIMARY KEY REFERENCES staff (id),
	model TEXT NOT NULL,
	samples INTEGER NOT NULL CHECK (samples >= 1 AND samples <= 10),
	ciphertext BLOB NOT NULL,
	created_at TEXT NOT NULL
);

-- Codes are stored as SHA-256 hashes; the code itself is shown once.
CREATE TABLE face_enrolment_codes (
	id INTEGER PRIMARY KEY,
	code_hash TEXT NOT NULL UNIQUE,
	staff_id INTEGER NOT NULL REFERENCES staff (id),
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at TEXT
);
CREATE INDEX face_enrolment_codes_staff ON face_enrolment_codes (staff_id);

CREATE TABLE kiosk_pairing_codes (
	id INTEGER PRIMARY KEY,
	code_hash TEXT NOT NULL UNIQUE,
	site_id INTEGER NOT NULL REFERENCES sites (id),
	created_by INTEGER REFERENCES staff (id),
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at TEXT,
	terminal_id INTEGER REFERENCES terminals (id)
);

CREATE TABLE staff_cards (
	staff_id INTEGER PRIMARY KEY REFERENCES staff (id),
	card_id TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL
);

CREATE TABLE staff_pins (
	staff_id INTEGER PRIMARY KEY REFERENCES staff (id),
	pin_hash TEXT NOT NULL,
	failed INTEGER NOT NULL DEFAULT 0,
	locked_until_at TEXT,
	updated_at TEXT NOT NULL
);

-- An offline face punch that did not match anyone surely waits here for
-- HR, keyed like the punch it would become, so uploading it again is
-- harmless. The descriptor is not kept.
CREATE TABLE face_reviews (
	id INTEGER PRIMARY KEY,
	origin TEXT NOT NULL,
	client_key TEXT NOT NULL,
	terminal_id INTEGER NOT NULL REFERENCES terminals (id),
	site_id INTEGER NOT NULL REFERENCES sites (id),
	kind TEXT NOT NULL CHECK (kind IN ('clock_in', 'clock_out', 'break_start', 'break_end', 'go_out', 'return')),
	device_at TEXT NOT NULL,
	received_at TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL CHECK (reason IN ('uncertain', 'none', 'mismatch', 'no_gallery')),
	candidate_staff_id INTEGER REFERENCES staff (id),
	distance DOUBLE PRECISION,
	margin DOUBLE PRECISION,
	second_staff_id INTEGER REFERENCES staff (id),
	status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
	staff_id INTEGER REFERENCES staff (id),
	punch_id INTEGER REFERENCES punches (id),
	decided_by INTEGER REFERENCES staff (id),
	decided_at TEXT,
	decision_note TEXT NOT NULL DEFAULT '',
	UNIQUE (origin, client_key)
);
CREATE INDEX face_reviews_status ON face_reviews (status, device_at);

-- The smile score at the first clock-in of a business day.
CREATE TABLE condition_scores (
	staff_id INTEGER NOT NULL REFERENCES staff (id),
	business_on TEXT NOT NULL,
	smile DOUBLE PRECISION NOT NULL CHECK (smile >= 0 AND smile <= 1),
	recorded_at TEXT NOT NULL,
	PRIMARY KEY (staff_id, business_on)
);
CREATE INDEX condition_scores_day ON condition_scores (business_on);
