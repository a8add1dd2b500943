package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/approval"
	"kintai/leave"
	"kintai/punch"
	"kintai/rules"
	"kintai/store"
	"kintai/store/storetest"
)

// assignStandard puts staffID on the standard pattern: Monday to Friday
// 8:30–17:15 with a break 12:00–13:00.
func assignStandard(t *testing.T, db *store.DB, staffID int64) {
	t.Helper()
	ctx := context.Background()
	err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		p := rules.Pattern{Code: "STD", Name: "標準", Kind: rules.PatternFixed, Weekdays: 0b0111110,
			Hours: rules.Span{StartMin: 510, EndMin: 1035}, Breaks: []rules.Span{{StartMin: 720, EndMin: 780}}}
		if err := tx.CreatePattern(ctx, &p); err != nil {
			return err
		}
		_, err := tx.AssignPattern(ctx, staffID, p.ID, kintai.NewDate(2026, 4, 1), kintai.Date{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// at is hh:mm on day in Tokyo.
func at(day kintai.Date, h, m int) time.Time {
	return day.Time(tokyo).Add(time.Duration(h*60+m) * time.Minute)
}

func tryCreate(db *store.DB, actor kintai.Actor, req approval.Request) (approval.Request, error) {
	var out approval.Request
	err := db.WithTx(context.Background(), actor, func(tx *store.Tx) error {
		var err error
		out, err = tx.CreateRequest(context.Background(), req, true)
		return err
	})
	return out, err
}

// TestRequestResultGap checks that the 乖離 of an overtime result is
// computed from the staff member's punches and the order, whatever the
// client sent, and that the stored threshold decides when a reason is due.
func TestRequestResultGap(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		assignStandard(t, db, o.applicant)
		applicant, leader, hr := actorOf(t, db, o.applicant), actorOf(t, db, o.leader), actorOf(t, db, o.hrStaff)
		day := teleworkDay // Friday
		order := create(t, db, leader, approval.Request{Kind: approval.KindOvertimeOrder, StaffID: o.applicant, Overtime: &approval.Overtime{
			Day: day, Planned: rules.Interval{Start: at(day, 17, 15), End: at(day, 18, 15)}, Reason: "議会答弁資料"}})
		// In 8:25, out 20:40: 2h25m present after the reported end.
		importStamps(t, db, o.applicant, stamp{punch.ClockIn, day, 825}, stamp{punch.ClockOut, day, 2040})
		result := func(reason string, clientGap *approval.Gap) approval.Request {
			return approval.Request{Kind: approval.KindOvertimeResult, Result: &approval.OvertimeResult{OrderID: order.ID, Day: day,
				Actual: rules.Interval{Start: at(day, 17, 15), End: at(day, 18, 15)}, Work: "資料作成", Gap: clientGap, GapReason: reason}}
		}
		// A client claiming no gap is not believed.
		_, err := tryCreate(db, applicant, result("", &approval.Gap{ReasonRequired: false}))
		if ja, _ := kintai.ErrorMessages(err); kintai.ErrorCode(err) != kintai.EINVALID || fieldOf(err) != "result.gap_reason" || !strings.Contains(ja, "報告終了後の在庁 2時間25分") {
			t.Fatalf("result without a reason: err = %v (field %q), want invalid result.gap_reason naming 報告終了後の在庁 2時間25分", err, fieldOf(err))
		}
		got := create(t, db, applicant, result("庁舎の施錠当番のため残っていました", &approval.Gap{}))
		want := &approval.Gap{BeforeMin: 5, AfterMin: 145, UnreportedMin: 150, ThresholdMin: 30, Over: []string{approval.GapAfter}, ReasonRequired: true}
		if diff := cmp.Diff(want, got.Result.Gap); diff != "" {
			t.Errorf("stored gap mismatch (-want +got):\n%s", diff)
		}
		stored, err := db.FindRequestByID(ctx, got.ID)
		if err != nil || !cmp.Equal(want, stored.Result.Gap) {
			t.Errorf("FindRequestByID(%d).Result.Gap = %+v, %v, want %+v", got.ID, stored.Result.Gap, err, want)
		}
		// HR raises the threshold to 3 hours: the same report needs no reason.
		err = db.WithTx(ctx, hr, func(tx *store.Tx) error {
			s := approval.DefaultSettings()
			s.GapThresholdMin = 180
			_, err := tx.SaveApprovalSettings(ctx, s)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if s, err := db.FindApprovalSettings(ctx); err != nil || s.GapThresholdMin != 180 || s.UpdatedAt.IsZero() {
			t.Errorf("FindApprovalSettings() = %+v, %v, want threshold 180 saved", s, err)
		}
		got, err = tryCreate(db, applicant, result("", &approval.Gap{ReasonRequired: true}))
		if err != nil || got.Result.Gap == nil || got.Result.Gap.ReasonRequired || got.Result.Gap.ThresholdMin != 180 {
			t.Errorf("result under a 180-minute threshold = %+v, %v; want accepted without a reason", got.Result, err)
		}
		if err := db.WithTx(ctx, hr, func(tx *store.Tx) error {
			_, err := tx.SaveApprovalSettings(ctx, approval.Settings{GapThresholdMin: -1, DaikyuAfterDays: 56})
			return err
		}); fieldOf(err) != "gap_threshold_min" {
			t.Errorf("SaveApprovalSettings(threshold -1) = %v, want invalid gap_threshold_min", err)
		}
	})
}

// fieldOf returns the field of a *kintai.Error.
func fieldOf(err error) string {
	if e, ok := err.(*kintai.Error); ok {
		return e.Field
	}
	return ""
}

func TestRequestConflicts(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		o := seedRequestOrg(t, db)
		assignStandard(t, db, o.applicant)
		applicant, leader := actorOf(t, db, o.applicant), actorOf(t, db, o.leader)
		mon := kintai.NewDate(2026, 4, 13)
		create(t, db, applicant, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: "annual", Unit: approval.LeaveDay, FromOn: mon, ToOn: mon.AddDays(1)}})
		tue := mon.AddDays(1)
		wed := mon.AddDays(2)
		create(t, db, applicant, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: "annual", Unit: approval.LeaveHour, FromOn: wed, From: at(wed, 10, 0), To: at(wed, 12, 0)}})
		hw := func(day, sub kintai.Date, mode approval.SubstituteMode) approval.Request {
			return approval.Request{Kind: approval.KindHolidayWork, StaffID: o.applicant, HolidayWork: &approval.HolidayWork{Day: day,
				Planned: rules.Interval{Start: at(day, 9, 0), End: at(day, 12, 0)}, Substitute: mode, SubstituteOn: sub, Reason: "選挙事務"}}
		}
		sat, sun := kintai.NewDate(2026, 4, 11), kintai.NewDate(2026, 4, 12)
		tests := []struct {
			name  string
			actor kintai.Actor
			req   approval.Request
			field string // "" when accepted
		}{
			{"hourly leave inside days of leave", applicant, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: "annual", Unit: approval.LeaveHour, FromOn: tue, From: at(tue, 9, 0), To: at(tue, 10, 0)}}, "leave.from"},
			{"days of leave over hourly leave", applicant, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: "sick", Unit: approval.LeaveDay, FromOn: wed, ToOn: wed.AddDays(1)}}, "leave.from_on"},
			{"overlapping hours", applicant, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: "annual", Unit: approval.LeaveHour, FromOn: wed, From: at(wed, 11, 0), To: at(wed, 13, 0)}}, "leave.from"},
			{"hours next to hours", applicant, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: "annual", Unit: approval.LeaveHour, FromOn: wed, From: at(wed, 13, 0), To: at(wed, 14, 0)}}, ""},
			{"holiday work on a Friday", leader, hw(teleworkDay, kintai.Date{}, approval.SubstituteNone), "holiday_work.day"},
			{"振替 to a Sunday", leader, hw(sat, sun, approval.SubstituteFurikae), "holiday_work.substitute_on"},
			{"holiday work on a Saturday with 振替 to a Thursday", leader, hw(sat, kintai.NewDate(2026, 4, 16), approval.SubstituteFurikae), ""},
			{"holiday work on 昭和の日 (a Wednesday)", leader, hw(kintai.NewDate(2026, 4, 29), kintai.Date{}, approval.SubstituteDaikyu), ""},
		}
		for _, tt := range tests {
			_, err := tryCreate(db, tt.actor, tt.req)
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("%s: CreateRequest = %v, want accepted", tt.name, err)
			case tt.field != "" && (kintai.ErrorCode(err) != kintai.EINVALID || fieldOf(err) != tt.field):
				t.Errorf("%s: CreateRequest = %v (field %q), want invalid %s", tt.name, err, fieldOf(err), tt.field)
			}
		}
	})
}

