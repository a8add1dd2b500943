package rules

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/punch"
)

const dayStaff = 7

// dayPunch is a stored punch of dayStaff on business day d at h:m (hours
// past 23 run into the next morning), with s seconds.
func dayPunch(id int64, d kintai.Date, kind punch.Kind, h, m, s int) punch.Punch {
	at := dayJST(d, h, m).Add(time.Duration(s) * time.Second)
	return punch.Punch{
		ID:          id,
		Input:       punch.Input{ClientKey: fmt.Sprint("k", id), StaffID: dayStaff, Kind: kind, Method: punch.MethodCard, TerminalID: 1},
		ReceivedAt:  at,
		At:          at,
		BusinessDay: d,
	}
}

// dayPs builds punches of day d from kind, h, m triples.
func dayPs(d kintai.Date, spec ...any) []punch.Punch {
	var out []punch.Punch
	for i := 0; i < len(spec); i += 3 {
		out = append(out, dayPunch(int64(len(out)+1), d, spec[i].(punch.Kind), spec[i+1].(int), spec[i+2].(int), 0))
	}
	return out
}

// dayPlanned returns the DayInput of d on pattern p with ds, planned with
// dayHolidays.
func dayPlanned(t testing.TB, p Pattern, d kintai.Date, ds *DayShift) DayInput {
	t.Helper()
	kind, sh, err := Plan(p, d, ds, dayHolidays, DefaultSettings(), dayTokyo)
	if err != nil {
		t.Fatalf("Plan(%v) error = %v", d, err)
	}
	return DayInput{Date: d, Kind: kind, Shift: sh}
}

// daySeg is a Segment as the tests write it: start as "15:04" in Tokyo
// ("+1 05:00" for the next day).
type daySeg struct {
	At       string
	Min      int
	Class    OvertimeClass
	Night    bool
	Counts60 bool
	Band100  bool
}

// dayFigures are the parts of a DayResult the tests compare.
type dayFigures struct {
	Kind                                                       DayKind
	Scheduled, Worked, Regular, Late, Early, Break, BreakAdded int
	Overtime, Band100, Night, NightRegular, HolidayPay         int
	Leave, UnpaidLeave, Absence                                int
	LeaveByCategory                                            map[string]int
	FirstIn, LastOut                                           string
	Segments                                                   []daySeg
	Exceptions, Warnings                                       []string
	Telework, Special                                          bool
}

func dayClock(d kintai.Date, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	l := t.In(dayTokyo)
	if days := kintai.DateOf(l, dayTokyo); days != d {
		return fmt.Sprintf("%s %s", days.String()[5:], l.Format("15:04"))
	}
	return l.Format("15:04")
}

func dayFiguresOf(r DayResult) dayFigures {
	f := dayFigures{
		Kind: r.Kind, Scheduled: r.ScheduledMin, Worked: r.WorkedMin, Regular: r.RegularMin, Late: r.LateMin, Early: r.EarlyMin,
		Break: r.BreakMin, BreakAdded: r.BreakAddedMin, Overtime: r.OvertimeMin, Band100: r.Band100Min, Night: r.NightMin,
		NightRegular: r.NightRegularMin, HolidayPay: r.HolidayPayMin, Leave: r.LeaveMin, UnpaidLeave: r.UnpaidLeaveMin,
		LeaveByCategory: r.LeaveByCategory, Absence: r.AbsenceMin, FirstIn: dayClock(r.Date, r.FirstIn), LastOut: dayClock(r.Date, r.LastOut),
		Telework: r.Telework, Special: r.Special,
	}
	for _, s := range r.Segments {
		f.Segments = append(f.Segments, daySeg{dayClock(r.Date, s.Start), s.Min, s.Class, s.Night, s.Counts60, s.Band100})
	}
	for _, e := range r.Exceptions {
		f.Exceptions = append(f.Exceptions, e.Code)
	}
	for _, w := range r.Warnings {
		f.Warnings = append(f.Warnings, w.Code)
		if w.Message == "" || w.MessageEn == "" || w.Date != r.Date {
			f.Warnings = append(f.Warnings, "bad warning: "+fmt.Sprintf("%+v", w))
		}
	}
	return f
}

// dayCheckSums checks identities every result must satisfy.
func dayCheckSums(t *testing.T, r DayResult) {
	t.Helper()
	if r.RegularMin+r.OvertimeMin != r.WorkedMin {
		t.Errorf("%v: regular %d + overtime %d != worked %d", r.Date, r.RegularMin, r.OvertimeMin, r.WorkedMin)
	}
	sum := 0
	for _, s := range r.Segments {
		sum += s.Min
	}
	if sum != r.OvertimeMin {
		t.Errorf("%v: segments total %d, want overtime %d", r.Date, sum, r.OvertimeMin)
	}
	for i := 1; i < len(r.Segments); i++ {
		if !r.Segments[i-1].Start.Before(r.Segments[i].Start) {
			t.Errorf("%v: segments out of order: %+v", r.Date, r.Segments)
		}
	}
	if r.Kind == Workday && r.RegularMin+r.LeaveMin+r.UnpaidLeaveMin+r.AbsenceMin > r.ScheduledMin {
		t.Errorf("%v: regular %d + leave %d + unpaid %d + absence %d > scheduled %d", r.Date, r.RegularMin, r.LeaveMin, r.UnpaidLeaveMin, r.AbsenceMin, r.ScheduledMin)
	}
}

