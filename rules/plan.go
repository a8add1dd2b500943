package rules

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"kintai"
)

// Limits on spans. A span starts on its civil day and may run into the
// next one (EndMin up to 2880), but no span is longer than a day: a 24-hour
// duty (当直) is the longest.
const (
	dayMinutes    = 24 * 60
	maxSpanEndMin = 2 * dayMinutes
)

// ValidatePattern checks a work pattern. Its errors are *kintai.Error with
// code kintai.EINVALID and Field naming the JSON field at fault.
//
//   - Every pattern needs a name and a known kind.
//   - fixed: Hours and at least one working weekday; Breaks inside Hours
//     and not overlapping.
//   - staggered: as fixed, and at least one of Options, each as long as
//     Hours (its breaks are Breaks moved by the same offset).
//   - shift: nothing more; hours come day by day (DayShift).
//   - flex: UnitWeeks 1–4, RequiredMin above 0, Band, Core (optional)
//     inside Band, MinDailyMin not negative.
//
// A span starts within its day (StartMin 0–1439), ends after it starts and
// may cross midnight (EndMin up to 2880), and is at most 24 hours long.
func ValidatePattern(p Pattern) error {
	if p.Name == "" {
		return kintai.Invalid("name", "勤務パターンの名前を入力してください。", "The pattern name is required.")
	}
	switch p.Kind {
	case PatternFixed, PatternStaggered:
		if p.Weekdays <= 0 || p.Weekdays >= 1<<7 {
			return kintai.Invalid("weekdays", "勤務する曜日を1つ以上選んでください。", "Choose at least one working weekday.")
		}
		if err := dayCheckSpan("hours", p.Hours, "勤務時間", "Hours"); err != nil {
			return err
		}
		if err := dayCheckBreaks("breaks", p.Hours, p.Breaks); err != nil {
			return err
		}
		if p.Kind == PatternFixed {
			return nil
		}
		if len(p.Options) == 0 {
			return kintai.Invalid("options", "時差出勤の選択肢を1つ以上設定してください。", "A staggered pattern needs at least one option.")
		}
		for _, o := range p.Options {
			if err := dayCheckSpan("options", o, "時差出勤の選択肢", "Each option"); err != nil {
				return err
			}
			if o.Minutes() != p.Hours.Minutes() {
				return kintai.Invalid("options",
					fmt.Sprintf("時差出勤の選択肢 %s は勤務時間 %s と長さが異なります。", daySpanText(o), daySpanText(p.Hours)),
					fmt.Sprintf("Option %s is not as long as the hours %s.", daySpanText(o), daySpanText(p.Hours)))
			}
		}
		return nil
	case PatternShift:
		return nil
	case PatternFlex:
		switch {
		case p.UnitWeeks < 1 || p.UnitWeeks > 4:
			return kintai.Invalid("unit_weeks", "単位期間は1〜4週間で指定してください。", "The unit period must be 1 to 4 weeks.")
		case p.RequiredMin <= 0:
			return kintai.Invalid("required_min", "単位期間の総勤務時間を入力してください。", "The total hours of the unit period are required.")
		case p.Band == nil:
			return kintai.Invalid("band", "フレキシブルタイムを設定してください。", "The flexible band is required.")
		case p.MinDailyMin < 0:
			return kintai.Invalid("min_daily_min", "1日の最短勤務時間は0以上で指定してください。", "The least daily hours cannot be negative.")
		}
		if err := dayCheckSpan("band", *p.Band, "フレキシブルタイム", "The flexible band"); err != nil {
			return err
		}
		if p.Core != nil {
			if err := dayCheckSpan("core", *p.Core, "コアタイム", "The core time"); err != nil {
				return err
			}
			if !daySpanWithin(*p.Core, *p.Band) {
				return kintai.Invalid("core", "コアタイムはフレキシブルタイムの中に設定してください。", "The core time must lie inside the flexible band.")
			}
		}
		return nil
	}
	return kintai.Invalid("kind", "勤務パターンの種類が不正です。", "Unknown pattern kind.")
}

