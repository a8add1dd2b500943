package calendar

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
)

// oneOff are the holidays set by special laws rather than by 祝日法 第2条,
// with the names the Cabinet Office's file gives them.
var oneOff = map[kintai.Date]string{
	{Year: 1959, Month: 4, Day: 10}:  "結婚の儀",     // 皇太子明仁親王の結婚の儀
	{Year: 1989, Month: 2, Day: 24}:  "大喪の礼",     // 昭和天皇の大喪の礼
	{Year: 1990, Month: 11, Day: 12}: "即位礼正殿の儀",  // 明仁天皇の即位礼正殿の儀
	{Year: 1993, Month: 6, Day: 9}:   "結婚の儀",     // 皇太子徳仁親王の結婚の儀
	{Year: 2019, Month: 5, Day: 1}:   "休日（祝日扱い）", // 天皇の即位の日
	{Year: 2019, Month: 10, Day: 22}: "休日（祝日扱い）", // 徳仁天皇の即位礼正殿の儀
}

// nthMonday returns the day of the month of the nth Monday of m (ハッピーマンデー).
func nthMonday(y int, m time.Month, n int) int {
	first := kintai.Date{Year: y, Month: m, Day: 1}.Weekday()
	return 1 + (int(time.Monday)-int(first)+7)%7 + 7*(n-1)
}

// equinoxes returns the days of March and September of 春分の日 and
// 秋分の日 by the usual approximation of the 国立天文台's figures
// (valid 1900–2099). Go's integer division truncates, as the formula wants.
func equinoxes(y int) (spring, autumn int) {
	f := 0.242194 * float64(y-1980)
	if y < 1980 {
		leap := float64((y - 1983) / 4)
		return int(20.8357 + f - leap), int(23.2588 + f - leap)
	}
	leap := float64((y - 1980) / 4)
	return int(20.8431 + f - leap), int(23.2488 + f - leap)
}

// statutory computes the national holidays of year y (1955–2099) from the
// rules of 祝日法 as amended over the years, the special laws of 2019 to
// 2021 and the one-off days, named as the Cabinet Office names them.
func statutory(y int) []Day {
	holiday := make(map[kintai.Date]string) // 国民の祝日
	add := func(m time.Month, d int, name string) {
		holiday[kintai.Date{Year: y, Month: m, Day: d}] = name
	}
	add(1, 1, "元日")
	if y < 2000 {
		add(1, 15, "成人の日")
	} else {
		add(1, nthMonday(y, 1, 2), "成人の日")
	}
	if y >= 1967 {
		add(2, 11, "建国記念の日")
	}
	switch {
	case y <= 1988:
		add(4, 29, "天皇誕生日")
	case y <= 2018:
		add(12, 23, "天皇誕生日")
	case y >= 2020: // none in 2019
		add(2, 23, "天皇誕生日")
	}
	spring, autumn := equinoxes(y)
	add(3, spring, "春分の日")
	switch {
	case y >= 2007:
		add(4, 29, "昭和の日")
		add(5, 4, "みどりの日")
	case y >= 1989:
		add(4, 29, "みどりの日")
	}
	add(5, 3, "憲法記念日")
	add(5, 5, "こどもの日")
	switch { // 2020 and 2021: moved for the Tokyo Olympics by special laws
	case y == 2020:
		add(7, 23, "海の日")
	case y == 2021:
		add(7, 22, "海の日")
	case y >= 2003:
		add(7, nthMonday(y, 7, 3), "海の日")
	case y >= 1996:
		add(7, 20, "海の日")
	}
	switch {
	case y == 2020:
		add(8, 10, "山の日")
	case y == 2021:
		add(8, 8, "山の日")
	case y >= 2016:
		add(8, 11, "山の日")
	}
	switch {
	case y >= 2003:
		add(9, nthMonday(y, 9, 3), "敬老の日")
	case y >= 1966:
		add(9, 15, "敬老の日")
	}
	add(9, autumn, "秋分の日")
	switch {
	case y == 2020:
		add(7, 24, "スポーツの日")
	case y == 2021:
		add(7, 23, "スポーツの日")
	case y >= 2022:
		add(10, nthMonday(y, 10, 2), "スポーツの日")
	case y == 2019: // renamed from 2020; the file marks the change
		add(10, nthMonday(y, 10, 2), "体育の日（スポーツの日）")
	case y >= 2000:
		add(10, nthMonday(y, 10, 2), "体育の日")
	case y >= 1966:
		add(10, 10, "体育の日")
	}
	add(11, 3, "文化の日")
	add(11, 23, "勤労感謝の日")
	for d, name := range oneOff {
		if d.Year == y {
			holiday[d] = name
		}
	}

	rest := make(map[kintai.Date]bool) // 休日 under 第3条第2項・第3項
	// 第3条第2項 (振替休日, from 1973-04-12): a 祝日 on a Sunday makes the
	// next day a holiday; from 2007, the next day that is not a 祝日.
	for d := range holiday {
		if d.Weekday() != time.Sunday || d.Before(kintai.Date{Year: 1973, Month: 4, Day: 12}) {
			continue
		}
		next := d.AddDays(1)
		for y >= 2007 && holiday[next] != "" {
			next = next.AddDays(1)
		}
		if holiday[next] == "" {
			rest[next] = true
		}
	}
	// 第3条第3項 (国民の休日, from 1985-12-27): a day between two 祝日;
	// until 2006 not a Sunday nor a 振替休日.
	for d := (kintai.Date{Year: y, Month: 1, Day: 1}); d.Year == y; d = d.AddDays(1) {
		if holiday[d] != "" || rest[d] || d.Before(kintai.Date{Year: 1985, Month: 12, Day: 27}) ||
			(y < 2007 && d.Weekday() == time.Sunday) {
			continue
		}
		if holiday[d.AddDays(-1)] != "" && holiday[d.AddDays(1)] != "" {
			rest[d] = true
		}
	}

	var days []Day
	for d, name := range holiday {
		days = append(days, Day{Date: d, Name: name, Kind: National})
	}
	for d := range rest {
		days = append(days, Day{Date: d, Name: "休日", Kind: National})
	}
	sortDays(days)
	return days
}

