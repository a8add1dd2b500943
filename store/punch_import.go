package store

import (
	"context"
	"fmt"

	"kintai"
	"kintai/punch"
)

// importRowsPerStatement is how many punches one INSERT of ImportPunches
// carries (21 columns each, well under either dialect's parameter limit).
const importRowsPerStatement = 1000

// importRowsPerTx is how many punches one transaction of ImportPunches
// stores.
const importRowsPerTx = 50000

// ImportPunches stores punches of the past in bulk: the history moved from
// another system, or the load tool's month of synthetic punches. They go
// in with large multi-row inserts, many thousands per transaction, and
// with one audit entry per transaction giving the count and the id range
// instead of one per punch. A key already stored is skipped, not checked
// for conflict. It returns how many punches were stored.
//
// Live punches never come this way: they go through the PunchWriter,
// which audits each punch and answers replays.
func (db *DB) ImportPunches(ctx context.Context, actor kintai.Actor, recs []PunchRecord) (int64, error) {
	var stored int64
	for len(recs) > 0 {
		n := min(len(recs), importRowsPerTx)
		err := db.WithTx(ctx, actor, func(tx *Tx) error {
			k, first, last, err := tx.importPunches(ctx, recs[:n])
			if err != nil {
				return err
			}
			stored += k
			return tx.AuditKey(ctx, "punch.import", "punch", fmt.Sprintf("%d-%d", first, last), nil,
				map[string]any{"punches": k, "first_id": first, "last_id": last})
		})
		if err != nil {
			return stored, err
		}
		recs = recs[n:]
	}
	return stored, nil
}

func (tx *Tx) importPunches(ctx context.Context, recs []PunchRecord) (stored, first, last int64, err error) {
	queries := map[int]string{}
	args := make([]any, 0, importRowsPerStatement*punchInsertCols)
	for len(recs) > 0 {
		n := min(len(recs), importRowsPerStatement)
		if queries[n] == "" {
			queries[n] = `INSERT INTO punches (origin, client_key, fingerprint, staff_id, kind, method, received_at, device_at,
				effective_at, skew_ms, delayed, business_on, terminal_id, site_id, lat, lng, accuracy_m, work_location, note, flags, corrects_id)
				VALUES ` + valuesList(n, punchInsertCols) + ` ON CONFLICT (origin, client_key) DO NOTHING RETURNING id`
		}
		args = args[:0]
		for i := range recs[:n] {
			p := recs[i].Punch
			if p.WorkLocation == "" {
				p.WorkLocation = punch.WorkOffice
			}
			args = appendPunchArgs(args, recs[i].Origin, punch.Fingerprint(p.Input), &p)
		}
		rows, err := tx.query(ctx, queries[n], args...)
		if err != nil {
			return 0, 0, 0, fmt.Errorf("import punches: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return 0, 0, 0, err
			}
			if first == 0 || id < first {
				first = id
			}
			last = max(last, id)
			stored++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, 0, 0, fmt.Errorf("import punches: %w", err)
		}
		recs = recs[n:]
	}
	return stored, first, last, nil
}
