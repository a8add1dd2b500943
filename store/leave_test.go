package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"kintai"
	"kintai/approval"
	"kintai/leave"
	"kintai/punch"
	"kintai/store"
	"kintai/store/storetest"
)

// grantLeave gives each staff member amount of balance b from granted
// on, never expiring.
func grantLeave(t *testing.T, db *store.DB, b leave.Category, amount leave.Amount, on kintai.Date, staff ...int64) {
	t.Helper()
	err := db.WithTx(context.Background(), kintai.Actor{System: true}, func(tx *store.Tx) error {
		for _, id := range staff {
			if err := tx.AddLeaveGrant(context.Background(), &store.LeaveGrant{StaffID: id, Balance: b,
				Grant: leave.Grant{Amount: amount, GrantedOn: on, Note: "test"}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("AddLeaveGrant: %v", err)
	}
}

// newTeamStaff adds a regular staff member to the seed's team, with no
// leave grants, and returns their id.
func newTeamStaff(t *testing.T, db *store.DB, o requestOrg, no, name string) int64 {
	t.Helper()
	s := kintai.Staff{StaffNo: no, Name: name, Kana: "ショクイン", EmploymentType: kintai.Regular, AppointedOn: kintai.NewDate(2020, 4, 1), OrgUnitID: o.team}
	if err := db.WithTx(context.Background(), kintai.Actor{System: true}, func(tx *store.Tx) error { return tx.CreateStaff(context.Background(), &s) }); err != nil {
		t.Fatal(err)
	}
	return s.ID
}

func staffLeave(t *testing.T, db *store.DB, id int64, on kintai.Date) store.StaffLeave {
	t.Helper()
	sl, err := db.StaffLeave(context.Background(), id, on)
	if err != nil {
		t.Fatalf("StaffLeave: %v", err)
	}
	return sl
}

func balanceOf(sl store.StaffLeave, b leave.Category) store.LeaveBalance {
	for _, x := range sl.Balances {
		if x.Balance == b {
			return x
		}
	}
	return store.LeaveBalance{}
}

func TestLeaveLedgerAndBalanceCheck(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		d := kintai.NewDate
		// A member of the team with no grants (the seed grants the others).
		id := newTeamStaff(t, db, o, "150", "休暇 太郎")
		// Carried 1 day expiring 2026-12-31, and the year's own 2 days.
		err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
			for _, g := range []store.LeaveGrant{
				{StaffID: id, Balance: leave.Annual, Grant: leave.Grant{Amount: leave.DaysAmount(1), GrantedOn: d(2026, 1, 1), ExpiresOn: d(2026, 12, 31), Carried: true, Note: "繰越"}},
				{StaffID: id, Balance: leave.Annual, Grant: leave.Grant{Amount: leave.DaysAmount(2), GrantedOn: d(2026, 1, 1), ExpiresOn: d(2026, 12, 31), Note: "2026年分"}},
			} {
				if err := tx.AddLeaveGrant(ctx, &g); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		a := actorOf(t, db, id)
		mon := d(2026, 10, 5) // a Monday
		// 3 hours of hourly leave: no per-day cap, pending.
		hourly := create(t, db, a, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{
			Type: "annual", Unit: approval.LeaveHour, FromOn: mon, From: at(mon, 9, 0), To: at(mon, 12, 0)}})
		sl := staffLeave(t, db, id, d(2026, 10, 1))
		an := balanceOf(sl, leave.Annual)
		if sl.DayMin != 465 || an.Granted != leave.DaysAmount(3) || an.Pending != leave.MinutesAmount(180) || an.Left != (leave.Amount{Days: 2, Min: 285}) {
			t.Errorf("after a pending 3h: day %d, granted %v pending %v left %v; want 465, 3日, 3時間, 2日4時間45分", sl.DayMin, an.Granted, an.Pending, an.Left)
		}
		// Days by the day over a weekend: Fri–Mon is 2 working days.
		fri := d(2026, 11, 6)
		// 3 days asked (Fri, Mon, Tue) with 2d 4h45m left: refused, naming what is left.
		_, err = tryCreate(db, a, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: "annual", Unit: approval.LeaveDay, FromOn: fri, ToOn: fri.AddDays(4)}})
		var ke *kintai.Error
		if kintai.ErrorCode(err) != kintai.EINVALID || !asError(err, &ke) || !strings.Contains(ke.Message, "残り2日4時間45分") || !strings.Contains(ke.Message, "承認待ち3時間") {
			t.Fatalf("3 days over the balance: err = %v, want invalid naming 残り2日4時間45分 and 承認待ち3時間", err)
		}
		two := create(t, db, a, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: "annual", Unit: approval.LeaveDay, FromOn: fri, ToOn: fri.AddDays(3)}})
		sl = staffLeave(t, db, id, d(2026, 10, 1))
		if an = balanceOf(sl, leave.Annual); an.Left != (leave.Amount{Days: 0, Min: 285}) || an.Pending != (leave.Amount{Days: 2, Min: 180}) {
			t.Errorf("after 2 days pending: left %v pending %v, want 4時間45分 and 2日3時間", an.Left, an.Pending)
		}
		// Approving both: then used / booked, nothing pending.
		for _, r := range []approval.Request{hourly, two} {
			if out, _, err := decide(db, actorOf(t, db, o.leader), r.ID, approval.ActionApprove, ""); err != nil || out.Status != approval.StatusApproved {
				t.Fatalf("approve %d: %v, %v", r.ID, out.Status, err)
			}
		}
		sl = staffLeave(t, db, id, d(2026, 11, 5)) // after the hourly leave, before the days
		if an = balanceOf(sl, leave.Annual); an.Used != leave.MinutesAmount(180) || an.Booked != leave.DaysAmount(2) || !an.Pending.IsZero() || an.Carried != (leave.Amount{Min: 285}) {
			t.Errorf("after approval: used %v booked %v pending %v carried %v, want 3時間, 2日, 0, 4時間45分 (carried used first)", an.Used, an.Booked, an.Pending, an.Carried)
		}
		if len(an.Uses) != 3 || an.Uses[0].Status != approval.StatusApproved {
			t.Errorf("uses = %+v, want 3 approved", an.Uses)
		}
		// 代休 without a grant is refused; with one it is taken.
		_, err = tryCreate(db, a, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: leave.CodeCompensatory, Unit: approval.LeaveDay, FromOn: d(2026, 11, 2), ToOn: d(2026, 11, 2)}})
		if kintai.ErrorCode(err) != kintai.EINVALID || !strings.Contains(err.Error(), "compensatory") {
			t.Errorf("代休 with no grant: err = %v, want invalid", err)
		}
		grantLeave(t, db, leave.Compensatory, leave.DaysAmount(1), d(2026, 10, 1), id)
		create(t, db, a, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: leave.CodeCompensatory, Unit: approval.LeaveDay, FromOn: d(2026, 11, 2), ToOn: d(2026, 11, 2)}})
		if c := balanceOf(staffLeave(t, db, id, d(2026, 10, 1)), leave.Compensatory); c.Left != (leave.Amount{}) || c.Pending != leave.DaysAmount(1) {
			t.Errorf("代休: left %v pending %v, want 0 and 1日", c.Left, c.Pending)
		}
		// 夏季休暇 (5 days a year, July–September) is checked against its own limit.
		_, err = tryCreate(db, a, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: leave.CodeSummer, Unit: approval.LeaveDay, FromOn: d(2026, 10, 13), ToOn: d(2026, 10, 13)}})
		if kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("夏季休暇 in October: err = %v, want invalid", err)
		}
	})
}

