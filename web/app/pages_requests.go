package app

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kintai"
	"kintai/approval"
	"kintai/leave"
	"kintai/punch"
	"kintai/store"
	"kintai/web"
)

// The request pages (申請・承認): the request form, the staff member's own
// requests with their history, the approver's inbox with bulk decisions,
// and proxy settings (代理承認). They use the same store calls as the JSON
// API (request_api.go); nothing here needs a script.

// requestKinds are the kinds a staff member may ask for on the form.
var requestKinds = []approval.Kind{approval.KindLeave, approval.KindOvertimeRequest, approval.KindPunchCorrection, approval.KindTelework}

// leaveUnitOption is one unit of leave the form offers.
type leaveUnitOption struct {
	Unit  approval.LeaveUnit
	Label string
}

var leaveUnitOptions = []leaveUnitOption{{approval.LeaveDay, "1日単位 (day)"}, {approval.LeaveHour, "時間単位 (hour)"}}

// requestForm is the request form's values, as typed.
type requestForm struct {
	Kind       string
	LeaveType  string
	LeaveUnit  string
	LeaveFrom  string // from_on
	LeaveTo    string // to_on
	LeaveStart string // HH:MM, by the hour
	LeaveEnd   string
	Day        string // overtime, correction and telework day
	Start      string // overtime start HH:MM
	End        string
	PunchID    string
	PunchKind  string
	At         string // corrected time HH:MM
	Location   string
	Reason     string
}

// punchOption is a punch of the chosen day the correction may replace.
type punchOption struct {
	ID    int64
	Label string
}

// requestFormPage is what the request form shows.
type requestFormPage struct {
	Values     requestForm
	Kinds      []approval.Kind
	LeaveTypes []leave.Type
	Units      []leaveUnitOption
	PunchKinds []punch.Kind
	Punches    []punchOption
	Locations  []punch.WorkLocation
	// Field is the form field the error is about ("" for none).
	Field string
	err   error
}

func (d requestFormPage) formErr() error { return d.err }

// FieldErr reports whether the error is about the field name (or a field
// under it, like leave.from for leave).
func (d requestFormPage) FieldErr(name string) bool {
	return d.Field != "" && (d.Field == name || strings.HasPrefix(d.Field, name+"."))
}

func readRequestForm(r *http.Request) requestForm {
	v := r.PostFormValue
	if r.Method == http.MethodGet {
		v = r.URL.Query().Get
	}
	return requestForm{Kind: v("kind"), LeaveType: v("leave_type"), LeaveUnit: v("leave_unit"), LeaveFrom: v("leave_from_on"),
		LeaveTo: v("leave_to_on"), LeaveStart: v("leave_start"), LeaveEnd: v("leave_end"), Day: v("day"), Start: v("start"),
		End: v("end"), PunchID: v("punch_id"), PunchKind: v("punch_kind"), At: v("at"), Location: v("location"), Reason: v("reason")}
}

// clockAt is the instant of HH:MM on day in loc, in UTC.
func clockAt(field string, day kintai.Date, hhmm string, loc *time.Location) (time.Time, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(hhmm))
	if err != nil {
		return time.Time{}, kintai.Invalid(field, "時刻を「9:30」の形で入力してください。", "Enter a time like 9:30.")
	}
	return time.Date(day.Year, day.Month, day.Day, t.Hour(), t.Minute(), 0, 0, loc).UTC(), nil
}

func formDate(field, s string) (kintai.Date, error) {
	d, err := kintai.ParseDate(strings.TrimSpace(s))
	if err != nil {
		return kintai.Date{}, kintai.Invalid(field, "日付を入力してください。", "Enter a date.")
	}
	return d, nil
}

