package leave

import (
	"fmt"
	"time"

	"kintai"
	"kintai/calendar"
)

// NationalDays is the yearly grant of 年次休暇 to national full-time staff
// (勤務時間法 第17条 [確認]).
const NationalDays = 20

// nationalMidYear is 人事院規則15-14 別表第1 [確認] (rules-jp.md §4.1,
// S16): the days granted to staff who join part-way through the year, by
// the in-service period that year. Row i is "over i months, up to i+1"
// (the last, "over 11 months, under 1 year").
var nationalMidYear = [12]int{2, 3, 5, 7, 8, 10, 12, 13, 15, 17, 18, 20}

// GrantNational returns the annual leave granted for calendar year year to
// a full-time member of staff who joined on joined: 20 days when they
// were in service from 1 January (or joined is the zero Date); the 別表第1
// figure for the in-service period from joined to 31 December when they
// joined that year (4/1 is 9 months: 15 days, TC-AL-03; the reading of the
// period is [未確認]); nothing when they join later.
func GrantNational(joined kintai.Date, year int) Amount {
	switch {
	case joined.IsZero() || joined.Year < year:
		return DaysAmount(NationalDays)
	case joined.Year > year:
		return Amount{}
	}
	n := min(monthsUpTo(joined, kintai.NewDate(year, time.December, 31)), len(nationalMidYear))
	return DaysAmount(nationalMidYear[n-1])
}

// laborFull is 労基法 第39条第1項・第2項 [確認] (rules-jp.md §4.2): days
// after 0.5, 1.5, …, 6.5 years or more of continuous service.
var laborFull = [7]int{10, 11, 12, 14, 16, 18, 20}

// laborProportional is the 比例付与 table of 労基法施行規則 第24条の3
// [確認] (rules-jp.md §4.2), by days a week 4, 3, 2 and 1 (or days a year
// 169–216, 121–168, 73–120 and 48–72), then by years as laborFull.
var laborProportional = [4][7]int{
	{7, 8, 9, 10, 12, 13, 15},
	{5, 6, 6, 8, 9, 10, 11},
	{3, 4, 4, 5, 6, 6, 7},
	{1, 2, 2, 2, 3, 3, 3},
}

// laborProportionalWeekMin is the weekly hours from which 比例付与 no longer
// applies: 30 hours (労基則 第24条の3第1項).
const laborProportionalWeekMin = 30 * 60

// LaborStandardsFloor returns the annual leave 労働基準法 第39条 requires
// after serviceMonths of continuous service with at least 80% attendance
// (the caller checks attendance): 10 days at 6 months up to 20 at 6.5
// years, or, when the weekly hours are under 30 and the staff member works
// 4 days a week or fewer (daysPerWeek; when it is 0, 216 days a year or
// fewer by daysPerYear), the proportional table (TC-AL-04: 4 days and 28 h
// at 6 months is 7; 4 days and 30 h is 10; 3 days at 3.5 years is 8). It
// is 0 before 6 months, and for fewer than 48 days a year.
func LaborStandardsFloor(serviceMonths, daysPerWeek, weeklyMin, daysPerYear int) int {
	if serviceMonths < 6 {
		return 0
	}
	col := min((serviceMonths-6)/12, len(laborFull)-1)
	if weeklyMin >= laborProportionalWeekMin {
		return laborFull[col]
	}
	row := -1
	switch {
	case daysPerWeek >= 5:
		return laborFull[col]
	case daysPerWeek >= 1:
		row = 4 - daysPerWeek
	case daysPerYear >= 217:
		return laborFull[col]
	case daysPerYear >= 169:
		row = 0
	case daysPerYear >= 121:
		row = 1
	case daysPerYear >= 73:
		row = 2
	case daysPerYear >= 48:
		row = 3
	default:
		return 0
	}
	return laborProportional[row][col]
}

// fiscalFullWeekMin is the weekly hours from which a 4-day week gets the
// full column of the 会計年度任用職員 tables: 29 hours (人事院 職職-329
// [確認], rules-jp.md §4.3).
const fiscalFullWeekMin = 29 * 60

