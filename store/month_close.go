package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"kintai"
)

// Monthly close (月次締め).
//
// A month is closed in three steps: each staff member confirms their own
// month (本人確認), their supervisor confirms it for the team (所属長確認),
// and HR closes the month for an org unit and everything below it, or for
// everyone (人事締め). A staff-month is closed while a close of the staff
// member's current unit, of one of its ancestors or of everyone is in
// force (not reopened). A closed staff-month is locked: a recompute keeps
// its stored results as they are, confirmations of it are refused, and a
// request decision whose effects fall on it is refused. Reopening takes a
// reason and marks the month's results stale so that they recompute.
//
// CloseMonth refuses while staff in scope have not been confirmed by both
// themselves and their supervisor, unless HR gives a reason for closing
// anyway (強制締め), which is recorded with the close and in the audit log.

// MonthConfirmation is one staff member's confirmation state of a month.
type MonthConfirmation struct {
	StaffID   int64       `json:"staff_id"`
	StaffNo   string      `json:"staff_no"`
	Name      string      `json:"name"`
	OrgUnitID int64       `json:"org_unit_id"`
	Month     kintai.Date `json:"month"` // the first day
	// StaffConfirmedAt is when the staff member confirmed (zero: not yet).
	StaffConfirmedAt time.Time `json:"staff_confirmed_at,omitzero"`
	StaffConfirmedBy int64     `json:"staff_confirmed_by,omitempty"`
	// SupervisorConfirmedAt is when the supervisor confirmed (zero: not yet).
	SupervisorConfirmedAt time.Time `json:"supervisor_confirmed_at,omitzero"`
	SupervisorConfirmedBy int64     `json:"supervisor_confirmed_by,omitempty"`
	// Closed reports whether the staff-month is closed.
	Closed bool `json:"closed"`
}

// Confirmed reports whether both the staff member and the supervisor
// confirmed.
func (c MonthConfirmation) Confirmed() bool {
	return !c.StaffConfirmedAt.IsZero() && !c.SupervisorConfirmedAt.IsZero()
}

// MonthClose is one close of a month, for an org unit or for everyone.
type MonthClose struct {
	ID int64 `json:"id"`
	// OrgUnitID is the unit closed with everything below it; 0: everyone.
	OrgUnitID   int64       `json:"org_unit_id"`
	Month       kintai.Date `json:"month"`
	ClosedAt    time.Time   `json:"closed_at"`
	ClosedBy    int64       `json:"closed_by"`
	CloseReason string      `json:"close_reason,omitempty"` // why closed with staff unconfirmed
	// ReopenedAt is when the close was lifted (zero: in force).
	ReopenedAt   time.Time `json:"reopened_at,omitzero"`
	ReopenedBy   int64     `json:"reopened_by,omitempty"`
	ReopenReason string    `json:"reopen_reason,omitempty"`
}

// InForce reports whether the close has not been reopened.
func (c MonthClose) InForce() bool { return c.ReopenedAt.IsZero() }

const monthCloseColumns = `id, COALESCE(org_unit_id, 0), month_on, closed_at, COALESCE(closed_by, 0), close_reason,
	reopened_at, COALESCE(reopened_by, 0), reopen_reason`

