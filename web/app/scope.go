package app

import (
	"context"
	"net/http"

	"kintai"
	"kintai/store"
	"kintai/web"
)

// The scope checks of the pages and the API, in one place. Staff outside
// the caller's scope are reported as missing, not forbidden, so that their
// existence is not disclosed; org units outside it are forbidden.

// staffScope returns the org units whose staff the actor may see, nil for all.
func (a *App) staffScope(ctx context.Context, actor kintai.Actor) ([]int64, error) {
	roots, all := actor.ScopeUnits(kintai.RoleApprover)
	if all {
		return nil, nil
	}
	tree, err := a.db.OrgTree(ctx)
	if err != nil {
		return nil, err
	}
	return tree.Descendants(roots), nil
}

// findVisibleStaff returns staff member id if the actor may see them.
func (a *App) findVisibleStaff(r *http.Request, id int64) (*kintai.Staff, error) {
	s, err := a.db.FindStaffByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	tree, err := a.db.OrgTree(r.Context())
	if err != nil {
		return nil, err
	}
	if !actorFrom(r).CanSeeStaff(s, tree) {
		// Out-of-scope staff are reported as missing, not as forbidden, so
		// their existence is not disclosed.
		return nil, kintai.NotFound("職員", "Staff member")
	}
	return s, nil
}

// checkStaffScope refuses unless every unit exists and the actor is HR
// over it: for writing staff master data inside tx.
func (a *App) checkStaffScope(r *http.Request, tx *store.Tx, units ...int64) error {
	tree, err := tx.OrgTree(r.Context())
	if err != nil {
		return err
	}
	for _, u := range units {
		if _, ok := tree[u]; !ok {
			return kintai.Invalid("org_unit_id", "所属が見つかりません。", "Org unit not found.")
		}
	}
	return unitsInScope(actorFrom(r), kintai.RoleHR, tree, units)
}

// requireScope refuses unless the actor holds role over every unit.
func (a *App) requireScope(ctx context.Context, r *http.Request, role kintai.Role, units ...int64) error {
	tree, err := a.db.OrgTree(ctx)
	if err != nil {
		return err
	}
	return unitsInScope(actorFrom(r), role, tree, units)
}

// unitsInScope is the one test behind checkStaffScope and requireScope.
func unitsInScope(actor kintai.Actor, role kintai.Role, tree kintai.OrgTree, units []int64) error {
	for _, u := range units {
		if !actor.Can(role, u, tree) {
			return kintai.Errorf(kintai.EFORBIDDEN, "担当範囲外の所属です。", "That org unit is outside your scope.")
		}
	}
	return nil
}

// visibleStaff returns staff member {id} if the caller may see them.
func (a *App) visibleStaff(r *http.Request) (*kintai.Staff, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return a.findVisibleStaff(r, id)
}

// staffInRole returns staff member {id} if the caller holds role over
// their org unit (HR to change master data, approver for shifts).
func (a *App) staffInRole(r *http.Request, role kintai.Role) (*kintai.Staff, error) {
	s, err := a.visibleStaff(r)
	if err != nil {
		return nil, err
	}
	if err := a.requireScope(r.Context(), r, role, s.OrgUnitID); err != nil {
		return nil, err
	}
	return s, nil
}

// staffInScope returns staff member id if the actor holds role over their
// org unit; others are reported as missing, as findVisibleStaff does.
func (a *App) staffInScope(r *http.Request, id int64, role kintai.Role) (*kintai.Staff, error) {
	s, err := a.db.FindStaffByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	tree, err := a.db.OrgTree(r.Context())
	if err != nil {
		return nil, err
	}
	if !actorFrom(r).Can(role, s.OrgUnitID, tree) {
		return nil, kintai.NotFound("職員", "Staff member")
	}
	return s, nil
}
