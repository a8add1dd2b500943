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

// MonthResult is one staff member's stored month (月次集計): derived data,
// recomputed wholesale from punches and master data (see RecomputeMonth).
type MonthResult struct {
	StaffID    int64       `json:"staff_id"`
	Month      kintai.Date `json:"month"` // the first day
	ComputedAt time.Time   `json:"computed_at"`
	// OrgUnitID and Profile are the staff member's unit and its cap
	// profile when the month was computed.
	OrgUnitID int64            `json:"org_unit_id"`
	Profile   rules.CapProfile `json:"profile"`
	// Totals are the monthly totals with the pay categories and warnings.
	Totals rules.MonthResult `json:"totals"`
	// Alerts are the cap and health alerts of the month (rules.CheckCaps);
	// AlertLevel is the gravest of their levels ("" for none).
	Alerts     []rules.Alert `json:"alerts"`
	AlertLevel string        `json:"alert_level"`
	// ForecastOn is, for the month in progress, the day the month's
	// overtime goes over the monthly cap (rules.MonthCapOf) at its pace so
	// far (rules.Forecast); zero when it does not.
	ForecastOn       kintai.Date `json:"forecast_on,omitzero"`
	ForecastLimitMin int         `json:"forecast_limit_min,omitempty"`
	// Days are the daily results (日次実績); left out of team lists.
	Days []rules.DayResult `json:"days,omitempty"`
}

// alertRank orders alert levels by gravity.
var alertRank = map[string]int{"": 0, rules.LevelInfo: 1, rules.LevelNotice: 2, rules.LevelDoctor: 3, rules.LevelBreach: 4}

// gravest returns the gravest level of alerts.
func gravest(alerts []rules.Alert) string {
	level := ""
	for _, a := range alerts {
		if alertRank[a.Level] > alertRank[level] {
			level = a.Level
		}
	}
	return level
}

// MonthOf returns the first day of d's month.
func MonthOf(d kintai.Date) kintai.Date { return kintai.Date{Year: d.Year, Month: d.Month, Day: 1} }

// MonthEnd returns the last day of d's month.
func MonthEnd(d kintai.Date) kintai.Date { return kintai.NewDate(d.Year, d.Month+1, 0) }

// AddMonths returns the first day of the month n months after d's.
func AddMonths(d kintai.Date, n int) kintai.Date {
	return kintai.NewDate(d.Year, d.Month+time.Month(n), 1)
}

// monthIndex numbers months consecutively.
func monthIndex(d kintai.Date) int { return d.Year*12 + int(d.Month) - 1 }

// resultColumns are the columns of month_results other than the detail.
const resultColumns = `staff_id, month_on, computed_at, org_unit_id, profile, days_worked, scheduled_min, worked_min, regular_min,
	overtime_min, over60_min, over60_rest_min, night_min, holiday_pay_min, rest_designated_min, special_min, late_min, early_min, leave_min,
	unpaid_leave_min, absence_min, telework_days, exception_days, warning_count, alert_level, hourly_yen, amount_yen, forecast_on,
	categories, warnings, alerts, leave_by_category`

func scanResult(sc interface{ Scan(...any) error }, withDays bool) (MonthResult, error) {
	var r MonthResult
	t := &r.Totals
	var warningCount int
	var categories, warnings, alerts, leaveByCategory, days string
	dest := []any{&r.StaffID, &r.Month, scanTime{&r.ComputedAt}, &r.OrgUnitID, &r.Profile, &t.DaysWorked, &t.ScheduledMin,
		&t.WorkedMin, &t.RegularMin, &t.OvertimeMin, &t.Over60Min, &t.Over60RestMin, &t.NightMin, &t.HolidayPayMin, &t.RestDesignatedMin,
		&t.SpecialMin, &t.LateMin, &t.EarlyMin, &t.LeaveMin, &t.UnpaidLeaveMin, &t.AbsenceMin, &t.TeleworkDays,
		&t.ExceptionDays, &warningCount, &r.AlertLevel, &t.HourlyYen, &t.AmountYen, &r.ForecastOn, &categories, &warnings, &alerts, &leaveByCategory}
	if withDays {
		dest = append(dest, &days)
	}
	if err := sc.Scan(dest...); err != nil {
		return r, err
	}
	t.Year, t.Month = r.Month.Year, r.Month.Month
	if !r.ForecastOn.IsZero() {
		r.ForecastLimitMin = rules.MonthCapOf(r.Profile).Min
	}
	for _, f := range []struct {
		name string
		src  string
		dst  any
	}{{"categories", categories, &t.Categories}, {"warnings", warnings, &t.Warnings}, {"alerts", alerts, &r.Alerts},
		{"leave_by_category", leaveByCategory, &t.LeaveByCategory}} {
		if err := json.Unmarshal([]byte(f.src), f.dst); err != nil {
			return r, fmt.Errorf("month result %d/%s %s: %w", r.StaffID, r.Month, f.name, err)
		}
	}
	if withDays {
		if err := json.Unmarshal([]byte(days), &r.Days); err != nil {
			return r, fmt.Errorf("month result %d/%s days: %w", r.StaffID, r.Month, err)
		}
	}
	return r, nil
}