// TestRequestEscalation drives EscalateOverdue with the clock: a step that
// has waited more than the escalation days moves up to the 課長, who is
// told, and the overdue list shows it until then.
func TestRequestEscalation(t *testing.T) {
	start := time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC) // Monday 09:00 in Tokyo
	clock := storetest.NewClock(start)
	storetest.Each(t, clock.Now, func(t *testing.T, db *store.DB) {
		clock.Advance(start.Sub(clock.Now())) // each dialect starts on Monday
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		applicant := actorOf(t, db, o.applicant)
		req := create(t, db, applicant, telework(teleworkDay))
		escalate := func() []approval.Request {
			t.Helper()
			var out []approval.Request
			if err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) (err error) { out, err = tx.EscalateOverdue(ctx); return err }); err != nil {
				t.Fatalf("EscalateOverdue: %v", err)
			}
			return out
		}
		// Thursday: 3 open days waited, not more than 3.
		clock.Advance(3 * 24 * time.Hour)
		if got := escalate(); len(got) != 0 {
			t.Errorf("EscalateOverdue after 3 days = %d requests, want none", len(got))
		}
		// Friday: 4 days. Over the weekend nothing is counted, so Friday is
		// also where a request of the Thursday before would stand.
		clock.Advance(24 * time.Hour)
		over, err := db.FindOverdue(ctx, clock.Now())
		if err != nil || len(over) != 1 || over[0].RequestID != req.ID || over[0].WaitingDays != 4 || !over[0].CanEscalate {
			t.Fatalf("FindOverdue() = %+v, %v, want request %d waiting 4 days", over, err, req.ID)
		}
		got := escalate()
		if len(got) != 1 || !cmp.Equal(got[0].Current().Approvers, []int64{o.leader, o.chief}) {
			t.Fatalf("EscalateOverdue = %+v, want the 課長 added to the step", got)
		}
		if n, err := db.FindNotifications(ctx, o.chief, true); err != nil || len(n) != 1 || n[0].Kind != store.NotifyWaiting || n[0].RequestID != req.ID {
			t.Errorf("notifications of the 課長 = %+v, %v, want one waiting for #%d", n, err, req.ID)
		}
		if over, _ := db.FindOverdue(ctx, clock.Now()); len(over) != 0 {
			t.Errorf("FindOverdue() after escalation = %+v, want none: the wait starts again", over)
		}
		if got := escalate(); len(got) != 0 {
			t.Errorf("second EscalateOverdue the same day = %d, want none", len(got))
		}
		inbox, err := db.FindRequests(ctx, store.RequestFilter{InboxOf: o.chief})
		if err != nil || len(inbox) != 1 {
			t.Errorf("inbox of the 課長 = %d, %v, want the escalated request", len(inbox), err)
		}
		evs, _ := db.FindRequestEvents(ctx, req.ID)
		if last := evs[len(evs)-1]; last.Action != approval.ActionEscalate || last.ActorID != 0 {
			t.Errorf("last event = %+v, want an escalation by the system", last)
		}
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Errorf("VerifyAudit() = %v", err)
		}
	})
}

