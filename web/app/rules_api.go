package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"kintai"
	"kintai/calendar"
	"kintai/rules"
	"kintai/store"
	"kintai/web"
)

// The JSON API of the work-time rules engine: work patterns and their
// assignment, day shifts, the holiday calendar, rule settings, pay, cap
// profiles and the monthly results, and the background recompute.

// rulesAPIRoutes lists the API routes of the rules engine.
func (a *App) rulesAPIRoutes() []web.Route {
	r := func(method, pattern string, access web.Access, summary string, h web.HandlerFunc) web.Route {
		return web.Route{Method: method, Pattern: pattern, Access: access, Summary: summary, Handler: h}
	}
	return []web.Route{
		r("GET", "/api/v1/patterns", web.Signed, "List work patterns", a.apiListPatterns),
		r("POST", "/api/v1/patterns", web.HR, "Create a work pattern", a.apiCreatePattern),
		r("PUT", "/api/v1/patterns/{id}", web.HR, "Update a work pattern", a.apiUpdatePattern),
		r("GET", "/api/v1/staff/{id}/patterns", web.Signed, "A staff member's pattern assignments (self, or in scope)", a.apiListAssignments),
		r("POST", "/api/v1/staff/{id}/patterns", web.HR, "Assign a work pattern to a staff member", a.apiAssignPattern),
		r("GET", "/api/v1/staff/{id}/shifts", web.Signed, "A staff member's day shifts of a month (self, or in scope)", a.apiListShifts),
		r("PUT", "/api/v1/staff/{id}/shifts", web.Approver, "Replace a staff member's day shifts of a month", a.apiPutShifts),
		r("GET", "/api/v1/staff/{id}/pay", web.HR, "A staff member's pay history", a.apiListPay),
		r("PUT", "/api/v1/staff/{id}/pay", web.HR, "Set a staff member's pay from a day", a.apiSetPay),
		r("GET", "/api/v1/staff/{id}/special-months", web.HR, "A staff member's 特例業務 months", a.apiListSpecialMonths),
		r("PUT", "/api/v1/staff/{id}/special-months/{month}", web.HR, "Mark a month as 特例業務", a.apiSetSpecialMonth),
		r("DELETE", "/api/v1/staff/{id}/special-months/{month}", web.HR, "Unmark a 特例業務 month", a.apiDeleteSpecialMonth),
		r("GET", "/api/v1/calendar/holidays", web.Signed, "Holidays of a year", a.apiListHolidays),
		r("POST", "/api/v1/calendar/holidays/import", web.HR, "Upload the Cabinet Office's holiday CSV", a.apiImportHolidays),
		r("POST", "/api/v1/calendar/entity-days", web.HR, "Add an entity holiday", a.apiAddEntityDay),
		r("DELETE", "/api/v1/calendar/entity-days/{date}", web.HR, "Remove an entity holiday", a.apiDeleteEntityDay),
		r("GET", "/api/v1/rule-settings", web.HR, "The rule settings", a.apiGetRuleSettings),
		r("PUT", "/api/v1/rule-settings", web.HR, "Change the rule settings", a.apiPutRuleSettings),
		r("GET", "/api/v1/cap-profiles", web.HR, "Cap profiles of org units", a.apiListCapProfiles),
		r("POST", "/api/v1/cap-profiles", web.HR, "Give an org unit a cap profile", a.apiCreateCapProfile),
		r("DELETE", "/api/v1/cap-profiles/{id}", web.HR, "Remove a cap profile", a.apiDeleteCapProfile),
		r("GET", "/api/v1/months/{month}/staff/{id}", web.Signed, "A staff member's month (self, or in scope)", a.apiGetMonth),
		r("GET", "/api/v1/months/{month}/team", web.Approver, "Totals and alerts of the staff in scope", a.apiTeamMonth),
		r("POST", "/api/v1/months/{month}/recompute", web.HR, "Recompute a month for the staff in scope", a.apiRecomputeMonth),
	}
}

// --- Background recompute ----------------------------------------------------

// recomputeEvery is how often the server folds new punches and changes
// into the results (a variable for tests).
var recomputeEvery = 5 * time.Second

// A background recompute waits while more than recomputeBusyRate punches a
// second are being stored, for at most recomputeMaxDefer intervals in a row.
const (
	recomputeBusyRate = 50
	recomputeMaxDefer = 12 // × recomputeEvery: one minute
)

