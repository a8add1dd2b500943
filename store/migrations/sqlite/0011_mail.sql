-- Email notifications (通知メール), sent when SMTP is configured: one row
-- per notification for a staff member with an address, written in the
-- notification's transaction and sent by the server's mail loop. A row is
-- due at next_attempt_at; a claimed row's next_attempt_at moves on by the
-- claim's lease, so that two servers never send it both. Rows are deleted
-- some days after they were sent or given up (addresses are personal data).
CREATE TABLE mail_outbox (
	id INTEGER PRIMARY KEY,
	notification_id INTEGER NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
	to_addr TEXT NOT NULL,
	created_at TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	next_attempt_at TEXT NOT NULL,
	sent_at TEXT,
	gave_up_at TEXT,
	last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND gave_up_at IS NULL;
