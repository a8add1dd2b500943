// Package rules is the work-time rules engine (勤務時間・超過勤務の計算):
// from a staff member's schedule, the day's kind in the calendar, punches,
// leave and orders to daily results, from daily results to monthly totals per
// pay category with the amounts payroll checks, and from monthly totals to
// the overtime caps and health alerts.
//
// It is pure: no SQL, no HTTP, no clock. Every figure that differs between
// entities is a field of Settings, whose defaults (DefaultSettings) are those
// documented in shared/domain/rules-jp.md. Durations are whole minutes.
package rules

import (
	"time"

	"kintai"
	"kintai/punch"
)

// Interval is a span of instants, start inclusive and end exclusive.
type Interval struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Minutes returns the length of iv in whole minutes (0 when empty).
func (iv Interval) Minutes() int {
	if !iv.End.After(iv.Start) {
		return 0
	}
	return int(iv.End.Sub(iv.Start) / time.Minute)
}

// DayKind is what the calendar and the staff member's pattern make of a day.
type DayKind string

// Day kinds.
const (
	Workday DayKind = "workday" // 勤務日: regular hours are allotted
	// RestDay is a 週休日 with no hours allotted (Saturday by default).
	// Overtime on it is paid at the 第2号 rate and counts towards 60 hours.
	RestDay DayKind = "rest"
	// DesignatedRestDay is the 週休日 excluded from the 60-hour count
	// (Settings.DesignatedRestDay, Sunday by default).
	DesignatedRestDay DayKind = "rest_designated"
	// Holiday is a 祝日法による休日 or an entity's own holiday on a day
	// that would otherwise be a working day: regular hours worked on it
	// are paid as 休日給.
	Holiday DayKind = "holiday"
	// YearEnd is a 年末年始の休日 (12/29–1/3) on a would-be working day.
	YearEnd DayKind = "year_end"
)

// Off reports whether no regular work is expected on a day of kind k.
func (k DayKind) Off() bool { return k != Workday }

// Shift is the regular hours (正規の勤務時間) allotted on one day: the span
// and the fixed breaks inside it. Regular minutes are the span less the
// breaks.
type Shift struct {
	Start  time.Time  `json:"start"`
	End    time.Time  `json:"end"`
	Breaks []Interval `json:"breaks,omitempty"`
	// Core is the flex-time core time (コアタイム) of the day, if any:
	// absence inside it is lateness or early leave; outside it, the
	// allotted hours may move within Band.
	Core *Interval `json:"core,omitempty"`
	// Band is the flexible band (フレキシブルタイム) of a flex day; work
	// outside it is not regular time.
	Band *Interval `json:"band,omitempty"`
}

// RegularMinutes returns the minutes of regular hours in s.
func (s *Shift) RegularMinutes() int {
	if s == nil {
		return 0
	}
	m := Interval{s.Start, s.End}.Minutes()
	for _, b := range s.Breaks {
		m -= overlap(Interval{s.Start, s.End}, b)
	}
	return m
}

func overlap(a, b Interval) int {
	start, end := a.Start, a.End
	if b.Start.After(start) {
		start = b.Start
	}
	if b.End.Before(end) {
		end = b.End
	}
	return Interval{start, end}.Minutes()
}

// Leave is time off inside the regular hours of a day: 年次休暇 by the day
// or hour, 病気休暇, 特別休暇 and so on (requests come from the approval
// flow). Unpaid leave is counted apart so that payroll can deduct it.
type Leave struct {
	Interval
	Kind string `json:"kind"` // a leave type code, e.g. "annual", "sick"
	Paid bool   `json:"paid"`
	// Category is the leave's group for payroll (leave.Category: annual,
	// sick, special, summer, compensatory, overtime_comp, other).
	Category string `json:"category,omitempty"`
}

// DayInput is everything the engine needs to compute one business day.
type DayInput struct {
	Date  kintai.Date `json:"date"`
	Kind  DayKind     `json:"kind"`
	Shift *Shift      `json:"shift,omitempty"` // nil when no hours are allotted
	// PartTime makes the part-timer's 100/100 band apply (会計年度任用職員
	// part-time and 再任用短時間勤務): hours beyond the shift are paid at
	// 100 until the day reaches Settings.BandDayMin and the week
	// Settings.BandWeekMin.
	PartTime bool `json:"part_time,omitempty"`
	// Punches are the day's effective punches (corrections applied) in any
	// order; the engine sorts them.
	Punches []punch.Punch `json:"-"`
	Leave   []Leave       `json:"leave,omitempty"`
	// Telework is set when the day was worked away from the office
	// (在宅・サテライト・出張先), from punch locations or declarations.
	Telework bool `json:"telework,omitempty"`
	// Special marks hours under 特例業務 (caps lifted) for the day.
	Special bool `json:"special,omitempty"`
	// Daikyu is set on a Holiday or YearEnd day worked under an order
	// whose 代休日 is designated (勤務時間法 第15条): its regular hours are
	// made up by the day off, so they are not 休日給.
	Daikyu bool `json:"daikyu,omitempty"`
	// Unallotted is set on a day whose pattern allots hours day by day
	// (shift, flex) when none were set: punches on it are an exception
	// (NoShiftSet), not silently rest-day work.
	Unallotted bool `json:"unallotted,omitempty"`
}

