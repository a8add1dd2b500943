package rules

import (
	"testing"
	"time"
	_ "time/tzdata" // Asia/Tokyo on machines without zoneinfo

	"github.com/google/go-cmp/cmp"

	"kintai"
)

// dayTokyo is the organisation's zone in these tests.
var dayTokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return loc
}()

// Days of April 2025 used by the tests (the 1st is a Tuesday).
var (
	daySun = kintai.NewDate(2025, 4, 6)
	dayMon = kintai.NewDate(2025, 4, 7)
	dayTue = kintai.NewDate(2025, 4, 8)
	dayFri = kintai.NewDate(2025, 4, 11)
	daySat = kintai.NewDate(2025, 4, 12)
)

// dayJST is h:m on civil day d in Tokyo, in UTC; hours past 23 run into
// the next day.
func dayJST(d kintai.Date, h, m int) time.Time { return dayAt(d, h*60+m, dayTokyo) }

// dayHM is h:m as minutes after midnight.
func dayHM(h, m int) int { return h*60 + m }

const dayWeekdays = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday

// dayFixedPattern is the common municipal pattern: Monday to Friday
// 8:30–17:15 with a 12:00–13:00 break.
func dayFixedPattern() Pattern {
	return Pattern{Name: "通常勤務", Kind: PatternFixed, Weekdays: dayWeekdays,
		Hours: Span{dayHM(8, 30), dayHM(17, 15)}, Breaks: []Span{{dayHM(12, 0), dayHM(13, 0)}}}
}

// dayStaggeredPattern is 奥出雲町's 時差出勤.
func dayStaggeredPattern() Pattern {
	p := dayFixedPattern()
	p.Name, p.Kind = "時差出勤", PatternStaggered
	p.Options = []Span{{dayHM(7, 30), dayHM(16, 15)}, {dayHM(8, 0), dayHM(16, 45)}, {dayHM(9, 0), dayHM(17, 45)}, {dayHM(9, 30), dayHM(18, 15)}, {dayHM(10, 0), dayHM(18, 45)}}
	return p
}

// dayFlexPattern is a 4-week flex pattern: band 7:00–22:00, core
// 10:00–14:00, at least 4 hours a day.
func dayFlexPattern() Pattern {
	return Pattern{Name: "フレックス", Kind: PatternFlex, UnitWeeks: 4, RequiredMin: 4 * 2325,
		Band: &Span{dayHM(7, 0), dayHM(22, 0)}, Core: &Span{dayHM(10, 0), dayHM(14, 0)}, MinDailyMin: 240}
}

// dayHolidays is a calendar with 昭和の日 2025-04-29 and 年末年始.
func dayHolidays(d kintai.Date) (DayKind, bool) {
	switch {
	case d == kintai.NewDate(2025, 4, 29):
		return Holiday, true
	case d.Month == 12 && d.Day >= 29 || d.Month == 1 && d.Day <= 3:
		return YearEnd, true
	}
	return "", false
}

