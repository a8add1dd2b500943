package punch

import (
	"time"

	"kintai"
)

// Schedule gives a staff member's scheduled shift (勤務予定).
type Schedule interface {
	// ShiftOn returns the shift of civil day day as instants; a night shift
	// that starts on day and ends the next morning belongs to day. ok is
	// false for a day off.
	ShiftOn(day kintai.Date) (start, end time.Time, ok bool)
}

// ScheduleFunc adapts a function to Schedule.
type ScheduleFunc func(day kintai.Date) (start, end time.Time, ok bool)

// ShiftOn calls f(day).
func (f ScheduleFunc) ShiftOn(day kintai.Date) (start, end time.Time, ok bool) { return f(day) }

// A punch belongs to a scheduled shift when it falls between the shift's
// start − ShiftEarlyGrace and its end + ShiftLateGrace: early arrivals and
// overtime stay with their shift.
const (
	ShiftEarlyGrace = 3 * time.Hour
	ShiftLateGrace  = 4 * time.Hour
)

// BusinessDay returns the business day (勤務日) a punch at instant at
// belongs to, in the organisation's time zone loc (not nil). Night shifts
// belong to the day of their schedule, not the calendar date of the punch.
//
// Precedence, with D the civil date of at in loc:
//
//  1. Shift windows. For each of D−1, D and D+1 that has a shift in sched
//     (end not before start), the window is [start − ShiftEarlyGrace,
//     end + ShiftLateGrace]. If at falls in one or more windows, the
//     business day is the day whose shift is nearest to at (distance 0
//     inside the shift, else to its start or end); a tie goes to the earlier
//     day. So a 07:05 clock-out after a 22:00–07:00 night shift belongs to
//     the night shift's day, and a shift starting at 04:30 keeps a 04:20
//     clock-in on D even though it is before the boundary.
//  2. Otherwise (nil sched, a day off, or at outside every window): D, or
//     D−1 when at's local clock time is before boundary (the business-day
//     boundary setting, 05:00 by default; 0 means midnight). So a 00:30
//     punch after a 08:30–17:15 day belongs to the day before.
//
// The boundary compares wall-clock time, so it keeps its meaning in zones
// with daylight saving time.
func BusinessDay(at time.Time, loc *time.Location, sched Schedule, boundary time.Duration) kintai.Date {
	civil := kintai.DateOf(at, loc)
	if sched != nil {
		var best kintai.Date
		bestDist := time.Duration(-1)
		for _, d := range []kintai.Date{civil.AddDays(-1), civil, civil.AddDays(1)} {
			start, end, ok := sched.ShiftOn(d)
			if !ok || end.Before(start) {
				continue
			}
			if at.Before(start.Add(-ShiftEarlyGrace)) || at.After(end.Add(ShiftLateGrace)) {
				continue
			}
			var dist time.Duration
			switch {
			case at.Before(start):
				dist = start.Sub(at)
			case at.After(end):
				dist = at.Sub(end)
			}
			if bestDist < 0 || dist < bestDist {
				best, bestDist = d, dist
			}
		}
		if bestDist >= 0 {
			return best
		}
	}
	local := at.In(loc)
	h, m, s := local.Clock()
	clock := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(s)*time.Second + time.Duration(local.Nanosecond())
	if clock < boundary {
		return civil.AddDays(-1)
	}
	return civil
}