// TestRequestCancelCorrection checks that cancelling an approved punch
// correction restores the original punch, and voids a punch it added.
func TestRequestCancelCorrection(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		assignStandard(t, db, o.applicant)
		applicant, leader := actorOf(t, db, o.applicant), actorOf(t, db, o.leader)
		day := teleworkDay
		importStamps(t, db, o.applicant, stamp{punch.ClockIn, day, 910})
		ps, err := db.FindPunches(ctx, store.PunchFilter{StaffIDs: []int64{o.applicant}, From: day, To: day})
		if err != nil || len(ps) != 1 {
			t.Fatalf("FindPunches = %v, %v", ps, err)
		}
		fix := create(t, db, applicant, approval.Request{Kind: approval.KindPunchCorrection, Correction: &approval.PunchCorrection{
			PunchID: ps[0].ID, Day: day, Kind: punch.ClockIn, At: at(day, 8, 30), Reason: "カードの読み取り不良"}})
		add := create(t, db, applicant, approval.Request{Kind: approval.KindPunchCorrection, Correction: &approval.PunchCorrection{
			Day: day, Kind: punch.ClockOut, At: at(day, 17, 15), Reason: "退勤の打刻忘れ"}})
		for _, id := range []int64{fix.ID, add.ID} {
			if _, _, err := decide(db, leader, id, approval.ActionApprove, ""); err != nil {
				t.Fatalf("approve %d: %v", id, err)
			}
		}
		// counted returns the day's punches that count, as "kind hh:mm".
		counted := func() []string {
			t.Helper()
			all, err := db.FindPunches(ctx, store.PunchFilter{StaffIDs: []int64{o.applicant}, From: punch.VoidDay, To: day})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range punch.Sequence(all) {
				if p.BusinessDay == day {
					out = append(out, fmt.Sprintf("%s %s", p.Kind, p.At.In(tokyo).Format("15:04")))
				}
			}
			return out
		}
		lateOf := func() int {
			t.Helper()
			month := kintai.NewDate(2026, 4, 1)
			if _, err := db.RecomputeMonth(ctx, month, []int64{o.applicant}, opts(time.Date(2026, 5, 10, 12, 0, 0, 0, tokyo))); err != nil {
				t.Fatal(err)
			}
			res, err := db.FindMonthResult(ctx, o.applicant, month)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range res.Days {
				if d.Date == day {
					return d.LateMin
				}
			}
			t.Fatalf("no result for %s", day)
			return 0
		}
		if diff := cmp.Diff([]string{"clock_in 08:30", "clock_out 17:15"}, counted()); diff != "" {
			t.Errorf("punches after the corrections (-want +got):\n%s", diff)
		}
		if got := lateOf(); got != 0 {
			t.Errorf("late minutes after the correction = %d, want 0", got)
		}
		for _, id := range []int64{fix.ID, add.ID} {
			if r, _, err := decide(db, applicant, id, approval.ActionCancel, ""); err != nil || r.Status != approval.StatusCancelPending {
				t.Fatalf("cancel %d = %s, %v", id, r.Status, err)
			}
			if r, _, err := decide(db, leader, id, approval.ActionApprove, ""); err != nil || r.Status != approval.StatusWithdrawn {
				t.Fatalf("approve cancellation of %d = %s, %v", id, r.Status, err)
			}
		}
		if diff := cmp.Diff([]string{"clock_in 09:10"}, counted()); diff != "" {
			t.Errorf("punches after the cancellations (-want +got):\n%s", diff)
		}
		if got := lateOf(); got != 40 {
			t.Errorf("late minutes after the cancellation = %d, want 40 (the original 9:10 clock-in)", got)
		}
		all, _ := db.FindPunches(ctx, store.PunchFilter{StaffIDs: []int64{o.applicant}, From: punch.VoidDay, To: day})
		if len(all) != 5 {
			t.Errorf("punch records = %d, want 5: original, two corrections, two reversals (nothing deleted)", len(all))
		}
	})
}

