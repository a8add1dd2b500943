package rules

import (
	"fmt"
	"slices"
	"time"

	"kintai"
	"kintai/punch"
)

// Warning codes of daily results.
const (
	// WarnBreakFloor: breaks taken were short of Settings.BreakFloor
	// (労基法34条) and the missing minutes were deducted as a break.
	WarnBreakFloor = "break_floor"
	// WarnNoShift: a Workday without a Shift; everything worked is
	// overtime.
	WarnNoShift = "no_shift"
	// WarnShiftOnRestDay: a rest day came with a Shift, which was not used.
	WarnShiftOnRestDay = "shift_on_rest_day"
	// WarnLeaveOnDayOff: leave on a day without regular hours to take it
	// from (a rest day, a holiday, a Workday without a Shift); not counted.
	WarnLeaveOnDayOff = "leave_on_day_off"
)

// DayEnd returns the instant from which business day day is over (and a
// clock-in without a clock-out becomes punch.MissingClockOut): the next
// business-day boundary, s.DayBoundaryMin after the following midnight in
// loc, or, when later, shift's end plus punch.ShiftLateGrace, the window in
// which punch.BusinessDay still gives a punch to the shift's day (a 22:00–
// 07:00 night shift is over at 11:00 the next morning). shift may be nil.
func DayEnd(s Settings, day kintai.Date, shift *Shift, loc *time.Location) time.Time {
	end := dayAt(day, dayMinutes+s.DayBoundaryMin, loc)
	if shift != nil {
		if e := shift.End.Add(punch.ShiftLateGrace); e.After(end) {
			end = e
		}
	}
	return end
}

// ComputeDay is ComputeDays for a single day. The week's earlier days are
// not seen, so the weekly part of the part-timer band counts this day only.
func ComputeDay(s Settings, in DayInput, staffID int64, loc *time.Location, asOf time.Time) DayResult {
	r, _ := dayCompute(s, &in, staffID, loc, asOf, 0)
	return r
}

// ComputeDays computes staff member staffID's daily results (日次実績), one
// per element of days, in loc (not nil). days are chronological; pass them
// from the start of the week (s.WeekStart) that holds the first day wanted,
// so that the part-timer's weekly band sees the whole week; a new week
// starts at each s.WeekStart. asOf is now: a day is over when asOf is at or
// after DayEnd, and figures of a day not yet over are provisional.
//
// Per day:
//
//   - Punches: those of staffID whose BusinessDay is the day, read in
//     punch.Sequence order as punch.Exceptions reads them (the exceptions
//     are on the result). Each punch counts from the start of its minute
//     (seconds are dropped). Worked time comes only from complete 出勤→退勤
//     sessions (a second 出勤 in a session is ignored, as is a 退勤 with no
//     session open), less 休憩開始→休憩終了 and 外出→戻り inside them;
//     nothing is invented for an unpaired punch.
//   - Breaks: the punched breaks and the Shift's fixed breaks inside a
//     session are not worked (a fixed break counts even when not punched).
//     With s.BreakBeforeOvertimeMin, worked time in that many minutes from
//     the Shift's end is a break too (八女市 17:15–17:45) when work goes on
//     after the end. Then the floor s.BreakFloor (労基法34条, strictly
//     "over") is applied to the worked minutes: rest already taken is every
//     unworked minute between the first clock-in and the last clock-out
//     (breaks, 外出, gaps between sessions, the break before overtime); the
//     minutes missing are deducted from worked time from the moment the
//     day's work reaches the lowest threshold that applies (6 h by
//     default), or as the day's last worked minutes when less work than
//     that follows it, with a WarnBreakFloor warning. BreakMin is punched
//     and fixed breaks plus BreakAddedMin (外出 and gaps are not in it).
//   - Regular minutes: worked minutes inside the Shift less its breaks. On
//     a flex day (Shift.Band set): the earliest worked minutes inside Band,
//     up to the allotment less leave, since flex hours may move within the
//     band. On Holiday and YearEnd days regular minutes are HolidayPayMin,
//     unless a 代休日 makes up for them (in.Daikyu).
//     Rest days have none.
//   - Workday only: LeaveMin and UnpaidLeaveMin are the Leave clipped to
//     regular hours (paid first where they overlap). LateMin is regular
//     minutes before the first clock-in, EarlyMin those after the last
//     clock-out (none while a session is open), AbsenceMin all regular
//     minutes not worked; none of them counts leave, deducted breaks, or,
//     before the day is over, minutes from now (or from an open clock-in)
//     on. On a flex day late and early are judged on Core only, and
//     AbsenceMin is the allotment less leave not reached by regular
//     minutes, once the day is over.
//   - Overtime: worked minutes that are not regular, in Segments in time
//     order, split at the night window (s.NightStartMin–s.NightEndMin)
//     and at the part-timer band: ClassWorkday on a Workday, ClassRest
//     otherwise; Counts60 is false on a DesignatedRestDay.
//   - Part-timer band (in.PartTime and s.BandEnabled): overtime minutes
//     are Band100 while the day's worked minutes are within s.BandDayMin
//     and the week's within s.BandWeekMin; a day adds at most BandDayMin
//     to the week, so hours over the daily limit are not counted twice.
//     Not on a DesignatedRestDay (法定休日, whose work 労基法37条 pays at a
//     premium from the first minute), whose minutes still count for the
//     week.
//   - NightMin and NightRegularMin: worked and regular minutes in the night
//     window.
func ComputeDays(s Settings, days []DayInput, staffID int64, loc *time.Location, asOf time.Time) []DayResult {
	out := make([]DayResult, len(days))
	var week kintai.Date
	weekMin := 0
	for i := range days {
		if ws := dayWeekStart(days[i].Date, s.WeekStart); ws != week {
			week, weekMin = ws, 0
		}
		var counted int
		out[i], counted = dayCompute(s, &days[i], staffID, loc, asOf, weekMin)
		weekMin += counted
	}
	return out
}

