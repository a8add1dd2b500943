package calendar

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
)

func date(y int, m time.Month, d int) kintai.Date { return kintai.Date{Year: y, Month: m, Day: d} }

func dates(days []Day) []kintai.Date {
	var ds []kintai.Date
	for _, d := range days {
		ds = append(ds, d.Date)
	}
	return ds
}

var ireinohi = []Day{
	{Date: date(2024, 6, 23), Name: "慰霊の日", Kind: Entity},
	{Date: date(2025, 6, 23), Name: "慰霊の日", Kind: Entity},
}

func TestLookup(t *testing.T) {
	noYearEnd := DefaultOptions()
	noYearEnd.YearEnd = false
	shortYearEnd := Options{YearEnd: true, YearEndFrom: MonthDay{12, 28}, YearEndTo: MonthDay{12, 31}}
	tests := []struct {
		name   string
		opts   Options
		d      kintai.Date
		want   Day
		wantOK bool
	}{
		{"元日 stays national within 年末年始", DefaultOptions(), date(2025, 1, 1), nat(2025, 1, 1, "元日"), true},
		{"年末年始 weekday", DefaultOptions(), date(2024, 12, 30), Day{date(2024, 12, 30), "年末年始", YearEnd}, true},
		{"年末年始 first day on a Sunday", DefaultOptions(), date(2024, 12, 29), Day{date(2024, 12, 29), "年末年始", YearEnd}, true},
		{"年末年始 last day", DefaultOptions(), date(2025, 1, 3), Day{date(2025, 1, 3), "年末年始", YearEnd}, true},
		{"day before 年末年始", DefaultOptions(), date(2024, 12, 28), Day{}, false},
		{"day after 年末年始", DefaultOptions(), date(2025, 1, 4), Day{}, false},
		{"振替休日 on 1/2 is national", DefaultOptions(), date(2023, 1, 2), nat(2023, 1, 2, "休日"), true},
		{"TC-CAL-03 振替休日", DefaultOptions(), date(2024, 9, 23), nat(2024, 9, 23, "休日"), true},
		{"entity day", DefaultOptions(), date(2025, 6, 23), ireinohi[1], true},
		{"ordinary day", DefaultOptions(), date(2025, 6, 24), Day{}, false},
		{"年末年始 off", noYearEnd, date(2024, 12, 30), Day{}, false},
		{"年末年始 off keeps 元日", noYearEnd, date(2025, 1, 1), nat(2025, 1, 1, "元日"), true},
		{"range without wrap, inside", shortYearEnd, date(2024, 12, 28), Day{date(2024, 12, 28), "年末年始", YearEnd}, true},
		{"range without wrap, outside", shortYearEnd, date(2025, 1, 2), Day{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(tt.opts, Builtin(), ireinohi)
			got, ok := c.Lookup(tt.d)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Lookup(%v) = %+v, %v, want %+v, %v", tt.d, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestRange(t *testing.T) {
	c := New(DefaultOptions(), Builtin())
	got := c.Range(date(2024, 12, 28), date(2025, 1, 14))
	want := []Day{
		{date(2024, 12, 29), "年末年始", YearEnd},
		{date(2024, 12, 30), "年末年始", YearEnd},
		{date(2024, 12, 31), "年末年始", YearEnd},
		nat(2025, 1, 1, "元日"),
		{date(2025, 1, 2), "年末年始", YearEnd},
		{date(2025, 1, 3), "年末年始", YearEnd},
		nat(2025, 1, 13, "成人の日"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Range(2024-12-28, 2025-01-14) mismatch (-want +got):\n%s", diff)
	}
	if got := c.Range(date(2025, 1, 2), date(2025, 1, 1)); got != nil {
		t.Errorf("Range(to before from) = %v, want nil", got)
	}
}

func TestThrough(t *testing.T) {
	tests := []struct {
		name string
		c    *Calendar
		want kintai.Date
	}{
		{"builtin", New(DefaultOptions(), Builtin()), date(2027, 12, 31)},
		{"entity days only", New(DefaultOptions(), ireinohi), kintai.Date{}},
		{"upload extends", New(DefaultOptions(), Builtin()).Merge([]Day{nat(2028, 1, 1, "元日")}), date(2028, 12, 31)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.Through(); got != tt.want {
				t.Errorf("Through() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMerge(t *testing.T) {
	old := New(DefaultOptions(), Builtin(), ireinohi)
	// An upload for 2025 in which 7/21 moved (as in 2020): every national
	// day of 2025 not in it goes, other years and entity days stay.
	upload := []Day{nat(2025, 1, 1, "元日"), nat(2025, 7, 24, "海の日")}
	c := old.Merge(upload)

	got := dates(c.Range(date(2025, 1, 1), date(2025, 12, 31)))
	want := []kintai.Date{
		date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 3), // 年末年始 computed
		date(2025, 6, 23), // entity day kept
		date(2025, 7, 24), // uploaded
		date(2025, 12, 29), date(2025, 12, 30), date(2025, 12, 31),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Merge(2025 upload).Range(2025) mismatch (-want +got):\n%s", diff)
	}
	if _, ok := c.Lookup(date(2024, 7, 15)); !ok {
		t.Error("Merge(2025 upload) dropped 2024-07-15 海の日, want other years kept")
	}
	if _, ok := old.Lookup(date(2025, 7, 21)); !ok {
		t.Error("Merge changed the calendar it was called on")
	}

	// Entity days replace entity days of their years only.
	c = old.Merge([]Day{{Date: date(2025, 5, 30), Name: "市民の日", Kind: Entity}})
	if h, _ := c.Lookup(date(2025, 6, 23)); h.Kind == Entity {
		t.Errorf("Merge(2025 entity days).Lookup(2025-06-23) = %+v, want the old entity day gone", h)
	}
	if h, _ := c.Lookup(date(2024, 6, 23)); h != ireinohi[0] {
		t.Errorf("Merge(2025 entity days).Lookup(2024-06-23) = %+v, want %+v", h, ireinohi[0])
	}
	if h, _ := c.Lookup(date(2025, 5, 5)); h.Kind != National {
		t.Errorf("Merge(2025 entity days).Lookup(2025-05-05) = %+v, want national days kept", h)
	}
}

// TestCountHolidays covers TC-CAL-01 and the day count of TC-HR-02.
func TestCountHolidays(t *testing.T) {
	c := New(DefaultOptions(), Builtin(), ireinohi)
	fy2024From, fy2024To := FiscalYear(date(2024, 4, 1), time.April)
	fy2025From, fy2025To := FiscalYear(date(2026, 3, 31), time.April)
	noYearEnd := New(Options{}, Builtin())
	tests := []struct {
		name     string
		c        *Calendar
		from, to kintai.Date
		rule     string
		want     int
	}{
		// TC-CAL-01 and TC-HR-02: 2,015 − 7.75 × 18 = 1,875.5 hours.
		{"TC-CAL-01 FY2024 weekdays (Mie)", c, fy2024From, fy2024To, RuleWeekdays, 18},
		{"FY2025 weekdays (Mie)", c, fy2025From, fy2025To, RuleWeekdays, 19},
		// FY2024 adds the five Sunday 祝日 5/5, 8/11, 9/22, 11/3, 2/23.
		{"FY2024 not_saturday (大河原町)", c, fy2024From, fy2024To, RuleNotSaturday, 23},
		// FY2025: Sunday 祝日 5/4, 11/23; 1/3 is a Saturday.
		{"FY2025 not_saturday (大河原町)", c, fy2025From, fy2025To, RuleNotSaturday, 21},
		{"年末年始 off", noYearEnd, fy2024From, fy2024To, RuleWeekdays, 14},
		{"one weekday holiday", c, date(2024, 9, 23), date(2024, 9, 23), RuleWeekdays, 1},
		{"Sunday 祝日, weekdays", c, date(2024, 9, 22), date(2024, 9, 22), RuleWeekdays, 0},
		{"Sunday 祝日, not_saturday", c, date(2024, 9, 22), date(2024, 9, 22), RuleNotSaturday, 1},
		{"Saturday 祝日, not_saturday", c, date(2024, 11, 23), date(2024, 11, 23), RuleNotSaturday, 0},
		{"Sunday 年末年始, not_saturday", c, date(2024, 12, 29), date(2024, 12, 29), RuleNotSaturday, 0},
		{"weekday entity day not counted", c, date(2025, 6, 23), date(2025, 6, 23), RuleWeekdays, 0},
		{"empty range", c, date(2025, 1, 2), date(2025, 1, 1), RuleWeekdays, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.c.CountHolidays(tt.from, tt.to, tt.rule)
			if err != nil || got != tt.want {
				t.Errorf("CountHolidays(%v, %v, %q) = %d, %v, want %d", tt.from, tt.to, tt.rule, got, err, tt.want)
			}
		})
	}
}

// TestCountHolidaysFY2024List checks the exact days of TC-CAL-01.
func TestCountHolidaysFY2024List(t *testing.T) {
	c := New(DefaultOptions(), Builtin())
	var got []kintai.Date
	for _, h := range c.Range(FiscalYear(date(2024, 10, 1), time.April)) {
		if wd := h.Date.Weekday(); wd != time.Saturday && wd != time.Sunday {
			got = append(got, h.Date)
		}
	}
	want := []kintai.Date{
		date(2024, 4, 29), date(2024, 5, 3), date(2024, 5, 6), date(2024, 7, 15),
		date(2024, 8, 12), date(2024, 9, 16), date(2024, 9, 23), date(2024, 10, 14),
		date(2024, 11, 4), date(2024, 12, 30), date(2024, 12, 31), date(2025, 1, 1),
		date(2025, 1, 2), date(2025, 1, 3), date(2025, 1, 13), date(2025, 2, 11),
		date(2025, 2, 24), date(2025, 3, 20),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FY2024 weekday holidays mismatch (-want +got):\n%s", diff)
	}
}

func TestCountHolidaysUnknownRule(t *testing.T) {
	c := New(DefaultOptions(), Builtin())
	n, err := c.CountHolidays(date(2024, 4, 1), date(2025, 3, 31), "mondays")
	if code := kintai.ErrorCode(err); code != kintai.EINVALID || n != 0 {
		t.Errorf("CountHolidays(rule mondays) = %d, %v, want 0 and an %s error", n, err, kintai.EINVALID)
	}
}

func TestFiscalYear(t *testing.T) {
	tests := []struct {
		name     string
		d        kintai.Date
		start    time.Month
		from, to kintai.Date
	}{
		{"first day", date(2024, 4, 1), time.April, date(2024, 4, 1), date(2025, 3, 31)},
		{"last day", date(2025, 3, 31), time.April, date(2024, 4, 1), date(2025, 3, 31)},
		{"leap February", date(2024, 2, 29), time.April, date(2023, 4, 1), date(2024, 3, 31)},
		{"calendar year", date(2025, 7, 1), time.January, date(2025, 1, 1), date(2025, 12, 31)},
		{"December start", date(2025, 11, 30), time.December, date(2024, 12, 1), date(2025, 11, 30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to := FiscalYear(tt.d, tt.start)
			if from != tt.from || to != tt.to {
				t.Errorf("FiscalYear(%v, %v) = %v, %v, want %v, %v", tt.d, tt.start, from, to, tt.from, tt.to)
			}
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name      string
		opts      Options
		wantField string // "" for valid
	}{
		{"default", DefaultOptions(), ""},
		{"off with no range", Options{}, ""},
		{"on with no range", Options{YearEnd: true}, "year_end_from"},
		{"29 February", Options{YearEnd: true, YearEndFrom: MonthDay{2, 29}, YearEndTo: MonthDay{3, 1}}, ""},
		{"31 November", Options{YearEnd: true, YearEndFrom: MonthDay{12, 29}, YearEndTo: MonthDay{11, 31}}, "year_end_to"},
		{"month 13", Options{YearEnd: true, YearEndFrom: MonthDay{13, 1}, YearEndTo: MonthDay{1, 3}}, "year_end_from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			field := ""
			if e, ok := err.(*kintai.Error); ok {
				field = e.Field
			} else if err != nil {
				t.Fatalf("Validate() = %v, want a *kintai.Error", err)
			}
			if field != tt.wantField {
				t.Errorf("Validate() = %v, want field %q", err, tt.wantField)
			}
		})
	}
}
