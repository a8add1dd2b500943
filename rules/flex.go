package rules

import (
	"fmt"
	"slices"
	"strings"

	"kintai"
)

// The break rule of flex days (人事院 職職-156): the 基本休憩時間 of 60
// minutes, or 45 where necessary, placed so that no run of regular hours
// is longer than 6h30m.
const (
	flexMaxRunMin   = 6*60 + 30
	flexMinBreakMin = 45
)

// ValidateFlexPlan checks a flex-time plan (フレックスタイムの割振り) of
// pattern p for the unit period starting on start (p.UnitWeeks × 7 days).
// plan maps days to their hours; a day of the period not in plan, or Off,
// has none. Every working day must:
//
//   - lie inside the period, with valid hours and breaks inside them;
//   - lie inside the flexible band (p.Band) and cover the core time
//     (p.Core, when set);
//   - have at least p.MinDailyMin regular minutes (hours less breaks);
//   - when the hours are longer than 6h30m, have breaks of at least 45
//     minutes that leave no run of regular hours longer than 6h30m (人事院
//     職職-156; TC-BRK-06).
//
// and the regular minutes of the period must total p.RequiredMin (4 weeks
// of 38h45m: 155h00m, TC-FLEX-01). The error is a *kintai.Error (EINVALID,
// field "plan") listing every problem, one line each, day by day.
func ValidateFlexPlan(p Pattern, start kintai.Date, plan map[kintai.Date]DayShift) error {
	if err := ValidatePattern(p); err != nil {
		return err
	}
	if p.Kind != PatternFlex {
		return kintai.Invalid("kind", "フレックスタイムの勤務パターンではありません。", "The pattern is not a flex-time pattern.")
	}
	end := start.AddDays(p.UnitWeeks * 7)
	days := make([]kintai.Date, 0, len(plan))
	for d := range plan {
		days = append(days, d)
	}
	slices.SortFunc(days, func(a, b kintai.Date) int {
		switch {
		case a.Before(b):
			return -1
		case a.After(b):
			return 1
		}
		return 0
	})

	var ja, en []string
	problem := func(d kintai.Date, j, e string) {
		ja = append(ja, d.String()+": "+j)
		en = append(en, d.String()+": "+e)
	}
	total := 0
	for _, d := range days {
		ds := plan[d]
		if d.Before(start) || !d.Before(end) {
			problem(d, fmt.Sprintf("単位期間(%s〜%s)の外の日です。", start, end.AddDays(-1)),
				fmt.Sprintf("outside the unit period %s to %s.", start, end.AddDays(-1)))
			continue
		}
		if ds.Off {
			continue
		}
		if err := dayCheckSpan("plan", ds.Hours, "勤務時間", "The hours"); err != nil {
			e := err.(*kintai.Error)
			problem(d, e.Message, e.MessageEN)
			continue
		}
		if err := dayCheckBreaks("plan", ds.Hours, ds.Breaks); err != nil {
			e := err.(*kintai.Error)
			problem(d, e.Message, e.MessageEN)
			continue
		}
		h := daySpanText(ds.Hours)
		if !daySpanWithin(ds.Hours, *p.Band) {
			problem(d, fmt.Sprintf("勤務時間 %s がフレキシブルタイム %s の外にあります。", h, daySpanText(*p.Band)),
				fmt.Sprintf("the hours %s leave the flexible band %s.", h, daySpanText(*p.Band)))
		}
		if p.Core != nil && !daySpanWithin(*p.Core, ds.Hours) {
			problem(d, fmt.Sprintf("勤務時間 %s がコアタイム %s を含んでいません。", h, daySpanText(*p.Core)),
				fmt.Sprintf("the hours %s do not cover the core time %s.", h, daySpanText(*p.Core)))
		}
		breaks := dayNormSpans(ds.Breaks)
		breakMin, longest, at := 0, 0, ds.Hours.StartMin
		for _, b := range breaks {
			breakMin += b.Minutes()
			longest = max(longest, b.StartMin-at)
			at = b.EndMin
		}
		longest = max(longest, ds.Hours.EndMin-at)
		regular := ds.Hours.Minutes() - breakMin
		if regular < p.MinDailyMin {
			ja1, en1 := flexDur(regular)
			ja2, en2 := flexDur(p.MinDailyMin)
			problem(d, fmt.Sprintf("勤務時間 %s が1日の最短勤務時間 %s に足りません。", ja1, ja2),
				fmt.Sprintf("%s of regular hours is less than the least daily hours, %s.", en1, en2))
		}
		if ds.Hours.Minutes() > flexMaxRunMin && (longest > flexMaxRunMin || breakMin < flexMinBreakMin) {
			problem(d, "休憩時間は45分以上(原則60分)とし、連続する勤務時間が6時間30分を超えないように置いてください。",
				"breaks must total at least 45 minutes (60 as a rule) and leave no run of regular hours longer than 6h30m.")
		}
		total += regular
	}
	if total != p.RequiredMin {
		ja1, en1 := flexDur(total)
		ja2, en2 := flexDur(p.RequiredMin)
		ja = append(ja, fmt.Sprintf("単位期間の勤務時間の合計 %s が、割り振るべき %s と一致しません。", ja1, ja2))
		en = append(en, fmt.Sprintf("The regular hours of the unit period total %s, not the required %s.", en1, en2))
	}
	if len(ja) == 0 {
		return nil
	}
	return kintai.Invalid("plan", strings.Join(ja, "\n"), strings.Join(en, "\n"))
}

// flexDur renders minutes as 155時間00分 and 155h00m.
func flexDur(m int) (ja, en string) {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return fmt.Sprintf("%s%d時間%02d分", sign, m/60, m%60), fmt.Sprintf("%s%dh%02dm", sign, m/60, m%60)
}
