package approval

import (
	"strings"
	"testing"
	"time"

	"kintai"
	"kintai/punch"
	"kintai/rules"
)

// valid returns a valid draft of each kind for staff 100.
func valid(k Kind) Request {
	r := Request{ID: 1, Kind: k, StaffID: 100, OrgUnitID: 30, CreatedBy: 100, Status: StatusDraft}
	switch k {
	case KindLeave:
		r.Leave = &Leave{Type: "annual", Unit: LeaveDay, FromOn: day, ToOn: day.AddDays(1)}
	case KindOvertimeOrder, KindOvertimeRequest:
		r = overtimeReq(90)
		r.Kind = k
		if k == KindOvertimeOrder {
			r.CreatedBy = 200
		}
	case KindOvertimeResult:
		r.Result = &OvertimeResult{OrderID: 5, Day: day, Actual: iv(jst(2025, 6, 10, 17, 15), jst(2025, 6, 10, 19, 0)), Work: "資料作成"}
	case KindHolidayWork:
		sat := kintai.NewDate(2025, 6, 14)
		r.CreatedBy = 200
		r.HolidayWork = &HolidayWork{Day: sat, Planned: iv(jst(2025, 6, 14, 9, 0), jst(2025, 6, 14, 17, 0)), Substitute: SubstituteFurikae, SubstituteOn: sat.AddDays(2), Reason: "選挙事務"}
	case KindPunchCorrection:
		r.Correction = &PunchCorrection{PunchID: 77, Day: day, Kind: punch.ClockOut, At: jst(2025, 6, 10, 17, 30), Reason: "打刻忘れ"}
	case KindTelework:
		r.Telework = &Telework{Day: day, Location: punch.WorkHome}
	case KindStaggered:
		r.Staggered = &Staggered{Day: day, Option: rules.Span{StartMin: 9 * 60, EndMin: 17*60 + 45}}
	}
	return r
}

