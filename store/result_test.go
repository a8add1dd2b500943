package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"kintai"
	"kintai/calendar"
	"kintai/punch"
	"kintai/rules"
	"kintai/store"
	"kintai/store/storetest"
)

var tokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return loc
}()

// rulesWorld is a regular staff member on the standard day and a
// part-timer on day-by-day shifts, with their pay.
type rulesWorld struct {
	regular, part kintai.Staff
	std           rules.Pattern
}

func seedRules(t *testing.T, db *store.DB) *rulesWorld {
	t.Helper()
	_, sect, site, part := seed(t, db)
	w := &rulesWorld{part: part, std: stdPattern}
	shift := shiftTestPattern
	d := kintai.NewDate
	system(t, db, func(ctx context.Context, tx *store.Tx) error {
		w.regular = kintai.Staff{StaffNo: "000002", Name: "世田　太郎", Kana: "セタ　タロウ", EmploymentType: kintai.Regular,
			AppointedOn: d(2010, 4, 1), OrgUnitID: sect.ID, SiteIDs: []int64{site.ID}}
		if err := tx.CreateStaff(ctx, &w.regular); err != nil {
			return err
		}
		for _, p := range []*rules.Pattern{&w.std, &shift} {
			if err := tx.CreatePattern(ctx, p); err != nil {
				return err
			}
		}
		if _, err := tx.AssignPattern(ctx, w.regular.ID, w.std.ID, d(2026, 4, 1), kintai.Date{}); err != nil {
			return err
		}
		if _, err := tx.AssignPattern(ctx, part.ID, shift.ID, d(2026, 4, 1), d(2027, 3, 31)); err != nil {
			return err
		}
		if err := tx.SetPay(ctx, &store.Pay{StaffID: w.regular.ID, ValidFrom: d(2026, 4, 1), Pay: rules.Pay{MonthlyYen: 300000}}); err != nil {
			return err
		}
		if err := tx.SetPay(ctx, &store.Pay{StaffID: part.ID, ValidFrom: d(2026, 4, 1), Pay: rules.Pay{HourlyYen: 1300}}); err != nil {
			return err
		}
		return tx.PutDayShifts(ctx, part.ID, d(2026, 10, 1), d(2026, 10, 31), []store.DayShift{
			{Date: d(2026, 10, 1), DayShift: rules.DayShift{Hours: rules.Span{StartMin: 540, EndMin: 780}}},
		})
	})
	return w
}

// stamp is a punch at a local wall-clock time on a business day.
type stamp struct {
	kind punch.Kind
	day  kintai.Date
	hhmm int // 1915 for 19:15; 2530 for 01:30 the next morning
}

var stampSeq int

// importStamps stores stamps of staffID as historic punches.
func importStamps(t *testing.T, db *store.DB, staffID int64, stamps ...stamp) {
	t.Helper()
	var recs []store.PunchRecord
	for _, s := range stamps {
		stampSeq++
		at := s.day.Time(tokyo).Add(time.Duration(s.hhmm/100)*time.Hour + time.Duration(s.hhmm%100)*time.Minute).UTC()
		recs = append(recs, store.PunchRecord{Origin: "import:test", Actor: kintai.Actor{System: true}, Punch: punch.Punch{
			Input:      punch.Input{ClientKey: fmt.Sprint("k", stampSeq), StaffID: staffID, Kind: s.kind, Method: punch.MethodCard},
			ReceivedAt: at, At: at, BusinessDay: s.day}})
	}
	n, err := db.ImportPunches(context.Background(), kintai.Actor{System: true}, recs)
	if err != nil || n != int64(len(recs)) {
		t.Fatalf("ImportPunches = %d, %v; want %d", n, err, len(recs))
	}
}

// octoberStamps are the regular staff member's punches of the first days
// of October 2026: 2 h overtime on Thursday the 1st, a plain Friday, 3 h
// on Saturday and a clock-in with no clock-out on Monday the 5th.
func octoberStamps() []stamp {
	d := kintai.NewDate
	return []stamp{
		{punch.ClockIn, d(2026, 10, 1), 830}, {punch.ClockOut, d(2026, 10, 1), 1915},
		{punch.ClockIn, d(2026, 10, 2), 830}, {punch.ClockOut, d(2026, 10, 2), 1715},
		{punch.ClockIn, d(2026, 10, 3), 900}, {punch.ClockOut, d(2026, 10, 3), 1200},
		{punch.ClockIn, d(2026, 10, 5), 830},
	}
}

