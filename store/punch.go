package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"kintai"
	"kintai/punch"
)

// PunchRecord is a decided punch ready to be stored, with the origin whose
// client keys it shares (e.g. "terminal:3", "staff:12").
type PunchRecord struct {
	Origin string
	Actor  kintai.Actor
	Punch  punch.Punch
}

// PunchResult is the outcome of storing one record.
type PunchResult struct {
	Punch punch.Punch
	// Replayed is set when the key had been stored before with the same
	// content: nothing new was written and Punch is the first result.
	Replayed bool
	Err      error
}

const punchColumns = `id, staff_id, kind, method, received_at, device_at, effective_at, skew_ms, delayed, business_on,
	COALESCE(terminal_id, 0), COALESCE(site_id, 0), lat, lng, accuracy_m, work_location, note, flags, COALESCE(corrects_id, 0), client_key`

func scanPunch(sc interface{ Scan(...any) error }) (punch.Punch, error) {
	var p punch.Punch
	var deviceAt time.Time
	var delayed int
	var lat, lng, acc sql.NullFloat64
	var flags string
	err := sc.Scan(&p.ID, &p.StaffID, &p.Kind, &p.Method, scanTime{&p.ReceivedAt}, scanTime{&deviceAt}, scanTime{&p.At},
		&p.SkewMS, &delayed, &p.BusinessDay, &p.TerminalID, &p.SiteID, &lat, &lng, &acc, &p.WorkLocation, &p.Note,
		&flags, &p.CorrectsID, &p.ClientKey)
	if err != nil {
		return p, err
	}
	if !deviceAt.IsZero() {
		p.DeviceAt = &deviceAt
	}
	p.Delayed = delayed == 1
	if lat.Valid && lng.Valid {
		p.Lat, p.Lng = &lat.Float64, &lng.Float64
	}
	if acc.Valid {
		p.AccuracyM = &acc.Float64
	}
	for _, f := range strings.Split(flags, ",") {
		if f != "" {
			p.Flags = append(p.Flags, punch.Flag(f))
		}
	}
	return p, nil
}

// Multi-row statements of the punch path. A batch is cut into statements
// of rowsPerStatement rows, then of the powers of two of the remainder, so
// every statement is one of a few shapes prepared once (see DB.prepare):
// SQLite would otherwise parse each anew, and PostgreSQL would cost a
// round trip per punch.
const (
	rowsPerStatement = 128
	punchInsertCols  = 21
	auditInsertCols  = 10
)

// insertPunchesQuery returns the insert of rows punches, one of statementSizes.
func insertPunchesQuery(rows int) string { return insertPunchesQueries[rows] }

var insertPunchesQueries = batchShapes(func(rows int) string {
	return `INSERT INTO punches (origin, client_key, fingerprint, staff_id, kind, method, received_at, device_at,
		effective_at, skew_ms, delayed, business_on, terminal_id, site_id, lat, lng, accuracy_m, work_location, note, flags, corrects_id)
		VALUES ` + valuesList(rows, punchInsertCols) + `
		ON CONFLICT (origin, client_key) DO NOTHING RETURNING id, origin, client_key`
})

// batchShapes builds a statement for each size statementSizes uses.
func batchShapes(query func(rows int) string) map[int]string {
	m := map[int]string{}
	for n := rowsPerStatement; n > 0; n /= 2 {
		m[n] = query(n)
	}
	return m
}

const findPunchKeyQuery = `SELECT id, fingerprint FROM punches WHERE origin = ? AND client_key = ?`

// valuesList returns rows parenthesised lists of cols placeholders.
func valuesList(rows, cols int) string {
	one := "(?" + strings.Repeat(", ?", cols-1) + ")"
	return one + strings.Repeat(", "+one, rows-1)
}

// statementSizes cuts n rows into statement sizes: full statements of
// rowsPerStatement, then the powers of two of the remainder, largest first.
func statementSizes(n int) []int {
	var sizes []int
	for ; n >= rowsPerStatement; n -= rowsPerStatement {
		sizes = append(sizes, rowsPerStatement)
	}
	for bit := rowsPerStatement / 2; bit > 0; bit /= 2 {
		if n&bit != 0 {
			sizes = append(sizes, bit)
		}
	}
	return sizes
}

