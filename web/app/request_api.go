package app

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"kintai"
	"kintai/approval"
	"kintai/store"
	"kintai/web"
)

// requestInput is the body of POST /api/v1/requests: a request (or, from
// an approver, an order) and its payload, the field matching kind.
type requestInput struct {
	Kind approval.Kind `json:"kind"`
	// StaffID is whom the request is about; 0 for oneself.
	StaffID int64 `json:"staff_id,omitempty"`
	// Draft keeps the request as a draft instead of submitting it.
	Draft       bool                      `json:"draft,omitempty"`
	Leave       *approval.Leave           `json:"leave,omitempty"`
	Overtime    *approval.Overtime        `json:"overtime,omitempty"`
	Result      *approval.OvertimeResult  `json:"result,omitempty"`
	HolidayWork *approval.HolidayWork     `json:"holiday_work,omitempty"`
	Correction  *approval.PunchCorrection `json:"correction,omitempty"`
	Telework    *approval.Telework        `json:"telework,omitempty"`
	Staggered   *approval.Staggered       `json:"staggered,omitempty"`
}

// requestDetail is a request with its history: the decisions and every
// version of its payload.
type requestDetail struct {
	Request  approval.Request       `json:"request"`
	Events   []store.StoredEvent    `json:"events"`
	Versions []store.RequestVersion `json:"versions"`
}

// decisionReply is the answer to a decision: the new state and its record.
type decisionReply struct {
	Request approval.Request `json:"request"`
	Event   approval.Event   `json:"event"`
}

// bulkInput is the body of POST /api/v1/requests/bulk-decision.
type bulkInput struct {
	IDs     []int64         `json:"ids"`
	Action  approval.Action `json:"action"`
	Comment string          `json:"comment,omitempty"`
}

// bulkReply lists the outcome of each request of a bulk decision.
type bulkReply struct {
	Items  []approval.Outcome `json:"items"`
	OK     int                `json:"ok"`
	Failed int                `json:"failed"`
}

// routesInput is the body of PUT /api/v1/approval-routes.
type routesInput struct {
	Routes []approval.Route `json:"routes"`
}

// request is the request in.
func (in requestInput) request() approval.Request {
	return approval.Request{Kind: in.Kind, StaffID: in.StaffID, Leave: in.Leave, Overtime: in.Overtime, Result: in.Result,
		HolidayWork: in.HolidayWork, Correction: in.Correction, Telework: in.Telework, Staggered: in.Staggered}
}

func (a *App) apiCreateRequest(w http.ResponseWriter, r *http.Request) error {
	var in requestInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	req := in.request()
	var out approval.Request
	err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		var err error
		out, err = tx.CreateRequest(r.Context(), req, !in.Draft)
		return err
	})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, out)
	return nil
}

func (a *App) apiListRequests(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	me := actorFrom(r).StaffID
	f := store.RequestFilter{Status: approval.Status(q.Get("status"))}
	if f.Status != "" && !f.Status.Valid() {
		return kintai.Invalid("status", "状態の指定が不正です。", "Unknown status.")
	}
	if q.Get("inbox") == "1" {
		f.InboxOf = me
	} else {
		f.Mine = me
	}
	var err error
	if f.BeforeID, err = queryCount(q, "before"); err != nil {
		return err
	}
	limit, err := queryCount(q, "limit")
	if err != nil {
		return err
	}
	f.Limit = int(min(limit, store.MaxBulkDecisions))
	reqs, err := a.db.FindRequests(r.Context(), f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(reqs))
	return nil
}

// queryCount reads the whole number of query parameter name, 0 when absent.
func queryCount(q url.Values, name string) (int64, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, kintai.Invalid(name, "0以上の整数を指定してください。", name+" must be a whole number, 0 or more.")
	}
	return n, nil
}

func (a *App) apiGetRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	req, err := a.db.FindRequestByID(r.Context(), id)
	if err != nil {
		return err
	}
	ok, err := a.maySeeRequest(r, req)
	if err != nil {
		return err
	}
	if !ok {
		// Not found rather than forbidden: ids of others' requests are not confirmed.
		return kintai.NotFound("申請", "Request")
	}
	events, err := a.db.FindRequestEvents(r.Context(), id)
	if err != nil {
		return err
	}
	versions, err := a.db.FindRequestVersions(r.Context(), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, requestDetail{Request: req, Events: events, Versions: versions})
	return nil
}

// apiUpdateRequest edits a draft or returned request of the caller's and,
// unless draft is set, submits it again.
func (a *App) apiUpdateRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in requestInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	var out approval.Request
	err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		var err error
		out, err = tx.UpdateRequest(r.Context(), id, in.request(), !in.Draft)
		return err
	})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// overdueLines returns the overdue requests (滞留) the caller may see: in
