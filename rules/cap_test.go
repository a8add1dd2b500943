package rules

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
)

// capRun builds consecutive months from (y, m), one per value in hours
// and minutes ("h*60+m"), all with profile p.
func capRun(y int, m time.Month, p CapProfile, mins ...int) []CapMonth {
	out := make([]CapMonth, len(mins))
	for i, v := range mins {
		d := kintai.NewDate(y, m+time.Month(i), 1)
		out[i] = CapMonth{Year: d.Year, Month: d.Month, Profile: p, OvertimeMin: v}
	}
	return out
}

func capJoin(runs ...[]CapMonth) []CapMonth {
	var out []CapMonth
	for _, r := range runs {
		out = append(out, r...)
	}
	return out
}

func capHours(h ...int) []int {
	out := make([]int, len(h))
	for i, v := range h {
		out[i] = v * 60
	}
	return out
}

func capRepeat(h, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = h * 60
	}
	return out
}

// capGot is the part of an alert the table compares.
type capGot struct {
	Code, Level             string
	Value, Limit            int
	Window, Count, CountLim int
	Due                     kintai.Date
}

func TestCheckCaps(t *testing.T) {
	auto, het, l36 := CapAutonomous, CapHeteronomous, CapLabor36
	moved := capJoin(capRun(2025, time.April, het, capHours(90, 90, 90)...),
		capRun(2025, time.July, auto, capRepeat(44, 6)...))
	labor := func(total, rest int) []CapMonth {
		return []CapMonth{{Year: 2025, Month: time.May, Profile: l36, OvertimeMin: total * 60, RestDesignatedMin: rest * 60}}
	}
	special := func(y int, m time.Month, h int) []CapMonth {
		return []CapMonth{{Year: y, Month: m, Profile: het, OvertimeMin: h * 60, Special: true}}
	}
	tests := []struct {
		name   string
		s      func(*Settings)
		months []CapMonth
		want   []capGot
	}{
		{
			name:   "TC-CAP-01 autonomous 44 then 46",
			months: capRun(2025, time.April, auto, capHours(44, 46)...),
			want:   []capGot{{Code: "month_45", Level: "breach", Value: 2760, Limit: 2700}},
		},
		{
			name:   "autonomous 44 is a notice",
			months: capRun(2025, time.April, auto, capHours(44)...),
			want:   []capGot{{Code: "month_45", Level: "notice", Value: 2640, Limit: 2700}},
		},
		{
			name:   "autonomous 45h00m is allowed",
			months: capRun(2025, time.April, auto, 2700),
			want:   []capGot{{Code: "month_45", Level: "notice", Value: 2700, Limit: 2700}},
		},
		{
			name:   "notice at 80 %: 36 h of 45",
			months: capRun(2025, time.April, auto, 36*60),
			want:   []capGot{{Code: "month_45", Level: "notice", Value: 2160, Limit: 2700}},
		},
		{
			name:   "35h59m is under 80 %",
			months: capRun(2025, time.April, auto, 36*60-1),
			want:   nil,
		},
		{
			name:   "no notices when AlertShare is 0",
			s:      func(s *Settings) { s.AlertShare = 0 },
			months: capRun(2025, time.April, auto, capHours(44)...),
			want:   nil,
		},
		{
			name:   "TC-CAP-02 autonomous year 361",
			months: capRun(2025, time.April, auto, append(capRepeat(33, 10), 31*60)...),
			want:   []capGot{{Code: "year_360", Level: "breach", Value: 361 * 60, Limit: 360 * 60}},
		},
		{
			name:   "autonomous year 360 is a notice",
			months: capRun(2025, time.April, auto, append(capRepeat(33, 10), 30*60)...),
			want:   []capGot{{Code: "year_360", Level: "notice", Value: 360 * 60, Limit: 360 * 60}},
		},
		{
			name:   "last fiscal year does not count",
			months: capRun(2024, time.April, auto, capRepeat(33, 13)...),
			want:   nil,
		},
		{
			name:   "fiscal year from May",
			s:      func(s *Settings) { s.FiscalYearStart = time.May },
			months: capRun(2024, time.April, auto, capRepeat(33, 13)...),
			want:   []capGot{{Code: "year_360", Level: "breach", Value: 396 * 60, Limit: 360 * 60}},
		},
		{
			name:   "TC-CAP-03 heteronomous 100h00m",
			months: capRun(2025, time.April, het, 6000),
			want: []capGot{
				{Code: "month_100", Level: "breach", Value: 6000, Limit: 6000},
				{Code: "doctor_100", Level: "doctor", Value: 6000, Limit: 6000},
			},
		},
		{
			name:   "TC-CAP-03 heteronomous 99h59m",
			months: capRun(2025, time.April, het, 5999),
			want:   []capGot{{Code: "month_100", Level: "notice", Value: 5999, Limit: 6000}},
		},
		{
			name:   "TC-CAP-04 heteronomous 85 and 76",
			months: capRun(2025, time.April, het, capHours(85, 76)...),
			want: []capGot{
				{Code: "avg_80", Level: "breach", Value: 4830, Limit: 4800, Window: 2},
				{Code: "doctor_80", Level: "doctor", Value: 4830, Limit: 4800, Window: 2},
			},
		},
		{
			name:   "TC-CAP-04 heteronomous 85 and 75",
			months: capRun(2025, time.April, het, capHours(85, 75)...),
			want:   []capGot{{Code: "avg_80", Level: "notice", Value: 4800, Limit: 4800, Window: 2}},
		},
		{
			name:   "the worst window is reported",
			months: capRun(2025, time.April, het, capHours(95, 90, 30, 70)...),
			want:   []capGot{{Code: "avg_80", Level: "notice", Value: 4275, Limit: 4800, Window: 4}},
		},
		{
			name:   "averages cross the fiscal year",
			months: capRun(2025, time.March, het, capHours(90, 80)...),
			want: []capGot{
				{Code: "month_100", Level: "notice", Value: 4800, Limit: 6000},
				{Code: "avg_80", Level: "breach", Value: 5100, Limit: 4800, Window: 2},
				{Code: "doctor_80", Level: "doctor", Value: 5100, Limit: 4800, Window: 2},
			},
		},
		{
			name:   "heteronomous 4th month over 45",
			months: capRun(2025, time.April, het, capRepeat(50, 4)...),
			want:   nil,
		},
		{
			name:   "heteronomous 5th month over 45",
			months: capRun(2025, time.April, het, capRepeat(50, 5)...),
			want:   []capGot{{Code: "months_over_45", Level: "notice", Value: 3000, Limit: 2700, Count: 5, CountLim: 6}},
		},
		{
			name:   "heteronomous 6th month over 45",
			months: capRun(2025, time.April, het, capRepeat(50, 6)...),
			want:   []capGot{{Code: "months_over_45", Level: "notice", Value: 3000, Limit: 2700, Count: 6, CountLim: 6}},
		},
		{
			name:   "TC-CAP-06 heteronomous 7th month over 45",
			months: capRun(2025, time.April, het, capRepeat(50, 7)...),
			want:   []capGot{{Code: "months_over_45", Level: "breach", Value: 3000, Limit: 2700, Count: 7, CountLim: 6}},
		},
		{
			name:   "months over 45 of last year do not count",
			months: capRun(2025, time.January, het, capRepeat(50, 7)...),
			want:   nil,
		},
		{
			name:   "a month under 45 is not counted",
			months: capRun(2025, time.April, het, append(capRepeat(50, 6), 40*60)...),
			want:   nil,
		},
		{
			name: "TC-CAP-07 heteronomous year 721",
			months: capRun(2025, time.April, het,
				append(append(capRepeat(80, 6), capRepeat(40, 5)...), 41*60)...),
			want: []capGot{{Code: "year_720", Level: "breach", Value: 721 * 60, Limit: 720 * 60}},
		},
		{
			name:   "TC-CAP-08 special month",
			months: special(2025, time.August, 120),
			want: []capGot{
				{Code: "special", Level: "info", Value: 7200, Due: kintai.NewDate(2026, time.September, 30)},
				{Code: "doctor_100", Level: "doctor", Value: 7200, Limit: 6000},
			},
		},
		{
			name:   "TC-CAP-08 special in March",
			months: special(2026, time.March, 30),
			want:   []capGot{{Code: "special", Level: "info", Value: 1800, Due: kintai.NewDate(2026, time.September, 30)}},
		},
		{
			name:   "TC-CAP-08 special in April",
			months: special(2026, time.April, 30),
			want:   []capGot{{Code: "special", Level: "info", Value: 1800, Due: kintai.NewDate(2027, time.September, 30)}},
		},
		{
			name:   "TC-CAP-09 doctor at 100 h",
			months: capRun(2025, time.April, auto, capHours(100)...),
			want: []capGot{
				{Code: "month_45", Level: "breach", Value: 6000, Limit: 2700},
				{Code: "doctor_100", Level: "doctor", Value: 6000, Limit: 6000},
			},
		},
		{
			name:   "36協定 rest-day work outside 45",
			months: labor(50, 10),
			want:   []capGot{{Code: "month_45", Level: "notice", Value: 2400, Limit: 2700}},
		},
		{
			name:   "36協定 rest-day work inside 100",
			months: labor(95, 10),
			want: []capGot{
				{Code: "month_45", Level: "breach", Value: 5100, Limit: 2700},
				{Code: "month_100", Level: "notice", Value: 5700, Limit: 6000},
			},
		},
		{
			name:   "36協定 100 h with rest-day work",
			months: labor(100, 20),
			want: []capGot{
				{Code: "month_45", Level: "breach", Value: 4800, Limit: 2700},
				{Code: "month_100", Level: "breach", Value: 6000, Limit: 6000},
				{Code: "doctor_100", Level: "doctor", Value: 6000, Limit: 6000},
			},
		},
		{
			name: "36協定 year without rest-day work",
			months: func() []CapMonth {
				ms := capRun(2025, time.April, l36, capRepeat(35, 11)...)
				for i := range ms {
					ms[i].RestDesignatedMin = 5 * 60
				}
				return ms
			}(),
			// 11 × 30 = 330 of 360.
			want: []capGot{{Code: "year_360", Level: "notice", Value: 330 * 60, Limit: 360 * 60}},
		},
		{
			name:   "moved to autonomous: within 30 h × 9",
			months: moved,
			want: []capGot{
				{Code: "month_45", Level: "notice", Value: 2640, Limit: 2700},
				{Code: "after_move_total", Level: "notice", Value: 264 * 60, Limit: 270 * 60},
			},
		},
		{
			name:   "moved to autonomous: over 30 h × 9",
			months: capJoin(moved, capRun(2026, time.January, auto, capHours(10)...)),
			want:   []capGot{{Code: "after_move_total", Level: "breach", Value: 274 * 60, Limit: 270 * 60}},
		},
		{name: "no months", months: nil, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := DefaultSettings()
			if tt.s != nil {
				tt.s(&s)
			}
			var got []capGot
			for _, a := range CheckCaps(s, tt.months) {
				got = append(got, capGot{a.Code, a.Level, a.ValueMin, a.LimitMin, a.WindowMonths, a.Count, a.CountLimit, a.DueDate})
				last := tt.months[len(tt.months)-1]
				if a.Year != last.Year || a.Month != last.Month || a.Message == "" || a.MessageEn == "" {
					t.Errorf("CheckCaps(%s): alert %s for %d-%d with messages %q, %q, want %d-%d with both",
						tt.name, a.Code, a.Year, a.Month, a.Message, a.MessageEn, last.Year, last.Month)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CheckCaps(%s): (-want +got)\n%s", tt.name, diff)
			}
		})
	}
}

