package app

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"kintai"
	"kintai/approval"
	"kintai/leave"
	"kintai/punch"
	"kintai/rules"
	"kintai/store"
	"kintai/web"
)

// The request pages (申請・承認): the request form, the staff member's own
// requests with their history, the approver's inbox with bulk decisions,
// and proxy settings (代理承認). They use the same store calls as the JSON
// API (request_api.go); nothing here needs a script.

// requestKinds are the kinds a staff member may ask for on the form.
var requestKinds = []approval.Kind{approval.KindLeave, approval.KindOvertimeRequest, approval.KindPunchCorrection, approval.KindTelework, approval.KindStaggered}

// leaveUnitOption is one unit of leave the form offers.
type leaveUnitOption struct {
	Unit  approval.LeaveUnit
	Label string
}

var leaveUnitOptions = []leaveUnitOption{{approval.LeaveDay, "1日単位 (day)"}, {approval.LeaveMorning, "午前半日 (morning)"},
	{approval.LeaveAfternoon, "午後半日 (afternoon)"}, {approval.LeaveHour, "時間単位 (hour)"}}

// requestForm is the request form's values, as typed.
type requestForm struct {
	Kind       string
	LeaveType  string
	LeaveUnit  string
	LeaveFrom  string // from_on
	LeaveTo    string // to_on
	LeaveStart string // HH:MM, by the hour
	LeaveEnd   string
	LeaveCase  string
	LeaveEvent string
	Day        string // overtime, correction and telework day
	Start      string // overtime start HH:MM
	End        string
	PunchID    string
	PunchKind  string
	At         string // corrected time HH:MM
	Location   string
	Option     string // staggered hours as "start-end" minutes, e.g. "450-975"
	Reason     string
}

// punchOption is a punch of the chosen day the correction may replace.
type punchOption struct {
	ID    int64
	Label string
}

// spanOption is a permitted set of hours (時差出勤の選択肢) the form offers.
type spanOption struct {
	Value, Label string
}

// spanValue is how a span travels in a form: "start-end" in minutes.
func spanValue(s rules.Span) string { return fmt.Sprintf("%d-%d", s.StartMin, s.EndMin) }

// spanLabel is a span as people read it: "7:30–16:15".
func spanLabel(s rules.Span) string {
	return fmt.Sprintf("%d:%02d–%d:%02d", s.StartMin/60, s.StartMin%60, s.EndMin/60, s.EndMin%60)
}

// requestFormPage is what the request form shows.
type requestFormPage struct {
	// Action is where the form posts: /requests/new, or the edit page of
	// a draft or returned request (Editing is its id).
	Action     string
	Editing    int64
	Values     requestForm
	Kinds      []approval.Kind
	LeaveTypes []leave.Type
	Units      []leaveUnitOption
	PunchKinds []punch.Kind
	Punches    []punchOption
	Locations  []punch.WorkLocation
	// Options are the staggered hours the staff member's pattern permits
	// on the chosen day (none when it is not a staggered pattern).
	Options []spanOption
	// Balances are the staff member's leave balances today (休暇の残日数).
	Balances []store.LeaveBalance
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
		LeaveTo: v("leave_to_on"), LeaveStart: v("leave_start"), LeaveEnd: v("leave_end"), LeaveCase: v("leave_case"), LeaveEvent: v("leave_event"), Day: v("day"), Start: v("start"),
		End: v("end"), PunchID: v("punch_id"), PunchKind: v("punch_kind"), At: v("at"), Location: v("location"), Option: v("option"),
		Reason: v("reason")}
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
		l := &approval.Leave{Type: f.LeaveType, Unit: approval.LeaveUnit(f.LeaveUnit), FromOn: from, ToOn: to,
			Case: f.LeaveCase, Event: strings.TrimSpace(f.LeaveEvent), Reason: f.Reason}
		if l.Unit.HalfDay() {
			// The hours of a half day are the day's; the store sets them.
			l.ToOn = from
		} else if l.Unit != approval.LeaveDay {
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
	case approval.KindStaggered:
		day, err := formDate("staggered.day", f.Day)
		if err != nil {
			return req, err
		}
		var o rules.Span
		if _, err := fmt.Sscanf(f.Option, "%d-%d", &o.StartMin, &o.EndMin); err != nil {
			return req, kintai.Invalid("staggered.option", "時差出勤の勤務時間を選んでください。", "Choose the staggered hours.")
		}
		req.Staggered = &approval.Staggered{Day: day, Option: o, Reason: f.Reason}
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
	return a.renderRequestFormAt(w, r, status, "/requests/new", 0, f, ferr)
}