func opts(asOf time.Time) store.RecomputeOptions {
	return store.RecomputeOptions{Loc: tokyo, AsOf: asOf}
}

// afterOctober is a time when every day of October 2026 is over.
var afterOctober = time.Date(2026, 11, 10, 12, 0, 0, 0, tokyo)

func category(r *store.MonthResult, code string) rules.Category {
	for _, c := range r.Totals.Categories {
		if c.Code == code {
			return c
		}
	}
	return rules.Category{}
}

func TestRecomputeMonth(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := seedRules(t, db)
		d := kintai.NewDate
		importStamps(t, db, w.regular.ID, octoberStamps()...)
		importStamps(t, db, w.part.ID, stamp{punch.ClockIn, d(2026, 10, 1), 900}, stamp{punch.ClockOut, d(2026, 10, 1), 1400})

		st, err := db.RecomputeMonth(ctx, d(2026, 10, 15), nil, opts(afterOctober))
		if err != nil {
			t.Fatal(err)
		}
		if st.StaffMonths != 2 || st.Punches != 9 || st.Months != 1 {
			t.Errorf("RecomputeMonth stats = %+v, want 2 staff-months from 9 punches", st)
		}
		r, err := db.FindMonthResult(ctx, w.regular.ID, d(2026, 10, 1))
		if err != nil {
			t.Fatal(err)
		}
		hourly := rules.HourlyRate(rules.DefaultSettings(), 300000, 0)
		checks := []struct {
			name      string
			got, want any
		}{
			{"month", r.Month, d(2026, 10, 1)},
			{"days", len(r.Days), 31},
			{"first day", r.Days[0].Date, d(2026, 10, 1)},
			{"overtime", r.Totals.OvertimeMin, 120 + 180},
			{"worked", r.Totals.WorkedMin, 585 + 465 + 180},
			{"exception days", r.Totals.ExceptionDays, 1},
			{"holiday on the 12th (スポーツの日)", r.Days[11].Kind, rules.Holiday},
			{"hourly rate", r.Totals.HourlyYen, hourly},
			{"ot125", category(r, rules.CategoryOT125).Min, 120},
			{"ot135", category(r, rules.CategoryOT135).Min, 180},
			{"amount", r.Totals.AmountYen, rules.UnitYen(hourly, 125)*2 + rules.UnitYen(hourly, 135)*3},
			{"profile", r.Profile, rules.CapAutonomous},
			{"no alert", r.AlertLevel, ""},
			{"computed at", r.ComputedAt, t0},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("regular staff October: %s = %v, want %v", c.name, c.got, c.want)
			}
		}
		p, err := db.FindMonthResult(ctx, w.part.ID, d(2026, 10, 1))
		if err != nil {
			t.Fatal(err)
		}
		if c := category(p, rules.CategoryBand100); c.Min != 60 || p.Totals.ScheduledMin != 240 || p.Totals.AmountYen != 1300 {
			t.Errorf("part-timer October: band100 %+v, scheduled %d, amount %d; want 60 min at 100/100 = 1,300 yen of 240 scheduled",
				c, p.Totals.ScheduledMin, p.Totals.AmountYen)
		}

		list, err := db.FindMonthResults(ctx, store.ResultFilter{Month: d(2026, 10, 31)})
		if err != nil || len(list) != 2 || list[0].Days != nil || list[0].StaffID > list[1].StaffID {
			t.Errorf("FindMonthResults = %d results (days %v), %v; want 2 by staff id without days", len(list), list[0].Days != nil, err)
		}
		list, _ = db.FindMonthResults(ctx, store.ResultFilter{Month: d(2026, 10, 1), StaffIDs: []int64{w.part.ID}})
		if len(list) != 1 || list[0].StaffID != w.part.ID {
			t.Errorf("FindMonthResults(part-timer) = %+v, want theirs", list)
		}
		if _, err := db.FindMonthResult(ctx, w.regular.ID, d(2026, 9, 1)); kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("FindMonthResult(September) = %v, want not_found", err)
		}

		// A month of a staff member not appointed then leaves no row, and
		// writes nothing.
		before, _ := db.VerifyAudit(ctx)
		if _, err := db.RecomputeMonth(ctx, d(2027, 4, 1), []int64{w.part.ID}, opts(afterOctober)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindMonthResult(ctx, w.part.ID, d(2027, 4, 1)); kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("FindMonthResult(part-timer, April 2027) = %v, want not_found (not appointed)", err)
		}
		if after, _ := db.VerifyAudit(ctx); after.Entries != before.Entries {
			t.Errorf("recomputing a month outside the appointment wrote %d audit entries, want none", after.Entries-before.Entries)
		}
		// A row recomputed is audited once per run.
		if _, err := db.RecomputeMonth(ctx, d(2026, 10, 1), []int64{w.part.ID}, opts(afterOctober)); err != nil {
			t.Fatal(err)
		}
		if after, _ := db.VerifyAudit(ctx); after.Entries != before.Entries+1 {
			t.Errorf("a recompute wrote %d audit entries, want 1", after.Entries-before.Entries)
		}
	})
}

