package rules

// PatternKind is the kind of a work pattern (勤務形態).
type PatternKind string

// Pattern kinds.
const (
	// PatternFixed is the same hours every working weekday (8:30–17:15
	// with a 12:00–13:00 break).
	PatternFixed PatternKind = "fixed"
	// PatternShift is hours set day by day (part-time 会計年度任用職員,
	// shift work): only days with a DayShift have regular hours.
	PatternShift PatternKind = "shift"
	// PatternStaggered is 時差出勤: the day's length is fixed and the start
	// moves: Hours applies unless a DayShift picks one of Options.
	PatternStaggered PatternKind = "staggered"
	// PatternFlex is flex time (フレックスタイム): hours are allotted day by
	// day (DayShift) inside the flexible band over a unit period whose
	// total must equal RequiredMin.
	PatternFlex PatternKind = "flex"
)

// Span is a time of day as minutes after midnight; End may pass 1440 for
// hours that cross midnight (22:00–07:00 is 1320–1860).
type Span struct {
	StartMin int `json:"start_min"`
	EndMin   int `json:"end_min"`
}

// Minutes returns the length of s.
func (s Span) Minutes() int { return max(0, s.EndMin-s.StartMin) }

// Pattern is a work pattern (勤務パターン). Weekdays is the bit mask of
// working weekdays (1<<time.Sunday … 1<<time.Saturday); the others are
// 週休日.
type Pattern struct {
	ID       int64       `json:"id"`
	Code     string      `json:"code"`
	Name     string      `json:"name"`
	Kind     PatternKind `json:"kind"`
	Weekdays int         `json:"weekdays"`
	// Hours and Breaks are the regular hours of a fixed pattern (and the
	// default of a staggered one).
	Hours  Span   `json:"hours"`
	Breaks []Span `json:"breaks,omitempty"`
	// Options are the permitted staggered hours, each with its breaks
	// given by Breaks shifted by the same offset as the start.
	Options []Span `json:"options,omitempty"`
	// Flex time: the unit period in weeks (1–4), the total to allot in it,
	// the core time, the flexible band and the least hours on a working
	// day.
	UnitWeeks   int   `json:"unit_weeks,omitempty"`
	RequiredMin int   `json:"required_min,omitempty"`
	Core        *Span `json:"core,omitempty"`
	Band        *Span `json:"band,omitempty"`
	MinDailyMin int   `json:"min_daily_min,omitempty"`
	// PartTime makes the part-timer's 100/100 band apply to staff on
	// this pattern.
	PartTime bool `json:"part_time,omitempty"`
}

// DayShift is the hours set for one staff member on one day: a part-time
// shift, a chosen staggered option or a flex allotment. Off marks a day
// with no hours (an extra 週休日 of a shift or flex plan).
type DayShift struct {
	Hours  Span   `json:"hours"`
	Breaks []Span `json:"breaks,omitempty"`
	Off    bool   `json:"off,omitempty"`
}