// TestRequestDeputyNotifiedAndEdit checks that a deputy is told of a
// request waiting for their principal, and that a returned request is
// edited and submitted again by its applicant with every version kept.
func TestRequestDeputyNotifiedAndEdit(t *testing.T) {
	clock := storetest.NewClock(t0)
	storetest.Each(t, clock.Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		applicant, leader, deputy, hr := actorOf(t, db, o.applicant), actorOf(t, db, o.leader), actorOf(t, db, o.deputy), actorOf(t, db, o.hrStaff)
		// HR sets the deputy up for the 係長, for telework only.
		addProxy(t, db, hr, approval.Proxy{Principal: o.leader, Deputies: []int64{o.deputy}, From: clock.Now().Add(-time.Hour), To: clock.Now().Add(48 * time.Hour),
			Kinds: []approval.Kind{approval.KindTelework}})
		req := create(t, db, applicant, telework(teleworkDay))
		create(t, db, applicant, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: "annual", Unit: approval.LeaveDay, FromOn: teleworkDay.AddDays(3), ToOn: teleworkDay.AddDays(3)}})
		n, err := db.FindNotifications(ctx, o.deputy, true)
		if err != nil || len(n) != 1 || n[0].Kind != store.NotifyWaiting || n[0].RequestID != req.ID {
			t.Errorf("deputy's notifications = %+v, %v, want one waiting for the telework #%d (the proxy does not cover leave)", n, err, req.ID)
		}
		if _, _, err := decide(db, deputy, req.ID, approval.ActionReturn, "場所をサテライトに"); err != nil {
			t.Fatal(err)
		}
		update := func(actor kintai.Actor, loc punch.WorkLocation) (approval.Request, error) {
			var out approval.Request
			err := db.WithTx(ctx, actor, func(tx *store.Tx) (err error) {
				out, err = tx.UpdateRequest(ctx, req.ID, approval.Request{Telework: &approval.Telework{Day: teleworkDay, Location: loc}}, true)
				return err
			})
			return out, err
		}
		if _, err := update(leader, punch.WorkSatellite); kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("UpdateRequest by the 係長 = %v, want not found", err)
		}
		if _, err := update(applicant, punch.WorkOffice); fieldOf(err) != "telework.location" {
			t.Errorf("UpdateRequest with an office location = %v, want invalid telework.location", err)
		}
		got, err := update(applicant, punch.WorkSatellite)
		if err != nil || got.Status != approval.StatusPending || got.Telework.Location != punch.WorkSatellite {
			t.Fatalf("UpdateRequest(resubmit) = %+v, %v, want pending at satellite", got, err)
		}
		if _, err := update(applicant, punch.WorkHome); kintai.ErrorCode(err) != kintai.ECONFLICT {
			t.Errorf("UpdateRequest while pending = %v, want conflict", err)
		}
		vs, err := db.FindRequestVersions(ctx, req.ID)
		if err != nil {
			t.Fatal(err)
		}
		var locs []punch.WorkLocation
		for _, v := range vs {
			locs = append(locs, v.Request.Telework.Location)
		}
		if diff := cmp.Diff([]punch.WorkLocation{punch.WorkHome, punch.WorkSatellite}, locs); diff != "" {
			t.Errorf("versions (-want +got):\n%s", diff)
		}
		evs, _ := db.FindRequestEvents(ctx, req.ID)
		var actions []approval.Action
		for _, e := range evs {
			actions = append(actions, e.Action)
		}
		if diff := cmp.Diff([]approval.Action{approval.ActionSubmit, approval.ActionReturn, approval.ActionSubmit}, actions); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Errorf("VerifyAudit() = %v", err)
		}
	})
}

