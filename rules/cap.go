package rules

import (
	"fmt"
	"time"

	"kintai"
)

// CapProfile is the overtime cap regime of a staff member's department in
// a month (rules-jp.md §2).
type CapProfile string

// Cap profiles.
const (
	// CapAutonomous is an ordinary department (自律部署, 人事院規則15-14
	// 第16条の2の2 第1号イ): at most 45 h a month and 360 h a year.
	CapAutonomous CapProfile = "autonomous"
	// CapHeteronomous is a department whose work is driven by others
	// (他律的業務の比重が高い部署, 第2号): under 100 h a month, at most 720 h
	// a year, at most 80 h on average over every window of 2–6 months, and
	// at most 6 months over 45 h in the fiscal year.
	CapHeteronomous CapProfile = "heteronomous"
	// CapLabor36 is a workplace under a 36協定 (労基法別表第一 businesses):
	// the agreement's standard 45 h a month and 360 h a year count
	// overtime without the work on the designated rest day (法定休日); the
	// absolute limits of 労基法36条6項, under 100 h a month and at most
	// 80 h on average over 2–6 months, count both.
	CapLabor36 CapProfile = "labor36"
)

// The cap figures of 人事院規則15-14 第16条の2の2, which the municipal
// rules seen copy (rules-jp.md §2.1), in minutes.
const (
	capMonth45Min     = 45 * 60
	capYear360Min     = 360 * 60
	capMonth100Min    = 100 * 60
	capYear720Min     = 720 * 60
	capAvg80Min       = 80 * 60
	capMonthsOver45   = 6
	capAfterMoveMin   = 30 * 60 // a month, after a move from 他律 to 自律 (大山崎町)
	capDoctorMonthMin = 100 * 60
	capSpecialReview  = 6 // months after the fiscal year to review 特例業務
)

// CapMonth is one month of a staff member's overtime as the caps see it.
// Hours before and after a transfer inside the year are added together
// (大仙市) by the caller.
type CapMonth struct {
	Year    int        `json:"year"`
	Month   time.Month `json:"month"`
	Profile CapProfile `json:"profile"`
	// OvertimeMin is all overtime of the month (MonthResult.OvertimeMin),
	// work on 週休日 included.
	OvertimeMin int `json:"overtime_min"`
	// RestDesignatedMin is the part of OvertimeMin worked on the
	// designated rest day (MonthResult.RestDesignatedMin).
	RestDesignatedMin int `json:"rest_designated_min"`
	// Special marks a month with 特例業務 (災害対応 and the like): the caps
	// are lifted for it.
	Special bool `json:"special,omitempty"`
}

// Alert codes. They are stable: the UI, the notifications and the audit
// trail refer to them.
const (
	AlertMonth45      = "month_45"         // month over 45 h (自律, 36協定)
	AlertYear360      = "year_360"         // fiscal year over 360 h (自律, 36協定)
	AlertMonth100     = "month_100"        // month at 100 h or more (他律, 36協定)
	AlertYear720      = "year_720"         // fiscal year over 720 h (他律, and 自律 after a move)
	AlertAvg80        = "avg_80"           // a 2–6 month average over 80 h (他律, 36協定)
	AlertMonthsOver45 = "months_over_45"   // a 7th month over 45 h in the fiscal year (他律)
	AlertAfterMove    = "after_move_total" // 自律 after a move from 他律: over 30 h × remaining months
	AlertDoctor100    = "doctor_100"       // 医師の面接指導: 100 h or more in the month
	AlertDoctor80     = "doctor_80"        // 医師の面接指導: over 80 h on average over 2–6 months
	AlertSpecial      = "special"          // a 特例業務 month: review due
)

// Alert levels.
const (
	// LevelNotice is a cap reached to Settings.AlertShare percent.
	LevelNotice = "notice"
	// LevelBreach is a cap broken.
	LevelBreach = "breach"
	// LevelDoctor is a health measure due (医師による面接指導).
	LevelDoctor = "doctor"
	// LevelInfo is for the record only (a 特例業務 month).
	LevelInfo = "info"
)

