package app

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"kintai"
	"kintai/approval"
	"kintai/store"
	"kintai/web"
)

// The pages around approval: the in-app notifications (通知), the list of
// overdue requests (滞留), HR's approval settings and approval routes.

// notificationLine is a notification as the page shows it, with where it
// leads.
type notificationLine struct {
	store.Notification
	At, Link string
}

func (a *App) pageNotifications(w http.ResponseWriter, r *http.Request) error {
	ns, err := a.db.FindNotifications(r.Context(), actorFrom(r).StaffID, false)
	if err != nil {
		return err
	}
	lines := make([]notificationLine, 0, len(ns))
	for _, n := range ns {
		lines = append(lines, notificationLine{Notification: n, At: n.CreatedAt.In(a.cfg.Loc).Format("2006-01-02 15:04"), Link: n.Path()})
	}
	return a.pages.render(w, r, http.StatusOK, "notifications", "通知 Notifications", lines)
}

func (a *App) pageNotificationRead(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.MarkNotificationRead(r.Context(), id) }); err != nil {
		return err
	}
	return redirect(w, r, "/notifications", "")
}

func (a *App) pageNotificationsReadAll(w http.ResponseWriter, r *http.Request) error {
	var n int64
	err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) (err error) {
		n, err = tx.MarkAllNotificationsRead(r.Context())
		return err
	})
	if err != nil {
		return err
	}
	return redirect(w, r, "/notifications", fmt.Sprintf("%d件を既読にしました。 Marked read.", n))
}

// overdueLine is an overdue request as the page shows it.
type overdueLine struct {
	approval.OverdueRequest
	Staff, Approvers string
}

func (a *App) pageOverdue(w http.ResponseWriter, r *http.Request) error {
	over, err := a.overdueLines(r)
	if err != nil {
		return err
	}
	s, err := a.db.FindApprovalSettings(r.Context())
	if err != nil {
		return err
	}
	name := a.names(r.Context())
	lines := make([]overdueLine, 0, len(over))
	for _, o := range over {
		l := overdueLine{OverdueRequest: o, Staff: name(o.StaffID)}
		var ns []string
		for _, id := range o.Approvers {
			ns = append(ns, name(id))
		}
		l.Approvers = strings.Join(ns, "、")
		lines = append(lines, l)
	}
	return a.pages.render(w, r, http.StatusOK, "approvals_overdue", "滞留している申請 Overdue requests",
		struct {
			Lines    []overdueLine
			Settings approval.Settings
		}{lines, s.Settings})
}

// approvalSettingsPage is what the approval settings page shows.
type approvalSettingsPage struct {
	Values approval.Settings
	// Numbers are the number fields as typed (or stored), by form name.
	Numbers  map[string]string
	Defaults approval.Settings
	Saved    string // when last saved, "" while the defaults apply
	err      error
}

func (d approvalSettingsPage) formErr() error { return d.err }

// settingNumbers are the number fields of the settings form.
var settingNumbers = []struct {
	name   string
	field  func(*approval.Settings) *int
	ja, en string
}{
	{"gap_threshold_min", func(s *approval.Settings) *int { return &s.GapThresholdMin }, "乖離の基準", "gap_threshold_min"},
	{"escalate_after_days", func(s *approval.Settings) *int { return &s.EscalateAfterDays }, "エスカレーションまでの日数", "escalate_after_days"},
	{"furikae_before_days", func(s *approval.Settings) *int { return &s.FurikaeBeforeDays }, "振替の期間（前）", "furikae_before_days"},
	{"furikae_after_days", func(s *approval.Settings) *int { return &s.FurikaeAfterDays }, "振替の期間（後）", "furikae_after_days"},
	{"daikyu_after_days", func(s *approval.Settings) *int { return &s.DaikyuAfterDays }, "代休の期間", "daikyu_after_days"},
}

func (a *App) pageApprovalSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := a.db.FindApprovalSettings(r.Context())
	if err != nil {
		return err
	}
	d := approvalSettingsPage{Values: s.Settings, Numbers: map[string]string{}, Defaults: approval.DefaultSettings()}
	for _, f := range settingNumbers {
		d.Numbers[f.name] = strconv.Itoa(*f.field(&s.Settings))
	}
	if !s.UpdatedAt.IsZero() {
		d.Saved = s.UpdatedAt.In(a.cfg.Loc).Format("2006-01-02 15:04")
	}
	return a.pages.render(w, r, http.StatusOK, "approval_settings", "承認の設定 Approval settings", d)
}