func TestComputeDay(t *testing.T) {
	fixed := dayFixedPattern()
	shiftP := Pattern{Name: "パート", Kind: PatternShift, PartTime: true}
	pt := &DayShift{Hours: Span{dayHM(9, 0), dayHM(15, 45)}, Breaks: []Span{{dayHM(12, 0), dayHM(12, 45)}}}   // 6h00m
	six := &DayShift{Hours: Span{dayHM(9, 0), dayHM(15, 0)}}                                                  // 6h00m, no break
	night := &DayShift{Hours: Span{dayHM(22, 0), dayHM(31, 0)}, Breaks: []Span{{dayHM(29, 0), dayHM(30, 0)}}} // 22:00–07:00, break 05:00–06:00
	flexDay := &DayShift{Hours: Span{dayHM(8, 0), dayHM(17, 0)}, Breaks: []Span{{dayHM(12, 0), dayHM(13, 0)}}}
	showa, yearEnd := kintai.NewDate(2025, 4, 29), kintai.NewDate(2025, 12, 29)
	tue := dayTue
	const (
		in   = punch.ClockIn
		out  = punch.ClockOut
		bs   = punch.BreakStart
		be   = punch.BreakEnd
		gout = punch.GoOut
		ret  = punch.Return
	)
	work, rest := ClassWorkday, ClassRest
	yame := func(s *Settings) { s.BreakBeforeOvertimeMin = 30 }

	tests := []struct {
		name     string
		in       DayInput
		settings func(*Settings)
		asOf     time.Time // zero: long after the day
		want     dayFigures
	}{
		{"fixed day on time", dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, in, 8, 30, out, 17, 15)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 465, Regular: 465, Break: 60, FirstIn: "08:30", LastOut: "17:15"}},
		{"seconds are dropped from punches", dayWith(dayPlanned(t, fixed, tue, nil), []punch.Punch{dayPunch(1, tue, in, 8, 29, 59), dayPunch(2, tue, out, 17, 15, 59)}), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 466, Regular: 465, Break: 60, Overtime: 1, FirstIn: "08:29", LastOut: "17:15",
				Segments: []daySeg{{"08:29", 1, work, false, true, false}}}},
		{"early arrival and late leave are overtime", dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, in, 8, 25, out, 17, 20)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 475, Regular: 465, Break: 60, Overtime: 10, FirstIn: "08:25", LastOut: "17:20",
				Segments: []daySeg{{"08:25", 5, work, false, true, false}, {"17:15", 5, work, false, true, false}}}},
		{"late", dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, in, 9, 0, out, 17, 15)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 435, Regular: 435, Late: 30, Absence: 30, Break: 60, FirstIn: "09:00", LastOut: "17:15"}},
		{"early leave", dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, in, 8, 30, out, 16, 0)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 390, Regular: 390, Early: 75, Absence: 75, Break: 60, FirstIn: "08:30", LastOut: "16:00"}},
		{"absent all day", dayPlanned(t, fixed, tue, nil), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Absence: 465}},
		{"annual leave by the hour", dayWithLeave(dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, in, 10, 30, out, 17, 15)),
			Leave{Interval{dayJST(tue, 8, 30), dayJST(tue, 10, 30)}, "annual", true, "annual"}), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 345, Regular: 345, Leave: 120, LeaveByCategory: map[string]int{"annual": 120}, Break: 60, FirstIn: "10:30", LastOut: "17:15"}},
		{"unpaid leave in the afternoon, paid leave over lunch counts only regular hours", dayWithLeave(dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, in, 8, 30, out, 11, 30)),
			Leave{Interval{dayJST(tue, 13, 0), dayJST(tue, 18, 0)}, "unpaid", false, "other"}, Leave{Interval{dayJST(tue, 11, 30), dayJST(tue, 13, 30)}, "annual", true, "annual"}), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 180, Regular: 180, Leave: 60, UnpaidLeave: 225, LeaveByCategory: map[string]int{"annual": 60, "other": 225}, FirstIn: "08:30", LastOut: "11:30"}},
		{"forgotten clock-out: nothing invented", dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, in, 8, 30, bs, 12, 0, be, 13, 0)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Absence: 465, Exceptions: []string{punch.MissingClockOut}}},
		{"clocked in, day still running", dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, in, 8, 40)), nil, dayJST(tue, 15, 0),
			dayFigures{Kind: Workday, Scheduled: 465, Late: 10, Absence: 10}},
		{"not clocked in yet at 10:00", dayPlanned(t, fixed, tue, nil), nil, dayJST(tue, 10, 0),
			dayFigures{Kind: Workday, Scheduled: 465, Absence: 90}},
		{"the day is over at 05:00 the next morning", dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, in, 8, 30)), nil, dayJST(tue, 29, 0),
			dayFigures{Kind: Workday, Scheduled: 465, Absence: 465, Exceptions: []string{punch.MissingClockOut}}},
		{"double clock-in keeps the first", dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, in, 8, 30, in, 9, 0, out, 17, 15)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 465, Regular: 465, Break: 60, FirstIn: "08:30", LastOut: "17:15",
				Exceptions: []string{punch.DoubleClockIn}}},
		{"clock-out without clock-in counts nothing", dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, out, 17, 15)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Absence: 465, Exceptions: []string{punch.ClockOutWithoutIn}}},
		{"break not ended counts no break", dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, in, 8, 30, bs, 15, 0, out, 17, 15)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 465, Regular: 465, Break: 60, FirstIn: "08:30", LastOut: "17:15",
				Exceptions: []string{punch.BreakNotEnded}}},
		{"private go-out in regular hours is absence", dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, in, 8, 30, gout, 15, 0, ret, 15, 30, out, 17, 15)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 435, Regular: 435, Absence: 30, Break: 60, FirstIn: "08:30", LastOut: "17:15"}},
		{"punched lunch inside the fixed break counts once", dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, in, 8, 30, bs, 12, 0, be, 13, 10, out, 17, 15)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 455, Regular: 455, Absence: 10, Break: 70, FirstIn: "08:30", LastOut: "17:15"}},
		{"split shift", dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, in, 8, 30, out, 11, 0, in, 14, 0, out, 19, 0)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 450, Regular: 345, Absence: 120, Overtime: 105, FirstIn: "08:30", LastOut: "19:00",
				Segments: []daySeg{{"17:15", 105, work, false, true, false}}}},
		{"weekday past midnight", dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, in, 8, 30, out, 25, 30)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 960, Regular: 465, Break: 60, Overtime: 495, Night: 210, FirstIn: "08:30", LastOut: "04-09 01:30",
				Segments: []daySeg{{"17:15", 285, work, false, true, false}, {"22:00", 210, work, true, true, false}}}},
		{"TC-NIGHT-01 night shift 22:00-07:00", dayWith(dayPlanned(t, shiftP, tue, night), dayPs(tue, in, 22, 0, out, 31, 0)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 480, Worked: 480, Regular: 480, Break: 60, Night: 420, NightRegular: 420, FirstIn: "22:00", LastOut: "04-09 07:00"}},
		{"night shift with punches after midnight", dayWith(dayPlanned(t, shiftP, tue, night), dayPs(tue, in, 21, 50, bs, 26, 0, be, 26, 30, out, 31, 30)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 480, Worked: 490, Regular: 450, Absence: 30, Break: 90, Overtime: 40, Night: 390, NightRegular: 390,
				FirstIn: "21:50", LastOut: "04-09 07:30",
				Segments: []daySeg{{"21:50", 10, work, false, true, false}, {"04-09 07:00", 30, work, false, true, false}}}},
		{"night shift is not over at 10:59 the next morning", dayWith(dayPlanned(t, shiftP, tue, night), dayPs(tue, in, 22, 0)), nil, dayJST(tue, 34, 59),
			dayFigures{Kind: Workday, Scheduled: 480}},
		{"night shift is over at 11:00 the next morning", dayWith(dayPlanned(t, shiftP, tue, night), dayPs(tue, in, 22, 0)), nil, dayJST(tue, 35, 0),
			dayFigures{Kind: Workday, Scheduled: 480, Absence: 480, Exceptions: []string{punch.MissingClockOut}}},
		{"Saturday work", dayWith(dayPlanned(t, fixed, daySat, nil), dayPs(daySat, in, 9, 0, out, 12, 0)), nil, time.Time{},
			dayFigures{Kind: RestDay, Worked: 180, Overtime: 180, FirstIn: "09:00", LastOut: "12:00",
				Segments: []daySeg{{"09:00", 180, rest, false, true, false}}}},
		{"Sunday work", dayWith(dayPlanned(t, fixed, daySun, nil), dayPs(daySun, in, 9, 0, out, 12, 0)), nil, time.Time{},
			dayFigures{Kind: DesignatedRestDay, Worked: 180, Overtime: 180, FirstIn: "09:00", LastOut: "12:00",
				Segments: []daySeg{{"09:00", 180, rest, false, false, false}}}},
		{"Sunday work into the night", dayWith(dayPlanned(t, fixed, daySun, nil), dayPs(daySun, in, 18, 0, bs, 21, 0, be, 21, 45, out, 23, 0)), nil, time.Time{},
			dayFigures{Kind: DesignatedRestDay, Worked: 255, Overtime: 255, Night: 60, Break: 45, FirstIn: "18:00", LastOut: "23:00",
				Segments: []daySeg{{"18:00", 180, rest, false, false, false}, {"21:45", 15, rest, false, false, false}, {"22:00", 60, rest, true, false, false}}}},
		{"祝日 worked inside regular hours", dayWith(dayPlanned(t, fixed, showa, nil), dayPs(showa, in, 8, 30, out, 17, 15)), nil, time.Time{},
			dayFigures{Kind: Holiday, Scheduled: 465, Worked: 465, Regular: 465, HolidayPay: 465, Break: 60, FirstIn: "08:30", LastOut: "17:15"}},
		{"祝日 worked beyond regular hours", dayWith(dayPlanned(t, fixed, showa, nil), dayPs(showa, in, 8, 30, out, 19, 15)), nil, time.Time{},
			dayFigures{Kind: Holiday, Scheduled: 465, Worked: 585, Regular: 465, HolidayPay: 465, Break: 60, Overtime: 120, FirstIn: "08:30", LastOut: "19:15",
				Segments: []daySeg{{"17:15", 120, rest, false, true, false}}}},
		{"祝日 worked with a 代休日 designated: no 休日給", dayDaikyu(dayWith(dayPlanned(t, fixed, showa, nil), dayPs(showa, in, 8, 30, out, 17, 15))), nil, time.Time{},
			dayFigures{Kind: Holiday, Scheduled: 465, Worked: 465, Regular: 465, Break: 60, FirstIn: "08:30", LastOut: "17:15"}},
		{"a shift pattern's day with no shift set and punches", dayUnallotted(dayWith(dayPlanned(t, shiftP, tue, nil), dayPs(tue, in, 9, 0, out, 15, 0))), nil, time.Time{},
			dayFigures{Kind: RestDay, Worked: 360, Overtime: 360, FirstIn: "09:00", LastOut: "15:00",
				Segments: []daySeg{{"09:00", 360, rest, false, true, false}}, Exceptions: []string{punch.NoShiftSet}}},
		{"a shift pattern's day with no shift set and no punches", dayUnallotted(dayPlanned(t, shiftP, tue, nil)), nil, time.Time{},
			dayFigures{Kind: RestDay}},
		{"祝日 not worked is no absence", dayPlanned(t, fixed, showa, nil), nil, time.Time{},
			dayFigures{Kind: Holiday, Scheduled: 465}},
		{"年末年始 afternoon", dayWith(dayPlanned(t, fixed, yearEnd, nil), dayPs(yearEnd, in, 13, 0, out, 17, 15)), nil, time.Time{},
			dayFigures{Kind: YearEnd, Scheduled: 465, Worked: 255, Regular: 255, HolidayPay: 255, FirstIn: "13:00", LastOut: "17:15"}},
		{"leave on a 祝日 is not counted", dayWithLeave(dayPlanned(t, fixed, showa, nil), Leave{Interval{dayJST(showa, 8, 30), dayJST(showa, 17, 15)}, "annual", true, "annual"}), nil, time.Time{},
			dayFigures{Kind: Holiday, Scheduled: 465, Warnings: []string{WarnLeaveOnDayOff}}},
		{"staggered 7:30-16:15", dayWith(dayPlanned(t, dayStaggeredPattern(), tue, &DayShift{Hours: Span{dayHM(7, 30), dayHM(16, 15)}}), dayPs(tue, in, 7, 25, out, 16, 15)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 470, Regular: 465, Break: 60, Overtime: 5, FirstIn: "07:25", LastOut: "16:15",
				Segments: []daySeg{{"07:25", 5, work, false, true, false}}}},
		{"staggered 7:30 start judged late from 7:30", dayWith(dayPlanned(t, dayStaggeredPattern(), tue, &DayShift{Hours: Span{dayHM(7, 30), dayHM(16, 15)}}), dayPs(tue, in, 8, 30, out, 16, 15)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 405, Regular: 405, Late: 60, Absence: 60, Break: 60, FirstIn: "08:30", LastOut: "16:15"}},
		{"flex day judged on core", dayWith(dayPlanned(t, dayFlexPattern(), tue, flexDay), dayPs(tue, in, 10, 20, out, 19, 0)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 480, Worked: 460, Regular: 460, Late: 20, Absence: 20, Break: 60, FirstIn: "10:20", LastOut: "19:00"}},
		{"flex day arriving before core is not late", dayWith(dayPlanned(t, dayFlexPattern(), tue, flexDay), dayPs(tue, in, 9, 30, out, 18, 30)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 480, Worked: 480, Regular: 480, Break: 60, FirstIn: "09:30", LastOut: "18:30"}},
		{"flex day leaving inside core", dayWith(dayPlanned(t, dayFlexPattern(), tue, flexDay), dayPs(tue, in, 8, 0, out, 13, 30)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 480, Worked: 270, Regular: 270, Early: 30, Absence: 210, Break: 60, FirstIn: "08:00", LastOut: "13:30"}},
		{"flex day beyond the allotment and the band", dayWith(dayPlanned(t, dayFlexPattern(), tue, flexDay), dayPs(tue, in, 8, 0, out, 23, 0)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 480, Worked: 840, Regular: 480, Break: 60, Overtime: 360, Night: 60, FirstIn: "08:00", LastOut: "23:00",
				Segments: []daySeg{{"17:00", 300, work, false, true, false}, {"22:00", 60, work, true, true, false}}}},
		{"flex day not over has no absence yet", dayWith(dayPlanned(t, dayFlexPattern(), tue, flexDay), dayPs(tue, in, 8, 0, out, 11, 0)), nil, dayJST(tue, 12, 0),
			dayFigures{Kind: Workday, Scheduled: 480, Worked: 180, Regular: 180, Early: 60, FirstIn: "08:00", LastOut: "11:00"}},
		{"TC-PT-01 part-timer band", dayPartTime(dayWith(dayPlanned(t, shiftP, tue, pt), dayPs(tue, in, 9, 0, out, 17, 45))), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 360, Worked: 480, Regular: 360, Break: 45, Overtime: 120, Band100: 105, FirstIn: "09:00", LastOut: "17:45",
				Segments: []daySeg{{"15:45", 105, work, false, true, true}, {"17:30", 15, work, false, true, false}}}},
		{"TC-PT-01 band switched off", dayPartTime(dayWith(dayPlanned(t, shiftP, tue, pt), dayPs(tue, in, 9, 0, out, 17, 45))), func(s *Settings) { s.BandEnabled = false }, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 360, Worked: 480, Regular: 360, Break: 45, Overtime: 120, FirstIn: "09:00", LastOut: "17:45",
				Segments: []daySeg{{"15:45", 120, work, false, true, false}}}},
		{"part-timer on Sunday gets no band (法定休日)", dayPartTime(dayWith(dayPlanned(t, shiftP, daySun, nil), dayPs(daySun, in, 9, 0, out, 12, 0))), nil, time.Time{},
			dayFigures{Kind: DesignatedRestDay, Worked: 180, Overtime: 180, FirstIn: "09:00", LastOut: "12:00",
				Segments: []daySeg{{"09:00", 180, rest, false, false, false}}}},
		{"part-timer on Saturday is in the band", dayPartTime(dayWith(dayPlanned(t, shiftP, daySat, nil), dayPs(daySat, in, 9, 0, out, 12, 0))), nil, time.Time{},
			dayFigures{Kind: RestDay, Worked: 180, Overtime: 180, Band100: 180, FirstIn: "09:00", LastOut: "12:00",
				Segments: []daySeg{{"09:00", 180, rest, false, true, true}}}},
		{"TC-BRK-01 6h00m needs no break", dayWith(dayPlanned(t, shiftP, tue, six), dayPs(tue, in, 9, 0, out, 15, 0)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 360, Worked: 360, Regular: 360, FirstIn: "09:00", LastOut: "15:00"}},
		{"TC-BRK-02 6h01m needs 45 min, taken as the last minutes", dayWith(dayPlanned(t, shiftP, tue, six), dayPs(tue, in, 9, 0, out, 15, 1)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 360, Worked: 316, Regular: 316, Break: 45, BreakAdded: 45, FirstIn: "09:00", LastOut: "15:01",
				Warnings: []string{WarnBreakFloor}}},
		{"TC-BRK-03 8h00m needs 45 min, from 6 h of work", dayWith(dayPlanned(t, fixed, daySat, nil), dayPs(daySat, in, 9, 0, out, 17, 0)), nil, time.Time{},
			dayFigures{Kind: RestDay, Worked: 435, Break: 45, BreakAdded: 45, Overtime: 435, FirstIn: "09:00", LastOut: "17:00",
				Segments: []daySeg{{"09:00", 360, rest, false, true, false}, {"15:45", 75, rest, false, true, false}}, Warnings: []string{WarnBreakFloor}}},
		{"TC-BRK-03 8h00m with 45 min taken", dayWith(dayPlanned(t, fixed, daySat, nil), dayPs(daySat, in, 9, 0, bs, 12, 0, be, 12, 45, out, 17, 45)), nil, time.Time{},
			dayFigures{Kind: RestDay, Worked: 480, Break: 45, Overtime: 480, FirstIn: "09:00", LastOut: "17:45",
				Segments: []daySeg{{"09:00", 180, rest, false, true, false}, {"12:45", 300, rest, false, true, false}}}},
		{"TC-BRK-04 8h01m needs 60 min", dayWith(dayPlanned(t, fixed, daySat, nil), dayPs(daySat, in, 9, 0, out, 17, 1)), nil, time.Time{},
			dayFigures{Kind: RestDay, Worked: 421, Break: 60, BreakAdded: 60, Overtime: 421, FirstIn: "09:00", LastOut: "17:01",
				Segments: []daySeg{{"09:00", 360, rest, false, true, false}, {"16:00", 61, rest, false, true, false}}, Warnings: []string{WarnBreakFloor}}},
		{"TC-BRK-04 8h01m with 45 min taken adds 15", dayWith(dayPlanned(t, fixed, daySat, nil), dayPs(daySat, in, 9, 0, bs, 12, 0, be, 12, 45, out, 17, 46)), nil, time.Time{},
			dayFigures{Kind: RestDay, Worked: 466, Break: 60, BreakAdded: 15, Overtime: 466, FirstIn: "09:00", LastOut: "17:46",
				Segments: []daySeg{{"09:00", 180, rest, false, true, false}, {"12:45", 180, rest, false, true, false}, {"16:00", 106, rest, false, true, false}},
				Warnings: []string{WarnBreakFloor}}},
		{"a gap between sessions is rest for the floor", dayWith(dayPlanned(t, fixed, daySat, nil), dayPs(daySat, in, 8, 0, out, 12, 0, in, 13, 0, out, 18, 0)), nil, time.Time{},
			dayFigures{Kind: RestDay, Worked: 540, Overtime: 540, FirstIn: "08:00", LastOut: "18:00",
				Segments: []daySeg{{"08:00", 240, rest, false, true, false}, {"13:00", 300, rest, false, true, false}}}},
		{"TC-BRK-05 overtime to 21:00", dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, in, 8, 30, out, 21, 0)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 690, Regular: 465, Break: 60, Overtime: 225, FirstIn: "08:30", LastOut: "21:00",
				Segments: []daySeg{{"17:15", 225, work, false, true, false}}}},
		{"TC-BRK-05 八女市 break before overtime", dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, in, 8, 30, out, 21, 0)), yame, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 660, Regular: 465, Break: 90, BreakAdded: 30, Overtime: 195, FirstIn: "08:30", LastOut: "21:00",
				Segments: []daySeg{{"17:45", 195, work, false, true, false}}}},
		{"八女市 break not taken when leaving on time", dayWith(dayPlanned(t, fixed, tue, nil), dayPs(tue, in, 8, 30, out, 17, 15)), yame, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 465, Regular: 465, Break: 60, FirstIn: "08:30", LastOut: "17:15"}},
		{"floor break inside regular hours is not absence", dayWith(dayPlanned(t, shiftP, tue, &DayShift{Hours: Span{dayHM(8, 30), dayHM(17, 15)}}), dayPs(tue, in, 8, 30, out, 17, 15)), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 525, Worked: 465, Regular: 465, Break: 60, BreakAdded: 60, FirstIn: "08:30", LastOut: "17:15",
				Warnings: []string{WarnBreakFloor}}},
		{"workday without a shift", dayWith(DayInput{Date: tue, Kind: Workday}, dayPs(tue, in, 9, 0, out, 10, 0)), nil, time.Time{},
			dayFigures{Kind: Workday, Worked: 60, Overtime: 60, FirstIn: "09:00", LastOut: "10:00",
				Segments: []daySeg{{"09:00", 60, work, false, true, false}}, Warnings: []string{WarnNoShift}}},
		{"shift on a rest day is not used", dayWith(DayInput{Date: daySat, Kind: RestDay, Shift: dayPlanned(t, fixed, tue, nil).Shift}, nil), nil, time.Time{},
			dayFigures{Kind: RestDay, Warnings: []string{WarnShiftOnRestDay}}},
		{"telework and special are copied", DayInput{Date: daySat, Kind: RestDay, Telework: true, Special: true}, nil, time.Time{},
			dayFigures{Kind: RestDay, Telework: true, Special: true}},
		{"other staff and other days are ignored", dayWith(dayPlanned(t, fixed, tue, nil), append(dayPs(tue, in, 8, 30, out, 17, 15),
			func() punch.Punch { p := dayPunch(9, tue, out, 12, 0, 0); p.StaffID = 99; return p }(),
			func() punch.Punch { p := dayPunch(10, tue, out, 12, 0, 0); p.BusinessDay = daySat; return p }())), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 465, Regular: 465, Break: 60, FirstIn: "08:30", LastOut: "17:15"}},
		{"a correction replaces the punch it corrects", dayWith(dayPlanned(t, fixed, tue, nil), append(dayPs(tue, in, 8, 30, out, 16, 0),
			func() punch.Punch { p := dayPunch(3, tue, out, 17, 15, 0); p.CorrectsID = 2; return p }())), nil, time.Time{},
			dayFigures{Kind: Workday, Scheduled: 465, Worked: 465, Regular: 465, Break: 60, FirstIn: "08:30", LastOut: "17:15"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := DefaultSettings()
			if tt.settings != nil {
				tt.settings(&s)
			}
			asOf := tt.asOf
			if asOf.IsZero() {
				asOf = dayJST(tt.in.Date, 24*10, 0)
			}
			r := ComputeDay(s, tt.in, dayStaff, dayTokyo, asOf)
			if diff := cmp.Diff(tt.want, dayFiguresOf(r)); diff != "" {
				t.Errorf("ComputeDay(%v) mismatch (-want +got):\n%s", tt.in.Date, diff)
			}
			if r.Date != tt.in.Date {
				t.Errorf("ComputeDay(%v).Date = %v", tt.in.Date, r.Date)
			}
			dayCheckSums(t, r)
		})
	}
}

