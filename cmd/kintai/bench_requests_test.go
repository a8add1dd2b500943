package main

import (
	"testing"

	"kintai/store"
)

func TestBenchRequests(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			var res benchRequestsResult
			runJSON(t, &res, append([]string{"bench", "requests", "--scale", "small", "--month", "2026-10", "--requests", "60"}, benchDB(t, d)...)...)
			if res.DB != string(d) || res.Month != "2026-10" || res.Staff < 250 || res.Punches == 0 {
				t.Errorf("bench = %+v, want %s, 2026-10, about 300 staff with punches", res, d)
			}
			// Every request submitted is approved from its approver's inbox.
			if res.Requests != 60 || res.Approved != res.Requests || res.Approvers == 0 {
				t.Errorf("bench: %d requests, %d approved by %d approvers; want 60, all approved", res.Requests, res.Approved, res.Approvers)
			}
			// One payroll line per staff member, with the approved telework days in it.
			if res.CSVRows != 300 || res.CSVBytes == 0 || res.TeleworkD < res.Approved {
				t.Errorf("bench export: %d rows, %d bytes, %d telework days; want 300 rows with at least %d telework days",
					res.CSVRows, res.CSVBytes, res.TeleworkD, res.Approved)
			}
			if res.BulkApproveS <= 0 || res.CloseS < res.CloseRecomputeS || res.ExportS <= 0 {
				t.Errorf("bench timings = %+v, want positive times with the recompute inside the close", res)
			}
		})
	}
}