func TestValidatePattern(t *testing.T) {
	fixed := dayFixedPattern()
	edit := func(p Pattern, f func(*Pattern)) Pattern {
		p.Breaks = append([]Span(nil), p.Breaks...)
		p.Options = append([]Span(nil), p.Options...)
		f(&p)
		return p
	}
	tests := []struct {
		name  string
		p     Pattern
		field string // "" for valid
	}{
		{"fixed", fixed, ""},
		{"fixed without name", edit(fixed, func(p *Pattern) { p.Name = "" }), "name"},
		{"unknown kind", edit(fixed, func(p *Pattern) { p.Kind = "rota" }), "kind"},
		{"fixed without weekdays", edit(fixed, func(p *Pattern) { p.Weekdays = 0 }), "weekdays"},
		{"fixed with a weekday bit beyond Saturday", edit(fixed, func(p *Pattern) { p.Weekdays = 1 << 7 }), "weekdays"},
		{"fixed without hours", edit(fixed, func(p *Pattern) { p.Hours = Span{} }), "hours"},
		{"fixed ending before it starts", edit(fixed, func(p *Pattern) { p.Hours = Span{dayHM(17, 0), dayHM(9, 0)} }), "hours"},
		{"fixed starting on the next day", edit(fixed, func(p *Pattern) { p.Hours = Span{dayHM(24, 0), dayHM(30, 0)}; p.Breaks = nil }), "hours"},
		{"fixed longer than a day", edit(fixed, func(p *Pattern) { p.Hours = Span{dayHM(8, 0), dayHM(32, 1)} }), "hours"},
		{"night hours across midnight", edit(fixed, func(p *Pattern) {
			p.Hours, p.Breaks = Span{dayHM(22, 0), dayHM(31, 0)}, []Span{{dayHM(26, 0), dayHM(27, 0)}}
		}), ""},
		{"24-hour duty", edit(fixed, func(p *Pattern) { p.Hours = Span{dayHM(8, 30), dayHM(32, 30)} }), ""},
		{"break outside hours", edit(fixed, func(p *Pattern) { p.Breaks = []Span{{dayHM(17, 0), dayHM(18, 0)}} }), "breaks"},
		{"empty break", edit(fixed, func(p *Pattern) { p.Breaks = []Span{{dayHM(12, 0), dayHM(12, 0)}} }), "breaks"},
		{"overlapping breaks", edit(fixed, func(p *Pattern) {
			p.Breaks = []Span{{dayHM(15, 0), dayHM(15, 15)}, {dayHM(12, 0), dayHM(13, 0)}, {dayHM(12, 45), dayHM(13, 15)}}
		}), "breaks"},
		{"staggered", dayStaggeredPattern(), ""},
		{"staggered without options", edit(dayStaggeredPattern(), func(p *Pattern) { p.Options = nil }), "options"},
		{"staggered option of another length", edit(dayStaggeredPattern(), func(p *Pattern) { p.Options[1].EndMin++ }), "options"},
		{"staggered option ending before it starts", edit(dayStaggeredPattern(), func(p *Pattern) { p.Options[0] = Span{600, 135} }), "options"},
		{"shift needs only a name", Pattern{Name: "シフト", Kind: PatternShift}, ""},
		{"flex", dayFlexPattern(), ""},
		{"flex without core", edit(dayFlexPattern(), func(p *Pattern) { p.Core = nil }), ""},
		{"flex unit of 0 weeks", edit(dayFlexPattern(), func(p *Pattern) { p.UnitWeeks = 0 }), "unit_weeks"},
		{"flex unit of 5 weeks", edit(dayFlexPattern(), func(p *Pattern) { p.UnitWeeks = 5 }), "unit_weeks"},
		{"flex without total", edit(dayFlexPattern(), func(p *Pattern) { p.RequiredMin = 0 }), "required_min"},
		{"flex without band", edit(dayFlexPattern(), func(p *Pattern) { p.Band = nil }), "band"},
		{"flex with an empty band", edit(dayFlexPattern(), func(p *Pattern) { p.Band = &Span{600, 600} }), "band"},
		{"flex core outside band", edit(dayFlexPattern(), func(p *Pattern) { p.Core = &Span{dayHM(6, 0), dayHM(10, 0)} }), "core"},
		{"flex negative least hours", edit(dayFlexPattern(), func(p *Pattern) { p.MinDailyMin = -1 }), "min_daily_min"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePattern(tt.p)
			if tt.field == "" {
				if err != nil {
					t.Errorf("ValidatePattern(%+v) = %v, want nil", tt.p, err)
				}
				return
			}
			dayCheckInvalid(t, err, tt.field)
		})
	}
}

// dayCheckInvalid fails unless err is an EINVALID *kintai.Error on field
// with both messages.
func dayCheckInvalid(t *testing.T, err error, field string) *kintai.Error {
	t.Helper()
	e, ok := err.(*kintai.Error)
	if !ok || e.Code != kintai.EINVALID || e.Field != field || e.Message == "" || e.MessageEN == "" {
		t.Fatalf("error = %#v, want EINVALID on %q with Japanese and English messages", err, field)
	}
	return e
}

