package app

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"kintai"
	"kintai/punch"
	"kintai/store"
	"kintai/web"
)

// The punch pages: the staff member's punch page (打刻) and month of
// punches (打刻履歴), and the supervisor's live board (在席状況).

var kindLabelsEN = map[punch.Kind]string{
	punch.ClockIn: "Clock in", punch.ClockOut: "Clock out", punch.BreakStart: "Break start",
	punch.BreakEnd: "Break end", punch.GoOut: "Go out", punch.Return: "Return",
}

var weekdaysJA = [...]string{"日", "月", "火", "水", "木", "金", "土"}

// punchButton is one button of the punch page.
type punchButton struct {
	Kind    punch.Kind
	Label   string
	LabelEN string
	// After is the state label the staff member is in after this punch,
	// shown at once by the page's script.
	After string
}

// punchLine is one punch as the pages show it.
type punchLine struct {
	ID         int64
	Time       string // HH:MM in the organisation's zone, "翌" for the next calendar day
	Kind       string
	Method     string
	Location   string // 勤務場所 when not the usual workplace
	Tags       []string
	Superseded bool // replaced by a correction (修正)
}

// punchPage is what the punch page shows.
type punchPage struct {
	Date       string // 2026年6月2日（火）
	Clock      string // HH:MM:SS, the server's time when the page was made
	ServerMS   int64  // the same instant for the script's clock
	Zone       string
	State      punch.State
	StateLabel string
	Buttons    []punchButton
	Locations  []punch.WorkLocation
	Location   punch.WorkLocation // preselected
	Today      []punchLine
	FlagLabels string // JSON object flag → label, for the script's messages
	err        error
}

func (d punchPage) formErr() error { return d.err }

func (a *App) pagePunch(w http.ResponseWriter, r *http.Request) error {
	return a.renderPunch(w, r, http.StatusOK, nil)
}

func (a *App) renderPunch(w http.ResponseWriter, r *http.Request, status int, ferr error) error {
	me := identityFrom(r.Context()).staff
	now := a.cfg.Now()
	who, err := a.punchee(r.Context(), me.ID, now)
	if err != nil {
		return err
	}
	// The state is that of the business day a punch made now would count
	// for, so a night shift past midnight still shows 在席.
	day := who.businessDay(now)
	punches, err := a.db.FindPunches(r.Context(), store.PunchFilter{StaffIDs: []int64{me.ID}, From: day, To: day})
	if err != nil {
		return err
	}
	st := punch.Presence(punches)
	d := punchPage{
		Date: a.dateLabel(kintai.DateOf(now, a.cfg.Loc)), Clock: now.In(a.cfg.Loc).Format("15:04:05"),
		ServerMS: now.UnixMilli(), Zone: a.cfg.Loc.String(), State: st, StateLabel: st.Label(),
		Locations: punch.WorkLocations, Location: punch.WorkOffice, err: ferr,
	}
	for _, k := range punch.Kinds {
		after := punch.Presence([]punch.Punch{{Input: punch.Input{Kind: k}}})
		d.Buttons = append(d.Buttons, punchButton{Kind: k, Label: k.Label(), LabelEN: kindLabelsEN[k], After: after.Label()})
	}
	seq := punch.Sequence(punches)
	for _, p := range seq {
		d.Today = append(d.Today, a.showPunch(p, day, false))
	}
	if len(seq) > 0 {
		// Keep the place of the day's last punch: a teleworker punches 退勤
		// from home as they punched 出勤.
		d.Location = seq[len(seq)-1].WorkLocation
	}
	flags := map[punch.Flag]string{}
	for _, f := range []punch.Flag{punch.FlagOutsideGeofence, punch.FlagLargeSkew, punch.FlagNoLocation} {
		flags[f] = f.Label()
	}
	b, err := json.Marshal(flags)
	if err != nil {
		return err
	}
	d.FlagLabels = string(b)
	return a.pages.render(w, r, status, "punch", "打刻", d)
}