// batchQueries are every statement shape the punch writer uses, to prepare.
func batchQueries() []string {
	var qs []string
	for n := rowsPerStatement; n > 0; n /= 2 {
		qs = append(qs, insertPunchesQuery(n), insertAuditsQuery(n))
	}
	return append(qs, findPunchKeyQuery)
}

// punchKey is a client key in the namespace of its origin.
type punchKey struct{ origin, key string }

// storePunches writes recs in tx, in order. A record whose key is stored
// already (before, or earlier in recs) is not written again: the same
// content is a replay and returns the first record, different content is
// a conflict. New punches go in with multi-row inserts that skip known
// keys, so a batch of new punches costs a few statements, not one or two
// per punch; known keys, which are rare, are then looked up one by one.
func (tx *Tx) storePunches(ctx context.Context, recs []PunchRecord) ([]PunchResult, error) {
	punches := make([]punch.Punch, len(recs))
	fps := make([]string, len(recs))
	first := make(map[punchKey]int, len(recs)) // the first record with each key
	var fresh []int                            // records whose key is new to recs
	for i, rec := range recs {
		p := rec.Punch
		if p.WorkLocation == "" {
			p.WorkLocation = punch.WorkOffice
		}
		punches[i], fps[i] = p, punch.Fingerprint(p.Input)
		k := punchKey{rec.Origin, p.ClientKey}
		if _, seen := first[k]; !seen {
			first[k] = i
			fresh = append(fresh, i)
		}
	}
	ids := make(map[punchKey]int64, len(fresh))
	args := make([]any, 0, min(len(fresh), rowsPerStatement)*punchInsertCols)
	for _, n := range statementSizes(len(fresh)) {
		args = args[:0]
		for _, i := range fresh[:n] {
			args = appendPunchArgs(args, recs[i].Origin, fps[i], &punches[i])
		}
		fresh = fresh[n:]
		rows, err := tx.query(ctx, insertPunchesQuery(n), args...)
		if err != nil {
			return nil, fmt.Errorf("punch: %w", err)
		}
		for rows.Next() {
			var id int64
			var k punchKey
			if err := rows.Scan(&id, &k.origin, &k.key); err != nil {
				rows.Close()
				return nil, fmt.Errorf("punch: %w", err)
			}
			ids[k] = id
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("punch: %w", err)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("punch: %w", err)
		}
	}
	res := make([]PunchResult, len(recs))
	var audits []auditChange
	for i, rec := range recs {
		k := punchKey{rec.Origin, rec.Punch.ClientKey}
		if id, ok := ids[k]; ok && first[k] == i {
			p := punches[i]
			p.ID = id
			res[i] = PunchResult{Punch: p}
			action := "punch.create"
			if p.CorrectsID != 0 {
				action = "punch.correct"
			}
			audits = append(audits, auditChange{actor: rec.Actor, action: action, entity: "punch", entityID: strconv.FormatInt(id, 10), after: p})
			continue
		}
		r, err := tx.storedPunch(ctx, k, fps[i])
		if err != nil {
			return nil, err
		}
		res[i] = r
	}
	if err := tx.auditEach(ctx, audits); err != nil {
		return nil, err
	}
	return res, nil
}

// storedPunch answers a record whose key k is stored already: a replay of
// the stored punch if the content is the same (fingerprint fp), else a conflict.
func (tx *Tx) storedPunch(ctx context.Context, k punchKey, fp string) (PunchResult, error) {
	var id int64
	var storedFP string
	if err := tx.queryRow(ctx, findPunchKeyQuery, k.origin, k.key).Scan(&id, &storedFP); err != nil {
		return PunchResult{}, fmt.Errorf("punch key: %w", err)
	}
	if storedFP != fp {
		return PunchResult{Err: punch.ErrKeyConflict()}, nil
	}
	p, err := scanPunch(tx.queryRow(ctx, `SELECT `+punchColumns+` FROM punches WHERE id = ?`, id))
	return PunchResult{Punch: p, Replayed: true}, err
}