// their approver or HR scope, or waiting at a step of theirs.
func (a *App) overdueLines(r *http.Request) ([]approval.OverdueRequest, error) {
	all, err := a.db.FindOverdue(r.Context(), a.cfg.Now())
	if err != nil {
		return nil, err
	}
	tree, err := a.db.OrgTree(r.Context())
	if err != nil {
		return nil, err
	}
	actor := actorFrom(r)
	out := []approval.OverdueRequest{}
	for _, o := range all {
		req, err := a.db.FindRequestByID(r.Context(), o.RequestID)
		if err != nil {
			return nil, err
		}
		if actor.Can(kintai.RoleApprover, req.OrgUnitID, tree) || slices.Contains(o.Approvers, actor.StaffID) {
			out = append(out, o)
		}
	}
	return out, nil
}

func (a *App) apiListOverdue(w http.ResponseWriter, r *http.Request) error {
	out, err := a.overdueLines(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(out))
	return nil
}

func (a *App) apiGetApprovalSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := a.db.FindApprovalSettings(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, s)
	return nil
}

func (a *App) apiSaveApprovalSettings(w http.ResponseWriter, r *http.Request) error {
	var in approval.Settings
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	var out store.ApprovalSettings
	err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		var err error
		out, err = tx.SaveApprovalSettings(r.Context(), in)
		return err
	})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// readAllReply says how many notifications were marked read.
type readAllReply struct {
	Marked int64 `json:"marked"`
}

func (a *App) apiReadAllNotifications(w http.ResponseWriter, r *http.Request) error {
	var out readAllReply
	err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		var err error
		out.Marked, err = tx.MarkAllNotificationsRead(r.Context())
		return err
	})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// maySeeRequest reports whether the caller may read req: its applicant,
// an approver of any of its steps or in scope, or a deputy of a step
// approver under a proxy in force.
func (a *App) maySeeRequest(r *http.Request, req approval.Request) (bool, error) {
	actor := actorFrom(r)
	me := actor.StaffID
	if me == req.StaffID || me == req.CreatedBy || stepApprover(req, me) {
		return true, nil
	}
	tree, err := a.db.OrgTree(r.Context())
	if err != nil {
		return false, err
	}
	if actor.Can(kintai.RoleApprover, req.OrgUnitID, tree) {
		return true, nil
	}
	proxies, err := a.db.FindProxies(r.Context(), store.ProxyFilter{Deputy: me, ActiveAt: a.cfg.Now()})
	if err != nil {
		return false, err
	}
	for _, p := range proxies {
		if stepApprover(req, p.Principal) {
			return true, nil
		}
	}
	return false, nil
}

func stepApprover(req approval.Request, id int64) bool {
	for _, s := range req.Steps {
		if slices.Contains(s.Approvers, id) {
			return true
		}
	}
	return false
}

func (a *App) apiDecideRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var d approval.Decision
	if err := web.DecodeJSON(w, r, &d); err != nil {
		return err
	}
	var out decisionReply
	err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		var err error
		out.Request, out.Event, err = tx.DecideRequest(r.Context(), id, d)
		return err
	})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *App) apiBulkDecision(w http.ResponseWriter, r *http.Request) error {
	var in bulkInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	items, err := a.db.DecideRequests(r.Context(), actorFrom(r), in.IDs, approval.Decision{Action: in.Action, Comment: in.Comment})
	if err != nil {
		return err
	}
	out := bulkReply{Items: items}
	for _, o := range items {
		if o.OK {
			out.OK++
		} else {
			out.Failed++
		}
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *App) apiListProxies(w http.ResponseWriter, r *http.Request) error {
	f := store.ProxyFilter{Staff: actorFrom(r).StaffID}
	if r.URL.Query().Get("active") == "1" {
		f.ActiveAt = a.cfg.Now()
	}
	ps, err := a.db.FindProxies(r.Context(), f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(ps))
	return nil
}

func (a *App) apiCreateProxy(w http.ResponseWriter, r *http.Request) error {
	var p approval.Proxy
	if err := web.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	p.ID = 0
	if p.Principal == 0 {
		p.Principal = actorFrom(r).StaffID
	}
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.CreateProxy(r.Context(), &p) }); err != nil {
		return err
	}
	rec, err := a.db.FindProxyByID(r.Context(), p.ID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, rec)
	return nil
}

func (a *App) apiRevokeProxy(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.RevokeProxy(r.Context(), id) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *App) apiListApprovalRoutes(w http.ResponseWriter, r *http.Request) error {
	routes, err := a.db.FindApprovalRoutes(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(routes))
	return nil
}

func (a *App) apiSaveApprovalRoutes(w http.ResponseWriter, r *http.Request) error {
	var in routesInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	var out []approval.Route
	err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		var err error
		out, err = tx.SaveApprovalRoutes(r.Context(), in.Routes)
		return err
	})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(out))
	return nil
}

func (a *App) apiListNotifications(w http.ResponseWriter, r *http.Request) error {
	ns, err := a.db.FindNotifications(r.Context(), actorFrom(r).StaffID, r.URL.Query().Get("unread") == "1")
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(ns))
	return nil
}

func (a *App) apiReadNotification(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.MarkNotificationRead(r.Context(), id) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