// FindMonthResult returns the stored result of staffID's month (any day
// of it), with its days.
func (db *DB) FindMonthResult(ctx context.Context, staffID int64, month kintai.Date) (*MonthResult, error) {
	r, err := scanResult(db.queryRow(ctx, `SELECT `+resultColumns+`, days FROM month_results WHERE staff_id = ? AND month_on = ?`,
		staffID, MonthOf(month)), true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kintai.NotFound("月次集計", "Month result")
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// ResultFilter selects stored month results.
type ResultFilter struct {
	Month kintai.Date // any day of the month
	// StaffIDs, when not nil, limits the results to these staff.
	StaffIDs []int64
	// Units, when not nil, limits the results to staff whose unit was one
	// of these when the month was computed.
	Units []int64
}

// FindMonthResults returns stored month results without their days, by
// staff id.
func (db *DB) FindMonthResults(ctx context.Context, f ResultFilter) ([]MonthResult, error) {
	q := `SELECT ` + resultColumns + ` FROM month_results WHERE month_on = ?`
	args := []any{MonthOf(f.Month)}
	for _, in := range []struct {
		col string
		ids []int64
	}{{"staff_id", f.StaffIDs}, {"org_unit_id", f.Units}} {
		if in.ids == nil {
			continue
		}
		if len(in.ids) == 0 {
			return []MonthResult{}, nil
		}
		q += ` AND ` + in.col + ` IN (` + placeholders(len(in.ids)) + `)`
		for _, id := range in.ids {
			args = append(args, id)
		}
	}
	rows, err := db.query(ctx, q+` ORDER BY staff_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []MonthResult{}
	for rows.Next() {
		r, err := scanResult(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// lastMonthStart is the first day of the month before now's: settings
// and master data without validity dates change results from there on,
// earlier months keeping the figures they were paid on until recomputed
// on purpose (kintai recompute).
func lastMonthStart(now time.Time) kintai.Date {
	d := kintai.DateOf(now, time.UTC)
	return kintai.NewDate(d.Year, d.Month-1, 1)
}

// markStale marks stale the stored results of staffIDs (nil: everyone)
// for the months a change to the days from–to (to zero: open-ended)
// affects: the months holding them, and the month after to when to lies in
// the last week of its month, since a month is computed from the start of
// the week holding its first day. Only months with stored results are
// marked; a month without is computed when first needed. It also counts
// the change in results_watermark.master_gen (see recompute).
func (tx *Tx) markStale(ctx context.Context, staffIDs []int64, from, to kintai.Date) error {
	if staffIDs != nil && len(staffIDs) == 0 {
		return nil
	}
	if _, err := tx.exec(ctx, `UPDATE results_watermark SET master_gen = master_gen + 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("mark stale: %w", err)
	}
	cond := `month_on >= ?`
	args := []any{MonthOf(from)}
	if !to.IsZero() {
		cond += ` AND month_on <= ?`
		args = append(args, MonthOf(to.AddDays(7)))
	}
	const upsert = ` ON CONFLICT (staff_id, month_on) DO UPDATE SET gen = results_stale.gen + 1`
	if staffIDs == nil {
		_, err := tx.exec(ctx, `INSERT INTO results_stale (staff_id, month_on) SELECT DISTINCT 0, month_on FROM month_results WHERE `+cond+upsert, args...)
		return err
	}
	for len(staffIDs) > 0 {
		n := min(len(staffIDs), 500)
		a := append([]any{}, args...)
		for _, id := range staffIDs[:n] {
			a = append(a, id)
		}
		if _, err := tx.exec(ctx, `INSERT INTO results_stale (staff_id, month_on) SELECT DISTINCT staff_id, month_on FROM month_results
			WHERE `+cond+` AND staff_id IN (`+placeholders(n)+`)`+upsert, a...); err != nil {
			return fmt.Errorf("mark stale: %w", err)
		}
		staffIDs = staffIDs[n:]
	}
	return nil
}

// staleMark is one row of results_stale.
type staleMark struct {
	staffID int64 // 0: everyone
	month   kintai.Date
	gen     int64
}

func findStaleMarks(ctx context.Context, q querier, month kintai.Date) ([]staleMark, error) {
	query := `SELECT staff_id, month_on, gen FROM results_stale`
	var args []any
	if !month.IsZero() {
		query += ` WHERE month_on = ?`
		args = append(args, MonthOf(month))
	}
	rows, err := q.query(ctx, query+` ORDER BY month_on, staff_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []staleMark
	for rows.Next() {
		var m staleMark
		if err := rows.Scan(&m.staffID, &m.month, &m.gen); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// StaleCount returns how many staff-month marks wait for RecomputeStale
// (a mark for everyone counts once) and how many punches have not been
// folded into the results yet.
func (db *DB) StaleCount(ctx context.Context) (marks, punches int64, err error) {
	if err = db.queryRow(ctx, `SELECT COUNT(*) FROM results_stale`).Scan(&marks); err != nil {
		return 0, 0, err
	}
	err = db.queryRow(ctx, `SELECT COUNT(*) FROM punches WHERE id > (SELECT punch_id FROM results_watermark WHERE id = 1)`).Scan(&punches)
	return marks, punches, err
}

// StaleStaff returns those of staffIDs whose result for month (any day of
// it) is missing or out of date: marked stale, or with punches not yet
// folded into the results on the days the month is computed from.
func (db *DB) StaleStaff(ctx context.Context, month kintai.Date, staffIDs []int64) ([]int64, error) {
	month = MonthOf(month)
	from, to := computeWindow(month, rules.DefaultSettings().WeekStart)
	if s, err := findRuleSettings(ctx, db); err == nil {
		from, to = computeWindow(month, s.Rules.WeekStart)
	} else {
		return nil, err
	}
	stale := map[int64]bool{}
	var everyone bool
	marks, err := findStaleMarks(ctx, db, month)
	if err != nil {
		return nil, err
	}
	for _, m := range marks {
		if m.staffID == 0 {
			everyone = true
		}
		stale[m.staffID] = true
	}
	var out []int64
	for len(staffIDs) > 0 {
		n := min(len(staffIDs), 500)
		chunk := staffIDs[:n]
		staffIDs = staffIDs[n:]
		have := map[int64]bool{}
		args := []any{month}
		for _, id := range chunk {
			args = append(args, id)
		}
		if err := db.scanIDs(ctx, have, `SELECT staff_id FROM month_results WHERE month_on = ? AND staff_id IN (`+placeholders(n)+`)`, args...); err != nil {
			return nil, err
		}
		fresh := map[int64]bool{}
		args = []any{from, to}
		for _, id := range chunk {
			args = append(args, id)
		}
		if err := db.scanIDs(ctx, fresh, `SELECT DISTINCT staff_id FROM punches WHERE business_on >= ? AND business_on <= ?
			AND staff_id IN (`+placeholders(n)+`) AND id > (SELECT punch_id FROM results_watermark WHERE id = 1)`, args...); err != nil {
			return nil, err
		}
		for _, id := range chunk {
			if everyone || stale[id] || !have[id] || fresh[id] {
				out = append(out, id)
			}
		}
	}
	return out, nil
}

func (db *DB) scanIDs(ctx context.Context, into map[int64]bool, q string, args ...any) error {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		into[id] = true
	}
	return rows.Err()
}

// computeWindow returns the days month is computed from: from the start of
// the week (starting on weekStart) that holds the day before the month, so
// that the part-timer's weekly band and the rest interval of the first day
// see the days before, to the month's last day.
func computeWindow(month kintai.Date, weekStart time.Weekday) (from, to kintai.Date) {
	before := month.AddDays(-1)
	from = before.AddDays(-((int(before.Weekday()) - int(weekStart) + 7) % 7))
	return from, MonthEnd(month)
}
