// Command kintai is the attendance, work-time and room-access system for
// Japanese local governments (勤怠・庶務事務・入退室管理), in one binary.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"kintai"

	_ "time/tzdata" // the organisation's zone must load on any machine
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	var exit exitError
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
	case errors.As(err, &exit):
		os.Exit(int(exit))
	default:
		// A domain error says why in Japanese and English.
		if ja, en := kintai.ErrorMessages(err); ja != "" {
			fmt.Fprintf(os.Stderr, "kintai: %s\nkintai: %s\n", ja, en)
		} else {
			fmt.Fprintln(os.Stderr, "kintai:", err)
		}
		os.Exit(1)
	}
}

// exitError ends the program with a status after the command has said why.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() map[string]command {
	return map[string]command{
		"serve":     {"start the server (サーバーを起動)", runServe},
		"migrate":   {"bring the database schema up to date (スキーマ更新)", runMigrate},
		"demo":      {"fill an empty database with a synthetic municipality (デモデータ作成)", runDemo},
		"import":    {"import the staff master CSV (職員CSV取込)", runImport},
		"audit":     {"verify the tamper-evident audit trail (監査ログ検証)", runAudit},
		"face":      {"purge face templates of ended appointments, make a key (顔テンプレート)", runFace},
		"bench":     {"load-test the punch ledger over HTTP (負荷試験)", runBench},
		"recompute": {"recompute monthly results (月次集計の再計算)", runRecompute},
		"export":    {"write the payroll file of a month (給与連携ファイル出力)", runExport},
		"leave":     {"grant a year's annual leave with carry-over (年次休暇の付与)", runLeave},
		"close":     {"close or reopen a month, or list who has not confirmed (月次締め)", runClose},
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout, cmds)
		if len(args) == 0 {
			return exitError(2)
		}
		return nil
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "kintai: unknown command %q\n\n", args[0])
		usage(stderr, cmds)
		return exitError(2)
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "kintai — 勤怠・庶務事務・入退室管理 (attendance and work-time management)")
	fmt.Fprintln(w, "\nUsage: kintai <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'kintai <command> --help' for the flags of a command.")
}
