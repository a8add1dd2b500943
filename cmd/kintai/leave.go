package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"kintai"
	"kintai/store"
)

func runLeave(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "grant" {
		fmt.Fprintln(stderr, "Usage: kintai leave grant --year YYYY")
		return exitError(2)
	}
	fs := newFlagSet("leave grant", "Grant a year's annual leave (年次休暇の付与) to every staff member in service, carrying over\n"+
		"the unused days of the year before (up to 20, used first). Regular staff are granted by the\n"+
		"calendar year (20 days, 別表第1 in the year they join, never below the 労基法 floor);\n"+
		"会計年度任用職員 by the fiscal year starting in April of --year (the 国頭村 tables, never below\n"+
		"the 労基法 floor). Idempotent: a year is never granted twice; the server runs it daily for\n"+
		"the current year. Prints one JSON line: the counts granted, carried and skipped.", stderr)
	var f dbFlags
	f.register(fs)
	year := fs.Int("year", 0, "the year to grant, e.g. 2027")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *year == 0 {
		return fmt.Errorf("give --year YYYY")
	}
	db, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	var run store.AnnualGrantRun
	err = db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		run, err = tx.GrantAnnualLeave(ctx, *year)
		return err
	})
	if err != nil {
		return err
	}
	line, err := json.Marshal(map[string]int{"year": run.Year, "granted": len(run.Granted), "carried": len(run.Carried), "skipped": run.Skipped})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n", line)
	return nil
}
