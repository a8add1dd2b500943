package leave

import (
	"testing"
	"time"

	"kintai"
)

func date(y int, m time.Month, d int) kintai.Date { return kintai.Date{Year: y, Month: m, Day: d} }

func TestAmountArithmetic(t *testing.T) {
	tests := []struct {
		name   string
		a, b   Amount
		dayMin int
		sub    bool
		want   string
	}{
		{"TC-AL-02 20 days less 3 hours", DaysAmount(20), MinutesAmount(180), 465, true, "19日4時間45分"},
		{"TC-AL-02 then 5 hours more", Amount{19, 285}, MinutesAmount(300), 465, true, "18日7時間30分"},
		{"hours add up to a day", Amount{0, 285}, MinutesAmount(180), 465, false, "1日"},
		{"part-timer's 6-hour day", DaysAmount(10), MinutesAmount(180), 360, true, "9日3時間"},
		{"the last 45 minutes", Amount{0, 45}, MinutesAmount(45), 465, true, "0日"},
		{"overdrawn", Amount{0, 60}, DaysAmount(1), 465, true, "-6時間45分"},
		{"overdrawn by more than a day", DaysAmount(1), Amount{2, 120}, 465, true, "-1日2時間"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Amount
			if tt.sub {
				got = tt.a.Sub(tt.b, tt.dayMin)
			} else {
				got = tt.a.Add(tt.b, tt.dayMin)
			}
			if got.String() != tt.want {
				t.Errorf("%v ± %v (day %d) = %v (%#v), want %s", tt.a, tt.b, tt.dayMin, got, got, tt.want)
			}
		})
	}
}

func TestAmountFormat(t *testing.T) {
	tests := []struct {
		name    string
		a       Amount
		ja, en  string
		minutes int
	}{
		{"zero", Amount{}, "0日", "0d", 0},
		{"days", DaysAmount(20), "20日", "20d", 9300},
		{"days hours minutes", Amount{19, 285}, "19日4時間45分", "19d 4h 45m", 9120},
		{"hours", MinutesAmount(240), "4時間", "4h", 240},
		{"minutes", MinutesAmount(45), "45分", "45m", 45},
		{"days and minutes", Amount{1, 15}, "1日15分", "1d 15m", 480},
		{"not normalised prints as stored", MinutesAmount(465), "7時間45分", "7h 45m", 465},
		{"negative", Amount{-1, -120}, "-1日2時間", "-1d 2h", -585},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.String(); got != tt.ja {
				t.Errorf("%#v.String() = %q, want %q", tt.a, got, tt.ja)
			}
			if got := tt.a.English(); got != tt.en {
				t.Errorf("%#v.English() = %q, want %q", tt.a, got, tt.en)
			}
			if got := tt.a.Minutes(465); got != tt.minutes {
				t.Errorf("%#v.Minutes(465) = %d, want %d", tt.a, got, tt.minutes)
			}
		})
	}
}

func TestFromMinutes(t *testing.T) {
	tests := []struct {
		name          string
		total, dayMin int
		want          Amount
	}{
		{"TC-AL-02", 9120, 465, Amount{19, 285}},
		{"exact days", 930, 465, Amount{2, 0}},
		{"under a day", 464, 465, Amount{0, 464}},
		{"negative", -500, 465, Amount{-1, -35}},
		{"no day length keeps minutes", 500, 0, Amount{0, 500}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FromMinutes(tt.total, tt.dayMin); got != tt.want {
				t.Errorf("FromMinutes(%d, %d) = %#v, want %#v", tt.total, tt.dayMin, got, tt.want)
			}
		})
	}
}

func TestDayMinutes(t *testing.T) {
	weekly := DefaultSettings()
	weekly.PartTimeBasis = BasisWeekly
	tests := []struct {
		name    string
		terms   Terms
		s       Settings
		want    int
		wantErr bool
	}{
		{"full-time 7h45m", Terms{EmploymentType: kintai.Regular, DaysPerWeek: 5, WeeklyMin: 2325, DailyMin: 465}, DefaultSettings(), 465, false},
		{"full-time by employment type", Terms{EmploymentType: kintai.FiscalFull}, DefaultSettings(), 465, false},
		{"part-timer's own 6-hour day", Terms{EmploymentType: kintai.FiscalPart, DaysPerWeek: 5, WeeklyMin: 1800, DailyMin: 360}, DefaultSettings(), 360, false},
		{"part-timer 4 days of 7h45m", Terms{EmploymentType: kintai.ReappointedShort, DaysPerWeek: 4, WeeklyMin: 1860, DailyMin: 465}, DefaultSettings(), 465, false},
		{"weekly basis (福島県) 29 h", Terms{EmploymentType: kintai.FiscalPart, DaysPerWeek: 4, WeeklyMin: 1740, DailyMin: 435}, weekly, 348, false},
		{"days of different lengths fall back to weekly", Terms{EmploymentType: kintai.FiscalPart, DaysPerWeek: 4, WeeklyMin: 1740}, DefaultSettings(), 348, false},
		{"weekly basis rounds to the nearest minute", Terms{EmploymentType: kintai.FiscalPart, WeeklyMin: 1202}, weekly, 240, false},
		{"part-timer without hours", Terms{EmploymentType: kintai.FiscalPart}, DefaultSettings(), 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DayMinutes(tt.terms, tt.s)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("DayMinutes(%+v) = %d, %v, want %d, error %v", tt.terms, got, err, tt.want, tt.wantErr)
			}
			if err != nil && kintai.ErrorCode(err) != kintai.EINVALID {
				t.Errorf("DayMinutes(%+v) error code = %s, want %s", tt.terms, kintai.ErrorCode(err), kintai.EINVALID)
			}
		})
	}
}