// renderRequestFormAt renders the request form posting to action; editing
// is the id of the request being edited, 0 for a new one.
func (a *App) renderRequestFormAt(w http.ResponseWriter, r *http.Request, status int, action string, editing int64, f requestForm, ferr error) error {
	lc, err := a.db.FindLeaveConfig(r.Context())
	if err != nil {
		return err
	}
	d := requestFormPage{Action: action, Editing: editing, Values: f, Kinds: requestKinds, LeaveTypes: lc.Offered(), Units: leaveUnitOptions,
		PunchKinds: punch.Kinds, Locations: []punch.WorkLocation{punch.WorkHome, punch.WorkSatellite}, err: ferr}
	if ferr != nil {
		d.Field = web.Detail(ferr).Field
	}
	if me := identityFrom(r.Context()).staff; me != nil {
		sl, err := a.db.StaffLeave(r.Context(), me.ID, a.today())
		if err != nil {
			return err
		}
		d.Balances = sl.Balances
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
		as, err := a.db.FindPatternAssignments(r.Context(), me.ID)
		if err != nil {
			return err
		}
		for _, as := range as {
			if as.Covers(day) && as.Pattern.Kind == rules.PatternStaggered {
				for _, o := range as.Pattern.Options {
					d.Options = append(d.Options, spanOption{Value: spanValue(o), Label: spanLabel(o)})
				}
			}
		}
	}
	title := "申請 New request"
	if editing != 0 {
		title = fmt.Sprintf("申請の修正 No.%d Edit request", editing)
	}
	return a.pages.render(w, r, status, "requests_new", title, d)
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
	// Gap and GapEN describe the 乖離 of an overtime result above the
	// threshold ("" when none is), GapReason the reason given.
	Gap, GapEN, GapReason string
	// GapChecked is set on a result whose gap was computed.
	GapChecked bool
	// CanWithdraw is set on the applicant's own requests still waiting,
	// CanEdit on their drafts and returned requests, CanCancel on their
	// approved requests when cancellation is allowed, and CanAck on an
	// order given to the staff member not yet acknowledged.
	CanWithdraw, CanEdit, CanCancel, CanAck bool
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
		if t, ok := a.leaveType(l.Type); ok {
			name = t.Name
		}
		s := name + " " + l.FromOn.String()
		if l.ToOn != l.FromOn {
			s += "〜" + l.ToOn.String()
		}
		switch l.Unit {
		case approval.LeaveMorning:
			s += " 午前半日"
		case approval.LeaveAfternoon:
			s += " 午後半日"
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
	case req.Result != nil:
		s := req.Result.Day.String() + " " + hm(req.Result.Actual.Start) + "–" + hm(req.Result.Actual.End) + " " + req.Result.Work
		if req.Result.OrderID != 0 {
			s += fmt.Sprintf("（命令 No.%d）", req.Result.OrderID)
		}
		return s
	case req.HolidayWork != nil:
		h := req.HolidayWork
		s := h.Day.String() + " " + hm(h.Planned.Start) + "–" + hm(h.Planned.End) + " " + h.Reason
		switch {
		case h.Substitute == approval.SubstituteFurikae:
			s += " 振替日 " + h.SubstituteOn.String()
		case h.Substitute == approval.SubstituteDaikyu && h.DaikyuLeaveID != 0:
			s += fmt.Sprintf(" 代休日 %s（代休の申請 No.%d）", h.SubstituteOn, h.DaikyuLeaveID)
		case h.Substitute == approval.SubstituteDaikyu && !h.SubstituteOn.IsZero():
			s += " 代休日 " + h.SubstituteOn.String()
		case h.Substitute == approval.SubstituteDaikyu:
			s += " 代休日は後日指定"
		}
		return s
	case req.Staggered != nil:
		return req.Staggered.Day.String() + " " + spanLabel(req.Staggered.Option)
	}
	return ""
}

