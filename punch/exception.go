package punch

import (
	"cmp"
	"slices"

	"kintai"
)

// Exception is a 打刻エラー: something about a day's punches that does not add
// up and that the staff member and their supervisor must resolve, usually
// with a correction request. Exceptions report; they never guess or add the
// missing punch.
type Exception struct {
	StaffID   int64       `json:"staff_id"`
	Day       kintai.Date `json:"day"`
	Code      string      `json:"code"`
	Message   string      `json:"message"`
	MessageEN string      `json:"message_en"`
	// PunchIDs are the punches involved, in time order.
	PunchIDs []int64 `json:"punch_ids"`
}

// Exception codes. They are stable: clients and tests match on them.
const (
	MissingClockOut      = "missing_clock_out"       // 出勤 and no 退勤, once the day is over
	ClockOutWithoutIn    = "clock_out_without_in"    // 退勤 with no 出勤 before it
	DoubleClockIn        = "double_clock_in"         // 出勤 while already clocked in
	DoubleClockOut       = "double_clock_out"        // 退勤 after 退勤
	BreakNotEnded        = "break_not_ended"         // 休憩開始 with no 休憩終了 before the next 休憩開始, 退勤 or the day's end
	BreakEndWithoutStart = "break_end_without_start" // 休憩終了 with no 休憩開始
	ReturnWithoutGoOut   = "return_without_go_out"   // 戻り with no 外出
	GoOutNotReturned     = "go_out_not_returned"     // 外出 with no 戻り before the next 外出, 退勤 or the day's end
	PunchAfterClockOut   = "punch_after_clock_out"   // 休憩・外出・戻り after 退勤
	PunchBeforeClockIn   = "punch_before_clock_in"   // 休憩・外出・戻り before any 出勤
	// NoShiftSet: punches on a day of a shift or flex pattern with no hours
	// set; the rules engine reports it (NoShiftException), since only it
	// knows the patterns.
	NoShiftSet = "no_shift_set"
)

var exceptionMessages = map[string][2]string{
	MissingClockOut:      {"退勤の打刻がありません。", "There is no clock-out."},
	ClockOutWithoutIn:    {"出勤の打刻がないまま退勤が打刻されています。", "Clocked out without a clock-in."},
	DoubleClockIn:        {"出勤が続けて打刻されています。", "Clocked in twice in a row."},
	DoubleClockOut:       {"退勤が続けて打刻されています。", "Clocked out twice in a row."},
	BreakNotEnded:        {"休憩終了の打刻がありません。", "A break was started but not ended."},
	BreakEndWithoutStart: {"休憩開始の打刻がないまま休憩終了が打刻されています。", "A break was ended without being started."},
	ReturnWithoutGoOut:   {"外出の打刻がないまま戻りが打刻されています。", "A return without a go-out."},
	GoOutNotReturned:     {"外出後の戻りの打刻がありません。", "Went out with no return."},
	PunchAfterClockOut:   {"退勤後に休憩・外出の打刻があります。", "Break or go-out punches after clock-out."},
	PunchBeforeClockIn:   {"出勤前に休憩・外出の打刻があります。", "Break or go-out punches before clock-in."},
	NoShiftSet:           {"勤務割が未設定の日に打刻があります。勤務割を設定するか、休日勤務の命令を確認してください。", "Punches on a day with no shift set. Set the day's shift or check for a holiday-work order."},
}

// NoShiftException is the NoShiftSet exception of staffID's punches ids
// on day.
func NoShiftException(staffID int64, day kintai.Date, ids []int64) Exception {
	m := exceptionMessages[NoShiftSet]
	return Exception{StaffID: staffID, Day: day, Code: NoShiftSet, Message: m[0], MessageEN: m[1], PunchIDs: ids}
}

// Sequence returns the punches that count, ordered by At (then ID): a
// correction (CorrectsID != 0) takes the place of the punch it points to,
// which is left out, and a correction of a correction replaces that one in
// turn. It does not change punches.
func Sequence(punches []Punch) []Punch {
	superseded := map[int64]bool{}
	for _, p := range punches {
		if p.CorrectsID != 0 {
			superseded[p.CorrectsID] = true
		}
	}
	out := make([]Punch, 0, len(punches))
	for _, p := range punches {
		if !superseded[p.ID] {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b Punch) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

// Exceptions lists what does not add up in staff member staffID's punches
// of business day day, in the order found (punch order, then the day-end
// checks). Pass every punch of that business day and any correction of one
// of them: punches are put in Sequence order (corrections supersede), and
// then only those of staffID whose BusinessDay is day are read, so a
// correction that moved a punch to another day hides the original here.
//
// The day is read as sessions: 出勤 opens one and 退勤 closes it; 出勤
// after 退勤 opens a new one (a split shift is not an exception). Within a
// session breaks and go-outs must pair up. Punches outside any session are
// listed as one PunchBeforeClockIn or PunchAfterClockOut exception per
// stretch and do not count as breaks. Breaks and go-outs still open at a 退勤
// are reported then. Only when dayOver (the business day has ended, as the
// caller knows from now) are an open session (MissingClockOut) and an open
// break or go-out reported; before that they are simply in progress.
func Exceptions(staffID int64, day kintai.Date, punches []Punch, dayOver bool) []Exception {
	var out []Exception
	add := func(code string, ids ...int64) {
		m := exceptionMessages[code]
		out = append(out, Exception{StaffID: staffID, Day: day, Code: code, Message: m[0], MessageEN: m[1], PunchIDs: ids})
	}
	const (
		none = iota
		open
		closed
	)
	session := none
	var inID, outID, breakID, goOutID int64
	stray := -1 // index in out of the exception collecting the current stretch of stray punches
	for _, p := range Sequence(punches) {
		if p.StaffID != staffID || p.BusinessDay != day {
			continue
		}
		if p.Kind != ClockIn && p.Kind != ClockOut && session != open {
			code := PunchBeforeClockIn
			if session == closed {
				code = PunchAfterClockOut
			}
			if stray >= 0 {
				out[stray].PunchIDs = append(out[stray].PunchIDs, p.ID)
			} else {
				add(code, p.ID)
				stray = len(out) - 1
			}
			continue
		}
		stray = -1
		switch p.Kind {
		case ClockIn:
			if session == open {
				add(DoubleClockIn, inID, p.ID)
				continue
			}
			session, inID, breakID, goOutID = open, p.ID, 0, 0
		case ClockOut:
			switch session {
			case none:
				add(ClockOutWithoutIn, p.ID)
			case closed:
				add(DoubleClockOut, outID, p.ID)
				continue
			case open:
				if breakID != 0 {
					add(BreakNotEnded, breakID)
				}
				if goOutID != 0 {
					add(GoOutNotReturned, goOutID)
				}
			}
			session, outID, breakID, goOutID = closed, p.ID, 0, 0
		case BreakStart:
			if breakID != 0 {
				add(BreakNotEnded, breakID)
			}
			breakID = p.ID
		case BreakEnd:
			if breakID == 0 {
				add(BreakEndWithoutStart, p.ID)
			}
			breakID = 0
		case GoOut:
			if goOutID != 0 {
				add(GoOutNotReturned, goOutID)
			}
			goOutID = p.ID
		case Return:
			if goOutID == 0 {
				add(ReturnWithoutGoOut, p.ID)
			}
			goOutID = 0
		}
	}
	if dayOver && session == open {
		if breakID != 0 {
			add(BreakNotEnded, breakID)
		}
		if goOutID != 0 {
			add(GoOutNotReturned, goOutID)
		}
		add(MissingClockOut, inID)
	}
	return out
}
