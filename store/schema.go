package store

import (
	"context"
	"slices"
	"strings"
)

// Columns returns every table of the schema with its column names, sorted,
// so tests can check that the two dialects' migrations agree.
func (db *DB) Columns(ctx context.Context) (map[string][]string, error) {
	q := `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`
	if db.Dialect == Postgres {
		q = `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`
	}
	rows, err := db.query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			return nil, err
		}
		out[strings.ToLower(table)] = append(out[strings.ToLower(table)], strings.ToLower(col))
	}
	for _, cols := range out {
		slices.Sort(cols)
	}
	return out, rows.Err()
}

// ExecForTest runs a statement directly, outside any use case and without
// an audit entry: for tests that tamper with the database as an intruder would.
func (db *DB) ExecForTest(ctx context.Context, q string) error {
	_, err := db.write.ExecContext(ctx, q)
	return err
}