// request builds the request the form describes.
func (f requestForm) request(loc *time.Location) (approval.Request, error) {
	req := approval.Request{Kind: approval.Kind(f.Kind)}
	switch req.Kind {
	case approval.KindLeave:
		from, err := formDate("leave.from_on", f.LeaveFrom)
		if err != nil {
			return req, err
		}
		to := from
		if strings.TrimSpace(f.LeaveTo) != "" {
			if to, err = formDate("leave.to_on", f.LeaveTo); err != nil {
				return req, err
			}
		}
		l := &approval.Leave{Type: f.LeaveType, Unit: approval.LeaveUnit(f.LeaveUnit), FromOn: from, ToOn: to, Reason: f.Reason}
		if l.Unit != approval.LeaveDay {
			if l.From, err = clockAt("leave.from", from, f.LeaveStart, loc); err != nil {
				return req, err
			}
			if l.To, err = clockAt("leave.to", from, f.LeaveEnd, loc); err != nil {
				return req, err
			}
		}
		req.Leave = l
	case approval.KindOvertimeRequest:
		day, err := formDate("overtime.day", f.Day)
		if err != nil {
			return req, err
		}
		o := &approval.Overtime{Day: day, Reason: f.Reason}
		if o.Planned.Start, err = clockAt("overtime.planned", day, f.Start, loc); err != nil {
			return req, err
		}
		if o.Planned.End, err = clockAt("overtime.planned", day, f.End, loc); err != nil {
			return req, err
		}
		if o.Planned.End.Before(o.Planned.Start) { // past midnight
			o.Planned.End = o.Planned.End.Add(24 * time.Hour)
		}
		req.Overtime = o
	case approval.KindPunchCorrection:
		day, err := formDate("correction.day", f.Day)
		if err != nil {
			return req, err
		}
		c := &approval.PunchCorrection{Day: day, Kind: punch.Kind(f.PunchKind), Reason: f.Reason}
		if f.PunchID != "" {
			if c.PunchID, err = strconv.ParseInt(f.PunchID, 10, 64); err != nil {
				return req, kintai.Invalid("correction.punch_id", "修正する打刻を選んでください。", "Choose the punch to correct.")
			}
		}
		if c.At, err = clockAt("correction.at", day, f.At, loc); err != nil {
			return req, err
		}
		req.Correction = c
	case approval.KindTelework:
		day, err := formDate("telework.day", f.Day)
		if err != nil {
			return req, err
		}
		req.Telework = &approval.Telework{Day: day, Location: punch.WorkLocation(f.Location), Note: f.Reason}
	default:
		return req, kintai.Invalid("kind", "申請の種類を選んでください。", "Choose a kind of request.")
	}
	return req, nil
}

func (a *App) pageRequestNew(w http.ResponseWriter, r *http.Request) error {
	f := readRequestForm(r)
	if f.Kind == "" {
		f.Kind = string(approval.KindLeave)
	}
	if f.Day == "" {
		f.Day = kintai.DateOf(a.cfg.Now(), a.cfg.Loc).String()
	}
	return a.renderRequestForm(w, r, http.StatusOK, f, nil)
}

func (a *App) renderRequestForm(w http.ResponseWriter, r *http.Request, status int, f requestForm, ferr error) error {
	d := requestFormPage{Values: f, Kinds: requestKinds, LeaveTypes: leave.DefaultTypes(), Units: leaveUnitOptions,
		PunchKinds: punch.Kinds, Locations: []punch.WorkLocation{punch.WorkHome, punch.WorkSatellite}, err: ferr}
	if ferr != nil {
		d.Field = web.Detail(ferr).Field
	}
	if day, err := kintai.ParseDate(f.Day); err == nil {
		me := identityFrom(r.Context()).staff
		ps, err := a.db.FindPunches(r.Context(), store.PunchFilter{StaffIDs: []int64{me.ID}, From: day, To: day})
		if err != nil {
			return err
		}
		for _, p := range ps {
			d.Punches = append(d.Punches, punchOption{ID: p.ID, Label: p.At.In(a.cfg.Loc).Format("15:04") + " " + p.Kind.Label()})
		}
	}
	return a.pages.render(w, r, status, "requests_new", "申請 New request", d)
}