// dayWeekStart returns the first day of the week (starting on ws) that
// holds d.
func dayWeekStart(d kintai.Date, ws time.Weekday) kintai.Date {
	return d.AddDays(-((int(d.Weekday()) - int(ws) + 7) % 7))
}

// dayCompute computes one day given the minutes the week has counted
// before it, and returns the minutes the day adds to the week.
func dayCompute(s Settings, in *DayInput, staffID int64, loc *time.Location, asOf time.Time, weekMin int) (DayResult, int) {
	r := DayResult{Date: in.Date, Kind: in.Kind, Telework: in.Telework, Special: in.Special}
	warn := func(code, ja, en string) {
		r.Warnings = append(r.Warnings, Warning{Code: code, Date: in.Date, Message: ja, MessageEn: en})
	}
	kind, shift := in.Kind, in.Shift
	scheduled := kind == Workday || kind == Holiday || kind == YearEnd
	switch {
	case !scheduled && shift != nil:
		warn(WarnShiftOnRestDay, "週休日に割り振られた勤務時間は計算に使いませんでした。", "Regular hours given on a rest day were not used.")
		shift = nil
	case kind == Workday && shift == nil:
		warn(WarnNoShift, "勤務日ですが勤務時間が割り振られていません。勤務した時間はすべて超過勤務として計算しました。",
			"A working day with no regular hours: all time worked counts as overtime.")
	}
	over := !asOf.Before(DayEnd(s, in.Date, shift, loc))
	r.Exceptions = punch.Exceptions(staffID, in.Date, in.Punches, over)
	if in.Unallotted && shift == nil {
		if ids := dayPunchIDs(staffID, in.Date, in.Punches); len(ids) > 0 {
			r.Exceptions = append(r.Exceptions, punch.NoShiftException(staffID, in.Date, ids))
		}
	}
	rd := dayReadPunches(staffID, in.Date, in.Punches)

	var rsched, fixedBreaks dayTimes
	if shift != nil {
		fixedBreaks = dayNorm(shift.Breaks...)
		rsched = dayNorm(Interval{shift.Start, shift.End}).minus(fixedBreaks)
		r.ScheduledMin = rsched.minutes()
	}

	// Worked time and breaks.
	sessions := rd.sessions
	breaks := rd.breaks.or(fixedBreaks).and(sessions)
	worked := sessions.minus(breaks).minus(rd.goOuts.and(sessions))
	var added dayTimes
	if shift != nil && s.BreakBeforeOvertimeMin > 0 && len(worked.and(dayFrom(shift.End))) > 0 {
		bo := worked.and(dayNorm(Interval{shift.End, shift.End.Add(time.Duration(s.BreakBeforeOvertimeMin) * time.Minute)}))
		worked, added = worked.minus(bo), bo
	}
	if len(sessions) > 0 {
		total := worked.minutes()
		if req, threshold := dayFloor(s.BreakFloor, total); req > 0 {
			rest := dayNorm(Interval{sessions[0].Start, sessions[len(sessions)-1].End}).minus(worked).minutes()
			if missing := req - rest; missing > 0 {
				pos := max(0, min(threshold, total-missing))
				_, tail := worked.firstN(pos)
				carve, _ := tail.firstN(missing)
				worked, added = worked.minus(carve), added.or(carve)
				warn(WarnBreakFloor,
					fmt.Sprintf("休憩時間が労基法34条の基準(%d分)に足りないため、%d分を休憩として勤務時間から除きました。", req, carve.minutes()),
					fmt.Sprintf("Breaks fell short of the statutory %d minutes (労基法34条); %d minutes were deducted as a break.", req, carve.minutes()))
			}
		}
		r.FirstIn, r.LastOut = sessions[0].Start, sessions[len(sessions)-1].End
	}
	r.BreakAddedMin = added.minutes()
	r.BreakMin = breaks.minutes() + r.BreakAddedMin
	r.WorkedMin = worked.minutes()

	// Leave.
	var leave, unpaid dayTimes
	if len(in.Leave) > 0 {
		if kind == Workday && shift != nil {
			var paidIvs, unpaidIvs []Interval
			for _, l := range in.Leave {
				iv := Interval{l.Start.Truncate(time.Minute), l.End.Truncate(time.Minute)}
				if l.Paid {
					paidIvs = append(paidIvs, iv)
				} else {
					unpaidIvs = append(unpaidIvs, iv)
				}
			}
			leave = dayNorm(paidIvs...).and(rsched)
			unpaid = dayNorm(unpaidIvs...).and(rsched).minus(leave)
			r.LeaveMin, r.UnpaidLeaveMin = leave.minutes(), unpaid.minutes()
			// By category, paid leave first as above, each minute once.
			var seen []Interval
			for _, paid := range []bool{true, false} {
				for _, l := range in.Leave {
					if l.Paid != paid {
						continue
					}
					iv := Interval{l.Start.Truncate(time.Minute), l.End.Truncate(time.Minute)}
					m := dayNorm(iv).and(rsched).minus(dayNorm(seen...)).minutes()
					seen = append(seen, iv)
					if m > 0 && l.Category != "" {
						if r.LeaveByCategory == nil {
							r.LeaveByCategory = map[string]int{}
						}
						r.LeaveByCategory[l.Category] += m
					}
				}
			}
		} else {
			warn(WarnLeaveOnDayOff, "勤務時間が割り振られていない日の休暇は集計しません。", "Leave on a day without regular hours is not counted.")
		}
	}

	// Regular and overtime.
	flex := shift != nil && shift.Band != nil
	allotted := max(0, r.ScheduledMin-r.LeaveMin-r.UnpaidLeaveMin)
	var regular dayTimes
	if flex {
		regular, _ = worked.and(dayNorm(*shift.Band)).firstN(allotted)
	} else {
		regular = worked.and(rsched)
	}
	overtime := worked.minus(regular)
	r.RegularMin = regular.minutes()
	if (kind == Holiday || kind == YearEnd) && !in.Daikyu {
		r.HolidayPayMin = r.RegularMin
	}
	r.OvertimeMin = overtime.minutes()
	night := dayNight(s, in.Date, loc)
	r.NightMin = worked.and(night).minutes()
	r.NightRegularMin = regular.and(night).minutes()

	// Lateness, early leave and absence.
	if kind == Workday && shift != nil {
		excused := leave.or(unpaid).or(added)
		if !over {
			from := asOf.Truncate(time.Minute)
			if rd.open && rd.openIn.Before(from) {
				from = rd.openIn
			}
			excused = excused.or(dayFrom(from))
		}
		judged := rsched
		if flex {
			judged = nil
			if shift.Core != nil {
				judged = rsched.and(dayNorm(*shift.Core))
			}
		}
		firstIn := time.Time{}
		if len(sessions) > 0 {
			firstIn = sessions[0].Start
		}
		if rd.open && (firstIn.IsZero() || rd.openIn.Before(firstIn)) {
			firstIn = rd.openIn
		}
		if !firstIn.IsZero() {
			r.LateMin = judged.and(dayUntil(firstIn)).minus(excused).minutes()
		}
		if len(sessions) > 0 && !rd.open {
			r.EarlyMin = judged.and(dayFrom(r.LastOut)).minus(excused).minutes()
		}
		if flex {
			if over {
				r.AbsenceMin = max(0, allotted-r.RegularMin-added.and(dayNorm(*shift.Band)).minutes())
			}
		} else {
			r.AbsenceMin = rsched.minus(worked).minus(excused).minutes()
		}
	}

	// Overtime segments and the part-timer band.
	class := ClassWorkday
	if kind != Workday {
		class = ClassRest
	}
	var band dayTimes
	if in.PartTime && s.BandEnabled && kind != DesignatedRestDay {
		band, _ = worked.firstN(min(s.BandDayMin, max(0, s.BandWeekMin-weekMin)))
	}
	r.Band100Min = overtime.and(band).minutes()
	r.Segments = daySegments(overtime, night, band, class, kind != DesignatedRestDay)
	return r, max(0, min(r.WorkedMin, s.BandDayMin))
}

