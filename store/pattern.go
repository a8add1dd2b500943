package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"kintai"
	"kintai/rules"
)

// WorkPattern is a fixed daily schedule in the form the punch ledger first
// used: start and end in minutes after midnight (an end past 1440 crosses
// midnight), the unpaid break inside it, and the weekdays it applies to as
// a bit mask (1<<time.Sunday … 1<<time.Saturday). New code uses
// rules.Pattern (CreatePattern); CreateWorkPattern stores a WorkPattern as
// a fixed rules.Pattern.
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

// Pattern returns p as a fixed rules.Pattern. A WorkPattern knows the
// length of its break but not where it lies, so the break is put in the
// middle of the hours, starting on a quarter hour (8:30–17:15 with 60
// minutes: 12:15–13:15), as the 0003 migration does for stored patterns.
func (p *WorkPattern) Pattern() rules.Pattern {
	rp := rules.Pattern{ID: p.ID, Code: p.Code, Name: p.Name, Kind: rules.PatternFixed, Weekdays: p.Weekdays,
		Hours: rules.Span{StartMin: p.StartMin, EndMin: p.EndMin}}
	if p.BreakMin > 0 {
		start := (p.StartMin + p.EndMin - p.BreakMin) / 2 / 15 * 15
		rp.Breaks = []rules.Span{{StartMin: start, EndMin: start + p.BreakMin}}
	}
	return rp
}

// CreateWorkPattern adds p as a fixed pattern (see WorkPattern.Pattern)
// and sets its ID.
func (tx *Tx) CreateWorkPattern(ctx context.Context, p *WorkPattern) error {
	if err := p.Validate(); err != nil {
		return err
	}
	rp := p.Pattern()
	if err := tx.CreatePattern(ctx, &rp); err != nil {
		return err
	}
	p.ID = rp.ID
	return nil
}

// AssignWorkPattern puts staff member staffID on pattern patternID from
// from to to (zero: open-ended); see AssignPattern.
func (tx *Tx) AssignWorkPattern(ctx context.Context, staffID, patternID int64, from, to kintai.Date) error {
	_, err := tx.AssignPattern(ctx, staffID, patternID, from, to)
	return err
}

