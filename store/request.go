package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"kintai"
	"kintai/approval"
)

// requestPayload is the stored form of a request's payload: the one field
// of approval.Request its kind uses.
type requestPayload struct {
	Leave       *approval.Leave           `json:"leave,omitempty"`
	Overtime    *approval.Overtime        `json:"overtime,omitempty"`
	Result      *approval.OvertimeResult  `json:"result,omitempty"`
	HolidayWork *approval.HolidayWork     `json:"holiday_work,omitempty"`
	Correction  *approval.PunchCorrection `json:"correction,omitempty"`
	Telework    *approval.Telework        `json:"telework,omitempty"`
	Staggered   *approval.Staggered       `json:"staggered,omitempty"`
}

func payloadOf(r *approval.Request) requestPayload {
	return requestPayload{r.Leave, r.Overtime, r.Result, r.HolidayWork, r.Correction, r.Telework, r.Staggered}
}

func (p requestPayload) setOn(r *approval.Request) {
	r.Leave, r.Overtime, r.Result, r.HolidayWork, r.Correction, r.Telework, r.Staggered =
		p.Leave, p.Overtime, p.Result, p.HolidayWork, p.Correction, p.Telework, p.Staggered
}

const requestColumns = `id, kind, staff_id, org_unit_id, created_by, status, payload, steps, step,
	waiting_since_at, submitted_at, decided_at, acknowledged_at, created_at, updated_at, version`

// scanRequest reads a request and its version.
func scanRequest(sc interface{ Scan(...any) error }) (approval.Request, int64, error) {
	var r approval.Request
	var payload, steps string
	var version int64
	err := sc.Scan(&r.ID, &r.Kind, &r.StaffID, &r.OrgUnitID, &r.CreatedBy, &r.Status, &payload, &steps, &r.Step,
		scanTime{&r.WaitingSince}, scanTime{&r.SubmittedAt}, scanTime{&r.DecidedAt}, scanTime{&r.AcknowledgedAt},
		scanTime{&r.CreatedAt}, scanTime{&r.UpdatedAt}, &version)
	if err != nil {
		return r, 0, err
	}
	var p requestPayload
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return r, 0, fmt.Errorf("request %d payload: %w", r.ID, err)
	}
	p.setOn(&r)
	if err := json.Unmarshal([]byte(steps), &r.Steps); err != nil {
		return r, 0, fmt.Errorf("request %d steps: %w", r.ID, err)
	}
	if len(r.Steps) == 0 {
		r.Steps = nil
	}
	return r, version, nil
}