// Alert is one finding of CheckCaps about the month checked.
type Alert struct {
	Code  string     `json:"code"`
	Level string     `json:"level"`
	Year  int        `json:"year"`
	Month time.Month `json:"month"`
	// ValueMin and LimitMin are the minutes compared: the month's, the
	// fiscal year's or, for the averages, the window's average (rounded
	// up) against the cap. For months_over_45 they are the month's
	// overtime and 45 h; the months are in Count and CountLimit.
	ValueMin int `json:"value_min"`
	LimitMin int `json:"limit_min"`
	// WindowMonths is the length of the averaging window (avg_80,
	// doctor_80): the month checked and the months just before it.
	WindowMonths int `json:"window_months,omitempty"`
	Count        int `json:"count,omitempty"`
	CountLimit   int `json:"count_limit,omitempty"`
	// DueDate is when the review of a 特例業務 month is due.
	DueDate   kintai.Date `json:"due_date,omitzero"`
	Message   string      `json:"message"`    // Japanese
	MessageEn string      `json:"message_en"` // English
}

// CheckCaps checks the last of months, which are in ascending order, against
// the caps of its profile and the health thresholds (rules-jp.md §2). The
// earlier months supply the fiscal-year totals (the fiscal year starting
// at Settings.FiscalYearStart, April if unset) and the averages; a month
// missing from the list counts as no overtime.
//
// Each cap gives at most one alert: a breach, or a notice once the value
// reaches Settings.AlertShare percent of the cap (none when AlertShare is
// 0). Year totals are the fiscal year up to the month checked, so a broken
// year cap is reported again each later month. The 2–6 month averages take
// the month checked and the months just before it whatever the fiscal year
// (the rule names no fiscal-year limit; rules-jp.md §13.5) and report the
// window with the highest average. months_over_45 is only checked in a
// month over 45 h: the seventh such month of the fiscal year is a breach,
// the fifth and sixth a notice (at 80 %).
//
// When the profile changes from heteronomous to autonomous inside a fiscal
// year (大山崎町's notice, §2.1), the months after the move are held to
// 45 h each and in total to 30 h × the months left in the year from the
// move to its end, and the year to 720 h (第1号ロ).
//
// A Special (特例業務) month raises no cap alert, only an info alert with
// the date by which the causes must be reviewed: six months after the end
// of the fiscal year. The months' hours still count in the totals of the
// later months [未確認: the rule lifts the caps for the work, it does not
// say the hours leave the count]. The health alerts (doctor_100,
// doctor_80) apply to every profile and to special months; they count all
// overtime, designated rest day included.
func CheckCaps(s Settings, months []CapMonth) []Alert {
	if len(months) == 0 {
		return nil
	}
	cur := months[len(months)-1]
	curIdx := capIndex(cur.Year, cur.Month)
	byIdx := make(map[int]CapMonth, len(months))
	for _, m := range months {
		byIdx[capIndex(m.Year, m.Month)] = m
	}
	fyStart := capFiscalStart(s, curIdx)
	total := func(i int) int { return byIdx[i].OvertimeMin }
	excl := func(i int) int { m := byIdx[i]; return m.OvertimeMin - m.RestDesignatedMin }
	sum := func(from, to int, f func(int) int) int {
		n := 0
		for i := from; i <= to; i++ {
			n += f(i)
		}
		return n
	}

	var alerts []Alert
	add := func(a Alert) {
		a.Year, a.Month = cur.Year, cur.Month
		alerts = append(alerts, a)
	}
	check := func(c capCheck) {
		if a, ok := c.alert(s); ok {
			add(a)
		}
	}

	if cur.Special {
		fyEnd := capDate(fyStart + 12)
		due := kintai.NewDate(fyEnd.Year, fyEnd.Month+capSpecialReview, 1).AddDays(-1)
		add(Alert{
			Code: AlertSpecial, Level: LevelInfo, ValueMin: cur.OvertimeMin, DueDate: due,
			Message: fmt.Sprintf("特例業務の月です。上限は適用されません。%d年%d月%d日までに超過勤務の要因の整理・分析・検証を行ってください。",
				due.Year, due.Month, due.Day),
			MessageEn: fmt.Sprintf("A month of special work (特例業務): the caps do not apply. Review the causes of the overtime by %s.", due),
		})
	} else {
		switch cur.Profile {
		case CapAutonomous:
			check(capCheck{code: AlertMonth45, subject: capSubjectMonth, value: total(curIdx), limit: capMonth45Min})
			moved := -1
			for i := curIdx - 1; i >= fyStart; i-- {
				if m, ok := byIdx[i]; ok && m.Profile == CapHeteronomous {
					moved = i
					break
				}
			}
			if moved < 0 {
				check(capCheck{code: AlertYear360, subject: capSubjectYear, value: sum(fyStart, curIdx, total), limit: capYear360Min})
				break
			}
			check(capCheck{code: AlertYear720, subject: capSubjectYear, value: sum(fyStart, curIdx, total), limit: capYear720Min})
			left := fyStart + 12 - (moved + 1)
			check(capCheck{code: AlertAfterMove, subject: capSubjectAfterMove, value: sum(moved+1, curIdx, total), limit: capAfterMoveMin * left})
		case CapHeteronomous:
			check(capCheck{code: AlertMonth100, subject: capSubjectMonth, value: total(curIdx), limit: capMonth100Min, strict: true})
			check(capCheck{code: AlertYear720, subject: capSubjectYear, value: sum(fyStart, curIdx, total), limit: capYear720Min})
			check(capAverage(curIdx, total, sum).check(AlertAvg80))
			if total(curIdx) > capMonth45Min {
				n := 0
				for i := fyStart; i <= curIdx; i++ {
					if total(i) > capMonth45Min {
						n++
					}
				}
				check(capCheck{code: AlertMonthsOver45, value: total(curIdx), limit: capMonth45Min, count: n, countLimit: capMonthsOver45})
			}
		case CapLabor36:
			check(capCheck{code: AlertMonth45, subject: capSubjectMonth36, value: excl(curIdx), limit: capMonth45Min})
			check(capCheck{code: AlertYear360, subject: capSubjectYear36, value: sum(fyStart, curIdx, excl), limit: capYear360Min})
			check(capCheck{code: AlertMonth100, subject: capSubjectMonthBoth, value: total(curIdx), limit: capMonth100Min, strict: true})
			check(capAverage(curIdx, total, sum).check(AlertAvg80))
		}
	}

	if v := total(curIdx); v >= capDoctorMonthMin {
		add(Alert{
			Code: AlertDoctor100, Level: LevelDoctor, ValueMin: v, LimitMin: capDoctorMonthMin,
			Message:   fmt.Sprintf("月の超過勤務が%sです。医師による面接指導の対象です（100時間以上）。", capDurJa(v)),
			MessageEn: fmt.Sprintf("Overtime this month is %s: a doctor's interview is required (100 h or more).", capDurEn(v)),
		})
	}
	if w := capAverage(curIdx, total, sum); w.sum > capAvg80Min*w.months {
		avg := capCeil(w.sum, w.months)
		add(Alert{
			Code: AlertDoctor80, Level: LevelDoctor, ValueMin: avg, LimitMin: capAvg80Min, WindowMonths: w.months,
			Message:   fmt.Sprintf("直前%dか月の平均の超過勤務が%sです。医師による面接指導の対象です（平均80時間超）。", w.months, capDurJa(avg)),
			MessageEn: fmt.Sprintf("Overtime averages %s over the last %d months: a doctor's interview is required (over 80 h).", capDurEn(avg), w.months),
		})
	}
	return alerts
}

