-- Monthly close (月次締め): each staff member confirms their month, the
-- supervisor confirms it for the team, and HR closes the month for an org
-- unit (and everything below it) or for everyone. A closed staff-month is
-- locked: its stored results are not recomputed and no request decision
-- may change it until the close is reopened (with a reason).

-- month_confirmations holds one row per confirmed staff-month.
CREATE TABLE month_confirmations (
	staff_id INTEGER NOT NULL REFERENCES staff (id),
	month_on TEXT NOT NULL,
	staff_confirmed_at TEXT,
	staff_confirmed_by INTEGER REFERENCES staff (id),
	supervisor_confirmed_at TEXT,
	supervisor_confirmed_by INTEGER REFERENCES staff (id),
	PRIMARY KEY (staff_id, month_on)
);

-- month_closes are the closes, reopened ones kept for the record;
-- org_unit_id NULL closes the month for everyone.
CREATE TABLE month_closes (
	id INTEGER PRIMARY KEY,
	org_unit_id INTEGER REFERENCES org_units (id),
	month_on TEXT NOT NULL,
	closed_at TEXT NOT NULL,
	closed_by INTEGER REFERENCES staff (id),
	close_reason TEXT NOT NULL DEFAULT '',
	reopened_at TEXT,
	reopened_by INTEGER REFERENCES staff (id),
	reopen_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX month_closes_month ON month_closes (month_on);