func TestValidate(t *testing.T) {
	s := DefaultSettings()
	at := func(h, m int) time.Time { return jst(2025, 6, 10, h, m) }
	tests := []struct {
		name  string
		kind  Kind
		edit  func(*Request)
		field string // "" for valid
	}{
		{"leave by the day", KindLeave, func(*Request) {}, ""},
		{"leave: one day", KindLeave, func(r *Request) { r.Leave.ToOn = day }, ""},
		{"leave: last day before the first", KindLeave, func(r *Request) { r.Leave.ToOn = day.AddDays(-1) }, "leave.to_on"},
		{"leave: no last day", KindLeave, func(r *Request) { r.Leave.ToOn = kintai.Date{} }, "leave.to_on"},
		{"leave: no first day", KindLeave, func(r *Request) { r.Leave.FromOn = kintai.Date{} }, "leave.from_on"},
		{"leave: over 366 days", KindLeave, func(r *Request) { r.Leave.ToOn = day.AddDays(366) }, "leave.to_on"},
		{"leave: no type", KindLeave, func(r *Request) { r.Leave.Type = "" }, "leave.type"},
		{"leave: unknown unit", KindLeave, func(r *Request) { r.Leave.Unit = "week" }, "leave.unit"},
		{"leave by the day with times", KindLeave, func(r *Request) { r.Leave.From = at(9, 0) }, "leave.from"},
		{"leave by the hour", KindLeave, func(r *Request) {
			r.Leave = &Leave{Type: "annual", Unit: LeaveHour, FromOn: day, From: at(8, 30), To: at(10, 30)}
		}, ""},
		{"leave by the hour, not whole hours", KindLeave, func(r *Request) {
			r.Leave = &Leave{Type: "annual", Unit: LeaveHour, FromOn: day, From: at(8, 30), To: at(10, 0)}
		}, "leave.to"},
		{"leave by the quarter hour", KindLeave, func(r *Request) {
			r.Leave = &Leave{Type: "care", Unit: LeaveQuarter, FromOn: day, From: at(8, 30), To: at(9, 15)}
		}, ""},
		{"leave by the quarter hour, 10 minutes", KindLeave, func(r *Request) {
			r.Leave = &Leave{Type: "care", Unit: LeaveQuarter, FromOn: day, From: at(8, 30), To: at(8, 40)}
		}, "leave.to"},
		{"leave by the hour over two days", KindLeave, func(r *Request) {
			r.Leave = &Leave{Type: "annual", Unit: LeaveHour, FromOn: day, ToOn: day.AddDays(1), From: at(8, 30), To: at(10, 30)}
		}, "leave.to_on"},
		{"leave by the hour without times", KindLeave, func(r *Request) { r.Leave = &Leave{Type: "annual", Unit: LeaveHour, FromOn: day} }, "leave.from"},
		{"leave by the hour ending before it starts", KindLeave, func(r *Request) {
			r.Leave = &Leave{Type: "annual", Unit: LeaveHour, FromOn: day, From: at(10, 30), To: at(8, 30)}
		}, "leave.to"},
		{"leave: reason too long", KindLeave, func(r *Request) { r.Leave.Reason = strings.Repeat("あ", MaxReasonRunes+1) }, "leave.reason"},
		{"leave: control characters in the reason", KindLeave, func(r *Request) { r.Leave.Reason = "a\x00b" }, "leave.reason"},
		{"leave: a line break in the reason is fine", KindLeave, func(r *Request) { r.Leave.Reason = "通院\n午前" }, ""},

		{"overtime request", KindOvertimeRequest, func(*Request) {}, ""},
		{"overtime order", KindOvertimeOrder, func(*Request) {}, ""},
		{"overtime order to oneself", KindOvertimeOrder, func(r *Request) { r.CreatedBy = 100 }, "staff_id"},
		{"overtime: no reason", KindOvertimeRequest, func(r *Request) { r.Overtime.Reason = " " }, "overtime.reason"},
		{"overtime: no day", KindOvertimeRequest, func(r *Request) { r.Overtime.Day = kintai.Date{} }, "overtime.day"},
		{"overtime: ends before it starts", KindOvertimeRequest, func(r *Request) { r.Overtime.Planned = iv(at(19, 0), at(18, 0)) }, "overtime.planned"},
		{"overtime: longer than a day", KindOvertimeRequest, func(r *Request) { r.Overtime.Planned = iv(at(17, 0), at(17, 1).Add(24*time.Hour)) }, "overtime.planned"},
		{"overtime: seconds", KindOvertimeRequest, func(r *Request) { r.Overtime.Planned.End = r.Overtime.Planned.End.Add(time.Second) }, "overtime.planned"},
		{"overtime: a week away from its day", KindOvertimeRequest, func(r *Request) {
			r.Overtime.Planned = iv(at(17, 15).Add(7*24*time.Hour), at(18, 15).Add(7*24*time.Hour))
		}, "overtime.planned"},
		{"overtime across midnight", KindOvertimeRequest, func(r *Request) { r.Overtime.Planned = iv(at(22, 0), at(23, 0).Add(3*time.Hour)) }, ""},

		{"overtime result", KindOvertimeResult, func(*Request) {}, ""},
		{"result without an order", KindOvertimeResult, func(r *Request) { r.Result.OrderID = 0 }, "result.order_id"},
		{"result gap above the threshold without a reason", KindOvertimeResult, func(r *Request) { r.Result.Gap = &Gap{AfterMin: 205, Over: []string{GapAfter}, ReasonRequired: true} }, "result.gap_reason"},
		{"result gap with a reason", KindOvertimeResult, func(r *Request) {
			r.Result.Gap = &Gap{AfterMin: 205, Over: []string{GapAfter}, ReasonRequired: true}
			r.Result.GapReason = "退庁前に私用でPCを使用"
		}, ""},
		{"result gap below the threshold", KindOvertimeResult, func(r *Request) { r.Result.Gap = &Gap{AfterMin: 10} }, ""},

		{"holiday work with 振替", KindHolidayWork, func(*Request) {}, ""},
		{"holiday work: no reason", KindHolidayWork, func(r *Request) { r.HolidayWork.Reason = "" }, "holiday_work.reason"},
		{"holiday work: unknown mode", KindHolidayWork, func(r *Request) { r.HolidayWork.Substitute = "swap" }, "holiday_work.substitute"},

		{"correction of a punch", KindPunchCorrection, func(*Request) {}, ""},
		{"a missing punch to add", KindPunchCorrection, func(r *Request) { r.Correction.PunchID = 0; r.Correction.Kind = punch.ClockIn }, ""},
		{"correction without a reason", KindPunchCorrection, func(r *Request) { r.Correction.Reason = "" }, "correction.reason"},
		{"correction without a time", KindPunchCorrection, func(r *Request) { r.Correction.At = time.Time{} }, "correction.at"},
		{"correction of an unknown kind", KindPunchCorrection, func(r *Request) { r.Correction.Kind = "lunch" }, "correction.punch_kind"},
		{"correction far from its day", KindPunchCorrection, func(r *Request) { r.Correction.At = at(9, 0).Add(-72 * time.Hour) }, "correction.at"},

		{"telework at home", KindTelework, func(*Request) {}, ""},
		{"telework at a satellite office", KindTelework, func(r *Request) { r.Telework.Location = punch.WorkSatellite }, ""},
		{"telework at the office", KindTelework, func(r *Request) { r.Telework.Location = punch.WorkOffice }, "telework.location"},
		{"telework with no location", KindTelework, func(r *Request) { r.Telework.Location = "" }, "telework.location"},
		{"telework with no day", KindTelework, func(r *Request) { r.Telework.Day = kintai.Date{} }, "telework.day"},

		{"staggered hours", KindStaggered, func(*Request) {}, ""},
		{"staggered: no option", KindStaggered, func(r *Request) { r.Staggered.Option = rules.Span{} }, "staggered.option"},

		{"no kind", KindTelework, func(r *Request) { r.Kind = "" }, "kind"},
		{"no staff", KindTelework, func(r *Request) { r.StaffID = 0 }, "staff_id"},
		{"no org unit", KindTelework, func(r *Request) { r.OrgUnitID = 0 }, "org_unit_id"},
		{"no creator", KindTelework, func(r *Request) { r.CreatedBy = 0 }, "created_by"},
		{"no payload", KindTelework, func(r *Request) { r.Telework = nil }, "telework"},
		{"two payloads", KindTelework, func(r *Request) { r.Leave = valid(KindLeave).Leave }, "kind"},
		{"payload of another kind", KindPunchCorrection, func(r *Request) { r.Correction, r.Telework = nil, valid(KindTelework).Telework }, "correction"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid(tt.kind)
			tt.edit(&r)
			err := Validate(r, s)
			code, _, field := errParts(err)
			if field != tt.field || (err != nil) != (tt.field != "") || (err != nil && code != kintai.EINVALID) {
				t.Errorf("Validate(%s) = %v (field %q), want field %q", tt.name, err, field, tt.field)
			}
		})
	}

	lenient := s
	lenient.ResultWithoutOrder = true
	r := valid(KindOvertimeResult)
	r.Result.OrderID = 0
	if err := Validate(r, lenient); err != nil {
		t.Errorf("Validate(result without order, ResultWithoutOrder) = %v, want nil", err)
	}
}