// pagePunchPost records a punch from the page's form, for browsers without
// JavaScript. It takes the same path as the API; the key is made here, so
// each submission is its own punch (the redirect keeps a reload from
// sending it again).
func (a *App) pagePunchPost(w http.ResponseWriter, r *http.Request) error {
	received := a.cfg.Now()
	in := punchInput{Input: punch.Input{
		ClientKey:    "form-" + rand.Text(),
		Kind:         punch.Kind(r.PostFormValue("kind")),
		Method:       punch.MethodPC,
		WorkLocation: punch.WorkLocation(r.PostFormValue("work_location")),
	}}
	rec, err := a.decidePunch(r.Context(), identityFrom(r.Context()), in, received, false)
	var p punch.Punch
	if err == nil {
		var res []store.PunchResult
		if res, err = a.writer.Write(r.Context(), []store.PunchRecord{rec}); err == nil {
			p, err = res[0].Punch, res[0].Err
		}
	}
	if err != nil {
		if kintai.ErrorCode(err) == kintai.EINTERNAL {
			return err
		}
		return a.renderPunch(w, r, web.Status(kintai.ErrorCode(err)), err)
	}
	return redirect(w, r, "/punch", p.Kind.Label()+"を記録しました "+p.At.In(a.cfg.Loc).Format("15:04"))
}

// showPunch formats p, a punch of business day day.
func (a *App) showPunch(p punch.Punch, day kintai.Date, superseded bool) punchLine {
	at := p.At.In(a.cfg.Loc)
	l := punchLine{ID: p.ID, Time: at.Format("15:04"), Kind: p.Kind.Label(), Method: p.Method.Label(), Superseded: superseded}
	switch civil := kintai.DateOf(at, a.cfg.Loc); {
	case civil.After(day):
		l.Time = "翌" + l.Time
	case civil.Before(day):
		l.Time = "前日" + l.Time
	}
	if p.WorkLocation.OffSite() {
		l.Location = p.WorkLocation.Label()
	}
	if p.Delayed {
		l.Tags = append(l.Tags, "遅延")
	}
	if p.CorrectsID != 0 {
		l.Tags = append(l.Tags, "修正")
	}
	for _, f := range p.Flags {
		if lb := f.Label(); lb != "" {
			l.Tags = append(l.Tags, lb)
		} else {
			l.Tags = append(l.Tags, string(f))
		}
	}
	return l
}

// dateLabel writes d the Japanese way: 2026年6月2日（火）.
func (a *App) dateLabel(d kintai.Date) string {
	return strconv.Itoa(d.Year) + "年" + strconv.Itoa(int(d.Month)) + "月" + strconv.Itoa(d.Day) + "日（" + weekdaysJA[d.Weekday()] + "）"
}

// punchDay is one day of the month of punches.
type punchDay struct {
	Date       kintai.Date
	Label      string // 6/2
	Weekday    string // 火
	Class      string // sat, sun, today, has-exception
	Punches    []punchLine
	Exceptions []punch.Exception
}

func (a *App) pageMyPunches(w http.ResponseWriter, r *http.Request) error {
	me := identityFrom(r.Context()).staff
	today := a.today()
	first := kintai.NewDate(today.Year, today.Month, 1)
	if s := r.URL.Query().Get("month"); s != "" {
		t, err := time.Parse("2006-01", s)
		if err != nil {
			return kintai.Invalid("month", "月の形式が正しくありません（例: 2026-04）。", "month must be YYYY-MM.")
		}
		first = kintai.NewDate(t.Year(), t.Month(), 1)
	}
	last := kintai.NewDate(first.Year, first.Month+1, 0)
	punches, err := a.db.FindPunches(r.Context(), store.PunchFilter{StaffIDs: []int64{me.ID}, From: first, To: last})
	if err != nil {
		return err
	}
	counted := map[int64]bool{}
	for _, p := range punch.Sequence(punches) {
		counted[p.ID] = true
	}
	byDay := map[kintai.Date][]punchLine{}
	for _, p := range punches {
		byDay[p.BusinessDay] = append(byDay[p.BusinessDay], a.showPunch(p, p.BusinessDay, !counted[p.ID]))
	}
	exc, err := a.exceptionsOf(r.Context(), punches)
	if err != nil {
		return err
	}
	excByDay := map[kintai.Date][]punch.Exception{}
	for _, e := range exc {
		excByDay[e.Day] = append(excByDay[e.Day], e)
	}
	var days []punchDay
	for d := first; !d.After(last); d = d.AddDays(1) {
		pd := punchDay{Date: d, Label: strconv.Itoa(int(d.Month)) + "/" + strconv.Itoa(d.Day), Weekday: weekdaysJA[d.Weekday()],
			Punches: byDay[d], Exceptions: excByDay[d]}
		switch d.Weekday() {
		case time.Saturday:
			pd.Class = "sat"
		case time.Sunday:
			pd.Class = "sun"
		}
		if d == today {
			pd.Class += " today"
		}
		if len(pd.Exceptions) > 0 {
			pd.Class += " has-exception"
		}
		days = append(days, pd)
	}
	prev, next := first.AddDays(-1), last.AddDays(1)
	return a.pages.render(w, r, http.StatusOK, "my_punches", "打刻履歴", map[string]any{
		"Month": strconv.Itoa(first.Year) + "年" + strconv.Itoa(int(first.Month)) + "月",
		"Prev":  prev.String()[:7], "Next": next.String()[:7], "Days": days, "Exceptions": len(exc),
	})
}

