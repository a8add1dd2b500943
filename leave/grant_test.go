package leave

import (
	"testing"
	"time"

	"kintai"
)

func TestGrantNational(t *testing.T) {
	tests := []struct {
		name   string
		joined kintai.Date
		year   int
		want   Amount
	}{
		{"TC-AL-03 hired 4/1: 9 months → 15", date(2025, 4, 1), 2025, DaysAmount(15)},
		{"in service all year", date(2019, 4, 1), 2025, DaysAmount(20)},
		{"hired 1/1", date(2025, 1, 1), 2025, DaysAmount(20)},
		{"hired 1/2: over 11 months", date(2025, 1, 2), 2025, DaysAmount(20)},
		{"hired 2/1: 11 months", date(2025, 2, 1), 2025, DaysAmount(18)},
		{"hired 4/2: over 8 months", date(2025, 4, 2), 2025, DaysAmount(15)},
		{"hired 7/1: 6 months", date(2025, 7, 1), 2025, DaysAmount(10)},
		{"hired 11/30: over 1 month", date(2025, 11, 30), 2025, DaysAmount(3)},
		{"hired 12/1: 1 month", date(2025, 12, 1), 2025, DaysAmount(2)},
		{"hired 12/31: 1 day", date(2025, 12, 31), 2025, DaysAmount(2)},
		{"not yet hired", date(2026, 1, 1), 2025, Amount{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := GrantNational(tt.joined, tt.year); got != tt.want {
				t.Errorf("GrantNational(%v, %d) = %v, want %v", tt.joined, tt.year, got, tt.want)
			}
		})
	}
}

func TestLaborStandardsFloor(t *testing.T) {
	tests := []struct {
		name                                        string
		months, daysPerWeek, weeklyMin, daysPerYear int
		want                                        int
	}{
		{"TC-AL-04 4 days, 28 h, 6 months", 6, 4, 28 * 60, 0, 7},
		{"TC-AL-04 4 days, 30 h: not proportional", 6, 4, 30 * 60, 0, 10},
		{"TC-AL-04 3 days at 3.5 years", 42, 3, 18 * 60, 0, 8},
		{"before 6 months", 5, 5, 2325, 0, 0},
		{"full-time at 1.5 years", 18, 5, 2325, 0, 11},
		{"full-time just before 1.5 years", 17, 5, 2325, 0, 10},
		{"full-time at 6.5 years", 78, 5, 2325, 0, 20},
		{"full-time at 20 years", 240, 5, 2325, 0, 20},
		{"5 short days a week are not proportional", 6, 5, 20 * 60, 0, 10},
		{"1 day a week at 6.5 years", 78, 1, 6 * 60, 0, 3},
		{"2 days at 2.5 years", 30, 2, 12 * 60, 0, 4},
		{"200 days a year, not set weekly", 6, 0, 25 * 60, 200, 7},
		{"217 days a year is full", 6, 0, 25 * 60, 217, 10},
		{"48 days a year", 6, 0, 10 * 60, 48, 1},
		{"47 days a year", 6, 0, 10 * 60, 47, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LaborStandardsFloor(tt.months, tt.daysPerWeek, tt.weeklyMin, tt.daysPerYear); got != tt.want {
				t.Errorf("LaborStandardsFloor(%d, %d, %d, %d) = %d, want %d", tt.months, tt.daysPerWeek, tt.weeklyMin, tt.daysPerYear, got, tt.want)
			}
		})
	}
}

