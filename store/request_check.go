package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"kintai"
	"kintai/approval"
	"kintai/punch"
	"kintai/rules"
)

// The checks of a request against other records that approval.Validate
// cannot make: the 乖離 of an overtime result computed from the staff
// member's own punches, leave overlapping other leave, and a holiday-work
// order on a day that is a working day. They are kept apart from
// checkRequest so that each can change on its own.

// dayPlan returns the kind of day and the regular hours (nil on a day
// without) of staff member staffID on day: their pattern on that day, the
// day's shift if one is set, the calendar and the rule settings, and an
// approved 時差出勤 request for the day.
func (tx *Tx) dayPlan(ctx context.Context, staffID int64, day kintai.Date) (rules.DayKind, *rules.Shift, error) {
	rs, err := findRuleSettings(ctx, tx)
	if err != nil {
		return "", nil, err
	}
	cal, err := loadCalendar(ctx, tx, rs.Calendar)
	if err != nil {
		return "", nil, err
	}
	p, err := tx.patternOn(ctx, staffID, day)
	if err != nil {
		return "", nil, err
	}
	var ds *rules.DayShift
	shifts, err := findDayShifts(ctx, tx, staffID, day, day)
	if err != nil {
		return "", nil, err
	}
	if len(shifts) > 0 {
		ds = &shifts[0].DayShift
	}
	if ds == nil && p.Kind == rules.PatternStaggered {
		reqs, err := tx.staffRequests(ctx, staffID, approval.KindStaggered, 0)
		if err != nil {
			return "", nil, err
		}
		for _, r := range reqs {
			if r.Status.InForce() && r.Staggered.Day == day {
				if sh, err := approval.StaggeredShift(p, r.Staggered.Option); err == nil {
					ds = &sh
				}
			}
		}
	}
	holiday := func(d kintai.Date) (rules.DayKind, bool) {
		if cd, ok := cal.Lookup(d); ok {
			return HolidayKind(cd), true
		}
		return "", false
	}
	return rules.Plan(p, day, ds, holiday, rs.Rules, tx.db.Zone())
}

// patternOn returns staffID's work pattern on day, or the shift-only
// pattern when none is assigned.
func (tx *Tx) patternOn(ctx context.Context, staffID int64, day kintai.Date) (rules.Pattern, error) {
	row := tx.queryRow(ctx, `SELECT `+prefixed("p.", patternColumns)+` FROM staff_work_patterns a JOIN work_patterns p ON p.id = a.pattern_id
		WHERE a.staff_id = ? AND a.valid_from_on <= ? AND (a.valid_to_on IS NULL OR a.valid_to_on >= ?) ORDER BY a.valid_from_on DESC LIMIT 1`,
		staffID, day, day)
	p, err := scanPattern(row)
	if errors.Is(err, sql.ErrNoRows) {
		return shiftOnly, nil
	}
	return p, err
}