func (a *App) requestLines(ctx context.Context, reqs []approval.Request, me int64, history bool) ([]requestLine, error) {
	name := a.names(ctx)
	settings, err := a.db.FindApprovalSettings(ctx)
	if err != nil {
		return nil, err
	}
	var events map[int64][]store.StoredEvent
	if history {
		ids := make([]int64, len(reqs))
		for i, r := range reqs {
			ids[i] = r.ID
		}
		if events, err = a.db.FindRequestEventsOf(ctx, ids); err != nil {
			return nil, err
		}
	}
	out := make([]requestLine, 0, len(reqs))
	for _, req := range reqs {
		mine := req.StaffID == me || req.CreatedBy == me
		l := requestLine{Request: req, Staff: name(req.StaffID), Summary: a.summary(req),
			CanWithdraw: req.Status == approval.StatusPending && mine,
			CanEdit:     req.Editable() && mine && !req.Kind.Order() && (slices.Contains(requestKinds, req.Kind) || req.Kind == approval.KindOvertimeResult),
			CanCancel:   req.Status == approval.StatusApproved && mine && !req.Kind.Order() && settings.CancelApproved,
			CanAck:      req.Kind.Order() && req.Status == approval.StatusApproved && req.StaffID == me && req.AcknowledgedAt.IsZero()}
		if r := req.Result; r != nil && r.Gap != nil {
			l.GapChecked, l.GapReason = true, r.GapReason
			l.Gap, l.GapEN = r.Gap.Summary()
		}
		if history {
			for _, e := range events[req.ID] {
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
	return a.pageOwnDecision(w, r, approval.ActionWithdraw, "取り下げました。 Withdrawn.")
}

func (a *App) pageRequestCancel(w http.ResponseWriter, r *http.Request) error {
	return a.pageOwnDecision(w, r, approval.ActionCancel, "取消を申請しました。 Cancellation requested.")
}

func (a *App) pageRequestAcknowledge(w http.ResponseWriter, r *http.Request) error {
	return a.pageOwnDecision(w, r, approval.ActionAcknowledge, "命令を確認しました。 Acknowledged.")
}

// pageOwnDecision takes action on one of the caller's own requests or
// orders from the list of their requests.
func (a *App) pageOwnDecision(w http.ResponseWriter, r *http.Request, action approval.Action, done string) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		_, _, err := tx.DecideRequest(r.Context(), id, approval.Decision{Action: action})
		return err
	})
	if err != nil {
		return err
	}
	return redirect(w, r, "/requests", done)
}

// formOf returns the request form's values for req, to edit it.
func (a *App) formOf(req approval.Request) requestForm {
	hm := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(a.cfg.Loc).Format("15:04")
	}
	f := requestForm{Kind: string(req.Kind)}
	switch {
	case req.Leave != nil:
		l := req.Leave
		f.LeaveType, f.LeaveUnit, f.LeaveFrom, f.LeaveTo, f.Reason = l.Type, string(l.Unit), l.FromOn.String(), l.ToOn.String(), l.Reason
		f.LeaveStart, f.LeaveEnd, f.LeaveCase, f.LeaveEvent = hm(l.From), hm(l.To), l.Case, l.Event
	case req.Overtime != nil:
		o := req.Overtime
		f.Day, f.Start, f.End, f.Reason = o.Day.String(), hm(o.Planned.Start), hm(o.Planned.End), o.Reason
	case req.Correction != nil:
		c := req.Correction
		f.Day, f.PunchKind, f.At, f.Reason = c.Day.String(), string(c.Kind), hm(c.At), c.Reason
		if c.PunchID != 0 {
			f.PunchID = strconv.FormatInt(c.PunchID, 10)
		}
	case req.Telework != nil:
		f.Day, f.Location, f.Reason = req.Telework.Day.String(), string(req.Telework.Location), req.Telework.Note
	case req.Staggered != nil:
		f.Day, f.Option, f.Reason = req.Staggered.Day.String(), spanValue(req.Staggered.Option), req.Staggered.Reason
	}
	return f
}