func TestGrantFiscalAppointee(t *testing.T) {
	first := func(from, to kintai.Date, days, weeklyMin int) Appointment {
		return Appointment{ServiceFrom: from, TermFrom: from, TermTo: to, DaysPerWeek: days, WeeklyMin: weeklyMin}
	}
	later := func(service kintai.Date, fy, days, weeklyMin int) Appointment {
		return Appointment{ServiceFrom: service, TermFrom: date(fy, 4, 1), TermTo: date(fy+1, 3, 31), DaysPerWeek: days, WeeklyMin: weeklyMin}
	}
	tests := []struct {
		name string
		a    Appointment
		want FiscalGrant
	}{
		{"TC-AL-05 5 days, 4/1–3/31", first(date(2025, 4, 1), date(2026, 3, 31), 5, 2325),
			FiscalGrant{Days: 10, TableDays: 10, FloorDays: 10, TermMonths: 12}},
		{"TC-AL-05 3 days, 4/1–3/31", first(date(2025, 4, 1), date(2026, 3, 31), 3, 3*465),
			FiscalGrant{Days: 5, TableDays: 5, FloorDays: 5, TermMonths: 12}},
		{"TC-AL-05 5 days, 10/1–3/31 (6 months)", first(date(2025, 10, 1), date(2026, 3, 31), 5, 2325),
			FiscalGrant{Days: 7, TableDays: 7, FloorDays: 0, TermMonths: 6}},
		{"4 days and 29 h count as full", first(date(2025, 4, 1), date(2026, 3, 31), 4, 29*60),
			FiscalGrant{Days: 10, TableDays: 10, FloorDays: 7, TermMonths: 12}},
		{"4 days under 29 h", first(date(2025, 4, 1), date(2026, 3, 31), 4, 28*60),
			FiscalGrant{Days: 7, TableDays: 7, FloorDays: 7, TermMonths: 12}},
		{"3 months, 2 days", first(date(2025, 4, 1), date(2025, 6, 30), 2, 10*60),
			FiscalGrant{Days: 0, TableDays: 0, FloorDays: 0, TermMonths: 3}},
		{"over 3 months, 2 days", first(date(2025, 4, 1), date(2025, 7, 1), 2, 10*60),
			FiscalGrant{Days: 1, TableDays: 1, FloorDays: 0, TermMonths: 4}},
		{"one month gets nothing", first(date(2025, 4, 1), date(2025, 4, 30), 5, 2325),
			FiscalGrant{TermMonths: 1}},
		{"second year, 5 days", later(date(2025, 4, 1), 2026, 5, 2325),
			FiscalGrant{Days: 11, TableDays: 11, FloorDays: 11, YearsSinceFirst: 1}},
		{"second year after a 10/1 start", later(date(2025, 10, 1), 2026, 5, 2325),
			FiscalGrant{Days: 11, TableDays: 11, FloorDays: 10, YearsSinceFirst: 1}},
		{"third year, 3 days", later(date(2025, 4, 1), 2027, 3, 3*465),
			FiscalGrant{Days: 6, TableDays: 6, FloorDays: 6, YearsSinceFirst: 2}},
		{"tenth year, 5 days", later(date(2016, 4, 1), 2025, 5, 2325),
			FiscalGrant{Days: 20, TableDays: 20, FloorDays: 20, YearsSinceFirst: 9}},
		{"労基法 floor beats the table: 3 days of 10 h", first(date(2025, 4, 1), date(2026, 3, 31), 3, 30*60),
			FiscalGrant{Days: 10, TableDays: 5, FloorDays: 10, TermMonths: 12}},
		{"days not set weekly: 200 a year", Appointment{ServiceFrom: date(2025, 4, 1), TermFrom: date(2025, 4, 1), TermTo: date(2026, 3, 31), WeeklyMin: 25 * 60, DaysPerYear: 200},
			FiscalGrant{Days: 7, TableDays: 7, FloorDays: 7, TermMonths: 12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := GrantFiscalAppointee(tt.a, time.April)
			if err != nil || got != tt.want {
				t.Errorf("GrantFiscalAppointee(%+v) = %+v, %v, want %+v", tt.a, got, err, tt.want)
			}
		})
	}
}

func TestGrantFiscalAppointeeInvalid(t *testing.T) {
	ok := Appointment{ServiceFrom: date(2025, 4, 1), TermFrom: date(2025, 4, 1), TermTo: date(2026, 3, 31), DaysPerWeek: 5, WeeklyMin: 2325}
	tests := []struct {
		name      string
		change    func(*Appointment)
		wantField string
	}{
		{"past the fiscal year", func(a *Appointment) { a.TermTo = date(2026, 4, 30) }, "term_to"},
		{"ends before it starts", func(a *Appointment) { a.TermTo = date(2025, 3, 31) }, "term_to"},
		{"no term", func(a *Appointment) { a.TermFrom = kintai.Date{} }, "term"},
		{"service after the term starts", func(a *Appointment) { a.ServiceFrom = date(2025, 5, 1) }, "service_from"},
		{"8 days a week", func(a *Appointment) { a.DaysPerWeek = 8 }, "days_per_week"},
		{"no days at all", func(a *Appointment) { a.DaysPerWeek, a.WeeklyMin = 0, 0 }, "days_per_week"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := ok
			tt.change(&a)
			_, err := GrantFiscalAppointee(a, time.April)
			if got := errField(err); got != tt.wantField {
				t.Errorf("GrantFiscalAppointee(%+v) error field = %q (%v), want %q", a, got, err, tt.wantField)
			}
		})
	}
}

func TestDaysPerYearFromTerm(t *testing.T) {
	tests := []struct {
		name         string
		days, months int
		want         int
	}{
		{"100 days in 6 months", 100, 6, 200},
		{"fractions dropped", 50, 7, 85},
		{"no months", 50, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DaysPerYearFromTerm(tt.days, tt.months); got != tt.want {
				t.Errorf("DaysPerYearFromTerm(%d, %d) = %d, want %d", tt.days, tt.months, got, tt.want)
			}
		})
	}
}
