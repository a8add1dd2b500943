package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"kintai/face"
	"kintai/store"
	"kintai/web/app"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "Start the kintai server. Migrations run on start.", stderr)
	var f dbFlags
	f.register(fs)
	addr := fs.String("addr", envOr("KINTAI_ADDR", "127.0.0.1:8080"), "address to listen on, e.g. :8080 to serve the LAN (env KINTAI_ADDR)")
	demoScale := fs.String("demo", "", "if the database has no staff, fill it first with a demo municipality of this scale (small or setagaya)")
	secure := fs.Bool("secure-cookies", envOr("KINTAI_SECURE_COOKIES", "") == "1", "mark cookies Secure (set when served over HTTPS behind a proxy; env KINTAI_SECURE_COOKIES=1)")
	logJSON := fs.Bool("log-json", false, "log as JSON lines instead of text")
	faceFlags := faceKeyFlags{keyHex: os.Getenv("KINTAI_FACE_KEY")}
	fs.StringVar(&faceFlags.keyFile, "face-key-file", envOr("KINTAI_FACE_KEY_FILE", ""), "file holding the 32-byte face template key (64 hex digits; make one with 'kintai face keygen'); or set KINTAI_FACE_KEY. Without a key face recognition is off (env KINTAI_FACE_KEY_FILE)")
	conditionCheck := fs.Bool("condition-check", envOr("KINTAI_CONDITION_CHECK", "") == "1", "keep the kiosk's smile score at clock-in, shown to the staff member and only as aggregates to others (env KINTAI_CONDITION_CHECK=1)")
	var mf mailFlags
	mf.register(fs)
	th := face.DefaultThresholds()
	fs.Float64Var(&th.Match, "face-threshold", th.Match, "largest descriptor distance accepted as a face match")
	fs.Float64Var(&th.Margin, "face-margin", th.Margin, "how much farther the second-best person must be for a 1:N match")
	fs.Float64Var(&th.Uncertain, "face-uncertain", th.Uncertain, "largest distance reported as an uncertain candidate")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var h slog.Handler = slog.NewTextHandler(stderr, nil)
	if *logJSON {
		h = slog.NewJSONHandler(stderr, nil)
	}
	slog.SetDefault(slog.New(h))

	loc, err := f.location()
	if err != nil {
		return err
	}
	db, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	var signIn []demoAccount
	if *demoScale != "" {
		n, err := db.CountStaff(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			if signIn, err = loadDemo(ctx, db, *demoScale, 1, loc, stdout); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(stdout, "database already has %d staff; demo data not loaded\n", n)
		}
	}
	if err := th.Validate(); err != nil {
		return err
	}
	if faceFlags.keyFile == "" && faceFlags.keyHex == "" && *demoScale != "" && db.Dialect == store.SQLite {
		if faceFlags.keyFile, err = demoKeyFile(f.db); err != nil {
			return err
		}
	}
	faceKey, keyFrom, err := faceFlags.load()
	if err != nil {
		return err
	}
	mailCfg, err := mf.config()
	if err != nil {
		return err
	}
	a, err := app.New(app.Config{DB: db, Loc: loc, Now: time.Now, SecureCookies: *secure, Version: version,
		FaceKey: faceKey, FaceThresholds: th, ConditionCheck: *conditionCheck, LeaveGrants: true, Mail: mailCfg})
	if err != nil {
		return err
	}
	defer a.Close() // after the server: store the punches still queued
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           a,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // CSV uploads
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	fmt.Fprintf(stdout, "kintai %s listening on http://%s (database %s, %s)\n", version, ln.Addr(), redactDSN(f.db), db.Dialect)
	if faceKey != nil {
		fmt.Fprintf(stdout, "  face recognition on (template key from %s)\n", keyFrom)
	} else {
		fmt.Fprintln(stdout, "  face recognition off: no template key (--face-key-file or KINTAI_FACE_KEY); cards and PINs work")
	}
	if mailCfg != nil {
		fmt.Fprintf(stdout, "  notification email on: relay %s (%s), sender %s\n", mailCfg.Addr, mailCfg.Security, mailCfg.From)
	} else {
		fmt.Fprintln(stdout, "  notification email off (--smtp-addr); in-app notifications only")
	}
	for _, acc := range signIn {
		fmt.Fprintf(stdout, "  sign in as %-22s 職員番号 %s  パスワード %s\n", acc.role, acc.staffNo, acc.password)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