func TestRecomputeStale(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := seedRules(t, db)
		d := kintai.NewDate
		importStamps(t, db, w.regular.ID, octoberStamps()...)
		importStamps(t, db, w.regular.ID, stamp{punch.ClockIn, d(2026, 10, 30), 830}, stamp{punch.ClockOut, d(2026, 10, 30), 1715})

		run := func(wantStaffMonths int) store.RecomputeStats {
			t.Helper()
			st, err := db.RecomputeStale(ctx, opts(afterOctober))
			if err != nil {
				t.Fatal(err)
			}
			if st.StaffMonths != wantStaffMonths {
				t.Errorf("RecomputeStale computed %d staff-months, want %d (stats %+v)", st.StaffMonths, wantStaffMonths, st)
			}
			return st
		}
		overtime := func(month kintai.Date) int {
			t.Helper()
			r, err := db.FindMonthResult(ctx, w.regular.ID, month)
			if err != nil {
				t.Fatal(err)
			}
			return r.Totals.OvertimeMin
		}
		// The new punches: October, and November, whose first week
		// starts on Sunday 10/25.
		run(2)
		if got := overtime(d(2026, 10, 1)); got != 300 {
			t.Errorf("October overtime = %d, want 300", got)
		}
		if _, err := db.FindMonthResult(ctx, w.regular.ID, d(2026, 11, 1)); err != nil {
			t.Errorf("November: %v, want a result (its first week holds 10/30)", err)
		}
		// Exactly once: nothing is left to do.
		run(0)
		if marks, punches, err := db.StaleCount(ctx); marks != 0 || punches != 0 || err != nil {
			t.Errorf("StaleCount = %d, %d, %v; want nothing stale", marks, punches, err)
		}

		// A live punch through the writer: October is recomputed once.
		pw := db.NewPunchWriter(8)
		at := d(2026, 10, 6).Time(tokyo).Add(8*time.Hour + 30*time.Minute).UTC()
		res, err := pw.Write(ctx, []store.PunchRecord{{Origin: "staff:1", Actor: kintai.Actor{StaffID: w.regular.ID}, Punch: punch.Punch{
			Input:      punch.Input{ClientKey: "live-1", StaffID: w.regular.ID, Kind: punch.ClockIn, Method: punch.MethodPC},
			ReceivedAt: at, At: at, BusinessDay: d(2026, 10, 6)}}})
		pw.Close()
		if err != nil || res[0].Err != nil {
			t.Fatalf("live punch: %v %+v", err, res)
		}
		if stale, _ := db.StaleStaff(ctx, d(2026, 10, 1), []int64{w.regular.ID, w.part.ID}); !slices.Equal(stale, []int64{w.regular.ID, w.part.ID}) {
			// The part-timer has no October result yet: missing counts as stale.
			t.Errorf("StaleStaff(October) = %v, want both (a new punch, a missing result)", stale)
		}
		run(1)
		r, _ := db.FindMonthResult(ctx, w.regular.ID, d(2026, 10, 1))
		if r.Totals.ExceptionDays != 2 {
			t.Errorf("October exception days after a lone clock-in on the 6th = %d, want 2", r.Totals.ExceptionDays)
		}
		run(0)

		// A pattern change marks the months of its staff stale: 8:30–16:15
		// makes Thursday's overtime 3 h and the two plain days' 1 h each.
		// October's overtime changes, so
		// November, whose caps count it, is recomputed once more.
		std := w.std
		std.Hours = rules.Span{StartMin: 510, EndMin: 975}
		system(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.UpdatePattern(ctx, &std) })
		if marks, _, _ := db.StaleCount(ctx); marks != 2 {
			t.Errorf("after UpdatePattern, %d stale marks, want October and November", marks)
		}
		run(2)
		if got := overtime(d(2026, 10, 1)); got != 180+60+180+60 {
			t.Errorf("October overtime after the pattern change = %d, want 480", got)
		}
		run(1) // November again, for the caps
		run(0)

		// A calendar change marks everyone's month: October is computed
		// for everyone appointed, the part-timer included.
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			return tx.AddEntityDay(ctx, &calendar.Day{Date: d(2026, 10, 2), Name: "区民の日"})
		})
		run(2)
		r, _ = db.FindMonthResult(ctx, w.regular.ID, d(2026, 10, 1))
		if r.Days[1].Kind != rules.Holiday || r.Totals.HolidayPayMin != 405 {
			t.Errorf("October 2nd = %s with %d min of 休日給, want a holiday with 405", r.Days[1].Kind, r.Totals.HolidayPayMin)
		}
		run(0)
		if marks, punches, _ := db.StaleCount(ctx); marks != 0 || punches != 0 {
			t.Errorf("StaleCount = %d, %d at the end, want 0, 0", marks, punches)
		}
	})
}