// ownEditable returns request id when the caller may edit it: their own
// draft or returned request; others are not found.
func (a *App) ownEditable(r *http.Request) (approval.Request, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return approval.Request{}, err
	}
	req, err := a.db.FindRequestByID(r.Context(), id)
	if err != nil {
		return req, err
	}
	me := actorFrom(r).StaffID
	if me != req.CreatedBy && me != req.StaffID {
		return req, kintai.NotFound("申請", "Request")
	}
	if !req.Editable() {
		return req, kintai.Errorf(kintai.ECONFLICT, "「"+req.Status.Label()+"」の申請は修正できません。", "A request that is "+string(req.Status)+" cannot be edited.")
	}
	return req, nil
}

// pageRequestEdit shows a draft or returned request in its form, to change
// and submit again (再申請).
func (a *App) pageRequestEdit(w http.ResponseWriter, r *http.Request) error {
	req, err := a.ownEditable(r)
	if err != nil {
		return err
	}
	if req.Kind == approval.KindOvertimeResult {
		f := a.resultFormOf(req)
		if r.URL.Query().Has("start") { // the preview reloads with the typed values
			f = readResultForm(r)
		}
		return a.renderResultForm(w, r, http.StatusOK, req.ID, f, nil)
	}
	f := a.formOf(req)
	if r.URL.Query().Has("day") { // "show this day's punches" reloads with the typed values
		f = readRequestForm(r)
	}
	return a.renderRequestFormAt(w, r, http.StatusOK, fmt.Sprintf("/requests/%d/edit", req.ID), req.ID, f, nil)
}

func (a *App) pageRequestUpdate(w http.ResponseWriter, r *http.Request) error {
	req, err := a.ownEditable(r)
	if err != nil {
		return err
	}
	var edit approval.Request
	var rerender func(error) error
	if req.Kind == approval.KindOvertimeResult {
		f := readResultForm(r)
		edit, err = a.resultRequest(r, f)
		rerender = func(err error) error {
			return a.renderResultForm(w, r, web.Status(kintai.ErrorCode(err)), req.ID, f, err)
		}
	} else {
		f := readRequestForm(r)
		f.Kind = string(req.Kind)
		edit, err = f.request(a.cfg.Loc)
		rerender = func(err error) error {
			return a.renderRequestFormAt(w, r, web.Status(kintai.ErrorCode(err)), fmt.Sprintf("/requests/%d/edit", req.ID), req.ID, f, err)
		}
	}
	if err == nil {
		err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
			_, err := tx.UpdateRequest(r.Context(), req.ID, edit, true)
			return err
		})
	}
	if err != nil {
		if isFormError(err) || kintai.ErrorCode(err) == kintai.EFORBIDDEN {
			return rerender(err)
		}
		return err
	}
	return redirect(w, r, "/requests", "修正して再申請しました。 Edited and submitted again.")
}

