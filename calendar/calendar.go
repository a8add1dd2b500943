// Package calendar is the holiday calendar of the work-time engine: the
// 祝日法による休日 (national holidays, read from the Cabinet Office's
// syukujitsu.csv), the 年末年始の休日 (12/29–1/3 by default) and an
// entity's own holidays such as 沖縄県's 慰霊の日. It answers which days are
// holidays and counts them for the municipal hourly-rate divisor.
//
// It is pure: no SQL, no HTTP, no clock. A built-in copy of the national
// data (Builtin) lets a fresh install work; administrators upload newer
// files, which Parse reads and Calendar.Merge applies.
package calendar

import (
	"cmp"
	"slices"
	"time"

	"kintai"
)

// Kind says why a day is a holiday.
type Kind string

// Kinds of holiday.
const (
	// National is a 祝日法による休日: a 国民の祝日, a 振替休日 or a
	// 国民の休日, and the one-off days set by special laws.
	National Kind = "national"
	// YearEnd is a 年末年始の休日 that is not also a national holiday.
	YearEnd Kind = "year_end"
	// Entity is the entity's own holiday (条例で定める休日), such as
	// 6/23 慰霊の日 in Okinawa.
	Entity Kind = "entity"
)

// Day is one holiday.
type Day struct {
	Date kintai.Date `json:"date"`
	Name string      `json:"name"`
	Kind Kind        `json:"kind"`
}

// yearEndName is the name of a 年末年始 day that is not a national holiday.
const yearEndName = "年末年始"

// MonthDay is a day of the year, such as 12/29.
type MonthDay struct {
	Month time.Month `json:"month"`
	Day   int        `json:"day"`
}

func monthDayOf(d kintai.Date) MonthDay { return MonthDay{d.Month, d.Day} }

func (m MonthDay) compare(n MonthDay) int {
	return cmp.Or(cmp.Compare(m.Month, n.Month), cmp.Compare(m.Day, n.Day))
}

// valid reports whether m names a day that exists in some year (2/29 does).
func (m MonthDay) valid() bool {
	return m.Month >= time.January && m.Month <= time.December &&
		m.Day >= 1 && m.Day <= kintai.NewDate(2000, m.Month+1, 0).Day
}

// Options are the entity's choices that are not data.
type Options struct {
	// YearEnd turns the 年末年始の休日 on.
	YearEnd bool `json:"year_end"`
	// YearEndFrom and YearEndTo bound the 年末年始, both included. The
	// range may wrap around the new year, as the usual 12/29–1/3 does.
	YearEndFrom MonthDay `json:"year_end_from"`
	YearEndTo   MonthDay `json:"year_end_to"`
}

// DefaultOptions returns the usual ordinance: 年末年始 from 12/29 to 1/3
// (勤務時間法 第14条 and most 条例).
func DefaultOptions() Options {
	return Options{
		YearEnd:     true,
		YearEndFrom: MonthDay{time.December, 29},
		YearEndTo:   MonthDay{time.January, 3},
	}
}

// Validate reports whether the 年末年始 bounds name real days. New does
// not check them: validate options that come from people before use.
func (o Options) Validate() error {
	if !o.YearEnd {
		return nil
	}
	if !o.YearEndFrom.valid() {
		return kintai.Invalid("year_end_from", "年末年始の開始日が正しくありません。", "The first day of the year-end holidays is not a valid date.")
	}
	if !o.YearEndTo.valid() {
		return kintai.Invalid("year_end_to", "年末年始の終了日が正しくありません。", "The last day of the year-end holidays is not a valid date.")
	}
	return nil
}

// inYearEnd reports whether d falls within the 年末年始 range.
func (o Options) inYearEnd(d kintai.Date) bool {
	if !o.YearEnd {
		return false
	}
	md := monthDayOf(d)
	from, to := o.YearEndFrom, o.YearEndTo
	if from.compare(to) <= 0 {
		return md.compare(from) >= 0 && md.compare(to) <= 0
	}
	return md.compare(from) >= 0 || md.compare(to) <= 0
}

// Calendar answers which days are holidays. It is immutable and safe for
// concurrent use; Merge returns a new Calendar.
type Calendar struct {
	opts     Options
	national map[kintai.Date]Day
	// other holds every day given whose Kind is not National: entity
	// days, and any 年末年始 day given explicitly.
	other   map[kintai.Date]Day
	through kintai.Date
}

// New returns a calendar of the given days (such as Builtin() and the
// entity's own days) with opts. For one date, a later day of the same
// group (national, or not national) replaces an earlier one.
func New(opts Options, days ...[]Day) *Calendar {
	c := &Calendar{opts: opts, national: make(map[kintai.Date]Day), other: make(map[kintai.Date]Day)}
	for _, ds := range days {
		for _, d := range ds {
			c.add(d)
		}
	}
	c.through = c.lastNational()
	return c
}

func (c *Calendar) add(d Day) {
	if d.Kind == National {
		c.national[d.Date] = d
	} else {
		c.other[d.Date] = d
	}
}