// dayWith returns in with punches.
func dayWith(in DayInput, punches []punch.Punch) DayInput {
	in.Punches = punches
	return in
}

// dayWithLeave returns in with leave.
func dayWithLeave(in DayInput, l ...Leave) DayInput {
	in.Leave = l
	return in
}

// dayPartTime returns in for a part-timer.
func dayDaikyu(in DayInput) DayInput {
	in.Daikyu = true
	return in
}

func dayUnallotted(in DayInput) DayInput {
	in.Unallotted = true
	return in
}

func dayPartTime(in DayInput) DayInput {
	in.PartTime = true
	return in
}

func TestComputeDaysWeeklyBand(t *testing.T) {
	shiftP := Pattern{Name: "パート", Kind: PatternShift, PartTime: true}
	pt := &DayShift{Hours: Span{dayHM(9, 0), dayHM(15, 45)}, Breaks: []Span{{dayHM(12, 0), dayHM(12, 45)}}} // 6h00m
	const in, out = punch.ClockIn, punch.ClockOut
	var days []DayInput
	// Sunday 1 h (法定休日: counts for the week, never in the band), Monday
	// to Friday 8 h each, Saturday 1 h, then the next Sunday and Monday.
	for i := range 9 {
		d := daySun.AddDays(i)
		var ps []punch.Punch
		var ds *DayShift
		switch d.Weekday() {
		case time.Sunday, time.Saturday:
			ps = dayPs(d, in, 9, 0, out, 10, 0)
		default:
			ds, ps = pt, dayPs(d, in, 9, 0, out, 17, 45)
		}
		days = append(days, dayPartTime(dayWith(dayPlanned(t, shiftP, d, ds), ps)))
	}
	got := ComputeDays(DefaultSettings(), days, dayStaff, dayTokyo, dayJST(daySun, 24*30, 0))
	// Before Friday the week has 60 + 4 × 465 = 1920 minutes, leaving 405
	// in the band: Friday's 360 regular minutes and 45 of overtime.
	band := func(day kintai.Date, h, m, min int) daySeg {
		return daySeg{dayClock(day, dayJST(day, h, m)), min, ClassWorkday, false, true, true}
	}
	prem := func(day kintai.Date, h, m, min int) daySeg {
		return daySeg{dayClock(day, dayJST(day, h, m)), min, ClassWorkday, false, true, false}
	}
	want := [][]daySeg{
		{{"09:00", 60, ClassRest, false, false, false}},
		{band(dayMon, 15, 45, 105), prem(dayMon, 17, 30, 15)},
		{band(dayTue, 15, 45, 105), prem(dayTue, 17, 30, 15)},
		{band(dayTue.AddDays(1), 15, 45, 105), prem(dayTue.AddDays(1), 17, 30, 15)},
		{band(dayTue.AddDays(2), 15, 45, 105), prem(dayTue.AddDays(2), 17, 30, 15)},
		{band(dayFri, 15, 45, 45), prem(dayFri, 16, 30, 75)}, // crosses 38h45m at 16:30
		{{"09:00", 60, ClassRest, false, true, false}},       // the week is full
		{{"09:00", 60, ClassRest, false, false, false}},      // a new week
		{band(dayMon.AddDays(7), 15, 45, 105), prem(dayMon.AddDays(7), 17, 30, 15)},
	}
	if len(got) != len(want) {
		t.Fatalf("ComputeDays returned %d days, want %d", len(got), len(want))
	}
	for i, r := range got {
		if r.Date != days[i].Date {
			t.Errorf("ComputeDays day %d = %v, want %v", i, r.Date, days[i].Date)
		}
		if diff := cmp.Diff(want[i], dayFiguresOf(r).Segments); diff != "" {
			t.Errorf("ComputeDays %v (%v) segments mismatch (-want +got):\n%s", r.Date, r.Date.Weekday(), diff)
		}
		dayCheckSums(t, r)
	}
	// The same Friday alone does not see the week.
	fri := ComputeDay(DefaultSettings(), days[5], dayStaff, dayTokyo, dayJST(daySun, 24*30, 0))
	if fri.Band100Min != 105 {
		t.Errorf("ComputeDay(%v).Band100Min = %d, want 105", fri.Date, fri.Band100Min)
	}
}

