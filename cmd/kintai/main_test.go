package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"kintai/store"
	"kintai/store/storetest"
)

// syncBuffer is a bytes.Buffer safe to read while a command writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeEndToEnd(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	db := filepath.Join(t.TempDir(), "kintai.db")
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--demo", "small"}, &stdout, &stderr)
	}()
	addr := regexp.MustCompile(`listening on (http://[0-9.:]+)`)
	var base string
	deadline := time.Now().Add(60 * time.Second)
	for base == "" {
		if m := addr.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\n%s\n%s", err, stdout.String(), stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s\n%s", stdout.String(), stderr.String())
		}
	}
	var resp *http.Response
	var err error
	for i := 0; i < 100; i++ {
		if resp, err = http.Get(base + "/healthz"); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /healthz = %v, %v", resp, err)
	}
	resp.Body.Close()
	out := stdout.String()
	for _, want := range []string{"パスワード " + DemoPassword, "システム管理者", "demo \"", "notification email off"} {
		if !strings.Contains(out, want) {
			t.Errorf("serve output lacks %q:\n%s", want, out)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

func TestAuditVerifyCommand(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.NewSQLitePath(t)
			if d == store.Postgres {
				dsn = storetest.NewPostgresURL(t)
			}
			ctx := context.Background()
			var out, errOut bytes.Buffer
			if err := run(ctx, []string{"demo", "--db", dsn, "--scale", "small"}, &out, &errOut); err != nil {
				t.Fatalf("demo: %v\n%s", err, errOut.String())
			}
			out.Reset()
			if err := run(ctx, []string{"audit", "verify", "--db", dsn}, &out, &errOut); err != nil {
				t.Fatalf("audit verify on an intact chain = %v\n%s", err, out.String())
			}
			if !strings.Contains(out.String(), "intact") {
				t.Errorf("audit verify output = %q", out.String())
			}
			db, err := store.Open(ctx, dsn, time.Now)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.ExecForTest(ctx, `UPDATE audit_log SET after_json = REPLACE(after_json, '"name":"', '"name":"X') WHERE seq = 100`); err != nil {
				t.Fatal(err)
			}
			db.Close()
			out.Reset()
			err = run(ctx, []string{"audit", "verify", "--db", dsn}, &out, &errOut)
			var exit exitError
			if !errors.As(err, &exit) || exit != 1 {
				t.Fatalf("audit verify on an altered chain = %v, want exit status 1", err)
			}
			if !strings.Contains(out.String(), "entry 100 ") {
				t.Errorf("audit verify did not name entry 100: %q", out.String())
			}
		})
	}
}

func TestImportCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn := filepath.Join(dir, "kintai.db")
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"demo", "--db", dsn, "--scale", "small"}, &out, &errOut); err != nil {
		t.Fatalf("demo: %v", err)
	}
	db, err := store.Open(ctx, dsn, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	units, _ := db.FindOrgUnits(ctx)
	sites, _ := db.FindSites(ctx)
	db.Close()
	good := "\ufeff職員番号,氏名,カナ,雇用区分,任用開始日,任用終了日,所属コード,拠点コード,上司職員番号,メールアドレス\r\n" +
		"900001,取込　一郎,トリコミ　イチロウ,常勤,2026-04-01,,%U,%S,,\r\n" +
		"900002,取込　花子,トリコミ　ハナコ,会計年度任用パートタイム,2026-04-01,2027-03-31,%U,%S,900001,\r\n"
	good = strings.NewReplacer("%U", units[len(units)-1].Code, "%S", sites[0].Code).Replace(good)
	file := filepath.Join(dir, "staff.csv")
	os.WriteFile(file, []byte(good), 0o600)

	imp := func(extra ...string) (string, error) {
		var o, e bytes.Buffer
		err := run(ctx, append([]string{"import", "--db", dsn, "--file", file}, extra...), &o, &e)
		return o.String() + e.String(), err
	}
	if got, err := imp("--dry-run"); err != nil || !strings.Contains(got, "would create 2") {
		t.Fatalf("dry run = %v %q", err, got)
	}
	if got, err := imp(); err != nil || !strings.Contains(got, "created 2") {
		t.Fatalf("import = %v %q", err, got)
	}
	if got, err := imp(); err != nil || !strings.Contains(got, "unchanged 2") {
		t.Fatalf("re-import = %v %q, want nothing changed", err, got)
	}
	bad := strings.Replace(good, "2026-04-01,2027-03-31", "2026-04-01,2025-03-31", 1)
	os.WriteFile(file, []byte(bad), 0o600)
	got, err := imp()
	var exit exitError
	if !errors.As(err, &exit) || !strings.Contains(got, ":3:") {
		t.Fatalf("import of a bad file = %v %q, want exit 1 naming line 3", err, got)
	}
}

func TestHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"--help"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"serve", "migrate", "demo", "import", "audit"} {
		if !strings.Contains(out.String(), c) {
			t.Errorf("--help does not list %s", c)
		}
	}
	err := run(context.Background(), []string{"serve", "--help"}, &out, &errOut)
	if err == nil || !strings.Contains(errOut.String(), "-addr") {
		t.Errorf("serve --help = %v, output %q", err, errOut.String())
	}
}
