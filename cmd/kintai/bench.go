package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"kintai"
	"kintai/punch"
	"kintai/store"
	"kintai/web/app"
)

const benchUsage = "Usage: kintai bench punches [--duration 60s] [--db URL] [--scale setagaya|small] [--crash]\n" +
	"       kintai bench recompute [--db URL] [--scale setagaya|small] [--month 2026-10]\n" +
	"       kintai bench requests [--db URL] [--scale setagaya|small] [--requests 1000]"

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "punches":
			return runBenchPunches(ctx, args[1:], stdout, stderr)
		case "recompute":
			return runBenchRecompute(ctx, args[1:], stdout, stderr)
		case "requests":
			return runBenchRequests(ctx, args[1:], stdout, stderr)
		case "-h", "--help":
			fmt.Fprintln(stdout, benchUsage+"\n\nLoad-test the punch ledger (打刻) over HTTP, time the recomputation of a month's results, or\n"+
				"time month-end work (bulk approval, monthly close, payroll CSV); see 'kintai bench punches --help',\n"+
				"'kintai bench recompute --help' and 'kintai bench requests --help'.")
			return nil
		}
	}
	fmt.Fprintln(stderr, benchUsage)
	return exitError(2)
}

// benchOptions are the flags of kintai bench punches.
type benchOptions struct {
	db, tz     string
	duration   time.Duration
	scale      string
	crash      bool
	workers    int
	seed       int64
	keep       bool
	cpuProfile string
	rate       float64
}

// benchResult is the one JSON line the bench prints.
type benchResult struct {
	DB        string  `json:"db"`
	Scale     string  `json:"scale"`
	DurationS float64 `json:"duration_s"`
	Terminals int     `json:"terminals"`
	Staff     int     `json:"staff"`
	Workers   int     `json:"workers"`
	// TargetRate is the offered load in punches/s, 0 for as fast as the
	// server answers.
	TargetRate  float64 `json:"target_rate"`
	PunchesPerS float64 `json:"punches_per_s"`
	P50MS       float64 `json:"p50_ms"`
	P90MS       float64 `json:"p90_ms"`
	P99MS       float64 `json:"p99_ms"`
	MaxMS       float64 `json:"max_ms"`
	// Acknowledged punches got a 2xx; Replayed of them a 200 because an
	// earlier attempt whose answer was lost had stored them.
	Acknowledged int64 `json:"acknowledged"`
	Replayed     int64 `json:"replayed"`
	Stored       int64 `json:"stored"`
	Duplicates   int64 `json:"duplicates"`
	Lost         int64 `json:"lost"`
	// StoredUnacknowledged are stored punches whose terminal gave up
	// before hearing so (only when the bench is interrupted).
	StoredUnacknowledged int64 `json:"stored_unacknowledged"`
	Abandoned            int64 `json:"abandoned"`
	Refused              int64 `json:"refused"`
	Retries              int64 `json:"retries"`
	Errors               int64 `json:"errors"`
	Crash                bool  `json:"crash"`
	Restarts             int   `json:"restarts"`
	Batches              int64 `json:"batches"`
	AuditIntact          bool  `json:"audit_intact"`
	AuditEntries         int64 `json:"audit_entries"`
}

