package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"kintai"
	"kintai/store"
)

// closeStatus is the JSON line kintai close --status prints.
type closeStatus struct {
	Month       string                    `json:"month"`
	Staff       int                       `json:"staff"`
	Unconfirmed []store.MonthConfirmation `json:"unconfirmed"`
	Blockers    []store.CloseBlocker      `json:"blockers"`
	Closes      []store.MonthClose        `json:"closes"`
}

func runClose(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("close", "Close a month (月次締め) for an org unit and everything below it, or for everyone: stale\n"+
		"results are recomputed first, then the month is locked. Closing while staff have not\n"+
		"confirmed takes --reason; closing over open punch exceptions or pending requests takes\n"+
		"--force and a reason. --reopen lifts a close (with --reason); --status lists who has not\n"+
		"confirmed, what blocks the close and the closes in force. Prints one JSON line; audited\n"+
		"as the system.", stderr)
	var f dbFlags
	f.register(fs)
	month := fs.String("month", "", "the month, YYYY-MM")
	unit := fs.String("unit", "", "the org unit's code (default: everyone)")
	reason := fs.String("reason", "", "why (required to reopen, to close with staff unconfirmed, and with --force)")
	force := fs.Bool("force", false, "close over open punch exceptions and pending requests")
	reopen := fs.Bool("reopen", false, "reopen the month instead of closing it")
	status := fs.Bool("status", false, "print the month's confirmations and blockers instead")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *reopen && *status {
		return errors.New("--reopen and --status do not go together")
	}
	t, err := time.Parse("2006-01", *month)
	if err != nil {
		return fmt.Errorf("--month %q: want YYYY-MM", *month)
	}
	first := kintai.NewDate(t.Year(), t.Month(), 1)
	loc, err := f.location()
	if err != nil {
		return err
	}
	db, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	var unitID int64
	var units []int64 // nil: everyone
	if *unit != "" {
		all, err := db.FindOrgUnits(ctx)
		if err != nil {
			return err
		}
		for _, u := range all {
			if u.Code == *unit {
				unitID = u.ID
			}
		}
		if unitID == 0 {
			return fmt.Errorf("--unit %q: no org unit has this code", *unit)
		}
		units = []int64{unitID}
	}
	var out any
	switch {
	case *status:
		all, err := db.FindMonthConfirmations(ctx, first, units)
		if err != nil {
			return err
		}
		st := closeStatus{Month: *month, Staff: len(all), Unconfirmed: []store.MonthConfirmation{}}
		for _, c := range all {
			if !c.Confirmed() && !c.Closed {
				st.Unconfirmed = append(st.Unconfirmed, c)
			}
		}
		if st.Blockers, err = db.FindCloseBlockers(ctx, first, unitID); err != nil {
			return err
		}
		closes, err := db.FindMonthCloses(ctx, first)
		if err != nil {
			return err
		}
		st.Closes = []store.MonthClose{}
		for _, c := range closes {
			if c.InForce() {
				st.Closes = append(st.Closes, c)
			}
		}
		out = st
	case *reopen:
		err = db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
			out, err = tx.ReopenMonth(ctx, first, unitID, *reason)
			return err
		})
	default:
		if err := db.RecomputeForClose(ctx, first, unitID, store.RecomputeOptions{Loc: loc, AsOf: clock()}); err != nil {
			return err
		}
		err = db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
			out, err = tx.CloseMonth(ctx, first, unitID, *reason, *force)
			return err
		})
	}
	if err != nil {
		return err
	}
	line, err := json.Marshal(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n", line)
	return nil
}
