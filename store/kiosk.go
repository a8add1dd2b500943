package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"kintai"
	"kintai/punch"
)

// newPairingCode returns 8 random decimal digits.
func newPairingCode() string {
	b := make([]byte, 8)
	rand.Read(b) // never fails on supported platforms
	return fmt.Sprintf("%08d", binary.BigEndian.Uint64(b)%100_000_000)
}

// CreatePairingCode issues a one-time code (ペアリングコード) with which a
// kiosk registers itself as a terminal of site siteID within ttl. It
// returns the code, shown once, and its expiry.
func (tx *Tx) CreatePairingCode(ctx context.Context, siteID int64, ttl time.Duration) (string, time.Time, error) {
	if _, err := findSite(ctx, tx, `id = ?`, siteID); err != nil {
		return "", time.Time{}, err
	}
	for range 5 { // a clash with a live code is unlikely; try again
		code := newPairingCode()
		expires := tx.Now.Add(ttl)
		var id int64
		err := tx.queryRow(ctx, `INSERT INTO kiosk_pairing_codes (code_hash, site_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (code_hash) DO NOTHING RETURNING id`,
			hashCode("pair", code), siteID, nullID(tx.Actor.StaffID), instant(tx.Now), instant(expires)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			// The same code was issued before: reuse is refused even
			// after it expired, so the hash stays unique.
			continue
		}
		if err != nil {
			return "", time.Time{}, fmt.Errorf("pairing code: %w", err)
		}
		return code, expires, tx.Audit(ctx, "kiosk.pairing_code", "kiosk_pairing_code", id, nil,
			map[string]any{"site_id": siteID, "expires_at": expires})
	}
	return "", time.Time{}, errors.New("pairing code: no free code after 5 tries")
}

// PairKiosk spends a one-time pairing code and registers the kiosk as a
// terminal of the code's site named name. The kiosk has no identity yet:
// the audit entry names the staff member who issued the code. It returns the terminal and its
// device credential, shown once. The credential is revoked like any other
// terminal's (RevokeTerminal).
func (tx *Tx) PairKiosk(ctx context.Context, code, name string) (*Terminal, string, error) {
	var id, siteID, issuer int64
	err := tx.queryRow(ctx, `UPDATE kiosk_pairing_codes SET used_at = ?
		WHERE code_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING id, site_id, COALESCE(created_by, 0)`,
		instant(tx.Now), hashCode("pair", code), instant(tx.Now)).Scan(&id, &siteID, &issuer)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", ErrBadCode("ペアリングコード", "The pairing code")
	}
	if err != nil {
		return nil, "", err
	}
	site, err := findSite(ctx, tx, `id = ?`, siteID)
	if err != nil {
		return nil, "", err
	}
	if name = strings.TrimSpace(name); name == "" {
		name = site.Name + " キオスク"
	}
	t := &Terminal{Code: fmt.Sprintf("KIOSK-%d-%d", siteID, id), Name: name, SiteID: siteID}
	secret, err := tx.CreateTerminal(ctx, t)
	if err != nil {
		return nil, "", err
	}
	if _, err := tx.exec(ctx, `UPDATE kiosk_pairing_codes SET terminal_id = ? WHERE id = ?`, t.ID, id); err != nil {
		return nil, "", err
	}
	return t, secret, tx.Audit(ctx, "kiosk.pair", "terminal", t.ID, nil,
		map[string]any{"terminal_id": t.ID, "site_id": siteID, "name": name, "pairing_code_id": id, "code_issued_by": issuer})
}

// Reasons a face punch went to the review list.
const (
	ReviewUncertain = "uncertain"  // a candidate, but not sure enough
	ReviewNone      = "none"       // nobody close
	ReviewMismatch  = "mismatch"   // named a staff member whose face did not match
	ReviewNoGallery = "no_gallery" // nobody at the site is enrolled, or face matching is off
)

// Review statuses.
const (
	ReviewPending  = "pending"
	ReviewApproved = "approved"
	ReviewRejected = "rejected"
)

// FaceReview is an offline face punch that waits for HR to say whose it
// is (顔認証の確認待ち). It is keyed by the punch's origin and client key, so
// a kiosk that uploads it again gets the same review, and an approved one
// becomes the punch under the same key.
type FaceReview struct {
	ID               int64      `json:"id"`
	Origin           string     `json:"-"`
	ClientKey        string     `json:"client_key"`
	TerminalID       int64      `json:"terminal_id"`
	SiteID           int64      `json:"site_id"`
	Kind             punch.Kind `json:"kind"`
	DeviceAt         time.Time  `json:"device_at"`
	ReceivedAt       time.Time  `json:"received_at"`
	Note             string     `json:"note,omitempty"`
	Reason           string     `json:"reason"`
	CandidateStaffID int64      `json:"candidate_staff_id,omitempty"`
	Distance         *float64   `json:"distance,omitempty"`
	Margin           *float64   `json:"margin,omitempty"`
	SecondStaffID    int64      `json:"second_staff_id,omitempty"`
	Status           string     `json:"status"`
	StaffID          int64      `json:"staff_id,omitempty"`
	PunchID          int64      `json:"punch_id,omitempty"`
	DecidedBy        int64      `json:"decided_by,omitempty"`
	DecidedAt        time.Time  `json:"decided_at,omitzero"`
	DecisionNote     string     `json:"decision_note,omitempty"`
}

