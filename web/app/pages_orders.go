package app

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"kintai"
	"kintai/approval"
	"kintai/store"
	"kintai/web"
)

// The pages of overtime and holiday work (超過勤務・休日勤務): the
// supervisor's orders (超過勤務命令, 休日勤務命令 with a 振替 or 代休 day),
// which the staff member acknowledges on their list, and the staff
// member's result report (実績報告) with the 乖離 computed from their
// punches.

// orderKinds are the kinds a supervisor orders.
var orderKinds = []approval.Kind{approval.KindOvertimeOrder, approval.KindHolidayWork}

// substituteOption is a way of making up holiday work the form offers.
type substituteOption struct {
	Mode  approval.SubstituteMode
	Label string
}

var substituteOptions = []substituteOption{
	{approval.SubstituteFurikae, "週休日の振替 (substitute rest day)"},
	{approval.SubstituteDaikyu, "代休 (compensatory day)"},
	{approval.SubstituteNone, "なし・休日給 (paid, no day off)"},
}

// orderForm is the order form's values, as typed.
type orderForm struct {
	Kind, StaffNo, Day, Start, End, Substitute, SubstituteOn, Reason string
}

// ordersPage is what the order page shows.
type ordersPage struct {
	Values      orderForm
	Kinds       []approval.Kind
	Substitutes []substituteOption
	Given       []requestLine // orders the caller gave, newest first
	// Daikyu lists the holiday-work orders given with 代休 whose day may
	// be designated (or changed) now, by id: not one a 代休 leave set.
	Daikyu map[int64]bool
	Field  string
	err    error
}

func (d ordersPage) formErr() error { return d.err }

// FieldErr reports whether the error is about the field name or one under it.
func (d ordersPage) FieldErr(name string) bool {
	return d.Field != "" && (d.Field == name || strings.HasPrefix(d.Field, name+"."))
}

func readOrderForm(r *http.Request) orderForm {
	v := r.PostFormValue
	return orderForm{Kind: v("kind"), StaffNo: strings.TrimSpace(v("staff_no")), Day: v("day"), Start: v("start"), End: v("end"),
		Substitute: v("substitute"), SubstituteOn: v("substitute_on"), Reason: v("reason")}
}

// interval reads the start and end HH:MM on day; an end before the start
// runs past midnight.
func interval(field string, day kintai.Date, start, end string, loc *time.Location) (s, e time.Time, err error) {
	if s, err = clockAt(field, day, start, loc); err != nil {
		return
	}
	if e, err = clockAt(field, day, end, loc); err != nil {
		return
	}
	if e.Before(s) {
		e = e.Add(24 * time.Hour)
	}
	return
}

// request builds the order the form describes for staff member staffID.
func (f orderForm) request(staffID int64, loc *time.Location) (approval.Request, error) {
	req := approval.Request{Kind: approval.Kind(f.Kind), StaffID: staffID}
	switch req.Kind {
	case approval.KindOvertimeOrder:
		day, err := formDate("overtime.day", f.Day)
		if err != nil {
			return req, err
		}
		o := &approval.Overtime{Day: day, Reason: f.Reason}
		if o.Planned.Start, o.Planned.End, err = interval("overtime.planned", day, f.Start, f.End, loc); err != nil {
			return req, err
		}
		req.Overtime = o
	case approval.KindHolidayWork:
		day, err := formDate("holiday_work.day", f.Day)
		if err != nil {
			return req, err
		}
		h := &approval.HolidayWork{Day: day, Substitute: approval.SubstituteMode(f.Substitute), Reason: f.Reason}
		if h.Planned.Start, h.Planned.End, err = interval("holiday_work.planned", day, f.Start, f.End, loc); err != nil {
			return req, err
		}
		if strings.TrimSpace(f.SubstituteOn) != "" {
			if h.SubstituteOn, err = formDate("holiday_work.substitute_on", f.SubstituteOn); err != nil {
				return req, err
			}
		}
		req.HolidayWork = h
	default:
		return req, kintai.Invalid("kind", "命令の種類を選んでください。", "Choose a kind of order.")
	}
	return req, nil
}

func (a *App) pageOrderNew(w http.ResponseWriter, r *http.Request) error {
	f := orderForm{Kind: string(approval.KindOvertimeOrder), Substitute: string(approval.SubstituteFurikae), Day: a.today().String()}
	if k := r.URL.Query().Get("kind"); approval.Kind(k).Order() {
		f.Kind = k
	}
	return a.renderOrders(w, r, http.StatusOK, f, nil)
}