func findRequest(ctx context.Context, q querier, id int64, forUpdate bool) (approval.Request, int64, error) {
	query := `SELECT ` + requestColumns + ` FROM requests WHERE id = ?`
	if forUpdate {
		if db, ok := q.(*Tx); ok && db.db.Dialect == Postgres {
			query += ` FOR UPDATE`
		}
	}
	r, v, err := scanRequest(q.queryRow(ctx, query, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, 0, kintai.NotFound("申請", "Request")
	}
	return r, v, err
}

// FindRequestByID returns the request with id.
func (db *DB) FindRequestByID(ctx context.Context, id int64) (approval.Request, error) {
	r, _, err := findRequest(ctx, db, id, false)
	return r, err
}

// RequestFilter selects requests for lists.
type RequestFilter struct {
	// Mine selects the requests about or made by this staff member.
	Mine int64
	// InboxOf selects the requests waiting for this staff member: at a
	// step they approve, or one of a principal they are a deputy of under
	// a proxy in force now for the request's kind; never their own.
	InboxOf int64
	// Status selects one status ("" for all).
	Status approval.Status
	// BeforeID, when set, lists only requests with a smaller id: the next
	// page after a list whose last (oldest) id it is.
	BeforeID int64
	// Limit bounds the list, newest first: by default and at most 500, or
	// for an inbox MaxBulkDecisions, so that a whole page can be decided
	// at once.
	Limit int
}

// maxRequestList bounds a list of one's own requests.
const maxRequestList = 500

// FindRequests returns the requests matching f, newest first. Every
// condition, the inbox's included, is in the query, so Limit and BeforeID
// page through exactly the matching requests.
func (db *DB) FindRequests(ctx context.Context, f RequestFilter) ([]approval.Request, error) {
	var where []string
	var args []any
	maxList := maxRequestList
	if f.Mine != 0 {
		where = append(where, `(staff_id = ? OR created_by = ?)`)
		args = append(args, f.Mine, f.Mine)
	}
	if f.InboxOf != 0 {
		maxList = MaxBulkDecisions
		me := f.InboxOf
		proxies, err := findProxies(ctx, db, ProxyFilter{Deputy: me, ActiveAt: db.now().UTC()})
		if err != nil {
			return nil, err
		}
		const waitingFor = `id IN (SELECT request_id FROM request_waiting WHERE staff_id = ?)`
		who := []string{waitingFor}
		args = append(args, me, me, me)
		for _, p := range proxies {
			c := waitingFor
			args = append(args, p.Principal)
			if len(p.Kinds) > 0 {
				c += ` AND kind IN (` + placeholders(len(p.Kinds)) + `)`
				for _, k := range p.Kinds {
					args = append(args, k)
				}
			}
			who = append(who, `(`+c+`)`)
		}
		where = append(where, `status IN ('pending', 'cancel_pending') AND staff_id <> ? AND created_by <> ? AND (`+strings.Join(who, ` OR `)+`)`)
	}
	if f.Status != "" {
		where = append(where, `status = ?`)
		args = append(args, f.Status)
	}
	if f.BeforeID > 0 {
		where = append(where, `id < ?`)
		args = append(args, f.BeforeID)
	}
	q := `SELECT ` + requestColumns + ` FROM requests`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	limit := f.Limit
	if limit <= 0 || limit > maxList {
		limit = maxList
	}
	q += fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, limit)
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []approval.Request{}
	for rows.Next() {
		r, _, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// StoredEvent is an approval.Event as stored, with its id.
type StoredEvent struct {
	ID int64 `json:"id"`
	approval.Event
}

// FindRequestEvents returns the history of request id, oldest first.
func (db *DB) FindRequestEvents(ctx context.Context, id int64) ([]StoredEvent, error) {
	byRequest, err := db.FindRequestEventsOf(ctx, []int64{id})
	if evs := byRequest[id]; evs != nil || err != nil {
		return evs, err
	}
	return []StoredEvent{}, nil
}

// FindRequestEventsOf returns the histories of the requests ids by
// request id, each oldest first, in a few queries however many there are
// (an inbox of 1,000 shows every history).
func (db *DB) FindRequestEventsOf(ctx context.Context, ids []int64) (map[int64][]StoredEvent, error) {
	out := map[int64][]StoredEvent{}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		ids = ids[n:]
		rows, err := db.query(ctx, `SELECT id, request_id, action, COALESCE(actor_id, 0), COALESCE(on_behalf_of_id, 0), COALESCE(proxy_id, 0),
			step, from_status, to_status, comment, approvers, day_on, at FROM request_events WHERE request_id IN (`+placeholders(n)+`) ORDER BY id`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var e StoredEvent
			var approvers string
			if err := rows.Scan(&e.ID, &e.RequestID, &e.Action, &e.ActorID, &e.OnBehalfOf, &e.ProxyID, &e.Step, &e.From, &e.To,
				&e.Comment, &approvers, &e.Day, scanTime{&e.At}); err != nil {
				rows.Close()
				return nil, err
			}
			if approvers != "" {
				if err := json.Unmarshal([]byte(approvers), &e.Approvers); err != nil {
					rows.Close()
					return nil, fmt.Errorf("event %d approvers: %w", e.ID, err)
				}
			}
			out[e.RequestID] = append(out[e.RequestID], e)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (tx *Tx) insertEvent(ctx context.Context, ev approval.Event) (int64, error) {
	approvers := ""
	if len(ev.Approvers) > 0 {
		b, err := json.Marshal(ev.Approvers)
		if err != nil {
			return 0, err
		}
		approvers = string(b)
	}
	return tx.insert(ctx, `INSERT INTO request_events (request_id, action, actor_id, on_behalf_of_id, proxy_id, step, from_status, to_status,
		comment, approvers, day_on, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.RequestID, ev.Action, nullID(ev.ActorID), nullID(ev.OnBehalfOf), nullID(ev.ProxyID), ev.Step, ev.From, ev.To,
		ev.Comment, approvers, ev.Day, instant(ev.At))
}

// allApprovalGrants returns the approver and HR grants of everyone: what
// routing needs to find approvers.
func allApprovalGrants(ctx context.Context, q querier) ([]kintai.Grant, error) {
	rows, err := q.query(ctx, `SELECT id, staff_id, role, COALESCE(org_unit_id, 0) FROM role_grants WHERE role IN ('approver', 'hr') ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kintai.Grant
	for rows.Next() {
		var g kintai.Grant
		if err := rows.Scan(&g.ID, &g.StaffID, &g.Role, &g.OrgUnitID); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func findApprovalRoutes(ctx context.Context, q querier) ([]approval.Route, error) {
	rows, err := q.query(ctx, `SELECT id, COALESCE(org_unit_id, 0), kind, name, steps FROM approval_routes ORDER BY COALESCE(org_unit_id, 0), kind`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []approval.Route{}
	for rows.Next() {
		var r approval.Route
		var steps string
		if err := rows.Scan(&r.ID, &r.OrgUnitID, &r.Kind, &r.Name, &steps); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(steps), &r.Steps); err != nil {
			return nil, fmt.Errorf("route %d steps: %w", r.ID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// FindApprovalRoutes returns every configured route (承認ルート).
func (db *DB) FindApprovalRoutes(ctx context.Context) ([]approval.Route, error) {
	return findApprovalRoutes(ctx, db)
}

// FindApprovalRoutes returns every configured route, in the transaction:
// to change one and save them all (SaveApprovalRoutes).
func (tx *Tx) FindApprovalRoutes(ctx context.Context) ([]approval.Route, error) {
	return findApprovalRoutes(ctx, tx)
}

// SaveApprovalRoutes replaces the configured routes with routes, after
// validating each; at most one route per org unit and kind. Requests
// already submitted keep the route they were resolved with.
func (tx *Tx) SaveApprovalRoutes(ctx context.Context, routes []approval.Route) ([]approval.Route, error) {
	seen := map[[2]string]bool{}
	for i, r := range routes {
		if err := approval.ValidateRoute(r); err != nil {
			var e *kintai.Error
			if errors.As(err, &e) && e.Field != "" {
				e.Field = fmt.Sprintf("routes[%d].%s", i, e.Field)
			}
			return nil, err
		}
		k := [2]string{fmt.Sprint(r.OrgUnitID), string(r.Kind)}
		if seen[k] {
			return nil, kintai.Invalid(fmt.Sprintf("routes[%d]", i), "同じ所属・種類の承認ルートが重複しています。", "Two routes have the same org unit and kind.")
		}
		seen[k] = true
	}
	before, err := findApprovalRoutes(ctx, tx)
	if err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, `DELETE FROM approval_routes`); err != nil {
		return nil, err
	}
	out := make([]approval.Route, 0, len(routes))
	for _, r := range routes {
		steps, err := json.Marshal(r.Steps)
		if err != nil {
			return nil, err
		}
		r.ID, err = tx.insert(ctx, `INSERT INTO approval_routes (org_unit_id, kind, name, steps, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			nullID(r.OrgUnitID), r.Kind, strings.TrimSpace(r.Name), string(steps), instant(tx.Now), instant(tx.Now))
		if isForeignKeyViolation(err) {
			return nil, kintai.Invalid("org_unit_id", "存在しない所属が指定されています。", "Unknown org unit.")
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := tx.AuditKey(ctx, "approval_route.save", "approval_routes", "all", before, out); err != nil {
		return nil, err
	}
	return out, nil
}
