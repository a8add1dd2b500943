package approval

import "kintai"

// Span returns the first and last business day the request is about: the
// days of leave, the day of overtime, telework, staggered hours or a
// correction, and for holiday work the day worked and its substitute.
// Both are zero when the request carries no payload.
func (r *Request) Span() (first, last kintai.Date) {
	var days []kintai.Date
	switch {
	case r.Leave != nil:
		days = []kintai.Date{r.Leave.FromOn, r.Leave.ToOn}
	case r.Overtime != nil:
		days = []kintai.Date{r.Overtime.Day}
	case r.Result != nil:
		days = []kintai.Date{r.Result.Day}
	case r.HolidayWork != nil:
		days = []kintai.Date{r.HolidayWork.Day, r.HolidayWork.SubstituteOn}
	case r.Correction != nil:
		days = []kintai.Date{r.Correction.Day}
	case r.Telework != nil:
		days = []kintai.Date{r.Telework.Day}
	case r.Staggered != nil:
		days = []kintai.Date{r.Staggered.Day}
	}
	for _, d := range days {
		if d.IsZero() {
			continue
		}
		if first.IsZero() || d.Before(first) {
			first = d
		}
		if last.IsZero() || d.After(last) {
			last = d
		}
	}
	return first, last
}