// TestRequestInboxPaging checks that the inbox is filtered before its
// limit: a deputy for leave only finds the one old leave request behind
// 1,000 newer telework requests, and the 係長 gets a full page of 1,000
// and the rest on the next page.
func TestRequestInboxPaging(t *testing.T) {
	clock := storetest.NewClock(t0)
	storetest.Each(t, clock.Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		applicant, leader := actorOf(t, db, o.applicant), actorOf(t, db, o.leader)
		lv := create(t, db, applicant, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: "annual", Unit: approval.LeaveDay, FromOn: teleworkDay, ToOn: teleworkDay}})
		err := db.WithTx(ctx, applicant, func(tx *store.Tx) error {
			for i := range store.MaxBulkDecisions {
				if _, err := tx.CreateRequest(ctx, telework(teleworkDay.AddDays(1+i%300)), true); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		addProxy(t, db, leader, approval.Proxy{Principal: o.leader, Deputies: []int64{o.deputy}, From: clock.Now().Add(-time.Hour), To: clock.Now().Add(time.Hour),
			Kinds: []approval.Kind{approval.KindLeave}})
		inbox, err := db.FindRequests(ctx, store.RequestFilter{InboxOf: o.deputy})
		if err != nil || len(inbox) != 1 || inbox[0].ID != lv.ID {
			t.Errorf("deputy's inbox = %d requests, %v, want only the leave #%d", len(inbox), err, lv.ID)
		}
		page, err := db.FindRequests(ctx, store.RequestFilter{InboxOf: o.leader})
		if err != nil || len(page) != store.MaxBulkDecisions {
			t.Fatalf("inbox of the 係長 = %d, %v, want a page of %d", len(page), err, store.MaxBulkDecisions)
		}
		next, err := db.FindRequests(ctx, store.RequestFilter{InboxOf: o.leader, BeforeID: page[len(page)-1].ID})
		if err != nil || len(next) != 1 || next[0].ID != lv.ID {
			t.Errorf("next page = %d, %v, want the leave #%d", len(next), err, lv.ID)
		}
		// The deputy is never shown their own requests, even for a principal.
		mine := create(t, db, actorOf(t, db, o.deputy), approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: "annual", Unit: approval.LeaveDay, FromOn: teleworkDay, ToOn: teleworkDay}})
		inbox, _ = db.FindRequests(ctx, store.RequestFilter{InboxOf: o.deputy})
		for _, r := range inbox {
			if r.ID == mine.ID {
				t.Errorf("deputy's inbox shows their own request #%d", mine.ID)
			}
		}
	})
}

