package leave

import (
	"time"

	"kintai"
)

// Settings are the per-entity parameters of leave (rules-jp.md §11). The
// defaults (DefaultSettings) are the national ones documented in
// rules-jp.md; an entity changes only what its 条例・規則 say differently.
// Settings are stored as JSON.
type Settings struct {
	// DayMin is the minutes that count as one day of leave for full-time
	// staff (7h45m = 465) and WeekMin the full-time week (38h45m = 2325).
	DayMin  int `json:"day_min"`
	WeekMin int `json:"week_min"`
	// PartTimeBasis is how a part-timer's day is converted (DayMinutes).
	PartTimeBasis Basis `json:"part_time_basis"`
	// MorningMin is the minutes a morning half day counts; the afternoon
	// half is the rest of the day. 0 splits the day in two, the morning
	// rounded down (465 → 232 + 233). Entities with 半日 set their own
	// split, for example 225 (3h45m) and 240.
	MorningMin int `json:"morning_min"`
	// MorningEndMin is when, in minutes after midnight, a morning half day
	// ends and the afternoon begins (12:15 = 735 for 8:30–12:15 and
	// 12:15–17:15, the break 12:15–13:00 belonging to neither). 0 splits at
	// the day's first break, or MorningMin after the start of a day with
	// none.
	MorningEndMin int `json:"morning_end_min"`
	// LastFraction lets hourly leave use up everything that is left even
	// when it is not whole hours (the 45 minutes that 7h45m days leave)
	// [二次].
	LastFraction bool `json:"last_fraction"`

	// CarryMaxDays caps annual leave carried into the next year, counted
	// from the year's own grant only (勤務時間法 第17条: 20).
	CarryMaxDays int `json:"carry_max_days"`
	// CarriedFirst uses carried-over days before the year's own grant:
	// typical but [未確認] (rules-jp.md §11).
	CarriedFirst bool `json:"carried_first"`
	// FiscalYearStart is the first month of the fiscal year (April).
	FiscalYearStart time.Month `json:"fiscal_year_start"`
	// GrantYear is the year annual leave is granted for (「一の年」):
	// PerCalendarYear (national, 1 January) or PerFiscalYear. 会計年度任用職員
	// are granted by the fiscal year whatever it says.
	GrantYear Period `json:"grant_year"`

	// CompUpliftWorkday and CompUpliftRest are the percentages of the
	// hours beyond 60 that 超勤代休時間 replaces: the uplift from the
	// ordinary to the beyond-60 rate, 150 − 125 = 25 for work on a working
	// day and 150 − 135 = 15 on a Saturday (§3.5 [二次]).
	CompUpliftWorkday int `json:"comp_uplift_workday"`
	CompUpliftRest    int `json:"comp_uplift_rest"`
	// CompWindowMonths is how many months after the month of the overtime
	// 超勤代休時間 may be designated in (2: the following month and the one
	// after).
	CompWindowMonths int `json:"comp_window_months"`
	// CompUnitMin is the part-day unit of 超勤代休時間 (4 h = 240); the
	// other unit is a whole day.
	CompUnitMin int `json:"comp_unit_min"`

	// FiveDay is the optional "fewer than 5 days taken" alert.
	FiveDay FiveDayPolicy `json:"five_day"`
}

// DefaultSettings returns the defaults documented in rules-jp.md.
func DefaultSettings() Settings {
	return Settings{
		DayMin:            465,
		WeekMin:           2325,
		PartTimeBasis:     BasisScheduled,
		LastFraction:      true,
		CarryMaxDays:      20,
		CarriedFirst:      true,
		FiscalYearStart:   time.April,
		GrantYear:         PerCalendarYear,
		CompUpliftWorkday: 25,
		CompUpliftRest:    15,
		CompWindowMonths:  2,
		CompUnitMin:       240,
		FiveDay:           DefaultFiveDayPolicy(),
	}
}

// Validate checks s.
func (s Settings) Validate() error {
	switch {
	case s.DayMin <= 0 || s.DayMin > 24*60:
		return kintai.Invalid("day_min", "1日の勤務時間が不正です。", "The minutes of a day must be between 1 and 1440.")
	case s.WeekMin < s.DayMin || s.WeekMin > 7*24*60:
		return kintai.Invalid("week_min", "1週間の勤務時間が不正です。", "The minutes of a week must be at least a day and at most 7 days.")
	case s.PartTimeBasis != BasisScheduled && s.PartTimeBasis != BasisWeekly:
		return kintai.Invalid("part_time_basis", "短時間勤務職員の換算方法が不正です。", "Unknown part-time conversion basis.")
	case s.MorningMin < 0 || s.MorningMin >= s.DayMin:
		return kintai.Invalid("morning_min", "午前の半日の時間は1日の勤務時間より短くしてください。", "The morning half day must be shorter than the day.")
	case s.MorningEndMin < 0 || s.MorningEndMin >= 24*60:
		return kintai.Invalid("morning_end_min", "午前半日の終わりの時刻が不正です。", "The end of the morning half day must be a time of day.")
	case s.CarryMaxDays < 0:
		return kintai.Invalid("carry_max_days", "繰越日数の上限が不正です。", "The carry-over limit cannot be negative.")
	case s.FiscalYearStart < time.January || s.FiscalYearStart > time.December:
		return kintai.Invalid("fiscal_year_start", "年度の開始月が不正です。", "Unknown fiscal-year start month.")
	case s.GrantYear != PerCalendarYear && s.GrantYear != PerFiscalYear:
		return kintai.Invalid("grant_year", "年次休暇の付与年は暦年又は年度で指定してください。", "Annual leave is granted by the calendar or the fiscal year.")
	case s.CompUpliftWorkday < 0 || s.CompUpliftWorkday > 100 || s.CompUpliftRest < 0 || s.CompUpliftRest > 100:
		return kintai.Invalid("comp_uplift", "超勤代休時間の割合は0〜100で指定してください。", "The 超勤代休時間 percentages must be 0 to 100.")
	case s.CompWindowMonths < 1 || s.CompWindowMonths > 12:
		return kintai.Invalid("comp_window_months", "超勤代休時間の指定期間は1〜12か月で指定してください。", "The 超勤代休時間 window must be 1 to 12 months.")
	case s.CompUnitMin <= 0 || s.CompUnitMin > s.DayMin:
		return kintai.Invalid("comp_unit_min", "超勤代休時間の単位が不正です。", "The 超勤代休時間 unit must be positive and at most a day.")
	}
	return s.FiveDay.Validate()
}

// halfDay returns the minutes of the morning and afternoon half of a day
// of dayMin minutes under morningMin (0: the day split in two).
func halfDay(dayMin, morningMin int) (morning, afternoon int) {
	if morningMin <= 0 || morningMin >= dayMin {
		morningMin = dayMin / 2
	}
	return morningMin, dayMin - morningMin
}

// HalfDays returns the minutes a morning and an afternoon half day count
// for a day of dayMin minutes: half each for a part-timer's 6-hour day
// (180 + 180), 232 + 233 for 7h45m unless MorningMin says otherwise. The
// two halves always make one whole day.
func (s Settings) HalfDays(dayMin int) (morning, afternoon int) {
	m := s.MorningMin
	if dayMin != s.DayMin {
		// The entity's split is for the full-time day; a part-timer's
		// day is halved.
		m = 0
	}
	return halfDay(dayMin, m)
}
