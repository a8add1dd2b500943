package leave

import (
	"slices"
	"strings"
	"testing"
	"time"

	"kintai"
	"kintai/calendar"
)

func typeByCode(t *testing.T, code string) Type {
	t.Helper()
	types := DefaultTypes()
	i := slices.IndexFunc(types, func(ty Type) bool { return ty.Code == code })
	if i < 0 {
		t.Fatalf("DefaultTypes() has no %q", code)
	}
	return types[i]
}

func TestDefaultTypes(t *testing.T) {
	types := DefaultTypes()
	if err := ValidateTypes(types); err != nil {
		t.Fatalf("ValidateTypes(DefaultTypes()) = %v", err)
	}
	for _, ty := range types {
		confirmed := ty.Code == CodeAnnual || ty.Code == CodeOvertimeComp
		if ty.ToConfirm == confirmed {
			t.Errorf("%s: ToConfirm = %v, want %v", ty.Code, ty.ToConfirm, !confirmed)
		}
		if ty.Note == "" {
			t.Errorf("%s: no Note giving the source", ty.Code)
		}
	}
	limit := func(code, cas string) int {
		l := typeByCode(t, code).Limit
		if cas == "" {
			return l.Days
		}
		for _, c := range l.Cases {
			if c.Code == cas {
				return c.Days
			}
		}
		t.Fatalf("%s has no case %q", code, cas)
		return 0
	}
	tests := []struct {
		name      string
		code, cas string
		want      int
	}{
		{"結婚 7", "marriage", "", 7},
		{"子の看護 5", "child_sick", "one", 5},
		{"子の看護 10 for two or more", "child_sick", "two_or_more", 10},
		{"短期介護 5", "family_care", "one", 5},
		{"短期介護 10", "family_care", "two_or_more", 10},
		{"忌引 配偶者 7", CodeBereavement, "spouse", 7},
		{"忌引 祖父母 3", CodeBereavement, "grandparent", 3},
		{"忌引 祖父母 (heir) 7", CodeBereavement, "grandparent_heir", 7},
		{"忌引 配偶者の父母 (同居) 7", CodeBereavement, "step_parent_household", 7},
		{"夏季 5", CodeSummer, "", 5},
		{"産前 8 weeks", "prenatal", "single", 56},
		{"産前 14 weeks for multiple births", "prenatal", "multiple", 98},
		{"産後 8 weeks", "postnatal", "", 56},
		{"病気休暇 90", CodeSick, "", 90},
		{"災害 1 week", "disaster_home", "", 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := limit(tt.code, tt.cas); got != tt.want {
				t.Errorf("limit of %s %s = %d, want %d", tt.code, tt.cas, got, tt.want)
			}
		})
	}
	summer := typeByCode(t, CodeSummer)
	if w := summer.Window; w == nil || w.From != (calendar.MonthDay{Month: time.July, Day: 1}) || w.To != (calendar.MonthDay{Month: time.September, Day: 30}) {
		t.Errorf("夏季休暇 window = %+v, want 7/1–9/30", summer.Window)
	}
	for _, code := range []string{"election", "court", "marrow_donor", CodeAnnual, CodeCompensatory} {
		if l := typeByCode(t, code).Limit; l != nil {
			t.Errorf("%s limit = %+v, want none", code, l)
		}
	}
}

