package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"kintai"
	"kintai/calendar"
	"kintai/demo"
	"kintai/leave"
	"kintai/password"
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
	w, err := loadDemoWorld(ctx, db, scaleName, seed, kintai.DateOf(clock(), loc), stdout)
	if err != nil {
		return nil, err
	}
	return w.accounts, nil
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
