package approval

import (
	"testing"

	"kintai"
)

func TestRequestSpan(t *testing.T) {
	d := kintai.NewDate(2026, 10, 30)
	for _, c := range []struct {
		name        string
		req         Request
		first, last kintai.Date
	}{
		{"leave by the day", Request{Leave: &Leave{Unit: LeaveDay, FromOn: d, ToOn: d.AddDays(3)}}, d, d.AddDays(3)},
		{"leave by the hour", Request{Leave: &Leave{Unit: LeaveHour, FromOn: d}}, d, d},
		{"overtime", Request{Overtime: &Overtime{Day: d}}, d, d},
		{"holiday work and its substitute before it", Request{HolidayWork: &HolidayWork{Day: d, SubstituteOn: d.AddDays(-2)}}, d.AddDays(-2), d},
		{"telework", Request{Telework: &Telework{Day: d}}, d, d},
		{"no payload", Request{}, kintai.Date{}, kintai.Date{}},
	} {
		first, last := c.req.Span()
		if first != c.first || last != c.last {
			t.Errorf("%s: Span = %v..%v, want %v..%v", c.name, first, last, c.first, c.last)
		}
	}
}
