package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"kintai"
	"kintai/approval"
	"kintai/payroll"
	"kintai/punch"
	"kintai/rules"
	"kintai/store"
)

// benchRequestsResult is the one JSON line kintai bench requests prints.
type benchRequestsResult struct {
	DB      string `json:"db"`
	Scale   string `json:"scale"`
	Month   string `json:"month"`
	Staff   int    `json:"staff"`
	Punches int    `json:"punches"`
	// PrecomputeS is the background recompute of the month's punches
	// before the month-end work (what the server does as they come in).
	PrecomputeS float64 `json:"precompute_s"`
	// Requests were made and submitted (untimed); Approvers is how many
	// inboxes they waited in, each approved in one bulk decision.
	Requests  int `json:"requests"`
	Approvers int `json:"approvers"`
	Approved  int `json:"approved"`
	// BulkApproveS is the wall-clock time of all the bulk decisions.
	BulkApproveS float64 `json:"bulk_approve_s"`
	// CloseS is closing the month for everyone: recomputing what is
	// stale (the staff-months the approvals changed), then the close
	// itself.
	CloseS          float64 `json:"close_s"`
	CloseRecomputeS float64 `json:"close_recompute_s"`
	// ExportS is reading the payroll rows and writing the CSV.
	ExportS   float64 `json:"export_s"`
	CSVRows   int     `json:"csv_rows"`
	CSVBytes  int64   `json:"csv_bytes"`
	TeleworkD int     `json:"telework_days_exported"`
	// FiveDayS is HR's list of staff with fewer than 5 days of annual
	// leave taken (the /leave page), over everyone appointed.
	FiveDayS      float64 `json:"five_day_s"`
	FiveDayAlerts int     `json:"five_day_alerts"`
}

