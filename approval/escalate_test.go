package approval

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
)

var everyDay = Calendar{Loc: tokyo}

// weekdays counts Monday to Friday only (a 開庁日 calendar without holidays).
var weekdays = Calendar{Loc: tokyo, Workday: func(d kintai.Date) bool {
	return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
}}

func TestWaitingDays(t *testing.T) {
	mon := jst(2025, 6, 9, 9, 0)
	tests := []struct {
		name       string
		since, now time.Time
		cal        Calendar
		want       int
	}{
		{"same day", mon, jst(2025, 6, 9, 23, 59), everyDay, 0},
		{"next day just after midnight", jst(2025, 6, 9, 23, 59), jst(2025, 6, 10, 0, 1), everyDay, 1},
		{"Monday to Thursday", mon, jst(2025, 6, 12, 8, 0), everyDay, 3},
		{"days are Tokyo's, not UTC's (both on 6/9 in UTC)", jst(2025, 6, 9, 10, 0), jst(2025, 6, 10, 8, 0), everyDay, 1},
		{"Friday to Monday counts 1 working day", jst(2025, 6, 13, 17, 0), jst(2025, 6, 16, 9, 0), weekdays, 1},
		{"Friday to Monday counts 3 days", jst(2025, 6, 13, 17, 0), jst(2025, 6, 16, 9, 0), everyDay, 3},
		{"now before since", mon, mon.Add(-48 * time.Hour), everyDay, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := WaitingDays(tt.since, tt.now, tt.cal)
			if err != nil || got != tt.want {
				t.Errorf("WaitingDays(%v, %v) = %d, %v, want %d", tt.since, tt.now, got, err, tt.want)
			}
		})
	}
	if _, err := WaitingDays(mon, mon, Calendar{}); err == nil {
		t.Errorf("WaitingDays with no time zone = nil error, want an error")
	}
}

func TestEscalate(t *testing.T) {
	mon := jst(2025, 6, 9, 9, 0)
	fri := jst(2025, 6, 13, 17, 0)
	s := DefaultSettings() // 3 days
	pending := submitted(t, overtimeReq(180), mon)
	fromFriday := submitted(t, overtimeReq(180), fri)
	approved := must(t, must(t, pending, Decision{Action: ActionApprove}, 200, mon, env()), Decision{Action: ActionApprove}, 300, mon, env())
	atHR := pending
	atHR.Steps = []ResolvedStep{{Name: "人事", By: ByHR, Approvers: []int64{500}}}
	off := s
	off.EscalateAfterDays = 0

	tests := []struct {
		name      string
		req       Request
		now       time.Time
		s         Settings
		cal       Calendar
		approvers []int64 // nil: not escalated
		left      [][]int64
	}{
		{"3 days: not yet", pending, jst(2025, 6, 12, 23, 59), s, everyDay, nil, nil},
		{"4 days: to the 課長", pending, jst(2025, 6, 13, 0, 0), s, everyDay, []int64{200, 300}, [][]int64{{400}, {500}}},
		{"counting working days: Wednesday is 3", fromFriday, jst(2025, 6, 18, 12, 0), s, weekdays, nil, nil},
		{"counting working days: Thursday is 4", fromFriday, jst(2025, 6, 19, 9, 0), s, weekdays, []int64{200, 300}, [][]int64{{400}, {500}}},
		{"escalation off", pending, jst(2025, 7, 1, 9, 0), off, everyDay, nil, nil},
		{"nothing above HR", atHR, jst(2025, 7, 1, 9, 0), s, everyDay, nil, nil},
		{"not waiting", approved, jst(2025, 7, 1, 9, 0), s, everyDay, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ev, err := Escalate(tt.req, tt.now, tt.s, tt.cal)
			if err != nil {
				t.Fatal(err)
			}
			if tt.approvers == nil {
				if ev != nil || !cmp.Equal(got, tt.req) {
					t.Errorf("Escalate(%v) = %+v, %+v, want no change", tt.now, got.Current(), ev)
				}
				return
			}
			st := got.Current()
			if ev == nil || st == nil {
				t.Fatalf("Escalate(%v) = no escalation, want approvers %v", tt.now, tt.approvers)
			}
			if !cmp.Equal(st.Approvers, tt.approvers) || !cmp.Equal(st.EscalateTo, tt.left) || st.Escalated != 1 || !got.WaitingSince.Equal(tt.now) {
				t.Errorf("Escalate(%v): step %+v WaitingSince %v, want approvers %v left %v escalated once", tt.now, *st, got.WaitingSince, tt.approvers, tt.left)
			}
			want := &Event{RequestID: tt.req.ID, Action: ActionEscalate, Step: tt.req.Step, From: StatusPending, To: StatusPending, At: tt.now, Approvers: tt.approvers}
			if diff := cmp.Diff(want, ev); diff != "" {
				t.Errorf("Escalate event (-want +got):\n%s", diff)
			}
			if tt.req.Steps[tt.req.Step].Escalated != 0 || len(tt.req.Steps[tt.req.Step].Approvers) != 1 {
				t.Errorf("Escalate changed its input: %+v", tt.req.Steps[tt.req.Step])
			}
		})
	}

	// Step by step up the ladder; the escalated 課長 may decide, the 係長 still may.
	r := pending
	at := mon
	wantLadder := [][]int64{{200, 300}, {200, 300, 400}, {200, 300, 400, 500}}
	for i, want := range wantLadder {
		at = at.Add(4 * 24 * time.Hour)
		var ev *Event
		var err error
		r, ev, err = Escalate(r, at, s, everyDay)
		if err != nil || ev == nil || !cmp.Equal(r.Current().Approvers, want) {
			t.Fatalf("escalation %d: %v, %v, approvers %v, want %v", i+1, ev, err, r.Current().Approvers, want)
		}
	}
	if _, ev, _ := Escalate(r, at.Add(30*24*time.Hour), s, everyDay); ev != nil {
		t.Errorf("escalation past HR = %+v, want none", ev)
	}
	for _, id := range []int64{200, 300, 400} {
		got, _, err := Decide(r, Decision{Action: ActionApprove}, actor(id), at, env())
		if err != nil || got.Step != 1 {
			t.Errorf("after escalation, approve by %d = step %d, %v; want step 1", id, got.Step, err)
		}
	}
}