func (a *App) pageApprovalSettingsSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return kintai.Invalid("settings", "フォームを読めません。", "Cannot read the form.")
	}
	d := approvalSettingsPage{Numbers: map[string]string{}, Defaults: approval.DefaultSettings()}
	s := &d.Values
	s.EscalateOpenDaysOnly = r.PostFormValue("escalate_open_days_only") != ""
	s.CancelApproved = r.PostFormValue("cancel_approved") != ""
	s.ResultWithoutOrder = r.PostFormValue("result_without_order") != ""
	for _, f := range settingNumbers {
		v := strings.TrimSpace(r.PostFormValue(f.name))
		d.Numbers[f.name] = v
		n, err := strconv.Atoi(v)
		if err != nil && d.err == nil {
			d.err = kintai.Invalid(f.name, f.ja+"は半角の整数で入力してください。", f.en+" must be a whole number.")
		}
		*f.field(s) = n
	}
	if d.err == nil {
		d.err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
			_, err := tx.SaveApprovalSettings(r.Context(), *s)
			return err
		})
	}
	if d.err != nil {
		if isFormError(d.err) {
			return a.pages.render(w, r, web.Status(kintai.ErrorCode(d.err)), "approval_settings", "承認の設定 Approval settings", d)
		}
		return d.err
	}
	return redirect(w, r, "/settings/approval", "保存しました。 Saved.")
}

// routeStepRows is how many step rows the route form offers.
const routeStepRows = 5

// stepRow is one step of the route form, as typed.
type stepRow struct {
	Name, By, Level, StaffNos, OvertimeOver, LeaveOver string
}

// routeLine is a configured route as the page shows it.
type routeLine struct {
	approval.Route
	Unit, KindLabel string
	Steps           []string
}

// routesPage is what the approval routes page shows.
type routesPage struct {
	Routes []routeLine
	Units  []kintai.OrgUnit
	Kinds  []approval.Kind
	By     []approval.ApproverBy
	Levels []kintai.OrgUnitKind
	// The form: a route for OrgUnitID and Kind replaces the one there is.
	OrgUnitID, Kind, Name string
	Rows                  []stepRow
	err                   error
}

func (d routesPage) formErr() error { return d.err }

// routeKinds are the kinds a route may be for: every request kind but
// orders, which take no route.
func routeKinds() []approval.Kind {
	var out []approval.Kind
	for _, k := range approval.Kinds {
		if !k.Order() {
			out = append(out, k)
		}
	}
	return out
}

func (a *App) pageApprovalRoutes(w http.ResponseWriter, r *http.Request) error {
	d := routesPage{Name: "", Rows: make([]stepRow, routeStepRows)}
	d.Rows[0] = stepRow{Name: "係長", By: string(approval.ByUnit), Level: string(kintai.Team)}
	d.Rows[1] = stepRow{Name: "課長", By: string(approval.ByUnit), Level: string(kintai.Section), OvertimeOver: "120"}
	return a.renderRoutes(w, r, http.StatusOK, d)
}

func (a *App) renderRoutes(w http.ResponseWriter, r *http.Request, status int, d routesPage) error {
	routes, err := a.db.FindApprovalRoutes(r.Context())
	if err != nil {
		return err
	}
	if d.Units, err = a.db.FindOrgUnits(r.Context()); err != nil {
		return err
	}
	unitName := map[int64]string{0: "全体 (whole organisation)"}
	for _, u := range d.Units {
		unitName[u.ID] = u.Name
	}
	name := a.names(r.Context())
	for _, rt := range routes {
		l := routeLine{Route: rt, Unit: unitName[rt.OrgUnitID], KindLabel: "すべての種類 (every kind)"}
		if rt.Kind != "" {
			l.KindLabel = rt.Kind.Label()
		}
		for _, st := range rt.Steps {
			text := st.Name + "（" + st.By.Label()
			if st.Level != "" {
				text += "・" + st.Level.Label()
			}
			if len(st.StaffIDs) > 0 {
				var ns []string
				for _, id := range st.StaffIDs {
					ns = append(ns, name(id))
				}
				text += "・" + strings.Join(ns, "、")
			}
			text += "）"
			if c := st.If; c != nil && c.OvertimeMinOver != nil {
				text += fmt.Sprintf(" 超過勤務が%d分を超えるとき", *c.OvertimeMinOver)
			}
			if c := st.If; c != nil && c.LeaveDaysOver != nil {
				text += fmt.Sprintf(" 休暇が%d日を超えるとき", *c.LeaveDaysOver)
			}
			l.Steps = append(l.Steps, text)
		}
		d.Routes = append(d.Routes, l)
	}
	d.Kinds = routeKinds()
	d.By = []approval.ApproverBy{approval.ByUnit, approval.ByNearest, approval.ByHR, approval.ByStaff}
	d.Levels = []kintai.OrgUnitKind{kintai.Team, kintai.Section, kintai.Department}
	return a.pages.render(w, r, status, "approval_routes", "承認ルート Approval routes", d)
}