// TestBuiltinMatchesStatute recomputes every year of the built-in file
// from the rules, so that a slip in either shows.
func TestBuiltinMatchesStatute(t *testing.T) {
	byYear := make(map[int][]Day)
	for _, d := range Builtin() {
		byYear[d.Date.Year] = append(byYear[d.Date.Year], d)
	}
	for y := 1955; y <= 2027; y++ {
		if diff := cmp.Diff(statutory(y), byYear[y]); diff != "" {
			t.Errorf("Builtin() for %d differs from the 祝日法 rules (-rules +builtin):\n%s", y, diff)
		}
		delete(byYear, y)
	}
	for y := range byYear {
		t.Errorf("Builtin() has days in %d, want 1955–2027 only", y)
	}
}

func TestStatutoryKnownDays(t *testing.T) {
	// Spot checks of the rules themselves, against the dates the Cabinet
	// Office lists (rules-jp.md §8), so that the generator is not only
	// checked against the data it checks.
	tests := []struct {
		name string
		day  Day
	}{
		{"TC-CAL-03 振替休日 for 秋分の日 on a Sunday", nat(2024, 9, 23, "休日")},
		{"2024 秋分 falls on the 22nd", nat(2024, 9, 22, "秋分の日")},
		{"2009 シルバーウィーク 国民の休日", nat(2009, 9, 22, "休日")},
		{"2008 振替 skips a 祝日 (from 2007)", nat(2008, 5, 6, "休日")},
		{"2021 山の日 moved to a Sunday, 振替 on Monday", nat(2021, 8, 9, "休日")},
		{"1973 first 振替休日", nat(1973, 4, 30, "休日")},
		{"1988 first 国民の休日", nat(1988, 5, 4, "休日")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found := false
			for _, d := range statutory(tt.day.Date.Year) {
				if d == tt.day {
					found = true
				}
			}
			if !found {
				t.Errorf("statutory(%d) lacks %+v", tt.day.Date.Year, tt.day)
			}
		})
	}
	for _, d := range statutory(1986) {
		if d.Date == (kintai.Date{Year: 1986, Month: 5, Day: 4}) {
			t.Errorf("statutory(1986) has %+v, want none: a Sunday was not a 国民の休日 before 2007", d)
		}
	}
}

func TestBuiltin(t *testing.T) {
	days := Builtin()
	if got, want := days[0], nat(1955, 1, 1, "元日"); got != want {
		t.Errorf("Builtin()[0] = %+v, want %+v", got, want)
	}
	if got, want := days[len(days)-1], nat(2027, 11, 23, "勤労感謝の日"); got != want {
		t.Errorf("Builtin() last = %+v, want %+v", got, want)
	}
	if got, want := len(days), 1067; got != want {
		t.Errorf("len(Builtin()) = %d, want %d", got, want)
	}
	days[0].Name = "changed"
	if got := Builtin()[0].Name; got != "元日" {
		t.Errorf("Builtin()[0].Name = %q after a caller changed its copy, want 元日", got)
	}
}
