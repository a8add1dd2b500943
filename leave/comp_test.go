package leave

import (
	"testing"
	"time"

	"kintai"
)

func TestOvertimeCompMin(t *testing.T) {
	tests := []struct {
		name                string
		workdayMin, restMin int
		want                int
	}{
		{"16 h beyond 60 on weekdays → 4 h", 16 * 60, 0, 240},
		{"10 h on Saturdays → 1h30m", 0, 10 * 60, 90},
		{"both", 16 * 60, 10 * 60, 330},
		{"fractions of a minute dropped", 61, 0, 15},
		{"none", 0, 0, 0},
		{"negative input is none", -60, 0, 0},
	}
	s := DefaultSettings()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.OvertimeCompMin(tt.workdayMin, tt.restMin); got != tt.want {
				t.Errorf("OvertimeCompMin(%d, %d) = %d, want %d", tt.workdayMin, tt.restMin, got, tt.want)
			}
		})
	}
}

func TestCompWindow(t *testing.T) {
	tests := []struct {
		name     string
		year     int
		month    time.Month
		from, to kintai.Date
	}{
		{"April → May and June", 2025, time.April, date(2025, 5, 1), date(2025, 6, 30)},
		{"December → into the next year", 2025, time.December, date(2026, 1, 1), date(2026, 2, 28)},
		{"December 2027 → to the leap February", 2027, time.December, date(2028, 1, 1), date(2028, 2, 29)},
	}
	s := DefaultSettings()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to := s.CompWindow(tt.year, tt.month)
			if from != tt.from || to != tt.to {
				t.Errorf("CompWindow(%d, %v) = %v, %v, want %v, %v", tt.year, tt.month, from, to, tt.from, tt.to)
			}
		})
	}
}

func TestCheckCompUse(t *testing.T) {
	tests := []struct {
		name                 string
		ask, leftMin, dayMin int
		wantField            string
	}{
		{"4 hours", 240, 240, 465, ""},
		{"a whole day", 465, 600, 465, ""},
		{"a part-timer's 6-hour day", 360, 400, 360, ""},
		{"the last 3 hours, annual leave making up the unit", 180, 180, 465, ""},
		{"3 hours while 4 are left", 180, 300, 465, "amount"},
		{"less than all of a short remainder", 60, 180, 465, "amount"},
		{"5 hours is no unit", 300, 300, 465, "amount"},
		{"nothing", 0, 180, 465, "amount"},
	}
	s := DefaultSettings()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.CheckCompUse(tt.ask, tt.leftMin, tt.dayMin)
			if got := errField(err); got != tt.wantField {
				t.Errorf("CheckCompUse(%d, %d, %d) = %v (field %q), want field %q", tt.ask, tt.leftMin, tt.dayMin, err, got, tt.wantField)
			}
		})
	}
}

// TestCompLedger keeps each month's 超勤代休時間 in a ledger: it expires
// with its window, and uses take any minutes.
func TestCompLedger(t *testing.T) {
	s := DefaultSettings()
	l := NewCompLedger(465, s)
	l.Grants = []Grant{
		s.OvertimeCompGrant(2025, time.April, 16*60, 0),  // 4 h, May–June
		s.OvertimeCompGrant(2025, time.May, 15*60, 0),    // 3h45m, June–July
		s.OvertimeCompGrant(2025, time.June, 0, 10*60+1), // 1h30m, July–August
	}
	if l.Grants[0].ExpiresOn != date(2025, 6, 30) || l.Grants[0].Amount != MinutesAmount(240) {
		t.Fatalf("OvertimeCompGrant(April) = %+v, want 4 hours to 2025-06-30", l.Grants[0])
	}
	june := Use{Date: date(2025, 6, 2), Type: CodeOvertimeComp, Unit: UnitHour, Amount: MinutesAmount(225)}
	// The 225 minutes are drawn from April's hours first (they expire first).
	if err := l.Add(june); err != nil {
		t.Fatalf("Add(%+v) = %v", june, err)
	}
	b, err := l.Balance(date(2025, 7, 1))
	if err != nil {
		t.Fatalf("Balance() = %v", err)
	}
	// April's 15 minutes left lapsed on 6/30; May's 3h45m and June's 1h30m remain.
	if want := MinutesAmount(315).Normalize(465); b.Remaining != want {
		t.Errorf("Balance(2025-07-01).Remaining = %v, want %v", b.Remaining, want)
	}
	if err := l.Check(Use{Date: date(2025, 9, 1), Type: CodeOvertimeComp, Unit: UnitHour, Amount: MinutesAmount(60)}); errField(err) != "amount" {
		t.Errorf("Check(use after every window) = %v, want an error on amount", err)
	}
}