// TestSubstituteEffects computes the days of holiday-work orders: under
// 振替 the Saturday worked is a working day (regular hours, no rest-day
// overtime) and the Thursday a rest day (no absence); under 代休 the
// 昭和の日 worked has 休日給 until its 代休日 is designated, and none
// after, and the 代休日 is a day off.
func TestSubstituteEffects(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		assignStandard(t, db, o.applicant)
		leader := actorOf(t, db, o.leader)
		sat, thu, showa, fri := kintai.NewDate(2026, 4, 11), kintai.NewDate(2026, 4, 16), kintai.NewDate(2026, 4, 29), kintai.NewDate(2026, 5, 1)
		order := func(day, sub kintai.Date, mode approval.SubstituteMode) approval.Request {
			return create(t, db, leader, approval.Request{Kind: approval.KindHolidayWork, StaffID: o.applicant, HolidayWork: &approval.HolidayWork{Day: day,
				Planned: rules.Interval{Start: at(day, 8, 30), End: at(day, 17, 15)}, Substitute: mode, SubstituteOn: sub, Reason: "選挙事務"}})
		}
		furikae := order(sat, thu, approval.SubstituteFurikae)
		if furikae.Status != approval.StatusApproved {
			t.Fatalf("holiday-work order status = %s, want approved", furikae.Status)
		}
		daikyu := order(showa, kintai.Date{}, approval.SubstituteDaikyu)
		importStamps(t, db, o.applicant,
			stamp{punch.ClockIn, sat, 830}, stamp{punch.ClockOut, sat, 1715},
			stamp{punch.ClockIn, showa, 830}, stamp{punch.ClockOut, showa, 1715})
		asOf := time.Date(2026, 5, 20, 12, 0, 0, 0, tokyo)
		day := func(d kintai.Date) rules.DayResult { t.Helper(); return settledDay(t, db, o.applicant, asOf, d) }
		if d := day(sat); d.Kind != rules.Workday || d.RegularMin != 465 || d.OvertimeMin != 0 {
			t.Errorf("Saturday worked under 振替: %s, %d regular, %d overtime; want a working day of 465 regular minutes and no overtime", d.Kind, d.RegularMin, d.OvertimeMin)
		}
		if d := day(thu); d.Kind == rules.Workday || d.AbsenceMin != 0 || d.ScheduledMin != 0 {
			t.Errorf("the 振替日 Thursday: %s, %d scheduled, %d absent; want a rest day", d.Kind, d.ScheduledMin, d.AbsenceMin)
		}
		if d := day(showa); d.Kind != rules.Holiday || d.HolidayPayMin != 465 {
			t.Errorf("昭和の日 worked, no 代休日 yet: %s with %d min of 休日給, want a holiday with 465", d.Kind, d.HolidayPayMin)
		}
		if d := day(fri); d.Kind != rules.Workday || d.AbsenceMin != 465 {
			t.Errorf("Friday 5/1 before it is a 代休日: %s, %d absent; want a working day, absent", d.Kind, d.AbsenceMin)
		}
		if err := db.WithTx(ctx, leader, func(tx *store.Tx) error { _, err := tx.DesignateDaikyu(ctx, daikyu.ID, fri); return err }); err != nil {
			t.Fatalf("DesignateDaikyu: %v", err)
		}
		if d := day(showa); d.Kind != rules.Holiday || d.HolidayPayMin != 0 || d.RegularMin != 465 {
			t.Errorf("昭和の日 with its 代休日: %s, %d regular, %d 休日給; want 465 regular and no 休日給", d.Kind, d.RegularMin, d.HolidayPayMin)
		}
		if d := day(fri); d.Kind == rules.Workday || d.AbsenceMin != 0 {
			t.Errorf("the 代休日 5/1: %s, %d absent; want a day off", d.Kind, d.AbsenceMin)
		}
	})
}