// presenceLine is one row of the live board as the page shows it.
type presenceLine struct {
	presenceRow
	Unit  string
	Last  string
	Shift string
}

// presenceCount is how many staff are in one state.
type presenceCount struct {
	State punch.State
	Label string
	N     int
}

// exceptionLine is one punch exception on the board.
type exceptionLine struct {
	punch.Exception
	Date    string
	StaffNo string
	Name    string
}

func (a *App) pagePresence(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	unit, err := queryUnit(r)
	if err != nil {
		return err
	}
	if unit != 0 {
		if err := a.requireScope(ctx, r, kintai.RoleApprover, unit); err != nil {
			return err
		}
	}
	rows, err := a.presence(r, unit)
	if err != nil {
		return err
	}
	units, err := a.db.FindOrgUnits(ctx)
	if err != nil {
		return err
	}
	scope, err := a.staffScope(ctx, actorFrom(r))
	if err != nil {
		return err
	}
	names := unitIndex(units)
	hhmm := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(a.cfg.Loc).Format("15:04")
	}
	counts := []presenceCount{{State: punch.StateIn}, {State: punch.StateOnBreak}, {State: punch.StateOut}, {State: punch.StateLeft}, {State: punch.StateNotIn}}
	missing := 0
	lines := make([]presenceLine, len(rows))
	for i, row := range rows {
		lines[i] = presenceLine{presenceRow: row, Unit: names[row.OrgUnitID].Name, Last: hhmm(row.LastAt)}
		if row.ShiftStart != nil {
			lines[i].Shift = hhmm(row.ShiftStart) + "〜" + hhmm(row.ShiftEnd)
		}
		for j := range counts {
			if counts[j].State == row.State {
				counts[j].N++
			}
		}
		if row.Missing {
			missing++
		}
	}
	for j := range counts {
		counts[j].Label = counts[j].State.Label()
	}

	// The open punch exceptions of the last 7 days, as apiPunchExceptions
	// finds them.
	staff, err := a.scopedStaff(r, unit)
	if err != nil {
		return err
	}
	byID := map[int64]kintai.Staff{}
	for _, s := range staff {
		byID[s.ID] = s
	}
	today := a.today()
	punches, err := a.db.FindPunches(ctx, store.PunchFilter{StaffIDs: staffIDs(staff), From: today.AddDays(-6), To: today})
	if err != nil {
		return err
	}
	open, err := a.exceptionsOf(ctx, punches)
	if err != nil {
		return err
	}
	var exc []exceptionLine
	for _, e := range open {
		s := byID[e.StaffID]
		exc = append(exc, exceptionLine{Exception: e, Date: strconv.Itoa(int(e.Day.Month)) + "/" + strconv.Itoa(e.Day.Day) + "（" + weekdaysJA[e.Day.Weekday()] + "）",
			StaffNo: s.StaffNo, Name: s.Name})
	}
	slices.SortStableFunc(exc, func(x, y exceptionLine) int { return y.Day.Time(time.UTC).Compare(x.Day.Time(time.UTC)) })

	var choices []unitRow
	for _, u := range treeRows(units) {
		if scope == nil || slices.Contains(scope, u.ID) {
			choices = append(choices, u)
		}
	}
	return a.pages.render(w, r, http.StatusOK, "presence", "在席状況", map[string]any{
		"Unit": unit, "Units": choices, "Rows": lines, "Counts": counts, "Missing": missing,
		"Exceptions": exc, "Zone": a.cfg.Loc.String(), "Today": a.dateLabel(today),
	})
}