// apiRecomputeOptions returns the options of a recompute asked for by r
// (the system's when r is nil).
func (a *App) apiRecomputeOptions(r *http.Request) store.RecomputeOptions {
	o := store.RecomputeOptions{Loc: a.cfg.Loc, AsOf: a.cfg.Now()}
	if r != nil {
		o.Actor = actorFrom(r)
	}
	return o
}

// recomputeLoop runs RecomputeStale every recomputeEvery until stop.
func (a *App) recomputeLoop() func(stop <-chan struct{}) {
	var runs, staffMonths atomic.Int64
	a.metrics.AddGauge(web.Gauge{Name: "kintai_recompute_runs_total", Help: "Background recomputes of stale results since start.",
		Value: func() float64 { return float64(runs.Load()) }})
	a.metrics.AddGauge(web.Gauge{Name: "kintai_recompute_staff_months_total", Help: "Staff-months recomputed in the background since start.",
		Value: func() float64 { return float64(staffMonths.Load()) }})
	every := recomputeEvery
	return func(stop <-chan struct{}) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			<-stop
			cancel()
		}()
		// The loop yields to the punch path: it computes on one worker
		// and, after a run that took d, waits at least 4d, so it never
		// takes more than a fifth of one core. During a morning rush the
		// results lag by a few runs; a page recomputes a stale month
		// before showing it anyway.
		// While punches pour in (a morning rush) it also waits, up to
		// recomputeMaxDefer, so that its write transaction does not hold
		// the single SQLite writer in front of the punches.
		wait := time.NewTimer(every)
		defer wait.Stop()
		lastStored, lastAt, deferred := a.writer.Stored.Load(), time.Now(), 0
		for {
			select {
			case <-stop:
				return
			case <-wait.C:
			}
			stored, now := a.writer.Stored.Load(), time.Now()
			rate := float64(stored-lastStored) / now.Sub(lastAt).Seconds()
			lastStored, lastAt = stored, now
			if rate > recomputeBusyRate && deferred < recomputeMaxDefer {
				deferred++
				wait.Reset(every)
				continue
			}
			deferred = 0
			opts := a.apiRecomputeOptions(nil)
			opts.Workers = 1
			began := time.Now()
			st, err := a.db.RecomputeStale(ctx, opts)
			wait.Reset(max(every, 4*time.Since(began)))
			switch {
			case ctx.Err() != nil:
				return
			case err != nil:
				slog.Error("recompute stale results", "err", err)
			case st.StaffMonths > 0:
				runs.Add(1)
				staffMonths.Add(int64(st.StaffMonths))
				slog.Debug("recomputed stale results", "staff_months", st.StaffMonths, "punches", st.Punches, "total_s", st.TotalS)
			}
		}
	}
}

// --- Parameters --------------------------------------------------------------

// pathMonth reads the path value month, YYYY-MM, as its first day.
func pathMonth(r *http.Request) (kintai.Date, error) { return readMonth(r.PathValue("month"), "month") }

func readMonth(s, field string) (kintai.Date, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Year() < 1948 || t.Year() > 2999 {
		return kintai.Date{}, kintai.Invalid(field, "月は「2026-10」の形式で指定してください。", "Give the month as YYYY-MM, e.g. 2026-10.")
	}
	return kintai.NewDate(t.Year(), t.Month(), 1), nil
}

// queryMonth reads ?month=YYYY-MM, this month when absent.
func (a *App) queryMonth(r *http.Request) (kintai.Date, error) {
	s := r.URL.Query().Get("month")
	if s == "" {
		return store.MonthOf(a.today()), nil
	}
	return readMonth(s, "month")
}

// inTx runs fn in a transaction on behalf of the caller.
func (a *App) inTx(r *http.Request, fn func(ctx context.Context, tx *store.Tx) error) error {
	return a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return fn(r.Context(), tx) })
}

// --- Patterns ------------------------------------------------------------------

func (a *App) apiListPatterns(w http.ResponseWriter, r *http.Request) error {
	ps, err := a.db.FindPatterns(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(ps))
	return nil
}

func (a *App) apiCreatePattern(w http.ResponseWriter, r *http.Request) error {
	var p rules.Pattern
	if err := web.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	p.ID = 0
	if err := a.inTx(r, func(ctx context.Context, tx *store.Tx) error { return tx.CreatePattern(ctx, &p) }); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, p)
	return nil
}