func grantRun(t *testing.T, db *store.DB, year int) store.AnnualGrantRun {
	t.Helper()
	var run store.AnnualGrantRun
	err := db.WithTx(context.Background(), kintai.Actor{System: true}, func(tx *store.Tx) error {
		var err error
		run, err = tx.GrantAnnualLeave(context.Background(), year)
		return err
	})
	if err != nil {
		t.Fatalf("GrantAnnualLeave(%d): %v", year, err)
	}
	return run
}

func TestAnnualGrantAndCarryOver(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		d := kintai.NewDate
		var fiscal int64
		if err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
			s := kintai.Staff{StaffNo: "160", Name: "会計 花子", Kana: "カイケイ", EmploymentType: kintai.FiscalPart,
				AppointedOn: d(2026, 4, 1), AppointmentEndsOn: d(2027, 3, 31), OrgUnitID: o.team}
			err := tx.CreateStaff(ctx, &s)
			fiscal = s.ID
			return err
		}); err != nil {
			t.Fatal(err)
		}
		run := grantRun(t, db, 2026)
		if len(run.Granted) != 6 || len(run.Carried) != 0 {
			t.Fatalf("2026 run: granted %d carried %d, want 6 and 0", len(run.Granted), len(run.Carried))
		}
		for _, g := range run.Granted {
			want := leave.Grant{Amount: leave.DaysAmount(20), GrantedOn: d(2026, 1, 1), ExpiresOn: d(2026, 12, 31)}
			if g.StaffID == fiscal {
				// 国頭村 table, first year, 任期 12 months, 5 days a week: 10 days for the fiscal year.
				want = leave.Grant{Amount: leave.DaysAmount(10), GrantedOn: d(2026, 4, 1), ExpiresOn: d(2027, 3, 31)}
			}
			if g.Amount != want.Amount || g.GrantedOn != want.GrantedOn || g.ExpiresOn != want.ExpiresOn || g.GrantYear != 2026 {
				t.Errorf("grant to %d = %+v, want %+v", g.StaffID, g.Grant, want)
			}
		}
		// The same year is never granted twice.
		if again := grantRun(t, db, 2026); len(again.Granted) != 0 || len(again.Carried) != 0 || again.Skipped != 6 {
			t.Errorf("second 2026 run: granted %d carried %d skipped %d, want 0, 0, 6", len(again.Granted), len(again.Carried), again.Skipped)
		}
		// The applicant gets 10 more days for 2026 and takes 3: 27 unused, 20 carried.
		err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
			return tx.AddLeaveGrant(ctx, &store.LeaveGrant{StaffID: o.applicant, Balance: leave.Annual,
				Grant: leave.Grant{Amount: leave.DaysAmount(10), GrantedOn: d(2026, 1, 1), ExpiresOn: d(2026, 12, 31), Note: "特別付与"}})
		})
		if err != nil {
			t.Fatal(err)
		}
		r := create(t, db, actorOf(t, db, o.applicant), approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{
			Type: "annual", Unit: approval.LeaveDay, FromOn: d(2026, 11, 9), ToOn: d(2026, 11, 11)}})
		if _, _, err := decide(db, actorOf(t, db, o.leader), r.ID, approval.ActionApprove, ""); err != nil {
			t.Fatal(err)
		}
		run = grantRun(t, db, 2027)
		carried := map[int64]store.LeaveGrant{}
		for _, g := range run.Carried {
			carried[g.StaffID] = g
		}
		if c := carried[o.applicant]; c.Amount != leave.DaysAmount(20) || !c.Carried || c.GrantedOn != d(2027, 1, 1) || c.ExpiresOn != d(2027, 12, 31) {
			t.Errorf("applicant's carry-over = %+v, want 20 days (capped) from 2027-01-01 to 2027-12-31", c.Grant)
		}
		if c := carried[o.leader]; c.Amount != leave.DaysAmount(20) {
			t.Errorf("leader's carry-over = %v, want 20日", c.Amount)
		}
		if _, ok := carried[fiscal]; ok || len(run.Granted) != 5 {
			t.Errorf("2027 run: %d granted, fiscal appointee carried %v; want 5 and none (their term ends 2027-03-31)", len(run.Granted), ok)
		}
		// The 2027 balance: 20 carried and 20 own.
		an := balanceOf(staffLeave(t, db, o.applicant, d(2027, 1, 4)), leave.Annual)
		if an.Carried != leave.DaysAmount(20) || an.Left != leave.DaysAmount(80) {
			t.Errorf("2027 balance: carried %v left %v, want 20日 and 80日 (20 carried, 20 own, the seed's 40 that never expire)", an.Carried, an.Left)
		}
	})
}

