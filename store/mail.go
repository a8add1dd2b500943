package store

import (
	"context"
	"fmt"
	"time"
)

// SetMail turns the mail outbox on or off. On (the server does it when
// SMTP is configured), every notification for a staff member with an
// email address also queues an email in the same transaction, for the
// server's mail loop to send; off (the default), nothing is queued.
func (db *DB) SetMail(on bool) { db.mail.Store(on) }

// queueMail queues the email of notification id for staffID, if mail is
// on and the staff member has an address.
func (tx *Tx) queueMail(ctx context.Context, staffID, notificationID int64) error {
	if !tx.db.mail.Load() {
		return nil
	}
	var addr string
	if err := tx.queryRow(ctx, `SELECT email FROM staff WHERE id = ?`, staffID).Scan(&addr); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if addr == "" {
		return nil
	}
	_, err := tx.exec(ctx, `INSERT INTO mail_outbox (notification_id, to_addr, created_at, next_attempt_at) VALUES (?, ?, ?, ?)`,
		notificationID, addr, instant(tx.Now), instant(tx.Now))
	return err
}

// OutgoingMail is a queued email and the notification it carries.
type OutgoingMail struct {
	ID       int64
	To       string
	Attempts int // including this one
	Notification
}

// ClaimMail claims up to n queued emails that are due and returns them.
// Each claim counts an attempt and moves the email's next attempt lease
// on, so that another server sharing the database does not send it too;
// the sender then reports MailSent or MailFailed. An email whose sender
// died is tried again when the lease is over.
func (tx *Tx) ClaimMail(ctx context.Context, n int, lease time.Duration) ([]OutgoingMail, error) {
	rows, err := tx.query(ctx, `SELECT o.id, o.to_addr, o.attempts, n.id, n.staff_id, COALESCE(n.request_id, 0), n.kind, n.message, n.message_en, n.created_at
		FROM mail_outbox o JOIN notifications n ON n.id = o.notification_id
		WHERE o.sent_at IS NULL AND o.gave_up_at IS NULL AND o.next_attempt_at <= ? ORDER BY o.id LIMIT ?`, instant(tx.Now), n)
	if err != nil {
		return nil, err
	}
	var due []OutgoingMail
	for rows.Next() {
		var m OutgoingMail
		if err := rows.Scan(&m.ID, &m.To, &m.Attempts, &m.Notification.ID, &m.StaffID, &m.RequestID, &m.Kind, &m.Message, &m.MessageEN, scanTime{&m.CreatedAt}); err != nil {
			rows.Close()
			return nil, err
		}
		due = append(due, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	claimed := due[:0]
	for _, m := range due {
		res, err := tx.exec(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ? AND attempts = ?`,
			instant(tx.Now.Add(lease)), m.ID, m.Attempts)
		if err != nil {
			return nil, err
		}
		if k, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if k == 1 {
			m.Attempts++
			claimed = append(claimed, m)
		}
	}
	return claimed, nil
}

// MailSent records that email id was handed to the relay.
func (tx *Tx) MailSent(ctx context.Context, id int64) error {
	_, err := tx.exec(ctx, `UPDATE mail_outbox SET sent_at = ?, last_error = '' WHERE id = ?`, instant(tx.Now), id)
	return err
}

// MailFailed records a failed attempt at email id: it is tried again at
// retryAt, or given up when retryAt is zero.
func (tx *Tx) MailFailed(ctx context.Context, id int64, cause error, retryAt time.Time) error {
	msg := cause.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	if retryAt.IsZero() {
		_, err := tx.exec(ctx, `UPDATE mail_outbox SET gave_up_at = ?, last_error = ? WHERE id = ?`, instant(tx.Now), msg, id)
		return err
	}
	_, err := tx.exec(ctx, `UPDATE mail_outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?`, instant(retryAt), msg, id)
	return err
}

// MailStats counts the outbox.
type MailStats struct {
	Queued, Sent, GaveUp int
}

// MailStats counts the emails queued, sent and given up.
func (db *DB) MailStats(ctx context.Context) (MailStats, error) {
	var s MailStats
	err := db.queryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN sent_at IS NULL AND gave_up_at IS NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN gave_up_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM mail_outbox`).Scan(&s.Queued, &s.Sent, &s.GaveUp)
	return s, err
}

// PurgeMail deletes the emails sent or given up before before, and
// returns how many.
func (tx *Tx) PurgeMail(ctx context.Context, before time.Time) (int64, error) {
	res, err := tx.exec(ctx, `DELETE FROM mail_outbox WHERE sent_at < ? OR gave_up_at < ?`, instant(before), instant(before))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Path is the page a notification leads to, from the server's root.
func (n Notification) Path() string {
	switch {
	case n.Kind == NotifyWaiting:
		return fmt.Sprintf("/approvals#inbox-%d", n.RequestID)
	case n.RequestID != 0:
		return fmt.Sprintf("/requests#request-%d", n.RequestID)
	}
	return "/requests"
}