func runBenchPunches(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench punches", "Load-test the punch ledger: start the server on a fresh database with the demo\n"+
		"municipality, punch from every terminal over HTTP on loopback, then check that every\n"+
		"acknowledged punch was stored exactly once. Prints one JSON line; exits 1 on a lost or\n"+
		"duplicated punch or a broken audit trail.", stderr)
	var o benchOptions
	fs.StringVar(&o.db, "db", "", `database: "" for a fresh SQLite file in a temporary directory, or the URL of an EMPTY PostgreSQL database`)
	fs.StringVar(&o.tz, "tz", envOr("KINTAI_TZ", "Asia/Tokyo"), "the organisation's time zone (env KINTAI_TZ)")
	fs.DurationVar(&o.duration, "duration", 60*time.Second, "how long the terminals punch")
	fs.StringVar(&o.scale, "scale", "setagaya", "demo scale: setagaya (10,000 staff, 446 terminals) or small")
	fs.BoolVar(&o.crash, "crash", false, "run the server as a child process, SIGKILL it at 40% of the duration and restart it")
	fs.IntVar(&o.workers, "workers", 0, "concurrent senders (default: one per terminal)")
	fs.Int64Var(&o.seed, "seed", 1, "random seed of the demo and of the load")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary SQLite database and print its path")
	fs.Float64Var(&o.rate, "rate", 0, "offered load in punches/s, spread over the terminals (default: each terminal sends its next punch as soon as the last is acknowledged)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the load phase to this file (the in-process server and the generator; only the generator with --crash)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.duration <= 0 {
		return errors.New("--duration must be positive")
	}
	if o.rate < 0 {
		return errors.New("--rate must not be negative")
	}
	f := dbFlags{db: o.db, tz: o.tz}
	loc, err := f.location()
	if err != nil {
		return err
	}
	stderr = &lockedWriter{w: stderr}
	if f.db == "" {
		dir, err := os.MkdirTemp("", "kintai-bench-*")
		if err != nil {
			return err
		}
		if o.keep {
			defer fmt.Fprintf(stderr, "bench: database kept at %s\n", dir)
		} else {
			defer os.RemoveAll(dir)
		}
		f.db = filepath.Join(dir, "kintai.db")
	}

	var profile *os.File
	if o.cpuProfile != "" {
		if profile, err = os.Create(o.cpuProfile); err != nil {
			return err
		}
		defer profile.Close()
	}

	// Prepare: demo, known terminal credentials, the staff of each site.
	db, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if db != nil {
			db.Close()
		}
	}()
	load, err := prepareBench(ctx, db, o, loc, stderr)
	if err != nil {
		return err
	}
	res := benchResult{DB: string(db.Dialect), Scale: o.scale, Terminals: len(load.terms), Staff: len(load.staffIDs),
		Workers: load.workers, TargetRate: o.rate, Crash: o.crash}

	// Serve.
	var srv benchServer
	if o.crash {
		db.Close() // the child is the database's only user while it runs
		db = nil
		c, err := newChildServer(f, stderr)
		if err != nil {
			return err
		}
		defer c.kill()
		srv = c
	} else {
		srv, err = newInProcessServer(db, loc)
		if err != nil {
			return err
		}
	}
	if err := srv.start(ctx); err != nil {
		return err
	}
	load.aim(srv.addr())
	if err := load.connect(ctx); err != nil {
		srv.stop()
		return err
	}

	// Load.
	if profile != nil {
		if err := pprof.StartCPUProfile(profile); err != nil {
			srv.stop()
			return err
		}
	}
	fmt.Fprintf(stderr, "bench: %d terminals, %d workers, %d staff, %s on %s (%s)\n",
		len(load.terms), load.workers, len(load.staffIDs), o.duration, res.DB, srv.baseURL())
	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	done := make(chan struct{})
	start := time.Now()
	load.began, load.deadline = start, start.Add(o.duration)
	// A terminal never drops a punch, but the bench must end: past this it
	// gives up and the punch counts as abandoned (never as lost).
	load.giveUp = load.deadline.Add(2*time.Minute + o.duration)
	go func() {
		load.run(loadCtx)
		close(done)
	}()
	crashed := make(chan error, 1)
	if o.crash {
		go func() {
			err := crashAndRestart(ctx, srv.(*childServer), start.Add(o.duration*4/10), done, &res, stderr)
			if err != nil {
				stopLoad()
			}
			crashed <- err
		}()
	} else {
		crashed <- nil
	}
	progress(load, start, done, stderr)
	elapsed := time.Since(start)
	if profile != nil {
		pprof.StopCPUProfile()
	}
	if err := <-crashed; err != nil {
		return err
	}
	// Interrupted or not, finish the check and report.
	ctx = context.WithoutCancel(ctx)
	b, _ := scrapeBatches(ctx, srv.baseURL())
	res.Batches += b
	if err := srv.stop(); err != nil {
		return fmt.Errorf("stop server: %w", err)
	}

	// Verify against the database.
	if db == nil {
		if db, err = f.open(ctx); err != nil {
			return err
		}
	}
	if err := load.summarise(ctx, db, &res, elapsed, stderr); err != nil {
		return err
	}
	rep, err := db.VerifyAudit(ctx)
	res.AuditEntries = rep.Entries
	res.AuditIntact = err == nil
	if err != nil {
		fmt.Fprintf(stderr, "bench: audit trail: %v\n", err)
	}
	line, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n", line)
	if res.Lost > 0 || res.Duplicates > 0 || !res.AuditIntact {
		fmt.Fprintf(stderr, "bench: FAILED: %d lost, %d duplicated, audit intact %v\n", res.Lost, res.Duplicates, res.AuditIntact)
		return exitError(1)
	}
	return nil
}

