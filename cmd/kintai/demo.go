package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"kintai"
	"kintai/approval"
	"kintai/calendar"
	"kintai/demo"
	"kintai/leave"
	"kintai/password"
	"kintai/punch"
	"kintai/rules"
	"kintai/store"
)

// DemoPassword is the password of the demo sign-in accounts. It is printed
// when the demo is loaded; demo databases are not for real staff.
const DemoPassword = "kintai-demo-2026"

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", "Fill an empty database with a synthetic municipality: org tree, sites, terminals,\nwork patterns and staff with Japanese names. Deterministic from the seed.", stderr)
	var f dbFlags
	f.register(fs)
	scale := fs.String("scale", "small", "small (~300 staff) or setagaya (10,000 staff, 400 sites, 446 terminals)")
	seed := fs.Int64("seed", 1, "random seed; the same seed gives the same municipality")
	if err := fs.Parse(args); err != nil {
		return err
	}
	loc, err := f.location()
	if err != nil {
		return err
	}
	db, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.CountStaff(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("the database already has %d staff; the demo fills only an empty database", n)
	}
	accounts, err := loadDemo(ctx, db, *scale, *seed, loc, stdout)
	if err != nil {
		return err
	}
	for _, acc := range accounts {
		fmt.Fprintf(stdout, "  sign in as %-22s 職員番号 %s  パスワード %s\n", acc.role, acc.staffNo, acc.password)
	}
	return nil
}

type demoAccount struct{ role, staffNo, password string }

// loadDemo generates the municipality and writes it through the store's
// ordinary use cases, audit entries included, in one transaction.
func loadDemo(ctx context.Context, db *store.DB, scaleName string, seed int64, loc *time.Location, stdout io.Writer) ([]demoAccount, error) {
	today := kintai.DateOf(clock(), loc)
	w, err := loadDemoWorld(ctx, db, scaleName, seed, today, stdout)
	if err != nil {
		return nil, err
	}
	if err := demoRequests(ctx, db, w, today, loc); err != nil {
		return nil, fmt.Errorf("demo requests: %w", err)
	}
	return w.accounts, nil
}

// demoRequests gives the demo's staff member requests to look at, made
// through the ordinary flow: a telework declaration, hourly and daily
// annual leave waiting in the approver's inbox, and a holiday-work order
// with 代休 on the next 休日 within the 代休 window, which the 代休
// balance shows as a day owed from that 休日 on.
func demoRequests(ctx context.Context, db *store.DB, w *demoWorld, today kintai.Date, loc *time.Location) error {
	var st *demo.Staff
	for i := range w.m.Staff {
		if w.m.Staff[i].StaffNo == w.m.StaffNo {
			st = &w.m.Staff[i]
		}
	}
	var p *rules.Pattern
	for i := range w.m.Patterns {
		if st != nil && w.m.Patterns[i].Code == st.PatternCode {
			p = &w.m.Patterns[i]
		}
	}
	if p == nil {
		return fmt.Errorf("no pattern for staff member %s", w.m.StaffNo)
	}
	set, cal, err := ruleSettingsAndCalendar(ctx, db)
	if err != nil {
		return err
	}
	// The staff member's next working days and next 休日 after today.
	var workdays []kintai.Date
	var holiday kintai.Date
	for d := today.AddDays(1); d.Before(today.AddDays(56)); d = d.AddDays(1) {
		kind, _, err := rules.Plan(*p, d, nil, store.HolidayFunc(cal), set, loc)
		if err != nil {
			return err
		}
		switch {
		case kind == rules.Workday:
			workdays = append(workdays, d)
		case (kind == rules.Holiday || kind == rules.YearEnd) && holiday.IsZero():
			holiday = d
		}
	}
	if len(workdays) < 5 {
		return fmt.Errorf("staff member %s has %d working days in the next 8 weeks", w.m.StaffNo, len(workdays))
	}
	staff, _, err := db.LoadActor(ctx, w.staffIDs[w.m.StaffNo])
	if err != nil {
		return err
	}
	at := func(d kintai.Date, min int) time.Time { return d.Time(loc).Add(time.Duration(min) * time.Minute) }
	end := p.Hours.EndMin
	reqs := []approval.Request{
		{Kind: approval.KindTelework, Telework: &approval.Telework{Day: workdays[0], Location: punch.WorkHome, Note: "デモ: 資料作成"}},
		{Kind: approval.KindLeave, Leave: &approval.Leave{Type: leave.CodeAnnual, Unit: approval.LeaveDay, FromOn: workdays[4], ToOn: workdays[4]}},
	}
	if end-120 > p.Hours.StartMin {
		reqs = append(reqs, approval.Request{Kind: approval.KindLeave, Leave: &approval.Leave{Type: leave.CodeAnnual, Unit: approval.LeaveHour,
			FromOn: workdays[1], From: at(workdays[1], end-120), To: at(workdays[1], end), Reason: "デモ: 通院"}})
	}
	for _, r := range reqs {
		if err := db.WithTx(ctx, staff, func(tx *store.Tx) error { _, err := tx.CreateRequest(ctx, r, true); return err }); err != nil {
			return fmt.Errorf("%s: %w", r.Kind, err)
		}
	}
	if holiday.IsZero() {
		return nil
	}
	approver, _, err := db.LoadActor(ctx, w.staffIDs[w.m.ApproverNo])
	if err != nil {
		return err
	}
	order := approval.Request{Kind: approval.KindHolidayWork, StaffID: staff.StaffID, HolidayWork: &approval.HolidayWork{Day: holiday,
		Planned: rules.Interval{Start: at(holiday, 9*60), End: at(holiday, 12*60)}, Substitute: approval.SubstituteDaikyu, Reason: "デモ: 窓口の臨時開設"}}
	return db.WithTx(ctx, approver, func(tx *store.Tx) error { _, err := tx.CreateRequest(ctx, order, true); return err })
}