func TestTypeValidate(t *testing.T) {
	base := func() Type {
		return Type{Code: "x", Name: "休暇", Category: Special, Units: []Unit{UnitDay}, Paid: true,
			Limit: &Limit{Days: 3, Period: PerEvent}}
	}
	tests := []struct {
		name      string
		change    func(*Type)
		wantField string
	}{
		{"valid", func(*Type) {}, ""},
		{"no code", func(ty *Type) { ty.Code = "" }, "code"},
		{"code with spaces", func(ty *Type) { ty.Code = "a b" }, "code"},
		{"no name", func(ty *Type) { ty.Name = " " }, "name"},
		{"unknown category", func(ty *Type) { ty.Category = "holiday" }, "category"},
		{"no units", func(ty *Type) { ty.Units = nil }, "units"},
		{"unknown unit", func(ty *Type) { ty.Units = []Unit{"week"} }, "units"},
		{"unit twice", func(ty *Type) { ty.Units = []Unit{UnitDay, UnitDay} }, "units"},
		{"unpaid annual leave", func(ty *Type) { ty.Category, ty.Paid, ty.Limit = Annual, false, nil }, "paid"},
		{"unknown employment type", func(ty *Type) { ty.Eligible = []kintai.EmploymentType{"temp"} }, "eligible"},
		{"window 2/30", func(ty *Type) {
			ty.Window = &Window{From: calendar.MonthDay{Month: 2, Day: 30}, To: calendar.MonthDay{Month: 3, Day: 1}}
		}, "window"},
		{"window 2/29 is a day", func(ty *Type) {
			ty.Window = &Window{From: calendar.MonthDay{Month: 2, Day: 29}, To: calendar.MonthDay{Month: 3, Day: 1}}
		}, ""},
		{"unknown period", func(ty *Type) { ty.Limit.Period = "week" }, "limit.period"},
		{"empty limit", func(ty *Type) { ty.Limit.Days = 0 }, "limit"},
		{"negative limit", func(ty *Type) { ty.Limit.Min = -1 }, "limit"},
		{"cases and a single limit", func(ty *Type) { ty.Limit.Cases = []Case{{Code: "a", Name: "A", Days: 1}} }, "limit"},
		{"case twice", func(ty *Type) {
			ty.Limit.Days = 0
			ty.Limit.Cases = []Case{{Code: "a", Name: "A", Days: 1}, {Code: "a", Name: "B", Days: 2}}
		}, "limit.cases"},
		{"case without a limit", func(ty *Type) { ty.Limit.Days = 0; ty.Limit.Cases = []Case{{Code: "a", Name: "A"}} }, "limit.cases"},
		{"case with a bad code", func(ty *Type) { ty.Limit.Days = 0; ty.Limit.Cases = []Case{{Code: "配偶者", Name: "A", Days: 1}} }, "limit.cases"},
		{"calendar days per year", func(ty *Type) { ty.Limit.CalendarDays, ty.Limit.Period = true, PerCalendarYear }, "limit.calendar_days"},
		{"calendar days by the hour", func(ty *Type) { ty.Limit.CalendarDays, ty.Units = true, []Unit{UnitDay, UnitHour} }, "limit.calendar_days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ty := base()
			tt.change(&ty)
			if got := errField(ty.Validate()); got != tt.wantField {
				t.Errorf("Validate(%+v) field = %q, want %q", ty, got, tt.wantField)
			}
		})
	}
	dup := []Type{base(), base()}
	if got := errField(ValidateTypes(dup)); got != "code" {
		t.Errorf("ValidateTypes(two with code x) field = %q, want code", got)
	}
}

func TestWindowContains(t *testing.T) {
	summer := Window{From: calendar.MonthDay{Month: 7, Day: 1}, To: calendar.MonthDay{Month: 9, Day: 30}}
	winter := Window{From: calendar.MonthDay{Month: 12, Day: 1}, To: calendar.MonthDay{Month: 1, Day: 31}}
	tests := []struct {
		name string
		w    Window
		d    kintai.Date
		want bool
	}{
		{"first day", summer, date(2025, 7, 1), true},
		{"last day", summer, date(2025, 9, 30), true},
		{"day before", summer, date(2025, 6, 30), false},
		{"day after", summer, date(2025, 10, 1), false},
		{"wrapping, December", winter, date(2025, 12, 15), true},
		{"wrapping, January", winter, date(2026, 1, 31), true},
		{"wrapping, outside", winter, date(2026, 2, 1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.w.Contains(tt.d); got != tt.want {
				t.Errorf("%+v.Contains(%v) = %v, want %v", tt.w, tt.d, got, tt.want)
			}
		})
	}
}

