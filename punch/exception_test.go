package punch

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
)

const staff = 12

var day = kintai.NewDate(2025, 4, 1)

// pk returns a stored punch of staff on business day day, counting at h:m
// on 2025-04-01 in Tokyo (hours past 23 run into the next morning).
func pk(id int64, kind Kind, h, m int) Punch {
	at := jst(2025, 4, 1, 0, 0).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
	return Punch{
		ID:          id,
		Input:       Input{ClientKey: "k", StaffID: staff, Kind: kind, Method: MethodCard, TerminalID: 1},
		ReceivedAt:  at.UTC(),
		At:          at.UTC(),
		BusinessDay: day,
	}
}

// corrects returns p as a correction of punch id.
func corrects(p Punch, id int64) Punch {
	p.CorrectsID, p.Method, p.TerminalID = id, MethodManual, 0
	return p
}

func TestExceptions(t *testing.T) {
	type exc struct {
		Code string
		IDs  []int64
	}
	otherStaff := pk(2, ClockOut, 17, 20)
	otherStaff.StaffID = 99
	otherDay := pk(2, ClockOut, 17, 20)
	otherDay.BusinessDay = day.AddDays(1)
	movedAway := corrects(pk(3, ClockIn, 8, 26), 2)
	movedAway.BusinessDay = day.AddDays(-1)
	delayedIn := pk(5, ClockIn, 8, 25)
	delayedIn.Delayed, delayedIn.ReceivedAt = true, jst(2025, 4, 1, 10, 0)

	tests := []struct {
		name    string
		punches []Punch
		dayOver bool
		want    []exc
	}{
		{"clean day",
			[]Punch{pk(1, ClockIn, 8, 25), pk(2, BreakStart, 12, 0), pk(3, BreakEnd, 13, 0), pk(4, GoOut, 14, 0), pk(5, Return, 15, 0), pk(6, ClockOut, 17, 20)},
			true, nil},
		{"clean split shift",
			[]Punch{pk(1, ClockIn, 8, 25), pk(2, ClockOut, 12, 0), pk(3, ClockIn, 18, 0), pk(4, ClockOut, 21, 0)},
			true, nil},
		{"no punches", nil, true, nil},
		{"clean day given out of order",
			[]Punch{pk(6, ClockOut, 17, 20), pk(3, BreakEnd, 13, 0), pk(1, ClockIn, 8, 25), pk(2, BreakStart, 12, 0)},
			true, nil},
		{"delayed punch counts at its device time",
			[]Punch{pk(3, ClockOut, 17, 20), delayedIn},
			true, nil},
		{"night shift spanning midnight is clean",
			[]Punch{pk(1, ClockIn, 22, 0), pk(2, BreakStart, 26, 0), pk(3, BreakEnd, 27, 0), pk(4, ClockOut, 31, 5)},
			true, nil},
		{"missing clock-out once the day is over",
			[]Punch{pk(1, ClockIn, 8, 25)},
			true, []exc{{MissingClockOut, []int64{1}}}},
		{"no clock-out yet while the day goes on",
			[]Punch{pk(1, ClockIn, 8, 25)},
			false, nil},
		{"clock-out without clock-in",
			[]Punch{pk(1, ClockOut, 17, 20)},
			true, []exc{{ClockOutWithoutIn, []int64{1}}}},
		{"double clock-in",
			[]Punch{pk(1, ClockIn, 8, 25), pk(2, ClockIn, 8, 26), pk(3, ClockOut, 17, 20)},
			true, []exc{{DoubleClockIn, []int64{1, 2}}}},
		{"double clock-out",
			[]Punch{pk(1, ClockIn, 8, 25), pk(2, ClockOut, 17, 20), pk(3, ClockOut, 17, 21)},
			true, []exc{{DoubleClockOut, []int64{2, 3}}}},
		{"break not ended at clock-out",
			[]Punch{pk(1, ClockIn, 8, 25), pk(2, BreakStart, 12, 0), pk(3, ClockOut, 17, 20)},
			true, []exc{{BreakNotEnded, []int64{2}}}},
		{"break not ended before the next break",
			[]Punch{pk(1, ClockIn, 8, 25), pk(2, BreakStart, 12, 0), pk(3, BreakStart, 15, 0), pk(4, BreakEnd, 15, 15), pk(5, ClockOut, 17, 20)},
			true, []exc{{BreakNotEnded, []int64{2}}}},
		{"break and day open at the day's end",
			[]Punch{pk(1, ClockIn, 8, 25), pk(2, BreakStart, 12, 0)},
			true, []exc{{BreakNotEnded, []int64{2}}, {MissingClockOut, []int64{1}}}},
		{"on a break while the day goes on",
			[]Punch{pk(1, ClockIn, 8, 25), pk(2, BreakStart, 12, 0)},
			false, nil},
		{"break end without start",
			[]Punch{pk(1, ClockIn, 8, 25), pk(2, BreakEnd, 13, 0), pk(3, ClockOut, 17, 20)},
			true, []exc{{BreakEndWithoutStart, []int64{2}}}},
		{"return without go-out",
			[]Punch{pk(1, ClockIn, 8, 25), pk(2, Return, 15, 0), pk(3, ClockOut, 17, 20)},
			true, []exc{{ReturnWithoutGoOut, []int64{2}}}},
		{"go-out not returned at clock-out",
			[]Punch{pk(1, ClockIn, 8, 25), pk(2, GoOut, 14, 0), pk(3, ClockOut, 17, 20)},
			true, []exc{{GoOutNotReturned, []int64{2}}}},
		{"go-out not returned before the next go-out",
			[]Punch{pk(1, ClockIn, 8, 25), pk(2, GoOut, 10, 0), pk(3, GoOut, 14, 0), pk(4, Return, 15, 0), pk(5, ClockOut, 17, 20)},
			true, []exc{{GoOutNotReturned, []int64{2}}}},
		{"go-out open at the day's end",
			[]Punch{pk(1, ClockIn, 8, 25), pk(2, GoOut, 14, 0)},
			true, []exc{{GoOutNotReturned, []int64{2}}, {MissingClockOut, []int64{1}}}},
		{"punches after clock-out, one stretch",
			[]Punch{pk(1, ClockIn, 8, 25), pk(2, ClockOut, 17, 20), pk(3, BreakStart, 17, 30), pk(4, BreakEnd, 17, 45)},
			true, []exc{{PunchAfterClockOut, []int64{3, 4}}}},
		{"punches before clock-in, one stretch",
			[]Punch{pk(1, BreakStart, 8, 0), pk(2, BreakEnd, 8, 10), pk(3, ClockIn, 8, 25), pk(4, ClockOut, 17, 20)},
			true, []exc{{PunchBeforeClockIn, []int64{1, 2}}}},
		{"break with no clock-in at all",
			[]Punch{pk(1, BreakStart, 12, 0), pk(2, ClockOut, 17, 20)},
			true, []exc{{PunchBeforeClockIn, []int64{1}}, {ClockOutWithoutIn, []int64{2}}}},
		{"correction replaces a wrong kind",
			[]Punch{pk(1, ClockIn, 8, 25), pk(2, BreakStart, 17, 20), corrects(pk(3, ClockOut, 17, 20), 2)},
			true, nil},
		{"correction of a correction",
			[]Punch{pk(1, ClockIn, 8, 25), pk(2, ClockIn, 17, 20), corrects(pk(3, BreakStart, 17, 20), 2), corrects(pk(4, ClockOut, 17, 20), 3)},
			true, nil},
		{"correction can itself be wrong",
			[]Punch{pk(1, ClockIn, 8, 25), pk(2, ClockOut, 17, 20), corrects(pk(3, ClockIn, 17, 20), 2)},
			true, []exc{{DoubleClockIn, []int64{1, 3}}, {MissingClockOut, []int64{1}}}},
		{"correction that moved a punch to another day hides it here",
			[]Punch{pk(1, ClockIn, 8, 25), pk(2, ClockIn, 8, 26), movedAway, pk(4, ClockOut, 17, 20)},
			true, nil},
		{"other staff are ignored",
			[]Punch{pk(1, ClockIn, 8, 25), otherStaff},
			true, []exc{{MissingClockOut, []int64{1}}}},
		{"other business days are ignored",
			[]Punch{pk(1, ClockIn, 8, 25), otherDay},
			true, []exc{{MissingClockOut, []int64{1}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]Punch(nil), tt.punches...)
			got := Exceptions(staff, day, tt.punches, tt.dayOver)
			var codes []exc
			for _, e := range got {
				codes = append(codes, exc{e.Code, e.PunchIDs})
				if e.StaffID != staff || e.Day != day || e.Message == "" || e.MessageEN == "" {
					t.Errorf("exception %+v: want staff %d, day %v and both messages", e, staff, day)
				}
			}
			if diff := cmp.Diff(tt.want, codes); diff != "" {
				t.Errorf("Exceptions(%v) mismatch (-want +got):\n%s", tt.name, diff)
			}
			if !cmp.Equal(in, tt.punches) {
				t.Errorf("Exceptions changed its input")
			}
		})
	}
}