// fiscalFirstYear is 国頭村 令和元年規則第23号 (as amended up to 2025)
// [確認 for 国頭村] (rules-jp.md §4.3): annual leave granted at the start of
// the first year of appointment, by the length of the 任期 (row i is "over
// i months, up to i+1", the last "over 6 months, up to 1 year"; up to 1
// month gets nothing) and the column of fiscalColumn (5 days a week or
// more, 4, 3, 2, 1).
var fiscalFirstYear = [7][5]int{
	{0, 0, 0, 0, 0},  // up to 1 month
	{1, 0, 0, 0, 0},  // over 1, up to 2
	{2, 1, 1, 0, 0},  // over 2, up to 3
	{3, 2, 1, 1, 0},  // over 3, up to 4
	{5, 3, 2, 1, 1},  // over 4, up to 5
	{7, 5, 4, 2, 1},  // over 5, up to 6
	{10, 7, 5, 3, 1}, // over 6 months, up to 1 year
}

// fiscalLaterYears is the same rule's table for later years, by the number
// of fiscal years since the one in which continuous service began (row 0
// is 1 year; 6 or more use the last row).
var fiscalLaterYears = [6][5]int{
	{11, 8, 6, 4, 2},
	{12, 9, 6, 4, 2},
	{14, 10, 8, 5, 2},
	{16, 12, 9, 6, 3},
	{18, 13, 10, 6, 3},
	{20, 15, 11, 7, 3},
}

// fiscalColumn returns the column of the 会計年度任用職員 tables: 0 for 5
// days a week or more, or 4 days with 29 hours or more, or (days not set
// weekly) 217 days a year or more or 29 hours a week; then 1–4 for 4, 3, 2
// and 1 day a week (169–216, 121–168, 73–120, 48–72 days a year). It is
// −1 for fewer than 48 days a year.
func fiscalColumn(daysPerWeek, weeklyMin, daysPerYear int) int {
	switch {
	case daysPerWeek >= 5, daysPerWeek == 4 && weeklyMin >= fiscalFullWeekMin:
		return 0
	case daysPerWeek >= 1:
		return 5 - daysPerWeek
	case daysPerYear >= 217, weeklyMin >= fiscalFullWeekMin:
		return 0
	case daysPerYear >= 169:
		return 1
	case daysPerYear >= 121:
		return 2
	case daysPerYear >= 73:
		return 3
	case daysPerYear >= 48:
		return 4
	}
	return -1
}

// DaysPerYearFromTerm returns the yearly working days of a staff member
// whose days are not set weekly, from the days scheduled in their 任期 and
// its length in months: days × 12 ÷ months, fractions dropped (五條市
// [確認 for 五條市], rules-jp.md §4.3).
func DaysPerYearFromTerm(days, termMonths int) int {
	if termMonths <= 0 {
		return 0
	}
	return days * 12 / termMonths
}

// Appointment is one 任期 of a 会計年度任用職員 as annual leave needs it.
type Appointment struct {
	// ServiceFrom is the first day of continuous service (継続勤務期間の
	// 初日); it equals TermFrom in the first appointment.
	ServiceFrom kintai.Date `json:"service_from"`
	TermFrom    kintai.Date `json:"term_from"`
	TermTo      kintai.Date `json:"term_to"`
	// DaysPerWeek, WeeklyMin and DaysPerYear are the scheduled days and
	// hours (DaysPerWeek 0 when days are not set weekly).
	DaysPerWeek int `json:"days_per_week"`
	WeeklyMin   int `json:"weekly_min"`
	DaysPerYear int `json:"days_per_year,omitempty"`
}