// routeFromForm reads the route of the form.
func (a *App) routeFromForm(r *http.Request, d *routesPage) (approval.Route, error) {
	rt := approval.Route{Kind: approval.Kind(d.Kind), Name: strings.TrimSpace(d.Name)}
	if d.OrgUnitID != "" && d.OrgUnitID != "0" {
		id, err := strconv.ParseInt(d.OrgUnitID, 10, 64)
		if err != nil {
			return rt, kintai.Invalid("org_unit_id", "所属を選んでください。", "Choose the org unit.")
		}
		rt.OrgUnitID = id
	}
	for i, row := range d.Rows {
		if strings.TrimSpace(row.Name) == "" && row.StaffNos == "" {
			continue
		}
		field := fmt.Sprintf("steps[%d]", len(rt.Steps))
		st := approval.Step{Name: strings.TrimSpace(row.Name), By: approval.ApproverBy(row.By)}
		if st.By == approval.ByUnit {
			st.Level = kintai.OrgUnitKind(row.Level)
		}
		for _, no := range strings.FieldsFunc(row.StaffNos, func(c rune) bool { return c == ',' || c == '、' || c == ' ' }) {
			s, err := a.db.FindStaffByNo(r.Context(), no)
			if err != nil {
				return rt, kintai.Invalid(field+".staff_ids", fmt.Sprintf("%d段目: 職員番号 %s の職員はいません。", i+1, no), fmt.Sprintf("Step %d: no staff member has number %s.", i+1, no))
			}
			st.StaffIDs = append(st.StaffIDs, s.ID)
		}
		var cond approval.Condition
		for _, c := range []struct {
			v    string
			into **int
			ja   string
		}{{row.OvertimeOver, &cond.OvertimeMinOver, "超過勤務の分数"}, {row.LeaveOver, &cond.LeaveDaysOver, "休暇の日数"}} {
			if strings.TrimSpace(c.v) == "" {
				continue
			}
			n, err := strconv.Atoi(strings.TrimSpace(c.v))
			if err != nil {
				return rt, kintai.Invalid(field+".if", fmt.Sprintf("%d段目: %sは整数で入力してください。", i+1, c.ja), fmt.Sprintf("Step %d: the condition must be a whole number.", i+1))
			}
			*c.into = &n
		}
		if cond.OvertimeMinOver != nil || cond.LeaveDaysOver != nil {
			st.If = &cond
		}
		rt.Steps = append(rt.Steps, st)
	}
	return rt, nil
}

func (a *App) pageApprovalRouteSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return kintai.Invalid("routes", "フォームを読めません。", "Cannot read the form.")
	}
	v := r.PostFormValue
	d := routesPage{OrgUnitID: v("org_unit_id"), Kind: v("kind"), Name: v("name"), Rows: make([]stepRow, routeStepRows)}
	for i := range d.Rows {
		n := strconv.Itoa(i)
		d.Rows[i] = stepRow{Name: v("step_name_" + n), By: v("step_by_" + n), Level: v("step_level_" + n), StaffNos: v("step_staff_" + n),
			OvertimeOver: v("step_ot_over_" + n), LeaveOver: v("step_leave_over_" + n)}
	}
	err := func() error {
		rt, err := a.routeFromForm(r, &d)
		if err != nil {
			return err
		}
		return a.saveRoutes(r, func(routes []approval.Route) []approval.Route {
			i := slices.IndexFunc(routes, func(x approval.Route) bool { return x.OrgUnitID == rt.OrgUnitID && x.Kind == rt.Kind })
			if i >= 0 {
				routes[i] = rt
				return routes
			}
			return append(routes, rt)
		})
	}()
	if err != nil {
		if isFormError(err) {
			d.err = err
			return a.renderRoutes(w, r, web.Status(kintai.ErrorCode(err)), d)
		}
		return err
	}
	return redirect(w, r, "/settings/approval-routes", "承認ルートを保存しました。 Route saved.")
}

func (a *App) pageApprovalRouteDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	err = a.saveRoutes(r, func(routes []approval.Route) []approval.Route {
		return slices.DeleteFunc(routes, func(x approval.Route) bool { return x.ID == id })
	})
	if err != nil {
		return err
	}
	return redirect(w, r, "/settings/approval-routes", "承認ルートを削除しました。 Route deleted.")
}

// saveRoutes replaces the routes with what change makes of them, in one
// transaction.
func (a *App) saveRoutes(r *http.Request, change func([]approval.Route) []approval.Route) error {
	return a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		routes, err := tx.FindApprovalRoutes(r.Context())
		if err != nil {
			return err
		}
		_, err = tx.SaveApprovalRoutes(r.Context(), change(routes))
		return err
	})
}