func TestComputeDaysWeekStart(t *testing.T) {
	shiftP := Pattern{Name: "パート", Kind: PatternShift, PartTime: true}
	short := &DayShift{Hours: Span{dayHM(9, 0), dayHM(10, 0)}}
	s := DefaultSettings()
	s.WeekStart = time.Wednesday
	s.BandWeekMin = 3 * 60
	// Monday to Thursday, each 1 h regular and 1 h overtime; weeks start on
	// Wednesday and hold 3 h of band.
	var days []DayInput
	for i := range 4 {
		d := dayMon.AddDays(i)
		days = append(days, dayPartTime(dayWith(dayPlanned(t, shiftP, d, short), dayPs(d, punch.ClockIn, 9, 0, punch.ClockOut, 11, 0))))
	}
	got := ComputeDays(s, days, dayStaff, dayTokyo, dayJST(dayMon, 24*30, 0))
	// Monday: week 0 → 2 h; Tuesday: week 2 h, band ends at 10:00 in
	// regular hours; Wednesday starts a week; Thursday as Tuesday.
	wantBand := []int{60, 0, 60, 0}
	for i, r := range got {
		if r.Band100Min != wantBand[i] {
			t.Errorf("ComputeDays %v (%v).Band100Min = %d, want %d", r.Date, r.Date.Weekday(), r.Band100Min, wantBand[i])
		}
	}
}