// prepareBench refuses a database that holds data, loads the demo, gives
// every terminal a credential the bench knows and returns the load to run.
func prepareBench(ctx context.Context, db *store.DB, o benchOptions, loc *time.Location, stderr io.Writer) (*benchLoad, error) {
	n, err := db.CountStaff(ctx)
	if err != nil {
		return nil, err
	}
	rows, _, err := db.PunchCounts(ctx)
	if err != nil {
		return nil, err
	}
	if n > 0 || rows > 0 {
		return nil, fmt.Errorf("the database already has %d staff and %d punches; the bench needs an empty database", n, rows)
	}
	if _, err := loadDemo(ctx, db, o.scale, o.seed, loc, stderr); err != nil {
		return nil, err
	}
	terms, err := db.FindTerminals(ctx, 0)
	if err != nil {
		return nil, err
	}
	if len(terms) == 0 {
		return nil, errors.New("the demo has no terminals")
	}
	secrets := make([]string, len(terms))
	err = db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		for i, t := range terms {
			if secrets[i], err = tx.RotateTerminalCredential(ctx, t.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	bySite, err := db.FindStaffSites(ctx, kintai.DateOf(time.Now(), loc))
	if err != nil {
		return nil, err
	}
	l := &benchLoad{seed: uint64(o.seed), rate: o.rate}
	index := map[int64]int32{}
	var all []int32
	for _, site := range slices.Sorted(maps.Keys(bySite)) { // the same load for the same seed
		for _, id := range bySite[site] {
			if _, ok := index[id]; !ok {
				index[id] = int32(len(l.staffIDs))
				l.staffIDs = append(l.staffIDs, id)
			}
		}
	}
	if len(l.staffIDs) == 0 {
		return nil, errors.New("the demo has no staff active today")
	}
	for i := range l.staffIDs {
		all = append(all, int32(i))
	}
	for i, t := range terms {
		bt := benchTerminal{id: t.ID, code: t.Code, secret: secrets[i]}
		for _, id := range bySite[t.SiteID] {
			bt.staff = append(bt.staff, index[id])
		}
		if len(bt.staff) == 0 {
			bt.staff = all // a site with no staff of its own: visitors
		}
		l.terms = append(l.terms, bt)
	}
	l.kinds = make([]atomic.Uint32, len(l.staffIDs))
	l.workers = o.workers
	if l.workers <= 0 {
		l.workers = len(l.terms)
	}
	return l, nil
}

// benchTerminal is a terminal the bench plays.
type benchTerminal struct {
	id     int64
	code   string
	secret string
	staff  []int32 // indexes into benchLoad.staffIDs
	head   []byte  // the request up to the Content-Length value (see aim)
}

// benchLoad plays the terminals.
type benchLoad struct {
	addr     string // the server's host:port
	seed     uint64
	rate     float64 // punches/s over all workers; 0: unpaced
	workers  int
	terms    []benchTerminal
	staffIDs []int64
	conns    []*benchConn    // one per worker (see connect)
	kinds    []atomic.Uint32 // punches sent per staff member, to alternate 出勤 and 退勤
	began    time.Time       // the load's start
	deadline time.Time
	giveUp   time.Time

	acked     atomic.Int64 // for progress lines
	refusedMu sync.Once
	refusal   string
	stats     []*workerStats
}

// workerStats is what one sender saw; each sender owns its own.
type workerStats struct {
	acked                                       []ackedPunch
	latUS                                       []uint32 // per acknowledged punch, the latency of the attempt that got through
	sentMS                                      []uint32 // beside latUS, when that attempt was sent (ms into the load)
	replayed, retries, errors, refused, abandon int64
}

type ackedPunch struct {
	term int32
	seq  uint32
}

var (
	kindIn  = string(punch.ClockIn)
	kindOut = string(punch.ClockOut)
)

// aim points the terminals at the server at addr.
func (l *benchLoad) aim(addr string) {
	l.addr = addr
	for i := range l.terms {
		t := &l.terms[i]
		t.head = fmt.Appendf(nil, "POST /api/v1/punches HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
			"Content-Type: application/json\r\nContent-Length: ", addr, t.secret)
	}
}

// connect opens each worker's keep-alive connection, as terminals hold
// theirs before the morning rush begins.
func (l *benchLoad) connect(ctx context.Context) error {
	l.conns = make([]*benchConn, l.workers)
	for w := range l.conns {
		l.conns[w] = &benchConn{addr: l.addr}
		if err := l.conns[w].dial(ctx); err != nil {
			for _, c := range l.conns[:w] {
				c.close()
			}
			return err
		}
	}
	return nil
}

func (l *benchLoad) run(ctx context.Context) {
	l.stats = make([]*workerStats, l.workers)
	var wg sync.WaitGroup
	for w := range l.workers {
		var mine []int
		if l.workers <= len(l.terms) {
			for t := w; t < len(l.terms); t += l.workers {
				mine = append(mine, t)
			}
		} else {
			mine = []int{w % len(l.terms)}
		}
		st := &workerStats{latUS: make([]uint32, 0, 4096)}
		l.stats[w] = st
		wg.Go(func() {
			c := l.conns[w]
			defer c.close()
			l.worker(ctx, c, w, mine, st)
		})
	}
	wg.Wait()
}

// worker sends punches from its terminals until the deadline, each until
// it is acknowledged, as a terminal with an offline queue would.
func (l *benchLoad) worker(ctx context.Context, c *benchConn, w int, mine []int, st *workerStats) {
	rng := rand.New(rand.NewPCG(l.seed, uint64(w)))
	body := make([]byte, 0, 256)
	var seq uint32
	// With a rate, each worker sends on its own schedule, from a random
	// phase so that the workers do not send in step. A worker that falls
	// behind sends at once but does not burst to catch up.
	var every time.Duration
	var next time.Time
	if l.rate > 0 {
		every = time.Duration(float64(l.workers) / l.rate * float64(time.Second))
		next = time.Now().Add(rand.N(every + 1))
	}
	for i := 0; ctx.Err() == nil && time.Now().Before(l.deadline); i++ {
		if every > 0 {
			if now := time.Now(); next.After(now) {
				sleep(ctx, next.Sub(now))
			} else if now.Sub(next) > every {
				next = now
			}
			next = next.Add(every)
			if !time.Now().Before(l.deadline) {
				break
			}
		}
		ti := mine[i%len(mine)]
		t := &l.terms[ti]
		s := t.staff[rng.IntN(len(t.staff))]
		kind := kindIn
		if l.kinds[s].Add(1)%2 == 0 {
			kind = kindOut
		}
		seq++
		body = appendPunchBody(body[:0], t.code, w, seq, l.staffIDs[s], kind, time.Now())
		if l.send(ctx, c, t, body, st) {
			st.acked = append(st.acked, ackedPunch{int32(ti), seq})
			l.acked.Add(1)
		}
	}
}

// send posts one punch, retrying the same body (the same client key)
// after transport errors, timeouts and 5xx, and reports whether it was
// acknowledged.
func (l *benchLoad) send(ctx context.Context, c *benchConn, t *benchTerminal, body []byte, st *workerStats) bool {
	backoff := 5 * time.Millisecond
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			st.retries++
			if ctx.Err() != nil || time.Now().After(l.giveUp) {
				st.abandon++
				return false
			}
			sleep(ctx, backoff/2+rand.N(backoff/2+1))
			backoff = min(backoff*2, 500*time.Millisecond)
		}
		start := time.Now()
		status, msg, err := c.post(ctx, t.head, body)
		switch {
		case err == nil && (status == http.StatusCreated || status == http.StatusOK):
			st.latUS = append(st.latUS, uint32(min(time.Since(start).Microseconds(), math.MaxUint32)))
			st.sentMS = append(st.sentMS, uint32(start.Sub(l.began).Milliseconds()))
			if status == http.StatusOK {
				st.replayed++
			}
			return true
		case err == nil && status < 500 && status != http.StatusTooManyRequests && status != http.StatusRequestTimeout:
			// Refused: a terminal shows the reason and does not resend.
			st.errors++
			st.refused++
			l.refusedMu.Do(func() { l.refusal = fmt.Sprintf("%d %s", status, msg) })
			return false
		default:
			st.errors++
		}
	}
}