// capWindow is an averaging window: the month checked and months-1 before.
type capWindow struct{ sum, months int }

// capAverage returns the 2–6 month window with the highest average, the
// shortest on a tie.
func capAverage(curIdx int, f func(int) int, sum func(int, int, func(int) int) int) capWindow {
	best := capWindow{}
	for k := 2; k <= 6; k++ {
		w := capWindow{sum(curIdx-k+1, curIdx, f), k}
		if best.months == 0 || w.sum*best.months > best.sum*w.months {
			best = w
		}
	}
	return best
}

// check returns the cap check of w against 80 h on average.
func (w capWindow) check(code string) capCheck {
	return capCheck{code: code, subject: capSubjectAverage, value: w.sum, limit: capAvg80Min * w.months, window: w.months}
}

// capCheck is one comparison with a cap. For a window, value and limit
// are the window's sums; the alert shows averages.
type capCheck struct {
	code    string
	subject capSubject
	value   int
	limit   int
	strict  bool // the value must stay under the limit (100 h)
	window  int
	// count and countLimit are for months_over_45.
	count, countLimit int
}

func (c capCheck) alert(s Settings) (Alert, bool) {
	v, l := c.value, c.limit
	if c.countLimit > 0 {
		v, l = c.count, c.countLimit
	}
	level := ""
	switch {
	case v > l, c.strict && v >= l:
		level = LevelBreach
	case s.AlertShare > 0 && v*100 >= s.AlertShare*l:
		level = LevelNotice
	default:
		return Alert{}, false
	}
	a := Alert{Code: c.code, Level: level, ValueMin: c.value, LimitMin: c.limit}
	if c.window > 0 {
		a.WindowMonths = c.window
		a.ValueMin = capCeil(c.value, c.window)
		a.LimitMin = c.limit / c.window
	}
	if c.countLimit > 0 {
		a.Count, a.CountLimit = c.count, c.countLimit
		if level == LevelBreach {
			a.Message = fmt.Sprintf("45時間を超えた月が今年度%dか月になり、上限%dか月を超えています。", c.count, c.countLimit)
			a.MessageEn = fmt.Sprintf("This is month %d over 45 h in the fiscal year, over the limit of %d.", c.count, c.countLimit)
		} else {
			a.Message = fmt.Sprintf("45時間を超えた月が今年度%dか月になりました（上限%dか月）。", c.count, c.countLimit)
			a.MessageEn = fmt.Sprintf("This is month %d over 45 h in the fiscal year (at most %d).", c.count, c.countLimit)
		}
		return a, true
	}
	ja, en := c.subject.names(c.window)
	val, lim := a.ValueMin, a.LimitMin
	switch {
	case level == LevelNotice:
		a.Message = fmt.Sprintf("%sが%sで、上限%sの%d%%に達しました。", ja, capDurJa(val), capDurJa(lim), s.AlertShare)
		a.MessageEn = fmt.Sprintf("%s is %s, %d%% of the cap of %s.", en, capDurEn(val), s.AlertShare, capDurEn(lim))
	case c.strict:
		a.Message = fmt.Sprintf("%sが%sで、上限（%s未満）に達しています。", ja, capDurJa(val), capDurJa(lim))
		a.MessageEn = fmt.Sprintf("%s is %s; the cap is under %s.", en, capDurEn(val), capDurEn(lim))
	default:
		a.Message = fmt.Sprintf("%sが%sで、上限%sを超えています。", ja, capDurJa(val), capDurJa(lim))
		a.MessageEn = fmt.Sprintf("%s is %s, over the cap of %s.", en, capDurEn(val), capDurEn(lim))
	}
	return a, true
}