func (a *App) renderOrders(w http.ResponseWriter, r *http.Request, status int, f orderForm, ferr error) error {
	d := ordersPage{Values: f, Kinds: orderKinds, Substitutes: substituteOptions, err: ferr}
	if ferr != nil {
		d.Field = web.Detail(ferr).Field
	}
	me := actorFrom(r).StaffID
	reqs, err := a.db.FindRequests(r.Context(), store.RequestFilter{Mine: me, Limit: 50})
	if err != nil {
		return err
	}
	var given []approval.Request
	for _, req := range reqs {
		if req.Kind.Order() && req.CreatedBy == me {
			given = append(given, req)
		}
	}
	if d.Given, err = a.requestLines(r.Context(), given, me, false); err != nil {
		return err
	}
	d.Daikyu = map[int64]bool{}
	for _, req := range given {
		if h := req.HolidayWork; h != nil && h.Substitute == approval.SubstituteDaikyu && req.Status == approval.StatusApproved && h.DaikyuLeaveID == 0 {
			d.Daikyu[req.ID] = true
		}
	}
	return a.pages.render(w, r, status, "orders_new", "命令 Orders", d)
}

func (a *App) pageOrderCreate(w http.ResponseWriter, r *http.Request) error {
	f := readOrderForm(r)
	err := func() error {
		staff, err := a.db.FindStaffByNo(r.Context(), f.StaffNo)
		if kintai.ErrorCode(err) == kintai.ENOTFOUND || f.StaffNo == "" {
			return kintai.Invalid("staff_no", "その職員番号の職員はいません。", "No staff member has that number.")
		}
		if err != nil {
			return err
		}
		req, err := f.request(staff.ID, a.cfg.Loc)
		if err != nil {
			return err
		}
		return a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
			_, err := tx.CreateRequest(r.Context(), req, true)
			return err
		})
	}()
	if err != nil {
		if isFormError(err) || kintai.ErrorCode(err) == kintai.EFORBIDDEN {
			return a.renderOrders(w, r, web.Status(kintai.ErrorCode(err)), f, err)
		}
		return err
	}
	return redirect(w, r, "/orders/new", "発令しました。 Order given.")
}

// resultForm is the result report's values, as typed.
type resultForm struct {
	OrderID, Day, Start, End, Work, GapReason string
}

// orderOption is an order or approved request a result may report on.
type orderOption struct {
	ID    int64
	Label string
	Day   string
}

// resultPage is what the result report page shows.
type resultPage struct {
	Action  string
	Editing int64
	Values  resultForm
	Orders  []orderOption
	// Gap and GapEN describe the 乖離 of the typed report (Preview): the
	// measures above the threshold, "" when none is.
	Previewed, ReasonRequired bool
	Gap, GapEN                string
	Threshold                 int
	Field                     string
	err                       error
}

func (d resultPage) formErr() error { return d.err }

func readResultForm(r *http.Request) resultForm {
	v := r.PostFormValue
	if r.Method == http.MethodGet {
		v = r.URL.Query().Get
	}
	return resultForm{OrderID: v("order_id"), Day: v("day"), Start: v("start"), End: v("end"), Work: v("work"), GapReason: v("gap_reason")}
}

func (a *App) resultFormOf(req approval.Request) resultForm {
	res := req.Result
	hm := func(t time.Time) string { return t.In(a.cfg.Loc).Format("15:04") }
	f := resultForm{Day: res.Day.String(), Start: hm(res.Actual.Start), End: hm(res.Actual.End), Work: res.Work, GapReason: res.GapReason}
	if res.OrderID != 0 {
		f.OrderID = strconv.FormatInt(res.OrderID, 10)
	}
	return f
}

