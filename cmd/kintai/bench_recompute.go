package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"time"

	"kintai"
	"kintai/calendar"
	"kintai/punch"
	"kintai/rules"
	"kintai/store"
)

// benchRecomputeResult is the one JSON line kintai bench recompute prints.
type benchRecomputeResult struct {
	DB          string `json:"db"`
	Scale       string `json:"scale"`
	Month       string `json:"month"`
	Staff       int    `json:"staff"`
	StaffMonths int    `json:"staff_months"`
	Punches     int64  `json:"punches"`
	Workers     int    `json:"workers"`
	// InsertS is how long storing the month's punches took (not timed
	// into the recompute).
	InsertS float64 `json:"insert_s"`
	// The recompute of the whole month: reading (master data, then the
	// workers' punch reads averaged over workers), computing (averaged
	// likewise), writing, and the wall-clock total.
	ReadS    float64 `json:"read_s"`
	ComputeS float64 `json:"compute_s"`
	WriteS   float64 `json:"write_s"`
	TotalS   float64 `json:"total_s"`
	// StaffMonthsPerS is the whole recompute's rate; PureStaffMonthsPerS
	// the rules engine's alone on all workers, PureStaffMonthsPerCoreS on
	// one core.
	StaffMonthsPerS         float64 `json:"staff_months_per_s"`
	PureStaffMonthsPerS     float64 `json:"pure_staff_months_per_s"`
	PureStaffMonthsPerCoreS float64 `json:"pure_staff_months_per_core_s"`
	Runs                    int     `json:"runs"`
}

func runBenchRecompute(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench recompute", "Time the recomputation of a month's results: build the demo municipality on a fresh\n"+
		"database, store a month of synthetic punches (about a million for setagaya: 10,000 staff,\n"+
		"their working days, 2–6 punches a day with overtime, night shifts and missing clock-outs),\n"+
		"then recompute the month for everyone. Prints one JSON line.", stderr)
	var f dbFlags
	scale, monthFlag, seed := benchWorldFlags(fs, &f)
	workers := fs.Int("workers", 0, "compute goroutines (default: GOMAXPROCS, twice that for PostgreSQL)")
	runs := fs.Int("runs", 1, "recompute the month this many times and report the fastest run")
	keep := fs.Bool("keep", false, "keep the temporary SQLite database and print its path")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the recompute to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *runs < 1 {
		return errors.New("--runs must be at least 1")
	}
	loc, err := f.location()
	if err != nil {
		return err
	}
	today := kintai.DateOf(time.Now(), loc)
	month, err := benchMonth(*monthFlag, today)
	if err != nil {
		return err
	}
	db, w, cleanup, err := openBenchWorld(ctx, &f, *scale, *seed, month, *keep, stderr)
	if err != nil {
		return err
	}
	defer cleanup()
	set, cal, err := ruleSettingsAndCalendar(ctx, db)
	if err != nil {
		return err
	}
	recs, staff := benchMonthPunches(w, month, set, cal, loc, uint64(*seed))
	start := time.Now()
	stored, err := db.ImportPunches(ctx, kintai.Actor{System: true}, recs)
	if err != nil {
		return err
	}
	res := benchRecomputeResult{DB: string(db.Dialect), Scale: *scale, Month: month.String()[:7], Staff: staff,
		InsertS: round3(time.Since(start).Seconds()), Runs: *runs}
	fmt.Fprintf(stderr, "bench: %d punches of %d staff stored in %.1fs; recomputing %s\n", stored, staff, res.InsertS, res.Month)

	if *cpuProfile != "" {
		pf, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// As of two days after the month: every day is over.
	asOf := store.MonthEnd(month).AddDays(2).Time(loc).Add(12 * time.Hour)
	var best store.RecomputeStats
	for i := range *runs {
		st, err := db.RecomputeMonth(ctx, month, nil, store.RecomputeOptions{Loc: loc, AsOf: asOf, Workers: *workers})
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "bench: run %d: %d staff-months in %.2fs\n", i+1, st.StaffMonths, st.TotalS)
		if i == 0 || st.TotalS < best.TotalS {
			best = st
		}
	}
	res.StaffMonths, res.Punches, res.Workers = best.StaffMonths, best.Punches, best.Workers
	res.ReadS, res.ComputeS, res.WriteS, res.TotalS = round3(best.ReadS), round3(best.ComputeS), round3(best.WriteS), round3(best.TotalS)
	if best.TotalS > 0 {
		res.StaffMonthsPerS = round1(float64(best.StaffMonths) / best.TotalS)
	}
	if best.ComputeS > 0 {
		res.PureStaffMonthsPerS = round1(float64(best.StaffMonths) / best.ComputeS)
		res.PureStaffMonthsPerCoreS = round1(float64(best.StaffMonths) / best.ComputeCPUS)
	}
	line, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n", line)
	return nil
}

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