func (a *App) apiUpdatePattern(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var p rules.Pattern
	if err := web.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	p.ID = id
	if err := a.inTx(r, func(ctx context.Context, tx *store.Tx) error { return tx.UpdatePattern(ctx, &p) }); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (a *App) apiListAssignments(w http.ResponseWriter, r *http.Request) error {
	s, err := a.visibleStaff(r)
	if err != nil {
		return err
	}
	asg, err := a.db.FindPatternAssignments(r.Context(), s.ID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(asg))
	return nil
}

// assignInput assigns a pattern over a validity window.
type assignInput struct {
	PatternID int64       `json:"pattern_id"`
	ValidFrom kintai.Date `json:"valid_from"`
	ValidTo   kintai.Date `json:"valid_to"`
}

func (a *App) apiAssignPattern(w http.ResponseWriter, r *http.Request) error {
	s, err := a.staffInRole(r, kintai.RoleHR)
	if err != nil {
		return err
	}
	var in assignInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	var asg *store.PatternAssignment
	err = a.inTx(r, func(ctx context.Context, tx *store.Tx) (err error) {
		asg, err = tx.AssignPattern(ctx, s.ID, in.PatternID, in.ValidFrom, in.ValidTo)
		return err
	})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, asg)
	return nil
}

// --- Day shifts ----------------------------------------------------------------

// shiftList is a staff member's day shifts of a month.
type shiftList struct {
	Month kintai.Date      `json:"month"`
	Items []store.DayShift `json:"items"`
	Total int              `json:"total"`
	// PlanProblems are what is wrong with a flex-time plan
	// (rules.ValidateFlexPlan) for the unit periods of the month; the
	// shifts are saved anyway, so that a plan can be entered bit by bit.
	PlanProblems []string `json:"plan_problems,omitempty"`
}

func (a *App) apiListShifts(w http.ResponseWriter, r *http.Request) error {
	s, err := a.visibleStaff(r)
	if err != nil {
		return err
	}
	month, err := a.queryMonth(r)
	if err != nil {
		return err
	}
	shifts, err := a.db.FindDayShifts(r.Context(), s.ID, month, store.MonthEnd(month))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, shiftList{Month: month, Items: nonNil(shifts), Total: len(shifts)})
	return nil
}

// shiftInput is the day shifts of a month, replacing those stored.
type shiftInput struct {
	Shifts []shiftDay `json:"shifts"`
}

// shiftDay is one day's hours in a shiftInput.
type shiftDay struct {
	Date   kintai.Date  `json:"date"`
	Hours  rules.Span   `json:"hours"`
	Breaks []rules.Span `json:"breaks"`
	Off    bool         `json:"off"`
}

func (a *App) apiPutShifts(w http.ResponseWriter, r *http.Request) error {
	s, err := a.staffInRole(r, kintai.RoleApprover)
	if err != nil {
		return err
	}
	month, err := a.queryMonth(r)
	if err != nil {
		return err
	}
	var in shiftInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	shifts := make([]store.DayShift, len(in.Shifts))
	for i, d := range in.Shifts {
		shifts[i] = store.DayShift{StaffID: s.ID, Date: d.Date, DayShift: rules.DayShift{Hours: d.Hours, Breaks: d.Breaks, Off: d.Off}}
	}
	last := store.MonthEnd(month)
	if err := a.inTx(r, func(ctx context.Context, tx *store.Tx) error { return tx.PutDayShifts(ctx, s.ID, month, last, shifts) }); err != nil {
		return err
	}
	saved, err := a.db.FindDayShifts(r.Context(), s.ID, month, last)
	if err != nil {
		return err
	}
	problems, err := a.flexProblems(r.Context(), s.ID, month)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, shiftList{Month: month, Items: nonNil(saved), Total: len(saved), PlanProblems: problems})
	return nil
}

