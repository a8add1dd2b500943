package app

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"kintai"
	"kintai/store"
	"kintai/web"
)

// Pages of the monthly close (月次締め): the confirmation state on the
// month sheet and the team month, and HR's close page.

// confirmLine is one staff member's confirmation state on a page.
type confirmLine struct {
	StaffID             int64
	StaffNo, Name, Unit string
	StaffAt             string // when the staff member confirmed; "" not yet
	SupervisorAt        string // when the supervisor confirmed; "" not yet
	Closed              bool
}

func (a *App) confirmLine(c store.MonthConfirmation, units map[int64]kintai.OrgUnit) confirmLine {
	return confirmLine{StaffID: c.StaffID, StaffNo: c.StaffNo, Name: c.Name, Unit: units[c.OrgUnitID].Name,
		StaffAt: a.shortTime(c.StaffConfirmedAt), SupervisorAt: a.shortTime(c.SupervisorConfirmedAt), Closed: c.Closed}
}

// shortTime formats t as 10月31日 17:30 in the organisation's zone.
func (a *App) shortTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	lt := t.In(a.cfg.Loc)
	return strconv.Itoa(int(lt.Month())) + "月" + strconv.Itoa(lt.Day()) + "日 " + lt.Format("15:04")
}

// monthCloseLine is the confirmation state shown on the month sheet.
type monthCloseLine struct {
	Self       bool
	MonthParam string
	confirmLine
}

// monthClose returns the confirmation state of target's month first.
func (a *App) monthClose(r *http.Request, target *kintai.Staff, first kintai.Date, self bool) (monthCloseLine, error) {
	out := monthCloseLine{Self: self, MonthParam: monthParam(first)}
	all, err := a.db.FindMonthConfirmations(r.Context(), first, []int64{target.OrgUnitID})
	if err != nil {
		return out, err
	}
	for _, c := range all {
		if c.StaffID == target.ID {
			out.confirmLine = a.confirmLine(c, nil)
		}
	}
	return out, nil
}

// teamCloseView is the confirmation state shown on the team month.
type teamCloseView struct {
	MonthParam string
	Unit       int64
	Lines      []confirmLine
	// Ready counts those who confirmed and wait for the supervisor.
	Ready, Unconfirmed, Closed int
}

// teamClose returns the confirmation state of the caller's scope within
// unit for month first.
func (a *App) teamClose(r *http.Request, first kintai.Date, unit int64, units map[int64]kintai.OrgUnit) (teamCloseView, error) {
	v := teamCloseView{MonthParam: monthParam(first), Unit: unit}
	st, err := a.monthCloseStatus(r, first, unit)
	if err != nil {
		return v, err
	}
	me := actorFrom(r).StaffID
	for _, c := range st.Staff {
		v.Lines = append(v.Lines, a.confirmLine(c, units))
		switch {
		case c.Closed:
			v.Closed++
		case !c.StaffConfirmedAt.IsZero() && c.SupervisorConfirmedAt.IsZero() && c.StaffID != me:
			v.Ready++
		}
		if !c.Confirmed() {
			v.Unconfirmed++
		}
	}
	return v, nil
}

// pageConfirmMonth confirms the caller's own month from the month sheet.
func (a *App) pageConfirmMonth(w http.ResponseWriter, r *http.Request) error {
	first, err := readMonth(postedForm(r)("month"), "month")
	if err != nil {
		return err
	}
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.ConfirmMonth(r.Context(), first) }); err != nil {
		return err
	}
	return redirect(w, r, "/my/month?month="+monthParam(first), monthLabel(first)+"の勤務実績を確認しました。")
}

// pageConfirmTeam confirms, as supervisor, the months of the staff in
// scope who confirmed theirs.
func (a *App) pageConfirmTeam(w http.ResponseWriter, r *http.Request) error {
	get := postedForm(r)
	first, err := readMonth(get("month"), "month")
	if err != nil {
		return err
	}
	var unit int64
	if s := get("org_unit_id"); s != "" {
		if unit, err = strconv.ParseInt(s, 10, 64); err != nil || unit <= 0 {
			return kintai.Invalid("org_unit_id", "org_unit_id が正しくありません。", "Invalid org_unit_id.")
		}
	}
	st, err := a.monthCloseStatus(r, first, unit)
	if err != nil {
		return err
	}
	me := actorFrom(r).StaffID
	var ids []int64
	for _, c := range st.Staff {
		if !c.Closed && !c.StaffConfirmedAt.IsZero() && c.SupervisorConfirmedAt.IsZero() && c.StaffID != me {
			ids = append(ids, c.StaffID)
		}
	}
	if len(ids) == 0 {
		return kintai.Invalid("staff_ids", "確認できる職員がいません（本人の確認がまだです）。", "No one to confirm: staff have not confirmed yet.")
	}
	if err := a.confirmTeam(r, first, ids); err != nil {
		return err
	}
	to := "/team/month?month=" + monthParam(first)
	if unit != 0 {
		to += "&org_unit_id=" + strconv.FormatInt(unit, 10)
	}
	return redirect(w, r, to, strconv.Itoa(len(ids))+"人の勤務実績を所属長として確認しました。")
}

