package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"time"

	"kintai"
	"kintai/approval"
	"kintai/calendar"
	"kintai/leave"
	"kintai/rules"
)

// LeaveBalances are the kinds of balance kept in a Ledger of grants:
// 年次休暇, 代休 and 超勤代休時間.
var LeaveBalances = []leave.Category{leave.Annual, leave.Compensatory, leave.OvertimeComp}

func validBalance(c leave.Category) bool { return slices.Contains(LeaveBalances, c) }

// LeaveGrant is a stored grant (付与) of one balance to one staff member.
type LeaveGrant struct {
	ID      int64          `json:"id"`
	StaffID int64          `json:"staff_id"`
	Balance leave.Category `json:"balance"`
	leave.Grant
	// GrantYear is the year of a grant made by the yearly run (0 for a
	// manual grant); the same year is never granted twice.
	GrantYear int `json:"grant_year,omitempty"`
	// EarnedOn is the first day of the month whose overtime beyond 60
	// hours earned a 超勤代休時間 grant made at the month's close.
	EarnedOn     kintai.Date `json:"earned_on,omitzero"`
	CreatedBy    int64       `json:"created_by,omitempty"`
	CreatedAt    time.Time   `json:"created_at"`
	RevokedAt    time.Time   `json:"revoked_at,omitzero"`
	RevokedBy    int64       `json:"revoked_by,omitempty"`
	RevokeReason string      `json:"revoke_reason,omitempty"`
}

const leaveGrantColumns = `id, staff_id, balance, days, minutes, granted_on, expires_on, carried, grant_year, note,
	created_by, created_at, revoked_at, revoked_by, revoke_reason, earned_on`

func scanLeaveGrant(sc interface{ Scan(...any) error }) (LeaveGrant, error) {
	var g LeaveGrant
	var carried int
	var year, createdBy, revokedBy sql.NullInt64
	err := sc.Scan(&g.ID, &g.StaffID, &g.Balance, &g.Amount.Days, &g.Amount.Min, &g.GrantedOn, &g.ExpiresOn, &carried, &year, &g.Note,
		&createdBy, scanTime{&g.CreatedAt}, scanTime{&g.RevokedAt}, &revokedBy, &g.RevokeReason, &g.EarnedOn)
	g.Carried, g.GrantYear, g.CreatedBy, g.RevokedBy = carried == 1, int(year.Int64), createdBy.Int64, revokedBy.Int64
	return g, err
}