const faceReviewColumns = `id, origin, client_key, terminal_id, site_id, kind, device_at, received_at, note, reason,
	COALESCE(candidate_staff_id, 0), distance, margin, COALESCE(second_staff_id, 0), status, COALESCE(staff_id, 0), COALESCE(punch_id, 0),
	COALESCE(decided_by, 0), decided_at, decision_note`

func scanFaceReview(sc interface{ Scan(...any) error }) (FaceReview, error) {
	var r FaceReview
	var dist, margin sql.NullFloat64
	err := sc.Scan(&r.ID, &r.Origin, &r.ClientKey, &r.TerminalID, &r.SiteID, &r.Kind, scanTime{&r.DeviceAt}, scanTime{&r.ReceivedAt},
		&r.Note, &r.Reason, &r.CandidateStaffID, &dist, &margin, &r.SecondStaffID, &r.Status, &r.StaffID, &r.PunchID, &r.DecidedBy,
		scanTime{&r.DecidedAt}, &r.DecisionNote)
	if dist.Valid {
		r.Distance = &dist.Float64
	}
	if margin.Valid {
		r.Margin = &margin.Float64
	}
	return r, err
}

// CreateFaceReview puts r on the review list and sets its ID, or, when a
// review with the same origin and client key exists, loads that one into r
// and reports created false.
func (tx *Tx) CreateFaceReview(ctx context.Context, r *FaceReview) (created bool, err error) {
	r.ReceivedAt, r.Status = tx.Now, ReviewPending
	var id int64
	err = tx.queryRow(ctx, `INSERT INTO face_reviews (origin, client_key, terminal_id, site_id, kind, device_at, received_at, note, reason,
		candidate_staff_id, distance, margin, second_staff_id, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (origin, client_key) DO NOTHING RETURNING id`,
		r.Origin, r.ClientKey, r.TerminalID, r.SiteID, r.Kind, instant(r.DeviceAt), instant(tx.Now), r.Note, r.Reason,
		nullID(r.CandidateStaffID), r.Distance, r.Margin, nullID(r.SecondStaffID), r.Status).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		old, err := scanFaceReview(tx.queryRow(ctx, `SELECT `+faceReviewColumns+` FROM face_reviews WHERE origin = ? AND client_key = ?`, r.Origin, r.ClientKey))
		if err != nil {
			return false, err
		}
		*r = old
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("face review: %w", err)
	}
	r.ID = id
	return true, tx.Audit(ctx, "face.review_create", "face_review", id, nil, r)
}

// FindFaceReviewByKey returns the review of the punch with origin and client key.
func (db *DB) FindFaceReviewByKey(ctx context.Context, origin, clientKey string) (*FaceReview, error) {
	r, err := scanFaceReview(db.queryRow(ctx, `SELECT `+faceReviewColumns+` FROM face_reviews WHERE origin = ? AND client_key = ?`, origin, clientKey))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kintai.NotFound("確認待ちの打刻", "Face review")
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// FindFaceReview returns review id.
func (db *DB) FindFaceReview(ctx context.Context, id int64) (*FaceReview, error) {
	r, err := scanFaceReview(db.queryRow(ctx, `SELECT `+faceReviewColumns+` FROM face_reviews WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kintai.NotFound("確認待ちの打刻", "Face review")
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// FindFaceReviews returns the reviews with status (all when ""), oldest
// punch first, at most limit (default and cap 500).
func (db *DB) FindFaceReviews(ctx context.Context, status string, limit int) ([]FaceReview, error) {
	q, args := `SELECT `+faceReviewColumns+` FROM face_reviews`, []any{}
	if status != "" {
		q += ` WHERE status = ?`
		args = append(args, status)
	}
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	rows, err := db.query(ctx, q+` ORDER BY device_at, id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []FaceReview{}
	for rows.Next() {
		r, err := scanFaceReview(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DecideFaceReview records HR's decision on pending review id: approved
// as staff member staffID's punch punchID, or rejected (staffID and
// punchID 0) with a note saying why. A review is decided once.
func (tx *Tx) DecideFaceReview(ctx context.Context, id, staffID, punchID int64, note string) error {
	status := ReviewApproved
	if punchID == 0 {
		status = ReviewRejected
	}
	res, err := tx.exec(ctx, `UPDATE face_reviews SET status = ?, staff_id = ?, punch_id = ?, decided_by = ?, decided_at = ?, decision_note = ?
		WHERE id = ? AND status = 'pending'`,
		status, nullID(staffID), nullID(punchID), nullID(tx.Actor.StaffID), instant(tx.Now), note, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var cur string
		err := tx.queryRow(ctx, `SELECT status FROM face_reviews WHERE id = ?`, id).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return kintai.NotFound("確認待ちの打刻", "Face review")
		}
		if err != nil {
			return err
		}
		return kintai.Errorf(kintai.ECONFLICT, "この打刻は既に処理されています。", "This review has already been decided.")
	}
	after := map[string]any{"status": status, "note": note}
	if status == ReviewApproved {
		after["staff_id"], after["punch_id"] = staffID, punchID
	}
	return tx.Audit(ctx, "face.review_"+map[string]string{ReviewApproved: "approve", ReviewRejected: "reject"}[status],
		"face_review", id, map[string]any{"status": ReviewPending}, after)
}

// FindPunchStaffByKey returns the staff member of the punch stored under
// origin and client key.
func (db *DB) FindPunchStaffByKey(ctx context.Context, origin, clientKey string) (int64, error) {
	var id int64
	err := db.queryRow(ctx, `SELECT staff_id FROM punches WHERE origin = ? AND client_key = ?`, origin, clientKey).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, kintai.NotFound("打刻", "Punch")
	}
	return id, err
}
