package store_test

import (
	"context"
	"testing"
	"time"

	"kintai"
	"kintai/approval"
	"kintai/rules"
	"kintai/store"
	"kintai/store/storetest"
)

// TestRequestEffects checks that approved requests flow into the month's
// results: two hours of annual leave and a telework declaration on the
// same day, and that a pending request changes nothing.
func TestRequestEffects(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
			p := rules.Pattern{Code: "STD", Name: "標準", Kind: rules.PatternFixed, Weekdays: 0b0111110,
				Hours: rules.Span{StartMin: 510, EndMin: 1035}, Breaks: []rules.Span{{StartMin: 720, EndMin: 780}}}
			if err := tx.CreatePattern(ctx, &p); err != nil {
				return err
			}
			_, err := tx.AssignPattern(ctx, o.applicant, p.ID, kintai.NewDate(2026, 4, 1), kintai.Date{})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		day := teleworkDay // Friday 2026-04-10
		at := func(min int) time.Time { return day.Time(tokyo).Add(time.Duration(min) * time.Minute) }
		applicant, leader := actorOf(t, db, o.applicant), actorOf(t, db, o.leader)
		lv := create(t, db, applicant, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{
			Type: "annual", Unit: approval.LeaveHour, FromOn: day, From: at(510), To: at(630)}})
		tw := create(t, db, applicant, telework(day))
		// A pending request for the next day changes nothing.
		create(t, db, applicant, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{
			Type: "annual", Unit: approval.LeaveDay, FromOn: day.AddDays(3), ToOn: day.AddDays(3)}})
		for _, id := range []int64{lv.ID, tw.ID} {
			if _, _, err := decide(db, leader, id, approval.ActionApprove, ""); err != nil {
				t.Fatalf("approve %d: %v", id, err)
			}
		}
		month := kintai.NewDate(2026, 4, 1)
		if _, err := db.RecomputeMonth(ctx, month, []int64{o.applicant}, opts(time.Date(2026, 5, 10, 12, 0, 0, 0, tokyo))); err != nil {
			t.Fatal(err)
		}
		res, err := db.FindMonthResult(ctx, o.applicant, month)
		if err != nil {
			t.Fatal(err)
		}
		var got, monday rules.DayResult
		for _, d := range res.Days {
			switch d.Date {
			case day:
				got = d
			case day.AddDays(3):
				monday = d
			}
		}
		if got.LeaveMin != 120 || got.AbsenceMin != 465-120 || !got.Telework {
			t.Errorf("%v: leave %d, absence %d, telework %v; want 120, 345, true", day, got.LeaveMin, got.AbsenceMin, got.Telework)
		}
		if monday.LeaveMin != 0 || monday.AbsenceMin != 465 {
			t.Errorf("%v (leave pending): leave %d, absence %d; want 0, 465", monday.Date, monday.LeaveMin, monday.AbsenceMin)
		}
		if res.Totals.TeleworkDays != 1 {
			t.Errorf("telework days = %d, want 1", res.Totals.TeleworkDays)
		}
	})
}