func TestCheckUse(t *testing.T) {
	s := DefaultSettings()
	noFraction := DefaultSettings()
	noFraction.LastFraction = false
	day := func(d kintai.Date, code string) Use {
		return Use{Date: d, Type: code, Unit: UnitDay, Amount: DaysAmount(1)}
	}
	hours := func(d kintai.Date, code string, min int) Use {
		return Use{Date: d, Type: code, Unit: UnitHour, Amount: MinutesAmount(min)}
	}
	withEvent := func(u Use, event, cas string) Use { u.Event, u.Case = event, cas; return u }
	days := func(from kintai.Date, n int, f func(kintai.Date) Use) []Use {
		var out []Use
		for i := range n {
			out = append(out, f(from.AddDays(i)))
		}
		return out
	}
	bereave := func(event, cas string) func(kintai.Date) Use {
		return func(d kintai.Date) Use { return withEvent(day(d, CodeBereavement), event, cas) }
	}
	rolling := Type{Code: "r", Name: "直近1年", Category: Special, Units: []Unit{UnitDay}, Paid: true, Limit: &Limit{Days: 3, Period: PerRollingYear}}
	fiscal := Type{Code: "f", Name: "年度", Category: Special, Units: []Unit{UnitDay}, Paid: true, Limit: &Limit{Days: 2, Period: PerFiscalYear}}
	regularOnly := Type{Code: "reg", Name: "常勤のみ", Category: Special, Units: []Unit{UnitDay}, Paid: true, Eligible: []kintai.EmploymentType{kintai.Regular}}

	tests := []struct {
		name      string
		ty        Type
		u         Use
		e         kintai.EmploymentType
		dayMin    int
		s         Settings
		prior     []Use
		wantField string
	}{
		{"夏季 in the window", typeByCode(t, CodeSummer), day(date(2025, 7, 1), CodeSummer), kintai.Regular, 465, s, nil, ""},
		{"夏季 before the window", typeByCode(t, CodeSummer), day(date(2025, 6, 30), CodeSummer), kintai.Regular, 465, s, nil, "date"},
		{"夏季 fifth day", typeByCode(t, CodeSummer), day(date(2025, 9, 1), CodeSummer), kintai.Regular, 465, s,
			days(date(2025, 7, 1), 4, func(d kintai.Date) Use { return day(d, CodeSummer) }), ""},
		{"夏季 sixth day", typeByCode(t, CodeSummer), day(date(2025, 9, 1), CodeSummer), kintai.Regular, 465, s,
			days(date(2025, 7, 1), 5, func(d kintai.Date) Use { return day(d, CodeSummer) }), "amount"},
		{"夏季 last year's days do not count", typeByCode(t, CodeSummer), day(date(2025, 7, 1), CodeSummer), kintai.Regular, 465, s,
			days(date(2024, 7, 1), 5, func(d kintai.Date) Use { return day(d, CodeSummer) }), ""},
		{"夏季 not by the hour", typeByCode(t, CodeSummer), hours(date(2025, 7, 1), CodeSummer, 60), kintai.Regular, 465, s, nil, "unit"},
		{"忌引 spouse, 7th day", typeByCode(t, CodeBereavement), withEvent(day(date(2025, 5, 7), CodeBereavement), "e1", "spouse"), kintai.Regular, 465, s,
			days(date(2025, 5, 1), 6, bereave("e1", "spouse")), ""},
		{"忌引 spouse, 8th day", typeByCode(t, CodeBereavement), withEvent(day(date(2025, 5, 8), CodeBereavement), "e1", "spouse"), kintai.Regular, 465, s,
			days(date(2025, 5, 1), 7, bereave("e1", "spouse")), "amount"},
		{"忌引 another bereavement starts afresh", typeByCode(t, CodeBereavement), withEvent(day(date(2025, 9, 1), CodeBereavement), "e2", "sibling"), kintai.Regular, 465, s,
			days(date(2025, 5, 1), 7, bereave("e1", "spouse")), ""},
		{"忌引 grandparent, 4th day", typeByCode(t, CodeBereavement), withEvent(day(date(2025, 5, 4), CodeBereavement), "e1", "grandparent"), kintai.Regular, 465, s,
			days(date(2025, 5, 1), 3, bereave("e1", "grandparent")), "amount"},
		{"忌引 without the relation", typeByCode(t, CodeBereavement), withEvent(day(date(2025, 5, 1), CodeBereavement), "e1", ""), kintai.Regular, 465, s, nil, "case"},
		{"忌引 unknown relation", typeByCode(t, CodeBereavement), withEvent(day(date(2025, 5, 1), CodeBereavement), "e1", "friend"), kintai.Regular, 465, s, nil, "case"},
		{"忌引 without the event", typeByCode(t, CodeBereavement), withEvent(day(date(2025, 5, 1), CodeBereavement), "", "spouse"), kintai.Regular, 465, s, nil, "event"},
		{"子の看護 7 hours in one day: no per-day limit", typeByCode(t, "child_sick"), withEvent(hours(date(2025, 5, 1), "child_sick", 420), "", "one"), kintai.Regular, 465, s, nil, ""},
		{"子の看護 9 hours in one day", typeByCode(t, "child_sick"), withEvent(hours(date(2025, 5, 1), "child_sick", 540), "", "one"), kintai.Regular, 465, s, nil, ""},
		{"子の看護 the last 45 minutes", typeByCode(t, "child_sick"), withEvent(hours(date(2025, 12, 1), "child_sick", 45), "", "one"), kintai.Regular, 465, s,
			[]Use{withEvent(Use{Date: date(2025, 5, 1), Type: "child_sick", Unit: UnitHour, Amount: MinutesAmount(4*465 + 420)}, "", "one")}, ""},
		{"子の看護 the last 45 minutes, fractions off", typeByCode(t, "child_sick"), withEvent(hours(date(2025, 12, 1), "child_sick", 45), "", "one"), kintai.Regular, 465, noFraction,
			[]Use{withEvent(Use{Date: date(2025, 5, 1), Type: "child_sick", Unit: UnitHour, Amount: MinutesAmount(4*465 + 420)}, "", "one")}, "amount"},
		{"子の看護 an hour with 45 minutes left", typeByCode(t, "child_sick"), withEvent(hours(date(2025, 12, 1), "child_sick", 60), "", "one"), kintai.Regular, 465, s,
			[]Use{withEvent(Use{Date: date(2025, 5, 1), Type: "child_sick", Unit: UnitHour, Amount: MinutesAmount(4*465 + 420)}, "", "one")}, "amount"},
		{"子の看護 90 minutes", typeByCode(t, "child_sick"), withEvent(hours(date(2025, 5, 1), "child_sick", 90), "", "one"), kintai.Regular, 465, s, nil, "amount"},
		{"子の看護 two children, 6th day", typeByCode(t, "child_sick"), withEvent(day(date(2025, 5, 6), "child_sick"), "", "two_or_more"), kintai.Regular, 465, s,
			days(date(2025, 5, 1), 5, func(d kintai.Date) Use { return withEvent(day(d, "child_sick"), "", "two_or_more") }), ""},
		{"子の看護 part-timer's 6-hour day", typeByCode(t, "child_sick"), withEvent(hours(date(2025, 5, 6), "child_sick", 360), "", "one"), kintai.FiscalPart, 360, s,
			days(date(2025, 5, 1), 4, func(d kintai.Date) Use { return withEvent(day(d, "child_sick"), "", "one") }), ""},
		{"産前 56th calendar day", typeByCode(t, "prenatal"), withEvent(day(date(2025, 2, 25), "prenatal"), "b1", "single"), kintai.Regular, 465, s,
			[]Use{withEvent(day(date(2025, 1, 1), "prenatal"), "b1", "single")}, ""},
		{"産前 57th calendar day", typeByCode(t, "prenatal"), withEvent(day(date(2025, 2, 26), "prenatal"), "b1", "single"), kintai.Regular, 465, s,
			[]Use{withEvent(day(date(2025, 1, 1), "prenatal"), "b1", "single")}, "date"},
		{"産前 multiple birth, 57th day", typeByCode(t, "prenatal"), withEvent(day(date(2025, 2, 26), "prenatal"), "b1", "multiple"), kintai.Regular, 465, s,
			[]Use{withEvent(day(date(2025, 1, 1), "prenatal"), "b1", "multiple")}, ""},
		{"育児時間 30 + 30 minutes", typeByCode(t, "childcare_time"), Use{Date: date(2025, 5, 1), Type: "childcare_time", Unit: UnitQuarterHour, Amount: MinutesAmount(30)}, kintai.FiscalPart, 360, s,
			[]Use{{Date: date(2025, 5, 1), Type: "childcare_time", Unit: UnitQuarterHour, Amount: MinutesAmount(30)}}, ""},
		{"育児時間 30 + 45 minutes", typeByCode(t, "childcare_time"), Use{Date: date(2025, 5, 1), Type: "childcare_time", Unit: UnitQuarterHour, Amount: MinutesAmount(45)}, kintai.FiscalPart, 360, s,
			[]Use{{Date: date(2025, 5, 1), Type: "childcare_time", Unit: UnitQuarterHour, Amount: MinutesAmount(30)}}, "amount"},
		{"育児時間 the next day", typeByCode(t, "childcare_time"), Use{Date: date(2025, 5, 2), Type: "childcare_time", Unit: UnitQuarterHour, Amount: MinutesAmount(60)}, kintai.FiscalPart, 360, s,
			[]Use{{Date: date(2025, 5, 1), Type: "childcare_time", Unit: UnitQuarterHour, Amount: MinutesAmount(60)}}, ""},
		{"選挙 morning half of 7h45m", typeByCode(t, "election"), Use{Date: date(2025, 5, 1), Type: "election", Unit: UnitHalfDay, Amount: MinutesAmount(232)}, kintai.Regular, 465, s, nil, ""},
		{"選挙 afternoon half of 7h45m", typeByCode(t, "election"), Use{Date: date(2025, 5, 1), Type: "election", Unit: UnitHalfDay, Amount: MinutesAmount(233)}, kintai.Regular, 465, s, nil, ""},
		{"選挙 half of a 6-hour day", typeByCode(t, "election"), Use{Date: date(2025, 5, 1), Type: "election", Unit: UnitHalfDay, Amount: MinutesAmount(180)}, kintai.FiscalPart, 360, s, nil, ""},
		{"選挙 4 hours is not a half day", typeByCode(t, "election"), Use{Date: date(2025, 5, 1), Type: "election", Unit: UnitHalfDay, Amount: MinutesAmount(240)}, kintai.Regular, 465, s, nil, "amount"},
		{"選挙 a day is a whole day", typeByCode(t, "election"), Use{Date: date(2025, 5, 1), Type: "election", Unit: UnitDay, Amount: MinutesAmount(400)}, kintai.Regular, 465, s, nil, "amount"},
		{"選挙 nothing", typeByCode(t, "election"), Use{Date: date(2025, 5, 1), Type: "election", Unit: UnitHour}, kintai.Regular, 465, s, nil, "amount"},
		{"rolling year, the year before is out", rolling, day(date(2025, 6, 10), "r"), kintai.Regular, 465, s,
			days(date(2024, 6, 8), 3, func(d kintai.Date) Use { return day(d, "r") }), ""},
		{"rolling year, full", rolling, day(date(2025, 6, 10), "r"), kintai.Regular, 465, s,
			days(date(2024, 6, 11), 3, func(d kintai.Date) Use { return day(d, "r") }), "amount"},
		{"fiscal year starts in April", fiscal, day(date(2025, 4, 2), "f"), kintai.Regular, 465, s,
			[]Use{day(date(2025, 3, 31), "f"), day(date(2025, 4, 1), "f")}, ""},
		{"fiscal year, full", fiscal, day(date(2026, 3, 31), "f"), kintai.Regular, 465, s,
			[]Use{day(date(2025, 4, 1), "f"), day(date(2025, 5, 1), "f")}, "amount"},
		{"other types do not count", fiscal, day(date(2025, 4, 2), "f"), kintai.Regular, 465, s,
			[]Use{day(date(2025, 4, 1), "g"), day(date(2025, 4, 3), "g")}, ""},
		{"not eligible", regularOnly, day(date(2025, 4, 2), "reg"), kintai.FiscalPart, 360, s, nil, "type"},
		{"eligible", regularOnly, day(date(2025, 4, 2), "reg"), kintai.Regular, 465, s, nil, ""},
		{"use of another type", regularOnly, day(date(2025, 4, 2), "f"), kintai.Regular, 465, s, nil, "type"},
		{"no date", regularOnly, day(kintai.Date{}, "reg"), kintai.Regular, 465, s, nil, "date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.ty.CheckUse(tt.u, tt.e, tt.dayMin, tt.s, tt.prior)
			if got := errField(err); got != tt.wantField {
				t.Errorf("CheckUse(%+v) = %v (field %q), want field %q", tt.u, err, got, tt.wantField)
			}
		})
	}
}