// capSubject names what a cap counts, for the messages.
type capSubject int

const (
	capSubjectMonth capSubject = iota
	capSubjectYear
	capSubjectAverage
	capSubjectAfterMove
	capSubjectMonth36
	capSubjectYear36
	capSubjectMonthBoth
)

func (c capSubject) names(window int) (ja, en string) {
	switch c {
	case capSubjectYear:
		return "今年度の超過勤務", "Overtime this fiscal year"
	case capSubjectAverage:
		return fmt.Sprintf("直前%dか月の平均の超過勤務", window), fmt.Sprintf("Average overtime over the last %d months", window)
	case capSubjectAfterMove:
		return "異動後の超過勤務の合計", "Overtime since the move from a 他律 department"
	case capSubjectMonth36:
		return "月の時間外勤務（法定休日を除く）", "Overtime this month (rest-day work excluded)"
	case capSubjectYear36:
		return "今年度の時間外勤務（法定休日を除く）", "Overtime this fiscal year (rest-day work excluded)"
	case capSubjectMonthBoth:
		return "月の時間外・休日勤務", "Overtime and rest-day work this month"
	default:
		return "月の超過勤務", "Overtime this month"
	}
}

// capIndex numbers months consecutively (year × 12 + month − 1).
func capIndex(y int, m time.Month) int { return y*12 + int(m) - 1 }

// capDate returns the first day of the month numbered i.
func capDate(i int) kintai.Date {
	return kintai.Date{Year: i / 12, Month: time.Month(i%12 + 1), Day: 1}
}

// capFiscalStart returns the index of the first month of the fiscal year
// holding the month numbered i.
func capFiscalStart(s Settings, i int) int {
	start := s.FiscalYearStart
	if start < time.January || start > time.December {
		start = time.April
	}
	y, m := i/12, time.Month(i%12+1)
	if m < start {
		y--
	}
	return capIndex(y, start)
}

// capCeil returns a ÷ b rounded up, for non-negative a and positive b.
func capCeil(a, b int) int { return (a + b - 1) / b }

// capDurJa writes minutes as "45時間" or "46時間30分".
func capDurJa(m int) string {
	if m%60 == 0 {
		return fmt.Sprintf("%d時間", m/60)
	}
	return fmt.Sprintf("%d時間%02d分", m/60, m%60)
}

// capDurEn writes minutes as "45 h" or "46 h 30 min".
func capDurEn(m int) string {
	if m%60 == 0 {
		return fmt.Sprintf("%d h", m/60)
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}
