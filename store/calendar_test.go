package store_test

import (
	"context"
	"strings"
	"testing"

	"kintai"
	"kintai/calendar"
	"kintai/store"
	"kintai/store/storetest"
)

func TestCalendar(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := kintai.NewDate
		file := "国民の祝日・休日月日,国民の祝日・休日名称\n2027/1/1,元日\n2027/6/1,試験の日\n"
		days, err := calendar.Parse(strings.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		var res store.HolidayImport
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			res, err = tx.ImportHolidays(ctx, days)
			return err
		})
		if len(res.Years) != 1 || res.Years[0] != 2027 || res.Days != 2 {
			t.Errorf("ImportHolidays = %+v, want 2 days of 2027", res)
		}
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			return tx.AddEntityDay(ctx, &calendar.Day{Date: d(2026, 6, 23), Name: " 慰霊の日 "})
		})
		cal, err := db.Calendar(ctx)
		if err != nil {
			t.Fatal(err)
		}
		lookups := []struct {
			day  kintai.Date
			kind calendar.Kind
			name string
		}{
			{d(2027, 6, 1), calendar.National, "試験の日"},    // uploaded
			{d(2027, 2, 11), "", ""},                      // built in, replaced by the upload
			{d(2026, 2, 11), calendar.National, "建国記念の日"}, // built in, another year
			{d(2026, 6, 23), calendar.Entity, "慰霊の日"},
			{d(2026, 12, 30), calendar.YearEnd, "年末年始"},
		}
		for _, l := range lookups {
			h, ok := cal.Lookup(l.day)
			if ok != (l.kind != "") || h.Kind != l.kind || h.Name != l.name {
				t.Errorf("Lookup(%v) = %+v, %v; want %s %q", l.day, h, ok, l.kind, l.name)
			}
		}
		stored, err := db.FindCalendarDays(ctx)
		if err != nil || len(stored) != 3 {
			t.Errorf("FindCalendarDays = %+v, %v; want the 2 uploaded days and the entity day", stored, err)
		}

		// A second upload of 2027 replaces the first.
		days, _ = calendar.Parse(strings.NewReader("国民の祝日・休日月日,国民の祝日・休日名称\n2027/1/1,元日\n"))
		system(t, db, func(ctx context.Context, tx *store.Tx) error { _, err := tx.ImportHolidays(ctx, days); return err })
		cal, _ = db.Calendar(ctx)
		if _, ok := cal.Lookup(d(2027, 6, 1)); ok {
			t.Error("2027-06-01 is still a holiday after an upload without it")
		}

		errs := []struct {
			name string
			fn   func(ctx context.Context, tx *store.Tx) error
			code string
		}{
			{"entity day twice", func(ctx context.Context, tx *store.Tx) error {
				return tx.AddEntityDay(ctx, &calendar.Day{Date: d(2026, 6, 23), Name: "慰霊の日"})
			}, kintai.ECONFLICT},
			{"entity day without a name", func(ctx context.Context, tx *store.Tx) error {
				return tx.AddEntityDay(ctx, &calendar.Day{Date: d(2026, 6, 24)})
			}, kintai.EINVALID},
			{"delete a day that is not one", func(ctx context.Context, tx *store.Tx) error {
				return tx.DeleteEntityDay(ctx, d(2026, 6, 24))
			}, kintai.ENOTFOUND},
			{"import nothing", func(ctx context.Context, tx *store.Tx) error { _, err := tx.ImportHolidays(ctx, nil); return err }, kintai.EINVALID},
		}
		for _, tt := range errs {
			t.Run(tt.name, func(t *testing.T) {
				if err := systemErr(db, tt.fn); kintai.ErrorCode(err) != tt.code {
					t.Errorf("error = %v, want %s", err, tt.code)
				}
			})
		}
		system(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.DeleteEntityDay(ctx, d(2026, 6, 23)) })
		cal, _ = db.Calendar(ctx)
		if _, ok := cal.Lookup(d(2026, 6, 23)); ok {
			t.Error("the entity day is still a holiday after DeleteEntityDay")
		}

		// The 年末年始 come from the settings.
		s, _ := db.FindRuleSettings(ctx)
		s.Calendar.YearEnd = false
		system(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.SaveRuleSettings(ctx, &s) })
		cal, _ = db.Calendar(ctx)
		if h, ok := cal.Lookup(d(2026, 12, 30)); ok {
			t.Errorf("Lookup(2026-12-30) = %+v with the 年末年始 off, want no holiday", h)
		}
	})
}