func findMonthCloses(ctx context.Context, q querier, month kintai.Date) ([]MonthClose, error) {
	rows, err := q.query(ctx, `SELECT `+monthCloseColumns+` FROM month_closes WHERE month_on = ? ORDER BY id`, MonthOf(month))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []MonthClose{}
	for rows.Next() {
		var c MonthClose
		if err := rows.Scan(&c.ID, &c.OrgUnitID, &c.Month, scanTime{&c.ClosedAt}, &c.ClosedBy, &c.CloseReason,
			scanTime{&c.ReopenedAt}, &c.ReopenedBy, &c.ReopenReason); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindMonthCloses returns the closes of month (any day of it), reopened
// ones included, oldest first.
func (db *DB) FindMonthCloses(ctx context.Context, month kintai.Date) ([]MonthClose, error) {
	return findMonthCloses(ctx, db, month)
}

// closedUnits returns a function telling whether a staff member of a unit
// is in a close of month in force, or nil when none is.
func closedUnits(ctx context.Context, q querier, month kintai.Date) (func(unit int64) bool, error) {
	closes, err := findMonthCloses(ctx, q, month)
	if err != nil {
		return nil, err
	}
	var roots []int64
	for _, c := range closes {
		if c.InForce() {
			if c.OrgUnitID == 0 {
				return func(int64) bool { return true }, nil
			}
			roots = append(roots, c.OrgUnitID)
		}
	}
	if len(roots) == 0 {
		return nil, nil
	}
	tree, err := orgTree(ctx, q)
	if err != nil {
		return nil, err
	}
	return func(unit int64) bool {
		return slices.ContainsFunc(roots, func(r int64) bool { return tree.Within(unit, r) })
	}, nil
}

func isMonthClosed(ctx context.Context, q querier, staffID int64, month kintai.Date) (bool, error) {
	closed, err := closedUnits(ctx, q, month)
	if err != nil || closed == nil {
		return false, err
	}
	var unit int64
	if err := q.queryRow(ctx, `SELECT org_unit_id FROM staff WHERE id = ?`, staffID).Scan(&unit); err != nil {
		return false, err
	}
	return closed(unit), nil
}

// IsMonthClosed reports whether staffID's month (any day of it) is closed.
func (db *DB) IsMonthClosed(ctx context.Context, staffID int64, month kintai.Date) (bool, error) {
	return isMonthClosed(ctx, db, staffID, month)
}

// errMonthClosed is the error of a change to a closed month.
func errMonthClosed(month kintai.Date) error {
	m := month.String()[:7]
	return kintai.Errorf(kintai.ECONFLICT, m+" は月次締め済みのため変更できません。人事担当に締めの解除を依頼してください",
		m+" is closed; ask HR to reopen the month before changing it")
}

// checkOpen refuses when staffID's month is closed.
func (tx *Tx) checkOpen(ctx context.Context, staffID int64, month kintai.Date) error {
	closed, err := isMonthClosed(ctx, tx, staffID, month)
	if err != nil {
		return err
	}
	if closed {
		return errMonthClosed(month)
	}
	return nil
}

// checkOpenDays refuses when any month from from to to is closed for
// staffID.
func (tx *Tx) checkOpenDays(ctx context.Context, staffID int64, from, to kintai.Date) error {
	for m := MonthOf(from); !m.After(to); m = AddMonths(m, 1) {
		if err := tx.checkOpen(ctx, staffID, m); err != nil {
			return err
		}
	}
	return nil
}

// FindMonthConfirmations returns the confirmation state of month (any day
// of it) of the staff appointed on some day of it whose unit is one of
// units or below one (nil: everyone), by staff id.
func (db *DB) FindMonthConfirmations(ctx context.Context, month kintai.Date, units []int64) ([]MonthConfirmation, error) {
	return findMonthConfirmations(ctx, db, month, units)
}

func findMonthConfirmations(ctx context.Context, q querier, month kintai.Date, units []int64) ([]MonthConfirmation, error) {
	month = MonthOf(month)
	var scope map[int64]bool
	if units != nil {
		tree, err := orgTree(ctx, q)
		if err != nil {
			return nil, err
		}
		scope = map[int64]bool{}
		for _, u := range tree.Descendants(units) {
			scope[u] = true
		}
	}
	closed, err := closedUnits(ctx, q, month)
	if err != nil {
		return nil, err
	}
	rows, err := q.query(ctx, `SELECT s.id, s.staff_no, s.name, s.org_unit_id, c.staff_confirmed_at, COALESCE(c.staff_confirmed_by, 0),
		c.supervisor_confirmed_at, COALESCE(c.supervisor_confirmed_by, 0)
		FROM staff s LEFT JOIN month_confirmations c ON c.staff_id = s.id AND c.month_on = ?
		WHERE s.appointed_on <= ? AND (s.appointment_ends_on IS NULL OR s.appointment_ends_on >= ?) ORDER BY s.id`,
		month, MonthEnd(month), month)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []MonthConfirmation{}
	for rows.Next() {
		c := MonthConfirmation{Month: month}
		if err := rows.Scan(&c.StaffID, &c.StaffNo, &c.Name, &c.OrgUnitID, scanTime{&c.StaffConfirmedAt}, &c.StaffConfirmedBy,
			scanTime{&c.SupervisorConfirmedAt}, &c.SupervisorConfirmedBy); err != nil {
			return nil, err
		}
		if scope != nil && !scope[c.OrgUnitID] {
			continue
		}
		c.Closed = closed != nil && closed(c.OrgUnitID)
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindUnconfirmed returns the confirmation state of the staff in units
// (nil: everyone) whose month has not been confirmed by both them and
// their supervisor.
func (db *DB) FindUnconfirmed(ctx context.Context, month kintai.Date, units []int64) ([]MonthConfirmation, error) {
	all, err := db.FindMonthConfirmations(ctx, month, units)
	if err != nil {
		return nil, err
	}
	return unconfirmed(all), nil
}

func unconfirmed(all []MonthConfirmation) []MonthConfirmation {
	out := []MonthConfirmation{}
	for _, c := range all {
		if !c.Confirmed() {
			out = append(out, c)
		}
	}
	return out
}

// ConfirmMonth records that the actor confirmed their own month (any day
// of it). Confirming again keeps the first confirmation.
func (tx *Tx) ConfirmMonth(ctx context.Context, month kintai.Date) error {
	month = MonthOf(month)
	if tx.Actor.StaffID == 0 {
		return kintai.Errorf(kintai.EFORBIDDEN, "職員としてログインしてください", "Sign in as a staff member")
	}
	if err := tx.checkOpen(ctx, tx.Actor.StaffID, month); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `INSERT INTO month_confirmations (staff_id, month_on, staff_confirmed_at, staff_confirmed_by) VALUES (?, ?, ?, ?)
		ON CONFLICT (staff_id, month_on) DO UPDATE SET staff_confirmed_at = excluded.staff_confirmed_at, staff_confirmed_by = excluded.staff_confirmed_by
		WHERE month_confirmations.staff_confirmed_at IS NULL`, tx.Actor.StaffID, month, instant(tx.Now), tx.Actor.StaffID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return tx.AuditKey(ctx, "month.confirm", "month_confirmations", confirmationKey(tx.Actor.StaffID, month), nil,
		map[string]any{"staff_id": tx.Actor.StaffID, "month": month})
}

func confirmationKey(staffID int64, month kintai.Date) string {
	return itoa(staffID) + "/" + month.String()[:7]
}

// ConfirmTeam records the actor's confirmation as supervisor of the month
// (any day of it) of staffIDs; whether the actor may is the caller's to
// check. It refuses, changing nothing, when one of them is closed or has
// not confirmed their own month. Those already confirmed stay as they are.
func (tx *Tx) ConfirmTeam(ctx context.Context, month kintai.Date, staffIDs []int64) error {
	month = MonthOf(month)
	staffIDs = normaliseIDs(staffIDs)
	if len(staffIDs) == 0 {
		return kintai.Invalid("staff_ids", "確認する職員を選んでください", "Choose the staff to confirm")
	}
	for _, id := range staffIDs {
		if err := tx.checkOpen(ctx, id, month); err != nil {
			return err
		}
		var at time.Time
		err := tx.queryRow(ctx, `SELECT staff_confirmed_at FROM month_confirmations WHERE staff_id = ? AND month_on = ?`, id, month).Scan(scanTime{&at})
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if at.IsZero() {
			return kintai.Invalid("staff_ids", "本人がまだ確認していない職員がいます (職員ID "+itoa(id)+")",
				"Staff member "+itoa(id)+" has not confirmed their month yet")
		}
		res, err := tx.exec(ctx, `UPDATE month_confirmations SET supervisor_confirmed_at = ?, supervisor_confirmed_by = ?
			WHERE staff_id = ? AND month_on = ? AND supervisor_confirmed_at IS NULL`, instant(tx.Now), nullID(tx.Actor.StaffID), id, month)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		if err := tx.AuditKey(ctx, "month.team_confirm", "month_confirmations", confirmationKey(id, month), nil,
			map[string]any{"staff_id": id, "month": month, "supervisor_id": tx.Actor.StaffID}); err != nil {
			return err
		}
	}
	return nil
}

// CloseMonth closes month (any day of it) for unitID and everything below
// it, or for everyone when unitID is 0. It refuses while staff in scope
// are unconfirmed unless reason says why to close anyway, and when the
// same close is already in force.
//
// It also refuses, listing them, while staff in scope have open punch
// exceptions (in their computed results) or requests waiting for a
// decision about a day of the month, unless force is set with a reason;
// the audit row then records what was closed over.
// Closing grants the 超勤代休時間 the month's overtime beyond 60 hours
// earned (grantOvertimeComp).
// Callers recompute stale results first (RecomputeForClose).
func (tx *Tx) CloseMonth(ctx context.Context, month kintai.Date, unitID int64, reason string, force bool) (MonthClose, error) {
	month = MonthOf(month)
	reason = strings.TrimSpace(reason)
	if force && reason == "" {
		return MonthClose{}, kintai.Invalid("reason", "強制的に締める理由を入力してください", "Give a reason to force the close")
	}
	if unitID != 0 {
		if _, err := tx.FindOrgUnitByID(ctx, unitID); err != nil {
			return MonthClose{}, err
		}
	}
	closes, err := findMonthCloses(ctx, tx, month)
	if err != nil {
		return MonthClose{}, err
	}
	for _, c := range closes {
		if c.InForce() && c.OrgUnitID == unitID {
			return MonthClose{}, kintai.Errorf(kintai.ECONFLICT, "この月はすでに締められています", "The month is already closed")
		}
	}
	var units []int64
	if unitID != 0 {
		units = []int64{unitID}
	}
	all, err := findMonthConfirmations(ctx, tx, month, units)
	if err != nil {
		return MonthClose{}, err
	}
	open := unconfirmed(all)
	if len(open) > 0 && reason == "" {
		return MonthClose{}, kintai.Invalid("reason", "未確認の職員が "+itoa(int64(len(open)))+" 人います。確認を待つか、締める理由を入力してください",
			itoa(int64(len(open)))+" staff have not confirmed; wait for them or give a reason to close anyway")
	}
	blockers, err := findCloseBlockers(ctx, tx, month, all)
	if err != nil {
		return MonthClose{}, err
	}
	if len(blockers) > 0 && !force {
		var ja, en []string
		for i, b := range blockers {
			if i == maxBlockersNamed {
				rest := itoa(int64(len(blockers) - i))
				ja, en = append(ja, "ほか "+rest+" 人"), append(en, rest+" more")
				break
			}
			ja = append(ja, b.StaffNo+" "+b.Name+"（打刻エラー "+itoa(int64(b.ExceptionDays))+" 日、未決の申請 "+itoa(int64(len(b.PendingRequests)))+" 件）")
			en = append(en, b.StaffNo+" "+b.Name+" ("+itoa(int64(b.ExceptionDays))+" exception days, "+itoa(int64(len(b.PendingRequests)))+" pending requests)")
		}
		return MonthClose{}, kintai.Invalid("force", "打刻エラーか未決の申請が残っている職員がいます: "+strings.Join(ja, "、")+"。解消するか、理由を付けて強制的に締めてください",
			"Staff have open punch exceptions or pending requests: "+strings.Join(en, ", ")+". Resolve them or force the close with a reason")
	}
	c := MonthClose{OrgUnitID: unitID, Month: month, ClosedAt: tx.Now, ClosedBy: tx.Actor.StaffID, CloseReason: reason}
	c.ID, err = tx.insert(ctx, `INSERT INTO month_closes (org_unit_id, month_on, closed_at, closed_by, close_reason) VALUES (?, ?, ?, ?, ?)`,
		nullID(unitID), month, instant(tx.Now), nullID(tx.Actor.StaffID), reason)
	if err != nil {
		return MonthClose{}, err
	}
	var scope map[int64]bool
	if unitID != 0 {
		scope = make(map[int64]bool, len(all))
		for _, m := range all {
			scope[m.StaffID] = true
		}
	}
	if err := tx.grantOvertimeComp(ctx, month, scope); err != nil {
		return MonthClose{}, err
	}
	ids := make([]int64, 0, len(open))
	for _, o := range open {
		ids = append(ids, o.StaffID)
	}
	return c, tx.Audit(ctx, "month.close", "month_closes", c.ID, nil, map[string]any{"close": c, "unconfirmed": ids, "forced_over": blockers})
}

// CloseBlocker is a staff member whose month should not close yet: open
// punch exceptions (打刻エラー) in the computed result, or requests still
// waiting for a decision about a day of the month.
type CloseBlocker struct {
	StaffID         int64   `json:"staff_id"`
	StaffNo         string  `json:"staff_no"`
	Name            string  `json:"name"`
	ExceptionDays   int     `json:"exception_days"`
	PendingRequests []int64 `json:"pending_requests"`
}

// FindCloseBlockers returns the blockers of month among the staff of unitID
// and below (0: everyone), by staff number.
func (db *DB) FindCloseBlockers(ctx context.Context, month kintai.Date, unitID int64) ([]CloseBlocker, error) {
	month = MonthOf(month)
	var units []int64
	if unitID != 0 {
		units = []int64{unitID}
	}
	all, err := findMonthConfirmations(ctx, db, month, units)
	if err != nil {
		return nil, err
	}
	return findCloseBlockers(ctx, db, month, all)
}

func findCloseBlockers(ctx context.Context, q querier, month kintai.Date, staff []MonthConfirmation) ([]CloseBlocker, error) {
	byID := map[int64]*CloseBlocker{}
	var order []int64
	blocker := func(id int64) *CloseBlocker {
		b := byID[id]
		if b == nil {
			i := slices.IndexFunc(staff, func(c MonthConfirmation) bool { return c.StaffID == id })
			b = &CloseBlocker{StaffID: id, StaffNo: staff[i].StaffNo, Name: staff[i].Name, PendingRequests: []int64{}}
			byID[id] = b
			order = append(order, id)
		}
		return b
	}
	inScope := map[int64]bool{}
	for _, c := range staff {
		inScope[c.StaffID] = true
	}
	rows, err := q.query(ctx, `SELECT staff_id, exception_days FROM month_results WHERE month_on = ? AND exception_days > 0`, month)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, err
		}
		if inScope[id] {
			blocker(id).ExceptionDays = n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	reqs, _, err := waitingRequests(ctx, q, time.Time{})
	if err != nil {
		return nil, err
	}
	end := MonthEnd(month)
	for _, r := range reqs {
		first, last := r.Span()
		if !inScope[r.StaffID] || first.IsZero() || first.After(end) || last.Before(month) {
			continue
		}
		b := blocker(r.StaffID)
		b.PendingRequests = append(b.PendingRequests, r.ID)
	}
	slices.Sort(order)
	out := make([]CloseBlocker, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	return out, nil
}

// RecomputeForClose recomputes the stale or missing results of month of
// the staff of unitID and below (0: everyone), so that what a close locks
// and an export writes is current.
func (db *DB) RecomputeForClose(ctx context.Context, month kintai.Date, unitID int64, o RecomputeOptions) error {
	month = MonthOf(month)
	var units []int64
	if unitID != 0 {
		units = []int64{unitID}
	}
	all, err := findMonthConfirmations(ctx, db, month, units)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(all))
	for _, c := range all {
		ids = append(ids, c.StaffID)
	}
	return db.EnsureMonthResults(ctx, month, ids, o)
}

// ReopenMonth lifts the close in force of month (any day of it) for unitID
// (0: the close of everyone), giving reason, and marks the month's results
// of the staff in scope stale so that they recompute.
func (tx *Tx) ReopenMonth(ctx context.Context, month kintai.Date, unitID int64, reason string) (MonthClose, error) {
	month = MonthOf(month)
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return MonthClose{}, kintai.Invalid("reason", "締めを解除する理由を入力してください", "Give a reason for reopening the month")
	}
	closes, err := findMonthCloses(ctx, tx, month)
	if err != nil {
		return MonthClose{}, err
	}
	i := slices.IndexFunc(closes, func(c MonthClose) bool { return c.InForce() && c.OrgUnitID == unitID })
	if i < 0 {
		return MonthClose{}, kintai.NotFound("解除できる月次締め", "Close in force")
	}
	before := closes[i]
	after := before
	after.ReopenedAt, after.ReopenedBy, after.ReopenReason = tx.Now, tx.Actor.StaffID, reason
	if _, err := tx.exec(ctx, `UPDATE month_closes SET reopened_at = ?, reopened_by = ?, reopen_reason = ? WHERE id = ?`,
		instant(tx.Now), nullID(tx.Actor.StaffID), reason, before.ID); err != nil {
		return MonthClose{}, err
	}
	var staff []int64 // nil: everyone
	if unitID != 0 {
		all, err := findMonthConfirmations(ctx, tx, month, []int64{unitID})
		if err != nil {
			return MonthClose{}, err
		}
		staff = []int64{}
		for _, c := range all {
			staff = append(staff, c.StaffID)
		}
	}
	if err := tx.markStale(ctx, staff, month, MonthEnd(month).AddDays(-7)); err != nil {
		return MonthClose{}, err
	}
	return after, tx.Audit(ctx, "month.reopen", "month_closes", before.ID, before, after)
}

// maxBlockersNamed is how many staff a refused close names; the rest are
// counted (the close page lists them all).
const maxBlockersNamed = 10

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
