package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"kintai"
)

// Audit appends an audit entry describing a change made in tx. before and
// after are marshalled to JSON (nil for "did not exist").
func (tx *Tx) Audit(ctx context.Context, action, entity string, entityID int64, before, after any) error {
	return tx.AuditKey(ctx, action, entity, strconv.FormatInt(entityID, 10), before, after)
}

// AuditKey is Audit for entities keyed by something other than an integer id.
func (tx *Tx) AuditKey(ctx context.Context, action, entity, entityID string, before, after any) error {
	return tx.auditBy(ctx, tx.Actor, action, entity, entityID, before, after)
}

// auditBy appends an entry for a change made by actor, for transactions
// that carry the changes of several callers (group commit).
func (tx *Tx) auditBy(ctx context.Context, actor kintai.Actor, action, entity, entityID string, before, after any) error {
	e := kintai.AuditEntry{At: tx.Now, Actor: actor.String(), Action: action, Entity: entity, EntityID: entityID}
	var err error
	if e.Before, err = auditJSON(before); err != nil {
		return err
	}
	if e.After, err = auditJSON(after); err != nil {
		return err
	}
	if tx.audit == nil {
		head, err := tx.auditHead(ctx)
		if err != nil {
			return err
		}
		tx.audit = head
	}
	prev := tx.audit
	if prev.Seq == 0 {
		prev = nil
	}
	e.Seal(prev)
	if _, err := tx.exec(ctx, insertAuditQuery,
		e.Seq, instant(e.At), e.Actor, e.Action, e.Entity, e.EntityID, e.Before, e.After, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	tx.audit = &e
	tx.auditDirty = true
	if cachedEntities[entity] {
		tx.masterDirty = true
	}
	return nil
}

// cachedEntities are the audited entities that servers cache on the punch
// path; a transaction changing one of them advances the master version.
// An entity cached anywhere for longer than a request belongs here.
var cachedEntities = map[string]bool{
	"staff":              true,
	"site":               true,
	"terminal":           true,
	"work_pattern":       true,
	"staff_work_pattern": true,
	"day_shifts":         true,
	"rule_settings":      true,
}

// MasterVersion returns the count of committed changes to cached master
// data. Servers poll it to drop their caches after a change made by
// another server.
func (db *DB) MasterVersion(ctx context.Context) (int64, error) {
	var n int64
	err := db.queryRow(ctx, `SELECT n FROM master_version WHERE id = 1`).Scan(&n)
	return n, err
}

const insertAuditQuery = `INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// insertAuditsQuery returns the insert of rows entries, one of statementSizes.
func insertAuditsQuery(rows int) string { return insertAuditsQueries[rows] }

var insertAuditsQueries = batchShapes(func(rows int) string {
	return `INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash)
		VALUES ` + valuesList(rows, auditInsertCols)
})

// auditChange is one change for auditEach.
type auditChange struct {
	actor                    kintai.Actor
	action, entity, entityID string
	before, after            any
}

// auditEach appends an entry per change, in order, with multi-row inserts
// (see statementSizes): the group commit audits hundreds of punches per
// transaction.
func (tx *Tx) auditEach(ctx context.Context, changes []auditChange) error {
	if len(changes) == 0 {
		return nil
	}
	if tx.audit == nil {
		head, err := tx.auditHead(ctx)
		if err != nil {
			return err
		}
		tx.audit = head
	}
	entries := make([]kintai.AuditEntry, len(changes))
	prev := tx.audit
	for i, c := range changes {
		e := &entries[i]
		*e = kintai.AuditEntry{At: tx.Now, Actor: c.actor.String(), Action: c.action, Entity: c.entity, EntityID: c.entityID}
		var err error
		if e.Before, err = auditJSON(c.before); err != nil {
			return err
		}
		if e.After, err = auditJSON(c.after); err != nil {
			return err
		}
		if prev.Seq == 0 {
			e.Seal(nil)
		} else {
			e.Seal(prev)
		}
		prev = e
		if cachedEntities[c.entity] {
			tx.masterDirty = true
		}
	}
	args := make([]any, 0, min(len(entries), rowsPerStatement)*auditInsertCols)
	rest := entries
	for _, n := range statementSizes(len(entries)) {
		args = args[:0]
		for _, e := range rest[:n] {
			args = append(args, e.Seq, instant(e.At), e.Actor, e.Action, e.Entity, e.EntityID, e.Before, e.After, e.PrevHash, e.Hash)
		}
		rest = rest[n:]
		if _, err := tx.exec(ctx, insertAuditsQuery(n), args...); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	tx.audit = prev
	tx.auditDirty = true
	return nil
}

// flushAuditHead records the transaction's last entry as the chain head,
// once per transaction, just before commit.
func (tx *Tx) flushAuditHead(ctx context.Context) error {
	if !tx.auditDirty {
		return nil
	}
	if _, err := tx.exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, tx.audit.Seq, tx.audit.Hash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	tx.auditDirty = false
	return nil
}

// auditHead locks and reads the chain head. In PostgreSQL the row lock
// serialises writers of the chain; SQLite has a single writer already.
func (tx *Tx) auditHead(ctx context.Context) (*kintai.AuditEntry, error) {
	q := `SELECT seq, hash FROM audit_head WHERE id = 1`
	if tx.db.Dialect == Postgres {
		q += ` FOR UPDATE`
	}
	var head kintai.AuditEntry
	if err := tx.queryRow(ctx, q).Scan(&head.Seq, &head.Hash); err != nil {
		return nil, fmt.Errorf("audit head: %w", err)
	}
	return &head, nil
}

func auditJSON(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit: %w", err)
	}
	return string(b), nil
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Entity   string
	EntityID string
	AfterSeq int64 // entries with seq > AfterSeq
	Limit    int
}

// FindAuditEntries returns entries matching f in sequence order.
func (db *DB) FindAuditEntries(ctx context.Context, f AuditFilter) ([]kintai.AuditEntry, error) {
	q := `SELECT seq, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash FROM audit_log WHERE seq > ?`
	args := []any{f.AfterSeq}
	if f.Entity != "" {
		q += ` AND entity = ?`
		args = append(args, f.Entity)
	}
	if f.EntityID != "" {
		q += ` AND entity_id = ?`
		args = append(args, f.EntityID)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	q += ` ORDER BY seq LIMIT ?`
	args = append(args, f.Limit)
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kintai.AuditEntry
	for rows.Next() {
		var e kintai.AuditEntry
		if err := rows.Scan(&e.Seq, scanTime{&e.At}, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.Before, &e.After, &e.PrevHash, &e.Hash); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditReport is the outcome of verifying the whole chain.
type AuditReport struct {
	Entries  int64
	HeadSeq  int64
	HeadHash string
	Took     time.Duration
}

// VerifyAudit walks the whole chain in sequence order and returns the first
// break (a *kintai.AuditBreak) if any entry was altered, inserted or deleted.
func (db *DB) VerifyAudit(ctx context.Context) (AuditReport, error) {
	start := time.Now()
	var rep AuditReport
	// One read transaction so the head and the entries are one snapshot.
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return rep, err
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&rep.HeadSeq, &rep.HeadHash); err != nil {
		return rep, fmt.Errorf("audit head: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT seq, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		return rep, err
	}
	defer rows.Close()
	var v kintai.ChainVerifier
	for rows.Next() {
		var e kintai.AuditEntry
		if err := rows.Scan(&e.Seq, scanTime{&e.At}, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.Before, &e.After, &e.PrevHash, &e.Hash); err != nil {
			return rep, err
		}
		if err := v.Next(e); err != nil {
			rep.Entries = v.Count()
			return rep, err
		}
	}
	if err := rows.Err(); err != nil {
		return rep, err
	}
	rep.Entries = v.Count()
	rep.Took = time.Since(start)
	return rep, v.End(rep.HeadSeq, rep.HeadHash)
}
