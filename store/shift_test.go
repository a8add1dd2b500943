package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/rules"
	"kintai/store"
	"kintai/store/storetest"
)

func TestDayShifts(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, _, s := seed(t, db)
		d := kintai.NewDate
		oct1, oct31 := d(2026, 10, 1), d(2026, 10, 31)
		shift := func(day kintai.Date, start, end int, breaks ...rules.Span) store.DayShift {
			return store.DayShift{StaffID: s.ID, Date: day, DayShift: rules.DayShift{Hours: rules.Span{StartMin: start, EndMin: end}, Breaks: breaks}}
		}
		first := []store.DayShift{
			shift(d(2026, 10, 2), 540, 780),
			shift(d(2026, 10, 1), 480, 945, rules.Span{StartMin: 720, EndMin: 765}),
			{StaffID: s.ID, Date: d(2026, 10, 3), DayShift: rules.DayShift{Off: true}},
		}
		system(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.PutDayShifts(ctx, s.ID, oct1, oct31, first) })
		got, err := db.FindDayShifts(ctx, s.ID, oct1, oct31)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.DayShift{first[1], first[0], first[2]}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("FindDayShifts (-want +got):\n%s", diff)
		}

		// A second put replaces the range, and only the range.
		second := []store.DayShift{shift(d(2026, 10, 5), 600, 840)}
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			return tx.PutDayShifts(ctx, s.ID, d(2026, 10, 2), d(2026, 10, 9), second)
		})
		got, _ = db.FindDayShifts(ctx, s.ID, oct1, oct31)
		want = []store.DayShift{first[1], second[0]}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("FindDayShifts after a second put (-want +got):\n%s", diff)
		}

		refusals := []struct {
			name   string
			shifts []store.DayShift
			field  string
		}{
			{"outside the range", []store.DayShift{shift(d(2026, 11, 1), 540, 780)}, "date"},
			{"twice the same day", []store.DayShift{shift(oct1, 540, 780), shift(oct1, 600, 780)}, "date"},
			{"ends before it starts", []store.DayShift{shift(oct1, 780, 540)}, "hours"},
			{"break outside the hours", []store.DayShift{shift(oct1, 540, 780, rules.Span{StartMin: 800, EndMin: 830})}, "breaks"},
			{"hours on a day off", []store.DayShift{{Date: oct1, DayShift: rules.DayShift{Off: true, Hours: rules.Span{StartMin: 540, EndMin: 600}}}}, "off"},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				err := systemErr(db, func(ctx context.Context, tx *store.Tx) error {
					return tx.PutDayShifts(ctx, s.ID, oct1, oct31, tt.shifts)
				})
				var e *kintai.Error
				if kintai.ErrorCode(err) != kintai.EINVALID || !asError(err, &e) || e.Field != tt.field {
					t.Errorf("PutDayShifts(%+v) = %v, want invalid %s", tt.shifts, err, tt.field)
				}
			})
		}
		err = systemErr(db, func(ctx context.Context, tx *store.Tx) error {
			return tx.PutDayShifts(ctx, s.ID, oct1, d(2027, 3, 1), nil)
		})
		if kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("PutDayShifts over five months = %v, want invalid", err)
		}
		err = systemErr(db, func(ctx context.Context, tx *store.Tx) error { return tx.PutDayShifts(ctx, 999, oct1, oct31, nil) })
		if kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("PutDayShifts for an unknown staff member = %v, want not_found", err)
		}
	})
}
