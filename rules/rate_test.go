package rules

import "testing"

func TestHourlyRate(t *testing.T) {
	municipal := DefaultSettings()
	municipal.HourlyFormula = FormulaMunicipal
	noWeek := DefaultSettings()
	noWeek.WeeklyMin = 0
	tests := []struct {
		name     string
		s        Settings
		monthly  int64
		holidays int
		want     int64
	}{
		// 275,000 × 12 ÷ 2,015 = 1,637.717…
		{"TC-HR-01 national", DefaultSettings(), 275000, 0, 1638},
		{"national ignores holidays", DefaultSettings(), 275000, 18, 1638},
		// 3,300,000 ÷ (2,015 − 7.75 × 18 = 1,875.5) = 1,759.53…
		{"TC-HR-02 municipal N=18", municipal, 275000, 18, 1760},
		{"municipal N=0 is national", municipal, 275000, 0, 1638},
		// 200,000 × 12 ÷ 2,015 = 1,191.06 → dropped
		{"under 50 sen dropped", DefaultSettings(), 200000, 0, 1191},
		// 201,000 × 12 ÷ 2,015 = 1,197.02; 201,100 → 1,197.617 → up
		{"over 50 sen up", DefaultSettings(), 201100, 0, 1198},
		{"no divisor", noWeek, 275000, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HourlyRate(tt.s, tt.monthly, tt.holidays); got != tt.want {
				t.Errorf("HourlyRate(%s, %d, %d) = %d, want %d", tt.s.HourlyFormula, tt.monthly, tt.holidays, got, tt.want)
			}
		})
	}
}

func TestUnitYen(t *testing.T) {
	// TC-HR-04 on 1,638 yen.
	tests := []struct {
		name string
		pct  int
		want int64
	}{
		{"125: 2,047.5 up", 125, 2048},
		{"135: 2,211.3 dropped", 135, 2211},
		{"150: 2,457 exact", 150, 2457},
		{"160: 2,620.8 up", 160, 2621},
		{"175: 2,866.5 up", 175, 2867},
		{"night 25: 409.5 up", 25, 410},
		{"100", 100, 1638},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := UnitYen(1638, tt.pct); got != tt.want {
				t.Errorf("UnitYen(1638, %d) = %d, want %d", tt.pct, got, tt.want)
			}
		})
	}
}

func TestRoundYen(t *testing.T) {
	tests := []struct {
		name     string
		num, den int64
		want     int64
	}{
		{"49 sen dropped", 10049, 100, 100},
		{"50 sen up", 10050, 100, 101},
		{"49.9 sen dropped", 100499, 1000, 100},
		{"exact", 300, 100, 3},
		{"negative half", -10050, 100, -101},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RoundYen(tt.num, tt.den); got != tt.want {
				t.Errorf("RoundYen(%d, %d) = %d, want %d", tt.num, tt.den, got, tt.want)
			}
		})
	}
}

func TestRoundHours(t *testing.T) {
	tests := []struct {
		name          string
		min, roundMin int
		want          int
	}{
		{"TC-OT-06 10h29m", 629, 30, 10},
		{"TC-OT-06 10h30m", 630, 30, 11},
		{"whole hours", 600, 30, 10},
		{"29 min", 29, 30, 0},
		{"59 min", 59, 30, 1},
		{"zero", 0, 30, 0},
		{"negative", -40, 30, 0},
		{"round any remainder up", 601, 0, 11},
		{"round none up", 659, 60, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RoundHours(tt.min, tt.roundMin); got != tt.want {
				t.Errorf("RoundHours(%d, %d) = %d, want %d", tt.min, tt.roundMin, got, tt.want)
			}
		})
	}
}
