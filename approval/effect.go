package approval

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kintai"
	"kintai/punch"
	"kintai/rules"
)

// EffectKind is what an approved request changes for the rules engine.
type EffectKind string

// Effect kinds.
const (
	EffectLeave          EffectKind = "leave"           // leave on Day (the whole day, or Interval)
	EffectOvertime       EffectKind = "overtime"        // overtime ordered or approved on Day (Interval)
	EffectOvertimeResult EffectKind = "overtime_result" // overtime reported and confirmed on Day (Interval)
	EffectHolidayWork    EffectKind = "holiday_work"    // work ordered on a rest day or holiday (Interval)
	EffectWorkday        EffectKind = "workday"         // 振替: the rest day Day becomes a working day
	EffectRestDay        EffectKind = "rest_day"        // 振替日 or 代休日: Day has no hours, for ForDay
	EffectTelework       EffectKind = "telework"        // Day worked away from the office (Location)
	EffectStaggered      EffectKind = "staggered"       // Day's hours are Option (DayShift)
	EffectCorrection     EffectKind = "correction"      // a correction punch (Punch)
)

// Effect is one thing an approved request (or an order in force) means for
// the rules engine: pure data for the integrator, which turns it into the
// engine's DayInput (rules.Leave, Shift, Telework, corrected punches).
type Effect struct {
	Kind      EffectKind  `json:"kind"`
	RequestID int64       `json:"request_id"`
	StaffID   int64       `json:"staff_id"`
	Day       kintai.Date `json:"day"`
	// Interval is the hours of hourly leave, overtime, a result or holiday
	// work; nil for leave by the day.
	Interval  *rules.Interval    `json:"interval,omitempty"`
	LeaveType string             `json:"leave_type,omitempty"`
	LeaveUnit LeaveUnit          `json:"leave_unit,omitempty"`
	Location  punch.WorkLocation `json:"location,omitempty"`
	Option    *rules.Span        `json:"option,omitempty"`
	// Substitute and ForDay: for a rest day, whether it is a 振替日 or a
	// 代休日 and the day worked it makes up for; for a workday, the 振替日;
	// for holiday work, how it is made up and the 振替日 or 代休日 (empty
	// for a 代休 not designated yet).
	Substitute SubstituteMode `json:"substitute,omitempty"`
	ForDay     kintai.Date    `json:"for_day,omitzero"`
	// A correction punch: its kind and time, and the punch it corrects (0
	// for a missing punch added); Note is the correction's reason.
	PunchKind  punch.Kind `json:"punch_kind,omitempty"`
	At         time.Time  `json:"at,omitzero"`
	CorrectsID int64      `json:"corrects_id,omitempty"`
	Note       string     `json:"note,omitempty"`
}

