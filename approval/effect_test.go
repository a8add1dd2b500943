package approval

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/punch"
	"kintai/rules"
)

func TestEffects(t *testing.T) {
	approved := func(k Kind, edit func(*Request)) Request {
		r := valid(k)
		r.ID, r.Status = 9, StatusApproved
		if edit != nil {
			edit(&r)
		}
		return r
	}
	sat := kintai.NewDate(2025, 6, 14)
	base := Effect{RequestID: 9, StaffID: 100}
	with := func(e Effect) Effect {
		e.RequestID, e.StaffID = base.RequestID, base.StaffID
		return e
	}
	hourly := iv(jst(2025, 6, 10, 8, 30), jst(2025, 6, 10, 10, 30))
	tests := []struct {
		name string
		req  Request
		want []Effect
	}{
		{"leave by the day: one effect per day", approved(KindLeave, nil), []Effect{
			with(Effect{Kind: EffectLeave, Day: day, LeaveType: "annual", LeaveUnit: LeaveDay}),
			with(Effect{Kind: EffectLeave, Day: day.AddDays(1), LeaveType: "annual", LeaveUnit: LeaveDay}),
		}},
		{"leave by the hour", approved(KindLeave, func(r *Request) {
			r.Leave = &Leave{Type: "annual", Unit: LeaveHour, FromOn: day, From: hourly.Start, To: hourly.End}
		}), []Effect{with(Effect{Kind: EffectLeave, Day: day, Interval: &hourly, LeaveType: "annual", LeaveUnit: LeaveHour})}},
		{"overtime request", approved(KindOvertimeRequest, nil), []Effect{
			with(Effect{Kind: EffectOvertime, Day: day, Interval: ptr(iv(jst(2025, 6, 10, 17, 15), jst(2025, 6, 10, 18, 45)))}),
		}},
		{"overtime order, not yet acknowledged", approved(KindOvertimeOrder, nil), []Effect{
			with(Effect{Kind: EffectOvertime, Day: day, Interval: ptr(iv(jst(2025, 6, 10, 17, 15), jst(2025, 6, 10, 18, 45)))}),
		}},
		{"overtime result", approved(KindOvertimeResult, nil), []Effect{
			with(Effect{Kind: EffectOvertimeResult, Day: day, Interval: ptr(iv(jst(2025, 6, 10, 17, 15), jst(2025, 6, 10, 19, 0)))}),
		}},
		{"holiday work with 振替: work day, rest day", approved(KindHolidayWork, nil), []Effect{
			with(Effect{Kind: EffectHolidayWork, Day: sat, Interval: ptr(iv(jst(2025, 6, 14, 9, 0), jst(2025, 6, 14, 17, 0))), Substitute: SubstituteFurikae, ForDay: sat.AddDays(2)}),
			with(Effect{Kind: EffectWorkday, Day: sat, Substitute: SubstituteFurikae, ForDay: sat.AddDays(2)}),
			with(Effect{Kind: EffectRestDay, Day: sat.AddDays(2), Substitute: SubstituteFurikae, ForDay: sat}),
		}},
		{"holiday work with 代休 designated", approved(KindHolidayWork, func(r *Request) {
			r.HolidayWork.Substitute, r.HolidayWork.SubstituteOn = SubstituteDaikyu, sat.AddDays(9)
		}), []Effect{
			with(Effect{Kind: EffectHolidayWork, Day: sat, Interval: ptr(iv(jst(2025, 6, 14, 9, 0), jst(2025, 6, 14, 17, 0))), Substitute: SubstituteDaikyu, ForDay: sat.AddDays(9)}),
			with(Effect{Kind: EffectRestDay, Day: sat.AddDays(9), Substitute: SubstituteDaikyu, ForDay: sat}),
		}},
		{"holiday work with 代休 not yet designated", approved(KindHolidayWork, func(r *Request) {
			r.HolidayWork.Substitute, r.HolidayWork.SubstituteOn = SubstituteDaikyu, kintai.Date{}
		}), []Effect{
			with(Effect{Kind: EffectHolidayWork, Day: sat, Interval: ptr(iv(jst(2025, 6, 14, 9, 0), jst(2025, 6, 14, 17, 0))), Substitute: SubstituteDaikyu}),
		}},
		{"punch correction", approved(KindPunchCorrection, nil), []Effect{
			with(Effect{Kind: EffectCorrection, Day: day, PunchKind: punch.ClockOut, At: jst(2025, 6, 10, 17, 30), CorrectsID: 77, Note: "打刻忘れ"}),
		}},
		{"telework", approved(KindTelework, nil), []Effect{with(Effect{Kind: EffectTelework, Day: day, Location: punch.WorkHome})}},
		{"staggered", approved(KindStaggered, nil), []Effect{with(Effect{Kind: EffectStaggered, Day: day, Option: &rules.Span{StartMin: 540, EndMin: 1065}})}},
		{"in force while its cancellation is pending", approved(KindTelework, func(r *Request) { r.Status = StatusCancelPending }), []Effect{
			with(Effect{Kind: EffectTelework, Day: day, Location: punch.WorkHome}),
		}},
		{"pending: nothing", approved(KindTelework, func(r *Request) { r.Status = StatusPending }), nil},
		{"rejected: nothing", approved(KindTelework, func(r *Request) { r.Status = StatusRejected }), nil},
		{"withdrawn: nothing", approved(KindTelework, func(r *Request) { r.Status = StatusWithdrawn }), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Effects(tt.req)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Effects(%s) mismatch (-want +got):\n%s", tt.req.Kind, diff)
			}
		})
	}
}