// TestDaikyuLeave: each holiday-work order with 代休 owes a day, shown
// in the 代休 balance; a 代休 leave request, once approved, is the 代休日
// of the oldest order still owing one (no 休日給 for that holiday), and
// cancelled, the holiday is owed its day again.
func TestDaikyuLeave(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		assignStandard(t, db, o.applicant)
		leader, staff := actorOf(t, db, o.leader), actorOf(t, db, o.applicant)
		showa, kodomo, fri, tue, wed := kintai.NewDate(2026, 4, 29), kintai.NewDate(2026, 5, 5), kintai.NewDate(2026, 5, 8), kintai.NewDate(2026, 5, 12), kintai.NewDate(2026, 5, 13)
		order := func(day kintai.Date) approval.Request {
			return create(t, db, leader, approval.Request{Kind: approval.KindHolidayWork, StaffID: o.applicant, HolidayWork: &approval.HolidayWork{Day: day,
				Planned: rules.Interval{Start: at(day, 8, 30), End: at(day, 17, 15)}, Substitute: approval.SubstituteDaikyu, Reason: "選挙事務",
				DaikyuLeaveID: 999}})
		}
		a, b := order(showa), order(kodomo)
		if a.HolidayWork.DaikyuLeaveID != 0 {
			t.Errorf("an order sent with daikyu_leave_id keeps %d, want it cleared", a.HolidayWork.DaikyuLeaveID)
		}
		importStamps(t, db, o.applicant,
			stamp{punch.ClockIn, showa, 830}, stamp{punch.ClockOut, showa, 1715},
			stamp{punch.ClockIn, kodomo, 830}, stamp{punch.ClockOut, kodomo, 1715})
		asOf := time.Date(2026, 5, 20, 12, 0, 0, 0, tokyo)
		day := func(d kintai.Date) rules.DayResult { t.Helper(); return settledDay(t, db, o.applicant, asOf, d) }
		daikyu := func() store.LeaveBalance {
			t.Helper()
			return balanceOf(staffLeave(t, db, o.applicant, kintai.NewDate(2026, 5, 6)), leave.Compensatory)
		}
		if bal := daikyu(); bal.Granted != leave.DaysAmount(2) || bal.Left != leave.DaysAmount(2) || len(bal.Lots) != 2 ||
			bal.Lots[0].Grant.ExpiresOn != showa.AddDays(56) || !strings.Contains(bal.Lots[0].Grant.Note, "4月29日の休日勤務") {
			t.Fatalf("代休 after two orders = %+v, want 2 days owed, the first to %s noted 4月29日の休日勤務", bal, showa.AddDays(56))
		}

		req := create(t, db, staff, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: leave.CodeCompensatory, Unit: approval.LeaveDay, FromOn: fri, ToOn: fri}})
		if _, _, err := decide(db, leader, req.ID, approval.ActionApprove, ""); err != nil {
			t.Fatalf("approve the 代休: %v", err)
		}
		if got := findReq(t, db, a.ID).HolidayWork; got.SubstituteOn != fri || got.DaikyuLeaveID != req.ID {
			t.Fatalf("order of 4/29 after the 代休 of 5/8 is approved: 代休日 %v by leave %d, want %v by %d", got.SubstituteOn, got.DaikyuLeaveID, fri, req.ID)
		}
		if got := findReq(t, db, b.ID).HolidayWork; !got.SubstituteOn.IsZero() {
			t.Errorf("order of 5/5 got 代休日 %v, want none (the older order takes the day)", got.SubstituteOn)
		}
		if d := day(showa); d.HolidayPayMin != 0 {
			t.Errorf("昭和の日 with its 代休 taken: %d min of 休日給, want none", d.HolidayPayMin)
		}
		if d := day(kodomo); d.HolidayPayMin != 465 {
			t.Errorf("こどもの日 still owed a 代休: %d min of 休日給, want 465", d.HolidayPayMin)
		}
		if d := day(fri); d.AbsenceMin != 0 || d.Kind == rules.Workday {
			t.Errorf("the 代休 of 5/8: %s, %d absent; want a day off", d.Kind, d.AbsenceMin)
		}
		if bal := daikyu(); bal.Left != leave.DaysAmount(1) {
			t.Errorf("代休 after one taken = %v left, want 1日 (the day counted once)", bal.Left)
		}
		// The orderer cannot move a 代休日 the leave request set.
		if err := db.WithTx(ctx, leader, func(tx *store.Tx) error { _, err := tx.DesignateDaikyu(ctx, a.ID, tue); return err }); kintai.ErrorCode(err) != kintai.ECONFLICT {
			t.Errorf("DesignateDaikyu over the leave's day: err = %v, want conflict", err)
		}
		// The orderer designates the other; nothing is owed any more.
		if err := db.WithTx(ctx, leader, func(tx *store.Tx) error { _, err := tx.DesignateDaikyu(ctx, b.ID, tue); return err }); err != nil {
			t.Fatalf("DesignateDaikyu: %v", err)
		}
		if bal := daikyu(); !bal.Left.IsZero() {
			t.Errorf("代休 after both designated = %v left, want nothing", bal.Left)
		}
		if _, err := tryCreate(db, staff, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: leave.CodeCompensatory, Unit: approval.LeaveDay, FromOn: wed, ToOn: wed}}); fieldOf(err) != "leave.type" {
			t.Errorf("a third 代休 for two holidays: err = %v (field %q), want invalid leave.type", err, fieldOf(err))
		}

		// Cancelled, the 4/29 holiday is owed its 代休 again and paid.
		if _, _, err := decide(db, staff, req.ID, approval.ActionCancel, "予定変更"); err != nil {
			t.Fatalf("cancel: %v", err)
		}
		if _, _, err := decide(db, leader, req.ID, approval.ActionApprove, ""); err != nil {
			t.Fatalf("approve the cancellation: %v", err)
		}
		if got := findReq(t, db, a.ID).HolidayWork; !got.SubstituteOn.IsZero() || got.DaikyuLeaveID != 0 {
			t.Errorf("order of 4/29 after the 代休 is cancelled: 代休日 %v by leave %d, want none", got.SubstituteOn, got.DaikyuLeaveID)
		}
		if d := day(showa); d.HolidayPayMin != 465 {
			t.Errorf("昭和の日 after its 代休 is cancelled: %d min of 休日給, want 465", d.HolidayPayMin)
		}
		if bal := daikyu(); bal.Left != leave.DaysAmount(1) {
			t.Errorf("代休 after the cancellation = %v left, want 1日", bal.Left)
		}
	})
}

func findReq(t *testing.T, db *store.DB, id int64) approval.Request {
	t.Helper()
	r, err := db.FindRequestByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// settledDay returns staffID's result for day d once the stale results
// are computed as of asOf.
func settledDay(t *testing.T, db *store.DB, staffID int64, asOf time.Time, d kintai.Date) rules.DayResult {
	t.Helper()
	ctx := context.Background()
	for range 3 {
		if _, err := db.RecomputeStale(ctx, opts(asOf)); err != nil {
			t.Fatal(err)
		}
	}
	r, err := db.FindMonthResult(ctx, staffID, store.MonthOf(d))
	if err != nil {
		t.Fatal(err)
	}
	for _, dr := range r.Days {
		if dr.Date == d {
			return dr
		}
	}
	t.Fatalf("no result for %s", d)
	return rules.DayResult{}
}
