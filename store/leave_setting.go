package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"kintai"
	"kintai/approval"
	"kintai/leave"
)

// LeaveConfig is the entity's leave: the settings (the day length, half
// days, carry-over, the grant year …) and the leave types it offers (休暇の
// 種類, 特別休暇 among them, with their units, limits and pay). One per
// database; the documented defaults until HR saves its own.
type LeaveConfig struct {
	Settings leave.Settings `json:"settings"`
	Types    []leave.Type   `json:"types"`
	// UpdatedAt is when it was last saved, zero while the defaults apply.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// DefaultLeaveConfig returns the documented defaults.
func DefaultLeaveConfig() LeaveConfig {
	return LeaveConfig{Settings: leave.DefaultSettings(), Types: leave.DefaultTypes()}
}

// Type returns the leave type code, if there is one.
func (c *LeaveConfig) Type(code string) (leave.Type, bool) {
	i := slices.IndexFunc(c.Types, func(t leave.Type) bool { return t.Code == code })
	if i < 0 {
		return leave.Type{}, false
	}
	return c.Types[i], true
}

// Offered returns the types that are not disabled, in order.
func (c *LeaveConfig) Offered() []leave.Type {
	return slices.DeleteFunc(slices.Clone(c.Types), func(t leave.Type) bool { return t.Disabled })
}

// typeMap returns the types by code.
func (c *LeaveConfig) typeMap() map[string]leave.Type {
	m := make(map[string]leave.Type, len(c.Types))
	for _, t := range c.Types {
		m[t.Code] = t
	}
	return m
}

// balanceOf returns the balance leave type code draws on, if any.
func (c *LeaveConfig) balanceOf(code string) (leave.Category, bool) {
	t, ok := c.Type(code)
	if !ok || !validBalance(t.Category) {
		return "", false
	}
	return t.Category, true
}

func findLeaveConfig(ctx context.Context, q querier) (LeaveConfig, error) {
	c := DefaultLeaveConfig()
	var ss, ts string
	err := q.queryRow(ctx, `SELECT settings, types, updated_at FROM leave_settings WHERE id = 1`).Scan(&ss, &ts, scanTime{&c.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	// The settings are read over the defaults, so that a setting added
	// later takes its default; the types are the entity's list as saved.
	if err := json.Unmarshal([]byte(ss), &c.Settings); err != nil {
		return c, fmt.Errorf("leave settings: %w", err)
	}
	c.Types = nil
	if err := json.Unmarshal([]byte(ts), &c.Types); err != nil {
		return c, fmt.Errorf("leave types: %w", err)
	}
	return c, nil
}

// FindLeaveConfig returns the entity's leave settings and types.
func (db *DB) FindLeaveConfig(ctx context.Context) (LeaveConfig, error) {
	return findLeaveConfig(ctx, db)
}

// FindLeaveConfig returns the entity's leave settings and types, read
// once per transaction (a bulk approval checks many leave requests).
func (tx *Tx) FindLeaveConfig(ctx context.Context) (LeaveConfig, error) {
	if tx.leaveConfig == nil {
		c, err := findLeaveConfig(ctx, tx)
		if err != nil {
			return c, err
		}
		tx.leaveConfig = &c
	}
	c := *tx.leaveConfig
	c.Types = slices.Clone(c.Types)
	return c, nil
}

// SaveLeaveConfig validates and saves c. A built-in type (of
// leave.DefaultTypes) cannot be removed, only disabled, nor can a type
// that requests use; the balances (年次休暇, 代休, 超勤代休時間) keep one
// type each. Results from the month before tx.Now on are marked stale:
// whether a leave is paid enters the payroll figures.
func (tx *Tx) SaveLeaveConfig(ctx context.Context, c *LeaveConfig) error {
	if err := ValidateLeaveConfig(c); err != nil {
		return err
	}
	tx.leaveConfig = nil
	before, err := findLeaveConfig(ctx, tx)
	if err != nil {
		return err
	}
	for _, t := range before.Types {
		if _, kept := c.Type(t.Code); kept {
			continue
		}
		if slices.ContainsFunc(leave.DefaultTypes(), func(d leave.Type) bool { return d.Code == t.Code }) {
			return kintai.Invalid("types", fmt.Sprintf("「%s」は既定の休暇のため削除できません。使わない場合は「使用しない」にしてください。", t.Name),
				fmt.Sprintf("%s is a built-in leave type: disable it instead of removing it.", t.Code))
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM requests WHERE kind = 'leave' AND payload LIKE ?`, `%"type":"`+t.Code+`"%`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return kintai.Invalid("types", fmt.Sprintf("「%s」は%d件の申請で使われているため削除できません。「使用しない」にしてください。", t.Name, n),
				fmt.Sprintf("%s is used by %d requests: disable it instead of removing it.", t.Code, n))
		}
	}
	var b any
	if !before.UpdatedAt.IsZero() {
		b = before
	}
	c.UpdatedAt = tx.Now
	return tx.saveSettingsRow(ctx, "leave_settings", [2]string{"settings", "types"}, [2]any{c.Settings, c.Types}, b, c)
}

// ValidateLeaveConfig checks a leave configuration a person gave. Errors
// name the field: settings.<name>, or types[<i>].<name>.
func ValidateLeaveConfig(c *LeaveConfig) error {
	if err := c.Settings.Validate(); err != nil {
		return kintai.PrefixField(err, "settings.")
	}
	seen := map[string]bool{}
	for i := range c.Types {
		t := &c.Types[i]
		if err := t.Validate(); err != nil {
			return kintai.PrefixField(err, fmt.Sprintf("types[%d].", i))
		}
		if seen[t.Code] {
			return kintai.Invalid(fmt.Sprintf("types[%d].code", i), fmt.Sprintf("休暇のコード「%s」が重複しています。", t.Code),
				fmt.Sprintf("Leave type code %q is listed twice.", t.Code))
		}
		seen[t.Code] = true
	}
	for _, b := range LeaveBalances {
		n := 0
		for _, t := range c.Types {
			if t.Category == b {
				n++
			}
		}
		if n != 1 {
			return kintai.Invalid("types", fmt.Sprintf("%sの休暇は1つだけ必要です（%d件あります）。", b.Label(), n),
				fmt.Sprintf("There must be exactly one %s leave type (there are %d).", b, n))
		}
	}
	return nil
}

// checkLeaveType refuses leave request req for a type the entity does not
// offer, that the staff member's employment type may not take, or in a
// unit the type is not taken in.
func (tx *Tx) checkLeaveType(ctx context.Context, req approval.Request) error {
	l := req.Leave
	cfg, err := tx.FindLeaveConfig(ctx)
	if err != nil {
		return err
	}
	t, ok := cfg.Type(l.Type)
	if !ok || t.Disabled {
		return kintai.Invalid("leave.type", "休暇の種類が不正です。", "Unknown leave type.")
	}
	st, err := tx.FindStaffByID(ctx, req.StaffID)
	if err != nil {
		return err
	}
	if !t.EligibleFor(st.EmploymentType) {
		return kintai.Invalid("leave.type", fmt.Sprintf("%sは%sには適用されません。", t.Name, st.EmploymentType.Label()),
			fmt.Sprintf("%s is not available to %s staff.", t.Code, st.EmploymentType))
	}
	if u := leaveUnit(l.Unit); !t.Allows(u) {
		return kintai.Invalid("leave.unit", fmt.Sprintf("%sは%s単位では取得できません。", t.Name, u.Label()),
			fmt.Sprintf("%s cannot be taken by the %s.", t.Code, u))
	}
	return nil
}
