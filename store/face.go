package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"kintai"
)

// FaceTemplate is a staff member's enrolled face (顔テンプレート), sealed:
// Ciphertext is AES-GCM over the samples, opened only by package face with
// the server's key. The store never sees a descriptor.
type FaceTemplate struct {
	StaffID    int64
	Model      string
	Samples    int
	Ciphertext []byte
	CreatedAt  time.Time
}

// faceChanged marks a change to data the servers cache for face matching
// and card punches, so every server drops its galleries (see master_version).
func (tx *Tx) faceChanged() { tx.masterDirty = true }

// SaveFaceTemplate stores t, replacing an earlier enrolment of the same
// staff member. via says how it was enrolled ("code" at a kiosk, "self" in
// the portal); the audit entry has the model and sample count, never the
// template.
func (tx *Tx) SaveFaceTemplate(ctx context.Context, t *FaceTemplate, via string) error {
	if len(t.Ciphertext) == 0 || t.Model == "" || t.Samples < 1 {
		return errors.New("face template: model, samples and ciphertext are required")
	}
	t.CreatedAt = tx.Now
	var before map[string]any
	if old, err := findFaceTemplate(ctx, tx, t.StaffID); err == nil {
		before = map[string]any{"model": old.Model, "samples": old.Samples, "created_at": old.CreatedAt}
	} else if kintai.ErrorCode(err) != kintai.ENOTFOUND {
		return err
	}
	if before != nil {
		if _, err := tx.exec(ctx, `UPDATE face_templates SET model = ?, samples = ?, ciphertext = ?, created_at = ? WHERE staff_id = ?`,
			t.Model, t.Samples, t.Ciphertext, instant(tx.Now), t.StaffID); err != nil {
			return fmt.Errorf("face template: %w", err)
		}
	} else if _, err := tx.exec(ctx, `INSERT INTO face_templates (staff_id, model, samples, ciphertext, created_at) VALUES (?, ?, ?, ?, ?)`,
		t.StaffID, t.Model, t.Samples, t.Ciphertext, instant(tx.Now)); err != nil {
		if isForeignKeyViolation(err) {
			return kintai.NotFound("職員", "Staff member")
		}
		return fmt.Errorf("face template: %w", err)
	}
	tx.faceChanged()
	return tx.Audit(ctx, "face.enrol", "face_template", t.StaffID, before,
		map[string]any{"staff_id": t.StaffID, "model": t.Model, "samples": t.Samples, "via": via})
}

const faceTemplateColumns = `staff_id, model, samples, ciphertext, created_at`

func scanFaceTemplate(sc interface{ Scan(...any) error }) (FaceTemplate, error) {
	var t FaceTemplate
	err := sc.Scan(&t.StaffID, &t.Model, &t.Samples, &t.Ciphertext, scanTime{&t.CreatedAt})
	return t, err
}