func TestMonthAlertsAndForecast(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := seedRules(t, db)
		d := kintai.NewDate
		// Four hours of overtime every working day of November up to the
		// 13th: 9 days (the 3rd is 文化の日), 36 h, 80% of 45 h.
		var stamps []stamp
		for day := d(2026, 11, 2); !day.After(d(2026, 11, 13)); day = day.AddDays(1) {
			if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday || day == d(2026, 11, 3) {
				continue
			}
			stamps = append(stamps, stamp{punch.ClockIn, day, 830}, stamp{punch.ClockOut, day, 2115})
		}
		importStamps(t, db, w.regular.ID, stamps...)
		asOf := time.Date(2026, 11, 16, 12, 0, 0, 0, tokyo) // Monday
		if _, err := db.RecomputeMonth(ctx, d(2026, 11, 1), nil, opts(asOf)); err != nil {
			t.Fatal(err)
		}
		r, err := db.FindMonthResult(ctx, w.regular.ID, d(2026, 11, 1))
		if err != nil {
			t.Fatal(err)
		}
		if r.Totals.OvertimeMin != 36*60 {
			t.Fatalf("November overtime = %d, want 36 h", r.Totals.OvertimeMin)
		}
		if r.AlertLevel != rules.LevelNotice || len(r.Alerts) == 0 || r.Alerts[0].Code != rules.AlertMonth45 {
			t.Errorf("alerts = %+v (level %q), want a month_45 notice", r.Alerts, r.AlertLevel)
		}
		want, ok := rules.Forecast(r.Days, d(2026, 11, 16), rules.MonthCapOf(rules.CapAutonomous))
		if !ok || r.ForecastOn != want || r.ForecastLimitMin != 45*60 {
			t.Errorf("forecast = %v (limit %d), want %v against 45 h", r.ForecastOn, r.ForecastLimitMin, want)
		}

		// A 他律 department: the limit is 100 h and 36 h is no alert.
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			return tx.SetCapAssignment(ctx, &store.CapAssignment{OrgUnitID: w.regular.OrgUnitID, Profile: rules.CapHeteronomous, ValidFrom: d(2026, 4, 1)})
		})
		if _, err := db.RecomputeStale(ctx, opts(asOf)); err != nil {
			t.Fatal(err)
		}
		r, _ = db.FindMonthResult(ctx, w.regular.ID, d(2026, 11, 1))
		if r.Profile != rules.CapHeteronomous || r.AlertLevel != "" || r.ForecastOn != (kintai.Date{}) {
			t.Errorf("in a 他律 department: profile %s, alerts %+v, forecast %v; want none at 36 h", r.Profile, r.Alerts, r.ForecastOn)
		}
	})
}

