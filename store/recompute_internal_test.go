package store

import (
	"encoding/json"
	"testing"
	"time"

	"kintai"
	"kintai/punch"
	"kintai/rules"
)

// storedDay is rules.DayResult as stored in month_results.days: the same
// JSON names, with zero figures left out (a month of them is most of a
// row). marshalDays must write what json.Marshal writes for it; the
// conversion storedDay(d) compiles only while it has the fields of
// rules.DayResult.
type storedDay struct {
	Date            kintai.Date       `json:"date"`
	Kind            rules.DayKind     `json:"kind"`
	ScheduledMin    int               `json:"scheduled_min,omitempty"`
	WorkedMin       int               `json:"worked_min,omitempty"`
	RegularMin      int               `json:"regular_min,omitempty"`
	LateMin         int               `json:"late_min,omitempty"`
	EarlyMin        int               `json:"early_min,omitempty"`
	BreakMin        int               `json:"break_min,omitempty"`
	BreakAddedMin   int               `json:"break_added_min,omitempty"`
	OvertimeMin     int               `json:"overtime_min,omitempty"`
	Band100Min      int               `json:"band100_min,omitempty"`
	NightMin        int               `json:"night_min,omitempty"`
	NightRegularMin int               `json:"night_regular_min,omitempty"`
	HolidayPayMin   int               `json:"holiday_pay_min,omitempty"`
	LeaveMin        int               `json:"leave_min,omitempty"`
	UnpaidLeaveMin  int               `json:"unpaid_leave_min,omitempty"`
	AbsenceMin      int               `json:"absence_min,omitempty"`
	Segments        []rules.Segment   `json:"segments,omitempty"`
	FirstIn         time.Time         `json:"first_in,omitzero"`
	LastOut         time.Time         `json:"last_out,omitzero"`
	Telework        bool              `json:"telework,omitempty"`
	Special         bool              `json:"special,omitempty"`
	Exceptions      []punch.Exception `json:"exceptions,omitempty"`
	Warnings        []rules.Warning   `json:"warnings,omitempty"`
	LeaveByCategory map[string]int    `json:"leave_by_category,omitempty"`
}

// SetMaxStaffMonthsPerRun sets the bound of one RecomputeStale for the
// tests of package store_test, until they end.
func SetMaxStaffMonthsPerRun(t *testing.T, n int) {
	old := maxStaffMonthsPerRun
	maxStaffMonthsPerRun = n
	t.Cleanup(func() { maxStaffMonthsPerRun = old })
}

func TestMarshalDays(t *testing.T) {
	at := time.Date(2026, 10, 1, 23, 17, 0, 0, time.UTC)
	d := kintai.NewDate(2026, 10, 2)
	days := []rules.DayResult{
		{Date: d, Kind: rules.RestDay},
		{Date: d, Kind: rules.Workday, ScheduledMin: 465, WorkedMin: 487, RegularMin: 465, LateMin: 1, EarlyMin: 2, BreakMin: 60,
			BreakAddedMin: 3, OvertimeMin: 22, Band100Min: 4, NightMin: 5, NightRegularMin: 6, HolidayPayMin: 7, LeaveMin: 8,
			UnpaidLeaveMin: 9, AbsenceMin: 10,
			Segments: []rules.Segment{{Start: at, Min: 13, Class: rules.ClassWorkday, Counts60: true},
				{Start: at.Add(90*time.Second + 5), Min: 9, Class: rules.ClassRest, Night: true, Band100: true}},
			FirstIn: at, LastOut: at.Add(9 * time.Hour), Telework: true, Special: true,
			Exceptions:      []punch.Exception{{StaffID: 1, Day: d, Code: punch.MissingClockOut, Message: "退勤の打刻がありません。<&>", MessageEN: "x"}},
			Warnings:        []rules.Warning{{Code: "break_floor", Date: d, Message: "休憩", MessageEn: "break \"floor\""}},
			LeaveByCategory: map[string]int{"sick": 5, "annual": 3}},
		{Date: d, Kind: rules.DayKind("odd \"kind\" <&>\n")},
	}
	stored := make([]storedDay, len(days))
	for i, d := range days {
		stored[i] = storedDay(d)
	}
	want, err := json.Marshal(stored)
	if err != nil {
		t.Fatal(err)
	}
	got, err := marshalDays(days)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("marshalDays =\n%s\nwant json.Marshal's\n%s", got, want)
	}
	var back []rules.DayResult
	if err := json.Unmarshal(got, &back); err != nil || back[1].OvertimeMin != 22 || !back[1].LastOut.Equal(days[1].LastOut) {
		t.Errorf("decoding marshalDays = %+v, %v; want the days back", back, err)
	}
}

func TestParseInstant(t *testing.T) {
	for _, s := range []string{"2026-10-01T23:17:05.123456Z", "2026-10-01T23:17:05Z", "2026-10-01T23:17:05+09:00", "2026-13-01T23:17:05.000000Z"} {
		want, wantErr := time.Parse(time.RFC3339Nano, s)
		got, err := parseInstant(s)
		if (err != nil) != (wantErr != nil) || !got.Equal(want) {
			t.Errorf("parseInstant(%q) = %v, %v; want %v, %v", s, got, err, want, wantErr)
		}
	}
	for _, s := range []string{"2026-10-01", "2026-1-2"} {
		want, _ := kintai.ParseDate(s)
		if got, err := anyDate(s); err != nil || got != want {
			t.Errorf("anyDate(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if got, err := anyDate("2026-02-30"); err == nil {
		t.Errorf("anyDate(2026-02-30) = %v, want an error", got)
	}
}