// CountStaff returns how many staff members there are.
func (db *DB) CountStaff(ctx context.Context) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM staff`).Scan(&n)
	return n, err
}

const patternColumns = `id, code, name, kind, weekdays, start_min, end_min, breaks, options, unit_weeks, required_min,
	core_start_min, core_end_min, band_start_min, band_end_min, min_daily_min, part_time`

func scanPattern(sc interface{ Scan(...any) error }) (rules.Pattern, error) {
	var p rules.Pattern
	var breaks, options string
	var coreStart, coreEnd, bandStart, bandEnd sql.NullInt64
	var partTime int
	err := sc.Scan(&p.ID, &p.Code, &p.Name, &p.Kind, &p.Weekdays, &p.Hours.StartMin, &p.Hours.EndMin, &breaks, &options,
		&p.UnitWeeks, &p.RequiredMin, &coreStart, &coreEnd, &bandStart, &bandEnd, &p.MinDailyMin, &partTime)
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(breaks), &p.Breaks); err != nil {
		return p, fmt.Errorf("pattern %d breaks: %w", p.ID, err)
	}
	if err := json.Unmarshal([]byte(options), &p.Options); err != nil {
		return p, fmt.Errorf("pattern %d options: %w", p.ID, err)
	}
	if len(p.Breaks) == 0 {
		p.Breaks = nil
	}
	if len(p.Options) == 0 {
		p.Options = nil
	}
	if coreStart.Valid {
		p.Core = &rules.Span{StartMin: int(coreStart.Int64), EndMin: int(coreEnd.Int64)}
	}
	if bandStart.Valid {
		p.Band = &rules.Span{StartMin: int(bandStart.Int64), EndMin: int(bandEnd.Int64)}
	}
	p.PartTime = partTime == 1
	return p, nil
}

// patternArgs returns the values of the columns after id, code, name, in
// patternColumns order, and the total break minutes.
func patternArgs(p *rules.Pattern) []any {
	breaks, _ := json.Marshal(nonNilSpans(p.Breaks))
	options, _ := json.Marshal(nonNilSpans(p.Options))
	breakMin := 0
	for _, b := range p.Breaks {
		breakMin += b.Minutes()
	}
	span := func(s *rules.Span) (any, any) {
		if s == nil {
			return nil, nil
		}
		return s.StartMin, s.EndMin
	}
	cs, ce := span(p.Core)
	bs, be := span(p.Band)
	return []any{p.Kind, p.Weekdays, p.Hours.StartMin, p.Hours.EndMin, breakMin, string(breaks), string(options),
		p.UnitWeeks, p.RequiredMin, cs, ce, bs, be, p.MinDailyMin, boolInt(p.PartTime)}
}

func nonNilSpans(s []rules.Span) []rules.Span {
	if s == nil {
		return []rules.Span{}
	}
	return s
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// validatePattern checks p for storing: rules.ValidatePattern, a code, and
// what the table can hold (a weekday mask for every kind).
func validatePattern(p *rules.Pattern) error {
	if p.Code == "" {
		return kintai.Invalid("code", "勤務パターンのコードを入力してください。", "The pattern code is required.")
	}
	if len(p.Code) > 40 || len([]rune(p.Name)) > 100 {
		return kintai.Invalid("code", "コードは40文字、名前は100文字までです。", "The code is at most 40 characters and the name 100.")
	}
	if p.Weekdays < 0 || p.Weekdays >= 1<<7 {
		return kintai.Invalid("weekdays", "勤務曜日が正しくありません。", "Invalid weekday mask.")
	}
	if err := rules.ValidatePattern(*p); err != nil {
		return err
	}
	if p.Hours != (rules.Span{}) && (p.Hours.StartMin < 0 || p.Hours.StartMin >= 1440 || p.Hours.EndMin <= p.Hours.StartMin || p.Hours.EndMin > 2880) {
		return kintai.Invalid("hours", "勤務時間の範囲が正しくありません。", "Invalid hours.")
	}
	return nil
}

// CreatePattern adds work pattern p and sets its ID.
func (tx *Tx) CreatePattern(ctx context.Context, p *rules.Pattern) error {
	if err := validatePattern(p); err != nil {
		return err
	}
	args := append([]any{p.Code, p.Name}, patternArgs(p)...)
	args = append(args, instant(tx.Now), instant(tx.Now))
	id, err := tx.insert(ctx, `INSERT INTO work_patterns (code, name, kind, weekdays, start_min, end_min, break_min, breaks, options,
		unit_weeks, required_min, core_start_min, core_end_min, band_start_min, band_end_min, min_daily_min, part_time, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	if isUniqueViolation(err) {
		return &kintai.Error{Code: kintai.ECONFLICT, Field: "code", Message: "同じコードの勤務パターンが既にあります。", MessageEN: "A pattern with this code already exists."}
	}
	if err != nil {
		return fmt.Errorf("work pattern: %w", err)
	}
	p.ID = id
	return tx.Audit(ctx, "work_pattern.create", "work_pattern", id, nil, p)
}

