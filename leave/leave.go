// Package leave is leave (休暇): the leave types an entity offers with
// their units, limits and eligibility; the conversion of days to minutes
// (7時間45分 = 1日); annual-leave grants (national, 労基法 floor,
// 会計年度任用職員 tables); the ledger of grants and uses that gives a
// balance, with carry-over and expiry; 超勤代休時間; and the optional
// "fewer than 5 days taken" alert.
//
// It is pure: no SQL, no HTTP, no clock. The figures come from
// shared/domain/rules-jp.md §4, §3.5 and §12 (TC-AL-*); those marked
// [未確認] or [二次] there are defaults an entity must confirm.
package leave

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"kintai"
	"kintai/calendar"
)

// Category is the kind of a leave type.
type Category string

// Categories.
const (
	Annual       Category = "annual"        // 年次休暇
	Sick         Category = "sick"          // 病気休暇
	Special      Category = "special"       // 特別休暇
	Summer       Category = "summer"        // 夏季休暇 (a 特別休暇 kept apart because every entity has one)
	Compensatory Category = "compensatory"  // 代休 (for work on a 休日)
	OvertimeComp Category = "overtime_comp" // 超勤代休時間 (instead of the beyond-60 uplift)
	OtherLeave   Category = "other"         // 介護休暇, 組合休暇 and the like
)

// Categories lists every category in display order.
var Categories = []Category{Annual, Sick, Special, Summer, Compensatory, OvertimeComp, OtherLeave}

var categoryLabels = map[Category]string{
	Annual: "年次休暇", Sick: "病気休暇", Special: "特別休暇", Summer: "夏季休暇",
	Compensatory: "代休", OvertimeComp: "超勤代休時間", OtherLeave: "その他",
}

// Label returns the Japanese name of c.
func (c Category) Label() string { return categoryLabels[c] }

// Valid reports whether c is a known category.
func (c Category) Valid() bool { _, ok := categoryLabels[c]; return ok }

// Unit is a unit in which leave may be taken.
type Unit string

// Units.
const (
	UnitDay         Unit = "day"          // 1日
	UnitHalfDay     Unit = "half_day"     // 半日
	UnitHour        Unit = "hour"         // 1時間
	UnitQuarterHour Unit = "quarter_hour" // 15分 (shift workers, 規則15-14 第20条)
)

var unitLabels = map[Unit]string{UnitDay: "1日", UnitHalfDay: "半日", UnitHour: "1時間", UnitQuarterHour: "15分"}

// Label returns the Japanese name of u.
func (u Unit) Label() string { return unitLabels[u] }

// Valid reports whether u is a known unit.
func (u Unit) Valid() bool { _, ok := unitLabels[u]; return ok }

// Period is what a limit is counted over.
type Period string

// Periods.
const (
	PerFiscalYear   Period = "fiscal_year"   // the fiscal year of the use (April–March)
	PerCalendarYear Period = "calendar_year" // 一の年 in the national rules
	// PerRollingYear is the year that ends on the day of the use.
	PerRollingYear Period = "rolling_year"
	// PerEvent is one occurrence, named by Use.Event: a bereavement, a
	// marriage, a birth, a disaster.
	PerEvent Period = "event"
	// PerSpell is one spell of sick leave, named by Use.Event; the caller
	// joins spells that the rules join (§4.4).
	PerSpell Period = "spell"
	// PerDay is one day (育児時間 2 × 30 minutes a day).
	PerDay Period = "day"
)

var periodLabels = map[Period]string{
	PerFiscalYear: "年度", PerCalendarYear: "暦年", PerRollingYear: "1年間（直近）",
	PerEvent: "1回の事由", PerSpell: "1回の疾病", PerDay: "1日",
}

// Label returns the Japanese name of p.
func (p Period) Label() string { return periodLabels[p] }

// Valid reports whether p is a known period.
func (p Period) Valid() bool { _, ok := periodLabels[p]; return ok }