// flexProblems checks the flex-time plan of every unit period that
// overlaps month, for the flex patterns staffID is on. Unit periods run
// from the first day of the assignment.
func (a *App) flexProblems(ctx context.Context, staffID int64, month kintai.Date) ([]string, error) {
	asg, err := a.db.FindPatternAssignments(ctx, staffID)
	if err != nil {
		return nil, err
	}
	last := store.MonthEnd(month)
	var out []string
	for _, as := range asg {
		p := as.Pattern
		if p.Kind != rules.PatternFlex || p.UnitWeeks < 1 || as.ValidFrom.After(last) || (!as.ValidTo.IsZero() && as.ValidTo.Before(month)) {
			continue
		}
		days := p.UnitWeeks * 7
		for start := as.ValidFrom; !start.After(last); start = start.AddDays(days) {
			end := start.AddDays(days - 1)
			if end.Before(month) || (!as.ValidTo.IsZero() && end.After(as.ValidTo)) {
				continue
			}
			stored, err := a.db.FindDayShifts(ctx, staffID, start, end)
			if err != nil {
				return nil, err
			}
			plan := map[kintai.Date]rules.DayShift{}
			for _, d := range stored {
				plan[d.Date] = d.DayShift
			}
			if err := rules.ValidateFlexPlan(p, start, plan); err != nil {
				ja, _ := kintai.ErrorMessages(err)
				out = append(out, start.String()+"〜"+end.String()+": "+ja)
			}
		}
	}
	return out, nil
}

// --- Pay and 特例業務 -----------------------------------------------------------

func (a *App) apiListPay(w http.ResponseWriter, r *http.Request) error {
	s, err := a.staffInRole(r, kintai.RoleHR)
	if err != nil {
		return err
	}
	pay, err := a.db.FindPay(r.Context(), s.ID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(pay))
	return nil
}

// payInput is a staff member's pay from a day on.
type payInput struct {
	ValidFrom  kintai.Date `json:"valid_from"`
	ValidTo    kintai.Date `json:"valid_to"`
	MonthlyYen int64       `json:"monthly_yen"`
	HourlyYen  int64       `json:"hourly_yen"`
	Exempt     bool        `json:"exempt"`
}

func (a *App) apiSetPay(w http.ResponseWriter, r *http.Request) error {
	s, err := a.staffInRole(r, kintai.RoleHR)
	if err != nil {
		return err
	}
	var in payInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p := store.Pay{StaffID: s.ID, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo,
		Pay: rules.Pay{MonthlyYen: in.MonthlyYen, HourlyYen: in.HourlyYen, Exempt: in.Exempt}}
	if err := a.inTx(r, func(ctx context.Context, tx *store.Tx) error { return tx.SetPay(ctx, &p) }); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (a *App) apiListSpecialMonths(w http.ResponseWriter, r *http.Request) error {
	s, err := a.staffInRole(r, kintai.RoleHR)
	if err != nil {
		return err
	}
	months, err := a.db.FindSpecialMonths(r.Context(), s.ID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(months))
	return nil
}

// specialInput is the reason a month is 特例業務.
type specialInput struct {
	Reason string `json:"reason"`
}

func (a *App) apiSetSpecialMonth(w http.ResponseWriter, r *http.Request) error {
	s, err := a.staffInRole(r, kintai.RoleHR)
	if err != nil {
		return err
	}
	month, err := pathMonth(r)
	if err != nil {
		return err
	}
	var in specialInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m := store.SpecialMonth{StaffID: s.ID, Month: month, Reason: in.Reason}
	if err := a.inTx(r, func(ctx context.Context, tx *store.Tx) error { return tx.SetSpecialMonth(ctx, &m, true) }); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (a *App) apiDeleteSpecialMonth(w http.ResponseWriter, r *http.Request) error {
	s, err := a.staffInRole(r, kintai.RoleHR)
	if err != nil {
		return err
	}
	month, err := pathMonth(r)
	if err != nil {
		return err
	}
	m := store.SpecialMonth{StaffID: s.ID, Month: month}
	if err := a.inTx(r, func(ctx context.Context, tx *store.Tx) error { return tx.SetSpecialMonth(ctx, &m, false) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// --- Calendar ------------------------------------------------------------------

// holidayList is the holidays of a year.
type holidayList struct {
	Year  int            `json:"year"`
	Items []calendar.Day `json:"items"`
	Total int            `json:"total"`
	// Through is the last day the national data covers; later national
	// holidays are not known yet.
	Through kintai.Date `json:"through,omitzero"`
}

func (a *App) apiListHolidays(w http.ResponseWriter, r *http.Request) error {
	year := a.today().Year
	if s := r.URL.Query().Get("year"); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || y < 1948 || y > 2999 {
			return kintai.Invalid("year", "年は1948〜2999で指定してください。", "year must be 1948 to 2999.")
		}
		year = y
	}
	cal, err := a.db.Calendar(r.Context())
	if err != nil {
		return err
	}
	days := cal.Range(kintai.NewDate(year, 1, 1), kintai.NewDate(year, 12, 31))
	web.WriteJSON(w, http.StatusOK, holidayList{Year: year, Items: nonNil(days), Total: len(days), Through: cal.Through()})
	return nil
}

// maxHolidayUpload bounds an upload: the file and a multipart envelope.
const maxHolidayUpload = calendar.MaxBytes + 64<<10

func (a *App) apiImportHolidays(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxHolidayUpload)
	var body io.Reader = r.Body
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		if err := r.ParseMultipartForm(maxHolidayUpload); err != nil {
			return kintai.Invalid("file", "アップロードを読み取れません（1 MiBまで）。", "Cannot read the upload (at most 1 MiB).")
		}
		f, _, err := r.FormFile("file")
		if err != nil {
			return kintai.Invalid("file", "ファイル（file）を選んでください。", "Attach the CSV as the form field file.")
		}
		defer f.Close()
		body = f
	}
	days, err := calendar.Parse(body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return kintai.Invalid("file", "祝日ファイルが大きすぎます（1 MiBまで）。", "The holiday file is too large (at most 1 MiB).")
	}
	if err != nil {
		return err
	}
	var res store.HolidayImport
	err = a.inTx(r, func(ctx context.Context, tx *store.Tx) (err error) {
		res, err = tx.ImportHolidays(ctx, days)
		return err
	})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, res)
	return nil
}

// entityDayInput is one of the entity's own holidays.
type entityDayInput struct {
	Date kintai.Date `json:"date"`
	Name string      `json:"name"`
}

func (a *App) apiAddEntityDay(w http.ResponseWriter, r *http.Request) error {
	var in entityDayInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	d := calendar.Day{Date: in.Date, Name: in.Name}
	if err := a.inTx(r, func(ctx context.Context, tx *store.Tx) error { return tx.AddEntityDay(ctx, &d) }); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, d)
	return nil
}

