package approval

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kintai"
	"kintai/rules"
)

// Limits on request fields.
const (
	MaxReasonRunes  = 400  // reasons, notes and work descriptions
	MaxCommentRunes = 1000 // decision comments
	maxLeaveDays    = 366  // one request of leave by the day
	maxIntervalMin  = 24 * 60
)

// Validate checks req's own fields for its kind. Its errors are
// *kintai.Error with code kintai.EINVALID and Field naming the JSON field
// at fault ("leave.to_on"). Checks that need other records (the punch to
// correct exists, the leave type is known and has days left, the order of
// a result, the staggered option is one of the pattern's) are the
// integrator's, with CheckResultOrder and StaggeredShift.
func Validate(req Request, s Settings) error {
	switch {
	case !req.Kind.Valid():
		return kintai.Invalid("kind", "申請の種類が不正です。", "Unknown request kind.")
	case req.StaffID <= 0:
		return kintai.Invalid("staff_id", "職員を指定してください。", "staff_id is required.")
	case req.OrgUnitID <= 0:
		return kintai.Invalid("org_unit_id", "所属を指定してください。", "org_unit_id is required.")
	case req.CreatedBy <= 0:
		return kintai.Invalid("created_by", "申請者を指定してください。", "created_by is required.")
	case req.Kind.Order() && req.CreatedBy == req.StaffID:
		return kintai.Invalid("staff_id", "自分自身に命令することはできません。", "You cannot give an order to yourself.")
	}
	if err := onePayload(req); err != nil {
		return err
	}
	switch req.Kind {
	case KindLeave:
		return validLeave(req.Leave)
	case KindOvertimeOrder, KindOvertimeRequest:
		o := req.Overtime
		if err := validDay("overtime.day", o.Day); err != nil {
			return err
		}
		if err := validInterval("overtime.planned", o.Day, o.Planned, "予定時刻", "The planned interval"); err != nil {
			return err
		}
		return validText("overtime.reason", o.Reason, true, "業務内容・理由", "The reason")
	case KindOvertimeResult:
		r := req.Result
		switch {
		case r.OrderID < 0:
			return kintai.Invalid("result.order_id", "命令の指定が不正です。", "Invalid order_id.")
		case r.OrderID == 0 && !s.ResultWithoutOrder:
			return kintai.Invalid("result.order_id", "超過勤務命令または承認済みの申請を指定してください。", "The report must name an overtime order or an approved overtime request.")
		}
		if err := validDay("result.day", r.Day); err != nil {
			return err
		}
		if err := validInterval("result.actual", r.Day, r.Actual, "実績時刻", "The actual interval"); err != nil {
			return err
		}
		if err := validText("result.work", r.Work, false, "業務内容", "The work description"); err != nil {
			return err
		}
		if r.Gap != nil && r.Gap.ReasonRequired && strings.TrimSpace(r.GapReason) == "" {
			return kintai.Invalid("result.gap_reason",
				fmt.Sprintf("客観的な記録との乖離（%s）が基準を超えています。乖離理由を入力してください。", r.Gap.text()),
				fmt.Sprintf("The gap with the objective record (%s) is above the threshold. Give a reason for it.", r.Gap.textEN()))
		}
		return validText("result.gap_reason", r.GapReason, false, "乖離理由", "The gap reason")
	case KindHolidayWork:
		return validHolidayWork(req.HolidayWork, s)
	case KindPunchCorrection:
		c := req.Correction
		switch {
		case c.PunchID < 0:
			return kintai.Invalid("correction.punch_id", "修正する打刻の指定が不正です。", "Invalid punch_id.")
		case !c.Kind.Valid():
			return kintai.Invalid("correction.punch_kind", "打刻の種類を選んでください。", "Choose the kind of punch.")
		case c.At.IsZero():
			return kintai.Invalid("correction.at", "修正後の時刻を入力してください。", "The corrected time is required.")
		}
		if err := validDay("correction.day", c.Day); err != nil {
			return err
		}
		if !near(c.Day, c.At) {
			return kintai.Invalid("correction.at", "修正後の時刻が勤務日と離れすぎています。", "The corrected time is too far from the business day.")
		}
		return validText("correction.reason", c.Reason, true, "修正理由", "The reason")
	case KindTelework:
		t := req.Telework
		if err := validDay("telework.day", t.Day); err != nil {
			return err
		}
		if !t.Location.OffSite() {
			return kintai.Invalid("telework.location", "勤務場所は自宅・サテライト・出張先から選んでください。", "Choose home, satellite office or business trip as the location.")
		}
		return validText("telework.note", t.Note, false, "備考", "The note")
	case KindStaggered:
		st := req.Staggered
		if err := validDay("staggered.day", st.Day); err != nil {
			return err
		}
		if st.Option.StartMin < 0 || st.Option.StartMin >= 24*60 || st.Option.EndMin <= st.Option.StartMin || st.Option.Minutes() > maxIntervalMin {
			return kintai.Invalid("staggered.option", "時差出勤の勤務時間を選んでください。", "Choose the staggered hours.")
		}
		return validText("staggered.reason", st.Reason, false, "理由", "The reason")
	}
	return nil
}

