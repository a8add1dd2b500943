package app

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"kintai"
	"kintai/leave"
	"kintai/store"
	"kintai/web"
)

// Pages of leave balances (休暇の残日数): the staff member's own, and HR's
// page with the ledger of a staff member, manual grants and their
// revocation, and the five-day alert list.

// leaveView is a staff member's leave as the pages show it.
type leaveView struct {
	Staff *kintai.Staff
	store.StaffLeave
}

// leavePage is the data of the HR page.
type leavePage struct {
	Query   string
	Found   []kintai.Staff
	Ledger  *leaveView
	Alerts  []leaveAlertLine
	Values  leaveGrantForm
	Balance []leave.Category
	err     error
}

func (d leavePage) formErr() error { return d.err }

type leaveAlertLine struct {
	Staff kintai.Staff
	Alert leave.Alert
}

type leaveGrantForm struct {
	StaffID                                          int64
	Balance, Days, Hours, GrantedOn, ExpiresOn, Note string
	Carried                                          bool
}

func (a *App) pageMyLeave(w http.ResponseWriter, r *http.Request) error {
	me := identityFrom(r.Context()).staff
	sl, err := a.db.StaffLeave(r.Context(), me.ID, a.today())
	if err != nil {
		return err
	}
	return a.pages.render(w, r, http.StatusOK, "my_leave", "休暇の残日数 Leave balances", leaveView{Staff: me, StaffLeave: sl})
}

func (a *App) pageLeave(w http.ResponseWriter, r *http.Request) error {
	d := leavePage{Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	if v := r.URL.Query().Get("staff"); v != "" {
		id, _ := strconv.ParseInt(v, 10, 64)
		d.Values.StaffID = id
	}
	return a.renderLeave(w, r, http.StatusOK, d)
}

func (a *App) renderLeave(w http.ResponseWriter, r *http.Request, status int, d leavePage) error {
	ctx := r.Context()
	today := a.today()
	d.Balance = store.LeaveBalances
	if d.Query != "" {
		found, _, err := a.db.FindStaff(ctx, store.StaffFilter{Query: d.Query, Limit: 20})
		if err != nil {
			return err
		}
		d.Found = found
	}
	if d.Values.StaffID != 0 {
		s, err := a.staffInScope(r, d.Values.StaffID, kintai.RoleHR)
		if err != nil {
			return err
		}
		sl, err := a.db.StaffLeave(ctx, s.ID, today)
		if err != nil {
			return err
		}
		d.Ledger = &leaveView{Staff: s, StaffLeave: sl}
	}
	alerts, err := a.leaveAlerts(r, today)
	if err != nil {
		return err
	}
	d.Alerts = alerts
	return a.pages.render(w, r, status, "leave", "休暇管理 Leave", d)
}

// leaveAlerts returns the staff in the caller's HR scope with the
// five-day alert (fewer than 5 days of annual leave taken in the year).
func (a *App) leaveAlerts(r *http.Request, today kintai.Date) ([]leaveAlertLine, error) {
	staff, err := a.db.FindStaffActive(r.Context(), today, today)
	if err != nil {
		return nil, err
	}
	tree, err := a.db.OrgTree(r.Context())
	if err != nil {
		return nil, err
	}
	actor := actorFrom(r)
	var ids []int64
	for _, s := range staff {
		if actor.Can(kintai.RoleHR, s.OrgUnitID, tree) {
			ids = append(ids, s.ID)
		}
	}
	alerts, err := a.db.FiveDayAlerts(r.Context(), ids, today)
	if err != nil {
		return nil, err
	}
	var out []leaveAlertLine
	for _, s := range staff {
		if al, ok := alerts[s.ID]; ok {
			out = append(out, leaveAlertLine{Staff: s, Alert: al})
		}
	}
	return out, nil
}

func (a *App) pageLeaveGrant(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return kintai.Invalid("amount", "フォームを読めません。", "Cannot read the form.")
	}
	f := leaveGrantForm{Balance: r.PostFormValue("balance"), Days: r.PostFormValue("days"), Hours: r.PostFormValue("hours"),
		GrantedOn: r.PostFormValue("granted_on"), ExpiresOn: r.PostFormValue("expires_on"), Note: strings.TrimSpace(r.PostFormValue("note")),
		Carried: r.PostFormValue("carried") != ""}
	f.StaffID, _ = strconv.ParseInt(r.PostFormValue("staff_id"), 10, 64)
	err := func() error {
		s, err := a.staffInScope(r, f.StaffID, kintai.RoleHR)
		if err != nil {
			return err
		}
		in := leaveGrantInput{Balance: leave.Category(f.Balance), Carried: f.Carried, Reason: f.Note}
		if in.Amount.Days, err = formInt("days", f.Days); err != nil {
			return err
		}
		hours, err := formInt("hours", f.Hours)
		if err != nil {
			return err
		}
		in.Amount.Min = hours * 60
		if in.GrantedOn, err = formDate("granted_on", f.GrantedOn); err != nil {
			return err
		}
		if f.ExpiresOn != "" {
			if in.ExpiresOn, err = formDate("expires_on", f.ExpiresOn); err != nil {
				return err
			}
		}
		_, err = a.addLeaveGrant(r, s.ID, in)
		return err
	}()
	if err != nil {
		if isFormError(err) {
			return a.renderLeave(w, r, http.StatusBadRequest, leavePage{Values: f, err: err})
		}
		return err
	}
	return redirect(w, r, "/leave?staff="+strconv.FormatInt(f.StaffID, 10), "付与を登録しました。 Grant added.")
}

// formInt reads a whole number of a form, blank being 0.
func formInt(field, v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, kintai.Invalid(field, "0以上の整数を入力してください。", "Enter a whole number, 0 or more.")
	}
	return n, nil
}

// pageLeaveGrantRevoke revokes a grant from the staff member's ledger with
// a reason (a grant given by mistake); the row stays, marked 取消済.
func (a *App) pageLeaveGrantRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return kintai.Invalid("reason", "フォームを読めません。", "Cannot read the form.")
	}
	staffID, _ := strconv.ParseInt(r.PostFormValue("staff_id"), 10, 64)
	s, err := a.staffInScope(r, staffID, kintai.RoleHR)
	if err != nil {
		return err
	}
	grants, err := a.db.FindLeaveGrants(r.Context(), s.ID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(grants, func(g store.LeaveGrant) bool { return g.ID == id }) {
		return kintai.NotFound("付与", "Grant")
	}
	err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		_, err := tx.RevokeLeaveGrant(r.Context(), id, strings.TrimSpace(r.PostFormValue("reason")))
		return err
	})
	if err != nil {
		if isFormError(err) {
			return a.renderLeave(w, r, web.Status(kintai.ErrorCode(err)), leavePage{Values: leaveGrantForm{StaffID: s.ID}, err: err})
		}
		return err
	}
	return redirect(w, r, "/leave?staff="+strconv.FormatInt(s.ID, 10), "付与を取り消しました。 Grant revoked.")
}
