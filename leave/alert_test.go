package leave

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"kintai"
)

func TestFiveDayAlert(t *testing.T) {
	yearEnd := date(2026, 3, 31)
	type got struct {
		Level    string
		Short    string
		DaysLeft int
	}
	tests := []struct {
		name      string
		grantDays int
		used      Amount
		dayMin    int
		asOf      kintai.Date
		want      *got
	}{
		{"TC-AL-08 3 of 10 days taken in January", 10, DaysAmount(3), 465, date(2026, 1, 1), &got{LevelNotice, "2日", 90}},
		{"5 days taken", 20, DaysAmount(5), 465, date(2026, 1, 1), nil},
		{"granted fewer than 10", 9, DaysAmount(0), 465, date(2026, 1, 1), nil},
		{"hours count as the caller decides", 10, Amount{4, 240}, 465, date(2026, 3, 31), &got{LevelNotice, "3時間45分", 1}},
		{"part-timer's days", 10, Amount{4, 180}, 360, date(2026, 3, 1), &got{LevelNotice, "3時間", 31}},
		{"year ended short", 20, DaysAmount(2), 465, date(2026, 4, 1), &got{LevelOverdue, "3日", 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, ok := FiveDayAlert(tt.grantDays, tt.used, tt.dayMin, yearEnd, tt.asOf)
			var g *got
			if ok {
				g = &got{a.Level, a.Short.String(), a.DaysLeft}
				if a.Code != AlertFiveDays || a.Message == "" || a.MessageEn == "" || a.YearEnd != yearEnd {
					t.Errorf("FiveDayAlert() = %+v, want code, messages and year end", a)
				}
			}
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("FiveDayAlert(%d, %v, %d, %v, %v) mismatch (-want +got):\n%s", tt.grantDays, tt.used, tt.dayMin, yearEnd, tt.asOf, diff)
			}
		})
	}
}

func TestFiveDayPolicyOff(t *testing.T) {
	p := DefaultFiveDayPolicy()
	p.Enabled = false
	if a, ok := p.Check(20, Amount{}, 465, date(2026, 3, 31), date(2026, 4, 1)); ok {
		t.Errorf("Check() with the policy off = %+v, want no alert", a)
	}
}

func TestFiveDayAlertMessage(t *testing.T) {
	a, _ := FiveDayAlert(10, DaysAmount(3), 465, date(2026, 3, 31), date(2026, 1, 1))
	if want := "年次休暇の取得が5日に届いていません（取得3日）。2026-03-31までの残り90日であと2日の取得が必要です。"; a.Message != want {
		t.Errorf("Message = %q, want %q", a.Message, want)
	}
}