// TestHolidayWorkWindow checks the 振替 window (4 weeks before to 8 weeks
// after the work day) and the 代休 window (after the holiday, within 8 weeks).
func TestHolidayWorkWindow(t *testing.T) {
	sat := kintai.NewDate(2025, 6, 14)
	s := DefaultSettings()
	short := s
	short.FurikaeBeforeDays, short.FurikaeAfterDays = 7, 14
	tests := []struct {
		name string
		mode SubstituteMode
		on   kintai.Date
		s    Settings
		ok   bool
	}{
		{"振替 4 weeks before", SubstituteFurikae, kintai.NewDate(2025, 5, 17), s, true},
		{"振替 4 weeks and a day before", SubstituteFurikae, kintai.NewDate(2025, 5, 16), s, false},
		{"振替 8 weeks after", SubstituteFurikae, kintai.NewDate(2025, 8, 9), s, true},
		{"振替 8 weeks and a day after", SubstituteFurikae, kintai.NewDate(2025, 8, 10), s, false},
		{"振替 the day before", SubstituteFurikae, sat.AddDays(-1), s, true},
		{"振替 on the work day itself", SubstituteFurikae, sat, s, false},
		{"振替 with no day", SubstituteFurikae, kintai.Date{}, s, false},
		{"振替 within a shorter window", SubstituteFurikae, sat.AddDays(14), short, true},
		{"振替 beyond a shorter window", SubstituteFurikae, sat.AddDays(15), short, false},
		{"振替 before a shorter window", SubstituteFurikae, sat.AddDays(-8), short, false},
		{"代休 to be designated later", SubstituteDaikyu, kintai.Date{}, s, true},
		{"代休 the next day", SubstituteDaikyu, sat.AddDays(1), s, true},
		{"代休 8 weeks after", SubstituteDaikyu, sat.AddDays(56), s, true},
		{"代休 past 8 weeks", SubstituteDaikyu, sat.AddDays(57), s, false},
		{"代休 before the holiday", SubstituteDaikyu, sat.AddDays(-1), s, false},
		{"no substitute", SubstituteNone, kintai.Date{}, s, true},
		{"no substitute but a day", SubstituteNone, sat.AddDays(2), s, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid(KindHolidayWork)
			r.HolidayWork.Substitute, r.HolidayWork.SubstituteOn = tt.mode, tt.on
			err := Validate(r, tt.s)
			if (err == nil) != tt.ok {
				t.Errorf("Validate(%s on %s) = %v, want ok %v", tt.mode, tt.on, err, tt.ok)
			}
			if _, _, field := errParts(err); err != nil && !strings.HasPrefix(field, "holiday_work.substitute") {
				t.Errorf("Validate(%s on %s) field = %q", tt.mode, tt.on, field)
			}
		})
	}
}