// Limit is the most of a leave type that may be taken in a period.
type Limit struct {
	// Days and Min are the limit when there are no Cases: days (in the
	// staff member's day length, so that hourly uses count) plus minutes.
	Days int `json:"days,omitempty"`
	Min  int `json:"min,omitempty"`
	// Period is what the limit is counted over.
	Period Period `json:"period"`
	// CalendarDays counts the span of calendar days from the first use of
	// the event to the last, days off included (産前・産後 8週); otherwise
	// only the leave taken counts (病気休暇's 90 days leave out 除外日).
	CalendarDays bool `json:"calendar_days,omitempty"`
	// Cases, when set, replace Days and Min with a limit chosen by
	// Use.Case: the relation for 忌引, the number of children for 子の看護.
	Cases []Case `json:"cases,omitempty"`
}

// Case is one row of a limit that depends on the circumstances.
type Case struct {
	Code string `json:"code"`
	Name string `json:"name"` // Japanese, e.g. "配偶者"
	Days int    `json:"days"`
	Min  int    `json:"min,omitempty"`
	// Note is the source, and what is not confirmed.
	Note string `json:"note,omitempty"`
}

// Window is the part of every year in which a leave type may be taken,
// both ends included; it may wrap around the new year.
type Window struct {
	From calendar.MonthDay `json:"from"`
	To   calendar.MonthDay `json:"to"`
}

// Valid reports whether both ends of w are days of the year.
func (w Window) Valid() bool { return validMD(w.From) && validMD(w.To) }

// Contains reports whether d falls inside w.
func (w Window) Contains(d kintai.Date) bool {
	md := calendar.MonthDay{Month: d.Month, Day: d.Day}
	if compareMD(w.From, w.To) <= 0 {
		return compareMD(md, w.From) >= 0 && compareMD(md, w.To) <= 0
	}
	return compareMD(md, w.From) >= 0 || compareMD(md, w.To) <= 0
}

func compareMD(a, b calendar.MonthDay) int {
	if a.Month != b.Month {
		return int(a.Month) - int(b.Month)
	}
	return a.Day - b.Day
}

func validMD(m calendar.MonthDay) bool {
	return m.Month >= time.January && m.Month <= time.December &&
		m.Day >= 1 && m.Day <= kintai.NewDate(2000, m.Month+1, 0).Day
}

// Type is a leave type (休暇の種類) as an entity configures it.
type Type struct {
	Code     string   `json:"code"`
	Name     string   `json:"name"` // Japanese, e.g. "結婚休暇"
	Category Category `json:"category"`
	// Units are the units it may be taken in, at least one.
	Units []Unit `json:"units"`
	// Paid is whether pay continues (有給). UnpaidFor lists employment
	// types for which it is unpaid all the same (人事院規則15-15 makes
	// many special leaves unpaid for non-regular staff).
	Paid      bool                    `json:"paid"`
	UnpaidFor []kintai.EmploymentType `json:"unpaid_for,omitempty"`
	// Limit is nil when the type has no limit of its own: annual leave and
	// 代休 are bounded by their balance (Ledger), 選挙 and 裁判員 by the
	// time needed.
	Limit *Limit `json:"limit,omitempty"`
	// Window, when set, is when in the year it may be taken (夏季 7/1–9/30).
	Window *Window `json:"window,omitempty"`
	// Eligible lists the employment types that may take it; empty is all.
	Eligible []kintai.EmploymentType `json:"eligible,omitempty"`
	// ToConfirm marks a default the entity must check against its own
	// 条例・規則 before use; Note says where the figure comes from.
	ToConfirm bool   `json:"to_confirm,omitempty"`
	Note      string `json:"note,omitempty"`
	// Disabled types are not offered (the entity has no such leave):
	// new requests for them are refused; uses already made stay.
	Disabled bool `json:"disabled,omitempty"`
}

// Allows reports whether t may be taken in unit u.
func (t *Type) Allows(u Unit) bool { return slices.Contains(t.Units, u) }

// EligibleFor reports whether staff of employment type e may take t.
func (t *Type) EligibleFor(e kintai.EmploymentType) bool {
	return len(t.Eligible) == 0 || slices.Contains(t.Eligible, e)
}

// PaidFor reports whether t is paid for staff of employment type e.
func (t *Type) PaidFor(e kintai.EmploymentType) bool {
	return t.Paid && !slices.Contains(t.UnpaidFor, e)
}