// benchTimeout is how long a terminal waits for an answer before it
// sends the punch again.
const benchTimeout = 5 * time.Second

// benchConn is a terminal's keep-alive HTTP/1.1 connection. It speaks
// just enough HTTP to post a punch and read the answer: net/http's client
// costs two goroutines per connection and a good share of a core, which on
// a small machine is taken from the server under test.
type benchConn struct {
	addr string
	conn net.Conn
	r    *bufio.Reader
	req  []byte
}

func (c *benchConn) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}

// dial opens the connection.
func (c *benchConn) dial(ctx context.Context) error {
	d := net.Dialer{Timeout: 2 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return err
	}
	c.conn = conn
	if c.r == nil {
		c.r = bufio.NewReaderSize(conn, 4096)
	} else {
		c.r.Reset(conn)
	}
	return nil
}

// post sends the request head (up to the Content-Length value) with body
// and returns the status and, for a 4xx, the start of the answer. After
// an error the connection is closed; the next post dials again.
func (c *benchConn) post(ctx context.Context, head, body []byte) (status int, msg string, err error) {
	if c.conn == nil {
		if err := c.dial(ctx); err != nil {
			return 0, "", err
		}
	}
	defer func() {
		if err != nil {
			c.close()
		}
	}()
	if err := c.conn.SetDeadline(time.Now().Add(benchTimeout)); err != nil {
		return 0, "", err
	}
	c.req = append(c.req[:0], head...)
	c.req = strconv.AppendInt(c.req, int64(len(body)), 10)
	c.req = append(c.req, "\r\n\r\n"...)
	c.req = append(c.req, body...)
	if _, err := c.conn.Write(c.req); err != nil {
		return 0, "", err
	}
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, "", err
	}
	// HTTP/1.1 201 Created
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return 0, "", fmt.Errorf("bad status line %q", line)
	}
	if status = atoiBytes(line[9:12]); status < 100 {
		return 0, "", fmt.Errorf("bad status line %q", line)
	}
	length, chunked, closing := -1, false, false
	for {
		if line, err = c.r.ReadSlice('\n'); err != nil {
			return 0, "", err
		}
		if len(bytes.TrimSpace(line)) == 0 {
			break
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length = atoiBytes(value); length < 0 {
				return 0, "", fmt.Errorf("bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			closing = bytes.EqualFold(value, []byte("close"))
		}
	}
	keep := status >= 400 && status < 500
	switch {
	case chunked:
	chunks:
		for {
			if line, err = c.r.ReadSlice('\n'); err != nil {
				return 0, "", err
			}
			n, perr := strconv.ParseInt(string(bytes.TrimSpace(line)), 16, 32)
			switch {
			case perr != nil || n < 0:
				return 0, "", fmt.Errorf("bad chunk size %q", line)
			case n == 0:
				// Trailers, if any, end with a blank line.
				for {
					if line, err = c.r.ReadSlice('\n'); err != nil {
						return 0, "", err
					}
					if len(bytes.TrimSpace(line)) == 0 {
						break chunks
					}
				}
			}
			m, err := c.body(int(n)+2, keep && msg == "") // the chunk and its CRLF
			if err != nil {
				return 0, "", err
			}
			if msg == "" {
				msg = m
			}
		}
	case length >= 0:
		if msg, err = c.body(length, keep); err != nil {
			return 0, "", err
		}
	default:
		// No length: the body runs to the end of the connection.
		b, err := io.ReadAll(c.r)
		if err != nil {
			return 0, "", err
		}
		msg, closing = string(b[:min(len(b), 1024)]), true
	}
	if !keep {
		msg = ""
	}
	if closing {
		c.close()
	}
	return status, msg, nil
}

// body reads n bytes of an answer, returning the first KiB if keep.
func (c *benchConn) body(n int, keep bool) (string, error) {
	var msg string
	if keep {
		b, err := c.r.Peek(min(n, 1024, c.r.Size()))
		if err != nil {
			return "", err
		}
		msg = string(b)
	}
	_, err := c.r.Discard(n)
	return msg, err
}

// atoiBytes parses a non-negative decimal, or returns -1.
func atoiBytes(b []byte) int {
	if len(b) == 0 || len(b) > 9 {
		return -1
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// appendPunchKey appends the client key of a terminal's seq-th punch from worker w.
func appendPunchKey(b []byte, code string, w int, seq uint32) []byte {
	b = append(b, code...)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64(w), 10)
	b = append(b, '-')
	return strconv.AppendUint(b, uint64(seq), 10)
}

// appendPunchBody appends the JSON of a face punch at a terminal.
func appendPunchBody(b []byte, code string, w int, seq uint32, staffID int64, kind string, at time.Time) []byte {
	b = append(b, `{"client_key":"`...)
	b = appendPunchKey(b, code, w, seq)
	b = append(b, `","staff_id":`...)
	b = strconv.AppendInt(b, staffID, 10)
	b = append(b, `,"kind":"`...)
	b = append(b, kind...)
	b = append(b, `","method":"face","device_at":"`...)
	b = at.UTC().AppendFormat(b, punch.FingerprintTimeLayout)
	return append(b, `"}`...)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// progress prints a line every few seconds until the load is done.
func progress(l *benchLoad, start time.Time, done <-chan struct{}, stderr io.Writer) {
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	last, lastAt := int64(0), start
	for {
		select {
		case <-done:
			return
		case now := <-tick.C:
			n := l.acked.Load()
			fmt.Fprintf(stderr, "bench: %4.0fs %9d acknowledged %7.0f/s\n", now.Sub(start).Seconds(), n, float64(n-last)/now.Sub(lastAt).Seconds())
			last, lastAt = n, now
		}
	}
}

// summarise fills in res from the senders' records and the database.
func (l *benchLoad) summarise(ctx context.Context, db *store.DB, res *benchResult, elapsed time.Duration, stderr io.Writer) error {
	var lat []uint32
	for _, st := range l.stats {
		res.Acknowledged += int64(len(st.acked))
		res.Replayed += st.replayed
		res.Retries += st.retries
		res.Errors += st.errors
		res.Refused += st.refused
		res.Abandoned += st.abandon
		lat = append(lat, st.latUS...)
	}
	if l.refusal != "" {
		fmt.Fprintf(stderr, "bench: %d punches refused; the first: %s\n", res.Refused, l.refusal)
	}
	l.printWindows(stderr)
	slices.Sort(lat)
	res.P50MS, res.P90MS, res.P99MS, res.MaxMS = percentileMS(lat, 0.50), percentileMS(lat, 0.90), percentileMS(lat, 0.99), percentileMS(lat, 1)
	res.DurationS = round1(elapsed.Seconds())
	res.PunchesPerS = round1(float64(res.Acknowledged) / elapsed.Seconds())

	rows, _, err := db.PunchCounts(ctx)
	if err != nil {
		return err
	}
	keys, err := db.PunchKeys(ctx)
	if err != nil {
		return err
	}
	res.Stored = rows
	res.Duplicates = rows - int64(len(keys)) // every copy beyond the first
	found := 0
	var k []byte
	for w, st := range l.stats {
		for _, a := range st.acked {
			t := &l.terms[a.term]
			k = append(k[:0], "terminal:"...)
			k = strconv.AppendInt(k, t.id, 10)
			k = append(k, '/')
			k = appendPunchKey(k, t.code, w, a.seq)
			if c := keys[string(k)]; c == 0 {
				res.Lost++
			} else {
				found++
			}
		}
	}
	res.StoredUnacknowledged = int64(len(keys) - found)
	return nil
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// percentileMS returns the p-th percentile of the sorted latencies lat
// (microseconds) in milliseconds.
func percentileMS(lat []uint32, p float64) float64 {
	if len(lat) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(lat)))) - 1
	return round1(float64(lat[max(i, 0)]) / 1000)
}

// benchWindow is how long each line of printWindows covers.
const benchWindow = 5 * time.Second

// printWindows prints the latency of each benchWindow of the load, by
// when the punch was sent, so that a slow start or a stall shows where it
// happened.
func (l *benchLoad) printWindows(stderr io.Writer) {
	var windows [][]uint32
	for _, st := range l.stats {
		for i, at := range st.sentMS {
			w := int(time.Duration(at) * time.Millisecond / benchWindow)
			for len(windows) <= w {
				windows = append(windows, nil)
			}
			windows[w] = append(windows[w], st.latUS[i])
		}
	}
	for i, lat := range windows {
		slices.Sort(lat)
		from := time.Duration(i) * benchWindow
		fmt.Fprintf(stderr, "bench: sent %3.0f–%3.0fs %8d punches  p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms\n",
			from.Seconds(), (from + benchWindow).Seconds(), len(lat), percentileMS(lat, 0.5), percentileMS(lat, 0.99), percentileMS(lat, 1))
	}
}

// benchServer is the server under load: in this process, or a child
// process that can be killed.
type benchServer interface {
	start(ctx context.Context) error
	addr() string // host:port
	baseURL() string
	stop() error
}

type inProcessServer struct {
	app  *app.App
	srv  *http.Server
	ln   net.Listener
	errc chan error
}

func newInProcessServer(db *store.DB, loc *time.Location) (*inProcessServer, error) {
	a, err := app.New(app.Config{DB: db, Loc: loc, Now: time.Now, Version: version})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		a.Close()
		return nil, err
	}
	return &inProcessServer{app: a, ln: ln, errc: make(chan error, 1),
		srv: &http.Server{Handler: a, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}}, nil
}