// TestHalfDayLeave takes half days of annual leave: the hours come from
// the day's pattern whatever the client sent, the balance counts the
// entity's half day, a second morning overlaps, and a rest day has none.
func TestHalfDayLeave(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		d := kintai.NewDate
		id := newTeamStaff(t, db, o, "151", "半日 花子")
		assignStandard(t, db, id)
		grantLeave(t, db, leave.Annual, leave.DaysAmount(1), d(2026, 4, 1), id)
		a := actorOf(t, db, id)
		mon := d(2026, 10, 5)
		half := func(unit approval.LeaveUnit, day kintai.Date) approval.Request {
			// Times a client might send are replaced by the day's.
			return approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: "annual", Unit: unit, FromOn: day, From: at(day, 10, 0), To: at(day, 11, 0)}}
		}
		am := create(t, db, a, half(approval.LeaveMorning, mon))
		if l := am.Leave; !l.From.Equal(at(mon, 8, 30)) || !l.To.Equal(at(mon, 12, 0)) || l.ToOn != mon {
			t.Errorf("morning half day = %v–%v to %v, want 08:30–12:00 on %v", l.From, l.To, l.ToOn, mon)
		}
		pm := create(t, db, a, half(approval.LeaveAfternoon, mon.AddDays(1)))
		if l := pm.Leave; !l.From.Equal(at(mon.AddDays(1), 13, 0)) || !l.To.Equal(at(mon.AddDays(1), 17, 15)) {
			t.Errorf("afternoon half day = %v–%v, want 13:00–17:15", l.From, l.To)
		}
		// 7h45m halves as 232 + 233 minutes: the two make the whole day.
		an := balanceOf(staffLeave(t, db, id, d(2026, 10, 1)), leave.Annual)
		if an.Pending != leave.DaysAmount(1) || !an.Left.IsZero() {
			t.Errorf("after a morning and an afternoon: pending %v left %v, want 1日 and nothing", an.Pending, an.Left)
		}
		// Nothing left for a third half day.
		if _, err := tryCreate(db, a, half(approval.LeaveMorning, mon.AddDays(2))); kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("a half day over the balance: err = %v, want invalid", err)
		}
		// The same morning twice overlaps.
		grantLeave(t, db, leave.Annual, leave.DaysAmount(1), d(2026, 4, 1), id)
		if _, err := tryCreate(db, a, half(approval.LeaveMorning, mon)); fieldOf(err) != "leave.from" {
			t.Errorf("the same morning twice: err = %v (field %q), want invalid leave.from", err, fieldOf(err))
		}
		// Saturday has no hours, so no half day.
		if _, err := tryCreate(db, a, half(approval.LeaveAfternoon, d(2026, 10, 10))); fieldOf(err) != "leave.from_on" {
			t.Errorf("a half day on a Saturday: err = %v (field %q), want invalid leave.from_on", err, fieldOf(err))
		}
		// 病気休暇 is not taken by the half day.
		sick := half(approval.LeaveMorning, mon.AddDays(3))
		sick.Leave.Type = leave.CodeSick
		if _, err := tryCreate(db, a, sick); kintai.ErrorCode(err) != kintai.EINVALID || fieldOf(err) != "leave.unit" {
			t.Errorf("病気休暇 by the half day: err = %v (field %q), want invalid leave.unit", err, fieldOf(err))
		}
		// Approved, the morning is leave in the day's results.
		if _, _, err := decide(db, actorOf(t, db, o.leader), am.ID, approval.ActionApprove, ""); err != nil {
			t.Fatal(err)
		}
		importStamps(t, db, id, stamp{punch.ClockIn, mon, 1255}, stamp{punch.ClockOut, mon, 1715})
		if _, err := db.RecomputeMonth(ctx, d(2026, 10, 1), []int64{id}, opts(afterOctober)); err != nil {
			t.Fatal(err)
		}
		r, err := db.FindMonthResult(ctx, id, d(2026, 10, 1))
		if err != nil {
			t.Fatal(err)
		}
		if day := r.Days[4]; day.Date != mon || day.LeaveMin != 210 || day.AbsenceMin != 0 || day.LateMin != 0 {
			t.Errorf("%v with a morning off: leave %d, absence %d, late %d; want 210, 0, 0", day.Date, day.LeaveMin, day.AbsenceMin, day.LateMin)
		}
		// Payroll takes it as annual leave.
		if got := r.Totals.LeaveByCategory; got[string(leave.Annual)] != 210 || len(got) != 1 {
			t.Errorf("month's leave by category = %v, want annual 210", got)
		}

		// An entity whose morning ends at 11:45 splits there; at 12:30,
		// inside the break, around the break.
		grantLeave(t, db, leave.Annual, leave.DaysAmount(2), d(2026, 4, 1), id)
		for _, tt := range []struct {
			endMin            int
			unit              approval.LeaveUnit
			fromH, fromM, toH int
			toM               int
		}{
			{705, approval.LeaveMorning, 8, 30, 11, 45},
			{705, approval.LeaveAfternoon, 11, 45, 17, 15},
			{750, approval.LeaveMorning, 8, 30, 12, 0},
			{750, approval.LeaveAfternoon, 13, 0, 17, 15},
		} {
			system(t, db, func(ctx context.Context, tx *store.Tx) error {
				c, err := tx.FindLeaveConfig(ctx)
				if err != nil {
					return err
				}
				c.Settings.MorningEndMin = tt.endMin
				return tx.SaveLeaveConfig(ctx, &c)
			})
			day := d(2026, 10, 19)
			if tt.endMin == 750 {
				day = d(2026, 10, 20)
			}
			l := create(t, db, a, half(tt.unit, day)).Leave
			if !l.From.Equal(at(day, tt.fromH, tt.fromM)) || !l.To.Equal(at(day, tt.toH, tt.toM)) {
				t.Errorf("morning ending at %d min, %s = %v–%v, want %02d:%02d–%02d:%02d", tt.endMin, tt.unit, l.From, l.To, tt.fromH, tt.fromM, tt.toH, tt.toM)
			}
		}
	})
}