// appendPunchArgs appends the punchInsertCols values of one row.
func appendPunchArgs(args []any, origin, fp string, p *punch.Punch) []any {
	var deviceAt any
	if p.DeviceAt != nil {
		deviceAt = instant(*p.DeviceAt)
	}
	delayed := 0
	if p.Delayed {
		delayed = 1
	}
	flags := make([]string, len(p.Flags))
	for i, f := range p.Flags {
		flags[i] = string(f)
	}
	return append(args, origin, p.ClientKey, fp, p.StaffID, p.Kind, p.Method, instant(p.ReceivedAt), deviceAt,
		instant(p.At), p.SkewMS, delayed, p.BusinessDay, nullID(p.TerminalID), nullID(p.SiteID), p.Lat, p.Lng, p.AccuracyM,
		p.WorkLocation, p.Note, strings.Join(flags, ","), nullID(p.CorrectsID))
}

// PunchWriter stores punches with group commit: the punches of every
// caller waiting while a transaction commits share the next transaction,
// so one fsync serves many punches under load. A punch is acknowledged
// only after its transaction has committed.
type PunchWriter struct {
	db       *DB
	jobs     chan *punchJob
	maxBatch int
	wg       sync.WaitGroup
	closing  chan struct{}
	mu       sync.RWMutex // guards closed against queueing (see Write)
	closed   bool
	queries  []string // to prepare
	prepared bool     // queries are prepared; used by the loop only

	// Counters for /metrics.
	Batches atomic.Int64
	Stored  atomic.Int64
}

type punchJob struct {
	ctx  context.Context
	recs []PunchRecord
	res  []PunchResult
	err  error
	done chan struct{}
}

// NewPunchWriter starts a writer that puts at most maxBatch punches in one
// transaction. Close it to stop.
func (db *DB) NewPunchWriter(maxBatch int) *PunchWriter {
	w := &PunchWriter{db: db, jobs: make(chan *punchJob, 4096), maxBatch: max(maxBatch, 1), closing: make(chan struct{}),
		queries: batchQueries()}
	w.wg.Add(1)
	go w.loop()
	if db.Dialect == SQLite {
		w.wg.Add(1)
		go w.checkpoints()
	}
	return w
}

// checkpointEvery is how often, while punches are stored, the SQLite WAL
// is copied back into the database file.
const checkpointEvery = 250 * time.Millisecond

// checkpoints copies the WAL into the database file beside the writer,
// through a read connection (a passive checkpoint blocks neither readers
// nor the writer), so that commits seldom reach the write connection's
// automatic checkpoint, which would stall every punch waiting behind it.
func (w *PunchWriter) checkpoints() {
	defer w.wg.Done()
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	var last int64
	for {
		select {
		case <-w.closing:
			return
		case <-tick.C:
		}
		if n := w.Batches.Load(); n != last {
			last = n
			// A failed checkpoint is left to the automatic one.
			w.db.read.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
		}
	}
}

// ErrWriterClosed is returned for punches sent after Close.
var ErrWriterClosed = errors.New("punch writer closed")

// Write stores recs and returns a result for each, in order. The error is
// for failures of the whole call (shutdown, cancellation); per-punch
// refusals are in the results.
func (w *PunchWriter) Write(ctx context.Context, recs []PunchRecord) ([]PunchResult, error) {
	job := &punchJob{ctx: ctx, recs: recs, done: make(chan struct{})}
	// The read lock keeps Close from finishing while a job is being
	// queued: a job queued after the loop's final drain would never be
	// answered.
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return nil, ErrWriterClosed
	}
	select {
	case w.jobs <- job:
	case <-ctx.Done():
		w.mu.RUnlock()
		return nil, ctx.Err()
	}
	w.mu.RUnlock()
	// Once queued, wait for the outcome even if the caller gives up, so
	// nothing is half done: the client retries with the same key.
	<-job.done
	return job.res, job.err
}

// Close stops accepting punches, stores those already queued and returns.
func (w *PunchWriter) Close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.closing)
	}
	w.mu.Unlock()
	w.wg.Wait()
}

// Queued returns how many calls are waiting for the writer.
func (w *PunchWriter) Queued() int { return len(w.jobs) }

