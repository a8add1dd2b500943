package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"kintai"
	"kintai/calendar"
	"kintai/rules"
)

// RuleSettings are the entity's parameters of the rules engine
// (rules-jp.md §11): the engine's Settings and the calendar's options (the
// 年末年始). One set per database.
type RuleSettings struct {
	Rules    rules.Settings   `json:"rules"`
	Calendar calendar.Options `json:"calendar"`
	// UpdatedAt is when they were last saved, zero while the defaults apply.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// DefaultRuleSettings returns the documented defaults.
func DefaultRuleSettings() RuleSettings {
	return RuleSettings{Rules: rules.DefaultSettings(), Calendar: calendar.DefaultOptions()}
}

func findRuleSettings(ctx context.Context, q querier) (RuleSettings, error) {
	s := DefaultRuleSettings()
	var rs, cs string
	err := q.queryRow(ctx, `SELECT rules, calendar, updated_at FROM rule_settings WHERE id = 1`).Scan(&rs, &cs, scanTime{&s.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	// Stored JSON is read over the defaults, so a setting added after the
	// row was saved takes its default.
	if err := json.Unmarshal([]byte(rs), &s.Rules); err != nil {
		return s, fmt.Errorf("rule settings: %w", err)
	}
	if err := json.Unmarshal([]byte(cs), &s.Calendar); err != nil {
		return s, fmt.Errorf("calendar settings: %w", err)
	}
	return s, nil
}

// FindRuleSettings returns the entity's settings, the defaults when none
// were saved.
func (db *DB) FindRuleSettings(ctx context.Context) (RuleSettings, error) {
	return findRuleSettings(ctx, db)
}

// SaveRuleSettings validates and saves s. Results from the month before
// tx.Now on are marked stale for everyone: earlier months keep the figures
// they were paid on until recomputed on purpose (kintai recompute).
func (tx *Tx) SaveRuleSettings(ctx context.Context, s *RuleSettings) error {
	if err := ValidateRuleSettings(s); err != nil {
		return err
	}
	before, err := findRuleSettings(ctx, tx)
	if err != nil {
		return err
	}
	var b any
	if !before.UpdatedAt.IsZero() {
		b = before
	}
	s.UpdatedAt = tx.Now
	return tx.saveSettingsRow(ctx, "rule_settings", [2]string{"rules", "calendar"}, [2]any{s.Rules, s.Calendar}, b, s)
}

// saveSettingsRow stores the one row (id 1) of a settings table: values
// as JSON in its two columns cols, and the update time. Settings feed the
// results, so those from last month on are marked stale; the change from
// before (nil while the defaults applied) to after is audited.
func (tx *Tx) saveSettingsRow(ctx context.Context, table string, cols [2]string, values [2]any, before, after any) error {
	var js [2]string
	for i, v := range values {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		js[i] = string(b)
	}
	if _, err := tx.exec(ctx, `INSERT INTO `+table+` (id, `+cols[0]+`, `+cols[1]+`, updated_at) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET `+cols[0]+` = excluded.`+cols[0]+`, `+cols[1]+` = excluded.`+cols[1]+`, updated_at = excluded.updated_at`,
		js[0], js[1], instant(tx.Now)); err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	if err := tx.markStale(ctx, nil, lastMonthStart(tx.Now), kintai.Date{}); err != nil {
		return err
	}
	return tx.AuditKey(ctx, table+".update", table, "1", before, after)
}

// ValidateRuleSettings checks settings a person gave. Its errors are
// EINVALID naming the JSON field at fault (rules.<name> or calendar.<name>).
func ValidateRuleSettings(s *RuleSettings) error {
	r := &s.Rules
	bad := func(field, ja, en string) error { return kintai.Invalid("rules."+field, ja, en) }
	minutes := func(field string, v, lo, hi int, ja string) error {
		if v < lo || v > hi {
			return bad(field, fmt.Sprintf("%sは%d〜%d分で指定してください。", ja, lo, hi),
				fmt.Sprintf("%s must be %d to %d minutes.", field, lo, hi))
		}
		return nil
	}
	weekday := func(field string, d time.Weekday, ja string) error {
		if d < time.Sunday || d > time.Saturday {
			return bad(field, ja+"は0（日）〜6（土）で指定してください。", field+" must be 0 (Sunday) to 6 (Saturday).")
		}
		return nil
	}
	checks := []func() error{
		func() error { return minutes("daily_min", r.DailyMin, 60, 24*60, "1日の勤務時間") },
		func() error { return minutes("weekly_min", r.WeeklyMin, 60, 7*24*60, "週の勤務時間") },
		func() error { return weekday("week_start", r.WeekStart, "週の起算日") },
		func() error { return minutes("day_boundary_min", r.DayBoundaryMin, 0, 12*60, "日の切替時刻") },
		func() error {
			return minutes("break_before_overtime_min", r.BreakBeforeOvertimeMin, 0, 120, "超過勤務前の休憩")
		},
		func() error { return minutes("night_start_min", r.NightStartMin, 0, 24*60-1, "深夜の開始") },
		func() error { return minutes("night_end_min", r.NightEndMin, 0, 24*60-1, "深夜の終了") },
		func() error { return minutes("over60_min", r.Over60Min, 0, 744*60, "60時間の基準") },
		func() error {
			return weekday("designated_rest_day", r.DesignatedRestDay, "60時間の算定から除く週休日")
		},
		func() error {
			return minutes("band_day_min", r.BandDayMin, 0, 24*60, "短時間勤務の1日の上限")
		},
		func() error {
			return minutes("band_week_min", r.BandWeekMin, 0, 7*24*60, "短時間勤務の週の上限")
		},
		func() error { return minutes("month_round_min", r.MonthRoundMin, 0, 60, "月の端数処理") },
		func() error { return minutes("interval_min", r.IntervalMin, 0, 24*60, "勤務間インターバル") },
		func() error {
			for _, f := range []struct {
				name string
				v    int
			}{{"rate_workday", r.RateWorkday}, {"rate_rest", r.RateRest}, {"rate_night_add", r.RateNightAdd},
				{"rate_over60", r.RateOver60}, {"rate_over60_night", r.RateOver60Night}, {"rate_holiday", r.RateHoliday},
				{"rate_night_shift", r.RateNightShift}, {"rate_band", r.RateBand}} {
				if f.v < 0 || f.v > 500 {
					return bad(f.name, "支給割合は0〜500（%）で指定してください。", f.name+" must be 0 to 500 (percent).")
				}
			}
			return nil
		},
		func() error {
			if r.HourlyFormula != rules.FormulaNational && r.HourlyFormula != rules.FormulaMunicipal {
				return bad("hourly_formula", "単価の算式は national か municipal です。", "hourly_formula must be national or municipal.")
			}
			if r.HolidayCount != calendar.RuleWeekdays && r.HolidayCount != calendar.RuleNotSaturday {
				return bad("holiday_count", "休日数の数え方は weekdays か not_saturday です。", "holiday_count must be weekdays or not_saturday.")
			}
			return nil
		},
		func() error {
			if r.FiscalYearStart < time.January || r.FiscalYearStart > time.December {
				return bad("fiscal_year_start", "年度の開始月は1〜12で指定してください。", "fiscal_year_start must be 1 to 12.")
			}
			if r.AlertShare < 0 || r.AlertShare > 100 {
				return bad("alert_share", "警告の割合は0〜100（%）で指定してください。", "alert_share must be 0 to 100 (percent).")
			}
			return nil
		},
		func() error {
			if !slices.IsSortedFunc(r.BreakFloor, func(a, b rules.BreakStep) int { return a.OverMin - b.OverMin }) {
				return bad("break_floor", "休憩の基準は勤務時間の短い順に並べてください。", "break_floor must be ordered by over_min.")
			}
			for _, st := range r.BreakFloor {
				if st.OverMin < 0 || st.OverMin > 24*60 || st.BreakMin <= 0 || st.BreakMin > 240 {
					return bad("break_floor", "休憩の基準が正しくありません。", "Invalid break_floor step.")
				}
			}
			return nil
		},
	}
	for _, c := range checks {
		if err := c(); err != nil {
			return err
		}
	}
	if err := s.Calendar.Validate(); err != nil {
		var e *kintai.Error
		if errors.As(err, &e) {
			e.Field = "calendar." + e.Field
		}
		return err
	}
	return nil
}