func TestEffectConversions(t *testing.T) {
	shift := &rules.Shift{Start: jst(2025, 6, 10, 8, 30), End: jst(2025, 6, 10, 17, 15)}
	dayLeave := Effect{Kind: EffectLeave, Day: day, LeaveType: "annual", LeaveUnit: LeaveDay}
	if got, ok := dayLeave.Leave(shift, true); !ok || got != (rules.Leave{Interval: iv(shift.Start, shift.End), Kind: "annual", Paid: true}) {
		t.Errorf("Leave(whole day) = %+v, %v", got, ok)
	}
	if _, ok := dayLeave.Leave(nil, true); ok {
		t.Errorf("Leave(day with no hours) = ok, want false")
	}
	hour := iv(jst(2025, 6, 10, 8, 30), jst(2025, 6, 10, 9, 30))
	hourLeave := Effect{Kind: EffectLeave, Day: day, LeaveType: "sick", LeaveUnit: LeaveHour, Interval: &hour}
	if got, ok := hourLeave.Leave(shift, false); !ok || got != (rules.Leave{Interval: hour, Kind: "sick"}) {
		t.Errorf("Leave(hour) = %+v, %v", got, ok)
	}
	if _, ok := (Effect{Kind: EffectTelework}).Leave(shift, true); ok {
		t.Errorf("Leave(telework) = ok, want false")
	}

	received := jst(2025, 6, 11, 9, 0)
	corr := Effect{Kind: EffectCorrection, RequestID: 9, StaffID: 100, Day: day, PunchKind: punch.ClockOut, At: jst(2025, 6, 10, 17, 30), CorrectsID: 77, Note: "退勤を\n押し忘れ"}
	p, ok := corr.Punch(received)
	want := punch.Punch{
		Input:      punch.Input{ClientKey: "request:9", StaffID: 100, Kind: punch.ClockOut, Method: punch.MethodManual, Note: "退勤を 押し忘れ"},
		ReceivedAt: received, At: jst(2025, 6, 10, 17, 30), BusinessDay: day, CorrectsID: 77,
	}
	if diff := cmp.Diff(want, p); !ok || diff != "" {
		t.Errorf("Punch() mismatch (-want +got):\n%s", diff)
	}
	if err := p.Input.Validate(); err != nil {
		t.Errorf("correction punch input does not validate: %v", err)
	}
	long := corr
	long.Note = strings.Repeat("あ", 400)
	if p, _ := long.Punch(received); len([]rune(p.Note)) != punch.MaxNoteRunes {
		t.Errorf("Punch() note of %d runes, want %d", len([]rune(p.Note)), punch.MaxNoteRunes)
	}
	if _, ok := (Effect{Kind: EffectLeave}).Punch(time.Time{}); ok {
		t.Errorf("Punch(leave) = ok, want false")
	}

	p2 := rules.Pattern{Kind: rules.PatternStaggered, Hours: rules.Span{StartMin: 510, EndMin: 1035}, Options: []rules.Span{{StartMin: 540, EndMin: 1065}}}
	st := Effect{Kind: EffectStaggered, Option: &rules.Span{StartMin: 540, EndMin: 1065}}
	if ds, err := st.DayShift(p2); err != nil || ds.Hours != (rules.Span{StartMin: 540, EndMin: 1065}) {
		t.Errorf("DayShift() = %+v, %v", ds, err)
	}
	if _, err := (Effect{Kind: EffectTelework}).DayShift(p2); err == nil {
		t.Errorf("DayShift(telework) = nil error")
	}
}