func (a *App) pageRequestCreate(w http.ResponseWriter, r *http.Request) error {
	f := readRequestForm(r)
	req, err := f.request(a.cfg.Loc)
	if err == nil {
		err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
			_, err := tx.CreateRequest(r.Context(), req, true)
			return err
		})
	}
	if err != nil {
		if isFormError(err) || kintai.ErrorCode(err) == kintai.EFORBIDDEN {
			return a.renderRequestForm(w, r, web.Status(kintai.ErrorCode(err)), f, err)
		}
		return err
	}
	return redirect(w, r, "/requests", "申請しました。 Submitted.")
}

// requestLine is a request as the lists show it.
type requestLine struct {
	approval.Request
	Staff   string
	Summary string
	History []historyLine
	// CanWithdraw is set on the applicant's own requests still waiting.
	CanWithdraw bool
}

// historyLine is one event of a request's history.
type historyLine struct {
	At, Text, TextEN, Comment string
}

// names returns a cached lookup of staff names by id.
func (a *App) names(ctx context.Context) func(int64) string {
	cache := map[int64]string{}
	return func(id int64) string {
		if n, ok := cache[id]; ok {
			return n
		}
		n := "#" + strconv.FormatInt(id, 10)
		if s, err := a.db.FindStaffByID(ctx, id); err == nil {
			n = s.Name
		}
		cache[id] = n
		return n
	}
}

// summary is a one-line description of what req asks for.
func (a *App) summary(req approval.Request) string {
	hm := func(t time.Time) string { return t.In(a.cfg.Loc).Format("15:04") }
	switch {
	case req.Leave != nil:
		l := req.Leave
		name := l.Type
		for _, t := range leave.DefaultTypes() {
			if t.Code == l.Type {
				name = t.Name
			}
		}
		s := name + " " + l.FromOn.String()
		if l.ToOn != l.FromOn {
			s += "〜" + l.ToOn.String()
		}
		if !l.From.IsZero() {
			s += " " + hm(l.From) + "–" + hm(l.To)
		}
		return s
	case req.Overtime != nil:
		return req.Overtime.Day.String() + " " + hm(req.Overtime.Planned.Start) + "–" + hm(req.Overtime.Planned.End) + " " + req.Overtime.Reason
	case req.Correction != nil:
		return req.Correction.Day.String() + " " + req.Correction.Kind.Label() + " → " + hm(req.Correction.At)
	case req.Telework != nil:
		return req.Telework.Day.String() + " " + req.Telework.Location.Label()
	}
	return ""
}

func (a *App) requestLines(ctx context.Context, reqs []approval.Request, me int64, history bool) ([]requestLine, error) {
	name := a.names(ctx)
	out := make([]requestLine, 0, len(reqs))
	for _, req := range reqs {
		l := requestLine{Request: req, Staff: name(req.StaffID), Summary: a.summary(req),
			CanWithdraw: req.Status == approval.StatusPending && (req.StaffID == me || req.CreatedBy == me)}
		if history {
			evs, err := a.db.FindRequestEvents(ctx, req.ID)
			if err != nil {
				return nil, err
			}
			for _, e := range evs {
				ja, en := e.Describe(name)
				l.History = append(l.History, historyLine{At: e.At.In(a.cfg.Loc).Format("2006-01-02 15:04"), Text: ja, TextEN: en, Comment: e.Comment})
			}
		}
		out = append(out, l)
	}
	return out, nil
}

func (a *App) pageRequestsMine(w http.ResponseWriter, r *http.Request) error {
	me := actorFrom(r).StaffID
	reqs, err := a.db.FindRequests(r.Context(), store.RequestFilter{Mine: me})
	if err != nil {
		return err
	}
	lines, err := a.requestLines(r.Context(), reqs, me, true)
	if err != nil {
		return err
	}
	return a.pages.render(w, r, http.StatusOK, "requests_mine", "自分の申請 My requests", lines)
}

func (a *App) pageRequestWithdraw(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		_, _, err := tx.DecideRequest(r.Context(), id, approval.Decision{Action: approval.ActionWithdraw})
		return err
	})
	if err != nil {
		return err
	}
	return redirect(w, r, "/requests", "取り下げました。 Withdrawn.")
}