// UpdatePattern saves p (found by its ID) and marks stale the results of
// every staff member assigned to it, over their assignments.
func (tx *Tx) UpdatePattern(ctx context.Context, p *rules.Pattern) error {
	if err := validatePattern(p); err != nil {
		return err
	}
	before, err := findPattern(ctx, tx, p.ID)
	if err != nil {
		return err
	}
	args := append([]any{p.Code, p.Name}, patternArgs(p)...)
	args = append(args, instant(tx.Now), p.ID)
	_, err = tx.exec(ctx, `UPDATE work_patterns SET code = ?, name = ?, kind = ?, weekdays = ?, start_min = ?, end_min = ?, break_min = ?,
		breaks = ?, options = ?, unit_weeks = ?, required_min = ?, core_start_min = ?, core_end_min = ?, band_start_min = ?,
		band_end_min = ?, min_daily_min = ?, part_time = ?, updated_at = ? WHERE id = ?`, args...)
	if isUniqueViolation(err) {
		return &kintai.Error{Code: kintai.ECONFLICT, Field: "code", Message: "同じコードの勤務パターンが既にあります。", MessageEN: "A pattern with this code already exists."}
	}
	if err != nil {
		return fmt.Errorf("work pattern: %w", err)
	}
	rows, err := tx.query(ctx, `SELECT staff_id, valid_from_on, valid_to_on FROM staff_work_patterns WHERE pattern_id = ?`, p.ID)
	if err != nil {
		return err
	}
	var marks []staleRange
	for rows.Next() {
		var m staleRange
		if err := rows.Scan(&m.staffID, &m.from, &m.to); err != nil {
			rows.Close()
			return err
		}
		marks = append(marks, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, m := range marks {
		if err := tx.markStale(ctx, []int64{m.staffID}, m.from, m.to); err != nil {
			return err
		}
	}
	return tx.Audit(ctx, "work_pattern.update", "work_pattern", p.ID, before, p)
}

// staleRange is a staff member's days whose results a change affects.
type staleRange struct {
	staffID  int64
	from, to kintai.Date
}

func findPattern(ctx context.Context, q querier, id int64) (*rules.Pattern, error) {
	p, err := scanPattern(q.queryRow(ctx, `SELECT `+patternColumns+` FROM work_patterns WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kintai.NotFound("勤務パターン", "Work pattern")
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// FindPatternByID returns work pattern id.
func (db *DB) FindPatternByID(ctx context.Context, id int64) (*rules.Pattern, error) {
	return findPattern(ctx, db, id)
}

func findPatterns(ctx context.Context, q querier) ([]rules.Pattern, error) {
	rows, err := q.query(ctx, `SELECT `+patternColumns+` FROM work_patterns ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []rules.Pattern{}
	for rows.Next() {
		p, err := scanPattern(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// FindPatterns returns every work pattern, by code.
func (db *DB) FindPatterns(ctx context.Context) ([]rules.Pattern, error) {
	return findPatterns(ctx, db)
}

// PatternAssignment is a staff member's pattern over a validity window.
type PatternAssignment struct {
	ID        int64         `json:"id"`
	StaffID   int64         `json:"staff_id"`
	Pattern   rules.Pattern `json:"pattern"`
	ValidFrom kintai.Date   `json:"valid_from"`
	ValidTo   kintai.Date   `json:"valid_to,omitzero"` // zero: open-ended
}

// Covers reports whether day lies in a's validity window.
func (a *PatternAssignment) Covers(day kintai.Date) bool {
	return !day.Before(a.ValidFrom) && (a.ValidTo.IsZero() || !day.After(a.ValidTo))
}

// AssignPattern puts staff member staffID on pattern patternID from from
// to to (zero: open-ended). The new window wins over the assignments it
// overlaps: they are cut back, or split around it, so a staff member has
// one pattern a day. The results of the days concerned are marked stale.
func (tx *Tx) AssignPattern(ctx context.Context, staffID, patternID int64, from, to kintai.Date) (*PatternAssignment, error) {
	if err := validWindow(from, to); err != nil {
		return nil, err
	}
	p, err := findPattern(ctx, tx, patternID)
	if err != nil {
		if kintai.ErrorCode(err) == kintai.ENOTFOUND {
			return nil, kintai.Invalid("pattern_id", "勤務パターンが見つかりません。", "Work pattern not found.")
		}
		return nil, err
	}
	if _, err := tx.FindStaffByID(ctx, staffID); err != nil {
		if kintai.ErrorCode(err) == kintai.ENOTFOUND {
			return nil, kintai.Invalid("staff_id", "職員が見つかりません。", "Staff member not found.")
		}
		return nil, err
	}
	if err := tx.cutWindows(ctx, windowTable{table: "staff_work_patterns", key: "staff_id", copy: "pattern_id"}, staffID, from, to); err != nil {
		return nil, err
	}
	id, err := tx.insert(ctx, `INSERT INTO staff_work_patterns (staff_id, pattern_id, valid_from_on, valid_to_on) VALUES (?, ?, ?, ?)`,
		staffID, patternID, from, to)
	if err != nil {
		return nil, fmt.Errorf("assign pattern: %w", err)
	}
	a := &PatternAssignment{ID: id, StaffID: staffID, Pattern: *p, ValidFrom: from, ValidTo: to}
	if err := tx.markStale(ctx, []int64{staffID}, from, to); err != nil {
		return nil, err
	}
	return a, tx.Audit(ctx, "work_pattern.assign", "staff_work_pattern", id, nil,
		map[string]any{"staff_id": staffID, "pattern_id": patternID, "valid_from": from, "valid_to": to})
}

// FindPatternAssignments returns the patterns assigned to staffID, by
// first day.
func (db *DB) FindPatternAssignments(ctx context.Context, staffID int64) ([]PatternAssignment, error) {
	byStaff, err := db.findPatternAssignments(ctx, `WHERE a.staff_id = ?`, staffID)
	if as := byStaff[staffID]; as != nil || err != nil {
		return as, err
	}
	return []PatternAssignment{}, nil
}

// FindAllPatternAssignments returns everyone's pattern assignments by
// staff id, each staff member's by first day.
func (db *DB) FindAllPatternAssignments(ctx context.Context) (map[int64][]PatternAssignment, error) {
	return db.findPatternAssignments(ctx, ``)
}

func (db *DB) findPatternAssignments(ctx context.Context, where string, args ...any) (map[int64][]PatternAssignment, error) {
	rows, err := db.query(ctx, `SELECT a.id, a.staff_id, a.valid_from_on, a.valid_to_on, `+prefixed("p.", patternColumns)+`
		FROM staff_work_patterns a JOIN work_patterns p ON p.id = a.pattern_id `+where+` ORDER BY a.staff_id, a.valid_from_on`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]PatternAssignment{}
	for rows.Next() {
		var a PatternAssignment
		p, err := scanPattern(scanPrefix{rows, []any{&a.ID, &a.StaffID, &a.ValidFrom, &a.ValidTo}})
		if err != nil {
			return nil, err
		}
		a.Pattern = p
		out[a.StaffID] = append(out[a.StaffID], a)
	}
	return out, rows.Err()
}

// scanPrefix scans some leading columns into first and passes the rest on.
type scanPrefix struct {
	sc    interface{ Scan(...any) error }
	first []any
}

func (s scanPrefix) Scan(dest ...any) error { return s.sc.Scan(append(s.first, dest...)...) }

// prefixed qualifies each column of a comma-separated list with p.
func prefixed(p, cols string) string {
	out := make([]byte, 0, len(cols)*2)
	start := true
	for i := 0; i < len(cols); i++ {
		c := cols[i]
		if start && c != ' ' && c != '\n' && c != '\t' {
			out = append(out, p...)
			start = false
		}
		out = append(out, c)
		if c == ',' {
			start = true
		}
	}
	return string(out)
}

// Schedule answers which shift a staff member has on a day (it implements
// punch.Schedule), for deciding which business day a punch belongs to.
// A day shift set for the day (勤務割振り: a part-timer's shift, a chosen
// staggered option, a flex allotment) gives its hours, or no shift when
// it is Off. Otherwise the pattern's own hours decide: fixed and staggered
// patterns give their Hours on their weekdays; a flex pattern its core
// time (else its band) on its weekdays; a shift pattern its Hours when it
// has any (a night-shift roster's usual hours), else no shift, so that the
// business-day boundary decides.
//
// DayShifts hold the day shifts from ShiftsFrom to ShiftsTo only; Covers
// tells whether a day's neighbourhood is inside them.
type Schedule struct {
	Assignments          []PatternAssignment
	DayShifts            map[kintai.Date]rules.DayShift
	ShiftsFrom, ShiftsTo kintai.Date
	Loc                  *time.Location
}

// ScheduleWindow is how many days either side of today a Schedule loads
// day shifts for.
const ScheduleWindow = 7

// NewSchedule returns the schedule of one staff member with the day
// shifts of the window around today.
func NewSchedule(asg []PatternAssignment, shifts []DayShift, today kintai.Date, loc *time.Location) Schedule {
	s := Schedule{Assignments: asg, Loc: loc, ShiftsFrom: today.AddDays(-ScheduleWindow), ShiftsTo: today.AddDays(ScheduleWindow)}
	for _, d := range shifts {
		if s.DayShifts == nil {
			s.DayShifts = make(map[kintai.Date]rules.DayShift, len(shifts))
		}
		s.DayShifts[d.Date] = d.DayShift
	}
	return s
}

// Covers reports whether s knows the day shifts of the days next to day,
// those a punch on day may belong to.
func (s Schedule) Covers(day kintai.Date) bool {
	return !day.AddDays(-1).Before(s.ShiftsFrom) && !day.AddDays(1).After(s.ShiftsTo)
}

// ShiftOn returns the scheduled start and end instants on day.
func (s Schedule) ShiftOn(day kintai.Date) (start, end time.Time, ok bool) {
	if d, set := s.DayShifts[day]; set {
		if d.Off {
			return time.Time{}, time.Time{}, false
		}
		return s.span(day, d.Hours)
	}
	for _, a := range s.Assignments {
		if !a.Covers(day) {
			continue
		}
		p := &a.Pattern
		if p.Weekdays&(1<<day.Weekday()) == 0 {
			return time.Time{}, time.Time{}, false
		}
		hours := p.Hours
		if p.Kind == rules.PatternFlex {
			switch {
			case p.Core != nil:
				hours = *p.Core
			case p.Band != nil:
				hours = *p.Band
			}
		}
		return s.span(day, hours)
	}
	return time.Time{}, time.Time{}, false
}

// span returns the instants of hours on day; none when the span is empty.
func (s Schedule) span(day kintai.Date, hours rules.Span) (start, end time.Time, ok bool) {
	if hours.EndMin <= hours.StartMin {
		return time.Time{}, time.Time{}, false
	}
	midnight := day.Time(s.Loc)
	return midnight.Add(time.Duration(hours.StartMin) * time.Minute), midnight.Add(time.Duration(hours.EndMin) * time.Minute), true
}
