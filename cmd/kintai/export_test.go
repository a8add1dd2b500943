package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"kintai/store"
	"kintai/store/storetest"
)

func TestExportPayrollCommand(t *testing.T) {
	path := storetest.NewSQLitePath(t)
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"demo", "--db", path, "--scale", "small"}, &stdout, &stderr); err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr.String())
	}
	// The demo's 会計年度任用職員 are appointed for this fiscal year.
	loc, _ := time.LoadLocation("Asia/Tokyo")
	month := time.Now().In(loc).Format("2006-01")
	dir := t.TempDir()

	// CSV, UTF-8 with BOM in the default layout; nothing computed yet.
	out := filepath.Join(dir, "p.csv")
	var res exportPayrollResult
	runJSON(t, &res, "export", "payroll", "--db", path, "--month", month, "--out", out)
	if res.Rows != 300 || res.Format != "csv" || res.Encoding != "utf-8-bom" || res.Month != month {
		t.Errorf("export payroll csv = %+v, want 300 rows of %s as utf-8-bom csv", res, month)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(b)) != res.Bytes || !bytes.HasPrefix(b, []byte("\xef\xbb\xbf職員番号,氏名,")) {
		t.Errorf("CSV: %d bytes starting %q; want %d starting with the BOM and 職員番号,氏名", len(b), b[:min(len(b), 30)], res.Bytes)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(recs) != 301 || recs[1][0] != "000001" || recs[300][0] >= "000301" {
		t.Errorf("CSV: %d records (%v), first staff %q; want a header and 300 rows by staff number", len(recs), err, recs[1][0])
	}

	// Shift_JIS in a layout of our own, to stdout.
	layout := filepath.Join(dir, "layout.txt")
	if err := os.WriteFile(layout, []byte("staff_no = 職員コード\nname\nworked = 勤務時間計\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	if err := run(context.Background(), []string{"export", "payroll", "--db", path, "--month", month, "--encoding", "shift_jis",
		"--layout", layout}, &stdout, &stderr); err != nil {
		t.Fatalf("export payroll shift_jis: %v\n%s", err, stderr.String())
	}
	utf8, err := japanese.ShiftJIS.NewDecoder().Bytes(stdout.Bytes())
	if err != nil || !strings.HasPrefix(string(utf8), "職員コード,氏名,勤務時間計\r\n000001,") {
		t.Errorf("Shift_JIS export decodes to %q…, %v; want the layout's header and CRLF", string(utf8)[:min(len(utf8), 60)], err)
	}

	// xlsx: a workbook with one sheet named after the month.
	out = filepath.Join(dir, "p.xlsx")
	runJSON(t, &res, "export", "payroll", "--db", path, "--month", month, "--format", "xlsx", "--out", out)
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if res.Rows != 300 || !strings.Contains(strings.Join(names, " "), "xl/worksheets/sheet1.xml") {
		t.Errorf("xlsx export = %+v with parts %v; want 300 rows and a worksheet", res, names)
	}

	for _, args := range [][]string{
		{"export", "payroll", "--db", path},
		{"export", "payroll", "--db", path, "--month", "October"},
		{"export", "payroll", "--db", path, "--month", month, "--format", "pdf"},
		{"export", "payroll", "--db", path, "--month", month, "--format", "xlsx", "--encoding", "shift_jis"},
		{"export", "payroll", "--db", path, "--month", month, "--encoding", "euc-jp"},
		{"export", "payroll", "--db", path, "--month", month, "--layout", filepath.Join(dir, "missing.txt")},
		{"export", "payslips", "--db", path, "--month", month},
	} {
		if err := run(context.Background(), args, &stdout, &stderr); err == nil {
			t.Errorf("kintai %s succeeded, want an error", strings.Join(args, " "))
		}
	}
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("staff_no\nno_such_key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = run(context.Background(), []string{"export", "payroll", "--db", path, "--month", month, "--layout", bad}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "no_such_key") {
		t.Errorf("export with a bad layout = %v, want an error naming no_such_key", err)
	}
}

// setClock makes the commands' clock read at for the rest of the test.
func setClock(t *testing.T, at time.Time) {
	t.Helper()
	old := clock
	clock = func() time.Time { return at }
	t.Cleanup(func() { clock = old })
}

func TestExportPayrollUsesTheClock(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Tokyo")
	at := time.Date(2026, 11, 5, 9, 30, 0, 0, loc)
	setClock(t, at)
	path := storetest.NewSQLitePath(t)
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"demo", "--db", path, "--scale", "small"}, &stdout, &stderr); err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr.String())
	}
	var res exportPayrollResult
	runJSON(t, &res, "export", "payroll", "--db", path, "--month", "2026-11", "--out", filepath.Join(t.TempDir(), "p.csv"))
	if res.Rows != 300 {
		t.Errorf("export of 2026-11 on the clock's fiscal year = %d rows, want the demo's 300", res.Rows)
	}
	db, err := store.Open(context.Background(), path, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	es, err := db.FindAuditEntries(context.Background(), store.AuditFilter{Entity: "payroll_export", EntityID: "2026-11"})
	if err != nil || len(es) != 1 {
		t.Fatalf("payroll export audit rows = %v, %v; want one", es, err)
	}
	if !es[0].At.Equal(at) {
		t.Errorf("export audited at %v, want the clock's %v", es[0].At, at)
	}
}
