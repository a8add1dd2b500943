// Package store keeps kintai's records in SQLite (embedded, the default) or
// PostgreSQL. All SQL lives here, one file per aggregate. Queries are written
// once with ? placeholders and rebound for PostgreSQL; where the two dialects
// must differ, both versions stand side by side.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"kintai"
)

// Dialect is the SQL dialect of a database.
type Dialect string

// Dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open kintai database.
type DB struct {
	Dialect Dialect
	// write is the single writer for SQLite (SQLite allows one writer at a
	// time; queueing in Go beats busy-waiting in SQLite) and the pool for PostgreSQL.
	write *sql.DB
	// read is a pool of read-only connections (the same pool for PostgreSQL).
	read *sql.DB
	now  func() time.Time
	// zone is the organisation's time zone for the checks that need civil
	// hours (a day's regular hours); see SetZone.
	zone *time.Location
	// prepared holds the statements of hot paths (storing punches and
	// their audit entries), prepared once by rebound query: SQLite would
	// otherwise parse every statement anew. See prepare and Tx.stmt.
	prepared sync.Map
	// masterChanged are called after each commit that changed cached
	// master data (see OnMasterChange).
	masterMu      sync.Mutex
	masterChanged []func()
	// mail queues notification emails (SetMail).
	mail atomic.Bool
}

// OnMasterChange adds fn to the functions called after every commit
// through db that changed master data servers cache (cachedEntities), so
// that this server's caches are cleared at once; other servers sharing the
// database notice through MasterVersion.
func (db *DB) OnMasterChange(fn func()) {
	db.masterMu.Lock()
	defer db.masterMu.Unlock()
	db.masterChanged = append(db.masterChanged, fn)
}

// notifyMasterChange calls the OnMasterChange functions.
func (db *DB) notifyMasterChange() {
	db.masterMu.Lock()
	fns := db.masterChanged
	db.masterMu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// IsPostgres reports whether dsn names a PostgreSQL database rather than a SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the database named by dsn (a SQLite file path or a PostgreSQL
// URL) and brings its schema up to date. now is the clock every write uses.
func Open(ctx context.Context, dsn string, now func() time.Time) (*DB, error) {
	db := &DB{now: now}
	if IsPostgres(dsn) {
		db.Dialect = Postgres
		pool, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		pool.SetMaxOpenConns(16)
		pool.SetMaxIdleConns(16)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		db.write, db.read = pool, pool
	} else {
		db.Dialect = SQLite
		if dsn == "" {
			return nil, errors.New("no database: give a SQLite file path or a postgres:// URL")
		}
		w, err := sql.Open("sqlite", sqliteDSN(dsn, false))
		if err != nil {
			return nil, err
		}
		w.SetMaxOpenConns(1)
		w.SetConnMaxLifetime(0)
		db.write = w
		// The first connection creates the file and switches it to WAL before
		// any reader opens it.
		if err := w.PingContext(ctx); err != nil {
			w.Close()
			return nil, fmt.Errorf("open %s: %w", dsn, err)
		}
		r, err := sql.Open("sqlite", sqliteDSN(dsn, true))
		if err != nil {
			w.Close()
			return nil, err
		}
		r.SetMaxOpenConns(8)
		r.SetMaxIdleConns(8) // a closed connection costs a schema parse to replace
		db.read = r
	}
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// sqliteDSN returns the DSN of the write connection, or of a read one.
// The writer's page cache is kept at 16 MiB: SQLite walks the whole cache
// at every commit, which at 64 MiB cost the punch writer a tenth of its
// time; the OS caches the file anyway. Its automatic checkpoint is a
// backstop: the punch writer checkpoints beside it (PunchWriter.checkpoints).
func sqliteDSN(file string, readOnly bool) string {
	q := url.Values{}
	pragmas := []string{"journal_mode(WAL)", "foreign_keys(1)", "busy_timeout(10000)", "synchronous(FULL)", "cache_size(-16384)", "wal_autocheckpoint(10000)", "temp_store(2)"}
	q.Set("_txlock", "immediate")
	if readOnly {
		pragmas = []string{"foreign_keys(1)", "busy_timeout(10000)", "query_only(1)"}
		q.Set("_txlock", "deferred")
	}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	return "file:" + file + "?" + q.Encode()
}

// RedactURL returns a PostgreSQL URL with its password hidden.
func RedactURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparseable database URL)"
	}
	return u.Redacted()
}

// Close closes the database.
func (db *DB) Close() error {
	db.prepared.Range(func(_, s any) bool {
		s.(*sql.Stmt).Close()
		return true
	})
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// rebind turns ? placeholders into $1, $2 … for PostgreSQL. Our SQL has no
// ? inside string literals.
func (db *DB) rebind(q string) string {
	if db.Dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.read.QueryContext(ctx, db.rebind(q), args...)
}

func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return db.read.QueryRowContext(ctx, db.rebind(q), args...)
}

//go:embed migrations
var migrations embed.FS

