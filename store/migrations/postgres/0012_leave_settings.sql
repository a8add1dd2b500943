-- The entity's leave settings and leave types (休暇の種類: 特別休暇 with
-- their units, limits and pay), as JSON read over the documented defaults
-- (store/leave_setting.go). No row: the defaults. One row at most.
CREATE TABLE leave_settings (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	settings TEXT NOT NULL,
	types TEXT NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