// resultRequest builds the result the form describes: the day is the
// order's when one is chosen.
func (a *App) resultRequest(r *http.Request, f resultForm) (approval.Request, error) {
	res := &approval.OvertimeResult{Work: f.Work, GapReason: f.GapReason}
	if f.OrderID != "" {
		id, err := strconv.ParseInt(f.OrderID, 10, 64)
		if err != nil {
			return approval.Request{}, kintai.Invalid("result.order_id", "命令を選んでください。", "Choose the order.")
		}
		order, err := a.db.FindRequestByID(r.Context(), id)
		if err != nil || order.StaffID != actorFrom(r).StaffID {
			return approval.Request{}, kintai.Invalid("result.order_id", "報告する命令が見つかりません。", "The order reported on does not exist.")
		}
		res.OrderID = id
		f.Day = orderDay(order).String()
	}
	day, err := formDate("result.day", f.Day)
	if err != nil {
		return approval.Request{}, err
	}
	res.Day = day
	if res.Actual.Start, res.Actual.End, err = interval("result.actual", day, f.Start, f.End, a.cfg.Loc); err != nil {
		return approval.Request{}, err
	}
	return approval.Request{Kind: approval.KindOvertimeResult, Result: res}, nil
}

// orderDay is the business day an order or overtime request is for.
func orderDay(req approval.Request) kintai.Date {
	switch {
	case req.Overtime != nil:
		return req.Overtime.Day
	case req.HolidayWork != nil:
		return req.HolidayWork.Day
	}
	return kintai.Date{}
}

func (a *App) pageResultNew(w http.ResponseWriter, r *http.Request) error {
	return a.renderResultForm(w, r, http.StatusOK, 0, readResultForm(r), nil)
}

// renderResultForm renders the result report; with "preview" in the query
// it shows the 乖離 of the typed report, computed as it would be stored.
func (a *App) renderResultForm(w http.ResponseWriter, r *http.Request, status int, editing int64, f resultForm, ferr error) error {
	d := resultPage{Action: "/requests/result/new", Editing: editing, Values: f, err: ferr}
	if editing != 0 {
		d.Action = "/requests/" + strconv.FormatInt(editing, 10) + "/edit"
	}
	if ferr != nil {
		d.Field = web.Detail(ferr).Field
	}
	me := actorFrom(r).StaffID
	reqs, err := a.db.FindRequests(r.Context(), store.RequestFilter{Mine: me, Status: approval.StatusApproved})
	if err != nil {
		return err
	}
	for _, req := range reqs {
		if req.StaffID == me && (req.Kind.Order() || req.Kind == approval.KindOvertimeRequest) {
			d.Orders = append(d.Orders, orderOption{ID: req.ID, Day: orderDay(req).String(),
				Label: "No." + strconv.FormatInt(req.ID, 10) + " " + req.Kind.Label() + " " + a.summary(req)})
		}
	}
	if r.URL.Query().Get("preview") != "" && ferr == nil {
		req, err := a.resultRequest(r, f)
		if err != nil {
			d.err, d.Field = err, web.Detail(err).Field
		} else {
			gap, err := a.db.PreviewResultGap(r.Context(), actorFrom(r), req)
			if err != nil {
				return err
			}
			d.Previewed, d.ReasonRequired, d.Threshold = true, gap.ReasonRequired, gap.ThresholdMin
			d.Gap, d.GapEN = gap.Summary()
		}
	}
	return a.pages.render(w, r, status, "request_result", "超過勤務の実績報告 Overtime result", d)
}

func (a *App) pageResultCreate(w http.ResponseWriter, r *http.Request) error {
	f := readResultForm(r)
	req, err := a.resultRequest(r, f)
	if err == nil {
		err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
			_, err := tx.CreateRequest(r.Context(), req, true)
			return err
		})
	}
	if err != nil {
		if isFormError(err) || kintai.ErrorCode(err) == kintai.EFORBIDDEN {
			return a.renderResultForm(w, r, web.Status(kintai.ErrorCode(err)), 0, f, err)
		}
		return err
	}
	return redirect(w, r, "/requests", "実績を報告しました。 Result reported.")
}

// pageOrderDaikyu designates the 代休日 of a holiday-work order given with
// 代休 (代休日の指定), from the list of orders given.
func (a *App) pageOrderDaikyu(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	err = func() error {
		day, err := formDate("holiday_work.substitute_on", r.PostFormValue("day"))
		if err != nil {
			return err
		}
		return a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
			_, err := tx.DesignateDaikyu(r.Context(), id, day)
			return err
		})
	}()
	if err != nil {
		if isFormError(err) || kintai.ErrorCode(err) == kintai.EFORBIDDEN {
			return a.renderOrders(w, r, web.Status(kintai.ErrorCode(err)), orderForm{Kind: string(approval.KindHolidayWork), Day: a.today().String()}, err)
		}
		return err
	}
	return redirect(w, r, "/orders/new", "代休日を指定しました。 代休 day designated.")
}
