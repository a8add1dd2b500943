package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"kintai/store"
	"kintai/store/storetest"
)

// runJSON runs a command and decodes its one JSON line into out.
func runJSON(t *testing.T, out any, args ...string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("kintai %s = %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("kintai %s printed %d lines, want one JSON line:\n%s", strings.Join(args, " "), len(lines), stdout.String())
	}
	dec := json.NewDecoder(strings.NewReader(lines[0]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		t.Fatalf("output %q: %v", lines[0], err)
	}
	t.Logf("%s", lines[0])
}

func TestBenchRecompute(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			var res benchRecomputeResult
			runJSON(t, &res, append([]string{"bench", "recompute", "--scale", "small", "--month", "2026-10", "--runs", "2"}, benchDB(t, d)...)...)
			if res.DB != string(d) || res.Month != "2026-10" || res.Runs != 2 {
				t.Errorf("bench = %+v, want %s, 2026-10, 2 runs", res, d)
			}
			// 300 staff, some of whom punch on every working day.
			if res.Staff < 250 || res.StaffMonths != 300 || res.Punches < int64(40*res.Staff) {
				t.Errorf("bench = %d staff with punches, %d staff-months, %d punches; want about 300, 300 and some 20 days of 2–6 punches each",
					res.Staff, res.StaffMonths, res.Punches)
			}
			if res.TotalS <= 0 || res.ComputeS <= 0 || res.StaffMonthsPerS <= 0 || res.PureStaffMonthsPerS < res.StaffMonthsPerS {
				t.Errorf("bench timings = %+v, want positive times and a pure rate above the whole rate", res)
			}
		})
	}
}

func TestRecomputeCommand(t *testing.T) {
	path := storetest.NewSQLitePath(t)
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"demo", "--db", path, "--scale", "small"}, &stdout, &stderr); err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr.String())
	}
	// The demo's 会計年度任用職員 are appointed for this fiscal year.
	loc, _ := time.LoadLocation("Asia/Tokyo")
	month := time.Now().In(loc).Format("2006-01")
	var st store.RecomputeStats
	runJSON(t, &st, "recompute", "--db", path, "--month", month)
	if st.StaffMonths != 300 || st.Months != 1 {
		t.Errorf("recompute --month = %+v, want 300 staff-months of one month", st)
	}
	runJSON(t, &st, "recompute", "--db", path, "--month", month, "--staff", "000001, 000002")
	if st.StaffMonths != 2 {
		t.Errorf("recompute --staff of two = %+v, want 2 staff-months", st)
	}
	// Nothing has changed since: nothing is stale.
	runJSON(t, &st, "recompute", "--db", path, "--stale")
	if st.StaffMonths != 0 {
		t.Errorf("recompute --stale = %+v, want nothing to do", st)
	}
	for _, args := range [][]string{
		{"recompute", "--db", path},
		{"recompute", "--db", path, "--month", "2026-10", "--stale"},
		{"recompute", "--db", path, "--month", "October"},
		{"recompute", "--db", path, "--month", "2026-10", "--staff", "999999"},
	} {
		if err := run(context.Background(), args, &stdout, &stderr); err == nil {
			t.Errorf("kintai %s succeeded, want an error", strings.Join(args, " "))
		}
	}
}