// OvertimeClass is the statutory class of an overtime minute (給与法16条).
type OvertimeClass string

// Overtime classes.
const (
	// ClassWorkday is 第1号: outside regular hours on a day with hours
	// allotted (125, night 150).
	ClassWorkday OvertimeClass = "workday"
	// ClassRest is 第2号 on a 週休日 or outside regular hours on a 祝日・
	// 年末年始 (135, night 160).
	ClassRest OvertimeClass = "rest"
)

// Segment is a run of overtime minutes of one kind, in time order. The
// monthly computation walks segments chronologically to find the minutes
// beyond 60 hours.
type Segment struct {
	Start time.Time     `json:"start"`
	Min   int           `json:"min"`
	Class OvertimeClass `json:"class"`
	Night bool          `json:"night,omitempty"` // inside the night window (22:00–05:00)
	// Counts60 is false for minutes on the designated rest day, which do
	// not count towards, and are never paid at, the beyond-60 rate.
	Counts60 bool `json:"counts60"`
	// Band100 marks a part-timer's minutes inside the 100/100 band (給与法
	// 16条2項 and the municipal equivalents). They are still hours beyond
	// regular hours: they count towards the caps and towards 60 hours, and
	// beyond 60 hours they are paid at the beyond-60 rate like any other.
	Band100 bool `json:"band100,omitempty"`
}

// Warning is something about a day or month a person should look at but
// that does not change the figures.
type Warning struct {
	Code      string      `json:"code"` // stable, e.g. "short_interval", "break_floor"
	Date      kintai.Date `json:"date"`
	Message   string      `json:"message"`    // Japanese
	MessageEn string      `json:"message_en"` // English
}

// DayResult is one business day's result (日次実績).
type DayResult struct {
	Date kintai.Date `json:"date"`
	Kind DayKind     `json:"kind"`

	ScheduledMin int `json:"scheduled_min"` // regular minutes allotted
	WorkedMin    int `json:"worked_min"`    // all minutes worked, breaks excluded
	RegularMin   int `json:"regular_min"`   // worked minutes inside regular hours
	LateMin      int `json:"late_min"`      // 遅刻
	EarlyMin     int `json:"early_min"`     // 早退
	BreakMin     int `json:"break_min"`     // breaks inside the worked span, after the floor
	// BreakAddedMin is what the 労基法34条 floor (or the break before
	// overtime) added to the breaks taken; it is not worked time.
	BreakAddedMin int `json:"break_added_min"`
	OvertimeMin   int `json:"overtime_min"` // beyond regular hours, Band100 included
	Band100Min    int `json:"band100_min"`  // part of OvertimeMin paid at 100/100
	NightMin      int `json:"night_min"`    // all worked minutes in the night window
	// NightRegularMin is regular minutes in the night window (夜勤手当).
	NightRegularMin int `json:"night_regular_min"`
	// HolidayPayMin is regular minutes worked on a Holiday or YearEnd day
	// (休日給), but on a day with a 代休日 (DayInput.Daikyu).
	HolidayPayMin  int `json:"holiday_pay_min"`
	LeaveMin       int `json:"leave_min"` // paid leave inside regular hours
	UnpaidLeaveMin int `json:"unpaid_leave_min"`
	AbsenceMin     int `json:"absence_min"` // regular minutes neither worked nor on leave (欠勤・遅刻・早退 together)

	Segments []Segment `json:"segments,omitempty"`
	// FirstIn and LastOut bound the day's work (zero when not worked);
	// the month uses them for the rest interval (勤務間インターバル).
	FirstIn  time.Time `json:"first_in,omitzero"`
	LastOut  time.Time `json:"last_out,omitzero"`
	Telework bool      `json:"telework,omitempty"`
	Special  bool      `json:"special,omitempty"`

	Exceptions []punch.Exception `json:"exceptions,omitempty"`
	Warnings   []Warning         `json:"warnings,omitempty"`
	// LeaveByCategory splits LeaveMin and UnpaidLeaveMin by
	// Leave.Category.
	LeaveByCategory map[string]int `json:"leave_by_category,omitempty"`
}
