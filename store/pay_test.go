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

func TestPay(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, _, s := seed(t, db)
		d := kintai.NewDate
		set := func(from, to kintai.Date, p rules.Pay) {
			t.Helper()
			system(t, db, func(ctx context.Context, tx *store.Tx) error {
				return tx.SetPay(ctx, &store.Pay{StaffID: s.ID, ValidFrom: from, ValidTo: to, Pay: p})
			})
		}
		set(d(2026, 4, 1), kintai.Date{}, rules.Pay{HourlyYen: 1300})
		set(d(2026, 10, 1), d(2026, 12, 31), rules.Pay{HourlyYen: 1400})
		got, err := db.FindPay(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		type window struct {
			From, To kintai.Date
			Hourly   int64
		}
		var ws []window
		for _, p := range got {
			ws = append(ws, window{p.ValidFrom, p.ValidTo, p.HourlyYen})
		}
		want := []window{{d(2026, 4, 1), d(2026, 9, 30), 1300}, {d(2026, 10, 1), d(2026, 12, 31), 1400}, {d(2027, 1, 1), kintai.Date{}, 1300}}
		if diff := cmp.Diff(want, ws); diff != "" {
			t.Errorf("pay history after a raise for a quarter (-want +got):\n%s", diff)
		}
		for _, tt := range []struct {
			name  string
			p     store.Pay
			code  string
			field string
		}{
			{"no amount", store.Pay{StaffID: s.ID, ValidFrom: d(2026, 4, 1)}, kintai.EINVALID, "monthly_yen"},
			{"negative", store.Pay{StaffID: s.ID, ValidFrom: d(2026, 4, 1), Pay: rules.Pay{MonthlyYen: -1}}, kintai.EINVALID, "monthly_yen"},
			{"too high an hourly rate", store.Pay{StaffID: s.ID, ValidFrom: d(2026, 4, 1), Pay: rules.Pay{HourlyYen: 200000}}, kintai.EINVALID, "hourly_yen"},
			{"no first day", store.Pay{StaffID: s.ID, Pay: rules.Pay{MonthlyYen: 300000}}, kintai.EINVALID, "valid_from"},
			{"unknown staff", store.Pay{StaffID: 999, ValidFrom: d(2026, 4, 1), Pay: rules.Pay{MonthlyYen: 300000}}, kintai.ENOTFOUND, ""},
		} {
			t.Run(tt.name, func(t *testing.T) {
				err := systemErr(db, func(ctx context.Context, tx *store.Tx) error { return tx.SetPay(ctx, &tt.p) })
				var e *kintai.Error
				if kintai.ErrorCode(err) != tt.code || !asError(err, &e) || e.Field != tt.field {
					t.Errorf("SetPay(%+v) = %v, want %s %s", tt.p, err, tt.code, tt.field)
				}
			})
		}
	})
}
