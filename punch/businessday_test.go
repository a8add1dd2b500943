package punch

import (
	"testing"
	"time"

	"kintai"
)

// shifts is a Schedule from a map of civil day to [start, end].
type shifts map[kintai.Date][2]time.Time

func (s shifts) ShiftOn(day kintai.Date) (start, end time.Time, ok bool) {
	v, ok := s[day]
	return v[0], v[1], ok
}

// dayShift is an 08:30–17:15 shift on day.
func dayShift(day kintai.Date) [2]time.Time {
	return [2]time.Time{jst(day.Year, day.Month, day.Day, 8, 30), jst(day.Year, day.Month, day.Day, 17, 15)}
}

// nightShift is a 22:00–07:00 shift starting on day.
func nightShift(day kintai.Date) [2]time.Time {
	next := day.AddDays(1)
	return [2]time.Time{jst(day.Year, day.Month, day.Day, 22, 0), jst(next.Year, next.Month, next.Day, 7, 0)}
}

func TestBusinessDay(t *testing.T) {
	d := kintai.NewDate(2025, 4, 1)
	prev, next := d.AddDays(-1), d.AddDays(1)
	const boundary = 5 * time.Hour
	tests := []struct {
		name     string
		at       time.Time
		sched    Schedule
		boundary time.Duration
		want     kintai.Date
	}{
		{"day shift clock-in", jst(2025, 4, 1, 8, 25), shifts{d: dayShift(d)}, boundary, d},
		{"day shift clock-out", jst(2025, 4, 1, 17, 20), shifts{d: dayShift(d)}, boundary, d},
		{"day shift overtime to the window's end", jst(2025, 4, 1, 21, 15), shifts{d: dayShift(d)}, boundary, d},
		{"night shift clock-in at 22:00", jst(2025, 4, 1, 22, 0), shifts{d: nightShift(d), next: nightShift(next)}, boundary, d},
		{"night shift break at 02:00", jst(2025, 4, 2, 2, 0), shifts{d: nightShift(d), next: nightShift(next)}, boundary, d},
		{"night shift clock-out at 07:05 next morning", jst(2025, 4, 2, 7, 5), shifts{d: nightShift(d), next: nightShift(next)}, boundary, d},
		{"night shift clock-out at 10:30 overtime", jst(2025, 4, 2, 10, 30), shifts{d: nightShift(d), next: nightShift(next)}, boundary, d},
		{"next night shift early arrival at 19:30", jst(2025, 4, 2, 19, 30), shifts{d: nightShift(d), next: nightShift(next)}, boundary, next},
		{"night shift clock-out before a day shift", jst(2025, 4, 2, 7, 5), shifts{d: nightShift(d), next: dayShift(next)}, boundary, d},
		{"day shift clock-in after a night shift", jst(2025, 4, 2, 8, 20), shifts{d: nightShift(d), next: dayShift(next)}, boundary, next},
		{"00:30 overtime after a 17:15 end", jst(2025, 4, 2, 0, 30), shifts{d: dayShift(d), next: dayShift(next)}, boundary, d},
		{"00:30 overtime before a day off", jst(2025, 4, 2, 0, 30), shifts{d: dayShift(d)}, boundary, d},
		{"early 04:30 start wins over the boundary", jst(2025, 4, 1, 4, 20), shifts{prev: dayShift(prev), d: {jst(2025, 4, 1, 4, 30), jst(2025, 4, 1, 13, 15)}}, boundary, d},
		{"early 04:30 start, window opens 01:30", jst(2025, 4, 1, 1, 30), shifts{d: {jst(2025, 4, 1, 4, 30), jst(2025, 4, 1, 13, 15)}}, boundary, d},
		{"early 04:30 start, 01:29 is before the window", jst(2025, 4, 1, 1, 29), shifts{d: {jst(2025, 4, 1, 4, 30), jst(2025, 4, 1, 13, 15)}}, boundary, prev},
		{"shift listed on the next day starting 00:30", jst(2025, 4, 1, 23, 45), shifts{next: {jst(2025, 4, 2, 0, 30), jst(2025, 4, 2, 9, 0)}}, boundary, next},
		{"tie between two shifts goes to the earlier day", jst(2025, 4, 1, 4, 0), shifts{prev: {jst(2025, 3, 31, 18, 0), jst(2025, 4, 1, 3, 0)}, d: {jst(2025, 4, 1, 5, 0), jst(2025, 4, 1, 12, 0)}}, boundary, prev},
		{"day off", jst(2025, 4, 1, 10, 0), shifts{}, boundary, d},
		{"shift ending before it starts is ignored", jst(2025, 4, 1, 3, 0), shifts{d: {jst(2025, 4, 1, 9, 0), jst(2025, 4, 1, 2, 0)}}, boundary, prev},
		{"nil schedule 04:59", jst(2025, 4, 1, 4, 59), nil, boundary, prev},
		{"nil schedule 05:00", jst(2025, 4, 1, 5, 0), nil, boundary, d},
		{"nil schedule 23:59", jst(2025, 4, 1, 23, 59), nil, boundary, d},
		{"Tokyo 04:59:59 given in UTC", time.Date(2025, 3, 31, 19, 59, 59, 0, time.UTC), nil, boundary, prev},
		{"Tokyo 05:00 given in UTC", time.Date(2025, 3, 31, 20, 0, 0, 0, time.UTC), nil, boundary, d},
		{"UTC afternoon is Tokyo's next night", time.Date(2025, 4, 1, 16, 0, 0, 0, time.UTC), nil, boundary, d},
		{"one nanosecond before the boundary", jst(2025, 4, 1, 5, 0).Add(-time.Nanosecond), nil, boundary, prev},
		{"exactly midnight, boundary 05:00", jst(2025, 4, 2, 0, 0), nil, boundary, d},
		{"exactly midnight, boundary 00:00", jst(2025, 4, 2, 0, 0), nil, 0, next},
		{"one nanosecond before midnight, boundary 00:00", jst(2025, 4, 2, 0, 0).Add(-time.Nanosecond), nil, 0, d},
		{"exactly midnight in a night shift", jst(2025, 4, 2, 0, 0), shifts{d: nightShift(d)}, 0, d},
		{"exactly midnight, day off both days", jst(2025, 4, 2, 0, 0), shifts{}, boundary, d},
		{"year end night shift", jst(2026, 1, 1, 6, 50), shifts{kintai.NewDate(2025, 12, 31): nightShift(kintai.NewDate(2025, 12, 31))}, boundary, kintai.NewDate(2025, 12, 31)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := BusinessDay(tt.at, tokyo, tt.sched, tt.boundary)
			if got != tt.want {
				t.Errorf("BusinessDay(%v) = %v, want %v", tt.at.In(tokyo), got, tt.want)
			}
		})
	}
}

func TestScheduleFunc(t *testing.T) {
	d := kintai.NewDate(2025, 4, 1)
	calls := 0
	sched := ScheduleFunc(func(day kintai.Date) (time.Time, time.Time, bool) {
		calls++
		if day != d {
			return time.Time{}, time.Time{}, false
		}
		s := nightShift(d)
		return s[0], s[1], true
	})
	at := jst(2025, 4, 2, 6, 0)
	if got := BusinessDay(at, tokyo, sched, 0); got != d {
		t.Errorf("BusinessDay(%v) = %v, want %v", at, got, d)
	}
	if calls != 3 {
		t.Errorf("ShiftOn called %d times, want 3 (the day before, the day, the day after)", calls)
	}
}