func TestValidateSettings(t *testing.T) {
	if err := ValidateSettings(DefaultSettings()); err != nil {
		t.Errorf("ValidateSettings(DefaultSettings()) = %v", err)
	}
	for _, tt := range []struct {
		name  string
		edit  func(*Settings)
		field string
	}{
		{"negative escalation", func(s *Settings) { s.EscalateAfterDays = -1 }, "escalate_after_days"},
		{"negative threshold", func(s *Settings) { s.GapThresholdMin = -1 }, "gap_threshold_min"},
		{"negative furikae window", func(s *Settings) { s.FurikaeAfterDays = -1 }, "furikae_after_days"},
		{"no daikyu window", func(s *Settings) { s.DaikyuAfterDays = 0 }, "daikyu_after_days"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := DefaultSettings()
			tt.edit(&s)
			if _, _, field := errParts(ValidateSettings(s)); field != tt.field {
				t.Errorf("ValidateSettings() field = %q, want %q", field, tt.field)
			}
		})
	}
}

func TestCheckResultOrder(t *testing.T) {
	order := valid(KindOvertimeOrder)
	order.ID, order.Status = 5, StatusApproved
	result := valid(KindOvertimeResult)
	tests := []struct {
		name  string
		edit  func(o *Request)
		field string
	}{
		{"an order in force", func(*Request) {}, ""},
		{"an approved request", func(o *Request) { o.Kind = KindOvertimeRequest }, ""},
		{"an order being cancelled still counts", func(o *Request) { o.Status = StatusCancelPending }, ""},
		{"a pending request", func(o *Request) { o.Kind, o.Status = KindOvertimeRequest, StatusPending }, "result.order_id"},
		{"a withdrawn order", func(o *Request) { o.Status = StatusWithdrawn }, "result.order_id"},
		{"another staff member's order", func(o *Request) { o.StaffID = 101 }, "result.order_id"},
		{"another order", func(o *Request) { o.ID = 6 }, "result.order_id"},
		{"another day", func(o *Request) { o.Overtime.Day = day.AddDays(1) }, "result.day"},
		{"not an order", func(o *Request) { *o = valid(KindTelework); o.ID, o.Status = 5, StatusApproved }, "result.order_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := order
			ot := *order.Overtime
			o.Overtime = &ot
			tt.edit(&o)
			err := CheckResultOrder(result, o)
			if _, _, field := errParts(err); field != tt.field || (err != nil) != (tt.field != "") {
				t.Errorf("CheckResultOrder() = %v, want field %q", err, tt.field)
			}
		})
	}
}

func TestStaggeredShift(t *testing.T) {
	p := rules.Pattern{Name: "時差", Kind: rules.PatternStaggered, Weekdays: 0b0111110,
		Hours:   rules.Span{StartMin: 510, EndMin: 1035}, // 8:30–17:15
		Breaks:  []rules.Span{{StartMin: 720, EndMin: 780}},
		Options: []rules.Span{{StartMin: 450, EndMin: 975}, {StartMin: 570, EndMin: 1095}}}
	got, err := StaggeredShift(p, rules.Span{StartMin: 570, EndMin: 1095})
	want := rules.DayShift{Hours: rules.Span{StartMin: 570, EndMin: 1095}, Breaks: []rules.Span{{StartMin: 780, EndMin: 840}}}
	if err != nil || got.Hours != want.Hours || len(got.Breaks) != 1 || got.Breaks[0] != want.Breaks[0] {
		t.Errorf("StaggeredShift(9:30) = %+v, %v, want %+v", got, err, want)
	}
	if _, err := StaggeredShift(p, rules.Span{StartMin: 540, EndMin: 1065}); err == nil {
		t.Errorf("StaggeredShift(9:00, not an option) = nil error")
	}
	p.Kind = rules.PatternFixed
	if _, err := StaggeredShift(p, rules.Span{StartMin: 570, EndMin: 1095}); err == nil {
		t.Errorf("StaggeredShift(fixed pattern) = nil error")
	}
}
