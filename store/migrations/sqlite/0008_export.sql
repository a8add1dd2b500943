-- The payroll export (給与システム連携): the entity's layout of the file,
-- as the text or JSON an HR user gave (payroll.ParseLayout). One row per
-- export kind; no row means the default layout.
CREATE TABLE export_layouts (
	kind TEXT PRIMARY KEY CHECK (kind IN ('payroll')),
	source TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