func (s *inProcessServer) start(ctx context.Context) error {
	go func() { s.errc <- s.srv.Serve(s.ln) }()
	return waitReady(ctx, s.baseURL(), nil)
}

// waitReady polls base's /readyz until it answers 200 (the database is
// reachable and the punch caches are filled), for at most a minute, or
// until exited delivers the server's end.
func waitReady(ctx context.Context, base string, exited <-chan error) error {
	hc := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := hc.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-exited:
			return fmt.Errorf("server exited while starting: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return errors.New("server was not ready (/readyz) within 60s")
		}
	}
}

func (s *inProcessServer) addr() string    { return s.ln.Addr().String() }
func (s *inProcessServer) baseURL() string { return "http://" + s.addr() }

func (s *inProcessServer) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	s.app.Close() // after the server: store the punches still queued
	if serr := <-s.errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// childServer runs `kintai serve` as a child process on a fixed address,
// so that it can be killed and started again where the terminals expect it.
type childServer struct {
	exe    string
	args   []string
	env    []string
	listen string
	out    io.Writer
	cmd    *exec.Cmd
	done   chan error
}

func newChildServer(f dbFlags, out io.Writer) (*childServer, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	c := &childServer{exe: exe, listen: addr, out: out,
		args: []string{"serve", "--addr", addr, "--tz", f.tz},
		// KINTAI_TEST_MAIN makes a test binary act as kintai (see TestMain);
		// the real binary ignores it.
		env: append(os.Environ(), "KINTAI_TEST_MAIN=1")}
	if store.IsPostgres(f.db) {
		c.env = append(c.env, "KINTAI_DB="+f.db) // keep a password out of the process list
	} else {
		c.args = append(c.args, "--db", f.db)
	}
	return c, nil
}

