package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"kintai/punch"
	"kintai/store"
	"kintai/store/storetest"
)

// benchDB returns the --db flag for a fresh database of dialect d.
func benchDB(t *testing.T, d store.Dialect) []string {
	t.Helper()
	if d == store.Postgres {
		return []string{"--db", storetest.NewPostgresURL(t)}
	}
	return nil // the bench makes its own SQLite file
}

// runBenchForTest runs kintai bench punches and returns its JSON line.
func runBenchForTest(t *testing.T, args ...string) benchResult {
	t.Helper()
	var stdout, stderr syncBuffer
	err := run(context.Background(), append([]string{"bench", "punches"}, args...), &stdout, &stderr)
	if err != nil {
		t.Fatalf("bench punches %s = %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("bench printed %d lines on stdout, want one JSON line:\n%s", len(lines), stdout.String())
	}
	var res benchResult
	dec := json.NewDecoder(strings.NewReader(lines[0]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("bench output %q: %v", lines[0], err)
	}
	t.Logf("%s", lines[0])
	return res
}

// checkExactlyOnce fails unless every acknowledged punch, and nothing
// else, was stored once.
func checkExactlyOnce(t *testing.T, res benchResult) {
	t.Helper()
	if res.Acknowledged == 0 || res.Lost != 0 || res.Duplicates != 0 || res.Stored != res.Acknowledged ||
		res.StoredUnacknowledged != 0 || res.Abandoned != 0 || res.Refused != 0 || !res.AuditIntact {
		t.Errorf("bench = acknowledged %d, stored %d, lost %d, duplicates %d, stored unacknowledged %d, abandoned %d, refused %d, audit intact %v;"+
			" want every acknowledged punch stored once, nothing refused and an intact audit trail",
			res.Acknowledged, res.Stored, res.Lost, res.Duplicates, res.StoredUnacknowledged, res.Abandoned, res.Refused, res.AuditIntact)
	}
	if res.AuditEntries < res.Stored {
		t.Errorf("audit trail has %d entries for %d punches", res.AuditEntries, res.Stored)
	}
}

func TestBenchPunches(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			res := runBenchForTest(t, append([]string{"--scale", "small", "--duration", "3s"}, benchDB(t, d)...)...)
			checkExactlyOnce(t, res)
			if res.DB != string(d) || res.Scale != "small" || res.Terminals != 14 || res.Workers != 14 || res.Staff == 0 || res.Crash || res.Restarts != 0 {
				t.Errorf("bench = %+v, want the small demo's 14 terminals on %s, no crash", res, d)
			}
			if res.PunchesPerS <= 0 || res.P50MS <= 0 || res.P50MS > res.P99MS || res.P99MS > res.MaxMS || res.DurationS < 3 {
				t.Errorf("bench rates = %v/s, p50 %v p99 %v max %v ms over %vs", res.PunchesPerS, res.P50MS, res.P99MS, res.MaxMS, res.DurationS)
			}
			if res.Batches <= 0 || res.Batches > res.Stored {
				t.Errorf("bench batches = %d for %d punches", res.Batches, res.Stored)
			}
		})
	}
}

// TestBenchPunchesCrash kills the server with SIGKILL under load and
// checks that the terminals' retries leave every acknowledged punch
// stored exactly once.
func TestBenchPunchesCrash(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			duration := "8s"
			if d == store.Postgres {
				duration = "5s"
			}
			res := runBenchForTest(t, append([]string{"--crash", "--scale", "small", "--duration", duration}, benchDB(t, d)...)...)
			checkExactlyOnce(t, res)
			if !res.Crash || res.Restarts < 1 {
				t.Errorf("bench = crash %v, %d restarts; want at least one restart", res.Crash, res.Restarts)
			}
		})
	}
}

func TestBenchRefusesDatabaseWithData(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "kintai.db")
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"demo", "--db", dsn, "--scale", "small"}, &out, &errOut); err != nil {
		t.Fatalf("demo: %v", err)
	}
	out.Reset()
	err := run(ctx, []string{"bench", "punches", "--db", dsn, "--scale", "small", "--duration", "1s"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Errorf("bench on a database with staff = %v, want a refusal", err)
	}
	if out.Len() != 0 {
		t.Errorf("bench printed %q after refusing", out.String())
	}
}

func TestAppendPunchBody(t *testing.T) {
	at := time.Date(2026, 4, 1, 8, 30, 15, 123456789, time.FixedZone("JST", 9*3600))
	b := appendPunchBody(nil, "T0007", 3, 42, 1234, string(punch.ClockOut), at)
	var in punch.Input
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		t.Fatalf("appendPunchBody() = %s: %v", b, err)
	}
	want := time.Date(2026, 3, 31, 23, 30, 15, 123000000, time.UTC)
	if in.ClientKey != "T0007-3-42" || in.StaffID != 1234 || in.Kind != punch.ClockOut || in.Method != punch.MethodFace ||
		in.DeviceAt == nil || !in.DeviceAt.Equal(want) {
		t.Errorf("appendPunchBody() = %s, want key T0007-3-42, staff 1234, clock_out, face, device_at %v", b, want)
	}
}

// TestBenchConn drives the bench's HTTP client against net/http's server:
// fixed-length, chunked and refused answers on one kept-alive connection,
// and a server that closes it.
func TestBenchConn(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch string(body) {
		case "small":
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"punch":{}}`)
		case "chunked":
			for range 8 {
				io.WriteString(w, strings.Repeat("x", 1000))
				w.(http.Flusher).Flush()
			}
		case "refused":
			w.WriteHeader(http.StatusUnprocessableEntity)
			io.WriteString(w, `{"error":{"code":"invalid"}}`)
		case "close":
			w.Header().Set("Connection", "close")
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	c := &benchConn{addr: addr}
	defer c.close()
	head := []byte("POST /api/v1/punches HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\nContent-Length: ")
	tests := []struct {
		body   string
		status int
		msg    string
		conns  int32
	}{
		{"small", 201, "", 1},
		{"chunked", 200, "", 1},
		{"refused", 422, `{"error":{"code":"invalid"}}`, 1},
		{"small", 201, "", 1},
		{"close", 503, "", 1},
		{"small", 201, "", 2},
	}
	for _, tt := range tests {
		status, msg, err := c.post(context.Background(), head, []byte(tt.body))
		if err != nil || status != tt.status || strings.TrimSpace(msg) != tt.msg {
			t.Fatalf("post(%s) = %d %q %v, want %d %q", tt.body, status, msg, err, tt.status, tt.msg)
		}
		if n := conns.Load(); n != tt.conns {
			t.Errorf("after post(%s) the server saw %d connections, want %d", tt.body, n, tt.conns)
		}
	}
}
