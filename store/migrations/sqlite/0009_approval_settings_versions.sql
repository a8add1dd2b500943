-- Approval settings and request versions (承認の設定・申請の版).

-- The entity's approval settings (approval.Settings as JSON: the 乖離
-- threshold, escalation days, 振替・代休 windows, cancellation rules).
-- No row means the documented defaults.
CREATE TABLE approval_settings (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	settings TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

-- Every version of a request's payload as its applicant wrote it: the
-- first when it was made, then one per edit of a draft or a returned
-- request. Append-only, so the history shows what was submitted each time.
CREATE TABLE request_versions (
	id INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL REFERENCES requests (id),
	version INTEGER NOT NULL CHECK (version >= 1),
	payload TEXT NOT NULL,
	edited_by INTEGER REFERENCES staff (id),
	at TEXT NOT NULL,
	UNIQUE (request_id, version)
);
CREATE TRIGGER request_versions_no_update BEFORE UPDATE ON request_versions
BEGIN
	SELECT RAISE(ABORT, 'request versions are append-only');
END;
CREATE TRIGGER request_versions_no_delete BEFORE DELETE ON request_versions
BEGIN
	SELECT RAISE(ABORT, 'request versions are append-only');
END;

-- Waiting requests by the time their step began to wait, for escalation
-- and the overdue list.
CREATE INDEX requests_waiting_since ON requests (status, waiting_since_at);
