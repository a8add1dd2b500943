package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"kintai"
	"kintai/payroll"
	"kintai/store"
)

const exportUsage = "Usage: kintai export payroll --month YYYY-MM [--format csv|xlsx] [--encoding utf-8-bom|shift_jis]\n" +
	"                             [--layout FILE] [--out FILE] [--db URL] [--tz ZONE]"

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "payroll" {
		fmt.Fprintln(stderr, exportUsage)
		return exitError(2)
	}
	return runExportPayroll(ctx, args[1:], stdout, stderr)
}

// exportPayrollResult is the JSON line export payroll prints when it
// writes to a file.
type exportPayrollResult struct {
	Month    string  `json:"month"`
	Format   string  `json:"format"`
	Encoding string  `json:"encoding,omitempty"`
	Rows     int     `json:"rows"`
	Bytes    int64   `json:"bytes"`
	Out      string  `json:"out"`
	ReadS    float64 `json:"read_s"`  // recomputing what was stale and reading the rows
	WriteS   float64 `json:"write_s"` // writing the file
}

func runExportPayroll(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export payroll", "Write the month's payroll file (給与システム連携): one line per staff member appointed\n"+
		"in the month, as CSV (UTF-8 with BOM or Shift_JIS) or .xlsx, in the entity's layout\n"+
		"(set on the /exports page) or the one in --layout. Stale results are recomputed first.\n"+
		"With --out, prints one JSON line of statistics; without, writes the file to stdout.", stderr)
	var f dbFlags
	f.register(fs)
	month := fs.String("month", "", "the month, YYYY-MM")
	format := fs.String("format", "csv", "csv or xlsx")
	enc := fs.String("encoding", "", "CSV encoding: utf-8-bom or shift_jis (default: the layout's)")
	layoutFile := fs.String("layout", "", "a layout file, text or JSON (default: the entity's saved layout)")
	out := fs.String("out", "", "the file to write (default: stdout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	t, err := time.Parse("2006-01", *month)
	if err != nil {
		return fmt.Errorf("--month %q: want YYYY-MM", *month)
	}
	first := kintai.NewDate(t.Year(), t.Month(), 1)
	if *format != "csv" && *format != "xlsx" {
		return fmt.Errorf("--format %q: want csv or xlsx", *format)
	}
	if *enc != "" && *format != "csv" {
		return errors.New("--encoding goes with --format csv")
	}
	loc, err := f.location()
	if err != nil {
		return err
	}
	var layout payroll.Layout
	if *layoutFile != "" {
		b, err := os.ReadFile(*layoutFile)
		if err != nil {
			return err
		}
		if layout, err = payroll.ParseLayout(b); err != nil {
			return fmt.Errorf("--layout %s: %w", *layoutFile, err)
		}
	}
	if *enc != "" {
		if *enc != string(payroll.UTF8BOM) && *enc != string(payroll.ShiftJIS) {
			return fmt.Errorf("--encoding %q: want utf-8-bom or shift_jis", *enc)
		}
	}
	db, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if *layoutFile == "" {
		saved, err := db.FindPayrollLayout(ctx)
		if err != nil {
			return err
		}
		layout = saved.Layout
	}
	if *enc != "" {
		layout.Encoding = payroll.Encoding(*enc)
	}
	start := time.Now()
	rows, err := db.FindPayrollRows(ctx, first, nil, store.RecomputeOptions{Loc: loc, AsOf: clock()})
	if err != nil {
		return err
	}
	res := exportPayrollResult{Month: *month, Format: *format, Rows: len(rows), Out: *out, ReadS: time.Since(start).Seconds()}
	if *format == "csv" {
		res.Encoding = string(layout.Encoding)
	}
	start = time.Now()
	w := stdout
	var file *os.File
	if *out != "" {
		if file, err = os.Create(*out); err != nil {
			return err
		}
		w = file
	}
	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(cw, 64<<10)
	if *format == "xlsx" {
		err = payroll.WriteXLSX(bw, layout, rows)
	} else {
		err = payroll.WriteCSV(bw, layout, rows)
	}
	if err == nil {
		err = bw.Flush()
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(*out)
		}
	}
	if err != nil {
		return err
	}
	res.Bytes, res.WriteS = cw.n, time.Since(start).Seconds()
	err = db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		return tx.AuditPayrollExport(ctx, store.PayrollExportAudit{Month: *month, Format: *format, Encoding: res.Encoding, Rows: len(rows)})
	})
	if err != nil || *out == "" {
		return err
	}
	line, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n", line)
	return nil
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