// closeLine is one close on HR's page.
type closeLine struct {
	ID                 int64
	UnitID             int64
	Unit               string
	ClosedAt, Reason   string
	InForce            bool
	ReopenedAt, Reopen string
}

// unconfirmedGroup is the unconfirmed staff of one unit.
type unconfirmedGroup struct {
	Unit  string
	Lines []confirmLine
}

// closePageView is HR's monthly close page.
type closePageView struct {
	Month, MonthParam, Prev, Next string
	Units                         []unitRow
	Staff, Unconfirmed            int
	Groups                        []unconfirmedGroup
	Closes                        []closeLine
	FormUnit                      int64
	FormReason                    string
	err                           error
}

func (v closePageView) formErr() error { return v.err }

func (a *App) renderMonthClose(w http.ResponseWriter, r *http.Request, status int, first kintai.Date, unit int64, reason string, ferr error) error {
	ctx := r.Context()
	units, err := a.db.FindOrgUnits(ctx)
	if err != nil {
		return err
	}
	names := unitIndex(units)
	var scope []int64 // nil: everyone
	if roots, all := actorFrom(r).ScopeUnits(kintai.RoleHR); !all {
		tree, err := a.db.OrgTree(ctx)
		if err != nil {
			return err
		}
		scope = tree.Descendants(roots)
	}
	v := closePageView{Month: monthLabel(first), MonthParam: monthParam(first), Prev: monthParam(first.AddDays(-1)),
		Next: monthParam(monthEnd(first).AddDays(1)), FormUnit: unit, FormReason: reason, err: ferr}
	for _, u := range treeRows(units) {
		if scope == nil || slices.Contains(scope, u.ID) {
			v.Units = append(v.Units, u)
		}
	}
	var all []store.MonthConfirmation
	if scope == nil || len(scope) > 0 {
		if all, err = a.db.FindMonthConfirmations(ctx, first, scope); err != nil {
			return err
		}
	}
	v.Staff = len(all)
	byUnit := map[int64]int{}
	for _, c := range all {
		if c.Confirmed() {
			continue
		}
		v.Unconfirmed++
		i, ok := byUnit[c.OrgUnitID]
		if !ok {
			i = len(v.Groups)
			byUnit[c.OrgUnitID] = i
			v.Groups = append(v.Groups, unconfirmedGroup{Unit: names[c.OrgUnitID].Name})
		}
		v.Groups[i].Lines = append(v.Groups[i].Lines, a.confirmLine(c, names))
	}
	closes, err := a.db.FindMonthCloses(ctx, first)
	if err != nil {
		return err
	}
	for _, c := range closes {
		l := closeLine{ID: c.ID, UnitID: c.OrgUnitID, Unit: "全体 (everyone)", ClosedAt: a.shortTime(c.ClosedAt), Reason: c.CloseReason,
			InForce: c.InForce(), ReopenedAt: a.shortTime(c.ReopenedAt), Reopen: c.ReopenReason}
		if c.OrgUnitID != 0 {
			l.Unit = names[c.OrgUnitID].Name
		}
		v.Closes = append(v.Closes, l)
	}
	return a.pages.render(w, r, status, "month_close", "月次締め", v)
}

// pageMonthClose is HR's monthly close page: the unconfirmed staff by
// unit, and the forms to close and reopen.
func (a *App) pageMonthClose(w http.ResponseWriter, r *http.Request) error {
	first, err := parseMonth(r.URL.Query().Get("month"), a.today())
	if err != nil {
		return err
	}
	return a.renderMonthClose(w, r, http.StatusOK, first, 0, "", nil)
}

// pageMonthClosePost closes (action=close) or reopens (action=reopen) a
// month from HR's page.
func (a *App) pageMonthClosePost(w http.ResponseWriter, r *http.Request) error {
	get := postedForm(r)
	first, err := readMonth(get("month"), "month")
	if err != nil {
		return err
	}
	in := closeInput{Reason: get("reason"), Force: get("force") != ""}
	if s := get("org_unit_id"); s != "" {
		if in.OrgUnitID, err = strconv.ParseInt(s, 10, 64); err != nil || in.OrgUnitID < 0 {
			return kintai.Invalid("org_unit_id", "org_unit_id が正しくありません。", "Invalid org_unit_id.")
		}
	}
	var flash string
	switch get("action") {
	case "close":
		_, err = a.closeMonth(r, first, in)
		flash = monthLabel(first) + "を締めました。"
	case "reopen":
		_, err = a.reopenMonth(r, first, in)
		flash = monthLabel(first) + "の締めを解除しました。"
	default:
		return kintai.Invalid("action", "action は close か reopen です。", "action must be close or reopen.")
	}
	if isFormError(err) {
		return a.renderMonthClose(w, r, web.Status(kintai.ErrorCode(err)), first, in.OrgUnitID, in.Reason, err)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/months/close?month="+monthParam(first), flash)
}
