package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"kintai"
	"kintai/rules"
)

// DayShift is the hours set for one staff member on one day (勤務割振り):
// a part-time shift, a chosen staggered option, a flex allotment, or Off
// for an extra rest day.
type DayShift struct {
	StaffID int64       `json:"staff_id"`
	Date    kintai.Date `json:"date"`
	rules.DayShift
}

// FindDayShifts returns staffID's day shifts from from to to, by date.
func (db *DB) FindDayShifts(ctx context.Context, staffID int64, from, to kintai.Date) ([]DayShift, error) {
	return findDayShifts(ctx, db, staffID, from, to)
}

func findDayShifts(ctx context.Context, q querier, staffID int64, from, to kintai.Date) ([]DayShift, error) {
	rows, err := q.query(ctx, `SELECT staff_id, day_on, start_min, end_min, breaks, off FROM day_shifts
		WHERE staff_id = ? AND day_on >= ? AND day_on <= ? ORDER BY day_on`, staffID, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []DayShift{}
	for rows.Next() {
		d, err := scanDayShift(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// FindAllDayShifts returns everyone's day shifts from from to to, by staff
// member and date.
func (db *DB) FindAllDayShifts(ctx context.Context, from, to kintai.Date) (map[int64][]DayShift, error) {
	rows, err := db.query(ctx, `SELECT staff_id, day_on, start_min, end_min, breaks, off FROM day_shifts
		WHERE day_on >= ? AND day_on <= ? ORDER BY staff_id, day_on`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]DayShift{}
	for rows.Next() {
		d, err := scanDayShift(rows)
		if err != nil {
			return nil, err
		}
		out[d.StaffID] = append(out[d.StaffID], d)
	}
	return out, rows.Err()
}

func scanDayShift(sc interface{ Scan(...any) error }) (DayShift, error) {
	var d DayShift
	var breaks string
	var off int
	if err := sc.Scan(&d.StaffID, &d.Date, &d.Hours.StartMin, &d.Hours.EndMin, &breaks, &off); err != nil {
		return d, err
	}
	d.Off = off == 1
	if breaks != "[]" {
		if err := json.Unmarshal([]byte(breaks), &d.Breaks); err != nil {
			return d, fmt.Errorf("day shift breaks: %w", err)
		}
	}
	return d, nil
}

// validateDayShift checks the hours of one day as rules.Plan would.
func validateDayShift(d *DayShift) error {
	if d.Date.IsZero() {
		return kintai.Invalid("date", "日付を入力してください。", "The date is required.")
	}
	if d.Off {
		if d.Hours != (rules.Span{}) || len(d.Breaks) > 0 {
			return kintai.Invalid("off", d.Date.String()+": 休みの日に勤務時間は設定できません。", d.Date.String()+": a day off has no hours.")
		}
		return nil
	}
	// A one-day fixed pattern checks the span and the breaks.
	err := rules.ValidatePattern(rules.Pattern{Name: "-", Kind: rules.PatternFixed, Weekdays: 1, Hours: d.Hours, Breaks: d.Breaks})
	if e, ok := err.(*kintai.Error); ok {
		return &kintai.Error{Code: e.Code, Field: e.Field, Message: d.Date.String() + ": " + e.Message, MessageEN: d.Date.String() + ": " + e.MessageEN}
	}
	return err
}

// PutDayShifts replaces staffID's day shifts from from to to with shifts,
// which must lie in that range, one per date. One audit entry records the
// range before and after; the results of the days are marked stale.
func (tx *Tx) PutDayShifts(ctx context.Context, staffID int64, from, to kintai.Date, shifts []DayShift) error {
	if err := validWindow(from, to); err != nil {
		return err
	}
	if to.IsZero() || to.After(from.AddDays(92)) {
		return kintai.Invalid("to", "勤務割振りは3か月分まで一度に保存できます。", "At most three months of day shifts can be saved at once.")
	}
	seen := map[kintai.Date]bool{}
	for i := range shifts {
		d := &shifts[i]
		d.StaffID = staffID
		if err := validateDayShift(d); err != nil {
			return err
		}
		if d.Date.Before(from) || d.Date.After(to) {
			return kintai.Invalid("date", d.Date.String()+": 期間外の日付です。", d.Date.String()+": outside the range.")
		}
		if seen[d.Date] {
			return kintai.Invalid("date", d.Date.String()+": 同じ日付が2回あります。", d.Date.String()+": the date is given twice.")
		}
		seen[d.Date] = true
	}
	if _, err := tx.FindStaffByID(ctx, staffID); err != nil {
		return err
	}
	before, err := findDayShifts(ctx, tx, staffID, from, to)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM day_shifts WHERE staff_id = ? AND day_on >= ? AND day_on <= ?`, staffID, from, to); err != nil {
		return fmt.Errorf("day shifts: %w", err)
	}
	sorted := slices.Clone(shifts)
	slices.SortFunc(sorted, func(a, b DayShift) int { return dateCompare(a.Date, b.Date) })
	if err := tx.insertDayShifts(ctx, sorted); err != nil {
		return err
	}
	if err := tx.markStale(ctx, []int64{staffID}, from, to); err != nil {
		return err
	}
	return tx.AuditKey(ctx, "day_shift.put", "day_shifts", fmt.Sprintf("%d/%s/%s", staffID, from, to),
		map[string]any{"staff_id": staffID, "from": from, "to": to, "shifts": before},
		map[string]any{"staff_id": staffID, "from": from, "to": to, "shifts": nonNilShifts(sorted)})
}

func nonNilShifts(s []DayShift) []DayShift {
	if s == nil {
		return []DayShift{}
	}
	return s
}

// insertDayShifts writes shifts with multi-row inserts.
func (tx *Tx) insertDayShifts(ctx context.Context, shifts []DayShift) error {
	const cols, perStatement = 7, 200
	for len(shifts) > 0 {
		n := min(len(shifts), perStatement)
		args := make([]any, 0, n*cols)
		for _, d := range shifts[:n] {
			breaks, err := json.Marshal(nonNilSpans(d.Breaks))
			if err != nil {
				return err
			}
			args = append(args, d.StaffID, d.Date, d.Hours.StartMin, d.Hours.EndMin, string(breaks), boolInt(d.Off), instant(tx.Now))
		}
		if _, err := tx.exec(ctx, `INSERT INTO day_shifts (staff_id, day_on, start_min, end_min, breaks, off, updated_at) VALUES `+
			valuesList(n, cols), args...); err != nil {
			return fmt.Errorf("day shifts: %w", err)
		}
		shifts = shifts[n:]
	}
	return nil
}

// dateCompare orders dates.
func dateCompare(a, b kintai.Date) int {
	switch {
	case a.Before(b):
		return -1
	case a.After(b):
		return 1
	}
	return 0
}