func (a *App) apiDeleteEntityDay(w http.ResponseWriter, r *http.Request) error {
	date, err := kintai.ParseDate(r.PathValue("date"))
	if err != nil {
		return kintai.Invalid("date", "日付は「2026-06-23」の形式で指定してください。", "Give the date as YYYY-MM-DD.")
	}
	if err := a.inTx(r, func(ctx context.Context, tx *store.Tx) error { return tx.DeleteEntityDay(ctx, date) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// --- Settings ------------------------------------------------------------------

func (a *App) apiGetRuleSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := a.db.FindRuleSettings(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, s)
	return nil
}

// apiPutRuleSettings reads the body over the current settings, so fields
// left out keep their values.
func (a *App) apiPutRuleSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := a.db.FindRuleSettings(r.Context())
	if err != nil {
		return err
	}
	updated := s.UpdatedAt
	if err := web.DecodeJSON(w, r, &s); err != nil {
		return err
	}
	s.UpdatedAt = updated
	if err := a.inTx(r, func(ctx context.Context, tx *store.Tx) error { return tx.SaveRuleSettings(ctx, &s) }); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, s)
	return nil
}

// --- Cap profiles ----------------------------------------------------------------

func (a *App) apiListCapProfiles(w http.ResponseWriter, r *http.Request) error {
	list, err := a.db.FindCapAssignments(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(list))
	return nil
}

// capInput gives an org unit a cap profile over whole months.
type capInput struct {
	OrgUnitID int64            `json:"org_unit_id"`
	Profile   rules.CapProfile `json:"profile"`
	ValidFrom kintai.Date      `json:"valid_from"`
	ValidTo   kintai.Date      `json:"valid_to"`
}