// inboxPage is what the approver's inbox shows.
type inboxPage struct {
	Items  []requestLine
	Unread int
	// Next is the id to page on from ("" when this page is the last).
	Next string
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

// renderInbox shows the requests waiting for the caller, up to
// store.MaxBulkDecisions a page (a whole page can be approved at once),
// each with its history, any 乖離 and its own decision form.
func (a *App) renderInbox(w http.ResponseWriter, r *http.Request, status int, d inboxPage) error {
	me := actorFrom(r).StaffID
	before, err := queryCount(r.URL.Query(), "before")
	if err != nil {
		return err
	}
	reqs, err := a.db.FindRequests(r.Context(), store.RequestFilter{InboxOf: me, BeforeID: before})
	if err != nil {
		return err
	}
	if len(reqs) == store.MaxBulkDecisions {
		d.Next = strconv.FormatInt(reqs[len(reqs)-1].ID, 10)
	}
	if d.Items, err = a.requestLines(r.Context(), reqs, me, true); err != nil {
		return err
	}
	ns, err := a.db.FindNotifications(r.Context(), me, true)
	if err != nil {
		return err
	}
	d.Unread = len(ns)
	return a.pages.render(w, r, status, "requests_inbox", "承認 Approvals", d)
}

// pageInboxBulk decides the ticked requests (approve or reject), or with
// approve_all every request the page showed (its "shown" ids).
func (a *App) pageInboxBulk(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return kintai.Invalid("ids", "フォームを読めません。", "Cannot read the form.")
	}
	d := inboxPage{Comment: r.PostFormValue("comment")}
	action := approval.Action(r.PostFormValue("action"))
	field := "ids"
	if action == "approve_all" {
		action, field = approval.ActionApprove, "shown"
	}
	var ids []int64
	for _, s := range r.PostForm[field] {
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
	if action != approval.ActionApprove && action != approval.ActionReject {
		return kintai.Invalid("action", "操作の指定が不正です。", "Unknown action.")
	}
	// The summaries are read before deciding, so refused lines show too.
	name := a.names(r.Context())
	sums := map[int64]string{}
	for _, id := range ids {
		if req, err := a.db.FindRequestByID(r.Context(), id); err == nil {
			sums[id] = name(req.StaffID) + " " + req.Kind.Label() + " " + a.summary(req)
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

// pageInboxDecide approves, rejects or returns one request with its
// comment, or comments on it.
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
	return redirect(w, r, "/approvals", fmt.Sprintf("No.%d を%sしました。", id, dec.Action.Label()))
}

// proxyForm is the proxy form's values, as typed.
type proxyForm struct {
	// PrincipalNo is whose proxy it is: blank for oneself; HR may name
	// someone else in scope.
	PrincipalNo string
	DeputyNo    string
	From, To    string // dates, the window is From 00:00 to the end of To
	Kinds       []string
	Note        string
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
	// HR also sees the proxies they set up for others.
	f := store.ProxyFilter{Staff: me}
	if actorFrom(r).HasRole(kintai.RoleHR) {
		f.Staff = 0
	}
	ps, err := a.db.FindProxies(r.Context(), f)
	if err != nil {
		return err
	}
	name := a.names(r.Context())
	for _, p := range ps {
		if !p.RevokedAt.IsZero() {
			continue
		}
		l := proxyLine{ProxyRecord: p, Principal: name(p.Principal), Mine: p.Principal == me || p.CreatedBy == me || f.Staff == 0,
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
	f := proxyForm{PrincipalNo: strings.TrimSpace(r.PostFormValue("principal_no")), DeputyNo: strings.TrimSpace(r.PostFormValue("deputy_no")),
		From: r.PostFormValue("from"), To: r.PostFormValue("to"), Kinds: r.PostForm["kinds"], Note: r.PostFormValue("note")}
	err := func() error {
		principal := actorFrom(r).StaffID
		if f.PrincipalNo != "" {
			p, err := a.db.FindStaffByNo(r.Context(), f.PrincipalNo)
			if kintai.ErrorCode(err) == kintai.ENOTFOUND {
				return kintai.Invalid("principal_no", "その職員番号の職員はいません。", "No staff member has that number.")
			}
			if err != nil {
				return err
			}
			principal = p.ID
		}
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
		p := approval.Proxy{Principal: principal, Deputies: []int64{dep.ID}, Note: f.Note,
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
