package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"kintai"
	"kintai/leave"
)

// AnnualGrantRun is what one run of the annual grant did.
type AnnualGrantRun struct {
	Year int `json:"year"`
	// Granted and Carried are the grants made; Skipped counts the staff
	// already granted the year (or due nothing).
	Granted []LeaveGrant `json:"granted"`
	Carried []LeaveGrant `json:"carried"`
	Skipped int          `json:"skipped"`
}

// annualYear returns the annual-leave year numbered year for staff of
// employment type emp: the calendar year, or the fiscal year that starts
// in year (会計年度任用職員, or a fiscal GrantYear).
func annualYear(s leave.Settings, emp kintai.EmploymentType, year int) (from, to kintai.Date) {
	return leaveYear(s, emp, kintai.NewDate(year, s.FiscalYearStart, 1))
}

// GrantAnnualLeave grants year's annual leave (年次休暇の付与) to every staff
// member appointed by the start of that year, or since then up to today,
// and carries the unused days of the year before (up to CarryMaxDays,
// expiring at the end of year). It is idempotent: a staff member already
// granted (or carried into) the year is left alone, so that the run may be
// repeated daily to reach staff appointed part-way through the year.
//
// Full-time and other staff get leave.GrantNational (20 days, or the
// 別表第1 figure in the year they join), never below the 労基法 floor;
// 会計年度任用職員 get leave.GrantFiscalAppointee for their 任期 within the
// fiscal year. Each grant is audited.
func (tx *Tx) GrantAnnualLeave(ctx context.Context, year int) (AnnualGrantRun, error) {
	run := AnnualGrantRun{Year: year, Granted: []LeaveGrant{}, Carried: []LeaveGrant{}}
	if year < 2000 || year > 2200 {
		return run, kintai.Invalid("year", "付与する年が不正です。", "The year to grant is out of range.")
	}
	cfg, err := tx.FindLeaveConfig(ctx)
	if err != nil {
		return run, err
	}
	s := cfg.Settings
	today := kintai.DateOf(tx.Now, tx.db.Zone())
	rows, err := tx.query(ctx, `SELECT `+staffColumns+` FROM staff ORDER BY id`)
	if err != nil {
		return run, err
	}
	var staff []kintai.Staff
	for rows.Next() {
		st, err := scanStaff(rows)
		if err != nil {
			rows.Close()
			return run, err
		}
		staff = append(staff, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return run, err
	}
	for i := range staff {
		st := &staff[i]
		from, to := annualYear(s, st.EmploymentType, year)
		start := from
		if st.AppointedOn.After(start) {
			start = st.AppointedOn
		}
		reach := from
		if today.After(reach) {
			reach = today
		}
		if start.After(to) || start.After(reach) || (!st.AppointmentEndsOn.IsZero() && st.AppointmentEndsOn.Before(from)) {
			continue // not (yet) in service that year
		}
		g, c, err := tx.grantAnnual(ctx, st, &cfg, year, from, to, start)
		if err != nil {
			return run, fmt.Errorf("staff %s: %w", st.StaffNo, err)
		}
		if g == nil && c == nil {
			run.Skipped++
		}
		if g != nil {
			run.Granted = append(run.Granted, *g)
		}
		if c != nil {
			run.Carried = append(run.Carried, *c)
		}
	}
	return run, nil
}

// yearGranted reports whether st already has the year's grant, own or
// carried.
func (tx *Tx) yearGranted(ctx context.Context, staffID int64, year int, carried bool) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM leave_grants WHERE staff_id = ? AND balance = 'annual' AND grant_year = ? AND carried = ?`,
		staffID, year, boolInt(carried)).Scan(&n)
	return n > 0, err
}

func (tx *Tx) grantAnnual(ctx context.Context, st *kintai.Staff, cfg *LeaveConfig, year int, from, to, start kintai.Date) (own, carried *LeaveGrant, err error) {
	s := cfg.Settings
	done, err := tx.yearGranted(ctx, st.ID, year, false)
	if err != nil || done {
		return nil, nil, err
	}
	// Carry the year before first, from the ledger as it stands.
	if ok, err := tx.yearGranted(ctx, st.ID, year, true); err != nil {
		return nil, nil, err
	} else if !ok {
		sl, err := tx.loadStaffLeave(ctx, cfg, st.ID, from.AddDays(-1), 0)
		if err != nil {
			return nil, nil, err
		}
		led := sl.ledger(leave.Annual, false)
		c, err := led.CarryOver(from.AddDays(-1), to, s.CarryMaxDays)
		switch {
		case kintai.ErrorCode(err) == kintai.ECONFLICT:
			// Carried by hand (a manual grant of carried days): leave it.
		case err != nil:
			return nil, nil, err
		case !c.Amount.IsZero():
			carried = &LeaveGrant{StaffID: st.ID, Balance: leave.Annual, Grant: c, GrantYear: year}
			if err := tx.insertLeaveGrant(ctx, carried); err != nil {
				return nil, nil, err
			}
		}
	}
	_, terms, err := tx.leaveDayMinutes(ctx, st, start, s)
	if err != nil {
		return nil, carried, err
	}
	var days int
	var note string
	switch st.EmploymentType {
	case kintai.FiscalFull, kintai.FiscalPart:
		termTo := to
		if !st.AppointmentEndsOn.IsZero() && st.AppointmentEndsOn.Before(termTo) {
			termTo = st.AppointmentEndsOn
		}
		a := leave.Appointment{ServiceFrom: st.AppointedOn, TermFrom: start, TermTo: termTo,
			DaysPerWeek: terms.DaysPerWeek, WeeklyMin: terms.WeeklyMin, DaysPerYear: terms.DaysPerYear}
		if a.DaysPerWeek == 0 && a.WeeklyMin == 0 && a.DaysPerYear == 0 {
			// No weekly terms in the pattern (shifts): the full-time column.
			a.DaysPerWeek = 5
		}
		fg, err := leave.GrantFiscalAppointee(a, s.FiscalYearStart)
		if err != nil {
			return nil, carried, err
		}
		days = fg.Days
		note = fmt.Sprintf("%d年度分（会計年度任用職員: 規則の表%d日、労基法%d日）", from.Year, fg.TableDays, fg.FloorDays)
	default:
		national := leave.GrantNational(st.AppointedOn, to.Year)
		if s.GrantYear == leave.PerFiscalYear {
			national = leave.DaysAmount(leave.NationalDays)
			if !st.AppointedOn.Before(from) {
				// The fiscal year's months moved onto a calendar year.
				shifted := kintai.NewDate(st.AppointedOn.Year, st.AppointedOn.Month-from.Month+1, st.AppointedOn.Day)
				national = leave.GrantNational(shifted, shifted.Year)
			}
		}
		months := 0
		for d := st.AppointedOn; !d.After(start); d = kintai.NewDate(d.Year, d.Month+1, d.Day) {
			months++
		}
		floor := leave.LaborStandardsFloor(max(months-1, 0), terms.DaysPerWeek, terms.WeeklyMin, terms.DaysPerYear)
		days = max(national.Days, floor)
		note = fmt.Sprintf("%d年分", year)
		if s.GrantYear == leave.PerFiscalYear {
			note = fmt.Sprintf("%d年度分", year)
		}
		if start != from {
			note += fmt.Sprintf("（%s採用）", st.AppointedOn)
		}
	}
	if days <= 0 {
		return nil, carried, nil
	}
	own = &LeaveGrant{StaffID: st.ID, Balance: leave.Annual, GrantYear: year,
		Grant: leave.Grant{Amount: leave.DaysAmount(days), GrantedOn: start, ExpiresOn: to, Note: note}}
	if err := tx.insertLeaveGrant(ctx, own); err != nil {
		return nil, carried, err
	}
	return own, carried, nil
}

// AnnualGrantYear returns the year a run of the annual grant on day is
// for: the calendar year, or under a fiscal GrantYear the fiscal year.
// 会計年度任用職員 are granted by the fiscal year numbered the same, so a
// daily run on day also covers the fiscal year that started in day's
// year: see GrantAnnualLeaveDaily.
func AnnualGrantYear(s leave.Settings, day kintai.Date) int {
	if s.GrantYear == leave.PerFiscalYear {
		from, _ := leaveYear(s, kintai.Regular, day)
		return from.Year
	}
	return day.Year
}

// GrantAnnualLeaveDaily is the daily background step: it grants the
// current year (and the fiscal year in force, for 会計年度任用職員) to
// whoever has not had it yet. Runs after the first are no-ops.
func (db *DB) GrantAnnualLeaveDaily(ctx context.Context) (AnnualGrantRun, error) {
	today := kintai.DateOf(db.now(), db.Zone())
	cfg, err := db.FindLeaveConfig(ctx)
	if err != nil {
		return AnnualGrantRun{}, err
	}
	years := []int{AnnualGrantYear(cfg.Settings, today)}
	if fy, _ := leaveYear(cfg.Settings, kintai.FiscalFull, today); fy.Year != years[0] {
		years = append(years, fy.Year)
	}
	var total AnnualGrantRun
	err = db.WithTx(ctx, kintai.Actor{System: true}, func(tx *Tx) error {
		for _, y := range years {
			run, err := tx.GrantAnnualLeave(ctx, y)
			if err != nil {
				return err
			}
			total.Year = run.Year
			total.Granted = append(total.Granted, run.Granted...)
			total.Carried = append(total.Carried, run.Carried...)
			total.Skipped += run.Skipped
		}
		return nil
	})
	return total, err
}

// grantOvertimeComp grants the 超勤代休時間 earned by the overtime beyond
// 60 hours in month (its first day) to the staff in scope (nil: everyone)
// whose result has some: leave.Settings.OvertimeCompGrant of the result's
// working-day and rest-day parts, valid over the months after. It runs
// when the month is closed, so the figures are final. A month reopened
// and closed again updates its grant to the new figures (to nothing when
// there is no longer any); a grant HR revoked stays revoked.
func (tx *Tx) grantOvertimeComp(ctx context.Context, month kintai.Date, scope map[int64]bool) error {
	cfg, err := tx.FindLeaveConfig(ctx)
	if err != nil {
		return err
	}
	type earned struct {
		staffID        int64
		over60, onRest int
	}
	rows, err := tx.query(ctx, `SELECT staff_id, over60_min, over60_rest_min FROM month_results WHERE month_on = ? AND over60_min > 0
		UNION SELECT g.staff_id, 0, 0 FROM leave_grants g WHERE g.balance = 'overtime_comp' AND g.earned_on = ?
		AND NOT EXISTS (SELECT 1 FROM month_results r WHERE r.staff_id = g.staff_id AND r.month_on = ? AND r.over60_min > 0)`,
		month, month, month)
	if err != nil {
		return err
	}
	defer rows.Close()
	var all []earned
	for rows.Next() {
		var e earned
		if err := rows.Scan(&e.staffID, &e.over60, &e.onRest); err != nil {
			return err
		}
		if scope == nil || scope[e.staffID] {
			all = append(all, e)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	for _, e := range all {
		g := LeaveGrant{StaffID: e.staffID, Balance: leave.OvertimeComp, EarnedOn: month,
			Grant: cfg.Settings.OvertimeCompGrant(month.Year, month.Month, e.over60-e.onRest, e.onRest)}
		old, err := scanLeaveGrant(tx.queryRow(ctx, `SELECT `+leaveGrantColumns+` FROM leave_grants
			WHERE staff_id = ? AND balance = 'overtime_comp' AND earned_on = ?`, e.staffID, month))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if g.Amount.IsZero() {
				continue
			}
			if err := tx.insertLeaveGrant(ctx, &g); err != nil {
				return err
			}
		case err != nil:
			return err
		case !old.RevokedAt.IsZero() || old.Amount == g.Amount:
		default:
			g.ID, g.CreatedBy, g.CreatedAt = old.ID, old.CreatedBy, old.CreatedAt
			if _, err := tx.exec(ctx, `UPDATE leave_grants SET days = ?, minutes = ?, granted_on = ?, expires_on = ?, note = ? WHERE id = ?`,
				g.Amount.Days, g.Amount.Min, g.GrantedOn, g.ExpiresOn, g.Note, g.ID); err != nil {
				return err
			}
			if err := tx.Audit(ctx, "leave_grant.update", "leave_grant", g.ID, old, g); err != nil {
				return err
			}
		}
	}
	return nil
}
