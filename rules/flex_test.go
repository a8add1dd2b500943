package rules

import (
	"strings"
	"testing"

	"kintai"
)

// dayFlexPlan is a 4-week plan from Monday 2025-04-07: every weekday
// 8:30–17:15 with a 12:00–13:00 break, 20 × 7h45m = 155h00m.
func dayFlexPlan() map[kintai.Date]DayShift {
	plan := map[kintai.Date]DayShift{}
	for i := range 28 {
		d := dayMon.AddDays(i)
		if i%7 < 5 {
			plan[d] = DayShift{Hours: Span{dayHM(8, 30), dayHM(17, 15)}, Breaks: []Span{{dayHM(12, 0), dayHM(13, 0)}}}
		}
	}
	return plan
}

func TestValidateFlexPlan(t *testing.T) {
	p := dayFlexPattern()
	day2 := dayMon.AddDays(1)
	// Moving 135 minutes from day 2 to day 1 keeps the total.
	long := func(breaks ...Span) func(map[kintai.Date]DayShift) {
		return func(plan map[kintai.Date]DayShift) {
			plan[dayMon] = DayShift{Hours: Span{dayHM(8, 0), dayHM(19, 0)}, Breaks: breaks} // 11 h span
			plan[day2] = DayShift{Hours: Span{dayHM(9, 0), dayHM(14, 30)}}                  // 5h30m
		}
	}
	tests := []struct {
		name  string
		edit  func(map[kintai.Date]DayShift)
		lines []string // English lines expected in the error, nil for valid
	}{
		{"TC-FLEX-01 4 weeks of 155h00m", nil, nil},
		{"TC-FLEX-01 one minute short", func(plan map[kintai.Date]DayShift) {
			plan[dayMon] = DayShift{Hours: Span{dayHM(8, 30), dayHM(17, 14)}, Breaks: []Span{{dayHM(12, 0), dayHM(13, 0)}}}
		}, []string{"total 154h59m, not the required 155h00m"}},
		{"a day off leaves the total short", func(plan map[kintai.Date]DayShift) { plan[dayMon] = DayShift{Off: true} },
			[]string{"total 147h15m, not the required 155h00m"}},
		{"TC-BRK-06 8:00-19:00 with 12:00-13:00 leaves runs of 4 h and 6 h", long(Span{dayHM(12, 0), dayHM(13, 0)}), nil},
		{"TC-BRK-06 45-minute break allowed", func(plan map[kintai.Date]DayShift) {
			long(Span{dayHM(12, 0), dayHM(12, 45)})(plan)
			plan[day2] = DayShift{Hours: Span{dayHM(9, 0), dayHM(14, 15)}}
		}, nil},
		{"TC-BRK-06 run of 7 h", long(Span{dayHM(15, 0), dayHM(16, 0)}),
			[]string{"2025-04-07: breaks must total at least 45 minutes"}},
		{"TC-BRK-06 no break", func(plan map[kintai.Date]DayShift) {
			plan[dayMon] = DayShift{Hours: Span{dayHM(8, 0), dayHM(18, 0)}}
			plan[day2] = DayShift{Hours: Span{dayHM(9, 0), dayHM(14, 30)}}
		}, []string{"2025-04-07: breaks must total at least 45 minutes"}},
		{"TC-BRK-06 breaks of 30 minutes in short runs", func(plan map[kintai.Date]DayShift) {
			plan[dayMon] = DayShift{Hours: Span{dayHM(8, 0), dayHM(16, 15)}, Breaks: []Span{{dayHM(12, 0), dayHM(12, 30)}}}
		}, []string{"2025-04-07: breaks must total at least 45 minutes"}},
		{"6h30m without a break is allowed", func(plan map[kintai.Date]DayShift) {
			plan[dayMon] = DayShift{Hours: Span{dayHM(8, 0), dayHM(14, 30)}}
			plan[day2] = DayShift{Hours: Span{dayHM(8, 0), dayHM(18, 0)}, Breaks: []Span{{dayHM(12, 0), dayHM(13, 0)}}}
		}, nil},
		{"outside the band and missing the core", func(plan map[kintai.Date]DayShift) {
			plan[dayMon] = DayShift{Hours: Span{dayHM(6, 30), dayHM(9, 45)}}
			plan[day2] = DayShift{Hours: Span{dayHM(9, 0), dayHM(22, 30)}, Breaks: []Span{{dayHM(12, 0), dayHM(13, 0)}, {dayHM(17, 0), dayHM(18, 45)}}}
		}, []string{
			"2025-04-07: the hours 6:30–9:45 leave the flexible band 7:00–22:00.",
			"2025-04-07: the hours 6:30–9:45 do not cover the core time 10:00–14:00.",
			"2025-04-07: 3h15m of regular hours is less than the least daily hours, 4h00m.",
			"2025-04-08: the hours 9:00–22:30 leave the flexible band 7:00–22:00.",
			"total 153h30m, not the required 155h00m",
		}},
		{"day outside the unit period", func(plan map[kintai.Date]DayShift) {
			plan[dayMon.AddDays(28)] = DayShift{Hours: Span{dayHM(9, 0), dayHM(14, 0)}}
		}, []string{"2025-05-05: outside the unit period 2025-04-07 to 2025-05-04."}},
		{"day before the unit period", func(plan map[kintai.Date]DayShift) {
			plan[daySun] = DayShift{Off: true}
		}, []string{"2025-04-06: outside the unit period"}},
		{"invalid hours", func(plan map[kintai.Date]DayShift) {
			plan[dayMon] = DayShift{Hours: Span{dayHM(17, 0), dayHM(8, 0)}}
		}, []string{"2025-04-07: The hours must end after it starts.", "total 147h15m"}},
		{"break outside hours", func(plan map[kintai.Date]DayShift) {
			plan[dayMon] = DayShift{Hours: Span{dayHM(8, 30), dayHM(17, 15)}, Breaks: []Span{{dayHM(17, 0), dayHM(18, 0)}}}
		}, []string{"2025-04-07: The break 17:00–18:00 is outside the hours 8:30–17:15.", "total 147h15m"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := dayFlexPlan()
			if tt.edit != nil {
				tt.edit(plan)
			}
			err := ValidateFlexPlan(p, dayMon, plan)
			if tt.lines == nil {
				if err != nil {
					t.Fatalf("ValidateFlexPlan(...) = %v, want nil", err)
				}
				return
			}
			e := dayCheckInvalid(t, err, "plan")
			got := strings.Split(e.MessageEN, "\n")
			if ja := strings.Split(e.Message, "\n"); len(ja) != len(got) {
				t.Errorf("ValidateFlexPlan(...) has %d Japanese lines and %d English ones:\n%s\n%s", len(ja), len(got), e.Message, e.MessageEN)
			}
			if len(got) != len(tt.lines) {
				t.Errorf("ValidateFlexPlan(...) = %d lines, want %d:\n%s", len(got), len(tt.lines), e.MessageEN)
			}
			for i, want := range tt.lines {
				if i < len(got) && !strings.Contains(got[i], want) {
					t.Errorf("ValidateFlexPlan(...) line %d = %q, want it to contain %q", i, got[i], want)
				}
			}
		})
	}
}

func TestValidateFlexPlanPattern(t *testing.T) {
	if err := ValidateFlexPlan(dayFixedPattern(), dayMon, dayFlexPlan()); kintai.ErrorCode(err) != kintai.EINVALID {
		t.Errorf("ValidateFlexPlan(fixed pattern) = %v, want invalid", err)
	}
	p := dayFlexPattern()
	p.UnitWeeks = 0
	dayCheckInvalid(t, ValidateFlexPlan(p, dayMon, dayFlexPlan()), "unit_weeks")
	// A one-week unit of 38h45m.
	p = dayFlexPattern()
	p.UnitWeeks, p.RequiredMin = 1, 2325
	week := map[kintai.Date]DayShift{}
	for d, ds := range dayFlexPlan() {
		if d.Before(dayMon.AddDays(7)) {
			week[d] = ds
		}
	}
	if err := ValidateFlexPlan(p, dayMon, week); err != nil {
		t.Errorf("ValidateFlexPlan(one week) = %v, want nil", err)
	}
}
