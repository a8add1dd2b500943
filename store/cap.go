package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"kintai"
	"kintai/rules"
)

// CapAssignment gives an org unit, and every unit below it without one of
// its own, an overtime cap profile (上限の区分: 自律, 他律, 36協定) over
// whole months. A unit with none anywhere above it is autonomous.
type CapAssignment struct {
	ID        int64            `json:"id"`
	OrgUnitID int64            `json:"org_unit_id"`
	Profile   rules.CapProfile `json:"profile"`
	ValidFrom kintai.Date      `json:"valid_from"`
	ValidTo   kintai.Date      `json:"valid_to,omitzero"` // zero: open-ended
}

// Covers reports whether day lies in a's validity window.
func (a *CapAssignment) Covers(day kintai.Date) bool {
	return !day.Before(a.ValidFrom) && (a.ValidTo.IsZero() || !day.After(a.ValidTo))
}

func findCapAssignments(ctx context.Context, q querier) ([]CapAssignment, error) {
	rows, err := q.query(ctx, `SELECT id, org_unit_id, profile, valid_from_on, valid_to_on FROM org_unit_caps ORDER BY org_unit_id, valid_from_on`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []CapAssignment{}
	for rows.Next() {
		var a CapAssignment
		if err := rows.Scan(&a.ID, &a.OrgUnitID, &a.Profile, &a.ValidFrom, &a.ValidTo); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// FindCapAssignments returns every org unit's cap profiles, by unit and
// first month.
func (db *DB) FindCapAssignments(ctx context.Context) ([]CapAssignment, error) {
	return findCapAssignments(ctx, db)
}

// CapProfiles resolves the cap profile of an org unit in a month.
type CapProfiles struct {
	tree  kintai.OrgTree
	byOrg map[int64][]CapAssignment
}

// NewCapProfiles returns the resolver of assignments over tree.
func NewCapProfiles(tree kintai.OrgTree, assignments []CapAssignment) *CapProfiles {
	c := &CapProfiles{tree: tree, byOrg: map[int64][]CapAssignment{}}
	for _, a := range assignments {
		c.byOrg[a.OrgUnitID] = append(c.byOrg[a.OrgUnitID], a)
	}
	return c
}

// On returns the profile of unit on day: its own, else that of the
// nearest unit above it that has one, else autonomous.
func (c *CapProfiles) On(unit int64, day kintai.Date) rules.CapProfile {
	for seen := 0; unit != 0 && seen <= len(c.tree)+1; seen++ {
		for _, a := range c.byOrg[unit] {
			if a.Covers(day) {
				return a.Profile
			}
		}
		unit = c.tree[unit]
	}
	return rules.CapAutonomous
}

// SetCapAssignment gives a.OrgUnitID profile a.Profile from the month of
// a.ValidFrom to the end of the month of a.ValidTo (zero: open-ended),
// cutting back the unit's profiles it overlaps; the dates are moved to
// whole months. Results of the months concerned are marked stale for
// everyone (alerts depend on the profile). It sets a.ID.
func (tx *Tx) SetCapAssignment(ctx context.Context, a *CapAssignment) error {
	switch a.Profile {
	case rules.CapAutonomous, rules.CapHeteronomous, rules.CapLabor36:
	default:
		return kintai.Invalid("profile", "上限の区分は autonomous、heteronomous、labor36 のいずれかです。",
			"profile must be autonomous, heteronomous or labor36.")
	}
	if err := validWindow(a.ValidFrom, a.ValidTo); err != nil {
		return err
	}
	a.ValidFrom = MonthOf(a.ValidFrom)
	if !a.ValidTo.IsZero() {
		a.ValidTo = MonthEnd(a.ValidTo)
	}
	if _, err := tx.FindOrgUnitByID(ctx, a.OrgUnitID); err != nil {
		if kintai.ErrorCode(err) == kintai.ENOTFOUND {
			return kintai.Invalid("org_unit_id", "所属が見つかりません。", "Org unit not found.")
		}
		return err
	}
	if err := tx.cutWindows(ctx, windowTable{table: "org_unit_caps", key: "org_unit_id", copy: "profile, created_at"},
		a.OrgUnitID, a.ValidFrom, a.ValidTo); err != nil {
		return err
	}
	id, err := tx.insert(ctx, `INSERT INTO org_unit_caps (org_unit_id, profile, valid_from_on, valid_to_on, created_at) VALUES (?, ?, ?, ?, ?)`,
		a.OrgUnitID, a.Profile, a.ValidFrom, a.ValidTo, instant(tx.Now))
	if err != nil {
		return fmt.Errorf("cap profile: %w", err)
	}
	a.ID = id
	if err := tx.markStale(ctx, nil, a.ValidFrom, a.ValidTo); err != nil {
		return err
	}
	return tx.Audit(ctx, "cap_profile.set", "org_unit_cap", id, nil, a)
}

// DeleteCapAssignment removes cap assignment id.
func (tx *Tx) DeleteCapAssignment(ctx context.Context, id int64) error {
	var a CapAssignment
	err := tx.queryRow(ctx, `SELECT id, org_unit_id, profile, valid_from_on, valid_to_on FROM org_unit_caps WHERE id = ?`, id).
		Scan(&a.ID, &a.OrgUnitID, &a.Profile, &a.ValidFrom, &a.ValidTo)
	if errors.Is(err, sql.ErrNoRows) {
		return kintai.NotFound("上限の区分", "Cap profile")
	}
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM org_unit_caps WHERE id = ?`, id); err != nil {
		return err
	}
	if err := tx.markStale(ctx, nil, a.ValidFrom, a.ValidTo); err != nil {
		return err
	}
	return tx.Audit(ctx, "cap_profile.delete", "org_unit_cap", id, a, nil)
}

// SpecialMonth is a staff member's month of 特例業務 (災害対応 and the
// like), for which the caps are lifted.
type SpecialMonth struct {
	StaffID int64       `json:"staff_id"`
	Month   kintai.Date `json:"month"` // the first day
	Reason  string      `json:"reason"`
}

// FindSpecialMonths returns staffID's 特例業務 months, by month.
func (db *DB) FindSpecialMonths(ctx context.Context, staffID int64) ([]SpecialMonth, error) {
	rows, err := db.query(ctx, `SELECT staff_id, month_on, reason FROM special_months WHERE staff_id = ? ORDER BY month_on`, staffID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []SpecialMonth{}
	for rows.Next() {
		var m SpecialMonth
		if err := rows.Scan(&m.StaffID, &m.Month, &m.Reason); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// SetSpecialMonth marks (special) or unmarks m.StaffID's month m.Month as
// 特例業務. The results of that month and of the months whose averages and
// totals it enters are marked stale.
func (tx *Tx) SetSpecialMonth(ctx context.Context, m *SpecialMonth, special bool) error {
	if m.Month.IsZero() {
		return kintai.Invalid("month", "月を指定してください。", "The month is required.")
	}
	m.Month = MonthOf(m.Month)
	m.Reason = strings.TrimSpace(m.Reason)
	if special && (m.Reason == "" || len([]rune(m.Reason)) > 200) {
		return kintai.Invalid("reason", "特例業務の理由を200文字以内で入力してください。", "Give the reason for the special work in at most 200 characters.")
	}
	if _, err := tx.FindStaffByID(ctx, m.StaffID); err != nil {
		return err
	}
	var before *SpecialMonth
	var old SpecialMonth
	err := tx.queryRow(ctx, `SELECT staff_id, month_on, reason FROM special_months WHERE staff_id = ? AND month_on = ?`, m.StaffID, m.Month).
		Scan(&old.StaffID, &old.Month, &old.Reason)
	switch {
	case err == nil:
		before = &old
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	if special {
		_, err = tx.exec(ctx, `INSERT INTO special_months (staff_id, month_on, reason, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (staff_id, month_on) DO UPDATE SET reason = excluded.reason`, m.StaffID, m.Month, m.Reason, instant(tx.Now))
	} else {
		if before == nil {
			return kintai.NotFound("特例業務の月", "Special month")
		}
		_, err = tx.exec(ctx, `DELETE FROM special_months WHERE staff_id = ? AND month_on = ?`, m.StaffID, m.Month)
	}
	if err != nil {
		return fmt.Errorf("special month: %w", err)
	}
	// The month enters the fiscal-year totals and the 2–6 month averages
	// of the months after it.
	if err := tx.markStale(ctx, []int64{m.StaffID}, m.Month, MonthEnd(AddMonths(m.Month, 11))); err != nil {
		return err
	}
	var after any
	if special {
		after = m
	}
	return tx.AuditKey(ctx, "special_month.set", "special_month", fmt.Sprintf("%d/%s", m.StaffID, m.Month), before, after)
}
