package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"kintai"
)

func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(stdout, "Usage: kintai audit verify [--db DB]\n\nRecompute the audit trail's hash chain and compare it with its recorded head.\nExits 0 when intact; 1 naming the first broken entry when any entry was altered, inserted or deleted.")
			return nil
		}
		fmt.Fprintln(stderr, "Usage: kintai audit verify [--db DB]")
		return exitError(2)
	}
	fs := newFlagSet("audit verify", "Recompute the audit trail's hash chain. Exits 0 when intact, 1 naming the first broken entry.", stderr)
	var f dbFlags
	f.register(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.VerifyAudit(ctx)
	var br *kintai.AuditBreak
	if errors.As(err, &br) {
		fmt.Fprintf(stdout, "監査ログ改ざん検知: entry %d is broken: %s (%d entries before it verified)\n", br.Seq, br.Reason, rep.Entries)
		return exitError(1)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "監査ログ正常: audit trail intact: %d entries, head %d %s (verified in %s)\n", rep.Entries, rep.HeadSeq, rep.HeadHash, rep.Took.Round(1e6))
	return nil
}