func TestPlan(t *testing.T) {
	s := DefaultSettings()
	fixed, stag, flex := dayFixedPattern(), dayStaggeredPattern(), dayFlexPattern()
	shiftP := Pattern{Name: "シフト", Kind: PatternShift}
	iv := func(d kintai.Date, h1, m1, h2, m2 int) Interval {
		return Interval{dayJST(d, h1, m1), dayJST(d, h2, m2)}
	}
	office := func(d kintai.Date) *Shift {
		return &Shift{Start: dayJST(d, 8, 30), End: dayJST(d, 17, 15), Breaks: []Interval{iv(d, 12, 0, 13, 0)}}
	}
	yearEnd := kintai.NewDate(2025, 12, 29)
	showa := kintai.NewDate(2025, 4, 29)
	sunHoliday := kintai.NewDate(2025, 5, 4) // みどりの日 on a Sunday
	tests := []struct {
		name      string
		p         Pattern
		day       kintai.Date
		ds        *DayShift
		wantKind  DayKind
		wantShift *Shift
	}{
		{"fixed weekday", fixed, dayTue, nil, Workday, office(dayTue)},
		{"fixed Saturday", fixed, daySat, nil, RestDay, nil},
		{"fixed Sunday", fixed, daySun, nil, DesignatedRestDay, nil},
		{"fixed 祝日", fixed, showa, nil, Holiday, office(showa)},
		{"fixed 年末年始", fixed, yearEnd, nil, YearEnd, office(yearEnd)},
		{"祝日 on a Sunday stays a rest day", fixed, sunHoliday, nil, DesignatedRestDay, nil},
		{"fixed day off by DayShift", fixed, dayTue, &DayShift{Off: true}, RestDay, nil},
		{"fixed Saturday worked by DayShift (振替)", fixed, daySat, &DayShift{Hours: fixed.Hours, Breaks: fixed.Breaks}, Workday, office(daySat)},
		{"fixed hours overridden", fixed, dayTue, &DayShift{Hours: Span{dayHM(13, 0), dayHM(17, 15)}},
			Workday, &Shift{Start: dayJST(dayTue, 13, 0), End: dayJST(dayTue, 17, 15)}},
		{"staggered default hours", stag, dayTue, nil, Workday, office(dayTue)},
		{"staggered 7:30 option moves the break", stag, dayTue, &DayShift{Hours: Span{dayHM(7, 30), dayHM(16, 15)}},
			Workday, &Shift{Start: dayJST(dayTue, 7, 30), End: dayJST(dayTue, 16, 15), Breaks: []Interval{iv(dayTue, 11, 0, 12, 0)}}},
		{"staggered option with its own breaks spelled out", stag, dayTue, &DayShift{Hours: Span{dayHM(10, 0), dayHM(18, 45)}, Breaks: []Span{{dayHM(13, 30), dayHM(14, 30)}}},
			Workday, &Shift{Start: dayJST(dayTue, 10, 0), End: dayJST(dayTue, 18, 45), Breaks: []Interval{iv(dayTue, 13, 30, 14, 30)}}},
		{"staggered Saturday", stag, daySat, nil, RestDay, nil},
		{"shift day", shiftP, dayTue, &DayShift{Hours: Span{dayHM(9, 0), dayHM(15, 45)}, Breaks: []Span{{dayHM(12, 0), dayHM(12, 45)}}},
			Workday, &Shift{Start: dayJST(dayTue, 9, 0), End: dayJST(dayTue, 15, 45), Breaks: []Interval{iv(dayTue, 12, 0, 12, 45)}}},
		{"shift without DayShift", shiftP, dayTue, nil, RestDay, nil},
		{"shift without DayShift on Sunday", shiftP, daySun, nil, DesignatedRestDay, nil},
		{"shift off", shiftP, dayTue, &DayShift{Off: true, Hours: Span{dayHM(9, 0), dayHM(15, 0)}}, RestDay, nil},
		{"night shift into the next day", shiftP, dayTue, &DayShift{Hours: Span{dayHM(22, 0), dayHM(31, 0)}, Breaks: []Span{{dayHM(29, 0), dayHM(30, 0)}}},
			Workday, &Shift{Start: dayJST(dayTue, 22, 0), End: dayJST(dayTue.AddDays(1), 7, 0), Breaks: []Interval{iv(dayTue.AddDays(1), 5, 0, 6, 0)}}},
		{"shift on 祝日", shiftP, showa, &DayShift{Hours: Span{dayHM(9, 0), dayHM(13, 0)}},
			Holiday, &Shift{Start: dayJST(showa, 9, 0), End: dayJST(showa, 13, 0)}},
		{"flex day", flex, dayTue, &DayShift{Hours: Span{dayHM(8, 0), dayHM(17, 0)}, Breaks: []Span{{dayHM(12, 0), dayHM(13, 0)}}},
			Workday, &Shift{Start: dayJST(dayTue, 8, 0), End: dayJST(dayTue, 17, 0), Breaks: []Interval{iv(dayTue, 12, 0, 13, 0)},
				Core: &Interval{dayJST(dayTue, 10, 0), dayJST(dayTue, 14, 0)}, Band: &Interval{dayJST(dayTue, 7, 0), dayJST(dayTue, 22, 0)}}},
		{"flex short day clips the core", flex, dayTue, &DayShift{Hours: Span{dayHM(7, 0), dayHM(12, 0)}},
			Workday, &Shift{Start: dayJST(dayTue, 7, 0), End: dayJST(dayTue, 12, 0),
				Core: &Interval{dayJST(dayTue, 10, 0), dayJST(dayTue, 12, 0)}, Band: &Interval{dayJST(dayTue, 7, 0), dayJST(dayTue, 22, 0)}}},
		{"flex no-core day", flex, dayTue, &DayShift{Hours: Span{dayHM(15, 0), dayHM(19, 0)}},
			Workday, &Shift{Start: dayJST(dayTue, 15, 0), End: dayJST(dayTue, 19, 0), Band: &Interval{dayJST(dayTue, 7, 0), dayJST(dayTue, 22, 0)}}},
		{"flex without DayShift", flex, dayTue, nil, RestDay, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, sh, err := Plan(tt.p, tt.day, tt.ds, dayHolidays, s, dayTokyo)
			if err != nil {
				t.Fatalf("Plan(%s, %v) error = %v", tt.p.Kind, tt.day, err)
			}
			if kind != tt.wantKind {
				t.Errorf("Plan(%s, %v) kind = %q, want %q", tt.p.Kind, tt.day, kind, tt.wantKind)
			}
			if diff := cmp.Diff(tt.wantShift, sh); diff != "" {
				t.Errorf("Plan(%s, %v) shift mismatch (-want +got):\n%s", tt.p.Kind, tt.day, diff)
			}
		})
	}
}