func TestHalfDays(t *testing.T) {
	split := DefaultSettings()
	split.MorningMin = 225
	tests := []struct {
		name                       string
		s                          Settings
		dayMin                     int
		wantMorning, wantAfternoon int
	}{
		{"half of a part-timer's 6-hour day", DefaultSettings(), 360, 180, 180},
		{"7h45m splits into whole minutes", DefaultSettings(), 465, 232, 233},
		{"entity's own split", split, 465, 225, 240},
		{"entity's split is for the full day only", split, 360, 180, 180},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, a := tt.s.HalfDays(tt.dayMin)
			if m != tt.wantMorning || a != tt.wantAfternoon {
				t.Errorf("HalfDays(%d) = %d, %d, want %d, %d", tt.dayMin, m, a, tt.wantMorning, tt.wantAfternoon)
			}
			if m+a != tt.dayMin {
				t.Errorf("HalfDays(%d) = %d + %d, want a whole day", tt.dayMin, m, a)
			}
		})
	}
}

func TestMonths(t *testing.T) {
	tests := []struct {
		name        string
		from, to    kintai.Date
		wantUpTo    int
		wantReached int
	}{
		{"TC-AL-03 4/1 to 12/31 is 9 months", date(2025, 4, 1), date(2025, 12, 31), 9, 8},
		{"10/1 to 3/31 is 6 months", date(2025, 10, 1), date(2026, 3, 31), 6, 5},
		{"4/1 to 3/31 is a year", date(2025, 4, 1), date(2026, 3, 31), 12, 11},
		{"4/2 to 12/31 is over 8 months", date(2025, 4, 2), date(2025, 12, 31), 9, 8},
		{"one day", date(2025, 12, 31), date(2025, 12, 31), 1, 0},
		{"1/31 plus a month ends at the end of February", date(2025, 1, 31), date(2025, 2, 28), 1, 0},
		{"1/31 to 3/1 is over a month", date(2025, 1, 31), date(2025, 3, 1), 2, 1},
		{"years", date(2019, 4, 1), date(2025, 10, 1), 79, 78},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := monthsUpTo(tt.from, tt.to); got != tt.wantUpTo {
				t.Errorf("monthsUpTo(%v, %v) = %d, want %d", tt.from, tt.to, got, tt.wantUpTo)
			}
			if got := monthsReached(tt.from, tt.to); got != tt.wantReached {
				t.Errorf("monthsReached(%v, %v) = %d, want %d", tt.from, tt.to, got, tt.wantReached)
			}
		})
	}
}

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		name      string
		change    func(*Settings)
		wantField string
	}{
		{"defaults", func(*Settings) {}, ""},
		{"no day", func(s *Settings) { s.DayMin = 0 }, "day_min"},
		{"week shorter than a day", func(s *Settings) { s.WeekMin = 400 }, "week_min"},
		{"unknown basis", func(s *Settings) { s.PartTimeBasis = "monthly" }, "part_time_basis"},
		{"morning a whole day", func(s *Settings) { s.MorningMin = 465 }, "morning_min"},
		{"negative carry", func(s *Settings) { s.CarryMaxDays = -1 }, "carry_max_days"},
		{"month 13", func(s *Settings) { s.FiscalYearStart = 13 }, "fiscal_year_start"},
		{"uplift over 100", func(s *Settings) { s.CompUpliftRest = 101 }, "comp_uplift"},
		{"no window", func(s *Settings) { s.CompWindowMonths = 0 }, "comp_window_months"},
		{"unit over a day", func(s *Settings) { s.CompUnitMin = 480 }, "comp_unit_min"},
		{"negative target", func(s *Settings) { s.FiveDay.TargetDays = -1 }, "five_day"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := DefaultSettings()
			tt.change(&s)
			if got := errField(s.Validate()); got != tt.wantField {
				t.Errorf("Validate() field = %q, want %q", got, tt.wantField)
			}
		})
	}
}

// errField returns the field of a *kintai.Error, "-" for another error and
// "" for nil.
func errField(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := err.(*kintai.Error); ok {
		return e.Field
	}
	return "-"
}
