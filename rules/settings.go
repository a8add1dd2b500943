package rules

import "time"

// Settings are the per-entity parameters of the engine (rules-jp.md §11).
// DefaultSettings gives the documented defaults; an entity changes only
// what its 条例・規則 say differently. Settings are stored as JSON.
type Settings struct {
	DailyMin  int `json:"daily_min"`  // regular hours a day, 7h45m = 465
	WeeklyMin int `json:"weekly_min"` // regular hours a week, 38h45m = 2325
	// WeekStart is the first day of the week used for weekly totals.
	WeekStart time.Weekday `json:"week_start"`
	// DayBoundaryMin is when a business day starts, minutes after
	// midnight (05:00 = 300); work after midnight before it belongs to the
	// previous day.
	DayBoundaryMin int `json:"day_boundary_min"`

	// BreakFloor is the statutory minimum break by length of work (労基法
	// 34条: over 6 h → 45 min, over 8 h → 60 min), ordered by OverMin.
	BreakFloor []BreakStep `json:"break_floor"`
	// BreakBeforeOvertimeMin, when positive, is a break placed right after
	// the end of regular hours before overtime starts (八女市: 30 min).
	BreakBeforeOvertimeMin int `json:"break_before_overtime_min"`

	// Rates in percent (給与法16–18条, 人事院規則9-97).
	RateWorkday     int `json:"rate_workday"`      // 125, 第1号
	RateRest        int `json:"rate_rest"`         // 135, 第2号
	RateNightAdd    int `json:"rate_night_add"`    // +25 between NightStartMin and NightEndMin
	RateOver60      int `json:"rate_over60"`       // 150 beyond 60 h
	RateOver60Night int `json:"rate_over60_night"` // 175 beyond 60 h at night
	RateHoliday     int `json:"rate_holiday"`      // 135, 休日給
	RateNightShift  int `json:"rate_night_shift"`  // +25, 夜勤手当 for regular night hours
	RateBand        int `json:"rate_band"`         // 100, the part-timer band

	NightStartMin int `json:"night_start_min"` // 22:00 = 1320
	NightEndMin   int `json:"night_end_min"`   // 05:00 = 300
	// Over60Min is the monthly overtime beyond which RateOver60 applies.
	Over60Min int `json:"over60_min"`
	// DesignatedRestDay is the 週休日 whose work does not count towards
	// 60 hours (Sunday by default).
	DesignatedRestDay time.Weekday `json:"designated_rest_day"`

	// BandDayMin and BandWeekMin bound the part-timer's 100/100 band
	// (7h45m a day, 38h45m a week); BandEnabled switches it off for
	// entities that pay the premium from the first minute.
	BandEnabled bool `json:"band_enabled"`
	BandDayMin  int  `json:"band_day_min"`
	BandWeekMin int  `json:"band_week_min"`

	// HourlyFormula is how the hourly rate is derived (勤務1時間当たりの
	// 給与額): "national" divides by 38h45m × 52; "municipal" also
	// deducts 7h45m for each weekday holiday of the fiscal year.
	HourlyFormula string `json:"hourly_formula"`
	// HolidayCount says which holidays the municipal formula deducts:
	// "weekdays" (Mon–Fri 祝日 and 年末年始, Mie) or "not_saturday"
	// (大河原町's literal reading: Sunday holidays stay in).
	HolidayCount string `json:"holiday_count"`
	// MonthRoundMin is the monthly per-category rounding: a remainder of
	// this many minutes or more becomes an hour, less is dropped (30).
	MonthRoundMin int `json:"month_round_min"`

	FiscalYearStart time.Month `json:"fiscal_year_start"` // April
	// AlertShare is the share of a cap at which an alert is raised, in
	// percent (80).
	AlertShare int `json:"alert_share"`
	// IntervalMin is the rest between shifts below which a warning is
	// given (勤務間インターバル, 11 h = 660).
	IntervalMin int `json:"interval_min"`
}

// BreakStep is one row of the break floor: work longer than OverMin needs
// at least BreakMin of break.
type BreakStep struct {
	OverMin  int `json:"over_min"`
	BreakMin int `json:"break_min"`
}

// DefaultSettings returns the defaults documented in rules-jp.md.
func DefaultSettings() Settings {
	return Settings{
		DailyMin:          465,
		WeeklyMin:         2325,
		WeekStart:         time.Sunday,
		DayBoundaryMin:    300,
		BreakFloor:        []BreakStep{{OverMin: 360, BreakMin: 45}, {OverMin: 480, BreakMin: 60}},
		RateWorkday:       125,
		RateRest:          135,
		RateNightAdd:      25,
		RateOver60:        150,
		RateOver60Night:   175,
		RateHoliday:       135,
		RateNightShift:    25,
		RateBand:          100,
		NightStartMin:     22 * 60,
		NightEndMin:       5 * 60,
		Over60Min:         60 * 60,
		DesignatedRestDay: time.Sunday,
		BandEnabled:       true,
		BandDayMin:        465,
		BandWeekMin:       2325,
		HourlyFormula:     "national",
		HolidayCount:      "weekdays",
		MonthRoundMin:     30,
		FiscalYearStart:   time.April,
		AlertShare:        80,
		IntervalMin:       11 * 60,
	}
}
