package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"kintai"
	"kintai/payroll"
)

// PayrollLayout is the entity's layout of the payroll export: the text or
// JSON an HR user saved (Source) and the layout read from it.
type PayrollLayout struct {
	Source string         `json:"source"`
	Layout payroll.Layout `json:"layout"`
	// UpdatedAt is when it was last saved, zero while the default applies.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

func findPayrollLayout(ctx context.Context, q querier) (PayrollLayout, error) {
	var l PayrollLayout
	err := q.queryRow(ctx, `SELECT source, updated_at FROM export_layouts WHERE kind = 'payroll'`).Scan(&l.Source, scanTime{&l.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return PayrollLayout{Layout: payroll.DefaultLayout()}, nil
	}
	if err != nil {
		return l, err
	}
	if l.Layout, err = payroll.ParseLayout([]byte(l.Source)); err != nil {
		return l, fmt.Errorf("payroll layout: %w", err)
	}
	return l, nil
}

// FindPayrollLayout returns the entity's payroll export layout, the
// default (with an empty Source) when none was saved.
func (db *DB) FindPayrollLayout(ctx context.Context) (PayrollLayout, error) {
	return findPayrollLayout(ctx, db)
}

// SavePayrollLayout checks source with payroll.ParseLayout and saves it as
// the entity's layout; an empty source goes back to the default.
func (tx *Tx) SavePayrollLayout(ctx context.Context, source string) (PayrollLayout, error) {
	before, err := findPayrollLayout(ctx, tx)
	if err != nil {
		return PayrollLayout{}, err
	}
	var b any
	if !before.UpdatedAt.IsZero() {
		b = before
	}
	if strings.TrimSpace(source) == "" {
		if _, err := tx.exec(ctx, `DELETE FROM export_layouts WHERE kind = 'payroll'`); err != nil {
			return PayrollLayout{}, fmt.Errorf("payroll layout: %w", err)
		}
		after := PayrollLayout{Layout: payroll.DefaultLayout()}
		return after, tx.AuditKey(ctx, "export.layout.update", "export_layout", "payroll", b, after)
	}
	l, err := payroll.ParseLayout([]byte(source))
	if err != nil {
		return PayrollLayout{}, err
	}
	after := PayrollLayout{Source: source, Layout: l, UpdatedAt: tx.Now}
	if _, err := tx.exec(ctx, `INSERT INTO export_layouts (kind, source, updated_at) VALUES ('payroll', ?, ?)
		ON CONFLICT (kind) DO UPDATE SET source = excluded.source, updated_at = excluded.updated_at`,
		source, instant(tx.Now)); err != nil {
		return PayrollLayout{}, fmt.Errorf("payroll layout: %w", err)
	}
	return after, tx.AuditKey(ctx, "export.layout.update", "export_layout", "payroll", b, after)
}

// prefixedResultColumns are resultColumns qualified with the table alias mr.
var prefixedResultColumns = func() string {
	cols := strings.Split(resultColumns, ",")
	for i, c := range cols {
		cols[i] = "mr." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}()

// prependScanner scans into pre before the destinations it is given, so
// that scanResult can read rows with leading columns of their own.
type prependScanner struct {
	sc  interface{ Scan(...any) error }
	pre []any
}

func (p prependScanner) Scan(dest ...any) error { return p.sc.Scan(append(p.pre, dest...)...) }

// FindPayrollRows returns the rows of the payroll export of month (any day
// of it): one per staff member appointed on some day of the month whose
// unit is one of units (nil: everyone), ordered by staff number. Results
// missing or out of date are recomputed first (EnsureMonthResults), so the
// export never holds stale figures. The org unit is the one the month was
// computed with.
func (db *DB) FindPayrollRows(ctx context.Context, month kintai.Date, units []int64, o RecomputeOptions) ([]payroll.Row, error) {
	month = MonthOf(month)
	if units != nil && len(units) == 0 {
		return []payroll.Row{}, nil
	}
	cond := `s.appointed_on <= ? AND (s.appointment_ends_on IS NULL OR s.appointment_ends_on >= ?)`
	args := []any{MonthEnd(month), month}
	if units != nil {
		cond += ` AND s.org_unit_id IN (` + placeholders(len(units)) + `)`
		for _, u := range units {
			args = append(args, u)
		}
	}
	ids := map[int64]bool{}
	if err := db.scanIDs(ctx, ids, `SELECT s.id FROM staff s WHERE `+cond, args...); err != nil {
		return nil, err
	}
	staffIDs := make([]int64, 0, len(ids))
	for id := range ids {
		staffIDs = append(staffIDs, id)
	}
	staffIDs = normaliseIDs(staffIDs)
	if len(staffIDs) == 0 {
		return []payroll.Row{}, nil
	}
	if err := db.EnsureMonthResults(ctx, month, staffIDs, o); err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT s.staff_no, s.name, s.kana, s.employment_type, u.code, u.name, `+prefixedResultColumns+`
		FROM month_results mr JOIN staff s ON s.id = mr.staff_id JOIN org_units u ON u.id = mr.org_unit_id
		WHERE mr.month_on = ? AND `+cond+` ORDER BY s.staff_no`, append([]any{month}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]payroll.Row, 0, len(staffIDs))
	for rows.Next() {
		var row payroll.Row
		sc := prependScanner{sc: rows, pre: []any{&row.StaffNo, &row.Name, &row.Kana, &row.EmploymentType,
			&row.OrgUnitCode, &row.OrgUnitName}}
		res, err := scanResult(sc, false)
		if err != nil {
			return nil, err
		}
		row.Year, row.Month, row.Result = month.Year, month.Month, res.Totals
		out = append(out, row)
	}
	return out, rows.Err()
}

// PayrollExportAudit is what the audit trail records of a payroll export:
// the month, the format and how many rows, never the figures or names.
type PayrollExportAudit struct {
	Month    string `json:"month"` // "2026-10"
	Format   string `json:"format"`
	Encoding string `json:"encoding,omitempty"`
	Rows     int    `json:"rows"`
}

// AuditPayrollExport records an export of the payroll file
// ("export.payroll").
func (tx *Tx) AuditPayrollExport(ctx context.Context, e PayrollExportAudit) error {
	return tx.AuditKey(ctx, "export.payroll", "payroll_export", e.Month, nil, e)
}