// Validate checks t's own fields.
func (t *Type) Validate() error {
	if err := validCode(t.Code); err != nil {
		return err
	}
	if strings.TrimSpace(t.Name) == "" {
		return kintai.Invalid("name", "休暇の名称を入力してください。", "Name is required.")
	}
	if !t.Category.Valid() {
		return kintai.Invalid("category", "休暇の区分が不正です。", "Unknown leave category.")
	}
	if len(t.Units) == 0 {
		return kintai.Invalid("units", "取得単位を1つ以上選択してください。", "Choose at least one unit.")
	}
	for i, u := range t.Units {
		if !u.Valid() {
			return kintai.Invalid("units", "取得単位が不正です。", "Unknown unit.")
		}
		if slices.Contains(t.Units[:i], u) {
			return kintai.Invalid("units", "取得単位が重複しています。", "A unit is listed twice.")
		}
	}
	if t.Category == Annual && !t.Paid {
		return kintai.Invalid("paid", "年次休暇は有給です。", "Annual leave is paid.")
	}
	for _, e := range slices.Concat(t.UnpaidFor, t.Eligible) {
		if !e.Valid() {
			return kintai.Invalid("eligible", "雇用区分が不正です。", "Unknown employment type.")
		}
	}
	if w := t.Window; w != nil && !w.Valid() {
		return kintai.Invalid("window", "取得期間の日付が正しくありません。", "The window's dates are not valid.")
	}
	if t.Limit != nil {
		return t.Limit.validate(t.Units)
	}
	return nil
}

func (l *Limit) validate(units []Unit) error {
	if !l.Period.Valid() {
		return kintai.Invalid("limit.period", "上限の期間が不正です。", "Unknown limit period.")
	}
	if l.Days < 0 || l.Min < 0 {
		return kintai.Invalid("limit", "上限は0以上で指定してください。", "A limit cannot be negative.")
	}
	if l.CalendarDays {
		if l.Period != PerEvent && l.Period != PerSpell {
			return kintai.Invalid("limit.calendar_days", "暦日で数える上限は事由ごとに指定してください。", "A limit in calendar days must be per event or spell.")
		}
		if len(units) != 1 || units[0] != UnitDay {
			return kintai.Invalid("limit.calendar_days", "暦日で数える休暇は1日単位のみです。", "Leave counted in calendar days is taken by the day only.")
		}
	}
	if len(l.Cases) == 0 {
		if l.Days == 0 && l.Min == 0 {
			return kintai.Invalid("limit", "上限を指定してください（上限がない場合は上限を設定しないでください）。", "Give a limit, or no limit at all.")
		}
		return nil
	}
	if l.Days != 0 || l.Min != 0 {
		return kintai.Invalid("limit", "場合ごとの上限と一律の上限は同時に指定できません。", "Give either a limit by case or a single limit, not both.")
	}
	for i, c := range l.Cases {
		if err := validCode(c.Code); err != nil {
			err.Field = "limit.cases"
			return err
		}
		if strings.TrimSpace(c.Name) == "" {
			return kintai.Invalid("limit.cases", "場合の名称を入力してください。", "Each case needs a name.")
		}
		if c.Days < 0 || c.Min < 0 || c.Days == 0 && c.Min == 0 {
			return kintai.Invalid("limit.cases", "場合ごとの上限は正の値で指定してください。", "Each case needs a positive limit.")
		}
		if slices.ContainsFunc(l.Cases[:i], func(d Case) bool { return d.Code == c.Code }) {
			return kintai.Invalid("limit.cases", "場合のコードが重複しています。", "A case code is listed twice.")
		}
	}
	return nil
}

// ValidateTypes checks every type and that no code is used twice.
func ValidateTypes(types []Type) error {
	for i := range types {
		if err := types[i].Validate(); err != nil {
			return err
		}
		for _, u := range types[:i] {
			if u.Code == types[i].Code {
				return kintai.Invalid("code", "休暇のコード「"+u.Code+"」が重複しています。", "Leave type code "+u.Code+" is used twice.")
			}
		}
	}
	return nil
}

func validCode(s string) *kintai.Error {
	if s == "" {
		return kintai.Invalid("code", "コードを入力してください。", "Code is required.")
	}
	if utf8.RuneCountInString(s) > 32 {
		return kintai.Invalid("code", "コードは32文字以内で入力してください。", "Code must be at most 32 characters.")
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' || r == '_') {
			return kintai.Invalid("code", "コードは半角英数字・ハイフン・下線で入力してください。", "Code may contain only ASCII letters, digits, '-' and '_'.")
		}
	}
	return nil
}
