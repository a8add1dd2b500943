package store

import (
	"context"
	"slices"
	"time"

	"kintai"
)

// NotificationKind says what a notification (通知) is about.
type NotificationKind string

// Notification kinds.
const (
	NotifyWaiting      NotificationKind = "waiting"      // a request waits for you (承認待ち)
	NotifyApproved     NotificationKind = "approved"     // your request was approved
	NotifyRejected     NotificationKind = "rejected"     // your request was rejected
	NotifyReturned     NotificationKind = "returned"     // your request was returned (差戻し)
	NotifyWithdrawn    NotificationKind = "withdrawn"    // a request or order about you was withdrawn
	NotifyOrdered      NotificationKind = "ordered"      // you were given an order (命令)
	NotifyAcknowledged NotificationKind = "acknowledged" // your order was acknowledged
	NotifyCommented    NotificationKind = "commented"    // someone commented on a request
)

// Notification is an in-app message to one staff member.
type Notification struct {
	ID        int64            `json:"id"`
	StaffID   int64            `json:"staff_id"`
	RequestID int64            `json:"request_id,omitempty"`
	Kind      NotificationKind `json:"kind"`
	Message   string           `json:"message"`
	MessageEN string           `json:"message_en"`
	CreatedAt time.Time        `json:"created_at"`
	ReadAt    time.Time        `json:"read_at,omitzero"`
}

// maxNotifications bounds a notification list.
const maxNotifications = 200

// FindNotifications returns staffID's newest notifications, only the
// unread ones when unread is set.
func (db *DB) FindNotifications(ctx context.Context, staffID int64, unread bool) ([]Notification, error) {
	q := `SELECT id, staff_id, COALESCE(request_id, 0), kind, message, message_en, created_at, read_at FROM notifications WHERE staff_id = ?`
	if unread {
		q += ` AND read_at IS NULL`
	}
	rows, err := db.query(ctx, q+` ORDER BY id DESC LIMIT 200`, staffID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]Notification, 0, 16)
	for rows.Next() {
		var n Notification
		if err := rows.Scan(&n.ID, &n.StaffID, &n.RequestID, &n.Kind, &n.Message, &n.MessageEN, scanTime{&n.CreatedAt}, scanTime{&n.ReadAt}); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// MarkNotificationRead marks notification id of the transaction's actor
// read. Another staff member's notification is not found.
func (tx *Tx) MarkNotificationRead(ctx context.Context, id int64) error {
	res, err := tx.exec(ctx, `UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE id = ? AND staff_id = ?`,
		instant(tx.Now), id, tx.Actor.StaffID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return kintai.NotFound("通知", "Notification")
	}
	return nil
}

// notify adds a notification for each of staffIDs except the actor (who
// knows what they just did), each once, and queues its email when mail is
// on (SetMail).
func (tx *Tx) notify(ctx context.Context, staffIDs []int64, requestID int64, kind NotificationKind, ja, en string) error {
	var done []int64
	for _, id := range staffIDs {
		if id == 0 || id == tx.Actor.StaffID || slices.Contains(done, id) {
			continue
		}
		done = append(done, id)
		nid, err := tx.insert(ctx, `INSERT INTO notifications (staff_id, request_id, kind, message, message_en, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, nullID(requestID), kind, ja, en, instant(tx.Now))
		if err != nil {
			return err
		}
		if err := tx.queueMail(ctx, id, nid); err != nil {
			return err
		}
	}
	return nil
}

// MarkAllNotificationsRead marks every unread notification of the
// transaction's actor read and returns how many it marked.
func (tx *Tx) MarkAllNotificationsRead(ctx context.Context) (int64, error) {
	res, err := tx.exec(ctx, `UPDATE notifications SET read_at = ? WHERE staff_id = ? AND read_at IS NULL`, instant(tx.Now), tx.Actor.StaffID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
