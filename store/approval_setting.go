package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"kintai/approval"
)

// defaultZone is the zone used until SetZone is called: Japan Standard
// Time, which has had no daylight saving since 1951.
var defaultZone = time.FixedZone("Asia/Tokyo", 9*60*60)

// SetZone sets the organisation's time zone, which the request checks use
// to place a day's regular hours (the 乖離 comparison). The server sets it
// from --tz; until then it is Asia/Tokyo.
func (db *DB) SetZone(loc *time.Location) {
	if loc != nil {
		db.zone = loc
	}
}

// Zone returns the organisation's time zone (SetZone).
func (db *DB) Zone() *time.Location {
	if db.zone == nil {
		return defaultZone
	}
	return db.zone
}

// ApprovalSettings are the entity's approval settings (承認の設定) as
// stored, with when they were last saved.
type ApprovalSettings struct {
	approval.Settings
	// UpdatedAt is zero while the documented defaults apply.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

func findApprovalSettings(ctx context.Context, q querier) (ApprovalSettings, error) {
	s := ApprovalSettings{Settings: approval.DefaultSettings()}
	var js string
	err := q.queryRow(ctx, `SELECT settings, updated_at FROM approval_settings WHERE id = 1`).Scan(&js, scanTime{&s.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	// Read over the defaults: a setting added after the row was saved
	// takes its default.
	if err := json.Unmarshal([]byte(js), &s.Settings); err != nil {
		return s, fmt.Errorf("approval settings: %w", err)
	}
	return s, nil
}

// FindApprovalSettings returns the entity's approval settings, the
// defaults (approval.DefaultSettings) when none were saved.
func (db *DB) FindApprovalSettings(ctx context.Context) (ApprovalSettings, error) {
	return findApprovalSettings(ctx, db)
}

// SaveApprovalSettings validates and saves s. Requests already decided keep
// what they were decided under; the new values apply from the next
// decision, check or escalation run.
func (tx *Tx) SaveApprovalSettings(ctx context.Context, s approval.Settings) (ApprovalSettings, error) {
	if err := approval.ValidateSettings(s); err != nil {
		return ApprovalSettings{}, err
	}
	before, err := findApprovalSettings(ctx, tx)
	if err != nil {
		return before, err
	}
	js, err := json.Marshal(s)
	if err != nil {
		return before, err
	}
	if _, err := tx.exec(ctx, `INSERT INTO approval_settings (id, settings, updated_at) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`, string(js), instant(tx.Now)); err != nil {
		return before, fmt.Errorf("approval settings: %w", err)
	}
	after := ApprovalSettings{Settings: s, UpdatedAt: tx.Now}
	var b any
	if !before.UpdatedAt.IsZero() {
		b = before
	}
	return after, tx.AuditKey(ctx, "approval_settings.update", "approval_settings", "1", b, after)
}