// dayFloor returns the break the floor requires for worked minutes and the
// lowest threshold among the steps that apply.
func dayFloor(steps []BreakStep, worked int) (req, threshold int) {
	threshold = -1
	for _, st := range steps {
		if worked > st.OverMin && st.BreakMin > 0 {
			req = max(req, st.BreakMin)
			if threshold < 0 || st.OverMin < threshold {
				threshold = st.OverMin
			}
		}
	}
	return req, max(0, threshold)
}

// daySegments cuts overtime into Segments in time order: runs of minutes
// alike in night and band.
func daySegments(overtime, night, band dayTimes, class OvertimeClass, counts60 bool) []Segment {
	if len(overtime) == 0 {
		return nil
	}
	var out []Segment
	for _, n := range []bool{false, true} {
		part := overtime.minus(night)
		if n {
			part = overtime.and(night)
		}
		for _, b := range []bool{false, true} {
			piece := part.minus(band)
			if b {
				piece = part.and(band)
			}
			for _, iv := range piece {
				out = append(out, Segment{Start: iv.Start, Min: iv.Minutes(), Class: class, Night: n, Counts60: counts60, Band100: b})
			}
		}
	}
	slices.SortFunc(out, func(a, b Segment) int { return a.Start.Compare(b.Start) })
	return out
}

