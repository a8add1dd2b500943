package leave

import (
	"fmt"
	"strings"
	"time"

	"kintai"
)

// Amount is a quantity of leave: whole days and minutes. How many minutes
// make a day depends on the staff member (DayMinutes), so arithmetic takes
// the day length; an Amount as stored may hold 0 ≤ Min < day length
// (normalised) or any minutes (for example a use of 3 hours is {0, 180}
// whatever the day).
type Amount struct {
	Days int `json:"days"`
	Min  int `json:"min"`
}

// DaysAmount returns n whole days.
func DaysAmount(n int) Amount { return Amount{Days: n} }

// MinutesAmount returns n minutes (not normalised).
func MinutesAmount(n int) Amount { return Amount{Min: n} }

// FromMinutes returns total minutes as days and minutes for a day of
// dayMin minutes: 9120 minutes with 465-minute days is 19日4時間45分. A
// negative total gives negative days and minutes.
func FromMinutes(total, dayMin int) Amount {
	if dayMin <= 0 {
		return Amount{Min: total}
	}
	return Amount{Days: total / dayMin, Min: total % dayMin}
}

// Minutes returns a in minutes for a day of dayMin minutes.
func (a Amount) Minutes(dayMin int) int { return a.Days*dayMin + a.Min }

// Normalize returns a with its minutes under a day of dayMin minutes
// (7時間45分 = 1日 for full-time staff).
func (a Amount) Normalize(dayMin int) Amount { return FromMinutes(a.Minutes(dayMin), dayMin) }

// Add returns a + b, normalised for a day of dayMin minutes.
func (a Amount) Add(b Amount, dayMin int) Amount {
	return FromMinutes(a.Minutes(dayMin)+b.Minutes(dayMin), dayMin)
}

// Sub returns a − b, normalised for a day of dayMin minutes. Taking 3
// hours from 20日 with 7h45m days leaves 19日4時間45分 (TC-AL-02).
func (a Amount) Sub(b Amount, dayMin int) Amount {
	return FromMinutes(a.Minutes(dayMin)-b.Minutes(dayMin), dayMin)
}

// IsZero reports whether a is no leave at all.
func (a Amount) IsZero() bool { return a.Days == 0 && a.Min == 0 }

// String writes a in Japanese as stored, leaving out zero parts:
// "19日4時間45分", "20日", "3時間", "45分"; "0日" for nothing and a
// leading "-" when negative.
func (a Amount) String() string { return a.format("日", "時間", "分", "") }

// English writes a in English: "19d 4h 45m", "20d", "0d".
func (a Amount) English() string { return a.format("d", "h", "m", " ") }

func (a Amount) format(day, hour, minute, sep string) string {
	sign := ""
	d, m := a.Days, a.Min
	if d < 0 || (d == 0 && m < 0) {
		sign, d, m = "-", -d, -m
	}
	if m < 0 { // mixed signs as stored: show the total in minutes
		m = -m
	}
	var parts []string
	if d != 0 {
		parts = append(parts, fmt.Sprintf("%d%s", d, day))
	}
	if h := m / 60; h != 0 {
		parts = append(parts, fmt.Sprintf("%d%s", h, hour))
	}
	if r := m % 60; r != 0 {
		parts = append(parts, fmt.Sprintf("%d%s", r, minute))
	}
	if len(parts) == 0 {
		return "0" + day
	}
	return sign + strings.Join(parts, sep)
}

// Basis is how a part-timer's day is converted to minutes.
type Basis string

// Bases of conversion.
const (
	// BasisScheduled counts a day as the part-timer's own scheduled
	// minutes a working day; staff whose days differ in length fall back
	// to BasisWeekly.
	BasisScheduled Basis = "scheduled"
	// BasisWeekly counts a day as the full-time day in proportion to the
	// part-timer's weekly hours over the full-time week (福島県:
	// 7h45m × weekly hours ÷ 38h45m, that is weekly hours ÷ 5) [二次].
	BasisWeekly Basis = "weekly"
)

