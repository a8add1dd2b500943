package app

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"kintai"
	"kintai/calendar"
	"kintai/leave"
	"kintai/store"
	"kintai/web"
)

// The leave settings page (/settings/leave): HR edits the entity's leave
// types (休暇の種類) — offered or not, name, units, limit (a simple one or
// the days of each case), pay, the part of the year they may be taken in
// and who may take them — and the half-day and carry-over settings. What
// the form does not show (notes, the period of a limit by case) is kept
// as stored; the JSON API (PUT /api/v1/leave-settings) edits everything.

// leaveUnitChoices are the units the form offers, in order.
var leaveUnitChoices = []leave.Unit{leave.UnitDay, leave.UnitHalfDay, leave.UnitHour, leave.UnitQuarterHour}

// leavePeriodChoices are the periods a simple limit may be counted over.
var leavePeriodChoices = []struct {
	Period leave.Period
	Label  string
}{
	{leave.PerCalendarYear, "暦年 (calendar year)"},
	{leave.PerFiscalYear, "年度 (fiscal year)"},
	{leave.PerEvent, "事由ごと (per event)"},
}

// leaveTypeRow is one leave type as the form shows it.
type leaveTypeRow struct {
	leave.Type
	// LimitDays is the limit typed, "" for none; Simple is false for a
	// limit by case, whose days Cases hold as typed.
	LimitDays string
	Simple    bool
	Cases     []leaveCaseRow
	Builtin   bool
	// WindowFrom and WindowTo are the window as typed ("7/1"), "" for
	// none.
	WindowFrom, WindowTo string
}

// leaveCaseRow is one case of a limit by case, its days as typed.
type leaveCaseRow struct {
	Code, Name, Days string
}

// EligibleHas reports whether e is listed as eligible, for the template
// (none listed: everyone).
func (r leaveTypeRow) EligibleHas(e kintai.EmploymentType) bool {
	return slices.Contains(r.Eligible, e)
}

// leaveSettingsPage is what the page shows.
type leaveSettingsPage struct {
	Rows    []leaveTypeRow
	Units   []leave.Unit
	Periods []struct {
		Period leave.Period
		Label  string
	}
	Employment               []kintai.EmploymentType
	MorningMin, CarryMaxDays string
	// MorningEnd is when a morning half day ends ("12:15"), "" for the
	// first break.
	MorningEnd string
	// New is the type being added, as typed.
	New struct {
		Code, Name, LimitDays, Period string
		Units                         []leave.Unit
		Paid                          bool
	}
	Saved string
	err   error
}

func (d leaveSettingsPage) formErr() error { return d.err }

// HasUnit reports whether units holds u, for the template.
func (leaveSettingsPage) HasUnit(units []leave.Unit, u leave.Unit) bool {
	return slices.Contains(units, u)
}

func (a *App) leaveSettingsView(c store.LeaveConfig) leaveSettingsPage {
	d := leaveSettingsPage{Units: leaveUnitChoices, Periods: leavePeriodChoices, Employment: kintai.EmploymentTypes,
		MorningMin: strconv.Itoa(c.Settings.MorningMin), CarryMaxDays: strconv.Itoa(c.Settings.CarryMaxDays)}
	if m := c.Settings.MorningEndMin; m > 0 {
		d.MorningEnd = fmt.Sprintf("%02d:%02d", m/60, m%60)
	}
	builtin := map[string]bool{}
	for _, t := range leave.DefaultTypes() {
		builtin[t.Code] = true
	}
	for _, t := range c.Types {
		row := leaveTypeRow{Type: t, Simple: t.Limit == nil || len(t.Limit.Cases) == 0, Builtin: builtin[t.Code]}
		if t.Limit != nil && len(t.Limit.Cases) == 0 && t.Limit.Days > 0 {
			row.LimitDays = strconv.Itoa(t.Limit.Days)
		}
		if t.Limit != nil {
			for _, cs := range t.Limit.Cases {
				row.Cases = append(row.Cases, leaveCaseRow{Code: cs.Code, Name: cs.Name, Days: strconv.Itoa(cs.Days)})
			}
		}
		if w := t.Window; w != nil {
			row.WindowFrom, row.WindowTo = monthDayText(w.From), monthDayText(w.To)
		}
		d.Rows = append(d.Rows, row)
	}
	if !c.UpdatedAt.IsZero() {
		d.Saved = c.UpdatedAt.In(a.cfg.Loc).Format("2006-01-02 15:04")
	}
	return d
}