// dayNight returns the night window (s.NightStartMin–s.NightEndMin, across
// midnight when it starts later than it ends) around day: from the night
// before it to the night two days after, enough for any shift of the day.
func dayNight(s Settings, day kintai.Date, loc *time.Location) dayTimes {
	if s.NightStartMin == s.NightEndMin {
		return nil
	}
	end := s.NightEndMin
	if s.NightStartMin > s.NightEndMin {
		end += dayMinutes
	}
	ivs := make([]Interval, 0, 4)
	for d := -1; d <= 2; d++ {
		ivs = append(ivs, Interval{dayAt(day, d*dayMinutes+s.NightStartMin, loc), dayAt(day, d*dayMinutes+end, loc)})
	}
	return dayNorm(ivs...)
}

// dayPunches is what a day's punches say, in minutes.
type dayPunches struct {
	sessions dayTimes // complete 出勤→退勤 sessions
	breaks   dayTimes // 休憩開始→休憩終了 inside complete sessions
	goOuts   dayTimes // 外出→戻り inside complete sessions
	open     bool     // a session is still open (no 退勤 yet, or forgotten)
	openIn   time.Time
}

// dayPunchIDs returns the ids of staffID's punches of day.
func dayPunchIDs(staffID int64, day kintai.Date, punches []punch.Punch) []int64 {
	var ids []int64
	for _, p := range punch.Sequence(punches) {
		if p.StaffID == staffID && p.BusinessDay == day {
			ids = append(ids, p.ID)
		}
	}
	return ids
}

