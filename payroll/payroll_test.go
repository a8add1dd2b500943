package payroll

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		if diff := cmp.Diff(string(want), string(got)); len(diff) < 20000 {
			t.Errorf("%s differs from the golden file (-want +got):\n%s", name, diff)
		} else {
			t.Errorf("%s differs from the golden file (%d bytes, want %d)", name, len(got), len(want))
		}
	}
}

// at returns 2026-10-day hh:mm in Tokyo as UTC.
func at(day, hh, mm int) time.Time {
	return time.Date(2026, 10, day, hh, mm, 0, 0, time.FixedZone("JST", 9*3600)).UTC()
}

// month computes a month from days with the real rules engine.
func month(t testing.TB, pay rules.Pay, days ...rules.DayResult) rules.MonthResult {
	t.Helper()
	return rules.ComputeMonth(rules.DefaultSettings(), rules.MonthInput{
		Year: 2026, Month: time.October, Days: days, Pay: pay, WeekdayHolidays: 16,
	})
}

func seg(day, hh, mm, min int, class rules.OvertimeClass, night, band bool) rules.Segment {
	return rules.Segment{Start: at(day, hh, mm), Min: min, Class: class, Night: night, Counts60: true, Band100: band}
}

// sampleRows are three staff members of October 2026: a regular with
// overtime, night and 休日給; a part-timer with band hours, leave, absence
// and telework whose name needs quoting in CSV and a CP932 character; a
// manager paid no overtime.
func sampleRows(t testing.TB) []Row {
	t.Helper()
	d := func(day int, f func(*rules.DayResult)) rules.DayResult {
		r := rules.DayResult{Date: kintai.Date{Year: 2026, Month: 10, Day: day}, Kind: rules.Workday,
			ScheduledMin: 465, WorkedMin: 465, RegularMin: 465}
		if f != nil {
			f(&r)
		}
		return r
	}
	var yamada []rules.DayResult
	for day := 1; day <= 20; day++ {
		yamada = append(yamada, d(day, nil))
	}
	yamada[2].WorkedMin += 500
	yamada[2].OvertimeMin = 500
	yamada[2].NightMin = 60
	yamada[2].Segments = []rules.Segment{seg(3, 17, 15, 440, rules.ClassWorkday, false, false), seg(3, 22, 0, 60, rules.ClassWorkday, true, false)}
	yamada[9].WorkedMin += 380
	yamada[9].OvertimeMin = 380
	yamada[9].Segments = []rules.Segment{seg(10, 17, 15, 380, rules.ClassWorkday, false, false)}
	yamada[12].Kind = rules.Holiday
	yamada[12].HolidayPayMin = 465
	yamada[15].LateMin = 10
	yamada[15].AbsenceMin = 10
	yamada[15].WorkedMin -= 10

	var takahashi []rules.DayResult
	for day := 1; day <= 12; day++ {
		takahashi = append(takahashi, d(day, func(r *rules.DayResult) {
			r.ScheduledMin, r.WorkedMin, r.RegularMin = 360, 360, 360
		}))
	}
	takahashi[0].Telework = true
	takahashi[1].Telework = true
	takahashi[4].Telework = true
	takahashi[3].WorkedMin, takahashi[3].RegularMin, takahashi[3].LeaveMin = 0, 0, 360
	takahashi[5].WorkedMin, takahashi[5].RegularMin, takahashi[5].AbsenceMin = 0, 0, 360
	takahashi[6].WorkedMin, takahashi[6].RegularMin, takahashi[6].UnpaidLeaveMin = 240, 240, 120
	takahashi[7].WorkedMin += 100
	takahashi[7].OvertimeMin, takahashi[7].Band100Min = 100, 100
	takahashi[7].Segments = []rules.Segment{seg(8, 15, 0, 100, rules.ClassWorkday, false, true)}
	takahashi[8].EarlyMin, takahashi[8].AbsenceMin, takahashi[8].WorkedMin = 25, 25, 335

	var suzuki []rules.DayResult
	for day := 1; day <= 21; day++ {
		suzuki = append(suzuki, d(day, nil))
	}
	suzuki[4].WorkedMin += 200
	suzuki[4].OvertimeMin = 200
	suzuki[4].Segments = []rules.Segment{seg(5, 17, 15, 200, rules.ClassWorkday, false, false)}

	return []Row{
		{StaffNo: "00123", Name: "山田 太郎", Kana: "ヤマダ タロウ", OrgUnitCode: "1010", OrgUnitName: "総務課",
			EmploymentType: kintai.Regular, Year: 2026, Month: time.October,
			Result: month(t, rules.Pay{MonthlyYen: 312_400}, yamada...)},
		{StaffNo: "00456", Name: "髙橋, \"花子\"", Kana: "タカハシ ハナコ", OrgUnitCode: "2020", OrgUnitName: "市民課 窓口係",
			EmploymentType: kintai.FiscalPart, Year: 2026, Month: time.October,
			Result: month(t, rules.Pay{HourlyYen: 1_180}, takahashi...)},
		{StaffNo: "00789", Name: "鈴木 一郎", OrgUnitCode: "1000", OrgUnitName: "総務部",
			EmploymentType: kintai.Regular, Year: 2026, Month: time.October,
			Result: month(t, rules.Pay{MonthlyYen: 480_000, Exempt: true}, suzuki...)},
	}
}

func TestSampleRows(t *testing.T) {
	// The fixture is what the golden files show: check its figures once
	// against the engine's rules so that a change there is noticed here.
	rows := sampleRows(t)
	type cat struct {
		Code         string
		Min, Hours   int
		AmountYenSet bool
	}
	got := map[string][]cat{}
	for _, r := range rows {
		for _, c := range r.Result.Categories {
			got[r.StaffNo] = append(got[r.StaffNo], cat{c.Code, c.Min, c.Hours, c.AmountYen > 0})
		}
	}
	want := map[string][]cat{
		"00123": {{"ot125", 820, 14, true}, {"ot150_night", 60, 1, true}, {"holiday135", 465, 8, true}},
		"00456": {{"band100", 100, 2, true}},
		"00789": {{"ot125", 200, 3, false}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sample categories (-want +got):\n%s", diff)
	}
}

func TestSheetName(t *testing.T) {
	rows := sampleRows(t)
	other := rows[0]
	other.Month = time.November
	tests := []struct {
		name string
		rows []Row
		want string
	}{
		{"one month", rows, "給与連携 2026-10"},
		{"no rows", nil, "給与連携"},
		{"two months", append(rows[:1:1], other), "給与連携"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SheetName(tt.rows); got != tt.want {
				t.Errorf("SheetName() = %q, want %q", got, tt.want)
			}
		})
	}
}