// onePayload checks that exactly the payload of req.Kind is set.
func onePayload(req Request) error {
	set := map[Kind]bool{
		KindLeave:           req.Leave != nil,
		KindOvertimeOrder:   req.Overtime != nil,
		KindOvertimeRequest: req.Overtime != nil,
		KindOvertimeResult:  req.Result != nil,
		KindHolidayWork:     req.HolidayWork != nil,
		KindPunchCorrection: req.Correction != nil,
		KindTelework:        req.Telework != nil,
		KindStaggered:       req.Staggered != nil,
	}
	if !set[req.Kind] {
		return kintai.Invalid(payloadField(req.Kind), "申請の内容を入力してください。", "The request details are missing.")
	}
	n := 0
	for _, p := range []bool{req.Leave != nil, req.Overtime != nil, req.Result != nil, req.HolidayWork != nil, req.Correction != nil, req.Telework != nil, req.Staggered != nil} {
		if p {
			n++
		}
	}
	if n != 1 {
		return kintai.Invalid("kind", "申請の種類と内容が一致しません。", "The request details do not match its kind.")
	}
	return nil
}

func payloadField(k Kind) string {
	switch k {
	case KindOvertimeOrder, KindOvertimeRequest:
		return "overtime"
	case KindOvertimeResult:
		return "result"
	case KindPunchCorrection:
		return "correction"
	}
	return string(k)
}

func validLeave(l *Leave) error {
	if strings.TrimSpace(l.Type) == "" || len(l.Type) > 64 || !visibleASCII(l.Type) {
		return kintai.Invalid("leave.type", "休暇の種類を選んでください。", "Choose the type of leave.")
	}
	if err := validDay("leave.from_on", l.FromOn); err != nil {
		return err
	}
	switch l.Unit {
	case LeaveDay:
		switch {
		case l.ToOn.IsZero():
			return kintai.Invalid("leave.to_on", "休暇の終了日を入力してください。", "The last day of leave is required.")
		case l.ToOn.Before(l.FromOn):
			return kintai.Invalid("leave.to_on", "休暇の終了日が開始日より前です。", "The last day of leave is before the first.")
		case l.Days() > maxLeaveDays:
			return kintai.Invalid("leave.to_on", "1回の申請で取得できる休暇は366日までです。", "One request covers at most 366 days of leave.")
		case !l.From.IsZero() || !l.To.IsZero():
			return kintai.Invalid("leave.from", "日単位の休暇に時刻は指定できません。", "Leave by the day takes no times.")
		}
	case LeaveHour, LeaveQuarter:
		step, ja, en := 60, "1時間単位", "whole hours"
		if l.Unit == LeaveQuarter {
			step, ja, en = 15, "15分単位", "multiples of 15 minutes"
		}
		switch {
		case !l.ToOn.IsZero() && l.ToOn != l.FromOn:
			return kintai.Invalid("leave.to_on", "時間単位の休暇は1日の中で申請してください。", "Leave by the hour is taken within one day.")
		case l.From.IsZero() || l.To.IsZero():
			return kintai.Invalid("leave.from", "休暇の開始・終了時刻を入力してください。", "The start and end times of leave are required.")
		}
		if err := validInterval("leave.to", l.FromOn, rules.Interval{Start: l.From, End: l.To}, "休暇の時刻", "The leave times"); err != nil {
			return err
		}
		if l.To.Sub(l.From)%(time.Duration(step)*time.Minute) != 0 {
			return kintai.Invalid("leave.to", "休暇は"+ja+"で申請してください。", "Leave in this unit is taken in "+en+".")
		}
	case LeaveMorning, LeaveAfternoon:
		switch {
		case !l.ToOn.IsZero() && l.ToOn != l.FromOn:
			return kintai.Invalid("leave.to_on", "半日単位の休暇は1日ずつ申請してください。", "A half day of leave is one day.")
		case l.From.IsZero() || l.To.IsZero():
			return kintai.Invalid("leave.from_on", "半日休暇の時間が勤務時間から決まりません。勤務日を指定してください。", "The half day's hours cannot be told from the day's hours. Choose a working day.")
		}
		if err := validInterval("leave.from_on", l.FromOn, rules.Interval{Start: l.From, End: l.To}, "半日休暇の時刻", "The half day's times"); err != nil {
			return err
		}
	default:
		return kintai.Invalid("leave.unit", "休暇の取得単位を選んでください。", "Choose the unit of leave.")
	}
	if len(l.Case) > 64 || (l.Case != "" && !visibleASCII(l.Case)) {
		return kintai.Invalid("leave.case", "休暇の区分が不正です。", "Invalid leave case.")
	}
	if err := validText("leave.event", l.Event, false, "事由", "The event"); err != nil {
		return err
	}
	return validText("leave.reason", l.Reason, false, "理由", "The reason")
}