// TestLeaveCaseLimits checks limits that depend on the case and the
// event a request names: 忌引 by relation per bereavement, 子の看護 by the
// number of children per calendar year.
func TestLeaveCaseLimits(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		o := seedRequestOrg(t, db)
		assignStandard(t, db, o.applicant)
		a := actorOf(t, db, o.applicant)
		d := kintai.NewDate
		days := func(typ, cas, event string, from, to kintai.Date) approval.Request {
			return approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: typ, Unit: approval.LeaveDay, FromOn: from, ToOn: to, Case: cas, Event: event}}
		}
		refused := func(what string, req approval.Request, field string) {
			t.Helper()
			if _, err := tryCreate(db, a, req); kintai.ErrorCode(err) != kintai.EINVALID || fieldOf(err) != field {
				t.Errorf("%s: err = %v (field %q), want invalid %s", what, err, fieldOf(err), field)
			}
		}
		// 忌引 of a grandparent: 3 days per bereavement.
		refused("忌引 naming no relation", days(leave.CodeBereavement, "", "祖母 10/2", d(2026, 10, 5), d(2026, 10, 5)), "leave.case")
		refused("忌引 naming no bereavement", days(leave.CodeBereavement, "grandparent", "", d(2026, 10, 5), d(2026, 10, 5)), "leave.event")
		create(t, db, a, days(leave.CodeBereavement, "grandparent", "祖母 10/2", d(2026, 10, 5), d(2026, 10, 6)))
		create(t, db, a, days(leave.CodeBereavement, "grandparent", "祖母 10/2", d(2026, 10, 7), d(2026, 10, 7)))
		refused("a 4th day for the same grandparent", days(leave.CodeBereavement, "grandparent", "祖母 10/2", d(2026, 10, 8), d(2026, 10, 8)), "leave.amount")
		// Another bereavement has its own days.
		create(t, db, a, days(leave.CodeBereavement, "grandparent", "祖父 11/20", d(2026, 11, 24), d(2026, 11, 25)))

		// 子の看護: 5 days a year for one child; 10 for two or more.
		create(t, db, a, days("child_sick", "one", "", d(2026, 6, 1), d(2026, 6, 5)))
		refused("a 6th day for one child", days("child_sick", "one", "", d(2026, 6, 8), d(2026, 6, 8)), "leave.amount")
		create(t, db, a, days("child_sick", "two_or_more", "", d(2026, 6, 8), d(2026, 6, 8)))
		// Next calendar year starts afresh.
		create(t, db, a, days("child_sick", "one", "", d(2027, 1, 6), d(2027, 1, 6)))
	})
}