// demoWorld is a loaded demo: the generated municipality and the ids its
// staff got.
type demoWorld struct {
	m        *demo.Municipality
	staffIDs map[string]int64 // by staff number
	accounts []demoAccount
}

// loadDemoWorld is loadDemo for a given generation day, returning what
// was loaded.
func loadDemoWorld(ctx context.Context, db *store.DB, scaleName string, seed int64, today kintai.Date, stdout io.Writer) (*demoWorld, error) {
	scale, err := demo.ScaleByName(scaleName)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	m := demo.Generate(scale, seed, today)
	accounts := []demoAccount{
		{"システム管理者 admin", m.AdminNo, DemoPassword},
		{"人事担当 HR", m.HRNo, DemoPassword},
		{"承認者 approver", m.ApproverNo, DemoPassword},
		{"職員 staff", m.StaffNo, DemoPassword},
		{"会計年度任用職員 part-timer", m.PartTimerNo, DemoPassword},
	}
	hash, err := password.Hash(DemoPassword, password.Default)
	if err != nil {
		return nil, err
	}
	world := &demoWorld{staffIDs: map[string]int64{}}
	err = db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		units := map[string]int64{}
		for _, u := range m.OrgUnits {
			ou := kintai.OrgUnit{Code: u.Code, Name: u.Name, Kind: u.Kind, ParentID: units[u.ParentCode]}
			if err := tx.CreateOrgUnit(ctx, &ou); err != nil {
				return fmt.Errorf("org unit %s: %w", u.Code, err)
			}
			units[u.Code] = ou.ID
		}
		sites := map[string]int64{}
		for _, s := range m.Sites {
			lat, lng, r := s.Lat, s.Lng, s.RadiusM
			site := kintai.Site{Code: s.Code, Name: s.Name, Address: s.Address, Lat: &lat, Lng: &lng, RadiusM: &r}
			if err := tx.CreateSite(ctx, &site); err != nil {
				return fmt.Errorf("site %s: %w", s.Code, err)
			}
			sites[s.Code] = site.ID
		}
		for _, t := range m.Terminals {
			term := store.Terminal{Code: t.Code, Name: t.Name, SiteID: sites[t.SiteCode]}
			// Demo terminals get a credential nobody knows; a real terminal
			// is paired by an administrator, who sees its credential once.
			if _, err := tx.CreateTerminal(ctx, &term); err != nil {
				return fmt.Errorf("terminal %s: %w", t.Code, err)
			}
		}
		patterns := map[string]int64{}
		for _, p := range m.Patterns {
			if err := tx.CreatePattern(ctx, &p); err != nil {
				return fmt.Errorf("pattern %s: %w", p.Code, err)
			}
			patterns[p.Code] = p.ID
		}
		for _, c := range m.CapProfiles {
			a := store.CapAssignment{OrgUnitID: units[c.OrgUnitCode], Profile: c.Profile, ValidFrom: c.From}
			if err := tx.SetCapAssignment(ctx, &a); err != nil {
				return fmt.Errorf("cap profile of %s: %w", c.OrgUnitCode, err)
			}
		}
		staff := world.staffIDs
		for _, s := range m.Staff {
			st := kintai.Staff{StaffNo: s.StaffNo, Name: s.Name, Kana: s.Kana, EmploymentType: s.EmploymentType,
				AppointedOn: s.AppointedOn, AppointmentEndsOn: s.AppointmentEndsOn, OrgUnitID: units[s.OrgUnitCode],
				SupervisorID: staff[s.SupervisorNo],
				// A reserved domain (RFC 2606): with --smtp-addr set, the
				// demo's notifications go to a test relay, never to a person.
				Email: "staff" + s.StaffNo + "@kintai-demo.example"}
			for _, c := range s.SiteCodes {
				st.SiteIDs = append(st.SiteIDs, sites[c])
			}
			if err := tx.CreateStaff(ctx, &st); err != nil {
				return fmt.Errorf("staff %s: %w", s.StaffNo, err)
			}
			staff[s.StaffNo] = st.ID
			if _, err := tx.AssignPattern(ctx, st.ID, patterns[s.PatternCode], s.AppointedOn, s.AppointmentEndsOn); err != nil {
				return fmt.Errorf("staff %s pattern: %w", s.StaffNo, err)
			}
			pay := store.Pay{StaffID: st.ID, ValidFrom: s.AppointedOn, ValidTo: s.AppointmentEndsOn, Pay: s.Pay}
			if err := tx.SetPay(ctx, &pay); err != nil {
				return fmt.Errorf("staff %s pay: %w", s.StaffNo, err)
			}
			for _, g := range s.Roles {
				grant := kintai.Grant{StaffID: st.ID, Role: g.Role, OrgUnitID: units[g.OrgUnitCode]}
				if err := tx.CreateGrant(ctx, &grant); err != nil {
					return fmt.Errorf("staff %s grant: %w", s.StaffNo, err)
				}
			}
		}
		for _, acc := range accounts {
			if err := tx.SetPassword(ctx, staff[acc.staffNo], hash); err != nil {
				return err
			}
		}
		// Day shifts, one call per staff member (they come grouped).
		for rest := m.DayShifts; len(rest) > 0; {
			no := rest[0].StaffNo
			n := 1
			for n < len(rest) && rest[n].StaffNo == no {
				n++
			}
			shifts := make([]store.DayShift, n)
			from, to := rest[0].Date, rest[0].Date
			for i, d := range rest[:n] {
				shifts[i] = store.DayShift{Date: d.Date, DayShift: d.DayShift}
				if d.Date.Before(from) {
					from = d.Date
				}
				if d.Date.After(to) {
					to = d.Date
				}
			}
			if err := tx.PutDayShifts(ctx, staff[no], from, to, shifts); err != nil {
				return fmt.Errorf("staff %s day shifts: %w", no, err)
			}
			rest = rest[n:]
		}
		return demoLeave(ctx, tx, m, staff, today)
	})
	if err != nil {
		return nil, err
	}
	world.m, world.accounts = m, accounts
	fmt.Fprintf(stdout, "demo %q (%s): %d org units, %d sites, %d terminals, %d work patterns, %d staff, %d day shifts in %s\n",
		m.Name, scale.Name, len(m.OrgUnits), len(m.Sites), len(m.Terminals), len(m.Patterns), len(m.Staff), len(m.DayShifts),
		time.Since(start).Round(time.Millisecond))
	return world, nil
}

