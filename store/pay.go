package store

import (
	"context"
	"fmt"

	"kintai"
	"kintai/rules"
)

// Pay is what a staff member's overtime is paid from (rules.Pay) over a
// validity window.
type Pay struct {
	ID        int64       `json:"id"`
	StaffID   int64       `json:"staff_id"`
	ValidFrom kintai.Date `json:"valid_from"`
	ValidTo   kintai.Date `json:"valid_to,omitzero"` // zero: open-ended
	rules.Pay
}

// Covers reports whether day lies in p's validity window.
func (p *Pay) Covers(day kintai.Date) bool {
	return !day.Before(p.ValidFrom) && (p.ValidTo.IsZero() || !day.After(p.ValidTo))
}

const payColumns = `id, staff_id, valid_from_on, valid_to_on, monthly_yen, hourly_yen, exempt`

func scanPay(sc interface{ Scan(...any) error }) (Pay, error) {
	var p Pay
	var exempt int
	err := sc.Scan(&p.ID, &p.StaffID, &p.ValidFrom, &p.ValidTo, &p.MonthlyYen, &p.HourlyYen, &exempt)
	p.Exempt = exempt == 1
	return p, err
}

// FindPay returns staffID's pay history, by first day.
func (db *DB) FindPay(ctx context.Context, staffID int64) ([]Pay, error) {
	rows, err := db.query(ctx, `SELECT `+payColumns+` FROM staff_pay WHERE staff_id = ? ORDER BY valid_from_on`, staffID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Pay{}
	for rows.Next() {
		p, err := scanPay(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// maxYen bounds pay figures a person enters (a monthly pay of ten million
// yen is a typing mistake).
const maxYen = 10_000_000

// SetPay gives p.StaffID the pay p over p.ValidFrom–p.ValidTo (zero:
// open-ended), cutting back or splitting the pay it overlaps, and marks
// the results of those months stale. It sets p.ID.
func (tx *Tx) SetPay(ctx context.Context, p *Pay) error {
	if err := validWindow(p.ValidFrom, p.ValidTo); err != nil {
		return err
	}
	switch {
	case p.MonthlyYen < 0 || p.MonthlyYen > maxYen:
		return kintai.Invalid("monthly_yen", "月額は0〜1,000万円で入力してください。", "monthly_yen must be 0 to 10,000,000.")
	case p.HourlyYen < 0 || p.HourlyYen > maxYen/100:
		return kintai.Invalid("hourly_yen", "時間額は0〜10万円で入力してください。", "hourly_yen must be 0 to 100,000.")
	case p.MonthlyYen == 0 && p.HourlyYen == 0 && !p.Exempt:
		return kintai.Invalid("monthly_yen", "月額か時間額を入力してください。", "Give a monthly or an hourly amount.")
	}
	if _, err := tx.FindStaffByID(ctx, p.StaffID); err != nil {
		return err
	}
	if err := tx.cutWindows(ctx, windowTable{table: "staff_pay", key: "staff_id", copy: "monthly_yen, hourly_yen, exempt, created_at"},
		p.StaffID, p.ValidFrom, p.ValidTo); err != nil {
		return err
	}
	id, err := tx.insert(ctx, `INSERT INTO staff_pay (staff_id, valid_from_on, valid_to_on, monthly_yen, hourly_yen, exempt, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, p.StaffID, p.ValidFrom, p.ValidTo, p.MonthlyYen, p.HourlyYen, boolInt(p.Exempt), instant(tx.Now))
	if err != nil {
		return fmt.Errorf("pay: %w", err)
	}
	p.ID = id
	if err := tx.markStale(ctx, []int64{p.StaffID}, p.ValidFrom, p.ValidTo); err != nil {
		return err
	}
	return tx.Audit(ctx, "pay.set", "staff_pay", id, nil, p)
}