func TestOverdue(t *testing.T) {
	s := DefaultSettings()
	now := jst(2025, 6, 20, 9, 0)
	old := submitted(t, overtimeReq(180), jst(2025, 6, 9, 9, 0))   // 11 days
	older := submitted(t, overtimeReq(60), jst(2025, 6, 2, 9, 0))  // 18 days
	fresh := submitted(t, overtimeReq(60), jst(2025, 6, 18, 9, 0)) // 2 days
	top := submitted(t, overtimeReq(60), jst(2025, 6, 12, 9, 0))   // 8 days, nothing above
	old.ID, older.ID, fresh.ID, top.ID = 1, 2, 3, 4
	top.Steps[0].EscalateTo = nil
	done := must(t, older, Decision{Action: ActionApprove}, 200, now, env()) // approved: not waiting
	done.ID = 5

	got, err := Overdue([]Request{old, older, fresh, top, done}, now, s, everyDay)
	if err != nil {
		t.Fatal(err)
	}
	want := []OverdueRequest{
		{RequestID: 2, StaffID: 100, Kind: KindOvertimeRequest, Step: 0, StepName: "係長", WaitingDays: 18, Approvers: []int64{200}, CanEscalate: true},
		{RequestID: 1, StaffID: 100, Kind: KindOvertimeRequest, Step: 0, StepName: "係長", WaitingDays: 11, Approvers: []int64{200}, CanEscalate: true},
		{RequestID: 4, StaffID: 100, Kind: KindOvertimeRequest, Step: 0, StepName: "係長", WaitingDays: 8, Approvers: []int64{200}, CanEscalate: false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Overdue() mismatch (-want +got):\n%s", diff)
	}
	off := s
	off.EscalateAfterDays = 0
	if got, _ := Overdue([]Request{old}, now, off, everyDay); len(got) != 0 {
		t.Errorf("Overdue with escalation off = %v, want none", got)
	}
}
