package rules

import (
	"testing"
	"time"

	"kintai"
)

// forecastMay returns May 2025 day by day (Saturdays rest, Sundays the
// designated rest day, the 5th and 6th holidays), with ot[day] minutes of
// overtime.
func forecastMay(ot map[int]int) []DayResult {
	var days []DayResult
	for d := 1; d <= 31; d++ {
		kind := Workday
		switch may(d).Weekday() {
		case time.Saturday:
			kind = RestDay
		case time.Sunday:
			kind = DesignatedRestDay
		}
		if d == 5 || d == 6 {
			kind = Holiday
		}
		days = append(days, DayResult{Date: may(d), Kind: kind, OvertimeMin: ot[d]})
	}
	return days
}

func TestForecast(t *testing.T) {
	// Working days up to the 9th: 1, 2, 7, 8, 9. After it: 12–16, 19–23, 26–30.
	tests := []struct {
		name   string
		ot     map[int]int
		today  int
		limit  int
		reach  bool // the cap must stay under limit (100 h 未満)
		want   kintai.Date
		wantOK bool
	}{
		{
			// 900 + 180 × j > 2,700 first at j = 11; at j = 10 it is 2,700 exactly.
			name: "3 h a day passes 45 h on the 26th", ot: map[int]int{1: 180, 2: 180, 7: 180, 8: 180, 9: 180},
			today: 9, limit: 2700, want: may(26), wantOK: true,
		},
		{
			// 1,000 over 3 days: 1,000 × (3 + j) > 2,700 × 3 first at j = 6.
			name: "uneven pace is exact", ot: map[int]int{1: 400, 2: 300, 7: 300},
			today: 7, limit: 2700, want: may(15), wantOK: true,
		},
		{
			// 240 on Saturday counts in the pace, not in the days: 540 over 5
			// days, 540 × (5 + j) > 1,500 × 5 first at j = 9. Without it, 300
			// over 5 days would never pass 1,500 this month.
			name: "rest-day work raises the pace", ot: map[int]int{1: 60, 2: 60, 3: 240, 7: 60, 8: 60, 9: 60},
			today: 9, limit: 1500, want: may(22), wantOK: true,
		},
		{
			name: "without rest-day work", ot: map[int]int{1: 60, 2: 60, 7: 60, 8: 60, 9: 60},
			today: 9, limit: 1500,
		},
		{
			name: "already over", ot: map[int]int{1: 1500, 2: 1300, 7: 100},
			today: 7, limit: 2700, want: may(2), wantOK: true,
		},
		{
			name: "slow pace does not reach", ot: map[int]int{1: 60, 2: 60, 7: 60, 8: 60, 9: 60},
			today: 9, limit: 2700,
		},
		{
			name: "no overtime yet", ot: map[int]int{}, today: 9, limit: 2700,
		},
		{
			name: "no working day yet", ot: map[int]int{}, today: 0, limit: 2700,
		},
		{
			// 300 a day over 20 working days ends at 6,000 exactly.
			name: "at the limit is not over", ot: map[int]int{1: 300, 2: 300, 7: 300, 8: 300, 9: 300},
			today: 9, limit: 6000,
		},
		{
			// 100 h 未満: 6,000 exactly on the 30th (1,500 + 300 × 15) is over.
			name: "exactly 100 h on the last day is over", ot: map[int]int{1: 300, 2: 300, 7: 300, 8: 300, 9: 300},
			today: 9, limit: 6000, reach: true, want: may(30), wantOK: true,
		},
		{
			// The first case's pace reaches 2,700 exactly on the 23rd.
			name: "reaching a cap that must stay under is over", ot: map[int]int{1: 180, 2: 180, 7: 180, 8: 180, 9: 180},
			today: 9, limit: 2700, reach: true, want: may(23), wantOK: true,
		},
		{
			name: "already at 100 h", ot: map[int]int{1: 3000, 2: 2000, 7: 1000},
			today: 8, limit: 6000, reach: true, want: may(7), wantOK: true,
		},
		{
			name: "already at 45 h is not yet over", ot: map[int]int{1: 1500, 2: 1200},
			today: 2, limit: 2700, want: may(7), wantOK: true,
		},
		{
			name: "one minute under the total passes on the last day", ot: map[int]int{1: 300, 2: 300, 7: 300, 8: 300, 9: 300},
			today: 9, limit: 5999, want: may(30), wantOK: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			today := may(tt.today)
			c := MonthCap{Min: tt.limit, Reach: tt.reach}
			got, ok := Forecast(forecastMay(tt.ot), today, c)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Forecast(%v, %s, %+v) = %s, %v, want %s, %v", tt.ot, today, c, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestForecastMessage(t *testing.T) {
	tests := []struct {
		name   string
		day    int
		limit  int
		ja, en string
	}{
		{"45 h on the 19th", 19, 2700, "このペースでは19日に45時間を超えます", "At this pace, 45 h is passed on the 19th"},
		{"1st", 1, 2700, "このペースでは1日に45時間を超えます", "At this pace, 45 h is passed on the 1st"},
		{"2nd", 2, 2700, "このペースでは2日に45時間を超えます", "At this pace, 45 h is passed on the 2nd"},
		{"3rd", 3, 2700, "このペースでは3日に45時間を超えます", "At this pace, 45 h is passed on the 3rd"},
		{"11th", 11, 2700, "このペースでは11日に45時間を超えます", "At this pace, 45 h is passed on the 11th"},
		{"12th", 12, 2700, "このペースでは12日に45時間を超えます", "At this pace, 45 h is passed on the 12th"},
		{"13th", 13, 2700, "このペースでは13日に45時間を超えます", "At this pace, 45 h is passed on the 13th"},
		{"21st", 21, 2700, "このペースでは21日に45時間を超えます", "At this pace, 45 h is passed on the 21st"},
		{"22nd", 22, 2700, "このペースでは22日に45時間を超えます", "At this pace, 45 h is passed on the 22nd"},
		{"23rd", 23, 2700, "このペースでは23日に45時間を超えます", "At this pace, 45 h is passed on the 23rd"},
		{"31st", 31, 2700, "このペースでは31日に45時間を超えます", "At this pace, 45 h is passed on the 31st"},
		{"minutes", 20, 36*60 + 30, "このペースでは20日に36時間30分を超えます", "At this pace, 36 h 30 min is passed on the 20th"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ja, en := ForecastMessage(may(tt.day), MonthCap{Min: tt.limit})
			if ja != tt.ja || en != tt.en {
				t.Errorf("ForecastMessage(%d, %d) = %q, %q, want %q, %q", tt.day, tt.limit, ja, en, tt.ja, tt.en)
			}
		})
	}
}

func TestForecastMessageReach(t *testing.T) {
	ja, en := ForecastMessage(may(21), MonthCapOf(CapHeteronomous))
	if ja != "このペースでは21日に100時間に達します" || en != "At this pace, 100 h is reached on the 21st" {
		t.Errorf("ForecastMessage(21, 他律) = %q, %q", ja, en)
	}
}

func TestMonthCapOf(t *testing.T) {
	for _, tt := range []struct {
		p    CapProfile
		want MonthCap
	}{
		{CapAutonomous, MonthCap{Min: 45 * 60}},
		{CapLabor36, MonthCap{Min: 45 * 60}},
		{CapHeteronomous, MonthCap{Min: 100 * 60, Reach: true}},
	} {
		if got := MonthCapOf(tt.p); got != tt.want {
			t.Errorf("MonthCapOf(%s) = %+v, want %+v", tt.p, got, tt.want)
		}
	}
}