// TestOvertimeCompGrantAtClose: closing a month grants the 超勤代休時間
// its overtime beyond 60 hours earned (25/100 of the weekday hours, 15/100
// of the Saturday ones), valid the two months after; it is taken by 4
// hours or a day, and closing again after a reopen keeps one grant.
func TestOvertimeCompGrantAtClose(t *testing.T) {
	december := time.Date(2026, 12, 10, 12, 0, 0, 0, tokyo)
	storetest.Each(t, storetest.NewClock(december).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		d := kintai.NewDate
		id := newTeamStaff(t, db, o, "152", "超勤 次郎")
		assignStandard(t, db, id)
		// November's weekdays (not the 3rd or the 23rd) until 22:00, and
		// the last Saturday 08:30–13:30: all of it beyond 60 hours.
		var stamps []stamp
		for day := d(2026, 11, 1); day.Month == time.November; day = day.AddDays(1) {
			switch {
			case day.Day == 3 || day.Day == 23 || day.Weekday() == time.Sunday:
			case day.Day == 28:
				stamps = append(stamps, stamp{punch.ClockIn, day, 830}, stamp{punch.ClockOut, day, 1330})
			case day.Weekday() != time.Saturday:
				stamps = append(stamps, stamp{punch.ClockIn, day, 830}, stamp{punch.ClockOut, day, 2200})
			}
		}
		importStamps(t, db, id, stamps...)
		close := func() {
			t.Helper()
			if err := db.RecomputeForClose(ctx, d(2026, 11, 1), 0, opts(december)); err != nil {
				t.Fatal(err)
			}
			system(t, db, func(ctx context.Context, tx *store.Tx) error {
				_, err := tx.CloseMonth(ctx, d(2026, 11, 1), 0, "テスト", true)
				return err
			})
		}
		close()
		r, err := db.FindMonthResult(ctx, id, d(2026, 11, 1))
		if err != nil {
			t.Fatal(err)
		}
		if r.Totals.Over60RestMin != 300 || r.Totals.Over60Min <= 300 {
			t.Fatalf("November beyond 60 h: %d min, %d of them on Saturday; want the Saturday's 300 and weekday ones", r.Totals.Over60Min, r.Totals.Over60RestMin)
		}
		wantMin := (r.Totals.Over60Min-300)*25/100 + 300*15/100
		compGrants := func() []store.LeaveGrant {
			t.Helper()
			all, err := db.FindLeaveGrants(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var out []store.LeaveGrant
			for _, g := range all {
				if g.Balance == leave.OvertimeComp {
					out = append(out, g)
				}
			}
			return out
		}
		gs := compGrants()
		if len(gs) != 1 || gs[0].Amount.Minutes(465) != wantMin || gs[0].GrantedOn != d(2026, 12, 1) || gs[0].ExpiresOn != d(2027, 1, 31) || gs[0].EarnedOn != d(2026, 11, 1) {
			t.Fatalf("超勤代休時間 grants after the close = %+v, want one of %d min, 2026-12-01 to 2027-01-31, earned in November", gs, wantMin)
		}

		// Taken by 4 hours: 3 hours is refused while more is left.
		a := actorOf(t, db, id)
		comp := func(day kintai.Date, fromH, fromM, toH, toM int) approval.Request {
			return approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: leave.CodeOvertimeComp, Unit: approval.LeaveHour,
				FromOn: day, From: at(day, fromH, fromM), To: at(day, toH, toM)}}
		}
		if _, err := tryCreate(db, a, comp(d(2026, 12, 14), 14, 15, 17, 15)); fieldOf(err) != "leave.amount" {
			t.Errorf("3 hours of 超勤代休時間: err = %v (field %q), want invalid leave.amount", err, fieldOf(err))
		}
		create(t, db, a, comp(d(2026, 12, 14), 13, 15, 17, 15))
		if b := balanceOf(staffLeave(t, db, id, d(2026, 12, 10)), leave.OvertimeComp); b.Pending.Minutes(465) != 240 || b.Left.Minutes(465) != wantMin-240 {
			t.Errorf("超勤代休時間 after asking for 4 hours: pending %v, left %v; want 4 hours and %d min", b.Pending, b.Left, wantMin-240)
		}

		// Reopened and closed again: still one grant.
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			_, err := tx.ReopenMonth(ctx, d(2026, 11, 1), 0, "修正のため")
			return err
		})
		close()
		if gs := compGrants(); len(gs) != 1 || gs[0].Amount.Minutes(465) != wantMin {
			t.Errorf("超勤代休時間 grants after closing again = %+v, want the one grant of %d min", gs, wantMin)
		}
	})
}

