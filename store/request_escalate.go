package store

import (
	"context"
	"time"

	"kintai"
	"kintai/approval"
)

// waitingRequests returns every request waiting at a step, with its
// version, oldest wait first. With before set, only those waiting since
// before then.
func waitingRequests(ctx context.Context, q querier, before time.Time) ([]approval.Request, []int64, error) {
	query := `SELECT ` + requestColumns + ` FROM requests WHERE status IN ('pending', 'cancel_pending')`
	var args []any
	if !before.IsZero() {
		query += ` AND waiting_since_at < ?`
		args = append(args, instant(before))
	}
	rows, err := q.query(ctx, query+` ORDER BY waiting_since_at, id`, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var reqs []approval.Request
	var versions []int64
	for rows.Next() {
		r, v, err := scanRequest(rows)
		if err != nil {
			return nil, nil, err
		}
		reqs, versions = append(reqs, r), append(versions, v)
	}
	return reqs, versions, rows.Err()
}

// escalationCalendar is how the days a step waits are counted under s:
// every day, or only 開庁日 (not Saturday, Sunday, a holiday or 年末年始).
func escalationCalendar(ctx context.Context, q querier, loc *time.Location, s approval.Settings) (approval.Calendar, error) {
	cal := approval.Calendar{Loc: loc}
	if !s.EscalateOpenDaysOnly {
		return cal, nil
	}
	rs, err := findRuleSettings(ctx, q)
	if err != nil {
		return cal, err
	}
	days, err := loadCalendar(ctx, q, rs.Calendar)
	if err != nil {
		return cal, err
	}
	cal.Workday = func(d kintai.Date) bool {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			return false
		}
		_, holiday := days.Lookup(d)
		return !holiday
	}
	return cal, nil
}

// EscalateOverdue moves every step that has waited more than the
// settings' escalation days one level up (approval.Escalate): the next
// approvers join the step, they and their deputies are told, and the
// history and the audit trail record it, each request in this
// transaction. It returns the requests escalated. Run it once a day.
func (tx *Tx) EscalateOverdue(ctx context.Context) ([]approval.Request, error) {
	e, err := tx.loadDecisionEnv(ctx)
	if err != nil {
		return nil, err
	}
	s := e.settings
	if s.EscalateAfterDays <= 0 {
		return nil, nil
	}
	cal, err := escalationCalendar(ctx, tx, tx.db.Zone(), s)
	if err != nil {
		return nil, err
	}
	// A step cannot be overdue before it has waited that many whole days.
	reqs, versions, err := waitingRequests(ctx, tx, tx.Now.Add(-time.Duration(s.EscalateAfterDays)*24*time.Hour))
	if err != nil {
		return nil, err
	}
	var out []approval.Request
	for i, req := range reqs {
		after, ev, err := approval.Escalate(req, tx.Now, s, cal)
		if err != nil {
			return out, err
		}
		if ev == nil {
			continue
		}
		if err := tx.writeDecision(ctx, req, after, versions[i], *ev, e.proxies); err != nil {
			return out, err
		}
		out = append(out, after)
	}
	return out, nil
}

// FindOverdue lists the requests whose waiting step has waited more than
// the escalation days at now (滞留), longest wait first; nothing when
// escalation is off.
func (db *DB) FindOverdue(ctx context.Context, now time.Time) ([]approval.OverdueRequest, error) {
	s, err := findApprovalSettings(ctx, db)
	if err != nil {
		return nil, err
	}
	cal, err := escalationCalendar(ctx, db, db.Zone(), s.Settings)
	if err != nil {
		return nil, err
	}
	reqs, _, err := waitingRequests(ctx, db, time.Time{})
	if err != nil {
		return nil, err
	}
	return approval.Overdue(reqs, now, s.Settings, cal)
}
