package leave

import (
	"fmt"
	"slices"

	"kintai"
	"kintai/calendar"
)

// Use is leave taken on one day. A request over several days is one Use
// per day, so that each day draws on what is valid that day.
type Use struct {
	Date kintai.Date `json:"date"`
	// Type is the leave type's code.
	Type string `json:"type"`
	Unit Unit   `json:"unit"`
	// Amount is what the day takes: 1 day, a half day's minutes, or
	// hours and minutes. Hourly leave has no per-day limit.
	Amount Amount `json:"amount"`
	// Event names the occurrence a per-event or per-spell limit counts
	// against (the bereavement, the spell of illness).
	Event string `json:"event,omitempty"`
	// Case is the code of the Limit case that applies (the relation for
	// 忌引, "two_or_more" children for 子の看護).
	Case string `json:"case,omitempty"`
	// RequestID is the request the use came from, 0 for none.
	RequestID int64 `json:"request_id,omitempty"`
}

// checkUnit checks that min minutes may be taken in unit u on a day of
// dayMin minutes. remaining is what is left to draw on (−1 when there is
// no bound): with lastFraction, hourly and quarter-hourly leave may take
// exactly everything left even when it is not whole units.
func checkUnit(u Unit, min, dayMin, morning, afternoon, remaining int, lastFraction bool) error {
	if min <= 0 {
		return kintai.Invalid("amount", "取得する日数又は時間を指定してください。", "The amount of leave must be positive.")
	}
	all := lastFraction && remaining >= 0 && min == remaining
	switch u {
	case UnitDay:
		if min != dayMin {
			return kintai.Invalid("amount", "1日単位の休暇は1日ずつ指定してください。", "Leave by the day is one whole day per date.")
		}
	case UnitHalfDay:
		if min != morning && min != afternoon {
			return kintai.Invalid("amount", fmt.Sprintf("半日は%s又は%sです。", MinutesAmount(morning), MinutesAmount(afternoon)),
				fmt.Sprintf("A half day is %s or %s.", MinutesAmount(morning).English(), MinutesAmount(afternoon).English()))
		}
	case UnitHour:
		if min%60 != 0 && !all {
			return kintai.Invalid("amount", "時間単位の休暇は1時間単位で指定してください（残りの端数をすべて使う場合を除く）。",
				"Hourly leave is taken in whole hours, unless it uses up what is left.")
		}
	case UnitQuarterHour:
		if min%15 != 0 && !all {
			return kintai.Invalid("amount", "15分単位で指定してください。", "Leave is taken in 15-minute units.")
		}
	default:
		return kintai.Invalid("unit", "取得単位が不正です。", "Unknown unit.")
	}
	return nil
}

