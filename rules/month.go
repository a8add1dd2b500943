package rules

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Pay category codes (支給区分). The codes are stable identifiers named after
// the national rates; the rates actually applied, and the labels' figures,
// come from Settings.
const (
	// CategoryOT125 is 超過勤務 第1号: outside regular hours on a day with
	// hours allotted (RateWorkday).
	CategoryOT125 = "ot125"
	// CategoryOT150Night is CategoryOT125 in the night window
	// (RateWorkday + RateNightAdd).
	CategoryOT150Night = "ot150_night"
	// CategoryOT135 is 超過勤務 第2号: 週休日, and outside regular hours on a
	// 祝日・年末年始 (RateRest).
	CategoryOT135 = "ot135"
	// CategoryOT160 is CategoryOT135 in the night window (RateRest +
	// RateNightAdd).
	CategoryOT160 = "ot160"
	// CategoryOT150Over60 is overtime beyond 60 hours in the month
	// (給与法16条3項, RateOver60), whatever the day.
	CategoryOT150Over60 = "ot150_over60"
	// CategoryOT175Over60 is CategoryOT150Over60 in the night window
	// (RateOver60Night).
	CategoryOT175Over60 = "ot175_over60"
	// CategoryBand100 is a part-timer's hours inside the 100/100 band
	// (給与法16条2項 and the municipal equivalents, RateBand).
	CategoryBand100 = "band100"
	// CategoryBand125Night is CategoryBand100 in the night window. 16条2項
	// only replaces the 125–150 rate of 16条1項 by 100/100; the 25/100
	// that 1項 adds for 22:00–05:00 still applies, so the rate is RateBand
	// + RateNightAdd.
	CategoryBand125Night = "band125_night"
	// CategoryHoliday135 is 休日給: regular hours worked on a 祝日・年末年始
	// (給与法17条, RateHoliday).
	CategoryHoliday135 = "holiday135"
	// CategoryNight25 is 夜勤手当: regular hours in the night window
	// (給与法18条, RateNightShift).
	CategoryNight25 = "night25"
)

// monthCategoryOrder is the display order of the categories.
var monthCategoryOrder = []string{
	CategoryOT125, CategoryOT150Night, CategoryOT135, CategoryOT160,
	CategoryOT150Over60, CategoryOT175Over60, CategoryBand100,
	CategoryBand125Night, CategoryHoliday135, CategoryNight25,
}

// CategoryRate returns the percentage that s applies to category code, and
// its Japanese label with that percentage, e.g. "超過勤務(125)". ok is
// false for an unknown code.
func CategoryRate(s Settings, code string) (pct int, label string, ok bool) {
	switch code {
	case CategoryOT125:
		return s.RateWorkday, fmt.Sprintf("超過勤務(%d)", s.RateWorkday), true
	case CategoryOT150Night:
		p := s.RateWorkday + s.RateNightAdd
		return p, fmt.Sprintf("超過勤務 深夜(%d)", p), true
	case CategoryOT135:
		return s.RateRest, fmt.Sprintf("週休日等(%d)", s.RateRest), true
	case CategoryOT160:
		p := s.RateRest + s.RateNightAdd
		return p, fmt.Sprintf("週休日等 深夜(%d)", p), true
	case CategoryOT150Over60:
		return s.RateOver60, fmt.Sprintf("60時間超(%d)", s.RateOver60), true
	case CategoryOT175Over60:
		return s.RateOver60Night, fmt.Sprintf("60時間超 深夜(%d)", s.RateOver60Night), true
	case CategoryBand100:
		return s.RateBand, fmt.Sprintf("%d/100", s.RateBand), true
	case CategoryBand125Night:
		p := s.RateBand + s.RateNightAdd
		return p, fmt.Sprintf("%d/100 深夜(%d)", s.RateBand, p), true
	case CategoryHoliday135:
		return s.RateHoliday, fmt.Sprintf("休日給(%d)", s.RateHoliday), true
	case CategoryNight25:
		return s.RateNightShift, fmt.Sprintf("夜勤手当(%d)", s.RateNightShift), true
	}
	return 0, "", false
}