// TestDayTimes checks the set operations against a minute-by-minute model.
func TestDayTimes(t *testing.T) {
	base := dayJST(dayTue, 0, 0)
	const n = 40
	toSet := func(bits [n]bool) dayTimes {
		var ivs []Interval
		for i := 0; i < n; i++ {
			if bits[i] {
				ivs = append(ivs, Interval{base.Add(time.Duration(i) * time.Minute), base.Add(time.Duration(i+1) * time.Minute)})
			}
		}
		return dayNorm(ivs...)
	}
	toBits := func(s dayTimes) (bits [n]bool) {
		for _, iv := range s {
			for m := iv.Start; m.Before(iv.End); m = m.Add(time.Minute) {
				bits[int(m.Sub(base)/time.Minute)] = true
			}
		}
		return bits
	}
	valid := func(s dayTimes) bool {
		for i, iv := range s {
			if !iv.End.After(iv.Start) || i > 0 && !iv.Start.After(s[i-1].End) {
				return false
			}
		}
		return true
	}
	seed := uint64(1)
	rnd := func() bool {
		seed = seed*6364136223846793005 + 1442695040888963407
		return seed>>62 == 0 // about a quarter of minutes set, in runs
	}
	for round := range 500 {
		var a, b [n]bool
		for i := range n {
			a[i], b[i] = rnd() || i > 0 && a[i-1] && rnd(), rnd() || i > 0 && b[i-1] && !rnd()
		}
		sa, sb := toSet(a), toSet(b)
		var wantOr, wantAnd, wantMinus [n]bool
		count := 0
		for i := range n {
			wantOr[i], wantAnd[i], wantMinus[i] = a[i] || b[i], a[i] && b[i], a[i] && !b[i]
			if a[i] {
				count++
			}
		}
		for name, c := range map[string]struct {
			got  dayTimes
			want [n]bool
		}{"or": {sa.or(sb), wantOr}, "and": {sa.and(sb), wantAnd}, "minus": {sa.minus(sb), wantMinus}} {
			if !valid(c.got) || toBits(c.got) != c.want {
				t.Fatalf("round %d: %v.%s(%v) = %v, want %v", round, a, name, b, toBits(c.got), c.want)
			}
		}
		if sa.minutes() != count {
			t.Fatalf("round %d: minutes() = %d, want %d", round, sa.minutes(), count)
		}
		k := round % (n + 2)
		head, tail := sa.firstN(k)
		if !valid(head) || !valid(tail) || head.minutes() != min(k, count) || toBits(head.or(tail)) != a || len(head.and(tail)) != 0 ||
			len(head) > 0 && len(tail) > 0 && head[len(head)-1].End.After(tail[0].Start) {
			t.Fatalf("round %d: firstN(%d) of %v = %v, %v", round, k, a, head, tail)
		}
	}
}

