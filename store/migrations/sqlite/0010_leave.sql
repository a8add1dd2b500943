-- Leave balances (休暇の残日数): the grants of 年次休暇, 代休 and
-- 超勤代休時間 to each staff member. Uses are the leave requests. A grant
-- made by the yearly run carries grant_year, so that the same year is never
-- granted (or carried) twice; manual grants have none. A wrong grant is
-- revoked, with a reason, and kept for the record.
CREATE TABLE leave_grants (
	id INTEGER PRIMARY KEY,
	staff_id INTEGER NOT NULL REFERENCES staff (id),
	balance TEXT NOT NULL CHECK (balance IN ('annual', 'compensatory', 'overtime_comp')),
	days INTEGER NOT NULL CHECK (days >= 0),
	minutes INTEGER NOT NULL CHECK (minutes >= 0),
	granted_on TEXT NOT NULL,
	expires_on TEXT,
	carried INTEGER NOT NULL DEFAULT 0 CHECK (carried IN (0, 1)),
	grant_year INTEGER,
	note TEXT NOT NULL DEFAULT '',
	created_by INTEGER REFERENCES staff (id),
	created_at TEXT NOT NULL,
	revoked_at TEXT,
	revoked_by INTEGER REFERENCES staff (id),
	revoke_reason TEXT NOT NULL DEFAULT '',
	UNIQUE (staff_id, balance, grant_year, carried)
);
CREATE INDEX leave_grants_staff ON leave_grants (staff_id, balance);