func TestEnsureMonthResults(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := seedRules(t, db)
		d := kintai.NewDate
		ids := []int64{w.regular.ID}
		if err := db.EnsureMonthResults(ctx, d(2026, 10, 1), ids, opts(afterOctober)); err != nil {
			t.Fatal(err)
		}
		first, err := db.FindMonthResult(ctx, w.regular.ID, d(2026, 10, 1))
		if err != nil {
			t.Fatalf("after EnsureMonthResults: %v", err)
		}
		if _, err := db.FindMonthResult(ctx, w.part.ID, d(2026, 10, 1)); kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("the part-timer's month was computed too: %v", err)
		}
		// Fresh: nothing to do, the row stays as it was.
		if stale, err := db.StaleStaff(ctx, d(2026, 10, 1), ids); len(stale) != 0 || err != nil {
			t.Errorf("StaleStaff after EnsureMonthResults = %v, %v; want none", stale, err)
		}
		// Pay marks the month stale; Ensure recomputes it.
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			return tx.SetPay(ctx, &store.Pay{StaffID: w.regular.ID, ValidFrom: d(2026, 10, 1), Pay: rules.Pay{MonthlyYen: 400000}})
		})
		if stale, _ := db.StaleStaff(ctx, d(2026, 10, 1), ids); len(stale) != 1 {
			t.Errorf("StaleStaff after a pay change = %v, want the staff member", stale)
		}
		if err := db.EnsureMonthResults(ctx, d(2026, 10, 1), ids, opts(afterOctober)); err != nil {
			t.Fatal(err)
		}
		r, _ := db.FindMonthResult(ctx, w.regular.ID, d(2026, 10, 1))
		if r.Totals.HourlyYen == first.Totals.HourlyYen || r.Totals.HourlyYen != rules.HourlyRate(rules.DefaultSettings(), 400000, 0) {
			t.Errorf("hourly rate after the raise = %d (before %d), want the new pay's", r.Totals.HourlyYen, first.Totals.HourlyYen)
		}
	})
}

func TestRecomputeCorrections(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := seedRules(t, db)
		d := kintai.NewDate
		importStamps(t, db, w.regular.ID, octoberStamps()...)
		punches, err := db.FindPunches(ctx, store.PunchFilter{StaffIDs: []int64{w.regular.ID}, From: d(2026, 10, 1), To: d(2026, 10, 2)})
		if err != nil || len(punches) != 4 {
			t.Fatalf("FindPunches = %d, %v", len(punches), err)
		}
		correct := func(key string, of punch.Punch, day kintai.Date, hhmm int) {
			t.Helper()
			at := day.Time(tokyo).Add(time.Duration(hhmm/100)*time.Hour + time.Duration(hhmm%100)*time.Minute).UTC()
			_, err := db.ImportPunches(ctx, kintai.Actor{System: true}, []store.PunchRecord{{Origin: "import:test", Punch: punch.Punch{
				Input:      punch.Input{ClientKey: key, StaffID: of.StaffID, Kind: of.Kind, Method: punch.MethodManual},
				ReceivedAt: at, At: at, BusinessDay: day, CorrectsID: of.ID}}})
			if err != nil {
				t.Fatal(err)
			}
		}
		// The 1st's clock-out an hour later; the 2nd's clock-in moved to a
		// day in September, outside the days October is computed from.
		correct("c1", punches[1], d(2026, 10, 1), 2015)
		correct("c2", punches[2], d(2026, 9, 20), 830)
		if _, err := db.RecomputeMonth(ctx, d(2026, 10, 1), nil, opts(afterOctober)); err != nil {
			t.Fatal(err)
		}
		r, err := db.FindMonthResult(ctx, w.regular.ID, d(2026, 10, 1))
		if err != nil {
			t.Fatal(err)
		}
		if r.Days[0].OvertimeMin != 180 {
			t.Errorf("October 1st overtime after correcting the clock-out = %d, want 180", r.Days[0].OvertimeMin)
		}
		if day := r.Days[1]; day.WorkedMin != 0 || len(day.Exceptions) != 1 || day.Exceptions[0].Code != punch.ClockOutWithoutIn {
			t.Errorf("October 2nd after moving its clock-in away = worked %d, exceptions %+v; want none worked and a clock-out without clock-in",
				day.WorkedMin, day.Exceptions)
		}
	})
}