func (a *App) apiCreateCapProfile(w http.ResponseWriter, r *http.Request) error {
	var in capInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c := store.CapAssignment{OrgUnitID: in.OrgUnitID, Profile: in.Profile, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo}
	err := a.inTx(r, func(ctx context.Context, tx *store.Tx) error {
		if err := a.checkStaffScope(r, tx, c.OrgUnitID); err != nil {
			return err
		}
		return tx.SetCapAssignment(ctx, &c)
	})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (a *App) apiDeleteCapProfile(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.db.FindCapAssignments(r.Context())
	if err != nil {
		return err
	}
	i := slices.IndexFunc(list, func(c store.CapAssignment) bool { return c.ID == id })
	if i < 0 {
		return kintai.NotFound("上限の区分", "Cap profile")
	}
	if err := a.requireScope(r.Context(), r, kintai.RoleHR, list[i].OrgUnitID); err != nil {
		return err
	}
	if err := a.inTx(r, func(ctx context.Context, tx *store.Tx) error { return tx.DeleteCapAssignment(ctx, id) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// --- Months --------------------------------------------------------------------

// monthReply is a staff member's month with the forecast in words.
type monthReply struct {
	store.MonthResult
	ForecastMessage   string `json:"forecast_message,omitempty"`
	ForecastMessageEn string `json:"forecast_message_en,omitempty"`
}

// monthResult returns staffID's month, recomputed first when out of date.
func (a *App) monthResult(r *http.Request, staffID int64, month kintai.Date) (*store.MonthResult, error) {
	if err := a.db.EnsureMonthResults(r.Context(), month, []int64{staffID}, a.apiRecomputeOptions(r)); err != nil {
		return nil, err
	}
	res, err := a.db.FindMonthResult(r.Context(), staffID, month)
	if kintai.ErrorCode(err) == kintai.ENOTFOUND {
		return nil, kintai.NotFound("この月の勤務実績（任用期間外）", "Month result (not appointed that month)")
	}
	return res, err
}

func (a *App) apiGetMonth(w http.ResponseWriter, r *http.Request) error {
	month, err := pathMonth(r)
	if err != nil {
		return err
	}
	s, err := a.visibleStaff(r)
	if err != nil {
		return err
	}
	res, err := a.monthResult(r, s.ID, month)
	if err != nil {
		return err
	}
	out := monthReply{MonthResult: *res}
	if !res.ForecastOn.IsZero() {
		out.ForecastMessage, out.ForecastMessageEn = rules.ForecastMessage(res.ForecastOn, rules.MonthCapOf(res.Profile))
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// teamMonthRow is one staff member's month in a team list (no days).
type teamMonthRow struct {
	StaffNo string `json:"staff_no"`
	Name    string `json:"name"`
	store.MonthResult
}

// teamResults returns the months of the staff in the caller's scope within
// unit (0: all of it), recomputing those out of date.
func (a *App) teamResults(r *http.Request, month kintai.Date, unit int64) ([]teamMonthRow, error) {
	staff, err := a.scopedStaff(r, unit)
	if err != nil {
		return nil, err
	}
	byID := map[int64]kintai.Staff{}
	ids := []int64{} // not nil: nil would mean everyone
	last := store.MonthEnd(month)
	for _, s := range staff {
		if s.AppointedOn.After(last) || (!s.AppointmentEndsOn.IsZero() && s.AppointmentEndsOn.Before(month)) {
			continue
		}
		byID[s.ID] = s
		ids = append(ids, s.ID)
	}
	slices.Sort(ids)
	if err := a.db.EnsureMonthResults(r.Context(), month, ids, a.apiRecomputeOptions(r)); err != nil {
		return nil, err
	}
	results, err := a.db.FindMonthResults(r.Context(), store.ResultFilter{Month: month, StaffIDs: ids})
	if err != nil {
		return nil, err
	}
	rows := make([]teamMonthRow, 0, len(results))
	for _, res := range results {
		s := byID[res.StaffID]
		rows = append(rows, teamMonthRow{StaffNo: s.StaffNo, Name: s.Name, MonthResult: res})
	}
	return rows, nil
}

func (a *App) apiTeamMonth(w http.ResponseWriter, r *http.Request) error {
	month, err := pathMonth(r)
	if err != nil {
		return err
	}
	unit, err := queryUnit(r)
	if err != nil {
		return err
	}
	rows, err := a.teamResults(r, month, unit)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(rows))
	return nil
}

func (a *App) apiRecomputeMonth(w http.ResponseWriter, r *http.Request) error {
	month, err := pathMonth(r)
	if err != nil {
		return err
	}
	var ids []int64 // nil: everyone
	if roots, all := actorFrom(r).ScopeUnits(kintai.RoleHR); !all {
		tree, err := a.db.OrgTree(r.Context())
		if err != nil {
			return err
		}
		ids = []int64{}
		units := tree.Descendants(roots)
		for offset := 0; ; offset += 500 {
			page, total, err := a.db.FindStaff(r.Context(), store.StaffFilter{Units: units, Limit: 500, Offset: offset})
			if err != nil {
				return err
			}
			for _, s := range page {
				ids = append(ids, s.ID)
			}
			if offset+500 >= total {
				break
			}
		}
	}
	st, err := a.db.RecomputeMonth(r.Context(), month, ids, a.apiRecomputeOptions(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}
