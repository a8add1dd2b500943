// Package storetest opens real, empty kintai databases for tests: a SQLite
// file in a temporary directory, and a fresh PostgreSQL database when one
// can be reached. It is the one place that decides which databases tests
// run on.
//
// PostgreSQL is found through KINTAI_TEST_POSTGRES (a URL to an account
// that may create databases), else at postgres://postgres@127.0.0.1:5432.
// KINTAI_TEST_POSTGRES=off disables it. With KINTAI_TEST_STRICT=1 (set by
// .ci/run) a database that cannot be reached fails the test instead of
// skipping it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"kintai/store"
	"kintai/testdep"
)

// DefaultPostgres is tried when KINTAI_TEST_POSTGRES is unset.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

var (
	pgOnce sync.Once
	pgURL  string
	pgErr  string
)

// PostgresAdminURL returns the URL of a reachable PostgreSQL server, or ""
// and the reason it is not available.
func PostgresAdminURL() (string, string) {
	pgOnce.Do(func() {
		u := os.Getenv("KINTAI_TEST_POSTGRES")
		switch u {
		case "off":
			pgErr = "PostgreSQL tests disabled by KINTAI_TEST_POSTGRES=off"
			return
		case "":
			u = DefaultPostgres
		}
		db, err := sql.Open("pgx", u)
		if err != nil {
			pgErr = err.Error()
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if err := db.PingContext(ctx); err != nil {
			pgErr = "PostgreSQL not reachable at " + redact(u) + " (" + err.Error() + "); set KINTAI_TEST_POSTGRES to a URL to run the PostgreSQL suites"
			return
		}
		pgURL = u
	})
	return pgURL, pgErr
}

// NewPostgresURL creates an empty database for t, dropped when t ends, and
// returns its URL.
func NewPostgresURL(t testing.TB) string {
	t.Helper()
	admin, why := PostgresAdminURL()
	if admin == "" {
		testdep.SkipOrFail(t, why)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "kintai_test_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE DATABASE ` + name); err != nil {
		db.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		db.Close()
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// NewSQLitePath returns the path of a new SQLite file in t's temporary directory.
func NewSQLitePath(t testing.TB) string {
	t.Helper()
	return t.TempDir() + "/kintai.db"
}

// Open opens a new empty database of dialect d for t, closed when t ends.
func Open(t testing.TB, d store.Dialect, now func() time.Time) *store.DB {
	t.Helper()
	dsn := NewSQLitePath(t)
	if d == store.Postgres {
		dsn = NewPostgresURL(t)
	}
	db, err := store.Open(context.Background(), dsn, now)
	if err != nil {
		t.Fatalf("open %s test database: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Each runs fn as a subtest on a fresh SQLite database and on a fresh
// PostgreSQL database.
func Each(t *testing.T, now func() time.Time, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d, now))
		})
	}
}

// Clock is a settable clock for tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparseable URL)"
	}
	return strings.Replace(p.Redacted(), "xxxxx", "***", 1)
}
