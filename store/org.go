package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"kintai"
)

// querier is what both *DB (read pool) and *Tx (inside a write) offer, so
// each query is written once.
type querier interface {
	query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	queryRow(ctx context.Context, q string, args ...any) *sql.Row
}

const orgUnitColumns = `id, code, name, kind, COALESCE(parent_id, 0), created_at, updated_at`

func scanOrgUnit(sc interface{ Scan(...any) error }) (kintai.OrgUnit, error) {
	var u kintai.OrgUnit
	err := sc.Scan(&u.ID, &u.Code, &u.Name, &u.Kind, &u.ParentID, scanTime{&u.CreatedAt}, scanTime{&u.UpdatedAt})
	return u, err
}

func findOrgUnits(ctx context.Context, q querier) ([]kintai.OrgUnit, error) {
	rows, err := q.query(ctx, `SELECT `+orgUnitColumns+` FROM org_units ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kintai.OrgUnit
	for rows.Next() {
		u, err := scanOrgUnit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// FindOrgUnits returns every org unit ordered by code.
func (db *DB) FindOrgUnits(ctx context.Context) ([]kintai.OrgUnit, error) {
	return findOrgUnits(ctx, db)
}

// FindOrgUnits returns every org unit ordered by code.
func (tx *Tx) FindOrgUnits(ctx context.Context) ([]kintai.OrgUnit, error) {
	return findOrgUnits(ctx, tx)
}

func findOrgUnit(ctx context.Context, q querier, where string, arg any) (*kintai.OrgUnit, error) {
	u, err := scanOrgUnit(q.queryRow(ctx, `SELECT `+orgUnitColumns+` FROM org_units WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kintai.NotFound("所属", "Org unit")
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// FindOrgUnitByID returns the org unit with id.
func (db *DB) FindOrgUnitByID(ctx context.Context, id int64) (*kintai.OrgUnit, error) {
	return findOrgUnit(ctx, db, `id = ?`, id)
}

// FindOrgUnitByID returns the org unit with id.
func (tx *Tx) FindOrgUnitByID(ctx context.Context, id int64) (*kintai.OrgUnit, error) {
	return findOrgUnit(ctx, tx, `id = ?`, id)
}

// FindOrgUnitByCode returns the org unit with code.
func (tx *Tx) FindOrgUnitByCode(ctx context.Context, code string) (*kintai.OrgUnit, error) {
	return findOrgUnit(ctx, tx, `code = ?`, code)
}

func orgTree(ctx context.Context, q querier) (kintai.OrgTree, error) {
	rows, err := q.query(ctx, `SELECT id, COALESCE(parent_id, 0) FROM org_units`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	t := kintai.OrgTree{}
	for rows.Next() {
		var id, parent int64
		if err := rows.Scan(&id, &parent); err != nil {
			return nil, err
		}
		t[id] = parent
	}
	return t, rows.Err()
}

// OrgTree returns the parent of every org unit.
func (db *DB) OrgTree(ctx context.Context) (kintai.OrgTree, error) { return orgTree(ctx, db) }

// OrgTree returns the parent of every org unit.
func (tx *Tx) OrgTree(ctx context.Context) (kintai.OrgTree, error) { return orgTree(ctx, tx) }

// CreateOrgUnit adds u and sets its ID.
func (tx *Tx) CreateOrgUnit(ctx context.Context, u *kintai.OrgUnit) error {
	if err := u.Validate(); err != nil {
		return err
	}
	u.CreatedAt, u.UpdatedAt = tx.Now, tx.Now
	id, err := tx.insert(ctx, `INSERT INTO org_units (code, name, kind, parent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		u.Code, u.Name, u.Kind, nullID(u.ParentID), instant(tx.Now), instant(tx.Now))
	if err != nil {
		return orgUnitWriteError(err)
	}
	u.ID = id
	return tx.Audit(ctx, "org_unit.create", "org_unit", id, nil, u)
}

// UpdateOrgUnit saves u, refusing a parent that would make a cycle.
func (tx *Tx) UpdateOrgUnit(ctx context.Context, u *kintai.OrgUnit) error {
	if err := u.Validate(); err != nil {
		return err
	}
	before, err := tx.FindOrgUnitByID(ctx, u.ID)
	if err != nil {
		return err
	}
	if u.ParentID != 0 {
		tree, err := tx.OrgTree(ctx)
		if err != nil {
			return err
		}
		if tree.Within(u.ParentID, u.ID) {
			return kintai.Invalid("parent_id", "所属を自分の配下に移すことはできません。", "An org unit cannot move under its own descendant.")
		}
	}
	u.CreatedAt, u.UpdatedAt = before.CreatedAt, tx.Now
	if _, err := tx.exec(ctx, `UPDATE org_units SET code = ?, name = ?, kind = ?, parent_id = ?, updated_at = ? WHERE id = ?`,
		u.Code, u.Name, u.Kind, nullID(u.ParentID), instant(tx.Now), u.ID); err != nil {
		return orgUnitWriteError(err)
	}
	if before.ParentID != u.ParentID {
		// A unit inherits its cap profile (自律/他律) from above: moved,
		// its staff's results from the month before this one change, as
		// with a rule-settings change. Rare enough to mark everyone.
		if err := tx.markStale(ctx, nil, lastMonthStart(tx.Now), kintai.Date{}); err != nil {
			return err
		}
	}
	return tx.Audit(ctx, "org_unit.update", "org_unit", u.ID, before, u)
}

func orgUnitWriteError(err error) error {
	switch {
	case isUniqueViolation(err):
		return &kintai.Error{Code: kintai.ECONFLICT, Field: "code", Message: "同じ所属コードが既にあります。", MessageEN: "An org unit with this code already exists.", Err: err}
	case isForeignKeyViolation(err):
		return &kintai.Error{Code: kintai.EINVALID, Field: "parent_id", Message: "上位所属が見つかりません。", MessageEN: "Parent org unit not found.", Err: err}
	}
	return fmt.Errorf("org unit: %w", err)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