// inboxPage is what the approver's inbox shows.
type inboxPage struct {
	Items  []requestLine
	Unread int
	// Results are the outcomes of the bulk decision just made.
	Results []bulkResult
	OK      int
	Failed  int
	Comment string
	err     error
}

func (d inboxPage) formErr() error { return d.err }

// bulkResult is one line of a bulk decision's outcome.
type bulkResult struct {
	ID                 int64
	Summary            string
	OK                 bool
	Message, MessageEN string
}

func (a *App) pageInbox(w http.ResponseWriter, r *http.Request) error {
	return a.renderInbox(w, r, http.StatusOK, inboxPage{})
}

func (a *App) renderInbox(w http.ResponseWriter, r *http.Request, status int, d inboxPage) error {
	me := actorFrom(r).StaffID
	reqs, err := a.db.FindRequests(r.Context(), store.RequestFilter{InboxOf: me})
	if err != nil {
		return err
	}
	if d.Items, err = a.requestLines(r.Context(), reqs, me, false); err != nil {
		return err
	}
	ns, err := a.db.FindNotifications(r.Context(), me, true)
	if err != nil {
		return err
	}
	d.Unread = len(ns)
	return a.pages.render(w, r, status, "requests_inbox", "承認 Approvals", d)
}

func (a *App) pageInboxBulk(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return kintai.Invalid("ids", "フォームを読めません。", "Cannot read the form.")
	}
	d := inboxPage{Comment: r.PostFormValue("comment")}
	var ids []int64
	for _, s := range r.PostForm["ids"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return kintai.Invalid("ids", "申請の指定が不正です。", "Bad request id.")
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		d.err = kintai.Invalid("ids", "申請を選んでください。", "Choose at least one request.")
		return a.renderInbox(w, r, http.StatusBadRequest, d)
	}
	action := approval.Action(r.PostFormValue("action"))
	if action != approval.ActionApprove && action != approval.ActionReject {
		return kintai.Invalid("action", "操作の指定が不正です。", "Unknown action.")
	}
	// The summaries are read before deciding, so refused lines show too.
	sums := map[int64]string{}
	for _, id := range ids {
		if req, err := a.db.FindRequestByID(r.Context(), id); err == nil {
			sums[id] = a.names(r.Context())(req.StaffID) + " " + req.Kind.Label() + " " + a.summary(req)
		}
	}
	items, err := a.db.DecideRequests(r.Context(), actorFrom(r), ids, approval.Decision{Action: action, Comment: d.Comment})
	if err != nil {
		if isFormError(err) {
			d.err = err
			return a.renderInbox(w, r, web.Status(kintai.ErrorCode(err)), d)
		}
		return err
	}
	for _, o := range items {
		res := bulkResult{ID: o.RequestID, Summary: sums[o.RequestID], OK: o.OK, Message: o.Message, MessageEN: o.MessageEN}
		if o.OK {
			d.OK++
		} else {
			d.Failed++
		}
		d.Results = append(d.Results, res)
	}
	return a.renderInbox(w, r, http.StatusOK, d)
}

func (a *App) pageInboxDecide(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	dec := approval.Decision{Action: approval.Action(r.PostFormValue("action")), Comment: r.PostFormValue("comment")}
	err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		_, _, err := tx.DecideRequest(r.Context(), id, dec)
		return err
	})
	if err != nil {
		if isFormError(err) || kintai.ErrorCode(err) == kintai.EFORBIDDEN {
			return a.renderInbox(w, r, web.Status(kintai.ErrorCode(err)), inboxPage{err: err})
		}
		return err
	}
	return redirect(w, r, "/approvals", dec.Action.Label()+"しました。")
}

// proxyForm is the proxy form's values, as typed.
type proxyForm struct {
	DeputyNo string
	From, To string // dates, the window is From 00:00 to the end of To
	Kinds    []string
	Note     string
}

// proxyLine is a proxy as the page shows it.
type proxyLine struct {
	store.ProxyRecord
	Principal, Deputies, Window, Kinds string
	Mine                               bool
}