// dayCheckSpan checks one span; what names it in messages.
func dayCheckSpan(field string, s Span, whatJA, whatEN string) error {
	switch {
	case s.StartMin < 0 || s.StartMin >= dayMinutes:
		return kintai.Invalid(field, whatJA+"の開始は0:00〜23:59で指定してください。", whatEN+" must start between 0:00 and 23:59.")
	case s.EndMin <= s.StartMin:
		return kintai.Invalid(field, whatJA+"の終了は開始より後にしてください。", whatEN+" must end after it starts.")
	case s.EndMin > maxSpanEndMin || s.EndMin-s.StartMin > dayMinutes:
		return kintai.Invalid(field, whatJA+"は24時間以内で指定してください。", whatEN+" cannot be longer than 24 hours.")
	}
	return nil
}

// dayCheckBreaks checks that breaks lie inside hours and do not overlap.
func dayCheckBreaks(field string, hours Span, breaks []Span) error {
	sorted := slices.Clone(breaks)
	slices.SortFunc(sorted, func(a, b Span) int { return a.StartMin - b.StartMin })
	for i, b := range sorted {
		if b.EndMin <= b.StartMin {
			return kintai.Invalid(field, "休憩の終了は開始より後にしてください。", "A break must end after it starts.")
		}
		if !daySpanWithin(b, hours) {
			return kintai.Invalid(field,
				fmt.Sprintf("休憩 %s が勤務時間 %s の外にあります。", daySpanText(b), daySpanText(hours)),
				fmt.Sprintf("The break %s is outside the hours %s.", daySpanText(b), daySpanText(hours)))
		}
		if i > 0 && b.StartMin < sorted[i-1].EndMin {
			return kintai.Invalid(field,
				fmt.Sprintf("休憩 %s と %s が重なっています。", daySpanText(sorted[i-1]), daySpanText(b)),
				fmt.Sprintf("The breaks %s and %s overlap.", daySpanText(sorted[i-1]), daySpanText(b)))
		}
	}
	return nil
}

// daySpanWithin reports whether a lies inside b.
func daySpanWithin(a, b Span) bool { return a.StartMin >= b.StartMin && a.EndMin <= b.EndMin }

// dayClockText renders minutes after midnight as H:MM; times past
// midnight keep counting (25:30), as shift rosters write them.
func dayClockText(m int) string { return fmt.Sprintf("%d:%02d", m/60, m%60) }

// daySpanText renders a span as H:MM–H:MM.
func daySpanText(s Span) string { return dayClockText(s.StartMin) + "–" + dayClockText(s.EndMin) }