// Pay is what a staff member's overtime is paid from.
type Pay struct {
	// MonthlyYen is the monthly pay entering the hourly formula (給料・俸給
	// plus 地域手当 and the other allowances the entity names).
	MonthlyYen int64 `json:"monthly_yen"`
	// HourlyYen, when positive, is used as the hourly rate as is (a
	// part-timer's hourly 報酬, or a rate payroll worked out); MonthlyYen
	// is then ignored.
	HourlyYen int64 `json:"hourly_yen,omitempty"`
	// Exempt is set for staff paid no overtime (管理職手当・俸給の特別調整額
	// を受ける職員): the categories keep their hours and show no amounts.
	Exempt bool `json:"exempt,omitempty"`
}

// MonthInput is one staff member's month for ComputeMonth.
type MonthInput struct {
	Year  int        `json:"year"`
	Month time.Month `json:"month"`
	// Days are the month's business days in date order, as computed by
	// the daily engine. ComputeMonth takes them as given.
	Days []DayResult `json:"days"`
	// PrevLastOut is the last clock-out before the month (zero if none),
	// so that the rest interval of the month's first working day is
	// checked too.
	PrevLastOut time.Time `json:"prev_last_out,omitzero"`
	Pay         Pay       `json:"pay"`
	// WeekdayHolidays is N of the municipal hourly formula for the fiscal
	// year the month belongs to.
	WeekdayHolidays int `json:"weekday_holidays"`
}

// Category is one pay category's total for a month. Min is the exact
// minutes; Hours is Min rounded by the monthly rule (RoundHours); the
// amount is UnitYen × Hours.
type Category struct {
	Code      string `json:"code"`
	Label     string `json:"label"`
	RatePct   int    `json:"rate_pct"`
	Min       int    `json:"min"`
	Hours     int    `json:"hours"`
	UnitYen   int64  `json:"unit_yen"`
	AmountYen int64  `json:"amount_yen"`
}

// MonthResult is one staff member's monthly totals (月次集計) with the pay
// categories payroll checks.
type MonthResult struct {
	Year  int        `json:"year"`
	Month time.Month `json:"month"`

	DaysWorked   int `json:"days_worked"` // days with worked minutes
	ScheduledMin int `json:"scheduled_min"`
	WorkedMin    int `json:"worked_min"`
	RegularMin   int `json:"regular_min"`
	// OvertimeMin is every minute beyond regular hours (band and
	// designated rest day included): the figure the caps count.
	OvertimeMin int `json:"overtime_min"`
	// Over60Min is the overtime paid at the beyond-60 rates, and
	// Over60RestMin the part of it worked as ClassRest (週休日, or a
	// 祝日 outside regular hours): 超勤代休時間 replaces 25/100 of the
	// rest and 15/100 of this (leave.Settings.OvertimeCompMin).
	Over60Min      int `json:"over60_min"`
	Over60RestMin  int `json:"over60_rest_min"`
	NightMin       int `json:"night_min"`
	LateMin        int `json:"late_min"`
	EarlyMin       int `json:"early_min"`
	LeaveMin       int `json:"leave_min"`
	UnpaidLeaveMin int `json:"unpaid_leave_min"`
	// LeaveByCategory splits LeaveMin and UnpaidLeaveMin by the leave's
	// category (DayResult.LeaveByCategory).
	LeaveByCategory map[string]int `json:"leave_by_category,omitempty"`
	AbsenceMin      int            `json:"absence_min"`
	HolidayPayMin   int            `json:"holiday_pay_min"`
	TeleworkDays    int            `json:"telework_days"`
	ExceptionDays   int            `json:"exception_days"` // days with punch exceptions
	// SpecialMin is the overtime of days marked 特例業務.
	SpecialMin int `json:"special_min"`
	// RestDesignatedMin is the overtime outside the 60-hour count (work
	// on the designated rest day), which 36協定 workplaces leave out of
	// the 45 h and 360 h limits (CapMonth.RestDesignatedMin).
	RestDesignatedMin int `json:"rest_designated_min"`

	HourlyYen int64 `json:"hourly_yen"`
	// Categories are the pay categories with minutes, in a fixed order
	// (ot125, ot150_night, ot135, ot160, ot150_over60, ot175_over60,
	// band100, band125_night, holiday135, night25). A category whose
	// minutes round to 0 hours is still listed, with no amount.
	Categories []Category `json:"categories"`
	AmountYen  int64      `json:"amount_yen"`
	// Warnings are the days' own warnings and the month's checks
	// (short_interval), in date order.
	Warnings []Warning `json:"warnings"`
}