func TestImportPunches(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := seedRules(t, db)
		importStamps(t, db, w.regular.ID, octoberStamps()...)
		before, err := db.VerifyAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// The same keys again are skipped.
		recs := []store.PunchRecord{{Origin: "import:test", Punch: punch.Punch{
			Input: punch.Input{ClientKey: fmt.Sprint("k", stampSeq), StaffID: w.regular.ID, Kind: punch.ClockIn, Method: punch.MethodCard},
			At:    t0, ReceivedAt: t0, BusinessDay: kintai.NewDate(2026, 4, 1)}}}
		n, err := db.ImportPunches(ctx, kintai.Actor{System: true}, recs)
		if err != nil || n != 0 {
			t.Errorf("ImportPunches(a stored key) = %d, %v; want 0 stored", n, err)
		}
		after, err := db.VerifyAudit(ctx)
		if err != nil || after.Entries != before.Entries+1 {
			t.Errorf("audit after an import = %d entries, %v; want one more than %d and intact", after.Entries, err, before.Entries)
		}
		rows, _, err := db.PunchCounts(ctx)
		if err != nil || rows != int64(len(octoberStamps())) {
			t.Errorf("PunchCounts = %d, %v; want %d", rows, err, len(octoberStamps()))
		}
	})
}

// TestConcurrentRecompute recomputes the same month from several
// goroutines at once, as several pages may: every call succeeds and one
// row remains.
func TestConcurrentRecompute(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := seedRules(t, db)
		importStamps(t, db, w.regular.ID, octoberStamps()...)
		errs := make(chan error, 8)
		for i := range 8 {
			go func() {
				var err error
				if i%2 == 0 {
					_, err = db.RecomputeMonth(ctx, kintai.NewDate(2026, 10, 1), []int64{w.regular.ID}, opts(afterOctober))
				} else {
					_, err = db.RecomputeStale(ctx, opts(afterOctober))
				}
				errs <- err
			}()
		}
		for range 8 {
			if err := <-errs; err != nil {
				t.Errorf("concurrent recompute: %v", err)
			}
		}
		list, err := db.FindMonthResults(ctx, store.ResultFilter{Month: kintai.NewDate(2026, 10, 1), StaffIDs: []int64{w.regular.ID}})
		if err != nil || len(list) != 1 || list[0].Totals.OvertimeMin != 300 {
			t.Errorf("after concurrent recomputes: %+v, %v; want one row with 300 min of overtime", list, err)
		}
	})
}

// TestRecomputeStaleBacklog checks that a backlog is done over several
// runs, oldest month first, and nothing is lost in between.
func TestRecomputeStaleBacklog(t *testing.T) {
	store.SetMaxStaffMonthsPerRun(t, 1)
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := seedRules(t, db)
		d := kintai.NewDate
		importStamps(t, db, w.regular.ID,
			stamp{punch.ClockIn, d(2026, 8, 3), 830}, stamp{punch.ClockOut, d(2026, 8, 3), 1815},
			stamp{punch.ClockIn, d(2026, 10, 1), 830}, stamp{punch.ClockOut, d(2026, 10, 1), 1915})
		var months []string
		for run := 0; run < 4; run++ {
			st, err := db.RecomputeStale(ctx, opts(afterOctober))
			if err != nil {
				t.Fatal(err)
			}
			months = append(months, fmt.Sprint(st.StaffMonths))
			if _, punches, _ := db.StaleCount(ctx); punches != 0 {
				t.Errorf("run %d left %d punches after the watermark, want it past them all", run, punches)
			}
		}
		if got := strings.Join(months, ","); got != "1,1,0,0" {
			t.Errorf("staff-months per run = %s, want 1,1,0,0 (August, then October)", got)
		}
		for _, m := range []kintai.Date{d(2026, 8, 1), d(2026, 10, 1)} {
			if r, err := db.FindMonthResult(ctx, w.regular.ID, m); err != nil || r.Totals.OvertimeMin == 0 {
				t.Errorf("FindMonthResult(%v) = %+v, %v; want its overtime", m, r, err)
			}
		}
	})
}