func (a *App) pageLeaveSettings(w http.ResponseWriter, r *http.Request) error {
	c, err := a.db.FindLeaveConfig(r.Context())
	if err != nil {
		return err
	}
	return a.pages.render(w, r, http.StatusOK, "leave_settings", "休暇の種類と設定 Leave types and settings", a.leaveSettingsView(c))
}

// formUnits reads the unit checkboxes named prefix+unit.
func formUnits(r *http.Request, prefix string) []leave.Unit {
	var out []leave.Unit
	for _, u := range leaveUnitChoices {
		if r.PostFormValue(prefix+string(u)) != "" {
			out = append(out, u)
		}
	}
	return out
}

// formDays reads a whole number of days, "" for none.
func formDays(field, v, ja string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, kintai.Invalid(field, ja+"は0以上の半角の整数で入力してください。", field+" must be a whole number of 0 or more.")
	}
	return n, nil
}

func (a *App) pageLeaveSettingsSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return kintai.Invalid("settings", "フォームを読めません。", "Cannot read the form.")
	}
	c, err := a.db.FindLeaveConfig(r.Context())
	if err != nil {
		return err
	}
	err = a.leaveSettingsFromForm(r, &c)
	if err == nil {
		err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.SaveLeaveConfig(r.Context(), &c) })
	}
	if err != nil {
		if !isFormError(err) {
			return err
		}
		// Show what was typed, with the error by its field.
		d := a.leaveSettingsView(c)
		d.MorningMin, d.CarryMaxDays = r.PostFormValue("morning_min"), r.PostFormValue("carry_max_days")
		d.MorningEnd = r.PostFormValue("morning_end")
		for i := range d.Rows {
			row := &d.Rows[i]
			row.LimitDays = r.PostFormValue("limit_" + row.Code)
			row.WindowFrom, row.WindowTo = r.PostFormValue("window_from_"+row.Code), r.PostFormValue("window_to_"+row.Code)
			for j := range row.Cases {
				row.Cases[j].Days = r.PostFormValue("case_" + row.Code + "_" + row.Cases[j].Code)
			}
		}
		d.New.Code, d.New.Name, d.New.LimitDays = r.PostFormValue("new_code"), r.PostFormValue("new_name"), r.PostFormValue("new_limit_days")
		d.New.Period, d.New.Units, d.New.Paid = r.PostFormValue("new_period"), formUnits(r, "new_unit_"), r.PostFormValue("new_paid") != ""
		d.err = err
		return a.pages.render(w, r, web.Status(kintai.ErrorCode(err)), "leave_settings", "休暇の種類と設定 Leave types and settings", d)
	}
	a.leaveTypes.Lock()
	a.leaveTypes.cfg = nil
	a.leaveTypes.Unlock()
	return redirect(w, r, "/settings/leave", "保存しました。 Saved.")
}