// lastNational returns 12/31 of the last year with national data: the
// Cabinet Office file always covers whole years.
func (c *Calendar) lastNational() kintai.Date {
	last := 0
	for d := range c.national {
		last = max(last, d.Year)
	}
	if last == 0 {
		return kintai.Date{}
	}
	return kintai.Date{Year: last, Month: time.December, Day: 31}
}

// Merge returns a copy of c in which days replace, for each Kind among
// them, every day of that Kind in the years they cover. An uploaded
// syukujitsu.csv for 2025–2027 thus replaces the national holidays of
// those three years and leaves the others, and the entity's days, alone.
func (c *Calendar) Merge(days []Day) *Calendar {
	years := make(map[Kind]map[int]bool)
	for _, d := range days {
		if years[d.Kind] == nil {
			years[d.Kind] = make(map[int]bool)
		}
		years[d.Kind][d.Date.Year] = true
	}
	n := &Calendar{opts: c.opts, national: make(map[kintai.Date]Day, len(c.national)), other: make(map[kintai.Date]Day, len(c.other))}
	for _, m := range []map[kintai.Date]Day{c.national, c.other} {
		for _, d := range m {
			if !years[d.Kind][d.Date.Year] {
				n.add(d)
			}
		}
	}
	for _, d := range days {
		n.add(d)
	}
	n.through = n.lastNational()
	return n
}

// Options returns the options c was made with.
func (c *Calendar) Options() Options { return c.opts }

// Through returns the last day the national data covers (12/31 of its last
// year), or the zero Date when there is none. Past it, Lookup knows no
// national holidays: warn before relying on it.
func (c *Calendar) Through() kintai.Date { return c.through }

// Lookup returns the holiday on d. A national holiday wins over the
// 年末年始 (1/1 stays 元日, national), and an entity day over the 年末年始.
func (c *Calendar) Lookup(d kintai.Date) (Day, bool) {
	if h, ok := c.national[d]; ok {
		return h, true
	}
	if h, ok := c.other[d]; ok {
		return h, true
	}
	if c.opts.inYearEnd(d) {
		return Day{Date: d, Name: yearEndName, Kind: YearEnd}, true
	}
	return Day{}, false
}

// Range returns the holidays from from to to, both included, in date order.
func (c *Calendar) Range(from, to kintai.Date) []Day {
	var days []Day
	for d := from; !d.After(to); d = d.AddDays(1) {
		if h, ok := c.Lookup(d); ok {
			days = append(days, h)
		}
	}
	return days
}

// Rules for CountHolidays, as named in rules.Settings.HolidayCount.
const (
	// RuleWeekdays counts 祝日法による休日 and 年末年始 days that fall on
	// Monday to Friday (三重県: 「土日を除く休日等の実日数」).
	RuleWeekdays = "weekdays"
	// RuleNotSaturday is 大河原町's literal reading: all 祝日法による休日
	// and 年末年始 days, less national holidays on a Saturday and less
	// 年末年始 days on a Saturday or Sunday. A Sunday 祝日 stays in.
	RuleNotSaturday = "not_saturday"
)

// CountHolidays counts the holidays from from to to, both included, that
// the municipal hourly-rate formula deducts (rules-jp.md §3.4): the divisor
// is 38h45m × 52 − 7h45m × the count. Entity days are not counted: the
// ordinances name only 祝日法による休日 and 年末年始の休日. The count is
// only as good as the national data: check to against Through.
func (c *Calendar) CountHolidays(from, to kintai.Date, rule string) (int, error) {
	if rule != RuleWeekdays && rule != RuleNotSaturday {
		return 0, kintai.Invalid("holiday_count",
			"休日数の数え方が正しくありません（weekdays、not_saturday のいずれか）。",
			"Unknown holiday count rule: use weekdays or not_saturday.")
	}
	n := 0
	for _, h := range c.Range(from, to) {
		wd := h.Date.Weekday()
		weekend := wd == time.Saturday || wd == time.Sunday
		switch {
		case h.Kind == National && rule == RuleNotSaturday:
			if wd != time.Saturday {
				n++
			}
		case h.Kind == National || h.Kind == YearEnd:
			if !weekend {
				n++
			}
		}
	}
	return n, nil
}

// FiscalYear returns the first and last day of the fiscal year that holds
// d, for a year starting on the first of startMonth (time.April for
// 地方公共団体; time.January gives the calendar year).
func FiscalYear(d kintai.Date, startMonth time.Month) (from, to kintai.Date) {
	y := d.Year
	if d.Month < startMonth {
		y--
	}
	from = kintai.NewDate(y, startMonth, 1)
	return from, kintai.NewDate(y+1, startMonth, 0)
}

// sortDays orders days by date.
func sortDays(days []Day) {
	slices.SortStableFunc(days, func(a, b Day) int {
		return cmp.Or(cmp.Compare(a.Date.Year, b.Date.Year), cmp.Compare(a.Date.Month, b.Date.Month), cmp.Compare(a.Date.Day, b.Date.Day))
	})
}
