package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"kintai"
	"kintai/approval"
	"kintai/calendar"
	"kintai/leave"
	"kintai/punch"
	"kintai/rules"
)

// Recomputing results (再計算).
//
// Results are derived data: month_results holds one row per staff-month,
// computed by the rules engine from the punches and the master data and
// replaced wholesale whenever any of them changes. Two things make a row
// out of date:
//
//   - New punches. They are written at thousands a second by the group
//     commit writer, so they are not tracked one by one: results_watermark
//     holds the last punch id folded into the results, and RecomputeStale
//     reads the punches after it, maps them to the staff-months they
//     belong to (by their business day, stored with each punch, and the
//     business day of the punch a correction replaces) and advances the
//     watermark in the transaction that writes the results. Within one
//     server the punch writer commits in id order, so no punch is skipped.
//   - Changes of master data (patterns, assignments, day shifts, pay,
//     calendar, settings, cap profiles, 特例業務). The store function that
//     makes the change marks the affected staff-months in results_stale in
//     the same transaction (markStale); staff_id 0 stands for everyone.
//     Only months with stored results are marked: a month without is
//     computed when first asked for.
//   - Time. A result computed while one of its days was in progress keeps
//     the end of the first such day (provisional_until); once it has come,
//     the next run or page marks the result stale (markProvisionalDue), so
//     that a clock-in left open becomes a missing clock-out.
//
// A recompute reads outside any write transaction (the SQLite writer is
// not held while a month is read and computed), then writes in one short
// transaction. What changed in between is not lost: punches newer than
// the snapshot stay after the watermark, marks whose generation moved stay
// in results_stale, and a master-data change seen through
// results_watermark.master_gen marks the rows just written stale again.
// A month's overtime enters the caps of the following months, so a row
// whose overtime changed (or that is new) marks the staff member's next
// eleven months stale.

// RecomputeOptions are the parameters of a recompute.
type RecomputeOptions struct {
	Loc  *time.Location // the organisation's zone (not nil)
	AsOf time.Time      // now: days not over yet are provisional
	// Actor is who asked, for the audit entry; zero for the system.
	Actor kintai.Actor
	// Workers computes with this many goroutines (0: GOMAXPROCS, twice
	// that for PostgreSQL, whose reads wait on the network).
	Workers int
}

// RecomputeStats says what a recompute did and how long its parts took.
type RecomputeStats struct {
	Months      int   `json:"months"`
	StaffMonths int   `json:"staff_months"`
	Punches     int64 `json:"punches"`
	Workers     int   `json:"workers"`
	// ReadS is the time reading master data plus the punch reads of the
	// workers, those divided by the number of workers (they run in
	// parallel); ComputeS likewise for the rules engine and the JSON of
	// the rows; ComputeCPUS is the compute time summed over workers.
	ReadS       float64 `json:"read_s"`
	ComputeS    float64 `json:"compute_s"`
	ComputeCPUS float64 `json:"compute_cpu_s"`
	WriteS      float64 `json:"write_s"`
	TotalS      float64 `json:"total_s"`
}

// maxStaffMonthsPerRun bounds one RecomputeStale: a backlog larger than
// this (a bulk import) is done over several runs, oldest month first, so
// that no write transaction holds the database for long. (A variable for
// tests.)
var maxStaffMonthsPerRun = 12000

// errRecomputeRaced reports that another recompute advanced the watermark
// while this one ran; its results are dropped and it runs again.
var errRecomputeRaced = errors.New("recompute: watermark moved")

// RecomputeMonth recomputes the results of month (any day of it) for
// staffIDs, or for every staff member appointed on some day of the month
// when staffIDs is nil. Rows of the given staff who were not appointed
// that month are deleted.
func (db *DB) RecomputeMonth(ctx context.Context, month kintai.Date, staffIDs []int64, o RecomputeOptions) (RecomputeStats, error) {
	start := time.Now()
	r, err := db.newRecompute(ctx, o)
	if err != nil {
		return RecomputeStats{}, err
	}
	if staffIDs != nil {
		staffIDs = normaliseIDs(staffIDs)
		if len(staffIDs) == 0 {
			return RecomputeStats{}, nil
		}
	}
	md, err := r.load(ctx, MonthOf(month), staffIDs)
	if err != nil {
		return RecomputeStats{}, err
	}
	// The month's stale marks are cleared with its rows.
	if md.marks, err = findStaleMarks(ctx, db, md.month); err != nil {
		return RecomputeStats{}, err
	}
	r.stats.ReadS = time.Since(start).Seconds()
	if err := r.compute(ctx, []*monthData{md}); err != nil {
		return r.stats, err
	}
	if len(md.rows) == 0 && len(md.marks) == 0 && !md.stored() {
		// No one to compute and nothing to delete (a month outside the
		// appointment, asked for by a page): no transaction, no audit entry.
		r.stats.TotalS = time.Since(start).Seconds()
		return r.stats, nil
	}
	err = r.write(ctx, []*monthData{md}, nil, "month")
	r.stats.TotalS = time.Since(start).Seconds()
	return r.stats, err
}

// EnsureMonthResults recomputes those of staffIDs whose result for month
// is missing or out of date (StaleStaff), so that a page shows current
// figures without waiting for the background recompute.
func (db *DB) EnsureMonthResults(ctx context.Context, month kintai.Date, staffIDs []int64, o RecomputeOptions) error {
	if err := db.markProvisionalDue(ctx, o.AsOf); err != nil {
		return err
	}
	stale, err := db.StaleStaff(ctx, month, staffIDs)
	if err != nil || len(stale) == 0 {
		return err
	}
	_, err = db.RecomputeMonth(ctx, month, stale, o)
	return err
}

// RecomputeStale recomputes every staff-month with new punches or marked
// stale, and advances the punch watermark. It is what the server runs
// every few seconds. A large backlog is done over several runs (see
// maxStaffMonthsPerRun).
// Runs racing with it are harmless: only one advances the watermark and
// writes; the others drop what they computed and try again, and after a
// few tries leave what remains to the next run.
func (db *DB) RecomputeStale(ctx context.Context, o RecomputeOptions) (RecomputeStats, error) {
	for attempt := 0; ; attempt++ {
		st, err := db.recomputeStale(ctx, o)
		if errors.Is(err, errRecomputeRaced) {
			if attempt < 2 {
				continue
			}
			return RecomputeStats{}, nil
		}
		return st, err
	}
}