// benchMonth returns the month of --month, or by default last month, or
// this month when last month lies in the previous fiscal year (whose
// 会計年度任用職員 the demo does not have).
func benchMonth(flag string, today kintai.Date) (kintai.Date, error) {
	if flag != "" {
		t, err := time.Parse("2006-01", flag)
		if err != nil {
			return kintai.Date{}, fmt.Errorf("--month %q: want YYYY-MM", flag)
		}
		return kintai.NewDate(t.Year(), t.Month(), 1), nil
	}
	last := kintai.NewDate(today.Year, today.Month-1, 1)
	if fy, _ := calendar.FiscalYear(today, time.April); last.Before(fy) {
		return store.MonthOf(today), nil
	}
	return last, nil
}

// benchMonthPunches makes the punches of every staff member appointed in
// month, on the days it is computed from (the week before it included):
// clock-in a little before the shift, clock-out a little after or with
// overtime, the breaks of the shift, some go-outs, a few late arrivals,
// absences and missing clock-outs; night shifts punch out the next
// morning. It returns them with the number of staff who have any.
func benchMonthPunches(w *demoWorld, month kintai.Date, set rules.Settings, cal *calendar.Calendar, loc *time.Location, seed uint64) ([]store.PunchRecord, int) {
	rng := rand.New(rand.NewPCG(seed, 0x72656361)) // "reca"
	patterns := map[string]*rules.Pattern{}
	for i := range w.m.Patterns {
		patterns[w.m.Patterns[i].Code] = &w.m.Patterns[i]
	}
	type key struct {
		no  string
		day kintai.Date
	}
	shifts := map[key]rules.DayShift{}
	for _, ds := range w.m.DayShifts {
		shifts[key{ds.StaffNo, ds.Date}] = ds.DayShift
	}
	holiday := store.HolidayFunc(cal)
	from, last := month.AddDays(-7), store.MonthEnd(month)
	mins := func(m int) time.Duration { return time.Duration(m) * time.Minute }
	jitter := func() time.Duration { return time.Duration(rng.IntN(60)) * time.Second }
	var recs []store.PunchRecord
	staffWithPunches := 0
	for _, st := range w.m.Staff {
		id := w.staffIDs[st.StaffNo]
		p := patterns[st.PatternCode]
		partTime := p.PartTime
		worked := false
		for day := from; !day.After(last); day = day.AddDays(1) {
			if day.Before(st.AppointedOn) || (!st.AppointmentEndsOn.IsZero() && day.After(st.AppointmentEndsOn)) {
				continue
			}
			var ds *rules.DayShift
			if d, ok := shifts[key{st.StaffNo, day}]; ok {
				ds = &d
			}
			kind, shift, err := rules.Plan(*p, day, ds, holiday, set, loc)
			if err != nil || kind != rules.Workday || shift == nil || rng.IntN(100) < 3 { // 3% absent
				continue
			}
			worked = true
			n := 0
			add := func(kind punch.Kind, at time.Time, where punch.WorkLocation) {
				n++
				at = at.Add(jitter())
				recs = append(recs, store.PunchRecord{Origin: "import:bench", Actor: kintai.Actor{System: true}, Punch: punch.Punch{
					Input: punch.Input{ClientKey: "b" + strconv.FormatInt(id, 10) + "-" + day.String() + "-" + strconv.Itoa(n),
						StaffID: id, Kind: kind, Method: punch.MethodCard, WorkLocation: where},
					ReceivedAt: at, At: at, BusinessDay: day}})
			}
			where := punch.WorkOffice
			if !partTime && rng.IntN(100) < 4 {
				where = punch.WorkHome
			}
			in := shift.Start.Add(-mins(rng.IntN(25)))
			if rng.IntN(100) < 2 {
				in = shift.Start.Add(mins(5 + rng.IntN(35))) // late
			}
			add(punch.ClockIn, in, where)
			for _, b := range shift.Breaks {
				add(punch.BreakStart, b.Start.Add(mins(rng.IntN(4))), where)
				add(punch.BreakEnd, b.End.Add(-mins(1+rng.IntN(4))), where)
			}
			if !partTime && rng.IntN(100) < 25 {
				out := shift.Start.Add(mins(90 + rng.IntN(120)))
				add(punch.GoOut, out, where)
				add(punch.Return, out.Add(mins(20+rng.IntN(60))), where)
			}
			end := shift.End.Add(mins(rng.IntN(12)))
			switch x := rng.IntN(100); {
			case !partTime && x < 18:
				end = shift.End.Add(mins(30 + rng.IntN(210))) // overtime
			case partTime && x < 8:
				end = shift.End.Add(mins(15 + rng.IntN(75)))
			}
			if rng.IntN(100) >= 1 { // 1% forget to clock out
				add(punch.ClockOut, end, where)
			}
		}
		if worked {
			staffWithPunches++
		}
	}
	return recs, staffWithPunches
}

