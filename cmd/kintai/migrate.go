package main

import (
	"context"
	"fmt"
	"io"

	"kintai/store"
)

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", "Apply every embedded schema migration not yet applied. Migrations are forward-only.", stderr)
	var f dbFlags
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := f.open(ctx) // opening applies the migrations
	if err != nil {
		return err
	}
	defer db.Close()
	names, err := store.Migrations(db.Dialect)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: schema up to date (%d migrations, last %s)\n", redactDSN(f.db), len(names), names[len(names)-1])
	return nil
}