// WarnShortInterval is the code of the rest-interval warning.
const WarnShortInterval = "short_interval"

// ComputeMonth totals a month of daily results and prices its overtime.
//
// The 60-hour line (給与法16条3項) is drawn in time order: the days in the
// given order, each day's segments by start. Minutes of segments with
// Counts60 accumulate, band minutes included; once Settings.Over60Min is
// reached, further counted minutes go to ot150_over60 (ot175_over60 at
// night), a segment that crosses the line being split. Minutes with
// Counts60 false (the designated rest day) never count and stay at
// ot135/ot160. Below the line, band minutes go to band100 (band125_night
// at night), other overtime by class: workday → ot125/ot150_night, rest →
// ot135/ot160. HolidayPayMin is paid as holiday135 and NightRegularMin as
// night25.
//
// Each category's minutes are rounded on their own (RoundHours with
// Settings.MonthRoundMin) and paid as UnitYen(hourly, rate) × hours, the
// per-hour amount rounded first (給与法18条の2). Categories are kept apart
// even where two share a rate (ot150_night and ot150_over60 at national
// rates); an entity that rounds "per rate" would add them first. For
// Exempt pay every category keeps its minutes and hours with UnitYen and
// AmountYen 0: 休日給 and 夜勤手当 included, as managers are paid for
// such work by 管理職員特別勤務手当 instead [二次].
//
// The rest interval (勤務間インターバル, rules-jp.md §6.3) between each
// worked day's FirstIn and the last LastOut before it (PrevLastOut for the
// month's first) below Settings.IntervalMin gives a short_interval warning
// on the later day; it changes no figure.
func ComputeMonth(s Settings, in MonthInput) MonthResult {
	r := MonthResult{Year: in.Year, Month: in.Month, Categories: []Category{}, Warnings: []Warning{}}
	r.HourlyYen = in.Pay.HourlyYen
	if r.HourlyYen <= 0 {
		r.HourlyYen = HourlyRate(s, in.Pay.MonthlyYen, in.WeekdayHolidays)
	}

	mins := make(map[string]int, len(monthCategoryOrder))
	counted := 0 // minutes towards the 60-hour line so far
	lastOut := in.PrevLastOut
	var segs []Segment
	for _, d := range in.Days {
		r.ScheduledMin += d.ScheduledMin
		r.WorkedMin += d.WorkedMin
		r.RegularMin += d.RegularMin
		r.OvertimeMin += d.OvertimeMin
		r.NightMin += d.NightMin
		r.LateMin += d.LateMin
		r.EarlyMin += d.EarlyMin
		r.LeaveMin += d.LeaveMin
		for c, m := range d.LeaveByCategory {
			if r.LeaveByCategory == nil {
				r.LeaveByCategory = map[string]int{}
			}
			r.LeaveByCategory[c] += m
		}
		r.UnpaidLeaveMin += d.UnpaidLeaveMin
		r.AbsenceMin += d.AbsenceMin
		r.HolidayPayMin += d.HolidayPayMin
		if d.WorkedMin > 0 {
			r.DaysWorked++
		}
		if d.Telework {
			r.TeleworkDays++
		}
		if len(d.Exceptions) > 0 {
			r.ExceptionDays++
		}
		if d.Special {
			r.SpecialMin += d.OvertimeMin
		}
		mins[CategoryHoliday135] += d.HolidayPayMin
		mins[CategoryNight25] += d.NightRegularMin

		segs = append(segs[:0], d.Segments...)
		slices.SortStableFunc(segs, func(a, b Segment) int { return a.Start.Compare(b.Start) })
		for _, sg := range segs {
			if sg.Min <= 0 {
				continue
			}
			if !sg.Counts60 {
				r.RestDesignatedMin += sg.Min
				mins[monthBelow60(sg)] += sg.Min
				continue
			}
			below := min(sg.Min, max(0, s.Over60Min-counted))
			counted += sg.Min
			mins[monthBelow60(sg)] += below
			if above := sg.Min - below; above > 0 {
				r.Over60Min += above
				if sg.Class == ClassRest {
					r.Over60RestMin += above
				}
				if sg.Night {
					mins[CategoryOT175Over60] += above
				} else {
					mins[CategoryOT150Over60] += above
				}
			}
		}

		r.Warnings = append(r.Warnings, d.Warnings...)
		if !d.FirstIn.IsZero() {
			if w, ok := monthIntervalWarning(s, d, lastOut); ok {
				r.Warnings = append(r.Warnings, w)
			}
		}
		if !d.LastOut.IsZero() {
			lastOut = d.LastOut
		}
	}
	slices.SortStableFunc(r.Warnings, func(a, b Warning) int {
		return cmp.Or(cmp.Compare(a.Date.Year, b.Date.Year),
			cmp.Compare(a.Date.Month, b.Date.Month), cmp.Compare(a.Date.Day, b.Date.Day))
	})

	for _, code := range monthCategoryOrder {
		m := mins[code]
		if m <= 0 {
			continue
		}
		pct, label, _ := CategoryRate(s, code)
		c := Category{Code: code, Label: label, RatePct: pct, Min: m, Hours: RoundHours(m, s.MonthRoundMin)}
		if !in.Pay.Exempt {
			c.UnitYen = UnitYen(r.HourlyYen, pct)
			c.AmountYen = c.UnitYen * int64(c.Hours)
		}
		r.AmountYen += c.AmountYen
		r.Categories = append(r.Categories, c)
	}
	return r
}