// TestStaffChangeMarksStale: a staff or org change that results depend on
// (the 任用期間, the employment type, the org unit and its place in the
// tree) marks the months it affects; a new name or email does not.
func TestStaffChangeMarksStale(t *testing.T) {
	storetest.Each(t, storetest.NewClock(afterOctober).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := seedRules(t, db)
		d := kintai.NewDate
		importStamps(t, db, w.regular.ID, octoberStamps()...)
		if _, err := db.RecomputeStale(ctx, opts(afterOctober)); err != nil {
			t.Fatal(err)
		}
		stale := func(what string, want []int64) {
			t.Helper()
			// Only the regular staff member: the part-timer has no
			// October result, and missing counts as stale.
			got, err := db.StaleStaff(ctx, d(2026, 10, 1), []int64{w.regular.ID})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("after %s, StaleStaff(October) = %v, want %v", what, got, want)
			}
		}
		update := func(s *kintai.Staff, change func(*kintai.Staff)) {
			t.Helper()
			c := *s
			change(&c)
			system(t, db, func(ctx context.Context, tx *store.Tx) error { _, err := tx.UpdateStaff(ctx, &c); return err })
			*s = c
		}
		recompute := func() {
			t.Helper()
			if _, err := db.RecomputeStale(ctx, opts(afterOctober)); err != nil {
				t.Fatal(err)
			}
		}
		stale("the first computation", nil)

		update(&w.regular, func(s *kintai.Staff) { s.Name, s.Email = "世田　次郎", "jiro@example.jp" })
		stale("a new name and email", nil)

		// The appointment ends on 10/2: the days after are no work days.
		update(&w.regular, func(s *kintai.Staff) { s.AppointmentEndsOn = d(2026, 10, 2) })
		stale("an earlier appointment end", []int64{w.regular.ID})
		recompute()
		r, err := db.FindMonthResult(ctx, w.regular.ID, d(2026, 10, 1))
		if err != nil {
			t.Fatal(err)
		}
		if r.Days[4].Kind == rules.Workday {
			t.Errorf("Monday 10/5 after an appointment ended on 10/2 is a %s, want no work day", r.Days[4].Kind)
		}
		update(&w.regular, func(s *kintai.Staff) { s.AppointmentEndsOn = kintai.Date{} })
		stale("an appointment end removed", []int64{w.regular.ID})
		recompute()
		if r, _ = db.FindMonthResult(ctx, w.regular.ID, d(2026, 10, 1)); r.Days[4].Kind != rules.Workday {
			t.Errorf("Monday 10/5 once the appointment runs on is a %s, want a work day", r.Days[4].Kind)
		}

		update(&w.regular, func(s *kintai.Staff) { s.EmploymentType = kintai.ReappointedShort })
		stale("a new employment type", []int64{w.regular.ID})
		recompute()

		// Moving a section under another department changes the cap
		// profile it inherits: everyone's months are marked.
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			other := kintai.OrgUnit{Code: "B02", Name: "区民部", Kind: kintai.Department}
			if err := tx.CreateOrgUnit(ctx, &other); err != nil {
				return err
			}
			sect, err := tx.FindOrgUnitByID(ctx, w.regular.OrgUnitID)
			if err != nil {
				return err
			}
			sect.ParentID = other.ID
			return tx.UpdateOrgUnit(ctx, sect)
		})
		stale("a section moved", []int64{w.regular.ID})
	})
}