// FiscalGrant is the annual leave granted at the start of a 任期, with how
// it was reached.
type FiscalGrant struct {
	Days int `json:"days"`
	// TableDays is the ordinance's figure and FloorDays the largest 労基法
	// figure that falls due during the 任期; Days is the larger.
	TableDays int `json:"table_days"`
	FloorDays int `json:"floor_days"`
	// YearsSinceFirst is 0 in the fiscal year service began (the table by
	// 任期 length applies), then the number of fiscal years since.
	YearsSinceFirst int `json:"years_since_first"`
	// TermMonths is the 任期 in months, rounded up (first year only).
	TermMonths int `json:"term_months,omitempty"`
}

// Validate checks a.
func (a Appointment) Validate() error {
	switch {
	case a.TermFrom.IsZero() || a.TermTo.IsZero():
		return kintai.Invalid("term", "任期の開始日と終了日を入力してください。", "The term's first and last days are required.")
	case a.TermTo.Before(a.TermFrom):
		return kintai.Invalid("term_to", "任期の終了日が開始日より前です。", "The term ends before it starts.")
	case a.ServiceFrom.IsZero() || a.ServiceFrom.After(a.TermFrom):
		return kintai.Invalid("service_from", "継続勤務の初日は任期の開始日以前の日付を入力してください。", "Continuous service must start on or before the term.")
	case a.DaysPerWeek < 0 || a.DaysPerWeek > 7 || a.WeeklyMin < 0 || a.DaysPerYear < 0 || a.DaysPerYear > 366:
		return kintai.Invalid("days_per_week", "勤務日数又は勤務時間が不正です。", "The days or hours of work are out of range.")
	case a.DaysPerWeek == 0 && a.DaysPerYear == 0 && a.WeeklyMin == 0:
		return kintai.Invalid("days_per_week", "週又は年の勤務日数を入力してください。", "Days a week or days a year are required.")
	}
	return nil
}

// GrantFiscalAppointee returns the annual leave granted at the start of a
// 会計年度任用職員's 任期 a, for a fiscal year starting in fiscalYearStart
// (rules-jp.md §4.3): in the fiscal year continuous service began, the
// 国頭村 table by 任期 length and days a week (TC-AL-05: 5 days, 4/1–3/31
// → 10; 3 days → 5; 5 days, 10/1–3/31 → 7); in later years the table by
// fiscal years since the first. The result is never below the 労基法
// floor (愛知県 [確認]): the largest LaborStandardsFloor figure whose due
// date (6 months, 1.5 years, … after ServiceFrom) falls within the 任期.
// Tables keyed on the month service began (another prefecture, [二次]) are
// not implemented.
func GrantFiscalAppointee(a Appointment, fiscalYearStart time.Month) (FiscalGrant, error) {
	if err := a.Validate(); err != nil {
		return FiscalGrant{}, err
	}
	firstFY, _ := calendar.FiscalYear(a.ServiceFrom, fiscalYearStart)
	thisFY, fyEnd := calendar.FiscalYear(a.TermFrom, fiscalYearStart)
	if a.TermTo.After(fyEnd) {
		return FiscalGrant{}, kintai.Invalid("term_to", "会計年度任用職員の任期は会計年度を超えられません。",
			fmt.Sprintf("A fiscal-year appointment cannot run past the fiscal year (%s).", fyEnd))
	}
	g := FiscalGrant{YearsSinceFirst: thisFY.Year - firstFY.Year}
	if col := fiscalColumn(a.DaysPerWeek, a.WeeklyMin, a.DaysPerYear); col >= 0 {
		if g.YearsSinceFirst == 0 {
			g.TermMonths = monthsUpTo(a.TermFrom, a.TermTo)
			g.TableDays = fiscalFirstYear[min(g.TermMonths, len(fiscalFirstYear))-1][col]
		} else {
			g.TableDays = fiscalLaterYears[min(g.YearsSinceFirst, len(fiscalLaterYears))-1][col]
		}
	}
	g.FloorDays = LaborStandardsFloor(monthsReached(a.ServiceFrom, a.TermTo), a.DaysPerWeek, a.WeeklyMin, a.DaysPerYear)
	g.Days = max(g.TableDays, g.FloorDays)
	return g, nil
}