// Plan returns the kind of civil day day for a staff member on pattern p
// and, when hours are allotted, the day's Shift (正規の勤務時間) as
// instants built in loc from the day and the spans' minutes (a span past
// 1440 runs into the next day). ds is the hours set for that day, if any
// (a shift roster entry, a chosen staggered option, a flex allotment);
// holiday reports the calendar's 祝日 (Holiday) and 年末年始 (YearEnd)
// and may be nil.
//
//   - fixed and staggered: a weekday in p.Weekdays is a working day with
//     p.Hours and p.Breaks; another weekday is a rest day.
//   - shift and flex: only a day with a DayShift is a working day.
//   - A DayShift overrides the pattern: its hours make any day a working
//     day (a 週休日の振替 or an extra shift), and Off makes any day a rest
//     day. On a staggered pattern its hours must be p.Hours or one of
//     p.Options, and the breaks are p.Breaks moved by the same offset (its
//     own Breaks must be empty or those). Otherwise its Breaks are the
//     day's breaks.
//   - A rest day is DesignatedRestDay when its weekday is
//     s.DesignatedRestDay, else RestDay. Holidays do not change rest days.
//   - A holiday on a would-be working day makes the day Holiday or YearEnd
//     and the Shift is still returned: regular hours worked on it are
//     休日給, and not working it is not absence.
//   - flex: the Shift's Band is p.Band on the day, and its Core is p.Core
//     clipped to the day's hours (nil when they do not meet), since only
//     the core inside the allotted hours can be missed.
//
// The errors are *kintai.Error (EINVALID) for an invalid pattern or
// DayShift, and a plain error for a nil loc or a holiday func returning
// another kind.
func Plan(p Pattern, day kintai.Date, ds *DayShift, holiday func(kintai.Date) (DayKind, bool), s Settings, loc *time.Location) (DayKind, *Shift, error) {
	if loc == nil {
		return "", nil, errors.New("rules.Plan: nil location")
	}
	if err := ValidatePattern(p); err != nil {
		return "", nil, err
	}
	rest := RestDay
	if day.Weekday() == s.DesignatedRestDay {
		rest = DesignatedRestDay
	}
	if ds != nil && ds.Off {
		return rest, nil, nil
	}
	inMask := p.Weekdays&(1<<day.Weekday()) != 0
	var hours Span
	var breaks []Span
	switch p.Kind {
	case PatternFixed:
		switch {
		case ds != nil:
			hours, breaks = ds.Hours, ds.Breaks
		case inMask:
			hours, breaks = p.Hours, p.Breaks
		default:
			return rest, nil, nil
		}
	case PatternStaggered:
		switch {
		case ds != nil:
			if ds.Hours != p.Hours && !slices.Contains(p.Options, ds.Hours) {
				return "", nil, kintai.Invalid("hours",
					fmt.Sprintf("%s: %s は時差出勤の選択肢にありません。", day, daySpanText(ds.Hours)),
					fmt.Sprintf("%s: %s is not one of the staggered options.", day, daySpanText(ds.Hours)))
			}
			breaks = make([]Span, len(p.Breaks))
			off := ds.Hours.StartMin - p.Hours.StartMin
			for i, b := range p.Breaks {
				breaks[i] = Span{b.StartMin + off, b.EndMin + off}
			}
			if len(ds.Breaks) > 0 && !slices.Equal(dayNormSpans(ds.Breaks), dayNormSpans(breaks)) {
				return "", nil, kintai.Invalid("breaks",
					fmt.Sprintf("%s: 時差出勤の休憩は勤務パターンの休憩を開始時刻と同じだけずらしたものです。", day),
					fmt.Sprintf("%s: a staggered day's breaks are the pattern's breaks moved with the start.", day))
			}
			hours = ds.Hours
		case inMask:
			hours, breaks = p.Hours, p.Breaks
		default:
			return rest, nil, nil
		}
	default: // shift, flex
		if ds == nil {
			return rest, nil, nil
		}
		hours, breaks = ds.Hours, ds.Breaks
	}
	if err := dayCheckSpan("hours", hours, day.String()+": 勤務時間", day.String()+": the hours"); err != nil {
		return "", nil, err
	}
	if err := dayCheckBreaks("breaks", hours, breaks); err != nil {
		return "", nil, err
	}

	sh := &Shift{Start: dayAt(day, hours.StartMin, loc), End: dayAt(day, hours.EndMin, loc)}
	for _, b := range dayNormSpans(breaks) {
		sh.Breaks = append(sh.Breaks, Interval{dayAt(day, b.StartMin, loc), dayAt(day, b.EndMin, loc)})
	}
	if p.Kind == PatternFlex {
		sh.Band = &Interval{dayAt(day, p.Band.StartMin, loc), dayAt(day, p.Band.EndMin, loc)}
		if p.Core != nil {
			c := Span{max(p.Core.StartMin, hours.StartMin), min(p.Core.EndMin, hours.EndMin)}
			if c.EndMin > c.StartMin {
				sh.Core = &Interval{dayAt(day, c.StartMin, loc), dayAt(day, c.EndMin, loc)}
			}
		}
	}

	kind := Workday
	if holiday != nil {
		if k, ok := holiday(day); ok {
			if k != Holiday && k != YearEnd {
				return "", nil, fmt.Errorf("rules.Plan: holiday func returned kind %q for %s, want %q or %q", k, day, Holiday, YearEnd)
			}
			kind = k
		}
	}
	return kind, sh, nil
}

// dayAt returns the instant min minutes after the start of civil day day
// in loc, in UTC. Minutes past 1440 run into the next day; the minutes are
// added to the wall clock, so a day is 1440 minutes even across a daylight
// saving change (Asia/Tokyo has none).
func dayAt(day kintai.Date, min int, loc *time.Location) time.Time {
	return time.Date(day.Year, day.Month, day.Day, 0, min, 0, 0, loc).UTC()
}

// dayNormSpans returns spans sorted by start.
func dayNormSpans(spans []Span) []Span {
	out := slices.Clone(spans)
	slices.SortFunc(out, func(a, b Span) int { return a.StartMin - b.StartMin })
	return out
}