func TestCheckUseMessage(t *testing.T) {
	summer := typeByCode(t, CodeSummer)
	var prior []Use
	for i := range 5 {
		prior = append(prior, Use{Date: date(2025, 7, 1+i), Type: CodeSummer, Unit: UnitDay, Amount: DaysAmount(1)})
	}
	err := summer.CheckUse(Use{Date: date(2025, 8, 1), Type: CodeSummer, Unit: UnitDay, Amount: DaysAmount(1)}, kintai.Regular, 465, DefaultSettings(), prior)
	ja, en := kintai.ErrorMessages(err)
	if want := "夏季休暇の上限（暦年5日）を超えます（取得済み5日、今回1日）。"; ja != want {
		t.Errorf("Japanese message = %q, want %q", ja, want)
	}
	if !strings.Contains(en, "taken 5d, asked 1d") {
		t.Errorf("English message = %q, want it to give the days taken and asked", en)
	}
}

func TestPaidFor(t *testing.T) {
	care := typeByCode(t, "childcare_time")
	tests := []struct {
		name string
		e    kintai.EmploymentType
		want bool
	}{
		{"regular", kintai.Regular, true},
		{"fiscal full-time", kintai.FiscalFull, true},
		{"fiscal part-time", kintai.FiscalPart, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := care.PaidFor(tt.e); got != tt.want {
				t.Errorf("育児時間.PaidFor(%s) = %v, want %v", tt.e, got, tt.want)
			}
		})
	}
}