// TestFiveDayAlertsBulk: the five-day list, read for everyone at once,
// says what each staff member's own leave page says: 10 days granted and
// none taken alerts; 5 taken (a day-unit request over a week) does not;
// fewer than 10 granted does not; an unknown id is left out.
func TestFiveDayAlertsBulk(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		d := kintai.NewDate
		none := newTeamStaff(t, db, o, "160", "未取得 一郎")
		took := newTeamStaff(t, db, o, "161", "取得 二郎")
		few := newTeamStaff(t, db, o, "162", "少数 三郎")
		assignStandard(t, db, took)
		grantLeave(t, db, leave.Annual, leave.DaysAmount(10), d(2026, 4, 1), none, took)
		grantLeave(t, db, leave.Annual, leave.DaysAmount(5), d(2026, 4, 1), few)
		req := create(t, db, actorOf(t, db, took), approval.Request{Kind: approval.KindLeave,
			Leave: &approval.Leave{Type: "annual", Unit: approval.LeaveDay, FromOn: d(2026, 8, 3), ToOn: d(2026, 8, 9)}})
		if _, _, err := decide(db, actorOf(t, db, o.leader), req.ID, approval.ActionApprove, ""); err != nil {
			t.Fatal(err)
		}
		asOf := d(2026, 10, 1)
		ids := []int64{none, took, few, o.applicant, 999999}
		got, err := db.FiveDayAlerts(ctx, ids, asOf)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids[:4] {
			one := staffLeave(t, db, id, asOf).Alert
			a, ok := got[id]
			if ok != (one != nil) || (ok && a != *one) {
				t.Errorf("staff %d: bulk alert %+v (%v), own page %+v", id, a, ok, one)
			}
		}
		if _, ok := got[none]; !ok {
			t.Errorf("no alert for 10 days granted and none taken: %+v", got)
		}
		if _, ok := got[took]; ok {
			t.Errorf("an alert for 5 days taken: %+v", got[took])
		}
		if _, ok := got[few]; ok {
			t.Errorf("an alert for 5 days granted: %+v", got[few])
		}
	})
}