func TestCheckCapsMessages(t *testing.T) {
	s := DefaultSettings()
	tests := []struct {
		name   string
		months []CapMonth
		want   [][2]string
	}{
		{
			name:   "breach",
			months: capRun(2025, time.April, CapAutonomous, capHours(44, 46)...),
			want:   [][2]string{{"月の超過勤務が46時間で、上限45時間を超えています。", "Overtime this month is 46 h, over the cap of 45 h."}},
		},
		{
			name:   "notice",
			months: capRun(2025, time.April, CapAutonomous, 36*60+30),
			want:   [][2]string{{"月の超過勤務が36時間30分で、上限45時間の80%に達しました。", "Overtime this month is 36 h 30 min, 80% of the cap of 45 h."}},
		},
		{
			name:   "under 100",
			months: capRun(2025, time.April, CapHeteronomous, 6000),
			want: [][2]string{
				{"月の超過勤務が100時間で、上限（100時間未満）に達しています。", "Overtime this month is 100 h; the cap is under 100 h."},
				{"月の超過勤務が100時間です。医師による面接指導の対象です（100時間以上）。", "Overtime this month is 100 h: a doctor's interview is required (100 h or more)."},
			},
		},
		{
			name:   "special",
			months: []CapMonth{{Year: 2025, Month: time.August, Profile: CapAutonomous, OvertimeMin: 600, Special: true}},
			want: [][2]string{{"特例業務の月です。上限は適用されません。2026年9月30日までに超過勤務の要因の整理・分析・検証を行ってください。",
				"A month of special work (特例業務): the caps do not apply. Review the causes of the overtime by 2026-09-30."}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got [][2]string
			for _, a := range CheckCaps(s, tt.months) {
				got = append(got, [2]string{a.Message, a.MessageEn})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CheckCaps(%s) messages: (-want +got)\n%s", tt.name, diff)
			}
		})
	}
}