func runBenchRequests(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench requests", "Time the month-end work of a whole municipality: build the demo on a fresh database\n"+
		"with a month of punches (computed first, as the server does while they come in),\n"+
		"submit --requests telework declarations (在宅勤務届) across the org units, then time\n"+
		"(1) bulk-approving them from each approver's inbox, (2) closing the month for everyone\n"+
		"(月次締め, with the recompute before it), (3) writing the payroll CSV and (4) listing the\n"+
		"staff with fewer than 5 days of annual leave taken (HR's /leave page). Prints one JSON line.", stderr)
	var f dbFlags
	scale, monthFlag, seed := benchWorldFlags(fs, &f)
	n := fs.Int("requests", 1000, "how many requests to submit and approve")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	loc, err := f.location()
	if err != nil {
		return err
	}
	month, err := benchMonth(*monthFlag, kintai.DateOf(clock(), loc))
	if err != nil {
		return err
	}
	db, w, cleanup, err := openBenchWorld(ctx, &f, *scale, *seed, month, false, stderr)
	if err != nil {
		return err
	}
	defer cleanup()
	set, cal, err := ruleSettingsAndCalendar(ctx, db)
	if err != nil {
		return err
	}
	recs, staff := benchMonthPunches(w, month, set, cal, loc, uint64(*seed))
	if _, err := db.ImportPunches(ctx, kintai.Actor{System: true}, recs); err != nil {
		return err
	}
	res := benchRequestsResult{DB: string(db.Dialect), Scale: *scale, Month: month.String()[:7], Staff: staff, Punches: len(recs)}
	// As of two days after the month: every day is over.
	asOf := store.MonthEnd(month).AddDays(2).Time(loc).Add(12 * time.Hour)
	o := store.RecomputeOptions{Loc: loc, AsOf: asOf}
	// The server's background loop keeps results current as punches come
	// in; do its work first (timed apart), so that the close recomputes
	// what the approvals changed, as it would at a real month-end.
	start := time.Now()
	for {
		st, err := db.RecomputeStale(ctx, o)
		if err != nil {
			return err
		}
		if st.StaffMonths == 0 {
			break
		}
	}
	res.PrecomputeS = round3(time.Since(start).Seconds())

	// The requests: a telework declaration for a working day of the month,
	// one per staff member, spread over the staff list so that every part
	// of the organisation has some waiting.
	holiday := store.HolidayFunc(cal)
	patterns := map[string]*rules.Pattern{}
	for i := range w.m.Patterns {
		patterns[w.m.Patterns[i].Code] = &w.m.Patterns[i]
	}
	byApprover := map[int64][]int64{}
	var eligible []int // staff on fixed or staggered days
	for i, st := range w.m.Staff {
		if p := patterns[st.PatternCode]; p != nil && !p.PartTime && !st.AppointedOn.After(month) {
			eligible = append(eligible, i)
		}
	}
	step := max(1, len(eligible) / *n)
	for j := 0; j < len(eligible) && res.Requests < *n; j += step {
		i := eligible[j]
		st, p := w.m.Staff[i], patterns[w.m.Staff[i].PatternCode]
		day := kintai.Date{}
		for d, k := month.AddDays(i%20), 0; k < 31; d, k = d.AddDays(1), k+1 {
			if d.After(store.MonthEnd(month)) {
				d = month
			}
			if kind, _, err := rules.Plan(*p, d, nil, holiday, set, loc); err == nil && kind == rules.Workday {
				day = d
				break
			}
		}
		if day.IsZero() {
			continue
		}
		actor, _, err := db.LoadActor(ctx, w.staffIDs[st.StaffNo])
		if err != nil {
			return err
		}
		var req approval.Request
		err = db.WithTx(ctx, actor, func(tx *store.Tx) error {
			req, err = tx.CreateRequest(ctx, approval.Request{Kind: approval.KindTelework,
				Telework: &approval.Telework{Day: day, Location: punch.WorkHome, Note: "bench"}}, true)
			return err
		})
		if err != nil {
			return fmt.Errorf("staff %s: telework on %s: %w", st.StaffNo, day, err)
		}
		if cur := req.Current(); cur != nil && len(cur.Approvers) > 0 {
			byApprover[cur.Approvers[0]] = append(byApprover[cur.Approvers[0]], req.ID)
		}
		res.Requests++
	}
	res.Approvers = len(byApprover)
	fmt.Fprintf(stderr, "bench: %d punches stored; %d requests waiting for %d approvers\n", len(recs), res.Requests, res.Approvers)

	start = time.Now()
	for approver, ids := range byApprover {
		actor, _, err := db.LoadActor(ctx, approver)
		if err != nil {
			return err
		}
		out, err := db.DecideRequests(ctx, actor, ids, approval.Decision{Action: approval.ActionApprove})
		if err != nil {
			return err
		}
		for _, o := range out {
			if o.OK {
				res.Approved++
			}
		}
	}
	res.BulkApproveS = round3(time.Since(start).Seconds())

	start = time.Now()
	if err := db.RecomputeForClose(ctx, month, 0, o); err != nil {
		return err
	}
	res.CloseRecomputeS = round3(time.Since(start).Seconds())
	hr, _, err := db.LoadActor(ctx, w.staffIDs[w.m.HRNo])
	if err != nil {
		return err
	}
	if err := db.WithTx(ctx, hr, func(tx *store.Tx) error {
		tx.Now = asOf
		_, err := tx.CloseMonth(ctx, month, 0, "bench: 月次締め", true)
		return err
	}); err != nil {
		return err
	}
	res.CloseS = round3(time.Since(start).Seconds())

	start = time.Now()
	rows, err := db.FindPayrollRows(ctx, month, nil, o)
	if err != nil {
		return err
	}
	cw := &countingWriter{w: io.Discard}
	bw := bufio.NewWriterSize(cw, 64<<10)
	if err := payroll.WriteCSV(bw, payroll.DefaultLayout(), rows); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	res.ExportS, res.CSVRows, res.CSVBytes = round3(time.Since(start).Seconds()), len(rows), cw.n
	for _, r := range rows {
		res.TeleworkD += r.Result.TeleworkDays
	}

	start = time.Now()
	lastDay := store.AddMonths(month, 1).AddDays(-1)
	active, err := db.FindStaffActive(ctx, lastDay, lastDay)
	if err != nil {
		return err
	}
	ids := make([]int64, len(active))
	for i, s := range active {
		ids[i] = s.ID
	}
	alerts, err := db.FiveDayAlerts(ctx, ids, lastDay)
	if err != nil {
		return err
	}
	res.FiveDayS, res.FiveDayAlerts = round3(time.Since(start).Seconds()), len(alerts)
	line, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n", line)
	return nil
}