// staffRequests returns staffID's requests of kind that are waiting or in
// force (pending, approved, cancel_pending), request except.
func (tx *Tx) staffRequests(ctx context.Context, staffID int64, kind approval.Kind, except int64) ([]approval.Request, error) {
	rows, err := tx.query(ctx, `SELECT `+requestColumns+` FROM requests WHERE staff_id = ? AND kind = ? AND id <> ?
		AND status IN ('pending', 'approved', 'cancel_pending') ORDER BY id`, staffID, kind, except)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []approval.Request
	for rows.Next() {
		r, _, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// dayPunches returns staffID's punches of business day day and the
// corrections of them, wherever those were moved.
func (tx *Tx) dayPunches(ctx context.Context, staffID int64, day kintai.Date) ([]punch.Punch, error) {
	rows, err := tx.query(ctx, `SELECT `+punchColumns+` FROM punches WHERE staff_id = ? AND (business_on = ?
		OR corrects_id IN (SELECT id FROM punches WHERE staff_id = ? AND business_on = ?)) ORDER BY effective_at, id`, staffID, day, staffID, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []punch.Punch
	for rows.Next() {
		p, err := scanPunch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// fillResultGap sets the Gap of an overtime result (超過勤務実績報告) from
// the records, replacing whatever the client sent: the day's regular hours,
// the overtime ordered (the order or approved request it reports on) and
// the staff member's presence from their punches (rules-jp.md §7). Above
// the threshold of s, approval.Validate then asks for a 乖離理由.
func (tx *Tx) fillResultGap(ctx context.Context, req *approval.Request, s approval.Settings) error {
	if req.Kind != approval.KindOvertimeResult || req.Result == nil {
		return nil
	}
	res := *req.Result
	res.Gap = nil
	req.Result = &res
	if res.Day.IsZero() || res.Actual.Start.IsZero() || res.Actual.End.IsZero() {
		return nil // approval.Validate names the missing field
	}
	var regular, ordered rules.Interval
	if _, shift, err := tx.dayPlan(ctx, req.StaffID, res.Day); err != nil {
		return err
	} else if shift != nil {
		regular = rules.Interval{Start: shift.Start, End: shift.End}
	}
	if res.OrderID > 0 {
		order, _, err := findRequest(ctx, tx, res.OrderID, false)
		switch {
		case kintai.ErrorCode(err) == kintai.ENOTFOUND:
			// checkRequest refuses the unknown order.
		case err != nil:
			return err
		case order.StaffID != req.StaffID:
		case order.Overtime != nil:
			ordered = order.Overtime.Planned
		case order.HolidayWork != nil:
			ordered = order.HolidayWork.Planned
		}
	}
	punches, err := tx.dayPunches(ctx, req.StaffID, res.Day)
	if err != nil {
		return err
	}
	g := approval.CompareOvertime(regular, ordered, res.Actual, approval.Presence(req.StaffID, res.Day, punches), s.GapThresholdMin)
	res.Gap = &g
	return nil
}

// checkRequestConflicts refuses leave that overlaps other leave of the
// same staff member still waiting or in force, a 時差出勤 option that the
// staff member's pattern does not permit, and a holiday-work order on a
// working day or with a substitute day that is not a working day.
func (tx *Tx) checkRequestConflicts(ctx context.Context, req approval.Request) error {
	switch {
	case req.Kind == approval.KindLeave && req.Leave != nil:
		others, err := tx.staffRequests(ctx, req.StaffID, approval.KindLeave, req.ID)
		if err != nil {
			return err
		}
		for _, o := range others {
			if o.Leave != nil && leaveOverlaps(*req.Leave, *o.Leave) {
				field := "leave.from_on"
				if req.Leave.Unit != approval.LeaveDay {
					field = "leave.from"
				}
				return kintai.Invalid(field,
					fmt.Sprintf("同じ日時に別の休暇申請（No.%d、%s）があります。重ならないように申請してください。", o.ID, o.Status.Label()),
					fmt.Sprintf("Another leave request (#%d, %s) covers the same time. Leave requests must not overlap.", o.ID, o.Status))
			}
		}
	case req.Kind == approval.KindStaggered && req.Staggered != nil:
		p, err := tx.patternOn(ctx, req.StaffID, req.Staggered.Day)
		if err != nil {
			return err
		}
		_, err = approval.StaggeredShift(p, req.Staggered.Option)
		return err
	case req.Kind == approval.KindHolidayWork && req.HolidayWork != nil:
		h := req.HolidayWork
		kind, _, err := tx.dayPlan(ctx, req.StaffID, h.Day)
		if err != nil {
			return err
		}
		if kind == rules.Workday {
			return kintai.Invalid("holiday_work.day",
				fmt.Sprintf("%s はこの職員の勤務日です。休日勤務命令は週休日・休日に出してください（勤務日の時間外は超過勤務命令です）。", h.Day),
				fmt.Sprintf("%s is a working day for this staff member. Holiday work is ordered on rest days and holidays; use an overtime order on a working day.", h.Day))
		}
		if h.Substitute != approval.SubstituteNone && !h.SubstituteOn.IsZero() {
			sub, _, err := tx.dayPlan(ctx, req.StaffID, h.SubstituteOn)
			if err != nil {
				return err
			}
			if sub != rules.Workday {
				return kintai.Invalid("holiday_work.substitute_on",
					fmt.Sprintf("%s は勤務日ではありません。振替日・代休日には勤務日を指定してください。", h.SubstituteOn),
					fmt.Sprintf("%s is not a working day. The substitute day must be a working day.", h.SubstituteOn))
			}
		}
	}
	return nil
}

// leaveOverlaps reports whether leave a and b cover any of the same time:
// days of leave by the day, or the hours of leave by the hour.
func leaveOverlaps(a, b approval.Leave) bool {
	first := func(l approval.Leave) kintai.Date { return l.FromOn }
	last := func(l approval.Leave) kintai.Date {
		if l.Unit == approval.LeaveDay && !l.ToOn.IsZero() {
			return l.ToOn
		}
		return l.FromOn
	}
	if first(a).After(last(b)) || first(b).After(last(a)) {
		return false
	}
	if a.Unit == approval.LeaveDay || b.Unit == approval.LeaveDay {
		return true
	}
	return a.From.Before(b.To) && b.From.Before(a.To)
}

// PreviewResultGap returns the 乖離 an overtime result of actor's would
// have if reported now (fillResultGap), storing nothing: the result form
// shows it before the staff member sends the report.
func (db *DB) PreviewResultGap(ctx context.Context, actor kintai.Actor, req approval.Request) (approval.Gap, error) {
	var gap approval.Gap
	err := db.WithTx(ctx, actor, func(tx *Tx) error {
		s, err := findApprovalSettings(ctx, tx)
		if err != nil {
			return err
		}
		req.Kind, req.StaffID = approval.KindOvertimeResult, actor.StaffID
		if err := tx.fillResultGap(ctx, &req, s.Settings); err != nil {
			return err
		}
		if req.Result != nil && req.Result.Gap != nil {
			gap = *req.Result.Gap
		}
		return nil
	})
	return gap, err
}