// CheckUse reports whether u may be taken as leave of type t by a staff
// member of employment type e whose day is dayMin minutes, given the uses
// of t already taken or approved (prior, without u). It checks the type,
// the eligibility, the unit and amount, the window and the limit for the
// period. Balances (annual leave, 代休, 超勤代休時間) are the Ledger's.
func (t *Type) CheckUse(u Use, e kintai.EmploymentType, dayMin int, s Settings, prior []Use) error {
	if u.Type != t.Code {
		return kintai.Invalid("type", "休暇の種類が一致しません。", "The use is for another leave type.")
	}
	if u.Date.IsZero() {
		return kintai.Invalid("date", "日付を入力してください。", "Date is required.")
	}
	if !t.EligibleFor(e) {
		return kintai.Invalid("type", fmt.Sprintf("%sは%sには適用されません。", t.Name, e.Label()),
			fmt.Sprintf("%s is not available to %s staff.", t.Code, e))
	}
	if !t.Allows(u.Unit) {
		return kintai.Invalid("unit", fmt.Sprintf("%sは%s単位では取得できません。", t.Name, u.Unit.Label()),
			fmt.Sprintf("%s cannot be taken by the %s.", t.Code, u.Unit))
	}
	if t.Window != nil && !t.Window.Contains(u.Date) {
		w := t.Window
		return kintai.Invalid("date", fmt.Sprintf("%sは%d月%d日から%d月%d日までの間に取得してください。", t.Name, w.From.Month, w.From.Day, w.To.Month, w.To.Day),
			fmt.Sprintf("%s may be taken from %d/%d to %d/%d only.", t.Code, w.From.Month, w.From.Day, w.To.Month, w.To.Day))
	}
	morning, afternoon := s.HalfDays(dayMin)
	min := u.Amount.Minutes(dayMin)
	if t.Limit == nil {
		return checkUnit(u.Unit, min, dayMin, morning, afternoon, -1, s.LastFraction)
	}
	l := t.Limit
	limDays, limMin := l.Days, l.Min
	if len(l.Cases) > 0 {
		i := slices.IndexFunc(l.Cases, func(c Case) bool { return c.Code == u.Case })
		if i < 0 {
			return kintai.Invalid("case", fmt.Sprintf("%sの区分（続柄など）を選択してください。", t.Name), fmt.Sprintf("Choose which case of %s applies.", t.Code))
		}
		limDays, limMin = l.Cases[i].Days, l.Cases[i].Min
	}
	if (l.Period == PerEvent || l.Period == PerSpell) && u.Event == "" {
		return kintai.Invalid("event", fmt.Sprintf("%sの事由を指定してください。", t.Name), fmt.Sprintf("Say which event the %s is for.", t.Code))
	}
	var same []Use
	for _, p := range prior {
		if p.Type == t.Code && samePeriod(l.Period, s, u, p) {
			same = append(same, p)
		}
	}
	limit := Amount{Days: limDays, Min: limMin}
	if l.CalendarDays {
		first, last := u.Date, u.Date
		for _, p := range same {
			if p.Date.Before(first) {
				first = p.Date
			}
			if p.Date.After(last) {
				last = p.Date
			}
		}
		if span := daysBetween(first, last) + 1; span > limDays {
			return kintai.Invalid("date", fmt.Sprintf("%sは暦日で%d日までです（%sから%sまでで%d日）。", t.Name, limDays, first, last, span),
				fmt.Sprintf("%s is limited to %d calendar days (%s to %s is %d).", t.Code, limDays, first, last, span))
		}
		return checkUnit(u.Unit, min, dayMin, morning, afternoon, -1, s.LastFraction)
	}
	taken := 0
	for _, p := range same {
		taken += p.Amount.Minutes(dayMin)
	}
	left := limit.Minutes(dayMin) - taken
	if err := checkUnit(u.Unit, min, dayMin, morning, afternoon, max(left, 0), s.LastFraction); err != nil {
		return err
	}
	if min > left {
		return kintai.Invalid("amount",
			fmt.Sprintf("%sの上限（%s%s）を超えます（取得済み%s、今回%s）。", t.Name, l.Period.Label(), limit, FromMinutes(taken, dayMin), FromMinutes(min, dayMin)),
			fmt.Sprintf("Over the limit of %s (%s per %s; taken %s, asked %s).", t.Code, limit.English(), l.Period, FromMinutes(taken, dayMin).English(), FromMinutes(min, dayMin).English()))
	}
	return nil
}

// samePeriod reports whether p falls in the same period of kind per as u.
func samePeriod(per Period, s Settings, u, p Use) bool {
	switch per {
	case PerFiscalYear:
		from, to := calendar.FiscalYear(u.Date, s.FiscalYearStart)
		return !p.Date.Before(from) && !p.Date.After(to)
	case PerCalendarYear:
		return p.Date.Year == u.Date.Year
	case PerRollingYear:
		from := kintai.NewDate(u.Date.Year-1, u.Date.Month, u.Date.Day+1)
		return !p.Date.Before(from) && !p.Date.After(u.Date)
	case PerEvent, PerSpell:
		return p.Event == u.Event
	case PerDay:
		return p.Date == u.Date
	}
	return false
}
