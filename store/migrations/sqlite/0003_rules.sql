-- The work-time rules engine: full work patterns, day shifts, the holiday
-- calendar, settings, pay, cap profiles and the derived monthly results.

-- Work patterns gain the kinds of rules.Pattern (shift, staggered, flex).
-- A shift or flex pattern may have no hours of its own, which the old
-- CHECK (end_min > start_min) refused, so the table is rebuilt; SQLite
-- cannot drop a constraint. staff_work_patterns is rebuilt with it so that
-- its foreign key follows the new table. A legacy pattern's break_min
-- becomes one break in the middle of its hours, on the quarter hour.
CREATE TABLE work_patterns_new (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	kind TEXT NOT NULL DEFAULT 'fixed' CHECK (kind IN ('fixed', 'shift', 'staggered', 'flex')),
	weekdays INTEGER NOT NULL DEFAULT 62 CHECK (weekdays >= 0 AND weekdays < 128),
	-- The regular hours (rules.Pattern.Hours); 0–0 when the pattern has none.
	start_min INTEGER NOT NULL DEFAULT 0 CHECK (start_min >= 0 AND start_min < 1440),
	end_min INTEGER NOT NULL DEFAULT 0 CHECK (end_min >= start_min AND end_min <= 2880),
	-- break_min is the total of breaks, kept for lists.
	break_min INTEGER NOT NULL DEFAULT 0 CHECK (break_min >= 0),
	breaks TEXT NOT NULL DEFAULT '[]',
	options TEXT NOT NULL DEFAULT '[]',
	unit_weeks INTEGER NOT NULL DEFAULT 0 CHECK (unit_weeks >= 0 AND unit_weeks <= 4),
	required_min INTEGER NOT NULL DEFAULT 0 CHECK (required_min >= 0),
	core_start_min INTEGER,
	core_end_min INTEGER,
	band_start_min INTEGER,
	band_end_min INTEGER,
	min_daily_min INTEGER NOT NULL DEFAULT 0 CHECK (min_daily_min >= 0),
	part_time INTEGER NOT NULL DEFAULT 0 CHECK (part_time IN (0, 1)),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	CHECK ((core_start_min IS NULL) = (core_end_min IS NULL)),
	CHECK ((band_start_min IS NULL) = (band_end_min IS NULL))
);
INSERT INTO work_patterns_new (id, code, name, kind, weekdays, start_min, end_min, break_min, breaks, created_at, updated_at)
	SELECT id, code, name, 'fixed', weekdays, start_min, end_min, break_min,
		CASE WHEN break_min = 0 THEN '[]' ELSE
			'[{"start_min":' || (((start_min + end_min - break_min) / 2) / 15 * 15) ||
			',"end_min":' || (((start_min + end_min - break_min) / 2) / 15 * 15 + break_min) || '}]' END,
		created_at, created_at
	FROM work_patterns;

CREATE TABLE staff_work_patterns_new (
	id INTEGER PRIMARY KEY,
	staff_id INTEGER NOT NULL REFERENCES staff (id),
	pattern_id INTEGER NOT NULL REFERENCES work_patterns_new (id),
	valid_from_on TEXT NOT NULL,
	valid_to_on TEXT,
	CHECK (valid_to_on IS NULL OR valid_to_on >= valid_from_on)
);
INSERT INTO staff_work_patterns_new (id, staff_id, pattern_id, valid_from_on, valid_to_on)
	SELECT id, staff_id, pattern_id, valid_from_on, valid_to_on FROM staff_work_patterns;
DROP TABLE staff_work_patterns;
DROP TABLE work_patterns;
ALTER TABLE work_patterns_new RENAME TO work_patterns;
ALTER TABLE staff_work_patterns_new RENAME TO staff_work_patterns;
CREATE INDEX staff_work_patterns_staff ON staff_work_patterns (staff_id, valid_from_on);
CREATE INDEX staff_work_patterns_pattern ON staff_work_patterns (pattern_id);
CREATE INDEX staff_work_patterns_from ON staff_work_patterns (valid_from_on);

-- Hours set for one staff member on one day (a part-time shift, a chosen
-- staggered option, a flex allotment); off marks an extra rest day.
CREATE TABLE day_shifts (
	staff_id INTEGER NOT NULL REFERENCES staff (id),
	day_on TEXT NOT NULL,
	start_min INTEGER NOT NULL DEFAULT 0 CHECK (start_min >= 0 AND start_min < 1440),
	end_min INTEGER NOT NULL DEFAULT 0 CHECK (end_min >= start_min AND end_min <= 2880),
	breaks TEXT NOT NULL DEFAULT '[]',
	off INTEGER NOT NULL DEFAULT 0 CHECK (off IN (0, 1)),
	updated_at TEXT NOT NULL,
	PRIMARY KEY (staff_id, day_on),
	CHECK (off = 1 OR end_min > start_min)
);
CREATE INDEX day_shifts_day ON day_shifts (day_on);

-- Holidays stored by the entity: national days from an uploaded Cabinet
-- Office file (they replace the built-in data for the years the file
-- covers) and the entity's own days. 年末年始 comes from the settings.
CREATE TABLE calendar_days (
	day_on TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('national', 'entity')),
	name TEXT NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (day_on, kind)
);