// Effects returns what req means for the rules engine while it is in force
// (approved, or cancel_pending: a cancellation takes effect only once
// approved); nothing for any other status. Leave by the day gives one
// effect per calendar day; the integrator ignores days with no hours.
func Effects(req Request) []Effect {
	if !req.Status.InForce() {
		return nil
	}
	base := Effect{RequestID: req.ID, StaffID: req.StaffID}
	var out []Effect
	add := func(e Effect) { out = append(out, e) }
	switch req.Kind {
	case KindLeave:
		if l := req.Leave; l != nil {
			e := base
			e.Kind, e.LeaveType, e.LeaveUnit = EffectLeave, l.Type, l.Unit
			if l.Unit != LeaveDay {
				e.Day, e.Interval = l.FromOn, &rules.Interval{Start: l.From, End: l.To}
				add(e)
				break
			}
			for d, n := l.FromOn, 0; !d.After(l.ToOn) && n < maxLeaveDays; d, n = d.AddDays(1), n+1 {
				e.Day = d
				add(e)
			}
		}
	case KindOvertimeOrder, KindOvertimeRequest:
		if o := req.Overtime; o != nil {
			e := base
			e.Kind, e.Day, e.Interval = EffectOvertime, o.Day, &rules.Interval{Start: o.Planned.Start, End: o.Planned.End}
			add(e)
		}
	case KindOvertimeResult:
		if r := req.Result; r != nil {
			e := base
			e.Kind, e.Day, e.Interval = EffectOvertimeResult, r.Day, &rules.Interval{Start: r.Actual.Start, End: r.Actual.End}
			add(e)
		}
	case KindHolidayWork:
		if h := req.HolidayWork; h != nil {
			e := base
			e.Kind, e.Day, e.Interval, e.Substitute, e.ForDay = EffectHolidayWork, h.Day, &rules.Interval{Start: h.Planned.Start, End: h.Planned.End}, h.Substitute, h.SubstituteOn
			add(e)
			if h.Substitute == SubstituteFurikae && !h.SubstituteOn.IsZero() {
				w := base
				w.Kind, w.Day, w.Substitute, w.ForDay = EffectWorkday, h.Day, SubstituteFurikae, h.SubstituteOn
				add(w)
			}
			if h.Substitute != SubstituteNone && !h.SubstituteOn.IsZero() {
				r := base
				r.Kind, r.Day, r.Substitute, r.ForDay = EffectRestDay, h.SubstituteOn, h.Substitute, h.Day
				add(r)
			}
		}
	case KindPunchCorrection:
		if c := req.Correction; c != nil {
			e := base
			e.Kind, e.Day, e.PunchKind, e.At, e.CorrectsID, e.Note = EffectCorrection, c.Day, c.Kind, c.At, c.PunchID, c.Reason
			add(e)
		}
	case KindTelework:
		if t := req.Telework; t != nil {
			e := base
			e.Kind, e.Day, e.Location = EffectTelework, t.Day, t.Location
			add(e)
		}
	case KindStaggered:
		if s := req.Staggered; s != nil {
			e := base
			opt := s.Option
			e.Kind, e.Day, e.Option = EffectStaggered, s.Day, &opt
			add(e)
		}
	}
	return out
}

// Leave returns the rules.Leave of a leave effect on a day with regular
// hours shift: the whole shift for leave by the day, the interval for
// leave by the hour. paid comes from the leave type's master. It returns
// false for other effects and for a day with no hours (shift nil).
func (e Effect) Leave(shift *rules.Shift, paid bool) (rules.Leave, bool) {
	if e.Kind != EffectLeave || shift == nil {
		return rules.Leave{}, false
	}
	iv := rules.Interval{Start: shift.Start, End: shift.End}
	if e.Interval != nil {
		iv = *e.Interval
	}
	return rules.Leave{Interval: iv, Kind: e.LeaveType, Paid: paid}, true
}

// DayShift returns the day's hours of a staggered effect under the staff
// member's pattern p (StaggeredShift).
func (e Effect) DayShift(p rules.Pattern) (rules.DayShift, error) {
	if e.Kind != EffectStaggered || e.Option == nil {
		return rules.DayShift{}, kintai.Invalid("kind", "時差出勤ではありません。", "Not a staggered-hours effect.")
	}
	return StaggeredShift(p, *e.Option)
}

// Punch returns the correction record of a correction effect, to be stored
// at receivedAt: a manual punch at the corrected time whose CorrectsID
// points at the original (which stays). Its ClientKey "request:<id>" makes
// storing it again a no-op.
func (e Effect) Punch(receivedAt time.Time) (punch.Punch, bool) {
	if e.Kind != EffectCorrection {
		return punch.Punch{}, false
	}
	// Punch notes are one line: a reason's line breaks become spaces.
	note := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, e.Note)
	for utf8.RuneCountInString(note) > punch.MaxNoteRunes {
		_, size := utf8.DecodeLastRuneInString(note)
		note = note[:len(note)-size]
	}
	return punch.Punch{
		Input: punch.Input{
			ClientKey: "request:" + strconv.FormatInt(e.RequestID, 10),
			StaffID:   e.StaffID,
			Kind:      e.PunchKind,
			Method:    punch.MethodManual,
			Note:      note,
		},
		ReceivedAt:  receivedAt,
		At:          e.At,
		BusinessDay: e.Day,
		CorrectsID:  e.CorrectsID,
	}, true
}