func validHolidayWork(h *HolidayWork, s Settings) error {
	if err := validDay("holiday_work.day", h.Day); err != nil {
		return err
	}
	if err := validInterval("holiday_work.planned", h.Day, h.Planned, "予定時刻", "The planned interval"); err != nil {
		return err
	}
	if err := validText("holiday_work.reason", h.Reason, true, "業務内容・理由", "The reason"); err != nil {
		return err
	}
	switch h.Substitute {
	case SubstituteNone:
		if !h.SubstituteOn.IsZero() {
			return kintai.Invalid("holiday_work.substitute_on", "振替・代休なしの場合は日付を指定できません。", "No substitute day is given without 振替 or 代休.")
		}
	case SubstituteFurikae:
		if h.SubstituteOn.IsZero() {
			return kintai.Invalid("holiday_work.substitute_on", "振替日を入力してください。", "The substitute day (振替日) is required.")
		}
		return checkFurikae(h.Day, h.SubstituteOn, s)
	case SubstituteDaikyu:
		if !h.SubstituteOn.IsZero() {
			return checkDaikyu(h.Day, h.SubstituteOn, s)
		}
	default:
		return kintai.Invalid("holiday_work.substitute", "振替・代休の扱いを選んでください。", "Choose 振替, 代休 or none.")
	}
	return nil
}

// checkFurikae checks that sub is a permitted 振替日 for work on day.
func checkFurikae(day, sub kintai.Date, s Settings) error {
	first, last := day.AddDays(-s.FurikaeBeforeDays), day.AddDays(s.FurikaeAfterDays)
	switch {
	case sub == day:
		return kintai.Invalid("holiday_work.substitute_on", "振替日は勤務日と別の日にしてください。", "The substitute day must differ from the work day.")
	case sub.Before(first) || sub.After(last):
		return kintai.Invalid("holiday_work.substitute_on",
			fmt.Sprintf("振替日は %s から %s までの間で指定してください。", first, last),
			fmt.Sprintf("The substitute day must fall between %s and %s.", first, last))
	}
	return nil
}

// checkDaikyu checks that sub is a permitted 代休日 for work on day.
func checkDaikyu(day, sub kintai.Date, s Settings) error {
	last := day.AddDays(s.DaikyuAfterDays)
	if !sub.After(day) || sub.After(last) {
		return kintai.Invalid("holiday_work.substitute_on",
			fmt.Sprintf("代休日は %s の翌日から %s までの間で指定してください。", day, last),
			fmt.Sprintf("The 代休 day must fall after %s and no later than %s.", day, last))
	}
	return nil
}

func validDay(field string, d kintai.Date) error {
	if d.IsZero() {
		return kintai.Invalid(field, "日付を入力してください。", "The date is required.")
	}
	return nil
}

// validInterval checks that iv is non-empty, at most a day long and near
// day. Its business day is the integrator's to check (it needs the time
// zone and the day boundary); this only catches a wrong date.
func validInterval(field string, day kintai.Date, iv rules.Interval, ja, en string) error {
	switch {
	case iv.Start.IsZero() || iv.End.IsZero():
		return kintai.Invalid(field, ja+"を入力してください。", en+" is required.")
	case !iv.End.After(iv.Start):
		return kintai.Invalid(field, ja+"の終了が開始より前です。", en+" ends before it starts.")
	case iv.End.Sub(iv.Start) > maxIntervalMin*time.Minute:
		return kintai.Invalid(field, ja+"は24時間以内で指定してください。", en+" must be at most 24 hours.")
	case iv.Start.Sub(iv.Start.Truncate(time.Minute)) != 0 || iv.End.Sub(iv.End.Truncate(time.Minute)) != 0:
		return kintai.Invalid(field, ja+"は分単位で指定してください。", en+" must be in whole minutes.")
	case !near(day, iv.Start):
		return kintai.Invalid(field, ja+"が勤務日と離れすぎています。", en+" is too far from the business day.")
	}
	return nil
}

// near reports whether t falls within a day either side of day's civil
// span in any time zone: from day−1 00:00 UTC to day+2 00:00 UTC.
func near(day kintai.Date, t time.Time) bool {
	start := day.Time(time.UTC)
	return !t.Before(start.Add(-24*time.Hour)) && t.Before(start.Add(48*time.Hour))
}