// dayReadPunches reads punches as punch.Exceptions does, keeping only
// complete pairs, each punch truncated to its minute.
func dayReadPunches(staffID int64, day kintai.Date, punches []punch.Punch) dayPunches {
	var rd dayPunches
	var sessions, breaks, goOuts, sessBreaks, sessGoOuts []Interval
	var in, breakAt, goOutAt time.Time
	inBreak, out := false, false
	for _, p := range punch.Sequence(punches) {
		if p.StaffID != staffID || p.BusinessDay != day {
			continue
		}
		at := p.At.Truncate(time.Minute)
		if p.Kind != punch.ClockIn && !rd.open {
			continue // a 退勤 or a stray punch with no session open
		}
		switch p.Kind {
		case punch.ClockIn:
			if rd.open {
				continue // double 出勤: the session stays with the first
			}
			rd.open, in = true, at
			inBreak, out = false, false
			sessBreaks, sessGoOuts = sessBreaks[:0], sessGoOuts[:0]
		case punch.ClockOut:
			sessions = append(sessions, Interval{in, at})
			breaks = append(breaks, sessBreaks...)
			goOuts = append(goOuts, sessGoOuts...)
			rd.open = false
		case punch.BreakStart:
			inBreak, breakAt = true, at
		case punch.BreakEnd:
			if inBreak {
				sessBreaks = append(sessBreaks, Interval{breakAt, at})
				inBreak = false
			}
		case punch.GoOut:
			out, goOutAt = true, at
		case punch.Return:
			if out {
				sessGoOuts = append(sessGoOuts, Interval{goOutAt, at})
				out = false
			}
		}
	}
	if rd.open {
		rd.openIn = in
	}
	rd.sessions, rd.breaks, rd.goOuts = dayNorm(sessions...), dayNorm(breaks...), dayNorm(goOuts...)
	return rd
}

// dayTimes is a set of instants: sorted, disjoint, non-touching, non-empty
// intervals. Its operations return new sets.
type dayTimes []Interval

// dayEndOfTime bounds open-ended sets (dayFrom, dayUntil).
var dayEndOfTime = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// dayFrom is every instant from t on.
func dayFrom(t time.Time) dayTimes { return dayTimes{{t, dayEndOfTime}} }

// dayUntil is every instant before t.
func dayUntil(t time.Time) dayTimes { return dayNorm(Interval{time.Time{}, t}) }

// dayNorm returns the set of instants in ivs.
func dayNorm(ivs ...Interval) dayTimes {
	out := make(dayTimes, 0, len(ivs))
	for _, iv := range ivs {
		if iv.End.After(iv.Start) {
			out = append(out, iv)
		}
	}
	if len(out) < 2 {
		return out
	}
	slices.SortFunc(out, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	n := 0
	for _, iv := range out[1:] {
		if !iv.Start.After(out[n].End) {
			if iv.End.After(out[n].End) {
				out[n].End = iv.End
			}
			continue
		}
		n++
		out[n] = iv
	}
	return out[:n+1]
}

// or returns a ∪ b.
func (a dayTimes) or(b dayTimes) dayTimes {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	return dayNorm(append(slices.Clone(a), b...)...)
}

// and returns a ∩ b.
func (a dayTimes) and(b dayTimes) dayTimes {
	var out dayTimes
	for i, j := 0, 0; i < len(a) && j < len(b); {
		start, end := a[i].Start, a[i].End
		if b[j].Start.After(start) {
			start = b[j].Start
		}
		if b[j].End.Before(end) {
			end = b[j].End
		}
		if end.After(start) {
			out = append(out, Interval{start, end})
		}
		if a[i].End.Before(b[j].End) {
			i++
		} else {
			j++
		}
	}
	return out
}

// minus returns a − b.
func (a dayTimes) minus(b dayTimes) dayTimes {
	if len(b) == 0 || len(a) == 0 {
		return a
	}
	var out dayTimes
	j := 0
	for _, iv := range a {
		start := iv.Start
		for j < len(b) && !b[j].End.After(start) {
			j++
		}
		for k := j; k < len(b) && b[k].Start.Before(iv.End); k++ {
			if b[k].Start.After(start) {
				out = append(out, Interval{start, b[k].Start})
			}
			if b[k].End.After(start) {
				start = b[k].End
			}
		}
		if iv.End.After(start) {
			out = append(out, Interval{start, iv.End})
		}
	}
	return out
}

// minutes returns the length of a in whole minutes.
func (a dayTimes) minutes() int {
	var d time.Duration
	for _, iv := range a {
		d += iv.End.Sub(iv.Start)
	}
	return int(d / time.Minute)
}

// firstN splits a after its first n minutes.
func (a dayTimes) firstN(n int) (head, tail dayTimes) {
	left := time.Duration(max(0, n)) * time.Minute
	for i, iv := range a {
		d := iv.End.Sub(iv.Start)
		if d <= left {
			left -= d
			continue
		}
		head = append(slices.Clone(a[:i]), Interval{iv.Start, iv.Start.Add(left)})
		tail = append(dayTimes{{iv.Start.Add(left), iv.End}}, a[i+1:]...)
		return dayNorm(head...), tail
	}
	return a, nil
}