// leaveSettingsFromForm applies the form to c: each listed type's
// offered flag, name, units, simple limit and pay, the new type if one is
// named, and the settings.
func (a *App) leaveSettingsFromForm(r *http.Request, c *store.LeaveConfig) error {
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	for i := range c.Types {
		t := &c.Types[i]
		if r.PostFormValue("listed_"+t.Code) == "" {
			continue // not on the form that was sent
		}
		t.Disabled = r.PostFormValue("enabled_"+t.Code) == ""
		if name := v("name_" + t.Code); name != "" {
			t.Name = name
		}
		t.Units = formUnits(r, "unit_"+t.Code+"_")
		t.Paid = r.PostFormValue("paid_"+t.Code) != ""
		if t.Limit != nil {
			for j := range t.Limit.Cases {
				cs := &t.Limit.Cases[j]
				days, err := formDays("types."+t.Code+".cases."+cs.Code, r.PostFormValue("case_"+t.Code+"_"+cs.Code), t.Name+"（"+cs.Name+"）の日数")
				if err != nil {
					return err
				}
				cs.Days = days
			}
		}
		w, err := formWindow("types."+t.Code+".window", v("window_from_"+t.Code), v("window_to_"+t.Code), t.Name)
		if err != nil {
			return err
		}
		t.Window = w
		t.Eligible = nil
		for _, e := range kintai.EmploymentTypes {
			if r.PostFormValue("eligible_"+t.Code+"_"+string(e)) != "" {
				t.Eligible = append(t.Eligible, e)
			}
		}
		if t.Limit == nil || len(t.Limit.Cases) == 0 {
			days, err := formDays("types."+t.Code+".limit", r.PostFormValue("limit_"+t.Code), t.Name+"の上限日数")
			if err != nil {
				return err
			}
			switch {
			case days == 0 && t.Limit != nil && t.Limit.Min == 0:
				t.Limit = nil
			case days > 0 && t.Limit == nil:
				t.Limit = &leave.Limit{Days: days, Period: leave.PerCalendarYear}
			case days > 0:
				t.Limit.Days = days
			}
		}
	}
	if code := v("new_code"); code != "" || v("new_name") != "" {
		t := leave.Type{Code: code, Name: v("new_name"), Category: leave.Special, Units: formUnits(r, "new_unit_"), Paid: r.PostFormValue("new_paid") != ""}
		days, err := formDays("new_limit_days", r.PostFormValue("new_limit_days"), "追加する休暇の上限日数")
		if err != nil {
			return err
		}
		if days > 0 {
			per := leave.Period(v("new_period"))
			if !slices.ContainsFunc(leavePeriodChoices, func(p struct {
				Period leave.Period
				Label  string
			}) bool {
				return p.Period == per
			}) {
				return kintai.Invalid("new_period", "上限を数える期間を選んでください。", "Choose the period the limit is counted over.")
			}
			t.Limit = &leave.Limit{Days: days, Period: per}
		}
		if slices.ContainsFunc(c.Types, func(x leave.Type) bool { return x.Code == t.Code }) {
			return kintai.Invalid("new_code", fmt.Sprintf("コード %s の休暇は既にあります。", t.Code), fmt.Sprintf("A leave type %s exists already.", t.Code))
		}
		if err := t.Validate(); err != nil {
			return kintai.PrefixField(err, "new_")
		}
		c.Types = append(c.Types, t)
	}
	morning, err := formDays("settings.morning_min", r.PostFormValue("morning_min"), "午前半日の分数")
	if err != nil {
		return err
	}
	carry, err := formDays("settings.carry_max_days", r.PostFormValue("carry_max_days"), "繰越の上限日数")
	if err != nil {
		return err
	}
	c.Settings.MorningMin, c.Settings.CarryMaxDays = morning, carry
	c.Settings.MorningEndMin = 0
	if end := v("morning_end"); end != "" {
		m, ok := parseClock(end)
		if !ok || m <= 0 || m >= 24*60 {
			return kintai.Invalid("settings.morning_end_min", "午前半日の終わりは 12:15 のように時刻で入力してください。", "Give the end of the morning half day as a time, such as 12:15.")
		}
		c.Settings.MorningEndMin = m
	}
	return nil
}

// monthDayText shows a day of the year as the form takes it ("7/1").
func monthDayText(md calendar.MonthDay) string { return fmt.Sprintf("%d/%d", md.Month, md.Day) }

// formWindow reads the part of the year a type may be taken in: both
// ends, or neither for the whole year.
func formWindow(field, from, to, name string) (*leave.Window, error) {
	if from == "" && to == "" {
		return nil, nil
	}
	f, err1 := parseMonthDay(field, from)
	t, err2 := parseMonthDay(field, to)
	w := &leave.Window{From: f, To: t}
	if err1 != nil || err2 != nil || !w.Valid() {
		return nil, kintai.Invalid(field, name+"の取得期間は 7/1 と 9/30 のように始めと終わりの両方を月/日で入力してください（通年なら両方空欄）。",
			"Give both ends of the window as month/day, such as 7/1 and 9/30, or neither for the whole year.")
	}
	return w, nil
}
