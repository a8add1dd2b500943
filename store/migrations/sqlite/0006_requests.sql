-- Requests and their approval (申請・承認): the requests with their
-- resolved route, the append-only history of every transition, the
-- configured routes, proxies (代理承認) and in-app notifications.

-- A request's payload is the JSON of its kind's field of approval.Request;
-- steps is the route resolved at submission (a snapshot). version counts
-- writes, for optimistic concurrency.
CREATE TABLE requests (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('leave', 'overtime_order', 'overtime_request', 'overtime_result', 'holiday_work', 'punch_correction', 'telework', 'staggered')),
	staff_id INTEGER NOT NULL REFERENCES staff (id),
	org_unit_id INTEGER NOT NULL REFERENCES org_units (id),
	created_by INTEGER NOT NULL REFERENCES staff (id),
	status TEXT NOT NULL CHECK (status IN ('draft', 'pending', 'approved', 'rejected', 'returned', 'withdrawn', 'cancel_pending')),
	payload TEXT NOT NULL DEFAULT '{}',
	steps TEXT NOT NULL DEFAULT '[]',
	step INTEGER NOT NULL DEFAULT 0,
	waiting_since_at TEXT,
	submitted_at TEXT,
	decided_at TEXT,
	acknowledged_at TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX requests_staff ON requests (staff_id, created_at);
CREATE INDEX requests_created_by ON requests (created_by, created_at);
CREATE INDEX requests_status ON requests (status, created_at);

-- request_waiting lists the approvers of the step each waiting request is
-- at, so that an inbox is one indexed join rather than a scan of steps.
CREATE TABLE request_waiting (
	request_id INTEGER NOT NULL REFERENCES requests (id),
	staff_id INTEGER NOT NULL REFERENCES staff (id),
	PRIMARY KEY (request_id, staff_id)
);
CREATE INDEX request_waiting_staff ON request_waiting (staff_id);

-- The history (承認履歴): one row per approval.Event. Append-only.
CREATE TABLE request_events (
	id INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL REFERENCES requests (id),
	action TEXT NOT NULL CHECK (action IN ('submit', 'approve', 'reject', 'return', 'withdraw', 'cancel', 'acknowledge', 'comment', 'escalate', 'designate')),
	actor_id INTEGER REFERENCES staff (id),
	on_behalf_of_id INTEGER REFERENCES staff (id),
	proxy_id INTEGER,
	step INTEGER NOT NULL DEFAULT -1,
	from_status TEXT NOT NULL,
	to_status TEXT NOT NULL,
	comment TEXT NOT NULL DEFAULT '',
	approvers TEXT NOT NULL DEFAULT '',
	day_on TEXT,
	at TEXT NOT NULL
);
CREATE INDEX request_events_request ON request_events (request_id, id);
CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events
BEGIN
	SELECT RAISE(ABORT, 'request events are append-only');
END;
CREATE TRIGGER request_events_no_delete BEFORE DELETE ON request_events
BEGIN
	SELECT RAISE(ABORT, 'request events are append-only');
END;

-- Approval routes (承認ルート) per org unit (NULL: the whole organisation)
-- and kind ('': every kind without a route of its own).
CREATE TABLE approval_routes (
	id INTEGER PRIMARY KEY,
	org_unit_id INTEGER REFERENCES org_units (id),
	kind TEXT NOT NULL DEFAULT '',
	name TEXT NOT NULL,
	steps TEXT NOT NULL DEFAULT '[]',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX approval_routes_unique ON approval_routes (COALESCE(org_unit_id, 0), kind);

-- Proxies (代理承認): the deputies (a JSON list of staff ids) decide for
-- the principal from from_at (inclusive) to to_at (exclusive), for the
-- kinds listed (JSON; [] for every kind), until revoked.
CREATE TABLE proxies (
	id INTEGER PRIMARY KEY,
	principal_id INTEGER NOT NULL REFERENCES staff (id),
	deputies TEXT NOT NULL,
	from_at TEXT NOT NULL,
	to_at TEXT NOT NULL,
	kinds TEXT NOT NULL DEFAULT '[]',
	note TEXT NOT NULL DEFAULT '',
	created_by INTEGER REFERENCES staff (id),
	created_at TEXT NOT NULL,
	revoked_at TEXT,
	CHECK (to_at > from_at)
);
CREATE INDEX proxies_principal ON proxies (principal_id);
CREATE INDEX proxies_to ON proxies (to_at);

-- In-app notifications (通知).
CREATE TABLE notifications (
	id INTEGER PRIMARY KEY,
	staff_id INTEGER NOT NULL REFERENCES staff (id),
	request_id INTEGER REFERENCES requests (id),
	kind TEXT NOT NULL CHECK (kind IN ('waiting', 'approved', 'rejected', 'returned', 'withdrawn', 'ordered', 'acknowledged', 'commented')),
	message TEXT NOT NULL,
	message_en TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	read_at TEXT
);
CREATE INDEX notifications_staff ON notifications (staff_id, id);
