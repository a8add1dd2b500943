package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"kintai/store"
)

// clock is the commands' clock: what they stamp on audit rows, closes and
// exports, and the instant results are recomputed as of. Tests set it.
var clock = time.Now

// dbFlags are the flags every command that touches data takes.
type dbFlags struct {
	db string
	tz string
}

func newFlagSet(name, summary string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("kintai "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: kintai %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

func (f *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.db, "db", envOr("KINTAI_DB", "kintai.db"), "database: a SQLite file path or a postgres:// URL (env KINTAI_DB)")
	fs.StringVar(&f.tz, "tz", envOr("KINTAI_TZ", "Asia/Tokyo"), "the organisation's time zone; work days are civil dates in it (env KINTAI_TZ)")
}

// location loads the organisation's zone, refusing to fall back to the machine's.
func (f *dbFlags) location() (*time.Location, error) {
	if f.tz == "" || f.tz == "Local" {
		return nil, fmt.Errorf("--tz must name a zone such as Asia/Tokyo, not %q", f.tz)
	}
	loc, err := time.LoadLocation(f.tz)
	if err != nil {
		return nil, fmt.Errorf("--tz: %w", err)
	}
	return loc, nil
}

func (f *dbFlags) open(ctx context.Context) (*store.DB, error) {
	return store.Open(ctx, f.db, func() time.Time { return clock() })
}

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

// redactDSN hides a PostgreSQL password for printing.
func redactDSN(dsn string) string {
	if !store.IsPostgres(dsn) {
		return dsn
	}
	return store.RedactURL(dsn)
}