func (c *childServer) addr() string    { return c.listen }
func (c *childServer) baseURL() string { return "http://" + c.listen }

func (c *childServer) start(ctx context.Context) error {
	cmd := exec.Command(c.exe, c.args...)
	cmd.Env = c.env
	cmd.Stdout, cmd.Stderr = c.out, c.out
	if err := cmd.Start(); err != nil {
		return err
	}
	c.cmd, c.done = cmd, make(chan error, 1)
	exited := make(chan error, 1)
	go func() {
		err := cmd.Wait()
		exited <- err
		c.done <- err
	}()
	if err := waitReady(ctx, c.baseURL(), exited); err != nil {
		c.kill()
		return err
	}
	return nil
}

// kill ends the child with SIGKILL, if it runs.
func (c *childServer) kill() {
	if c.cmd == nil {
		return
	}
	c.cmd.Process.Kill()
	<-c.done
	c.cmd = nil
}

// stop asks the child to shut down gracefully and waits.
func (c *childServer) stop() error {
	if c.cmd == nil {
		return nil
	}
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		c.kill()
		return err
	}
	select {
	case err := <-c.done:
		c.cmd = nil
		return err
	case <-time.After(30 * time.Second):
		c.kill()
		return errors.New("server did not stop within 30s of SIGTERM")
	}
}

// crashAndRestart kills the child at the given time and starts it again
// at once on the same address.
func crashAndRestart(ctx context.Context, c *childServer, at time.Time, done <-chan struct{}, res *benchResult, stderr io.Writer) error {
	select {
	case <-time.After(time.Until(at)):
	case <-done:
		return nil
	case <-ctx.Done():
		return nil
	}
	b, _ := scrapeBatches(ctx, c.baseURL())
	res.Batches += b
	killed := time.Now()
	c.kill()
	fmt.Fprintf(stderr, "bench: server killed with SIGKILL; restarting\n")
	if err := c.start(ctx); err != nil {
		return fmt.Errorf("restart after the crash: %w", err)
	}
	res.Restarts++
	fmt.Fprintf(stderr, "bench: server restarted in %s\n", time.Since(killed).Round(time.Millisecond))
	return nil
}

// scrapeBatches reads the punch transactions committed from /metrics.
func scrapeBatches(ctx context.Context, base string) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "kintai_punch_batches_total "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return int64(f), err
		}
	}
	return 0, errors.New("no kintai_punch_batches_total in /metrics")
}

// lockedWriter serialises writes from the bench, its server and its child.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (lw *lockedWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.w.Write(p)
}