// findLeaveGrants returns staffID's grants, revoked ones included when
// withRevoked, in the order granted.
func findLeaveGrants(ctx context.Context, q querier, staffID int64, withRevoked bool) ([]LeaveGrant, error) {
	where := ""
	if !withRevoked {
		where = " AND revoked_at IS NULL"
	}
	rows, err := q.query(ctx, `SELECT `+leaveGrantColumns+` FROM leave_grants WHERE staff_id = ?`+where+` ORDER BY granted_on, id`, staffID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []LeaveGrant{}
	for rows.Next() {
		g, err := scanLeaveGrant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// FindLeaveGrants returns staffID's grants, revoked ones included.
func (db *DB) FindLeaveGrants(ctx context.Context, staffID int64) ([]LeaveGrant, error) {
	return findLeaveGrants(ctx, db, staffID, true)
}

// AddLeaveGrant stores g, a manual grant or correction made by the
// transaction's actor (HR), with its reason in Note, and audits it.
func (tx *Tx) AddLeaveGrant(ctx context.Context, g *LeaveGrant) error {
	if _, err := tx.FindStaffByID(ctx, g.StaffID); err != nil {
		if kintai.ErrorCode(err) == kintai.ENOTFOUND {
			return kintai.Invalid("staff_id", "職員が見つかりません。", "The staff member does not exist.")
		}
		return err
	}
	if g.Note == "" {
		return kintai.Invalid("note", "付与の理由を入力してください。", "Give the reason for the grant.")
	}
	g.GrantYear = 0
	return tx.insertLeaveGrant(ctx, g)
}

func (tx *Tx) insertLeaveGrant(ctx context.Context, g *LeaveGrant) error {
	if !validBalance(g.Balance) {
		return kintai.Invalid("balance", "残日数の種類が不正です。", "Unknown kind of balance.")
	}
	if g.Amount.Days < 0 || g.Amount.Min < 0 || g.Amount.IsZero() {
		return kintai.Invalid("amount", "付与日数は正の値で指定してください。", "A grant must be positive.")
	}
	if g.GrantedOn.IsZero() {
		return kintai.Invalid("granted_on", "付与日を入力してください。", "The grant date is required.")
	}
	if !g.ExpiresOn.IsZero() && g.ExpiresOn.Before(g.GrantedOn) {
		return kintai.Invalid("expires_on", "有効期限が付与日より前です。", "A grant expires before it is granted.")
	}
	g.CreatedBy, g.CreatedAt = tx.Actor.StaffID, tx.Now
	var year any
	if g.GrantYear != 0 {
		year = g.GrantYear
	}
	id, err := tx.insert(ctx, `INSERT INTO leave_grants (staff_id, balance, days, minutes, granted_on, expires_on, carried, grant_year, note, created_by, created_at, earned_on)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		g.StaffID, g.Balance, g.Amount.Days, g.Amount.Min, g.GrantedOn, g.ExpiresOn, boolInt(g.Carried), year, g.Note, nullID(g.CreatedBy), instant(tx.Now), g.EarnedOn)
	if err != nil {
		return err
	}
	g.ID = id
	return tx.Audit(ctx, "leave_grant.create", "leave_grant", id, nil, g)
}

// RevokeLeaveGrant revokes grant id with a reason (a correction); the
// row is kept for the record.
func (tx *Tx) RevokeLeaveGrant(ctx context.Context, id int64, reason string) (LeaveGrant, error) {
	if reason == "" {
		return LeaveGrant{}, kintai.Invalid("reason", "取消しの理由を入力してください。", "Give the reason for the revocation.")
	}
	g, err := scanLeaveGrant(tx.queryRow(ctx, `SELECT `+leaveGrantColumns+` FROM leave_grants WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return g, kintai.NotFound("付与", "Grant")
	}
	if err != nil {
		return g, err
	}
	if !g.RevokedAt.IsZero() {
		return g, kintai.Errorf(kintai.ECONFLICT, "この付与は取消済みです。", "The grant has already been revoked.")
	}
	before := g
	g.RevokedAt, g.RevokedBy, g.RevokeReason = tx.Now, tx.Actor.StaffID, reason
	if _, err := tx.exec(ctx, `UPDATE leave_grants SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE id = ?`,
		instant(tx.Now), nullID(tx.Actor.StaffID), reason, id); err != nil {
		return g, err
	}
	return g, tx.Audit(ctx, "leave_grant.revoke", "leave_grant", id, before, g)
}

// leaveTerms returns the working terms leave needs from staff member st's
// work pattern p: the daily and weekly minutes of a fixed or staggered
// pattern, the weekly average of a flex one; nothing for a shift pattern.
func leaveTerms(st *kintai.Staff, p rules.Pattern) leave.Terms {
	t := leave.Terms{EmploymentType: st.EmploymentType}
	switch p.Kind {
	case rules.PatternFixed, rules.PatternStaggered:
		daily := p.Hours.Minutes()
		for _, b := range p.Breaks {
			daily -= b.Minutes()
		}
		days := bits.OnesCount(uint(p.Weekdays) & 0x7f)
		if daily > 0 && days > 0 {
			t.DailyMin, t.DaysPerWeek, t.WeeklyMin = daily, days, daily*days
		}
	case rules.PatternFlex:
		if p.UnitWeeks > 0 {
			t.WeeklyMin = p.RequiredMin / p.UnitWeeks
		}
	}
	return t
}

// leaveDayMinutes returns the minutes of one day of leave for st on day
// (leave.DayMinutes); staff whose hours cannot be told from their
// pattern (a shift pattern) count the full-time day.
func (tx *Tx) leaveDayMinutes(ctx context.Context, st *kintai.Staff, day kintai.Date, s leave.Settings) (int, leave.Terms, error) {
	p, err := tx.patternOn(ctx, st.ID, day)
	if err != nil {
		return 0, leave.Terms{}, err
	}
	m, terms := leaveDayMinutesOf(st, p, s)
	return m, terms, nil
}

// leaveDayMinutesOf is leaveDayMinutes on work pattern p.
func leaveDayMinutesOf(st *kintai.Staff, p rules.Pattern, s leave.Settings) (int, leave.Terms) {
	terms := leaveTerms(st, p)
	m, err := leave.DayMinutes(terms, s)
	if err != nil {
		return s.DayMin, terms
	}
	return m, terms
}

func leaveUnit(u approval.LeaveUnit) leave.Unit {
	switch u {
	case approval.LeaveHour:
		return leave.UnitHour
	case approval.LeaveQuarter:
		return leave.UnitQuarterHour
	case approval.LeaveMorning, approval.LeaveAfternoon:
		return leave.UnitHalfDay
	}
	return leave.UnitDay
}

// fillHalfDay sets the hours of a half day of leave from the day's hours,
// whatever a client sent: split at the entity's leave.Settings.MorningEndMin
// when set (around the break it falls in), otherwise at the first break;
// a day with no break is split where the entity's morning half day ends
// (leave.Settings.HalfDays). A day with no hours has no half day.
func (tx *Tx) fillHalfDay(ctx context.Context, req *approval.Request) error {
	l := req.Leave
	if req.Kind != approval.KindLeave || l == nil || !l.Unit.HalfDay() || l.FromOn.IsZero() {
		return nil
	}
	l.From, l.To, l.ToOn = time.Time{}, time.Time{}, l.FromOn
	kind, shift, err := tx.dayPlan(ctx, req.StaffID, l.FromOn)
	if err != nil {
		return err
	}
	if shift == nil || kind != rules.Workday {
		return kintai.Invalid("leave.from_on",
			fmt.Sprintf("%s は勤務時間の割り振られた勤務日ではないため、半日休暇は申請できません。", l.FromOn),
			fmt.Sprintf("%s is not a working day with hours, so no half day can be taken.", l.FromOn))
	}
	cfg, err := tx.FindLeaveConfig(ctx)
	if err != nil {
		return err
	}
	split, ok := morningEnd(shift, l.FromOn.Time(tx.db.Zone()), cfg.Settings.MorningEndMin)
	switch {
	case ok:
	case len(shift.Breaks) > 0:
		split = shift.Breaks[0]
	default:
		st, err := tx.FindStaffByID(ctx, req.StaffID)
		if err != nil {
			return err
		}
		dayMin, _, err := tx.leaveDayMinutes(ctx, st, l.FromOn, cfg.Settings)
		if err != nil {
			return err
		}
		morning, _ := cfg.Settings.HalfDays(dayMin)
		at := shift.Start.Add(time.Duration(min(morning, int(shift.End.Sub(shift.Start)/time.Minute)/2)) * time.Minute)
		split = rules.Interval{Start: at, End: at}
	}
	if l.Unit == approval.LeaveMorning {
		l.From, l.To = shift.Start, split.Start
	} else {
		l.From, l.To = split.End, shift.End
	}
	return nil
}

// morningEnd returns where the entity's morning half day ends on a day
// starting at midnight: at endMin after midnight, or around the break
// that time falls in; ok is false when endMin is 0 (unset) or falls
// outside the shift's hours, for the first-break rule to apply.
func morningEnd(shift *rules.Shift, midnight time.Time, endMin int) (rules.Interval, bool) {
	if endMin <= 0 {
		return rules.Interval{}, false
	}
	at := midnight.Add(time.Duration(endMin) * time.Minute)
	if !at.After(shift.Start) || !at.Before(shift.End) {
		return rules.Interval{}, false
	}
	for _, b := range shift.Breaks {
		if !at.Before(b.Start) && !at.After(b.End) {
			return b, true
		}
	}
	return rules.Interval{Start: at, End: at}, true
}

// leaveUses returns the uses of leave request r: one day for each day of
// leave by the day that is a working day (days off and 休日 are not
// taken), the minutes between the times for leave by the hour (no per-day
// cap), and for a half day halves[0] (morning) or halves[1] (afternoon)
// minutes, the entity's half day rather than the hours. A working day is one with regular hours that is not a 休日; for
// staff on shifts whose day is not yet planned (or with no pattern),
// Monday to Friday outside the holiday calendar.
func (tx *Tx) leaveUses(ctx context.Context, r approval.Request, halves [2]int) ([]leave.Use, error) {
	l := r.Leave
	if l == nil {
		return nil, nil
	}
	if l.Unit.HalfDay() {
		amount := halves[0]
		if l.Unit == approval.LeaveAfternoon {
			amount = halves[1]
		}
		return []leave.Use{{Date: l.FromOn, Type: l.Type, Unit: leave.UnitHalfDay, Amount: leave.MinutesAmount(amount), Case: l.Case, Event: l.Event, RequestID: r.ID}}, nil
	}
	if l.Unit != approval.LeaveDay {
		return []leave.Use{{Date: l.FromOn, Type: l.Type, Unit: leaveUnit(l.Unit),
			Amount: leave.MinutesAmount(int(l.To.Sub(l.From) / time.Minute)), Case: l.Case, Event: l.Event, RequestID: r.ID}}, nil
	}
	rs, err := findRuleSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	cal, err := loadCalendar(ctx, tx, rs.Calendar)
	if err != nil {
		return nil, err
	}
	var out []leave.Use
	for d, n := l.FromOn, 0; !d.After(l.ToOn) && n < 366; d, n = d.AddDays(1), n+1 {
		kind, shift, err := tx.dayPlan(ctx, r.StaffID, d)
		if err != nil {
			return nil, err
		}
		working := shift != nil && kind == rules.Workday
		if shift == nil {
			p, err := tx.patternOn(ctx, r.StaffID, d)
			if err != nil {
				return nil, err
			}
			if p.Kind == rules.PatternShift || p.Kind == rules.PatternFlex {
				_, holiday := cal.Lookup(d)
				wd := d.Weekday()
				working = !holiday && wd != time.Saturday && wd != time.Sunday
			}
		}
		if working {
			out = append(out, leave.Use{Date: d, Type: l.Type, Unit: leave.UnitDay, Amount: leave.DaysAmount(1), Case: l.Case, Event: l.Event, RequestID: r.ID})
		}
	}
	return out, nil
}

// staffLeave is what the ledgers of one staff member are built from.
type staffLeave struct {
	staff    *kintai.Staff
	cfg      *LeaveConfig
	settings leave.Settings
	dayMin   int
	terms    leave.Terms
	grants   []LeaveGrant
	// approved and pending are the uses of the requests in force and of
	// those waiting for approval, by request.
	approved, pending []leave.Use
	requests          map[int64]approval.Request
	// daikyu are the 代休 owed by holiday-work orders (addDaikyuOrders).
	daikyu []leave.Grant
}

// loadStaffLeave reads staffID's grants and leave requests under the
// entity's leave configuration cfg, leaving out request except, with the
// day length on day.
func (tx *Tx) loadStaffLeave(ctx context.Context, cfg *LeaveConfig, staffID int64, day kintai.Date, except int64) (*staffLeave, error) {
	st, err := tx.FindStaffByID(ctx, staffID)
	if err != nil {
		return nil, err
	}
	p, err := tx.patternOn(ctx, staffID, day)
	if err != nil {
		return nil, err
	}
	grants, err := findLeaveGrants(ctx, tx, staffID, false)
	if err != nil {
		return nil, err
	}
	reqs, err := tx.staffRequests(ctx, staffID, approval.KindLeave, except)
	if err != nil {
		return nil, err
	}
	return tx.newStaffLeave(ctx, cfg, st, p, grants, reqs)
}

// newStaffLeave builds the ledgers' sources of staff member st on work
// pattern p from their grants (not revoked) and leave requests.
func (tx *Tx) newStaffLeave(ctx context.Context, cfg *LeaveConfig, st *kintai.Staff, p rules.Pattern, grants []LeaveGrant, reqs []approval.Request) (*staffLeave, error) {
	sl := &staffLeave{staff: st, cfg: cfg, settings: cfg.Settings, requests: map[int64]approval.Request{}, grants: grants}
	sl.dayMin, sl.terms = leaveDayMinutesOf(st, p, cfg.Settings)
	for _, r := range reqs {
		uses, err := tx.leaveUses(ctx, r, sl.halfDays())
		if err != nil {
			return nil, err
		}
		sl.requests[r.ID] = r
		if r.Status.InForce() {
			sl.approved = append(sl.approved, uses...)
		} else {
			sl.pending = append(sl.pending, uses...)
		}
	}
	return sl, nil
}

// loadStaffLeaves is loadStaffLeave for many staff at once, a few
// queries per 500 staff rather than several per staff member: the
// five-day list of everyone in HR's scope. Ids that are no staff member
// are left out.
func (tx *Tx) loadStaffLeaves(ctx context.Context, cfg *LeaveConfig, staffIDs []int64, day kintai.Date) (map[int64]*staffLeave, error) {
	patterns, err := findPatterns(ctx, tx)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]rules.Pattern, len(patterns))
	for _, p := range patterns {
		byID[p.ID] = p
	}
	out := make(map[int64]*staffLeave, len(staffIDs))
	for chunk := range slices.Chunk(staffIDs, 500) {
		staff := map[int64]*kintai.Staff{}
		err := tx.queryIn(ctx, `SELECT `+staffColumns+` FROM staff WHERE id IN ({ids})`, nil, chunk, func(rows *sql.Rows) error {
			st, err := scanStaff(rows)
			staff[st.ID] = &st
			return err
		})
		if err != nil {
			return nil, err
		}
		// The assignment on day of each staff member: the latest start.
		pattern := map[int64]rules.Pattern{}
		err = tx.queryIn(ctx, `SELECT staff_id, pattern_id FROM staff_work_patterns WHERE valid_from_on <= ? AND (valid_to_on IS NULL OR valid_to_on >= ?)
			AND staff_id IN ({ids}) ORDER BY staff_id, valid_from_on DESC`, []any{day, day}, chunk, func(rows *sql.Rows) error {
			var staffID, patternID int64
			if err := rows.Scan(&staffID, &patternID); err != nil {
				return err
			}
			if _, ok := pattern[staffID]; !ok {
				pattern[staffID] = byID[patternID]
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		grants := map[int64][]LeaveGrant{}
		err = tx.queryIn(ctx, `SELECT `+leaveGrantColumns+` FROM leave_grants WHERE revoked_at IS NULL AND staff_id IN ({ids}) ORDER BY granted_on, id`, nil, chunk,
			func(rows *sql.Rows) error {
				g, err := scanLeaveGrant(rows)
				grants[g.StaffID] = append(grants[g.StaffID], g)
				return err
			})
		if err != nil {
			return nil, err
		}
		reqs := map[int64][]approval.Request{}
		err = tx.queryIn(ctx, `SELECT `+requestColumns+` FROM requests WHERE kind = ? AND status IN ('pending', 'approved', 'cancel_pending')
			AND staff_id IN ({ids}) ORDER BY id`, []any{approval.KindLeave}, chunk, func(rows *sql.Rows) error {
			r, _, err := scanRequest(rows)
			reqs[r.StaffID] = append(reqs[r.StaffID], r)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, id := range chunk {
			st, ok := staff[id]
			if !ok {
				continue
			}
			p, ok := pattern[id]
			if !ok {
				p = shiftOnly
			}
			if out[id], err = tx.newStaffLeave(ctx, cfg, st, p, nonNilSlice(grants[id]), reqs[id]); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// linkDaikyu keeps the holiday-work orders in step with a 代休 leave
// request (a type drawing on the 代休 balance) coming into force or going
// out of it. In force, each of its days becomes the 代休日 of the
// staff member's oldest order still owing one that the day may serve
// (approval.LinkDaikyuLeave), so that holiday gets no 休日給; a day with
// none (a 代休 HR granted by hand) is left alone. Out of force, the days
// it designated are cleared and owed again. The orders' holidays are
// computed again; a holiday in a closed month refuses the decision.
func (tx *Tx) linkDaikyu(ctx context.Context, before, after approval.Request) error {
	l := after.Leave
	if after.Kind != approval.KindLeave || l == nil || before.Status.InForce() == after.Status.InForce() {
		return nil
	}
	cfg, err := tx.FindLeaveConfig(ctx)
	if err != nil {
		return err
	}
	if b, ok := cfg.balanceOf(l.Type); !ok || b != leave.Compensatory {
		return nil
	}
	orders, err := tx.staffRequests(ctx, after.StaffID, approval.KindHolidayWork, 0)
	if err != nil || len(orders) == 0 {
		return err
	}
	slices.SortStableFunc(orders, func(a, b approval.Request) int { return compareDates(a.HolidayWork.Day, b.HolidayWork.Day) })
	as, err := findApprovalSettings(ctx, tx)
	if err != nil {
		return err
	}
	write := func(o, out approval.Request, ev approval.Event) error {
		_, version, err := findRequest(ctx, tx, o.ID, true)
		if err != nil {
			return err
		}
		if err := tx.checkOpenDays(ctx, o.StaffID, o.HolidayWork.Day, o.HolidayWork.Day); err != nil {
			return err
		}
		if err := tx.writeDecision(ctx, o, out, version, ev, nil); err != nil {
			return err
		}
		return tx.markStale(ctx, []int64{o.StaffID}, o.HolidayWork.Day, o.HolidayWork.Day)
	}
	if !after.Status.InForce() {
		for _, o := range orders {
			if out, ev, ok := approval.UnlinkDaikyuLeave(o, after.ID, tx.Actor, tx.Now); ok {
				if err := write(o, out, ev); err != nil {
					return err
				}
			}
		}
		return nil
	}
	uses, err := tx.leaveUses(ctx, after, [2]int{})
	if err != nil {
		return err
	}
	for _, u := range uses {
		for i, o := range orders {
			if !approval.OpenDaikyu(o, u.Date, as.Settings) {
				continue
			}
			out, ev, err := approval.LinkDaikyuLeave(o, after.ID, u.Date, tx.Actor, tx.Now, as.Settings)
			if err != nil {
				return err
			}
			if err := write(o, out, ev); err != nil {
				return err
			}
			orders[i] = out
			break
		}
	}
	return nil
}

// addDaikyuOrders adds to sl's 代休 ledger, for the callers that read it
// (the balances, the check of a 代休 request; not the annual-leave runs),
// what its holiday-work orders with 代休 in force give: a day owed from the holiday until
// approval.Settings.DaikyuAfterDays after it, and, for a 代休日 the
// orderer designated, its use. A 代休日 set by a 代休 leave request
// (approval.LinkDaikyuLeave) is that request's use already.
func (tx *Tx) addDaikyuOrders(ctx context.Context, sl *staffLeave) error {
	orders, err := tx.staffRequests(ctx, sl.staff.ID, approval.KindHolidayWork, 0)
	if err != nil || len(orders) == 0 {
		return err
	}
	as, err := findApprovalSettings(ctx, tx)
	if err != nil {
		return err
	}
	for _, o := range orders {
		h := o.HolidayWork
		if h == nil || h.Substitute != approval.SubstituteDaikyu || !o.Status.InForce() {
			continue
		}
		sl.daikyu = append(sl.daikyu, leave.Grant{Amount: leave.DaysAmount(1), GrantedOn: h.Day, ExpiresOn: h.Day.AddDays(as.Settings.DaikyuAfterDays),
			Note: fmt.Sprintf("%d月%d日の休日勤務（命令No.%d）", h.Day.Month, h.Day.Day, o.ID)})
		if !h.SubstituteOn.IsZero() && h.DaikyuLeaveID == 0 {
			sl.requests[o.ID] = o
			sl.approved = append(sl.approved, leave.Use{Date: h.SubstituteOn, Type: leave.CodeCompensatory, Unit: leave.UnitDay,
				Amount: leave.DaysAmount(1), RequestID: o.ID})
		}
	}
	return nil
}

// halfDays returns the minutes a morning and an afternoon half day of
// leave count for the staff member.
func (sl *staffLeave) halfDays() [2]int {
	m, a := sl.settings.HalfDays(sl.dayMin)
	return [2]int{m, a}
}

// ledger returns the ledger of balance b with the approved uses, and the
// pending ones too when withPending.
func (sl *staffLeave) ledger(b leave.Category, withPending bool) leave.Ledger {
	var l leave.Ledger
	if b == leave.OvertimeComp {
		l = leave.NewCompLedger(sl.dayMin, sl.settings)
	} else {
		l = leave.NewLedger(sl.dayMin, sl.settings)
	}
	for _, g := range sl.grants {
		if g.Balance == b {
			l.Grants = append(l.Grants, g.Grant)
		}
	}
	if b == leave.Compensatory {
		l.Grants = append(l.Grants, sl.daikyu...)
	}
	uses := sl.approved
	if withPending {
		uses = slices.Concat(sl.approved, sl.pending)
	}
	for _, u := range uses {
		if c, ok := sl.cfg.balanceOf(u.Type); ok && c == b {
			l.Uses = append(l.Uses, u)
		}
	}
	return l
}

// leftOn returns what l leaves to take on day, after every use, past or
// booked.
func leftOn(l *leave.Ledger, day kintai.Date) int {
	b, err := l.Balance(day)
	if err != nil {
		return 0
	}
	return b.Remaining.Minutes(l.DayMin) - b.Booked.Minutes(l.DayMin)
}

// checkLeaveBalance refuses leave request req when the balance it draws
// on (年次休暇, 代休, 超勤代休時間) cannot cover it, counting the other
// requests in force and, with withPending, those waiting for approval;
// for a type with a limit of its own (夏季休暇, 忌引 by relation and
// event, 子の看護 by number of children, a sick-leave spell), when the
// limit is exceeded; 超勤代休時間 that is not taken by its unit
// (leave.Settings.CheckCompUse).
func (tx *Tx) checkLeaveBalance(ctx context.Context, req approval.Request, withPending bool) error {
	l := req.Leave
	if req.Kind != approval.KindLeave || l == nil {
		return nil
	}
	cfg, err := tx.FindLeaveConfig(ctx)
	if err != nil {
		return err
	}
	t, ok := cfg.Type(l.Type)
	if !ok {
		return nil
	}
	b, balanced := cfg.balanceOf(l.Type)
	if !balanced && t.Limit == nil {
		return nil
	}
	sl, err := tx.loadStaffLeave(ctx, &cfg, req.StaffID, l.FromOn, req.ID)
	if err != nil {
		return err
	}
	if balanced && b == leave.Compensatory {
		if err := tx.addDaikyuOrders(ctx, sl); err != nil {
			return err
		}
	}
	uses, err := tx.leaveUses(ctx, req, sl.halfDays())
	if err != nil || len(uses) == 0 {
		return err
	}
	if !balanced {
		prior := sl.approved
		if withPending {
			prior = slices.Concat(sl.approved, sl.pending)
		}
		for _, u := range uses {
			if err := t.CheckUse(u, sl.staff.EmploymentType, sl.dayMin, sl.settings, prior); err != nil {
				return kintai.PrefixField(err, "leave.")
			}
			prior = append(prior, u)
		}
		return nil
	}
	led := sl.ledger(b, withPending)
	if err := led.Check(uses...); err == nil {
		if b == leave.OvertimeComp {
			for _, u := range uses {
				if err := sl.settings.CheckCompUse(u.Amount.Minutes(sl.dayMin), leftOn(&led, u.Date), sl.dayMin); err != nil {
					return kintai.PrefixField(err, "leave.")
				}
			}
		}
		return nil
	}
	ask := 0
	for _, u := range uses {
		ask += u.Amount.Minutes(sl.dayMin)
	}
	approvedLed := sl.ledger(b, false)
	left := leave.FromMinutes(max(leftOn(&led, uses[0].Date), 0), sl.dayMin)
	pending := leave.FromMinutes(max(leftOn(&approvedLed, uses[0].Date)-leftOn(&led, uses[0].Date), 0), sl.dayMin)
	asked := leave.FromMinutes(ask, sl.dayMin)
	name := b.Label()
	if withPending && !pending.IsZero() {
		return kintai.Invalid("leave.type",
			fmt.Sprintf("%sの残りが足りません（残り%s（承認待ち%sを差し引いた残り）、申請%s）。", name, left, pending, asked),
			fmt.Sprintf("Not enough %s left (%s left after %s pending, %s asked).", b, left.English(), pending.English(), asked.English()))
	}
	return kintai.Invalid("leave.type",
		fmt.Sprintf("%sの残りが足りません（残り%s、申請%s）。", name, left, asked),
		fmt.Sprintf("Not enough %s left (%s left, %s asked).", b, left.English(), asked.English()))
}

// LeaveUse is a use of a balance, with the status of its request.
type LeaveUse struct {
	leave.Use
	Status approval.Status `json:"status"`
}

// LeaveBalance is one balance of a staff member on a day.
type LeaveBalance struct {
	Balance leave.Category `json:"balance"`
	Label   string         `json:"label"`
	// Granted, Carried (left of the days carried over), Used (taken up to
	// the day), Booked (approved for later days), Pending (waiting for
	// approval) and Left (what may still be asked for).
	Granted leave.Amount `json:"granted"`
	Carried leave.Amount `json:"carried"`
	Used    leave.Amount `json:"used"`
	Booked  leave.Amount `json:"booked"`
	Pending leave.Amount `json:"pending"`
	Left    leave.Amount `json:"left"`
	// Expiring is what is left of the grants that expire within 90 days,
	// the first of them on ExpiringOn.
	Expiring   leave.Amount `json:"expiring"`
	ExpiringOn kintai.Date  `json:"expiring_on,omitzero"`
	Lots       []leave.Lot  `json:"lots"`
	Uses       []LeaveUse   `json:"uses"`
}

// StaffLeave is a staff member's leave on a day: every balance, the uses
// of the year and the five-day alert.
type StaffLeave struct {
	StaffID  int64          `json:"staff_id"`
	AsOf     kintai.Date    `json:"as_of"`
	DayMin   int            `json:"day_min"`
	YearFrom kintai.Date    `json:"year_from"`
	YearTo   kintai.Date    `json:"year_to"`
	Balances []LeaveBalance `json:"balances"`
	Grants   []LeaveGrant   `json:"grants"`
	Alert    *leave.Alert   `json:"alert,omitempty"`
}

// leaveYear returns the annual-leave year of staff member st that day
// falls in: the fiscal year for 会計年度任用職員 and under a fiscal
// GrantYear, the calendar year otherwise.
func leaveYear(s leave.Settings, emp kintai.EmploymentType, day kintai.Date) (from, to kintai.Date) {
	if s.GrantYear == leave.PerFiscalYear || emp == kintai.FiscalFull || emp == kintai.FiscalPart {
		return calendar.FiscalYear(day, s.FiscalYearStart)
	}
	return kintai.NewDate(day.Year, time.January, 1), kintai.NewDate(day.Year, time.December, 31)
}

// FiveDayAlerts returns the five-day alerts (fewer than 5 days of annual
// leave taken in the year, leave.FiveDayPolicy) on asOf of staffIDs, by
// staff member; those with no alert are left out.
func (db *DB) FiveDayAlerts(ctx context.Context, staffIDs []int64, asOf kintai.Date) (map[int64]leave.Alert, error) {
	out := map[int64]leave.Alert{}
	err := db.readTx(ctx, func(tx *Tx) error {
		cfg, err := tx.FindLeaveConfig(ctx)
		if err != nil {
			return err
		}
		if !cfg.Settings.FiveDay.Enabled {
			return nil
		}
		all, err := tx.loadStaffLeaves(ctx, &cfg, staffIDs, asOf)
		if err != nil {
			return err
		}
		for id, sl := range all {
			if a, ok := sl.fiveDayAlert(asOf); ok {
				out[id] = a
			}
		}
		return nil
	})
	return out, err
}

// StaffLeave returns staffID's leave on asOf.
func (db *DB) StaffLeave(ctx context.Context, staffID int64, asOf kintai.Date) (StaffLeave, error) {
	var out StaffLeave
	err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *Tx) error {
		var err error
		out, err = tx.staffLeave(ctx, staffID, asOf)
		return err
	})
	return out, err
}

func (tx *Tx) staffLeave(ctx context.Context, staffID int64, asOf kintai.Date) (StaffLeave, error) {
	cfg, err := tx.FindLeaveConfig(ctx)
	if err != nil {
		return StaffLeave{}, err
	}
	sl, err := tx.loadStaffLeave(ctx, &cfg, staffID, asOf, 0)
	if err != nil {
		return StaffLeave{}, err
	}
	if err := tx.addDaikyuOrders(ctx, sl); err != nil {
		return StaffLeave{}, err
	}
	out := StaffLeave{StaffID: staffID, AsOf: asOf, DayMin: sl.dayMin, Balances: []LeaveBalance{}}
	out.YearFrom, out.YearTo = leaveYear(sl.settings, sl.staff.EmploymentType, asOf)
	if out.Grants, err = findLeaveGrants(ctx, tx, staffID, true); err != nil {
		return out, err
	}
	dm := sl.dayMin
	for _, b := range LeaveBalances {
		approved, all := sl.ledger(b, false), sl.ledger(b, true)
		bal, err := approved.Balance(asOf)
		if err != nil {
			return out, err
		}
		lb := LeaveBalance{Balance: b, Label: b.Label(), Granted: bal.Granted, Carried: bal.Carried, Used: bal.Used, Booked: bal.Booked,
			Lots: bal.Lots, Uses: []LeaveUse{}}
		leftApproved := leftOn(&approved, asOf)
		leftAll := leftApproved
		if len(all.Uses) > len(approved.Uses) {
			leftAll = leftOn(&all, asOf)
			pend := 0
			for _, u := range all.Uses[len(approved.Uses):] {
				pend += u.Amount.Minutes(dm)
			}
			lb.Pending = leave.FromMinutes(pend, dm)
			leftAll = min(leftAll, leftApproved-pend)
		}
		lb.Left = leave.FromMinutes(leftAll, dm)
		soon := asOf.AddDays(90)
		for _, lot := range bal.Lots {
			if e := lot.Grant.ExpiresOn; !e.IsZero() && !e.After(soon) && !lot.Remaining.IsZero() {
				lb.Expiring = lb.Expiring.Add(lot.Remaining, dm)
				if lb.ExpiringOn.IsZero() || e.Before(lb.ExpiringOn) {
					lb.ExpiringOn = e
				}
			}
		}
		for i, u := range all.Uses {
			if u.Date.Before(out.YearFrom) || u.Date.After(out.YearTo) {
				continue
			}
			st := approval.StatusPending
			if i < len(approved.Uses) {
				st = sl.requests[u.RequestID].Status
			}
			lb.Uses = append(lb.Uses, LeaveUse{Use: u, Status: st})
		}
		slices.SortStableFunc(lb.Uses, func(a, b LeaveUse) int { return compareDates(a.Date, b.Date) })
		out.Balances = append(out.Balances, lb)
	}
	if a, ok := sl.fiveDayAlert(asOf); ok {
		out.Alert = &a
	}
	return out, nil
}

// fiveDayAlert returns the five-day alert on asOf, counting the leave
// year's own annual grants.
func (sl *staffLeave) fiveDayAlert(asOf kintai.Date) (leave.Alert, bool) {
	from, to := leaveYear(sl.settings, sl.staff.EmploymentType, asOf)
	grantDays := 0
	for _, g := range sl.grants {
		if g.Balance == leave.Annual && !g.Carried && !g.GrantedOn.Before(from) && !g.GrantedOn.After(to) {
			grantDays += g.Amount.Normalize(sl.dayMin).Days
		}
	}
	annual := sl.ledger(leave.Annual, false)
	used := annual.UsedBetween(from, to)
	return sl.settings.FiveDay.Check(grantDays, used, sl.dayMin, to, asOf)
}

func compareDates(a, b kintai.Date) int {
	switch {
	case a.Before(b):
		return -1
	case a.After(b):
		return 1
	}
	return 0
}