// BenchmarkComputeDays computes one staff-month: 30 days, 4 punches a day.
func BenchmarkComputeDays(b *testing.B) {
	s := DefaultSettings()
	p := dayFixedPattern()
	start := kintai.NewDate(2025, 6, 1)
	days := make([]DayInput, 30)
	for i := range days {
		d := start.AddDays(i)
		days[i] = dayWith(dayPlanned(b, p, d, nil), dayPs(d, punch.ClockIn, 8, 25+i%7, punch.BreakStart, 12, 0, punch.BreakEnd, 12, 55, punch.ClockOut, 17, 15+i*7%180))
	}
	asOf := dayJST(start, 24*40, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ComputeDays(s, days, dayStaff, dayTokyo, asOf)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "staff-months/s")
}

func TestDayFloor(t *testing.T) {
	statutory := DefaultSettings().BreakFloor
	kinokawa := []BreakStep{{OverMin: 480, BreakMin: 60}, {OverMin: 360, BreakMin: 45}, {OverMin: 240, BreakMin: 30}} // 紀の川市, any order
	tests := []struct {
		name      string
		steps     []BreakStep
		worked    int
		req, from int
	}{
		{"TC-BRK-01 6h00m", statutory, 360, 0, 0},
		{"TC-BRK-02 6h01m", statutory, 361, 45, 360},
		{"TC-BRK-03 8h00m", statutory, 480, 45, 360},
		{"TC-BRK-04 8h01m", statutory, 481, 60, 360},
		{"no floor", nil, 900, 0, 0},
		{"紀の川市 4h00m", kinokawa, 240, 0, 0},
		{"紀の川市 4h01m", kinokawa, 241, 30, 240},
		{"紀の川市 8h01m", kinokawa, 481, 60, 240},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, from := dayFloor(tt.steps, tt.worked)
			if req != tt.req || from != tt.from {
				t.Errorf("dayFloor(%v, %d) = %d, %d, want %d, %d", tt.steps, tt.worked, req, from, tt.req, tt.from)
			}
		})
	}
}