-- The entity's rule settings: one row, JSON of rules.Settings and of
-- calendar.Options. No row means the defaults.
CREATE TABLE rule_settings (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	rules TEXT NOT NULL,
	calendar TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

-- What a staff member's overtime is paid from, over a validity window.
CREATE TABLE staff_pay (
	id INTEGER PRIMARY KEY,
	staff_id INTEGER NOT NULL REFERENCES staff (id),
	valid_from_on TEXT NOT NULL,
	valid_to_on TEXT,
	monthly_yen BIGINT NOT NULL DEFAULT 0 CHECK (monthly_yen >= 0),
	hourly_yen BIGINT NOT NULL DEFAULT 0 CHECK (hourly_yen >= 0),
	exempt INTEGER NOT NULL DEFAULT 0 CHECK (exempt IN (0, 1)),
	created_at TEXT NOT NULL,
	CHECK (valid_to_on IS NULL OR valid_to_on >= valid_from_on)
);
CREATE INDEX staff_pay_staff ON staff_pay (staff_id, valid_from_on);

-- The overtime cap profile of an org unit and everything below it, over a
-- validity window (whole months).
CREATE TABLE org_unit_caps (
	id INTEGER PRIMARY KEY,
	org_unit_id INTEGER NOT NULL REFERENCES org_units (id),
	profile TEXT NOT NULL CHECK (profile IN ('autonomous', 'heteronomous', 'labor36')),
	valid_from_on TEXT NOT NULL,
	valid_to_on TEXT,
	created_at TEXT NOT NULL,
	CHECK (valid_to_on IS NULL OR valid_to_on >= valid_from_on)
);
CREATE INDEX org_unit_caps_unit ON org_unit_caps (org_unit_id, valid_from_on);

-- 特例業務: a staff member's month whose caps are lifted.
CREATE TABLE special_months (
	staff_id INTEGER NOT NULL REFERENCES staff (id),
	month_on TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	PRIMARY KEY (staff_id, month_on)
);

-- Monthly results (月次集計), derived data: recomputed wholesale from the
-- punches and the master data, never edited. Totals are columns for
-- queries; the detail is JSON.
CREATE TABLE month_results (
	staff_id INTEGER NOT NULL REFERENCES staff (id),
	month_on TEXT NOT NULL,
	computed_at TEXT NOT NULL,
	org_unit_id INTEGER NOT NULL,
	profile TEXT NOT NULL CHECK (profile IN ('autonomous', 'heteronomous', 'labor36')),
	days_worked INTEGER NOT NULL,
	scheduled_min INTEGER NOT NULL,
	worked_min INTEGER NOT NULL,
	regular_min INTEGER NOT NULL,
	overtime_min INTEGER NOT NULL,
	over60_min INTEGER NOT NULL,
	night_min INTEGER NOT NULL,
	holiday_pay_min INTEGER NOT NULL,
	rest_designated_min INTEGER NOT NULL,
	special_min INTEGER NOT NULL,
	late_min INTEGER NOT NULL,
	early_min INTEGER NOT NULL,
	leave_min INTEGER NOT NULL,
	unpaid_leave_min INTEGER NOT NULL,
	absence_min INTEGER NOT NULL,
	telework_days INTEGER NOT NULL,
	exception_days INTEGER NOT NULL,
	warning_count INTEGER NOT NULL,
	alert_level TEXT NOT NULL DEFAULT '' CHECK (alert_level IN ('', 'info', 'notice', 'breach', 'doctor')),
	hourly_yen BIGINT NOT NULL,
	amount_yen BIGINT NOT NULL,
	forecast_on TEXT,
	days TEXT NOT NULL,
	categories TEXT NOT NULL,
	warnings TEXT NOT NULL,
	alerts TEXT NOT NULL,
	PRIMARY KEY (staff_id, month_on)
);
CREATE INDEX month_results_month ON month_results (month_on, org_unit_id);
-- The earlier months' overtime that the caps of a month add up, read
-- without touching the rows' JSON.
CREATE INDEX month_results_overtime ON month_results (month_on, staff_id, overtime_min, rest_designated_min);

-- Staff-months whose results are out of date after a change of master
-- data. staff_id 0 means every staff member. gen counts the marks, so that
-- a recompute clears only the marks it has seen.
CREATE TABLE results_stale (
	staff_id INTEGER NOT NULL,
	month_on TEXT NOT NULL,
	gen INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (staff_id, month_on)
);

-- The last punch id folded into the results: punches after it are new.
CREATE TABLE results_watermark (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	punch_id BIGINT NOT NULL,
	-- master_gen counts the changes that marked results stale, so that a
	-- recompute can tell whether one happened while it ran.
	master_gen BIGINT NOT NULL
);
INSERT INTO results_watermark (id, punch_id, master_gen) VALUES (1, 0, 0);

-- Corrections are looked up by what they correct when a month is computed.
CREATE INDEX punches_corrects ON punches (corrects_id) WHERE corrects_id IS NOT NULL;