// TestLateMonthEntersLaterCaps computes November, then a late October:
// October's overtime, though it had no result before, enters November's
// averages.
func TestLateMonthEntersLaterCaps(t *testing.T) {
	afterNovember := time.Date(2026, 12, 10, 12, 0, 0, 0, tokyo)
	storetest.Each(t, storetest.NewClock(afterNovember).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := seedRules(t, db)
		d := kintai.NewDate
		month := func(m time.Month, out int) []stamp {
			var stamps []stamp
			for day := d(2026, m, 1); day.Month == m; day = day.AddDays(1) {
				if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
					stamps = append(stamps, stamp{punch.ClockIn, day, 830}, stamp{punch.ClockOut, day, out})
				}
			}
			return stamps
		}
		settle := func() {
			t.Helper()
			for range 3 {
				if _, err := db.RecomputeStale(ctx, opts(afterNovember)); err != nil {
					t.Fatal(err)
				}
			}
			if marks, punches, _ := db.StaleCount(ctx); marks != 0 || punches != 0 {
				t.Fatalf("StaleCount = %d, %d after three runs, want nothing stale", marks, punches)
			}
		}
		result := func(m time.Month) *store.MonthResult {
			t.Helper()
			r, err := db.FindMonthResult(ctx, w.regular.ID, d(2026, m, 1))
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		doctor80 := func(r *store.MonthResult) bool {
			return slices.ContainsFunc(r.Alerts, func(a rules.Alert) bool { return a.Code == rules.AlertDoctor80 })
		}

		importStamps(t, db, w.regular.ID, month(time.November, 2115)...)
		settle()
		nov := result(time.November)
		if nov.Totals.OvertimeMin >= 100*60 || doctor80(nov) {
			t.Fatalf("November alone: %d min of overtime, alerts %+v; want under 100 h and no doctor_80", nov.Totals.OvertimeMin, nov.Alerts)
		}

		// October arrives late, with overtime until 23:15.
		importStamps(t, db, w.regular.ID, month(time.October, 2315)...)
		settle()
		oct := result(time.October)
		if avg := (oct.Totals.OvertimeMin + nov.Totals.OvertimeMin) / 2; avg <= 80*60 {
			t.Fatalf("October %d min and November %d min average %d, want over 80 h for this test", oct.Totals.OvertimeMin, nov.Totals.OvertimeMin, avg)
		}
		if nov = result(time.November); !doctor80(nov) {
			t.Errorf("November after a late October averaging over 80 h: alerts %+v, want doctor_80", nov.Alerts)
		}
	})
}

// TestProvisionalResults: a result computed while a day was in progress
// is computed again once that day is over, with nothing else changed: the
// lone clock-in of the morning becomes a missing clock-out.
func TestProvisionalResults(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := seedRules(t, db)
		d := kintai.NewDate
		importStamps(t, db, w.regular.ID, stamp{punch.ClockIn, d(2026, 10, 5), 830})
		exceptions := func(asOf time.Time, ensure bool) int {
			t.Helper()
			var err error
			if ensure {
				err = db.EnsureMonthResults(ctx, d(2026, 10, 1), []int64{w.regular.ID}, opts(asOf))
			} else {
				_, err = db.RecomputeStale(ctx, opts(asOf))
			}
			if err != nil {
				t.Fatal(err)
			}
			r, err := db.FindMonthResult(ctx, w.regular.ID, d(2026, 10, 1))
			if err != nil {
				t.Fatal(err)
			}
			return r.Totals.ExceptionDays
		}
		// Monday noon: the day is in progress.
		if n := exceptions(time.Date(2026, 10, 5, 12, 0, 0, 0, tokyo), false); n != 0 {
			t.Errorf("exception days at noon = %d, want 0 (the day is in progress)", n)
		}
		// 04:59 the next morning: still Monday's business day.
		if n := exceptions(time.Date(2026, 10, 6, 4, 59, 0, 0, tokyo), false); n != 0 {
			t.Errorf("exception days at 04:59 = %d, want 0", n)
		}
		// 05:00: Monday is over, and the loop computes October again.
		if n := exceptions(time.Date(2026, 10, 6, 5, 0, 0, 0, tokyo), false); n != 1 {
			t.Errorf("exception days once Monday is over = %d, want 1 (no clock-out)", n)
		}
		// A page (or the month close) does the same without the loop:
		// a clock-in on Tuesday, then Wednesday morning.
		importStamps(t, db, w.regular.ID, stamp{punch.ClockIn, d(2026, 10, 6), 830})
		if n := exceptions(time.Date(2026, 10, 6, 12, 0, 0, 0, tokyo), true); n != 1 {
			t.Errorf("exception days on Tuesday noon = %d, want 1", n)
		}
		if n := exceptions(time.Date(2026, 10, 7, 9, 0, 0, 0, tokyo), true); n != 2 {
			t.Errorf("exception days on Wednesday = %d, want 2", n)
		}
	})
}