func TestSequence(t *testing.T) {
	ps := []Punch{pk(4, ClockOut, 17, 40), corrects(pk(3, ClockOut, 17, 30), 2), pk(1, ClockIn, 8, 25), pk(2, ClockOut, 17, 20), pk(6, GoOut, 8, 25)}
	ps[0] = corrects(ps[0], 3)
	var got []int64
	for _, p := range Sequence(ps) {
		got = append(got, p.ID)
	}
	if want := []int64{1, 6, 4}; !cmp.Equal(got, want) {
		t.Errorf("Sequence IDs = %v, want %v", got, want)
	}
	if Sequence(nil) == nil || len(Sequence(nil)) != 0 {
		t.Errorf("Sequence(nil) = %v, want an empty slice", Sequence(nil))
	}
}

func TestPresence(t *testing.T) {
	tests := []struct {
		name    string
		punches []Punch
		want    State
	}{
		{"no punches", nil, StateNotIn},
		{"clocked in", []Punch{pk(1, ClockIn, 8, 25)}, StateIn},
		{"on a break", []Punch{pk(1, ClockIn, 8, 25), pk(2, BreakStart, 12, 0)}, StateOnBreak},
		{"back from a break", []Punch{pk(1, ClockIn, 8, 25), pk(2, BreakStart, 12, 0), pk(3, BreakEnd, 13, 0)}, StateIn},
		{"out", []Punch{pk(1, ClockIn, 8, 25), pk(2, GoOut, 14, 0)}, StateOut},
		{"returned", []Punch{pk(1, ClockIn, 8, 25), pk(2, GoOut, 14, 0), pk(3, Return, 15, 0)}, StateIn},
		{"left", []Punch{pk(1, ClockIn, 8, 25), pk(2, ClockOut, 17, 20)}, StateLeft},
		{"back after leaving", []Punch{pk(1, ClockIn, 8, 25), pk(2, ClockOut, 12, 0), pk(3, ClockIn, 18, 0)}, StateIn},
		{"latest by time, not by order given", []Punch{pk(2, ClockOut, 17, 20), pk(1, ClockIn, 8, 25)}, StateLeft},
		{"correction applies", []Punch{pk(1, ClockIn, 8, 25), pk(2, ClockOut, 12, 0), corrects(pk(3, BreakStart, 12, 0), 2)}, StateOnBreak},
		{"unknown kind skipped", []Punch{pk(1, ClockIn, 8, 25), pk(2, "nap", 12, 0)}, StateIn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Presence(tt.punches); got != tt.want {
				t.Errorf("Presence(%v) = %v, want %v", tt.name, got, tt.want)
			}
		})
	}
	labels := map[State]string{StateNotIn: "未出勤", StateIn: "在席", StateOnBreak: "休憩中", StateOut: "外出中", StateLeft: "退勤済"}
	for s, l := range labels {
		if s.Label() != l {
			t.Errorf("%q.Label() = %q, want %q", s, s.Label(), l)
		}
	}
}