// demoLeave gives every demo staff member this year's annual leave
// through the ordinary grant run and, to staff in service before the
// year, a few days carried over from last year, so that the leave pages
// show real figures.
func demoLeave(ctx context.Context, tx *store.Tx, m *demo.Municipality, staff map[string]int64, today kintai.Date) error {
	cfg, err := tx.FindLeaveConfig(ctx)
	if err != nil {
		return err
	}
	s := cfg.Settings
	jan1 := kintai.NewDate(today.Year, time.January, 1)
	for i, st := range m.Staff {
		if st.EmploymentType == kintai.FiscalFull || st.EmploymentType == kintai.FiscalPart || !st.AppointedOn.Before(jan1) {
			continue
		}
		g := store.LeaveGrant{StaffID: staff[st.StaffNo], Balance: leave.Annual, Grant: leave.Grant{
			Amount: leave.DaysAmount(3 + i%(s.CarryMaxDays-2)), GrantedOn: jan1, ExpiresOn: kintai.NewDate(today.Year, time.December, 31),
			Carried: true, Note: fmt.Sprintf("デモ: %d年からの繰越", today.Year-1)}}
		if err := tx.AddLeaveGrant(ctx, &g); err != nil {
			return fmt.Errorf("staff %s leave: %w", st.StaffNo, err)
		}
	}
	years := []int{today.Year}
	if fy, _ := calendar.FiscalYear(today, s.FiscalYearStart); fy.Year != today.Year {
		years = append(years, fy.Year)
	}
	for _, y := range years {
		if _, err := tx.GrantAnnualLeave(ctx, y); err != nil {
			return fmt.Errorf("annual leave %d: %w", y, err)
		}
	}
	return nil
}

// ruleSettingsAndCalendar returns the stored rule settings and holiday
// calendar, which planning a staff member's days needs.
func ruleSettingsAndCalendar(ctx context.Context, db *store.DB) (rules.Settings, *calendar.Calendar, error) {
	set, err := db.FindRuleSettings(ctx)
	if err != nil {
		return rules.Settings{}, nil, err
	}
	cal, err := db.Calendar(ctx)
	return set.Rules, cal, err
}