// proxiesPage is what the proxy page shows.
type proxiesPage struct {
	Values  proxyForm
	Proxies []proxyLine
	Kinds   []approval.Kind
	err     error
}

func (d proxiesPage) formErr() error { return d.err }

// Checked reports whether kind k is ticked on the form.
func (f proxyForm) Checked(k approval.Kind) bool {
	for _, s := range f.Kinds {
		if s == string(k) {
			return true
		}
	}
	return false
}

func (a *App) pageProxies(w http.ResponseWriter, r *http.Request) error {
	today := kintai.DateOf(a.cfg.Now(), a.cfg.Loc).String()
	return a.renderProxies(w, r, http.StatusOK, proxiesPage{Values: proxyForm{From: today, To: today}})
}

func (a *App) renderProxies(w http.ResponseWriter, r *http.Request, status int, d proxiesPage) error {
	me := actorFrom(r).StaffID
	ps, err := a.db.FindProxies(r.Context(), store.ProxyFilter{Staff: me})
	if err != nil {
		return err
	}
	name := a.names(r.Context())
	for _, p := range ps {
		if !p.RevokedAt.IsZero() {
			continue
		}
		l := proxyLine{ProxyRecord: p, Principal: name(p.Principal), Mine: p.Principal == me,
			Window: p.From.In(a.cfg.Loc).Format("2006-01-02 15:04") + " 〜 " + p.To.In(a.cfg.Loc).Format("2006-01-02 15:04")}
		var ds, ks []string
		for _, id := range p.Deputies {
			ds = append(ds, name(id))
		}
		for _, k := range p.Kinds {
			ks = append(ks, k.Label())
		}
		l.Deputies = strings.Join(ds, "、")
		l.Kinds = strings.Join(ks, "、")
		if l.Kinds == "" {
			l.Kinds = "すべて (all)"
		}
		d.Proxies = append(d.Proxies, l)
	}
	d.Kinds = approval.Kinds
	return a.pages.render(w, r, status, "proxies", "代理承認 Proxies", d)
}

func (a *App) pageProxyCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return kintai.Invalid("deputy", "フォームを読めません。", "Cannot read the form.")
	}
	f := proxyForm{DeputyNo: strings.TrimSpace(r.PostFormValue("deputy_no")), From: r.PostFormValue("from"), To: r.PostFormValue("to"),
		Kinds: r.PostForm["kinds"], Note: r.PostFormValue("note")}
	err := func() error {
		dep, err := a.db.FindStaffByNo(r.Context(), f.DeputyNo)
		if err != nil {
			if kintai.ErrorCode(err) == kintai.ENOTFOUND {
				return kintai.Invalid("deputy_no", "その職員番号の職員はいません。", "No staff member has that number.")
			}
			return err
		}
		from, err := formDate("from", f.From)
		if err != nil {
			return err
		}
		to, err := formDate("to", f.To)
		if err != nil {
			return err
		}
		p := approval.Proxy{Principal: actorFrom(r).StaffID, Deputies: []int64{dep.ID}, Note: f.Note,
			From: midnight(from, a.cfg.Loc), To: midnight(to.AddDays(1), a.cfg.Loc)}
		for _, k := range f.Kinds {
			p.Kinds = append(p.Kinds, approval.Kind(k))
		}
		return a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.CreateProxy(r.Context(), &p) })
	}()
	if err != nil {
		if isFormError(err) || kintai.ErrorCode(err) == kintai.EFORBIDDEN {
			return a.renderProxies(w, r, web.Status(kintai.ErrorCode(err)), proxiesPage{Values: f, err: err})
		}
		return err
	}
	return redirect(w, r, "/proxies", "代理承認を設定しました。 Proxy set.")
}

func (a *App) pageProxyRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.RevokeProxy(r.Context(), id) }); err != nil {
		return err
	}
	return redirect(w, r, "/proxies", "代理承認を取り消しました。 Proxy revoked.")
}

// midnight is the start of day d in loc.
func midnight(d kintai.Date, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc).UTC()
}