// Terms are a staff member's working terms as far as leave needs them.
type Terms struct {
	EmploymentType kintai.EmploymentType `json:"employment_type"`
	// DaysPerWeek is the scheduled working days a week; 0 when days are
	// not set weekly (DaysPerYear is used instead).
	DaysPerWeek int `json:"days_per_week"`
	// WeeklyMin is the scheduled minutes a week (2325 = 38h45m full-time).
	WeeklyMin int `json:"weekly_min"`
	// DailyMin is the scheduled minutes of a working day; 0 when the days
	// are not all the same length.
	DailyMin int `json:"daily_min"`
	// DaysPerYear is the scheduled working days a year, for staff whose
	// days are not set weekly.
	DaysPerYear int `json:"days_per_year,omitempty"`
}

// FullTime reports whether t are full-time terms under s: the full
// weekly hours, or, when no weekly hours are given, an employment type
// that is full-time by definition (常勤, 会計年度任用フルタイム).
func (t Terms) FullTime(s Settings) bool {
	if t.WeeklyMin > 0 {
		return t.WeeklyMin >= s.WeekMin
	}
	return t.EmploymentType == kintai.Regular || t.EmploymentType == kintai.FiscalFull
}

// DayMinutes returns how many minutes of leave count as one day for a
// staff member on terms t (勤務時間法施行規則 第20条第2項 and the
// municipal equivalents): s.DayMin (7h45m = 465) for full-time staff; for
// part-timers their own scheduled daily minutes, or with s.PartTimeBasis
// BasisWeekly, or when their days differ in length, the full day in
// proportion to their weekly hours, rounded to the nearest minute.
func DayMinutes(t Terms, s Settings) (int, error) {
	if t.FullTime(s) {
		return s.DayMin, nil
	}
	if s.PartTimeBasis != BasisWeekly && t.DailyMin > 0 {
		return t.DailyMin, nil
	}
	if t.WeeklyMin > 0 && s.WeekMin > 0 {
		return (s.DayMin*t.WeeklyMin*2 + s.WeekMin) / (2 * s.WeekMin), nil
	}
	return 0, kintai.Invalid("weekly_min", "短時間勤務職員の休暇の換算には1日又は1週間の勤務時間が必要です。",
		"Converting a part-timer's leave needs their daily or weekly scheduled hours.")
}

// addMonths returns the day on which a period of n months starting on d
// has run out (民法 第143条): the day n months on that corresponds to d's
// day, or the first of the next month when that month has no such day. The
// period itself ends the day before.
func addMonths(d kintai.Date, n int) kintai.Date {
	first := kintai.NewDate(d.Year, d.Month+time.Month(n), 1)
	if last := kintai.NewDate(first.Year, first.Month+1, 0).Day; d.Day > last {
		return kintai.NewDate(first.Year, first.Month+1, 1)
	}
	return kintai.Date{Year: first.Year, Month: first.Month, Day: d.Day}
}

// monthsReached returns how many monthly anniversaries of from (from
// itself not counted) fall on or before day: the whole months of service
// on day, in the sense that an entitlement due "after 6 months" arises on
// addMonths(from, 6). It is 0 when day is before from.
func monthsReached(from, day kintai.Date) int {
	if day.Before(from) {
		return 0
	}
	// Start near the answer, then step; at most a couple of steps.
	n := max((day.Year-from.Year)*12+int(day.Month)-int(from.Month)-1, 0)
	for n > 0 && addMonths(from, n).After(day) {
		n--
	}
	for !addMonths(from, n+1).After(day) {
		n++
	}
	return n
}

// monthsUpTo returns the smallest N such that the period from from to to,
// both included, is at most N months ("over N−1, up to N" in the tables):
// 4/1–12/31 is 9, 10/1–3/31 is 6.
func monthsUpTo(from, to kintai.Date) int { return monthsReached(from, to) + 1 }

// daysBetween returns the number of days from a to b (b − a).
func daysBetween(a, b kintai.Date) int {
	return int(b.Time(time.UTC).Sub(a.Time(time.UTC)).Hours() / 24)
}