func findFaceTemplate(ctx context.Context, q querier, staffID int64) (*FaceTemplate, error) {
	t, err := scanFaceTemplate(q.queryRow(ctx, `SELECT `+faceTemplateColumns+` FROM face_templates WHERE staff_id = ?`, staffID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kintai.NotFound("顔の登録", "Face enrolment")
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// FindFaceTemplate returns the template of staff member staffID.
func (db *DB) FindFaceTemplate(ctx context.Context, staffID int64) (*FaceTemplate, error) {
	return findFaceTemplate(ctx, db, staffID)
}

// DeleteFaceTemplate deletes the template of staff member staffID. action
// is the audit action: face.withdraw (by the staff member) or face.delete
// (by HR).
func (tx *Tx) DeleteFaceTemplate(ctx context.Context, staffID int64, action string) error {
	old, err := findFaceTemplate(ctx, tx, staffID)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM face_templates WHERE staff_id = ?`, staffID); err != nil {
		return err
	}
	tx.faceChanged()
	return tx.Audit(ctx, action, "face_template", staffID,
		map[string]any{"staff_id": staffID, "model": old.Model, "samples": old.Samples, "created_at": old.CreatedAt}, nil)
}

// GalleryTemplate is a sealed template with who it belongs to.
type GalleryTemplate struct {
	FaceTemplate
	StaffNo string
	Name    string
}

// FindSiteFaceTemplates returns the templates of the staff of site siteID
// (staff_sites) who are inside their 任用期間 on day on.
func (db *DB) FindSiteFaceTemplates(ctx context.Context, siteID int64, on kintai.Date) ([]GalleryTemplate, error) {
	rows, err := db.query(ctx, `SELECT t.staff_id, t.model, t.samples, t.ciphertext, t.created_at, s.staff_no, s.name
		FROM face_templates t JOIN staff s ON s.id = t.staff_id JOIN staff_sites ss ON ss.staff_id = t.staff_id
		WHERE ss.site_id = ? AND s.appointed_on <= ? AND (s.appointment_ends_on IS NULL OR s.appointment_ends_on >= ?)
		ORDER BY t.staff_id`, siteID, on, on)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []GalleryTemplate
	for rows.Next() {
		var g GalleryTemplate
		if err := rows.Scan(&g.StaffID, &g.Model, &g.Samples, &g.Ciphertext, scanTime{&g.CreatedAt}, &g.StaffNo, &g.Name); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// PurgedTemplate names a template deleted by PurgeFaceTemplates.
type PurgedTemplate struct {
	StaffID int64  `json:"staff_id"`
	Model   string `json:"model"`
}

// PurgeFaceTemplates deletes the templates of staff whose 任用期間 ended
// before day on, each with an audit entry (face.purge) naming the staff
// member and the model, never the template.
func (tx *Tx) PurgeFaceTemplates(ctx context.Context, on kintai.Date) ([]PurgedTemplate, error) {
	rows, err := tx.query(ctx, `SELECT t.staff_id, t.model FROM face_templates t JOIN staff s ON s.id = t.staff_id
		WHERE s.appointment_ends_on IS NOT NULL AND s.appointment_ends_on < ? ORDER BY t.staff_id`, on)
	if err != nil {
		return nil, err
	}
	var out []PurgedTemplate
	for rows.Next() {
		var p PurgedTemplate
		if err := rows.Scan(&p.StaffID, &p.Model); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	done := out[:0]
	for _, p := range out {
		res, err := tx.exec(ctx, `DELETE FROM face_templates WHERE staff_id = ?`, p.StaffID)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue // another server purged it first
		}
		done = append(done, p)
		if err := tx.Audit(ctx, "face.purge", "face_template", p.StaffID, map[string]any{"staff_id": p.StaffID, "model": p.Model},
			map[string]any{"reason": "appointment_ended", "on": on}); err != nil {
			return nil, err
		}
	}
	if len(done) > 0 {
		tx.faceChanged()
	}
	return done, nil
}

// enrolmentAlphabet has no 0/O or 1/I, which people confuse on paper.
const enrolmentAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// newEnrolmentCode returns a random code like "ABCD-EFGH" (40 bits).
func newEnrolmentCode() string {
	b := make([]byte, 8)
	rand.Read(b) // never fails on supported platforms
	for i := range b {
		b[i] = enrolmentAlphabet[int(b[i])%len(enrolmentAlphabet)] // 256 is a multiple of 32: no bias
	}
	return string(b[:4]) + "-" + string(b[4:])
}

// NormaliseCode folds what a person types for a one-time code to its
// canonical form: full-width characters to ASCII, upper case, without
// spaces and hyphens.
func NormaliseCode(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '！' && r <= '～' { // full-width ASCII block
			r -= '！' - '!'
		}
		switch {
		case r == ' ' || r == '　' || r == '-' || r == 'ー' || r == '－':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hashCode is the stored form of a one-time code of the given kind.
func hashCode(kind, code string) string { return HashToken(kind + ":" + NormaliseCode(code)) }

// CreateEnrolmentCode issues a one-time enrolment code (顔登録コード) for
// staff member staffID, valid for ttl, and returns it (shown once) with its
// expiry. Codes issued earlier for the same staff member stay valid until used or expired.
func (tx *Tx) CreateEnrolmentCode(ctx context.Context, staffID int64, ttl time.Duration) (string, time.Time, error) {
	code := newEnrolmentCode()
	expires := tx.Now.Add(ttl)
	id, err := tx.insert(ctx, `INSERT INTO face_enrolment_codes (code_hash, staff_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		hashCode("enrol", code), staffID, instant(tx.Now), instant(expires))
	if isForeignKeyViolation(err) {
		return "", time.Time{}, kintai.NotFound("職員", "Staff member")
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("enrolment code: %w", err)
	}
	return code, expires, tx.Audit(ctx, "face.enrolment_code", "face_enrolment_code", id, nil,
		map[string]any{"staff_id": staffID, "expires_at": expires})
}

// ErrBadCode is the answer to an unknown, used or expired one-time code.
// It does not say which, so codes cannot be probed.
func ErrBadCode(ja, en string) *kintai.Error {
	return &kintai.Error{Code: kintai.EINVALID, Field: "code",
		Message:   ja + "が正しくないか、有効期限が切れているか、使用済みです。",
		MessageEN: en + " is wrong, expired or already used."}
}

// UseEnrolmentCode spends a one-time enrolment code and returns the staff
// member it was issued for.
func (tx *Tx) UseEnrolmentCode(ctx context.Context, code string) (int64, error) {
	var id, staffID int64
	err := tx.queryRow(ctx, `UPDATE face_enrolment_codes SET used_at = ?
		WHERE code_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING id, staff_id`,
		instant(tx.Now), hashCode("enrol", code), instant(tx.Now)).Scan(&id, &staffID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrBadCode("登録コード", "The enrolment code")
	}
	if err != nil {
		return 0, err
	}
	return staffID, tx.Audit(ctx, "face.enrolment_code_use", "face_enrolment_code", id, nil, map[string]any{"staff_id": staffID})
}

// SetStaffCard registers IC card cardID (its ID as the reader types it,
// normalised by the caller) to staff member staffID, replacing their
// earlier card; "" removes it. The audit entry shows only the last four
// characters of the card ID.
func (tx *Tx) SetStaffCard(ctx context.Context, staffID int64, cardID string) error {
	if _, err := findOneStaff(ctx, tx, `id = ?`, staffID); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM staff_cards WHERE staff_id = ?`, staffID); err != nil {
		return err
	}
	tx.faceChanged()
	if cardID == "" {
		return tx.Audit(ctx, "staff.card_remove", "staff", staffID, nil, map[string]any{"card": "removed"})
	}
	_, err := tx.exec(ctx, `INSERT INTO staff_cards (staff_id, card_id, created_at) VALUES (?, ?, ?)`, staffID, cardID, instant(tx.Now))
	if isUniqueViolation(err) {
		return &kintai.Error{Code: kintai.ECONFLICT, Field: "card_id", Message: "このカードは既に別の職員に登録されています。",
			MessageEN: "This card is already registered to another staff member.", Err: err}
	}
	if err != nil {
		return err
	}
	return tx.Audit(ctx, "staff.card_set", "staff", staffID, nil, map[string]any{"card": maskCard(cardID)})
}

func maskCard(id string) string {
	if len(id) <= 4 {
		return strings.Repeat("*", len(id))
	}
	return strings.Repeat("*", len(id)-4) + id[len(id)-4:]
}

// FindStaffByCard returns the id of the staff member holding card cardID.
func (db *DB) FindStaffByCard(ctx context.Context, cardID string) (int64, error) {
	var id int64
	err := db.queryRow(ctx, `SELECT staff_id FROM staff_cards WHERE card_id = ?`, cardID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, kintai.NotFound("ICカード", "Card")
	}
	return id, err
}

// FindStaffCard returns the card ID registered to staff member staffID, "" if none.
func (db *DB) FindStaffCard(ctx context.Context, staffID int64) (string, error) {
	var id string
	err := db.queryRow(ctx, `SELECT card_id FROM staff_cards WHERE staff_id = ?`, staffID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

// PIN is the stored state of a staff member's kiosk PIN (暗証番号).
type PIN struct {
	Hash        string
	Failed      int
	LockedUntil time.Time
	UpdatedAt   time.Time
}

// SetPIN stores the hash of staff member staffID's new PIN and clears any
// lockout. The audit entry records that it changed, never the hash.
func (tx *Tx) SetPIN(ctx context.Context, staffID int64, hash string) error {
	res, err := tx.exec(ctx, `UPDATE staff_pins SET pin_hash = ?, failed = 0, locked_until_at = NULL, updated_at = ? WHERE staff_id = ?`,
		hash, instant(tx.Now), staffID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		_, err = tx.exec(ctx, `INSERT INTO staff_pins (staff_id, pin_hash, updated_at) VALUES (?, ?, ?)`, staffID, hash, instant(tx.Now))
		if isForeignKeyViolation(err) {
			return kintai.NotFound("職員", "Staff member")
		}
		if err != nil {
			return err
		}
	}
	return tx.Audit(ctx, "staff.pin_set", "staff", staffID, nil, map[string]any{"pin": "changed"})
}

// FindPIN returns the PIN state of staff member staffID.
func (db *DB) FindPIN(ctx context.Context, staffID int64) (*PIN, error) {
	var p PIN
	err := db.queryRow(ctx, `SELECT pin_hash, failed, locked_until_at, updated_at FROM staff_pins WHERE staff_id = ?`, staffID).
		Scan(&p.Hash, &p.Failed, scanTime{&p.LockedUntil}, scanTime{&p.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kintai.NotFound("暗証番号", "PIN")
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// RecordPINFailure counts a wrong PIN for staff member staffID and, from
// the lockAfter-th failure in a row, locks the PIN for lockFor, doubling
// with each further failure up to an hour. It returns the failure count
// and the lock's end (zero if not locked). Failures are audited so
// guessing is visible; the PIN tried is not.
func (tx *Tx) RecordPINFailure(ctx context.Context, staffID int64, lockAfter int, lockFor time.Duration) (int, time.Time, error) {
	var failed int
	if err := tx.queryRow(ctx, `UPDATE staff_pins SET failed = failed + 1 WHERE staff_id = ? RETURNING failed`, staffID).Scan(&failed); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 0, time.Time{}, kintai.NotFound("暗証番号", "PIN")
		}
		return 0, time.Time{}, err
	}
	var until time.Time
	if failed >= lockAfter {
		until = tx.Now.Add(min(lockFor<<min(failed-lockAfter, 6), time.Hour))
		if _, err := tx.exec(ctx, `UPDATE staff_pins SET locked_until_at = ? WHERE staff_id = ?`, instant(until), staffID); err != nil {
			return 0, time.Time{}, err
		}
	}
	detail := map[string]any{"failed": failed}
	if !until.IsZero() {
		detail["locked_until"] = until
	}
	return failed, until, tx.Audit(ctx, "staff.pin_failed", "staff", staffID, nil, detail)
}

// ResetPINFailures clears the failure count after a right PIN.
func (tx *Tx) ResetPINFailures(ctx context.Context, staffID int64) error {
	_, err := tx.exec(ctx, `UPDATE staff_pins SET failed = 0, locked_until_at = NULL WHERE staff_id = ?`, staffID)
	return err
}

// Condition is a staff member's smile score at the first clock-in of a
// business day (体調チェック).
type Condition struct {
	Day   kintai.Date `json:"date"`
	Smile float64     `json:"smile"`
}

// RecordCondition stores the smile score of staff member staffID for day,
// unless one is stored already (the first clock-in of the day counts).
func (tx *Tx) RecordCondition(ctx context.Context, staffID int64, day kintai.Date, smile float64) error {
	if !(smile >= 0 && smile <= 1) {
		return kintai.Invalid("smile", "笑顔スコアは0〜1で指定してください。", "smile must be between 0 and 1.")
	}
	_, err := tx.exec(ctx, `INSERT INTO condition_scores (staff_id, business_on, smile, recorded_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (staff_id, business_on) DO NOTHING`, staffID, day, smile, instant(tx.Now))
	return err
}

// FindConditions returns staff member staffID's scores from from to to, by day.
func (db *DB) FindConditions(ctx context.Context, staffID int64, from, to kintai.Date) ([]Condition, error) {
	rows, err := db.query(ctx, `SELECT business_on, smile FROM condition_scores WHERE staff_id = ? AND business_on >= ? AND business_on <= ?
		ORDER BY business_on`, staffID, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Condition{}
	for rows.Next() {
		var c Condition
		if err := rows.Scan(&c.Day, &c.Smile); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ConditionDay is the aggregate of one day's scores of a group.
type ConditionDay struct {
	Day     kintai.Date `json:"date"`
	Count   int         `json:"count"`
	Average float64     `json:"average"`
}

// ConditionSummary returns, per day from from to to, the number and mean
// of the scores of the staff of org units units (nil: everyone). Days with
// fewer than minGroup scores are left out, so that no one person's score
// can be read from an aggregate.
func (db *DB) ConditionSummary(ctx context.Context, units []int64, from, to kintai.Date, minGroup int) ([]ConditionDay, error) {
	q := `SELECT c.business_on, COUNT(*), AVG(c.smile) FROM condition_scores c JOIN staff s ON s.id = c.staff_id
		WHERE c.business_on >= ? AND c.business_on <= ?`
	args := []any{from, to}
	if units != nil {
		if len(units) == 0 {
			return []ConditionDay{}, nil
		}
		q += ` AND s.org_unit_id IN (` + placeholders(len(units)) + `)`
		for _, u := range units {
			args = append(args, u)
		}
	}
	q += ` GROUP BY c.business_on HAVING COUNT(*) >= ? ORDER BY c.business_on`
	rows, err := db.query(ctx, q, append(args, max(minGroup, 1))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ConditionDay{}
	for rows.Next() {
		var d ConditionDay
		if err := rows.Scan(&d.Day, &d.Count, &d.Average); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
