package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/payroll"
	"kintai/punch"
	"kintai/rules"
	"kintai/store"
	"kintai/store/storetest"
)

func TestFindPayrollRows(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := seedRules(t, db)
		d := kintai.NewDate
		importStamps(t, db, w.regular.ID, octoberStamps()...)

		// No month was computed: the export computes it first.
		rows, err := db.FindPayrollRows(ctx, d(2026, 10, 20), nil, opts(afterOctober))
		if err != nil {
			t.Fatal(err)
		}
		type ident struct {
			No, Name, Kana, Code, Unit string
			Type                       kintai.EmploymentType
			Year                       int
			Month                      int
		}
		var got []ident
		for _, r := range rows {
			got = append(got, ident{r.StaffNo, r.Name, r.Kana, r.OrgUnitCode, r.OrgUnitName, r.EmploymentType, r.Year, int(r.Month)})
		}
		want := []ident{
			{"000001", "世田　花子", "セタ　ハナコ", "B01-K01", "人事課", kintai.FiscalPart, 2026, 10},
			{"000002", "世田　太郎", "セタ　タロウ", "B01-K01", "人事課", kintai.Regular, 2026, 10},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("FindPayrollRows(October) rows mismatch (-want +got):\n%s", diff)
		}
		if got, want := rows[1].Result.OvertimeMin, 120+180; got != want {
			t.Errorf("FindPayrollRows(October) regular overtime = %d, want %d", got, want)
		}

		// A punch after the results were computed is in the next export.
		importStamps(t, db, w.regular.ID, stamp{punch.ClockOut, d(2026, 10, 5), 1915})
		rows, err = db.FindPayrollRows(ctx, d(2026, 10, 1), nil, opts(afterOctober))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[1].Result.OvertimeMin != 120+180+120 {
			t.Errorf("FindPayrollRows after a new punch: %d rows, regular overtime %d; want 2 rows, %d", len(rows),
				rows[1].Result.OvertimeMin, 120+180+120)
		}
		if c := rows[1].Result.Categories; len(c) == 0 {
			t.Errorf("FindPayrollRows: regular categories empty, want the pay categories")
		}

		sect := w.regular.OrgUnitID
		for _, c := range []struct {
			name  string
			month kintai.Date
			units []int64
			want  int
		}{
			{"own unit", d(2026, 10, 1), []int64{sect}, 2},
			{"other unit", d(2026, 10, 1), []int64{sect + 1000}, 0},
			{"empty scope", d(2026, 10, 1), []int64{}, 0},
			{"before the part-timer's appointment", d(2026, 3, 1), nil, 1},
		} {
			rows, err := db.FindPayrollRows(ctx, c.month, c.units, opts(afterOctober))
			if err != nil || len(rows) != c.want {
				t.Errorf("%s: FindPayrollRows(%s, %v) = %d rows, %v; want %d", c.name, c.month, c.units, len(rows), err, c.want)
			}
		}
	})
}

func TestPayrollLayout(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		got, err := db.FindPayrollLayout(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(store.PayrollLayout{Layout: payroll.DefaultLayout()}, got); diff != "" {
			t.Errorf("FindPayrollLayout (none saved) mismatch (-want +got):\n%s", diff)
		}

		const src = "encoding = shift_jis\nstaff_no = 職員コード\nname\ncat:" + rules.CategoryOT125 + ":hours = 超勤125\n"
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			_, err := tx.SavePayrollLayout(ctx, src)
			return err
		})
		got, err = db.FindPayrollLayout(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantLayout, _ := payroll.ParseLayout([]byte(src))
		if diff := cmp.Diff(store.PayrollLayout{Source: src, Layout: wantLayout, UpdatedAt: t0}, got); diff != "" {
			t.Errorf("FindPayrollLayout (saved) mismatch (-want +got):\n%s", diff)
		}
		if got.Layout.Encoding != payroll.ShiftJIS || len(got.Layout.Columns) != 3 {
			t.Errorf("saved layout = %+v, want shift_jis with 3 columns", got.Layout)
		}

		err = systemErr(db, func(ctx context.Context, tx *store.Tx) error {
			_, err := tx.SavePayrollLayout(ctx, "staff_no\nno_such_key\n")
			return err
		})
		if kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("SavePayrollLayout(unknown key) = %v, want invalid", err)
		}
		if got, _ := db.FindPayrollLayout(ctx); got.Source != src {
			t.Errorf("after a refused save the layout source = %q, want %q", got.Source, src)
		}

		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			_, err := tx.SavePayrollLayout(ctx, "  \n")
			return err
		})
		if got, _ := db.FindPayrollLayout(ctx); got.Source != "" || len(got.Layout.Columns) != len(payroll.DefaultLayout().Columns) {
			t.Errorf("after saving an empty layout = %+v, want the default", got)
		}
	})
}