// openBenchWorld opens the bench's database (a fresh SQLite file in a
// temporary directory when f names none, removed by cleanup unless keep),
// checks that it is empty and loads the demo municipality into it as of
// month.
func openBenchWorld(ctx context.Context, f *dbFlags, scale string, seed int64, month kintai.Date, keep bool, stderr io.Writer) (*store.DB, *demoWorld, func(), error) {
	cleanup := func() {}
	if f.db == "" {
		dir, err := os.MkdirTemp("", "kintai-bench-*")
		if err != nil {
			return nil, nil, nil, err
		}
		if keep {
			cleanup = func() { fmt.Fprintf(stderr, "bench: database kept at %s\n", dir) }
		} else {
			cleanup = func() { os.RemoveAll(dir) }
		}
		f.db = filepath.Join(dir, "kintai.db")
	}
	db, err := f.open(ctx)
	if err != nil {
		cleanup()
		return nil, nil, nil, err
	}
	fail := func(err error) (*store.DB, *demoWorld, func(), error) {
		db.Close()
		cleanup()
		return nil, nil, nil, err
	}
	n, err := db.CountStaff(ctx)
	if err != nil {
		return fail(err)
	}
	if n > 0 {
		return fail(fmt.Errorf("the database already has %d staff; the bench needs an empty database", n))
	}
	// The demo's day shifts cover the months around its generation day.
	w, err := loadDemoWorld(ctx, db, scale, seed, month, stderr)
	if err != nil {
		return fail(err)
	}
	return db, w, func() { db.Close(); cleanup() }, nil
}

// benchWorldFlags registers the flags of the benches that build the demo
// municipality with a month of punches: the database, the zone, the scale,
// the month and the seed.
func benchWorldFlags(fs *flag.FlagSet, f *dbFlags) (scale, month *string, seed *int64) {
	fs.StringVar(&f.db, "db", "", `database: "" for a fresh SQLite file in a temporary directory, or the URL of an EMPTY PostgreSQL database`)
	fs.StringVar(&f.tz, "tz", envOr("KINTAI_TZ", "Asia/Tokyo"), "the organisation's time zone (env KINTAI_TZ)")
	scale = fs.String("scale", "setagaya", "demo scale: setagaya (10,000 staff) or small (300)")
	month = fs.String("month", "", "the month, YYYY-MM (default: last month, or this month when last month is in the previous fiscal year)")
	seed = fs.Int64("seed", 1, "random seed of the demo and of the punches")
	return scale, month, seed
}
