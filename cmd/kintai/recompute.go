package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"kintai"
	"kintai/store"
)

func runRecompute(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("recompute", "Recompute monthly results (再計算): a whole month for everyone, or for some staff, or\n"+
		"(--stale) whatever new punches and changed master data have made out of date, as the\n"+
		"server does every few seconds. Results are derived data; this is for after a change\n"+
		"the server cannot see, or to check the figures. Prints one JSON line of statistics.", stderr)
	var f dbFlags
	f.register(fs)
	month := fs.String("month", "", "the month to recompute, YYYY-MM")
	staff := fs.String("staff", "", "only these staff, by 職員番号, comma-separated (default: everyone appointed that month)")
	stale := fs.Bool("stale", false, "recompute what is out of date instead of a month")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if (*month == "") == !*stale {
		return errors.New("give --month YYYY-MM or --stale")
	}
	if *stale && *staff != "" {
		return errors.New("--staff goes with --month")
	}
	loc, err := f.location()
	if err != nil {
		return err
	}
	var first kintai.Date
	if *month != "" {
		t, err := time.Parse("2006-01", *month)
		if err != nil {
			return fmt.Errorf("--month %q: want YYYY-MM", *month)
		}
		first = kintai.NewDate(t.Year(), t.Month(), 1)
	}
	db, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	var ids []int64 // nil: everyone
	if *staff != "" {
		for _, no := range strings.Split(*staff, ",") {
			s, err := db.FindStaffByNo(ctx, strings.TrimSpace(no))
			if err != nil {
				return fmt.Errorf("--staff %s: %w", no, err)
			}
			ids = append(ids, s.ID)
		}
	}
	opts := store.RecomputeOptions{Loc: loc, AsOf: clock()}
	var st store.RecomputeStats
	if *stale {
		st, err = db.RecomputeStale(ctx, opts)
	} else {
		st, err = db.RecomputeMonth(ctx, first, ids, opts)
	}
	if err != nil {
		return err
	}
	line, err := json.Marshal(st)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n", line)
	return nil
}
