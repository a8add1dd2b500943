package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

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
	a, err := app.New(app.Config{DB: db, Loc: loc, Now: time.Now, SecureCookies: *secure, Version: version})
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