func TestPlanErrors(t *testing.T) {
	s := DefaultSettings()
	shiftP := Pattern{Name: "シフト", Kind: PatternShift}
	tests := []struct {
		name    string
		p       Pattern
		ds      *DayShift
		holiday func(kintai.Date) (DayKind, bool)
		field   string // "" for a plain (internal) error
	}{
		{"invalid pattern", Pattern{Kind: PatternShift}, nil, nil, "name"},
		{"staggered hours not an option", dayStaggeredPattern(), &DayShift{Hours: Span{dayHM(8, 15), dayHM(17, 0)}}, nil, "hours"},
		{"staggered breaks not moved with the start", dayStaggeredPattern(), &DayShift{Hours: Span{dayHM(7, 30), dayHM(16, 15)}, Breaks: []Span{{dayHM(12, 0), dayHM(13, 0)}}}, nil, "breaks"},
		{"shift ending before it starts", shiftP, &DayShift{Hours: Span{dayHM(15, 0), dayHM(9, 0)}}, nil, "hours"},
		{"shift break outside hours", shiftP, &DayShift{Hours: Span{dayHM(9, 0), dayHM(15, 0)}, Breaks: []Span{{dayHM(15, 0), dayHM(15, 30)}}}, nil, "breaks"},
		{"calendar answering a rest day", dayFixedPattern(), nil, func(kintai.Date) (DayKind, bool) { return RestDay, true }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Plan(tt.p, dayTue, tt.ds, tt.holiday, s, dayTokyo)
			if tt.field == "" {
				if err == nil || kintai.ErrorCode(err) != kintai.EINTERNAL {
					t.Fatalf("Plan(...) error = %v, want an internal error", err)
				}
				return
			}
			dayCheckInvalid(t, err, tt.field)
		})
	}
	if _, _, err := Plan(dayFixedPattern(), dayTue, nil, nil, s, nil); err == nil {
		t.Errorf("Plan(..., nil location) error = nil, want an error")
	}
}

// TestPlanTokyoDays checks that every Tokyo day of a year is 1440 minutes
// (no daylight saving time): a 0:00–24:00 span is a whole day and ends
// where the next day starts.
func TestPlanTokyoDays(t *testing.T) {
	p := Pattern{Name: "終日", Kind: PatternShift}
	all := &DayShift{Hours: Span{0, dayMinutes}}
	for d := kintai.NewDate(2025, 1, 1); d.Year == 2025; d = d.AddDays(1) {
		_, sh, err := Plan(p, d, all, nil, DefaultSettings(), dayTokyo)
		if err != nil {
			t.Fatalf("Plan(%v) error = %v", d, err)
		}
		if got := sh.RegularMinutes(); got != dayMinutes {
			t.Errorf("Plan(%v) regular minutes = %d, want %d", d, got, dayMinutes)
		}
		if next := dayJST(d.AddDays(1), 0, 0); !sh.End.Equal(next) {
			t.Errorf("Plan(%v) end = %v, want the next midnight %v", d, sh.End, next)
		}
		if h, m, _ := sh.Start.In(dayTokyo).Clock(); h != 0 || m != 0 {
			t.Errorf("Plan(%v) start = %v, want midnight in Tokyo", d, sh.Start.In(dayTokyo))
		}
	}
}