// monthBelow60 is the category of a segment's minutes that are not paid
// at the beyond-60 rate.
func monthBelow60(sg Segment) string {
	switch {
	case sg.Band100 && sg.Night:
		return CategoryBand125Night
	case sg.Band100:
		return CategoryBand100
	case sg.Class == ClassWorkday && sg.Night:
		return CategoryOT150Night
	case sg.Class == ClassWorkday:
		return CategoryOT125
	case sg.Night:
		return CategoryOT160
	default:
		return CategoryOT135
	}
}

// monthIntervalWarning checks the rest between lastOut and d's first
// clock-in.
func monthIntervalWarning(s Settings, d DayResult, lastOut time.Time) (Warning, bool) {
	if s.IntervalMin <= 0 || lastOut.IsZero() {
		return Warning{}, false
	}
	gap := int(d.FirstIn.Sub(lastOut) / time.Minute)
	if gap >= s.IntervalMin {
		return Warning{}, false
	}
	return Warning{
		Code: WarnShortInterval,
		Date: d.Date,
		Message: fmt.Sprintf("勤務間インターバルが%sです（目安%s）。",
			monthHMJa(gap), monthHMJa(s.IntervalMin)),
		MessageEn: fmt.Sprintf("Rest between shifts was %s (guide: %s).",
			monthHMEn(gap), monthHMEn(s.IntervalMin)),
	}, true
}

// monthHMJa writes minutes as "9時間00分" (negative as "-0時間30分").
func monthHMJa(m int) string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return fmt.Sprintf("%s%d時間%02d分", sign, m/60, m%60)
}

// monthHMEn writes minutes as "9h00m".
func monthHMEn(m int) string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return fmt.Sprintf("%s%dh%02dm", sign, m/60, m%60)
}