func (w *PunchWriter) loop() {
	defer w.wg.Done()
	// Prepare before the first punch arrives rather than in front of it.
	w.prepared = w.db.prepare(context.Background(), w.queries...) == nil
	for {
		var first *punchJob
		select {
		case first = <-w.jobs:
		case <-w.closing:
			// Drain what was queued before Close.
			for {
				select {
				case j := <-w.jobs:
					w.commit([]*punchJob{j})
				default:
					return
				}
			}
		}
		batch, n := []*punchJob{first}, len(first.recs)
	collect:
		for n < w.maxBatch {
			select {
			case j := <-w.jobs:
				batch = append(batch, j)
				n += len(j.recs)
			default:
				break collect
			}
		}
		w.commit(batch)
	}
}

// commit stores a batch in one transaction. If the transaction fails as a
// whole, each punch is retried in its own transaction so that one bad
// punch never blocks the others.
func (w *PunchWriter) commit(batch []*punchJob) {
	ctx := context.Background()
	// Once, outside the transaction (the SQLite write connection must be
	// free). Should preparing fail, the statements run unprepared and
	// report the failure themselves, and the next batch tries again.
	if !w.prepared {
		w.prepared = w.db.prepare(ctx, w.queries...) == nil
	}
	var recs []PunchRecord
	for _, j := range batch {
		recs = append(recs, j.recs...)
	}
	var results []PunchResult
	err := w.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *Tx) (err error) {
		results, err = tx.storePunches(ctx, recs)
		return err
	})
	if err == nil {
		w.Batches.Add(1)
		for _, j := range batch {
			j.res, results = results[:len(j.recs):len(j.recs)], results[len(j.recs):]
			w.Stored.Add(int64(countNew(j.res)))
			close(j.done)
		}
		return
	}
	for _, j := range batch {
		j.res = make([]PunchResult, len(j.recs))
		for k, rec := range j.recs {
			var r []PunchResult
			err := w.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *Tx) (err error) {
				r, err = tx.storePunches(ctx, []PunchRecord{rec})
				return err
			})
			if err != nil {
				j.res[k] = PunchResult{Err: err}
				continue
			}
			j.res[k] = r[0]
		}
		w.Batches.Add(1)
		w.Stored.Add(int64(countNew(j.res)))
		close(j.done)
	}
}

func countNew(rs []PunchResult) int {
	n := 0
	for _, r := range rs {
		if r.Err == nil && !r.Replayed {
			n++
		}
	}
	return n
}

// PunchFilter selects punches.
type PunchFilter struct {
	StaffIDs []int64 // nil: everyone
	From, To kintai.Date
	Limit    int
}

// FindPunches returns punches whose business day falls in [From, To], by
// staff and effective time.
func (db *DB) FindPunches(ctx context.Context, f PunchFilter) ([]punch.Punch, error) {
	q := `SELECT ` + punchColumns + ` FROM punches WHERE business_on >= ? AND business_on <= ?`
	args := []any{f.From, f.To}
	if f.StaffIDs != nil {
		if len(f.StaffIDs) == 0 {
			return nil, nil
		}
		q += ` AND staff_id IN (` + placeholders(len(f.StaffIDs)) + `)`
		for _, id := range f.StaffIDs {
			args = append(args, id)
		}
	}
	q += ` ORDER BY staff_id, effective_at, id`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []punch.Punch
	for rows.Next() {
		p, err := scanPunch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// FindPunchByID returns the punch with id.
func (db *DB) FindPunchByID(ctx context.Context, id int64) (*punch.Punch, error) {
	p, err := scanPunch(db.queryRow(ctx, `SELECT `+punchColumns+` FROM punches WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kintai.NotFound("打刻", "Punch")
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// PunchCounts returns the number of stored punches and of distinct keys,
// for the load tool's exactly-once check.
func (db *DB) PunchCounts(ctx context.Context) (rows, keys int64, err error) {
	err = db.queryRow(ctx, `SELECT COUNT(*), COUNT(DISTINCT origin || '/' || client_key) FROM punches`).Scan(&rows, &keys)
	return rows, keys, err
}

// PunchKeys returns every stored (origin, client key) pair with its count,
// for the load tool.
func (db *DB) PunchKeys(ctx context.Context) (map[string]int, error) {
	rows, err := db.query(ctx, `SELECT origin, client_key FROM punches`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var origin, key string
		if err := rows.Scan(&origin, &key); err != nil {
			return nil, err
		}
		out[origin+"/"+key]++
	}
	return out, rows.Err()
}