func validText(field, s string, required bool, ja, en string) error {
	switch {
	case required && strings.TrimSpace(s) == "":
		return kintai.Invalid(field, ja+"を入力してください。", en+" is required.")
	case !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }):
		return kintai.Invalid(field, ja+"に使用できない文字が含まれています。", en+" contains characters that are not allowed.")
	case utf8.RuneCountInString(s) > MaxReasonRunes:
		return kintai.Invalid(field, fmt.Sprintf("%sは%d文字以内で入力してください。", ja, MaxReasonRunes), fmt.Sprintf("%s must be at most %d characters.", en, MaxReasonRunes))
	}
	return nil
}

func visibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// ValidateSettings checks s.
func ValidateSettings(s Settings) error {
	switch {
	case s.EscalateAfterDays < 0 || s.EscalateAfterDays > 365:
		return kintai.Invalid("escalate_after_days", "エスカレーションまでの日数は0〜365で指定してください。", "escalate_after_days must be 0 to 365.")
	case s.GapThresholdMin < 0 || s.GapThresholdMin > maxIntervalMin:
		return kintai.Invalid("gap_threshold_min", "乖離の基準は0〜1440分で指定してください。", "gap_threshold_min must be 0 to 1440.")
	case s.FurikaeBeforeDays < 0 || s.FurikaeBeforeDays > 365:
		return kintai.Invalid("furikae_before_days", "振替の期間（前）は0〜365日で指定してください。", "furikae_before_days must be 0 to 365.")
	case s.FurikaeAfterDays < 0 || s.FurikaeAfterDays > 365:
		return kintai.Invalid("furikae_after_days", "振替の期間（後）は0〜365日で指定してください。", "furikae_after_days must be 0 to 365.")
	case s.DaikyuAfterDays < 1 || s.DaikyuAfterDays > 365:
		return kintai.Invalid("daikyu_after_days", "代休の期間は1〜365日で指定してください。", "daikyu_after_days must be 1 to 365.")
	}
	return nil
}

// CheckResultOrder checks that order is what result (an overtime_result)
// may report on: an overtime order, approved overtime request or
// holiday-work order in force, for the same staff member and day.
func CheckResultOrder(result, order Request) error {
	if result.Kind != KindOvertimeResult || result.Result == nil {
		return kintai.Invalid("kind", "超過勤務実績ではありません。", "Not an overtime result.")
	}
	var day kintai.Date
	switch {
	case (order.Kind == KindOvertimeOrder || order.Kind == KindOvertimeRequest) && order.Overtime != nil:
		day = order.Overtime.Day
	case order.Kind == KindHolidayWork && order.HolidayWork != nil:
		day = order.HolidayWork.Day
	default:
		return kintai.Invalid("result.order_id", "超過勤務命令・申請または休日勤務命令を指定してください。", "Name an overtime order or request, or a holiday-work order.")
	}
	switch {
	case order.ID != result.Result.OrderID:
		return kintai.Invalid("result.order_id", "指定された命令と一致しません。", "The order does not match order_id.")
	case order.StaffID != result.StaffID:
		return kintai.Invalid("result.order_id", "他の職員への命令は指定できません。", "The order is for another staff member.")
	case !order.Status.InForce():
		return kintai.Invalid("result.order_id", "命令・申請が承認されていません（"+order.Status.Label()+"）。", "The order or request is not in force ("+string(order.Status)+").")
	case day != result.Result.Day:
		return kintai.Invalid("result.day", "実績の勤務日が命令の勤務日と異なります。", "The result's day differs from the order's.")
	}
	return nil
}

// StaggeredShift returns the day's hours for a 時差出勤 option of pattern
// p: the option itself, with p's breaks moved by the same offset as the
// start. It refuses an option that is not one of p's.
func StaggeredShift(p rules.Pattern, option rules.Span) (rules.DayShift, error) {
	if p.Kind != rules.PatternStaggered {
		return rules.DayShift{}, kintai.Invalid("staggered.option", "時差出勤の勤務形態ではありません。", "The staff member's pattern is not a staggered one.")
	}
	for _, o := range p.Options {
		if o != option {
			continue
		}
		off := o.StartMin - p.Hours.StartMin
		var breaks []rules.Span
		for _, b := range p.Breaks {
			breaks = append(breaks, rules.Span{StartMin: b.StartMin + off, EndMin: b.EndMin + off})
		}
		return rules.DayShift{Hours: o, Breaks: breaks}, nil
	}
	return rules.DayShift{}, kintai.Invalid("staggered.option", "選択できない時差出勤の時間です。", "That is not one of the permitted staggered hours.")
}