// Migrations returns the names of the embedded migration files of d, in order.
func Migrations(d Dialect) ([]string, error) {
	names, err := fs.Glob(migrations, path.Join("migrations", string(d), "*.sql"))
	if err != nil {
		return nil, err
	}
	for i := range names {
		names[i] = path.Base(names[i])
	}
	sort.Strings(names)
	return names, nil
}

// migrate applies, in order, every embedded migration not yet applied.
// Migrations are forward-only; each runs in its own transaction.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := Migrations(db.Dialect)
	if err != nil {
		return err
	}
	for _, name := range names {
		version, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number", name)
		}
		body, err := migrations.ReadFile(path.Join("migrations", string(db.Dialect), name))
		if err != nil {
			return err
		}
		if err := db.applyMigration(ctx, version, name, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, version int, name, body string) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if db.Dialect == Postgres {
		// Two servers starting together must not both migrate.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7261001)`); err != nil {
			return err
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, db.rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
		version, name, db.now().UTC().Format(time.RFC3339)); err != nil {
		return err
	}
	return tx.Commit()
}

// Tx is one use case's transaction: everything it writes, and the audit
// entries describing it, commit or roll back together. It carries one "now".
type Tx struct {
	db    *DB
	tx    *sql.Tx
	Now   time.Time
	Actor kintai.Actor
	// audit is the chain head as this transaction sees it; auditDirty is
	// set when the transaction appended entries the stored head lacks.
	audit      *kintai.AuditEntry
	auditDirty bool
	// masterDirty is set when the transaction changed master data that
	// servers cache (see cachedEntities).
	masterDirty bool
	stmts       map[string]*sql.Stmt // prepared statements bound to this transaction
	// leaveConfig is the leave configuration as this transaction read it
	// (FindLeaveConfig); SaveLeaveConfig drops it.
	leaveConfig *LeaveConfig
}

// WithTx runs fn in a write transaction on behalf of actor, committing when
// fn returns nil.
func (db *DB) WithTx(ctx context.Context, actor kintai.Actor, fn func(tx *Tx) error) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{db: db, tx: sqlTx, Now: db.now().UTC().Truncate(time.Microsecond), Actor: actor}
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := tx.flushAuditHead(ctx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if tx.masterDirty {
		if _, err := tx.exec(ctx, `UPDATE master_version SET n = n + 1 WHERE id = 1`); err != nil {
			sqlTx.Rollback()
			return fmt.Errorf("master version: %w", err)
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if tx.masterDirty {
		db.notifyMasterChange()
	}
	return nil
}

// readTx runs fn in a read-only transaction on the read pool: one
// consistent view for many reads, without holding the SQLite writer. fn
// must not write (the database refuses it).
func (db *DB) readTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer sqlTx.Rollback()
	return fn(&Tx{db: db, tx: sqlTx, Now: db.now().UTC().Truncate(time.Microsecond), Actor: kintai.Actor{System: true}})
}

// prepare prepares the queries not prepared yet, for every later
// transaction. Call it outside any transaction: the one SQLite write
// connection must be free.
func (db *DB) prepare(ctx context.Context, qs ...string) error {
	for _, q := range qs {
		q = db.rebind(q)
		if _, ok := db.prepared.Load(q); ok {
			continue
		}
		s, err := db.write.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		if _, loaded := db.prepared.LoadOrStore(q, s); loaded {
			s.Close()
		}
	}
	return nil
}

// stmt returns the prepared statement for rebound query q bound to tx, or
// nil if q was not prepared.
func (tx *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if s, ok := tx.stmts[q]; ok {
		return s
	}
	p, ok := tx.db.prepared.Load(q)
	if !ok {
		return nil
	}
	s := tx.tx.StmtContext(ctx, p.(*sql.Stmt))
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[q] = s
	return s
}

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q = tx.db.rebind(q)
	if s := tx.stmt(ctx, q); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, q, args...)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = tx.db.rebind(q)
	if s := tx.stmt(ctx, q); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return tx.tx.QueryContext(ctx, q, args...)
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = tx.db.rebind(q)
	if s := tx.stmt(ctx, q); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, q, args...)
}

// insert runs an INSERT … RETURNING id and returns the id.
func (tx *Tx) insert(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, err
}

// instant is how an instant is passed to the database: fixed-width UTC text
// that sorts correctly in SQLite and that PostgreSQL casts to timestamptz.
func instant(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(kintai.AuditTimeLayout)
}

// scanTime reads an instant written by instant, from either dialect.
type scanTime struct{ t *time.Time }

func (s scanTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.t = time.Time{}
	case time.Time:
		*s.t = v.UTC()
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	default:
		return fmt.Errorf("cannot scan %T into time", src)
	}
	return nil
}

func (s scanTime) parse(v string) error {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return err
	}
	*s.t = t.UTC()
	return nil
}

// isUniqueViolation reports whether err is a unique-constraint failure in either dialect.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// isForeignKeyViolation reports whether err is a foreign-key failure in either dialect.
func isForeignKeyViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "FOREIGN KEY constraint failed") || strings.Contains(s, "SQLSTATE 23503")
}
