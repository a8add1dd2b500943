package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/calendar"
	"kintai/rules"
	"kintai/store"
	"kintai/store/storetest"
)

func TestRuleSettings(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		got, err := db.FindRuleSettings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(store.DefaultRuleSettings(), got); diff != "" {
			t.Errorf("FindRuleSettings before any save (-want +got):\n%s", diff)
		}
		s := got
		s.Rules.HourlyFormula = rules.FormulaMunicipal
		s.Rules.BreakBeforeOvertimeMin = 30
		s.Calendar.YearEndTo = calendar.MonthDay{Month: time.January, Day: 5}
		system(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.SaveRuleSettings(ctx, &s) })
		got, err = db.FindRuleSettings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(s, got); diff != "" {
			t.Errorf("FindRuleSettings after a save (-want +got):\n%s", diff)
		}
		if !got.UpdatedAt.Equal(t0) {
			t.Errorf("UpdatedAt = %v, want %v", got.UpdatedAt, t0)
		}

		refusals := []struct {
			name  string
			edit  func(*store.RuleSettings)
			field string
		}{
			{"daily hours", func(s *store.RuleSettings) { s.Rules.DailyMin = 0 }, "rules.daily_min"},
			{"week start", func(s *store.RuleSettings) { s.Rules.WeekStart = 7 }, "rules.week_start"},
			{"rate", func(s *store.RuleSettings) { s.Rules.RateOver60 = -1 }, "rules.rate_over60"},
			{"formula", func(s *store.RuleSettings) { s.Rules.HourlyFormula = "local" }, "rules.hourly_formula"},
			{"holiday count", func(s *store.RuleSettings) { s.Rules.HolidayCount = "all" }, "rules.holiday_count"},
			{"fiscal year", func(s *store.RuleSettings) { s.Rules.FiscalYearStart = 13 }, "rules.fiscal_year_start"},
			{"alert share", func(s *store.RuleSettings) { s.Rules.AlertShare = 101 }, "rules.alert_share"},
			{"break floor order", func(s *store.RuleSettings) {
				s.Rules.BreakFloor = []rules.BreakStep{{OverMin: 480, BreakMin: 60}, {OverMin: 360, BreakMin: 45}}
			}, "rules.break_floor"},
			{"year end", func(s *store.RuleSettings) { s.Calendar.YearEndFrom = calendar.MonthDay{Month: 2, Day: 30} }, "calendar.year_end_from"},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				bad := store.DefaultRuleSettings()
				tt.edit(&bad)
				err := systemErr(db, func(ctx context.Context, tx *store.Tx) error { return tx.SaveRuleSettings(ctx, &bad) })
				var e *kintai.Error
				if kintai.ErrorCode(err) != kintai.EINVALID || !asError(err, &e) || e.Field != tt.field {
					t.Errorf("SaveRuleSettings = %v, want invalid %s", err, tt.field)
				}
			})
		}
		if got, _ := db.FindRuleSettings(ctx); got.Rules.HourlyFormula != rules.FormulaMunicipal {
			t.Error("a refused save changed the settings")
		}
	})
}
