package store

import (
	"context"
	"fmt"
	"time"

	"kintai"
)

// WorkPattern is a fixed daily schedule (勤務パターン): start and end in
// minutes after midnight (an end past 1440 crosses midnight), the unpaid
// break inside it, and the weekdays it applies to as a bit mask
// (1<<time.Sunday … 1<<time.Saturday).
type WorkPattern struct {
	ID       int64  `json:"id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	StartMin int    `json:"start_min"`
	EndMin   int    `json:"end_min"`
	BreakMin int    `json:"break_min"`
	Weekdays int    `json:"weekdays"`
}

// Validate checks p.
func (p *WorkPattern) Validate() error {
	switch {
	case p.Code == "" || p.Name == "":
		return kintai.Invalid("code", "勤務パターンのコードと名前を入力してください。", "Pattern code and name are required.")
	case p.StartMin < 0 || p.StartMin >= 1440 || p.EndMin <= p.StartMin || p.EndMin > 2880:
		return kintai.Invalid("end_min", "勤務時間の範囲が正しくありません。", "Invalid start or end time.")
	case p.BreakMin < 0 || p.BreakMin >= p.EndMin-p.StartMin:
		return kintai.Invalid("break_min", "休憩時間が正しくありません。", "Invalid break.")
	case p.Weekdays <= 0 || p.Weekdays >= 128:
		return kintai.Invalid("weekdays", "勤務曜日を選択してください。", "Choose the working weekdays.")
	}
	return nil
}

// CreateWorkPattern adds p and sets its ID.
func (tx *Tx) CreateWorkPattern(ctx context.Context, p *WorkPattern) error {
	if err := p.Validate(); err != nil {
		return err
	}
	id, err := tx.insert(ctx, `INSERT INTO work_patterns (code, name, start_min, end_min, break_min, weekdays, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		p.Code, p.Name, p.StartMin, p.EndMin, p.BreakMin, p.Weekdays, instant(tx.Now))
	if isUniqueViolation(err) {
		return kintai.Errorf(kintai.ECONFLICT, "同じコードの勤務パターンが既にあります。", "A pattern with this code already exists.")
	}
	if err != nil {
		return fmt.Errorf("work pattern: %w", err)
	}
	p.ID = id
	return tx.Audit(ctx, "work_pattern.create", "work_pattern", id, nil, p)
}

// AssignWorkPattern puts staff member staffID on pattern from a date on.
func (tx *Tx) AssignWorkPattern(ctx context.Context, staffID, patternID int64, from, to kintai.Date) error {
	id, err := tx.insert(ctx, `INSERT INTO staff_work_patterns (staff_id, pattern_id, valid_from_on, valid_to_on) VALUES (?, ?, ?, ?)`,
		staffID, patternID, from, to)
	if isForeignKeyViolation(err) {
		return kintai.Invalid("pattern_id", "職員または勤務パターンが見つかりません。", "Staff member or pattern not found.")
	}
	if err != nil {
		return err
	}
	return tx.Audit(ctx, "work_pattern.assign", "staff_work_pattern", id, nil,
		map[string]any{"staff_id": staffID, "pattern_id": patternID, "valid_from": from, "valid_to": to})
}

// CountStaff returns how many staff members there are.
func (db *DB) CountStaff(ctx context.Context) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM staff`).Scan(&n)
	return n, err
}

// PatternAssignment is a staff member's pattern over a validity window.
type PatternAssignment struct {
	Pattern   WorkPattern
	ValidFrom kintai.Date
	ValidTo   kintai.Date // zero: open-ended
}

// FindPatternAssignments returns the patterns assigned to staffID.
func (db *DB) FindPatternAssignments(ctx context.Context, staffID int64) ([]PatternAssignment, error) {
	rows, err := db.query(ctx, `SELECT p.id, p.code, p.name, p.start_min, p.end_min, p.break_min, p.weekdays, a.valid_from_on, a.valid_to_on
		FROM staff_work_patterns a JOIN work_patterns p ON p.id = a.pattern_id WHERE a.staff_id = ? ORDER BY a.valid_from_on`, staffID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PatternAssignment
	for rows.Next() {
		var a PatternAssignment
		p := &a.Pattern
		if err := rows.Scan(&p.ID, &p.Code, &p.Name, &p.StartMin, &p.EndMin, &p.BreakMin, &p.Weekdays, &a.ValidFrom, &a.ValidTo); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Schedule answers which shift a staff member has on a day from their
// pattern assignments (it implements punch.Schedule).
type Schedule struct {
	Assignments []PatternAssignment
	Loc         *time.Location
}

// ShiftOn returns the scheduled start and end instants on day.
func (s Schedule) ShiftOn(day kintai.Date) (start, end time.Time, ok bool) {
	for _, a := range s.Assignments {
		if day.Before(a.ValidFrom) || (!a.ValidTo.IsZero() && day.After(a.ValidTo)) {
			continue
		}
		if a.Pattern.Weekdays&(1<<day.Weekday()) == 0 {
			return time.Time{}, time.Time{}, false
		}
		midnight := day.Time(s.Loc)
		return midnight.Add(time.Duration(a.Pattern.StartMin) * time.Minute), midnight.Add(time.Duration(a.Pattern.EndMin) * time.Minute), true
	}
	return time.Time{}, time.Time{}, false
}