func (db *DB) recomputeStale(ctx context.Context, o RecomputeOptions) (RecomputeStats, error) {
	start := time.Now()
	if err := db.markProvisionalDue(ctx, o.AsOf); err != nil {
		return RecomputeStats{}, err
	}
	r, err := db.newRecompute(ctx, o)
	if err != nil {
		return RecomputeStats{}, err
	}
	// What is new: punches after the watermark, and the stale marks.
	want := map[kintai.Date]map[int64]bool{} // month → staff (0: everyone)
	add := func(staffID int64, month kintai.Date) {
		m := want[month]
		if m == nil {
			m = map[int64]bool{}
			want[month] = m
		}
		m[staffID] = true
	}
	if r.snap.maxPunch > r.snap.watermark {
		rows, err := db.query(ctx, `SELECT p.staff_id, p.business_on, o.business_on FROM punches p
			LEFT JOIN punches o ON o.id = p.corrects_id WHERE p.id > ? AND p.id <= ?`, r.snap.watermark, r.snap.maxPunch)
		if err != nil {
			return r.stats, err
		}
		for rows.Next() {
			var staffID int64
			var day, corrected kintai.Date
			if err := rows.Scan(&staffID, &day, &corrected); err != nil {
				rows.Close()
				return r.stats, err
			}
			for _, d := range []kintai.Date{day, corrected} {
				if d.IsZero() {
					continue
				}
				// A day is computed with its own month and, in the week
				// before the next month, with that month too.
				add(staffID, MonthOf(d))
				if m := MonthOf(d.AddDays(7)); m != MonthOf(d) {
					add(staffID, m)
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return r.stats, err
		}
	}
	marks, err := findStaleMarks(ctx, db, kintai.Date{})
	if err != nil {
		return r.stats, err
	}
	for _, m := range marks {
		add(m.staffID, m.month)
	}
	if len(want) == 0 {
		if r.snap.maxPunch > r.snap.watermark {
			// Punches of staff nobody computes (none, in practice).
			return r.stats, db.advanceWatermark(ctx, r)
		}
		return r.stats, nil
	}

	months := make([]kintai.Date, 0, len(want))
	for m := range want {
		months = append(months, m)
	}
	slices.SortFunc(months, dateCompare)
	var mds []*monthData
	deferred := map[kintai.Date][]int64{}
	total := 0
	for _, m := range months {
		set := want[m]
		var ids []int64
		if !set[0] {
			for id := range set {
				ids = append(ids, id)
			}
			slices.Sort(ids)
		}
		// Oldest first, at least one month; a month of everyone counts as
		// the whole allowance.
		if total > 0 && (ids == nil || total+len(ids) > maxStaffMonthsPerRun) {
			if ids == nil {
				ids = []int64{0}
			}
			deferred[m] = ids
			continue
		}
		md, err := r.load(ctx, m, ids)
		if err != nil {
			return r.stats, err
		}
		md.marks = marksOf(marks, m)
		total += len(md.staff)
		mds = append(mds, md)
	}
	r.stats.ReadS = time.Since(start).Seconds()
	if err := r.compute(ctx, mds); err != nil {
		return r.stats, err
	}
	err = r.write(ctx, mds, deferred, "stale")
	r.stats.TotalS = time.Since(start).Seconds()
	return r.stats, err
}

func marksOf(marks []staleMark, month kintai.Date) []staleMark {
	var out []staleMark
	for _, m := range marks {
		if m.month == month {
			out = append(out, m)
		}
	}
	return out
}

// advanceWatermark moves the watermark over punches that need no result.
func (db *DB) advanceWatermark(ctx context.Context, r *recompute) error {
	return db.WithTx(ctx, r.actor, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE results_watermark SET punch_id = ? WHERE id = 1 AND punch_id = ?`, r.snap.maxPunch, r.snap.watermark)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errRecomputeRaced
		}
		return nil
	})
}

// snapshot is the state a recompute starts from.
type snapshot struct {
	watermark, masterGen int64
	// maxPunch is the last punch id when the recompute started; only
	// punches up to it are read.
	maxPunch int64
}

// recompute is one run: the settings and master data shared by its months.
type recompute struct {
	db       *DB
	loc      *time.Location
	asOf     time.Time
	today    kintai.Date
	actor    kintai.Actor
	workers  int
	set      rules.Settings
	cal      *calendar.Calendar
	holiday  func(kintai.Date) (rules.DayKind, bool)
	patterns map[int64]*rules.Pattern
	caps     *CapProfiles
	// leaveTypes are the entity's leave types by code: whether a leave
	// is paid.
	leaveTypes map[string]leave.Type
	snap       snapshot
	stats      RecomputeStats
}

func (db *DB) newRecompute(ctx context.Context, o RecomputeOptions) (*recompute, error) {
	if o.Loc == nil {
		return nil, errors.New("recompute: no location")
	}
	r := &recompute{db: db, loc: o.Loc, asOf: o.AsOf, today: kintai.DateOf(o.AsOf, o.Loc), actor: o.Actor, workers: o.Workers}
	if r.actor.String() == "anonymous" {
		r.actor = kintai.Actor{System: true}
	}
	if r.workers <= 0 {
		r.workers = runtime.GOMAXPROCS(0)
		if db.Dialect == Postgres {
			r.workers *= 2
		}
	}
	r.stats.Workers = r.workers
	// The watermark and generation first: anything that commits after
	// they are read is seen as new when this run writes.
	if err := db.queryRow(ctx, `SELECT punch_id, master_gen FROM results_watermark WHERE id = 1`).Scan(&r.snap.watermark, &r.snap.masterGen); err != nil {
		return nil, fmt.Errorf("recompute: %w", err)
	}
	if err := db.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM punches`).Scan(&r.snap.maxPunch); err != nil {
		return nil, fmt.Errorf("recompute: %w", err)
	}
	s, err := findRuleSettings(ctx, db)
	if err != nil {
		return nil, err
	}
	r.set = s.Rules
	if r.cal, err = loadCalendar(ctx, db, s.Calendar); err != nil {
		return nil, err
	}
	r.holiday = HolidayFunc(r.cal)
	lc, err := findLeaveConfig(ctx, db)
	if err != nil {
		return nil, err
	}
	r.leaveTypes = lc.typeMap()
	patterns, err := findPatterns(ctx, db)
	if err != nil {
		return nil, err
	}
	r.patterns = make(map[int64]*rules.Pattern, len(patterns))
	for i := range patterns {
		r.patterns[patterns[i].ID] = &patterns[i]
	}
	tree, err := orgTree(ctx, db)
	if err != nil {
		return nil, err
	}
	caps, err := findCapAssignments(ctx, db)
	if err != nil {
		return nil, err
	}
	r.caps = NewCapProfiles(tree, caps)
	return r, nil
}

// monthData is what computing one month needs, and what it produced.
type monthData struct {
	month, last kintai.Date
	from        kintai.Date // the first day computed (computeWindow)
	capFrom     kintai.Date // the first month the caps look at
	// all is set when every staff member is computed; else ids are.
	all   bool
	ids   []int64
	staff []staffRow
	asg   map[int64][]asgRow
	shift map[int64]map[kintai.Date]rules.DayShift
	pay   map[int64]rules.Pay
	// special holds each staff member's 特例業務 months (monthIndex).
	special map[int64]map[int]bool
	// prev holds the stored overtime of the cap window's months, this one
	// included (to see whether it changed).
	prev map[int64]map[int]prevMonth
	// extra are corrections made on days outside the window of punches
	// inside it, by staff.
	extra map[int64][]punch.Punch
	// effects are what approved requests mean for each staff member's
	// days (leave, telework, staggered hours), by staff and day.
	effects         map[int64]map[kintai.Date][]approval.Effect
	weekdayHolidays int
	dayIndex        map[kintai.Date]int
	days            []kintai.Date
	marks           []staleMark
	rows            []resultRow
	punches         int64
	// locked are the staff whose month is closed: their rows stay.
	locked []int64
}

// stored reports whether any of the month's staff have a stored row.
func (md *monthData) stored() bool {
	cur := monthIndex(md.month)
	for _, byMonth := range md.prev {
		if _, ok := byMonth[cur]; ok {
			return true
		}
	}
	return false
}

type staffRow struct {
	id, unit          int64
	emp               kintai.EmploymentType
	appointed, ending kintai.Date
}

type asgRow struct {
	pattern  *rules.Pattern
	from, to kintai.Date
}

type prevMonth struct{ overtime, restDesignated int }

// resultRow is one row of month_results ready to insert.
type resultRow struct {
	staffID                  int64
	overtime, restDesignated int
	args                     []any
}

// inClause runs fn on the rows of q, once with no staff filter when ids
// is nil, else once per chunk of ids with " AND <col> IN (…)" appended
// where q has the marker {ids}.
func (db *DB) inClause(ctx context.Context, q, col string, ids []int64, args []any, fn func(scan func(...any) error) error) error {
	run := func(q string, args []any) error {
		rows, err := db.query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := fn(rows.Scan); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	if ids == nil {
		return run(strings.Replace(q, "{ids}", "", 1), args)
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		a := append([]any{}, args...)
		for _, id := range ids[:n] {
			a = append(a, id)
		}
		if err := run(strings.Replace(q, "{ids}", " AND "+col+" IN ("+placeholders(n)+")", 1), a); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// load reads the master data of month for staffIDs (nil: everyone).
func (r *recompute) load(ctx context.Context, month kintai.Date, staffIDs []int64) (*monthData, error) {
	db := r.db
	md := &monthData{month: month, last: MonthEnd(month), all: staffIDs == nil, ids: staffIDs,
		asg: map[int64][]asgRow{}, shift: map[int64]map[kintai.Date]rules.DayShift{}, pay: map[int64]rules.Pay{},
		special: map[int64]map[int]bool{}, prev: map[int64]map[int]prevMonth{}, extra: map[int64][]punch.Punch{},
		effects: map[int64]map[kintai.Date][]approval.Effect{}}
	md.from, _ = computeWindow(month, r.set.WeekStart)
	fyFrom, fyTo := calendar.FiscalYear(month, r.set.FiscalYearStart)
	md.capFrom = AddMonths(month, -5)
	if fyFrom.Before(md.capFrom) {
		md.capFrom = fyFrom
	}
	n, err := r.cal.CountHolidays(fyFrom, fyTo, r.set.HolidayCount)
	if err != nil {
		return nil, err
	}
	md.weekdayHolidays = n
	md.dayIndex = map[kintai.Date]int{}
	for d := md.from; !d.After(md.last); d = d.AddDays(1) {
		md.dayIndex[d] = len(md.days)
		md.days = append(md.days, d)
	}

	err = db.inClause(ctx, `SELECT id, org_unit_id, employment_type, appointed_on, appointment_ends_on FROM staff
		WHERE appointed_on <= ? AND (appointment_ends_on IS NULL OR appointment_ends_on >= ?){ids} ORDER BY id`, "id", staffIDs,
		[]any{md.last, md.month}, func(scan func(...any) error) error {
			var s staffRow
			if err := scan(&s.id, &s.unit, &s.emp, &s.appointed, &s.ending); err != nil {
				return err
			}
			md.staff = append(md.staff, s)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("recompute staff: %w", err)
	}
	slices.SortFunc(md.staff, func(a, b staffRow) int { return cmp.Compare(a.id, b.id) })
	err = db.inClause(ctx, `SELECT staff_id, pattern_id, valid_from_on, valid_to_on FROM staff_work_patterns
		WHERE valid_from_on <= ? AND (valid_to_on IS NULL OR valid_to_on >= ?){ids}`, "staff_id", staffIDs,
		[]any{md.last, md.from}, func(scan func(...any) error) error {
			var staffID, patternID int64
			var a asgRow
			if err := scan(&staffID, &patternID, &a.from, &a.to); err != nil {
				return err
			}
			if a.pattern = r.patterns[patternID]; a.pattern != nil {
				md.asg[staffID] = append(md.asg[staffID], a)
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("recompute assignments: %w", err)
	}
	for _, as := range md.asg {
		slices.SortFunc(as, func(a, b asgRow) int { return dateCompare(a.from, b.from) })
	}
	err = db.inClause(ctx, `SELECT staff_id, day_on, start_min, end_min, breaks, off FROM day_shifts
		WHERE day_on >= ? AND day_on <= ?{ids}`, "staff_id", staffIDs, []any{md.from, md.last},
		func(scan func(...any) error) error {
			d, err := scanDayShift(scanFunc(scan))
			if err != nil {
				return err
			}
			m := md.shift[d.StaffID]
			if m == nil {
				m = map[kintai.Date]rules.DayShift{}
				md.shift[d.StaffID] = m
			}
			m[d.Date] = d.DayShift
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("recompute day shifts: %w", err)
	}
	// The pay in force on the month's last day, else the latest one
	// that began during the month.
	payFrom := map[int64]kintai.Date{}
	err = db.inClause(ctx, `SELECT `+payColumns+` FROM staff_pay WHERE valid_from_on <= ? AND (valid_to_on IS NULL OR valid_to_on >= ?){ids}`,
		"staff_id", staffIDs, []any{md.last, month}, func(scan func(...any) error) error {
			p, err := scanPay(scanFunc(scan))
			if err != nil {
				return err
			}
			if f, ok := payFrom[p.StaffID]; !ok || f.Before(p.ValidFrom) {
				payFrom[p.StaffID] = p.ValidFrom
				md.pay[p.StaffID] = p.Pay
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("recompute pay: %w", err)
	}
	err = db.inClause(ctx, `SELECT staff_id, month_on FROM special_months WHERE month_on >= ? AND month_on <= ?{ids}`, "staff_id", staffIDs,
		[]any{md.capFrom, month}, func(scan func(...any) error) error {
			var staffID int64
			var m kintai.Date
			if err := scan(&staffID, &m); err != nil {
				return err
			}
			if md.special[staffID] == nil {
				md.special[staffID] = map[int]bool{}
			}
			md.special[staffID][monthIndex(m)] = true
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("recompute special months: %w", err)
	}
	err = db.inClause(ctx, `SELECT staff_id, month_on, overtime_min, rest_designated_min FROM month_results
		WHERE month_on >= ? AND month_on <= ?{ids}`, "staff_id", staffIDs, []any{md.capFrom, month},
		func(scan func(...any) error) error {
			var staffID int64
			var m kintai.Date
			var p prevMonth
			if err := scan(&staffID, &m, &p.overtime, &p.restDesignated); err != nil {
				return err
			}
			if md.prev[staffID] == nil {
				md.prev[staffID] = map[int]prevMonth{}
			}
			md.prev[staffID][monthIndex(m)] = p
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("recompute earlier months: %w", err)
	}
	// Corrections stored on a day outside the window of punches inside
	// it (a punch moved to another day): without them the original would
	// still count.
	err = db.inClause(ctx, `SELECT `+prefixed("c.", punchScanColumns)+` FROM punches c JOIN punches o ON o.id = c.corrects_id
		WHERE c.corrects_id IS NOT NULL AND o.business_on >= ? AND o.business_on <= ? AND (c.business_on < ? OR c.business_on > ?)
		AND c.id <= ?{ids}`, "c.staff_id", staffIDs, []any{md.from, md.last, md.from, md.last, r.snap.maxPunch},
		func(scan func(...any) error) error {
			p, err := scanPunchLean(scan)
			if err != nil {
				return err
			}
			md.extra[p.StaffID] = append(md.extra[p.StaffID], p)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("recompute corrections: %w", err)
	}
	if err := md.loadEffects(ctx, db, staffIDs); err != nil {
		return nil, fmt.Errorf("recompute requests: %w", err)
	}
	// Closed staff-months (月次締め) keep their stored results.
	closed, err := closedUnits(ctx, db, month)
	if err != nil {
		return nil, fmt.Errorf("recompute closes: %w", err)
	}
	if closed != nil {
		md.staff = slices.DeleteFunc(md.staff, func(s staffRow) bool {
			if _, stored := md.prev[s.id][monthIndex(month)]; stored && closed(s.unit) {
				md.locked = append(md.locked, s.id)
				return true
			}
			return false
		})
	}
	return md, nil
}

// effectKinds are the request kinds whose approval changes a day's input
// (holiday work by its 振替 and 代休 days); corrections are punches
// already, and overtime orders and results are compared, not computed.
const effectKinds = `'leave', 'telework', 'staggered', 'holiday_work'`

// effectLookback bounds how long before the month a request in force may
// have been made: the dates of a request live in its payload, so the
// query filters on creation and the days are picked in Go.
const effectLookback = 13 // months

// loadEffects reads the requests in force for the month's staff and keeps
// their effects on the days of the window.
func (md *monthData) loadEffects(ctx context.Context, db *DB, staffIDs []int64) error {
	since := instant(AddMonths(md.month, -effectLookback).Time(time.UTC))
	return db.inClause(ctx, `SELECT `+requestColumns+` FROM requests
		WHERE status IN ('approved', 'cancel_pending') AND kind IN (`+effectKinds+`) AND created_at >= ?{ids}`,
		"staff_id", staffIDs, []any{since}, func(scan func(...any) error) error {
			req, _, err := scanRequest(scanFunc(scan))
			if err != nil {
				return err
			}
			for _, e := range approval.Effects(req) {
				if _, ok := md.dayIndex[e.Day]; !ok {
					continue
				}
				if md.effects[e.StaffID] == nil {
					md.effects[e.StaffID] = map[kintai.Date][]approval.Effect{}
				}
				md.effects[e.StaffID][e.Day] = append(md.effects[e.StaffID][e.Day], e)
			}
			return nil
		})
}

// applyEffects puts a day's approved requests into its input: telework;
// leave inside the day's hours (paid as the leave type says for the
// staff member's employment type; unknown types count as paid so that an
// old request is never turned into a deduction); and holiday work, which
// makes punches on a day with no shift set ordered work, and whose
// designated 代休日 makes up for a 休日's regular hours (no 休日給).
func applyEffects(in *rules.DayInput, effects []approval.Effect, emp kintai.EmploymentType, types map[string]leave.Type) {
	for _, e := range effects {
		switch e.Kind {
		case approval.EffectTelework:
			in.Telework = true
		case approval.EffectLeave:
			paid, category := true, leave.OtherLeave
			if t, ok := types[e.LeaveType]; ok {
				paid, category = t.PaidFor(emp), t.Category
			}
			if l, ok := e.Leave(in.Shift, paid); ok {
				l.Category = string(category)
				in.Leave = append(in.Leave, l)
			}
		case approval.EffectHolidayWork:
			in.Unallotted = false
			if e.Substitute == approval.SubstituteDaikyu && !e.ForDay.IsZero() && (in.Kind == rules.Holiday || in.Kind == rules.YearEnd) {
				in.Daikyu = true
			}
		}
	}
}

// substituteShift returns the day's hours under an approved 振替 or
// 代休: the 振替日 or 代休日 has none (Off), and the rest day worked by
// 振替 becomes a working day with the pattern's hours and breaks, or,
// for a pattern without hours of its own (shift, flex), the hours
// ordered.
func substituteShift(effects []approval.Effect, p rules.Pattern, day kintai.Date, loc *time.Location) (rules.DayShift, bool) {
	var ordered *rules.Interval
	workday := false
	for _, e := range effects {
		switch e.Kind {
		case approval.EffectRestDay:
			return rules.DayShift{Off: true}, true
		case approval.EffectWorkday:
			workday = true
		case approval.EffectHolidayWork:
			ordered = e.Interval
		}
	}
	if !workday {
		return rules.DayShift{}, false
	}
	if (p.Kind == rules.PatternFixed || p.Kind == rules.PatternStaggered) && p.Hours.EndMin > p.Hours.StartMin {
		return rules.DayShift{Hours: p.Hours, Breaks: slices.Clone(p.Breaks)}, true
	}
	if ordered == nil {
		return rules.DayShift{}, false
	}
	midnight := day.Time(loc)
	return rules.DayShift{Hours: rules.Span{StartMin: int(ordered.Start.Sub(midnight) / time.Minute), EndMin: int(ordered.End.Sub(midnight) / time.Minute)}}, true
}

// staggeredShift returns the day's hours chosen by an approved
// staggered-hours request under pattern p, if any.
func staggeredShift(effects []approval.Effect, p rules.Pattern) (rules.DayShift, bool) {
	for _, e := range effects {
		if e.Kind == approval.EffectStaggered {
			if ds, err := e.DayShift(p); err == nil {
				return ds, true
			}
		}
	}
	return rules.DayShift{}, false
}

// scanFunc adapts a scan function to the Scan interface.
type scanFunc func(...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// punchScanColumns are the punch columns the engine reads.
const punchScanColumns = `id, staff_id, kind, effective_at, business_on, work_location, corrects_id`

// scanPunchLean reads punchScanColumns, fast: a month is a million rows.
func scanPunchLean(scan func(...any) error) (punch.Punch, error) {
	var p punch.Punch
	var kind, loc string
	var at, day any
	var corrects *int64
	if err := scan(&p.ID, &p.StaffID, &kind, &at, &day, &loc, &corrects); err != nil {
		return p, err
	}
	p.Kind, p.WorkLocation = punch.Kind(kind), punch.WorkLocation(loc)
	if corrects != nil {
		p.CorrectsID = *corrects
	}
	var err error
	if p.At, err = anyInstant(at); err != nil {
		return p, err
	}
	p.BusinessDay, err = anyDate(day)
	return p, err
}

// anyInstant reads an instant as either driver returns it: time.Time from
// PostgreSQL, fixed-width UTC text (kintai.AuditTimeLayout) from SQLite.
func anyInstant(v any) (time.Time, error) {
	switch v := v.(type) {
	case time.Time:
		return v.UTC(), nil
	case string:
		return parseInstant(v)
	case []byte:
		return parseInstant(string(v))
	}
	return time.Time{}, fmt.Errorf("cannot read %T as an instant", v)
}

// parseInstant parses "2006-01-02T15:04:05.000000Z" without the generality
// of time.Parse, falling back to it for any other form.
func parseInstant(s string) (time.Time, error) {
	if len(s) == 27 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == '.' && s[26] == 'Z' {
		y, ok1 := digits(s[0:4])
		mo, ok2 := digits(s[5:7])
		d, ok3 := digits(s[8:10])
		h, ok4 := digits(s[11:13])
		mi, ok5 := digits(s[14:16])
		sec, ok6 := digits(s[17:19])
		us, ok7 := digits(s[20:26])
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 && h < 24 && mi < 60 && sec < 60 {
			t := time.Date(y, time.Month(mo), d, h, mi, sec, us*1000, time.UTC)
			if t.Day() == d && int(t.Month()) == mo { // not normalised: a real day
				return t, nil
			}
		}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t.UTC(), err
}

// anyDate reads a civil date as either driver returns it.
func anyDate(v any) (kintai.Date, error) {
	if s, ok := v.(string); ok && len(s) == 10 && s[4] == '-' && s[7] == '-' {
		y, ok1 := digits(s[0:4])
		m, ok2 := digits(s[5:7])
		d, ok3 := digits(s[8:10])
		if ok1 && ok2 && ok3 {
			if date := kintai.NewDate(y, time.Month(m), d); date.Day == d && int(date.Month) == m {
				return date, nil
			}
		}
	}
	var d kintai.Date
	err := d.Scan(v)
	return d, err
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// staffChunk is how many staff one punch query reads.
const staffChunk = 256

// compute reads each month's punches and computes its rows, in parallel.
func (r *recompute) compute(ctx context.Context, mds []*monthData) error {
	type job struct {
		md    *monthData
		staff []staffRow
		out   *[]resultRow
	}
	var jobs []job
	outs := map[*monthData][][]resultRow{}
	for _, md := range mds {
		chunks := make([][]resultRow, (len(md.staff)+staffChunk-1)/staffChunk)
		outs[md] = chunks
		for i := range chunks {
			jobs = append(jobs, job{md: md, staff: md.staff[i*staffChunk : min(len(md.staff), (i+1)*staffChunk)], out: &chunks[i]})
		}
	}
	ch := make(chan job)
	var mu sync.Mutex
	var firstErr error
	var readDur, computeDur time.Duration
	var wg sync.WaitGroup
	for range min(r.workers, max(len(jobs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var read, comp time.Duration
			for j := range ch {
				rows, rd, cd, n, err := r.computeChunk(ctx, j.md, j.staff)
				read += rd
				comp += cd
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				j.md.punches += n
				mu.Unlock()
				*j.out = rows
			}
			mu.Lock()
			readDur += read
			computeDur += comp
			mu.Unlock()
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	for _, md := range mds {
		for _, c := range outs[md] {
			md.rows = append(md.rows, c...)
		}
		r.stats.Months++
		r.stats.StaffMonths += len(md.rows)
		r.stats.Punches += md.punches
	}
	w := float64(r.workers)
	r.stats.ReadS += readDur.Seconds() / w
	r.stats.ComputeS += computeDur.Seconds() / w
	r.stats.ComputeCPUS += computeDur.Seconds()
	return nil
}

// computeChunk reads the punches of staff and computes their rows.
func (r *recompute) computeChunk(ctx context.Context, md *monthData, staff []staffRow) (rows []resultRow, read, comp time.Duration, n int64, err error) {
	start := time.Now()
	ids := make([]any, 0, len(staff)+3)
	ids = append(ids, md.from, md.last, r.snap.maxPunch)
	for _, s := range staff {
		ids = append(ids, s.id)
	}
	q := `SELECT ` + punchScanColumns + ` FROM punches WHERE business_on >= ? AND business_on <= ? AND id <= ?
		AND staff_id IN (` + placeholders(len(staff)) + `) ORDER BY staff_id`
	// The rows come by staff: one backing array, and each staff member's
	// punches a slice of it.
	all := make([]punch.Punch, 0, len(staff)*len(md.days)*3)
	type span struct{ from, to int }
	byStaff := make(map[int64]span, len(staff))
	dbRows, err := r.db.query(ctx, q, ids...)
	if err != nil {
		return nil, 0, 0, 0, fmt.Errorf("recompute punches: %w", err)
	}
	scan := dbRows.Scan
	for dbRows.Next() {
		p, err := scanPunchLean(scan)
		if err != nil {
			dbRows.Close()
			return nil, 0, 0, 0, fmt.Errorf("recompute punches: %w", err)
		}
		sp, ok := byStaff[p.StaffID]
		if !ok {
			sp.from = len(all)
		}
		all = append(all, p)
		sp.to = len(all)
		byStaff[p.StaffID] = sp
		n++
	}
	dbRows.Close()
	if err := dbRows.Err(); err != nil {
		return nil, 0, 0, 0, fmt.Errorf("recompute punches: %w", err)
	}
	read = time.Since(start)
	start = time.Now()
	rows = make([]resultRow, 0, len(staff))
	for i := range staff {
		sp := byStaff[staff[i].id]
		ps := all[sp.from:sp.to:sp.to]
		if extra := md.extra[staff[i].id]; len(extra) > 0 {
			ps = append(ps, extra...)
		}
		row, err := r.computeStaff(md, &staff[i], ps)
		if err != nil {
			return nil, 0, 0, 0, err
		}
		rows = append(rows, row)
	}
	return rows, read, time.Since(start), n, nil
}

// WarnPlanInvalid is the code of the warning on a day whose hours could
// not be planned (an invalid day shift); the day is computed as a rest day.
const WarnPlanInvalid = "plan_invalid"

// shiftOnly plans the days of staff with no pattern: only a day shift
// gives hours.
var shiftOnly = rules.Pattern{Name: "-", Kind: rules.PatternShift}

// computeStaff computes one staff member's month from their punches.
func (r *recompute) computeStaff(md *monthData, st *staffRow, punches []punch.Punch) (resultRow, error) {
	s := r.set
	// Corrections replace what they correct (punch.Sequence); without
	// any, the engine's own ordering is enough.
	if slices.ContainsFunc(punches, func(p punch.Punch) bool { return p.CorrectsID != 0 }) {
		punches = punch.Sequence(punches)
	}
	// Group by business day with one allocation: count, then place.
	dayOf := make([]int, len(punches))
	counts := make([]int, len(md.days)+1)
	for k := range punches {
		i, ok := md.dayIndex[punches[k].BusinessDay]
		if !ok {
			i = len(md.days) // outside the window
		}
		dayOf[k] = i
		counts[i]++
	}
	grouped := make([]punch.Punch, len(punches))
	starts := make([]int, len(counts)+1)
	for i, c := range counts {
		starts[i+1] = starts[i] + c
	}
	next := slices.Clone(starts)
	for k := range punches {
		grouped[next[dayOf[k]]] = punches[k]
		next[dayOf[k]]++
	}
	byDay := make([][]punch.Punch, len(md.days))
	for i := range byDay {
		byDay[i] = grouped[starts[i]:starts[i+1]:starts[i+1]]
	}
	partTimeStaff := st.emp == kintai.FiscalPart || st.emp == kintai.ReappointedShort
	inputs := make([]rules.DayInput, len(md.days))
	planErr := make([]error, len(md.days))
	asg := md.asg[st.id]
	shifts := md.shift[st.id]
	special := md.special[st.id]
	effects := md.effects[st.id]
	for i, day := range md.days {
		in := &inputs[i]
		in.Date = day
		in.Punches = byDay[i]
		in.Special = special[monthIndex(day)]
		for _, p := range byDay[i] {
			if p.WorkLocation.OffSite() {
				in.Telework = true
				break
			}
		}
		rest := rules.RestDay
		if day.Weekday() == s.DesignatedRestDay {
			rest = rules.DesignatedRestDay
		}
		in.Kind = rest
		if day.Before(st.appointed) || (!st.ending.IsZero() && day.After(st.ending)) {
			continue
		}
		p := &shiftOnly
		for k := range asg {
			if !day.Before(asg[k].from) && (asg[k].to.IsZero() || !day.After(asg[k].to)) {
				p = asg[k].pattern
				break
			}
		}
		in.PartTime = p.PartTime || partTimeStaff
		var ds *rules.DayShift
		if d, ok := shifts[day]; ok {
			ds = &d
		} else if d, ok := substituteShift(effects[day], *p, day, r.loc); ok {
			ds = &d
		} else if d, ok := staggeredShift(effects[day], *p); ok {
			ds = &d
		}
		kind, shift, err := rules.Plan(*p, day, ds, r.holiday, s, r.loc)
		if err != nil {
			planErr[i] = err
			continue
		}
		in.Kind, in.Shift = kind, shift
		in.Unallotted = ds == nil && (p.Kind == rules.PatternShift || p.Kind == rules.PatternFlex)
		applyEffects(in, effects[day], st.emp, r.leaveTypes)
	}
	results := rules.ComputeDays(s, inputs, st.id, r.loc, r.asOf)
	first := md.dayIndex[md.month]
	// The result holds until the first of its days still in progress is
	// over.
	var provisional time.Time
	for i := first; i < len(inputs); i++ {
		if end := rules.DayEnd(s, inputs[i].Date, inputs[i].Shift, r.loc); end.After(r.asOf) && (provisional.IsZero() || end.Before(provisional)) {
			provisional = end
		}
	}
	var prevLastOut time.Time
	for _, d := range results[:first] {
		if !d.LastOut.IsZero() {
			prevLastOut = d.LastOut
		}
	}
	days := results[first:]
	for i := range days {
		if err := planErr[first+i]; err != nil {
			ja, en := kintai.ErrorMessages(err)
			days[i].Warnings = append(days[i].Warnings, rules.Warning{Code: WarnPlanInvalid, Date: days[i].Date,
				Message:   "勤務割振りに誤りがあるため、勤務時間のない日として計算しました: " + ja,
				MessageEn: "The day's hours are invalid, so it was computed as a day without hours: " + en})
		}
	}
	mr := rules.ComputeMonth(s, rules.MonthInput{Year: md.month.Year, Month: md.month.Month, Days: days,
		PrevLastOut: prevLastOut, Pay: md.pay[st.id], WeekdayHolidays: md.weekdayHolidays})

	// Caps: the cap window's months, with this one's new overtime.
	cur := monthIndex(md.month)
	prev := md.prev[st.id]
	var capMonths []rules.CapMonth
	for m := md.capFrom; !m.After(md.month); m = AddMonths(m, 1) {
		i := monthIndex(m)
		cm := rules.CapMonth{Year: m.Year, Month: m.Month, Profile: r.caps.On(st.unit, m), Special: special[i]}
		if i == cur {
			cm.OvertimeMin, cm.RestDesignatedMin = mr.OvertimeMin, mr.RestDesignatedMin
		} else if p, ok := prev[i]; ok {
			cm.OvertimeMin, cm.RestDesignatedMin = p.overtime, p.restDesignated
		}
		capMonths = append(capMonths, cm)
	}
	profile := capMonths[len(capMonths)-1].Profile
	alerts := rules.CheckCaps(s, capMonths)
	var forecast kintai.Date
	if MonthOf(r.today) == md.month {
		if d, ok := rules.Forecast(days, r.today, rules.MonthCapOf(profile)); ok {
			forecast = d
		}
	}

	daysJSON, err := marshalDays(days)
	if err != nil {
		return resultRow{}, err
	}
	categories, err := json.Marshal(nonNilSlice(mr.Categories))
	if err != nil {
		return resultRow{}, err
	}
	warnings, err := json.Marshal(nonNilSlice(mr.Warnings))
	if err != nil {
		return resultRow{}, err
	}
	alertsJSON, err := json.Marshal(nonNilSlice(alerts))
	if err != nil {
		return resultRow{}, err
	}
	leaveJSON := []byte("{}")
	if len(mr.LeaveByCategory) > 0 {
		if leaveJSON, err = json.Marshal(mr.LeaveByCategory); err != nil {
			return resultRow{}, err
		}
	}
	row := resultRow{staffID: st.id, overtime: mr.OvertimeMin, restDesignated: mr.RestDesignatedMin}
	row.args = []any{st.id, md.month, nil /* computed_at, set when written */, st.unit, string(profile), mr.DaysWorked,
		mr.ScheduledMin, mr.WorkedMin, mr.RegularMin, mr.OvertimeMin, mr.Over60Min, mr.Over60RestMin, mr.NightMin, mr.HolidayPayMin,
		mr.RestDesignatedMin, mr.SpecialMin, mr.LateMin, mr.EarlyMin, mr.LeaveMin, mr.UnpaidLeaveMin, mr.AbsenceMin,
		mr.TeleworkDays, mr.ExceptionDays, len(mr.Warnings), gravest(alerts), mr.HourlyYen, mr.AmountYen, forecast,
		string(categories), string(warnings), string(alertsJSON), string(leaveJSON), string(daysJSON), instant(provisional)}
	return row, nil
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// resultInsertCols is the number of columns of a month_results row.
const resultInsertCols = 34

// write stores the rows of mds in one transaction, with the bookkeeping
// described at the top of this file. deferred are staff-months of a
// RecomputeStale left for a later run (staff id 0: everyone); trigger is
// "month" or "stale" (which also advances the watermark).
func (r *recompute) write(ctx context.Context, mds []*monthData, deferred map[kintai.Date][]int64, trigger string) error {
	start := time.Now()
	defer func() { r.stats.WriteS = time.Since(start).Seconds() }()
	return r.db.WithTx(ctx, r.actor, func(tx *Tx) error {
		if trigger == "stale" && r.snap.maxPunch != r.snap.watermark {
			res, err := tx.exec(ctx, `UPDATE results_watermark SET punch_id = ? WHERE id = 1 AND punch_id = ?`, r.snap.maxPunch, r.snap.watermark)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return errRecomputeRaced
			}
		}
		var watermark, gen int64
		if err := tx.queryRow(ctx, `SELECT punch_id, master_gen FROM results_watermark WHERE id = 1`).Scan(&watermark, &gen); err != nil {
			return err
		}
		now := instant(tx.Now)
		var monthNames []string
		for _, md := range mds {
			monthNames = append(monthNames, md.month.String()[:7])
			if err := tx.deleteResults(ctx, md); err != nil {
				return err
			}
			if err := tx.insertResults(ctx, md.rows, now); err != nil {
				return err
			}
			computed := map[int64]bool{}
			for _, row := range md.rows {
				computed[row.staffID] = true
			}
			for _, m := range md.marks {
				if (m.staffID == 0 && md.all) || (m.staffID != 0 && (md.all || slices.Contains(md.ids, m.staffID))) {
					if _, err := tx.exec(ctx, `DELETE FROM results_stale WHERE staff_id = ? AND month_on = ? AND gen = ?`, m.staffID, m.month, m.gen); err != nil {
						return err
					}
				}
			}
			// Overtime that changed enters the caps of later months.
			var changed []int64
			prevIdx := monthIndex(md.month)
			for _, row := range md.rows {
				// A month computed for the first time, late, counts as a
				// change from nothing.
				p := md.prev[row.staffID][prevIdx]
				if p.overtime != row.overtime || p.restDesignated != row.restDesignated {
					changed = append(changed, row.staffID)
				}
			}
			if err := tx.markStaleMonths(ctx, changed, AddMonths(md.month, 1), AddMonths(md.month, 11)); err != nil {
				return err
			}
			// A master-data change committed while this run read: what it
			// wrote may predate the change.
			if gen != r.snap.masterGen {
				ids := slices.Sorted(maps.Keys(computed))
				if err := tx.addStaleMarks(ctx, md.month, ids); err != nil {
					return err
				}
			}
		}
		// Punches another run folded in after this one's snapshot.
		if watermark > r.snap.maxPunch {
			if err := tx.markPunchMonths(ctx, r.snap.maxPunch, watermark, mds); err != nil {
				return err
			}
		}
		for m, ids := range deferred {
			if err := tx.addStaleMarks(ctx, m, ids); err != nil {
				return err
			}
		}
		return tx.AuditKey(ctx, "results.recompute", "month_results", strings.Join(monthNames, ","), nil, map[string]any{
			"trigger": trigger, "months": monthNames, "staff_months": r.stats.StaffMonths, "punches": r.stats.Punches,
			"watermark": max(watermark, r.snap.watermark)})
	})
}

// deleteResults deletes the rows of md's month that its rows replace: of
// its staff, or of everyone, but those of closed staff-months.
func (tx *Tx) deleteResults(ctx context.Context, md *monthData) error {
	if md.all && len(md.locked) == 0 {
		_, err := tx.exec(ctx, `DELETE FROM month_results WHERE month_on = ?`, md.month)
		return err
	}
	ids := md.ids
	if md.all {
		ids = nil
		rows, err := tx.query(ctx, `SELECT staff_id FROM month_results WHERE month_on = ?`, md.month)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if len(md.locked) > 0 {
		locked := make(map[int64]bool, len(md.locked))
		for _, id := range md.locked {
			locked[id] = true
		}
		ids = slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return locked[id] })
	}
	return tx.execIn(ctx, `DELETE FROM month_results WHERE month_on = ? AND staff_id IN ({ids})`, []any{md.month}, ids)
}

// resultWriteColumns are the columns recompute writes.
const resultWriteColumns = resultColumns + `, days, provisional_until`

// resultUpsert makes a row written by another recompute since this one
// deleted the month's rows give way: two pages may recompute the same
// stale month at once.
var resultUpsert = func() string {
	var set []string
	for _, c := range strings.Split(resultWriteColumns, ",") {
		if c = strings.TrimSpace(c); c != "staff_id" && c != "month_on" {
			set = append(set, c+" = excluded."+c)
		}
	}
	return ` ON CONFLICT (staff_id, month_on) DO UPDATE SET ` + strings.Join(set, ", ")
}()

// insertResults writes rows with multi-row inserts.
func (tx *Tx) insertResults(ctx context.Context, rows []resultRow, now any) error {
	const perStatement = 100
	q := map[int]string{}
	for len(rows) > 0 {
		n := min(len(rows), perStatement)
		if q[n] == "" {
			q[n] = `INSERT INTO month_results (` + resultWriteColumns + `) VALUES ` + valuesList(n, resultInsertCols) + resultUpsert
		}
		args := make([]any, 0, n*resultInsertCols)
		for _, row := range rows[:n] {
			row.args[2] = now
			args = append(args, row.args...)
		}
		if _, err := tx.exec(ctx, q[n], args...); err != nil {
			return fmt.Errorf("month results: %w", err)
		}
		rows = rows[n:]
	}
	return nil
}

// execIn runs q once per chunk of ids, {ids} in q replaced by the chunk's
// placeholders (appended after args).
func (tx *Tx) execIn(ctx context.Context, q string, args []any, ids []int64) error {
	for len(ids) > 0 {
		n := min(len(ids), 500)
		a := append([]any{}, args...)
		for _, id := range ids[:n] {
			a = append(a, id)
		}
		if _, err := tx.exec(ctx, strings.Replace(q, "{ids}", placeholders(n), 1), a...); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// queryIn runs q once per chunk of ids, {ids} in q replaced by the
// chunk's placeholders (appended after args), and calls fn on each row.
func (tx *Tx) queryIn(ctx context.Context, q string, args []any, ids []int64, fn func(*sql.Rows) error) error {
	for chunk := range slices.Chunk(ids, 500) {
		a := append([]any{}, args...)
		for _, id := range chunk {
			a = append(a, id)
		}
		rows, err := tx.query(ctx, strings.Replace(q, "{ids}", placeholders(len(chunk)), 1), a...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := fn(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// markProvisionalDue marks stale the results whose provisional_until has
// come by asOf (a day of theirs in progress when they were computed is now
// over) and clears it, so that each is marked once.
func (db *DB) markProvisionalDue(ctx context.Context, asOf time.Time) error {
	if asOf.IsZero() {
		return nil
	}
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM month_results WHERE provisional_until <= ? LIMIT 1) due`, instant(asOf)).Scan(&n); err != nil || n == 0 {
		return err
	}
	return db.WithTx(ctx, kintai.Actor{System: true}, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO results_stale (staff_id, month_on) SELECT staff_id, month_on FROM month_results WHERE provisional_until <= ?
			ON CONFLICT (staff_id, month_on) DO UPDATE SET gen = results_stale.gen + 1`, instant(asOf)); err != nil {
			return fmt.Errorf("provisional results: %w", err)
		}
		_, err := tx.exec(ctx, `UPDATE month_results SET provisional_until = NULL WHERE provisional_until <= ?`, instant(asOf))
		return err
	})
}

// markStaleMonths marks stale the stored results of staffIDs from month
// from to month to.
func (tx *Tx) markStaleMonths(ctx context.Context, staffIDs []int64, from, to kintai.Date) error {
	return tx.execIn(ctx, `INSERT INTO results_stale (staff_id, month_on) SELECT DISTINCT staff_id, month_on FROM month_results
		WHERE month_on >= ? AND month_on <= ? AND staff_id IN ({ids}) ON CONFLICT (staff_id, month_on) DO UPDATE SET gen = results_stale.gen + 1`,
		[]any{from, to}, staffIDs)
}

// addStaleMarks marks month stale for staffIDs (0: everyone), whether or
// not it has results.
func (tx *Tx) addStaleMarks(ctx context.Context, month kintai.Date, staffIDs []int64) error {
	for len(staffIDs) > 0 {
		n := min(len(staffIDs), 500)
		args := make([]any, 0, 2*n)
		for _, id := range staffIDs[:n] {
			args = append(args, id, month)
		}
		if _, err := tx.exec(ctx, `INSERT INTO results_stale (staff_id, month_on) VALUES `+valuesList(n, 2)+`
			ON CONFLICT (staff_id, month_on) DO UPDATE SET gen = results_stale.gen + 1`, args...); err != nil {
			return fmt.Errorf("stale marks: %w", err)
		}
		staffIDs = staffIDs[n:]
	}
	return nil
}

// markPunchMonths marks stale the staff-months of mds that have punches
// with ids in (after, upTo].
func (tx *Tx) markPunchMonths(ctx context.Context, after, upTo int64, mds []*monthData) error {
	rows, err := tx.query(ctx, `SELECT staff_id, business_on FROM punches WHERE id > ? AND id <= ?`, after, upTo)
	if err != nil {
		return err
	}
	type key struct {
		staff int64
		month kintai.Date
	}
	seen := map[key]bool{}
	for rows.Next() {
		var k key
		var day kintai.Date
		if err := rows.Scan(&k.staff, &day); err != nil {
			rows.Close()
			return err
		}
		for _, md := range mds {
			if !day.Before(md.from) && !day.After(md.last) {
				k.month = md.month
				seen[k] = true
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for k := range seen {
		if err := tx.addStaleMarks(ctx, k.month, []int64{k.staff}); err != nil {
			return err
		}
	}
	return nil
}

// marshalDays writes days as stored in month_results.days: the JSON of
// rules.DayResult with zero figures left out (a month of them would be
// most of a row), so that it decodes straight into rules.DayResult. It
// writes what json.Marshal would write for the type storedDay of the
// tests, without its reflection: a month of days for ten thousand staff is
// most of a recompute's output.
func marshalDays(days []rules.DayResult) ([]byte, error) {
	b := make([]byte, 0, 320*len(days))
	b = append(b, '[')
	for i := range days {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendDay(b, &days[i]); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

func appendDay(b []byte, d *rules.DayResult) ([]byte, error) {
	b = append(b, `{"date":"`...)
	b = append(b, d.Date.String()...)
	b = append(b, `","kind":`...)
	b = appendJSONString(b, string(d.Kind))
	for _, f := range [...]struct {
		name string
		v    int
	}{{"scheduled_min", d.ScheduledMin}, {"worked_min", d.WorkedMin}, {"regular_min", d.RegularMin}, {"late_min", d.LateMin},
		{"early_min", d.EarlyMin}, {"break_min", d.BreakMin}, {"break_added_min", d.BreakAddedMin}, {"overtime_min", d.OvertimeMin},
		{"band100_min", d.Band100Min}, {"night_min", d.NightMin}, {"night_regular_min", d.NightRegularMin},
		{"holiday_pay_min", d.HolidayPayMin}, {"leave_min", d.LeaveMin}, {"unpaid_leave_min", d.UnpaidLeaveMin},
		{"absence_min", d.AbsenceMin}} {
		if f.v != 0 {
			b = append(b, ',', '"')
			b = append(b, f.name...)
			b = append(b, '"', ':')
			b = strconv.AppendInt(b, int64(f.v), 10)
		}
	}
	if len(d.Segments) > 0 {
		b = append(b, `,"segments":[`...)
		for i, sg := range d.Segments {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"start":`...)
			b = appendJSONTime(b, sg.Start)
			b = append(b, `,"min":`...)
			b = strconv.AppendInt(b, int64(sg.Min), 10)
			b = append(b, `,"class":`...)
			b = appendJSONString(b, string(sg.Class))
			if sg.Night {
				b = append(b, `,"night":true`...)
			}
			b = append(b, `,"counts60":`...)
			b = strconv.AppendBool(b, sg.Counts60)
			if sg.Band100 {
				b = append(b, `,"band100":true`...)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if !d.FirstIn.IsZero() {
		b = append(b, `,"first_in":`...)
		b = appendJSONTime(b, d.FirstIn)
	}
	if !d.LastOut.IsZero() {
		b = append(b, `,"last_out":`...)
		b = appendJSONTime(b, d.LastOut)
	}
	if d.Telework {
		b = append(b, `,"telework":true`...)
	}
	if d.Special {
		b = append(b, `,"special":true`...)
	}
	// Exceptions and warnings are few: the general encoder will do.
	if len(d.Exceptions) > 0 {
		e, err := json.Marshal(d.Exceptions)
		if err != nil {
			return nil, err
		}
		b = append(append(b, `,"exceptions":`...), e...)
	}
	if len(d.Warnings) > 0 {
		w, err := json.Marshal(d.Warnings)
		if err != nil {
			return nil, err
		}
		b = append(append(b, `,"warnings":`...), w...)
	}
	if len(d.LeaveByCategory) > 0 {
		l, err := json.Marshal(d.LeaveByCategory)
		if err != nil {
			return nil, err
		}
		b = append(append(b, `,"leave_by_category":`...), l...)
	}
	return append(b, '}'), nil
}

// appendJSONTime appends t as time.Time.MarshalJSON does.
func appendJSONTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// appendJSONString appends s quoted as encoding/json does, HTML
// characters escaped; anything unusual goes through encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
