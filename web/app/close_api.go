package app

import (
	"context"
	"net/http"
	"slices"

	"kintai"
	"kintai/store"
	"kintai/web"
)

// Monthly close (月次締め): confirmations by the staff member and the
// supervisor, and HR's close and reopening (store/month_close.go).

// closeStatus is the confirmation and close state of a month for the
// staff in the caller's scope.
type closeStatus struct {
	Month kintai.Date `json:"month"`
	// Staff are the staff in scope; Unconfirmed those of them not yet
	// confirmed by both themselves and their supervisor.
	Staff       []store.MonthConfirmation `json:"staff"`
	Unconfirmed []store.MonthConfirmation `json:"unconfirmed"`
	// Closes are the month's closes, reopened ones included.
	Closes []store.MonthClose `json:"closes"`
}

// closeInput is the body of a close or a reopening.
type closeInput struct {
	OrgUnitID int64  `json:"org_unit_id"` // 0: everyone
	Reason    string `json:"reason"`
	// Force closes over open punch exceptions and pending requests (with
	// a reason, audited).
	Force bool `json:"force,omitempty"`
}

// teamConfirmInput is the body of a supervisor's confirmation.
type teamConfirmInput struct {
	StaffIDs []int64 `json:"staff_ids"`
}

// approverUnits returns the units of the caller's approver scope within
// unit (0: all of it); nil means everyone.
func (a *App) approverUnits(r *http.Request, unit int64) ([]int64, error) {
	units, err := a.staffScope(r.Context(), actorFrom(r))
	if err != nil || unit == 0 {
		return units, err
	}
	tree, err := a.db.OrgTree(r.Context())
	if err != nil {
		return nil, err
	}
	sub := tree.Descendants([]int64{unit})
	if units != nil {
		sub = slices.DeleteFunc(sub, func(u int64) bool { return !slices.Contains(units, u) })
	}
	return sub, nil
}

// monthCloseStatus returns the state of month for the approver scope of
// the caller within unit.
func (a *App) monthCloseStatus(r *http.Request, month kintai.Date, unit int64) (closeStatus, error) {
	units, err := a.approverUnits(r, unit)
	if err != nil {
		return closeStatus{}, err
	}
	st := closeStatus{Month: month, Staff: []store.MonthConfirmation{}, Unconfirmed: []store.MonthConfirmation{}}
	if units == nil || len(units) > 0 {
		if st.Staff, err = a.db.FindMonthConfirmations(r.Context(), month, units); err != nil {
			return st, err
		}
	}
	for _, c := range st.Staff {
		if !c.Confirmed() {
			st.Unconfirmed = append(st.Unconfirmed, c)
		}
	}
	st.Closes, err = a.db.FindMonthCloses(r.Context(), month)
	return st, err
}

// ownConfirmation returns the caller's confirmation state of month.
func (a *App) ownConfirmation(r *http.Request, month kintai.Date) (store.MonthConfirmation, error) {
	actor := actorFrom(r)
	s, err := a.db.FindStaffByID(r.Context(), actor.StaffID)
	if err != nil {
		return store.MonthConfirmation{}, err
	}
	all, err := a.db.FindMonthConfirmations(r.Context(), month, []int64{s.OrgUnitID})
	if err != nil {
		return store.MonthConfirmation{}, err
	}
	for _, c := range all {
		if c.StaffID == s.ID {
			return c, nil
		}
	}
	return store.MonthConfirmation{StaffID: s.ID, StaffNo: s.StaffNo, Name: s.Name, OrgUnitID: s.OrgUnitID, Month: month}, nil
}

func (a *App) apiConfirmMonth(w http.ResponseWriter, r *http.Request) error {
	month, err := pathMonth(r)
	if err != nil {
		return err
	}
	if err := a.inTx(r, func(ctx context.Context, tx *store.Tx) error { return tx.ConfirmMonth(ctx, month) }); err != nil {
		return err
	}
	c, err := a.ownConfirmation(r, month)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, c)
	return nil
}

// confirmTeam confirms month as supervisor for ids, each of whom must be
// in the caller's approver scope and not the caller.
func (a *App) confirmTeam(r *http.Request, month kintai.Date, ids []int64) error {
	actor := actorFrom(r)
	for _, id := range ids {
		if id == actor.StaffID {
			return kintai.Invalid("staff_ids", "自分の月を所属長として確認することはできません。", "You cannot confirm your own month as supervisor.")
		}
		s, err := a.findVisibleStaff(r, id)
		if err != nil {
			return err
		}
		if err := a.requireScope(r.Context(), r, kintai.RoleApprover, s.OrgUnitID); err != nil {
			return err
		}
	}
	return a.inTx(r, func(ctx context.Context, tx *store.Tx) error { return tx.ConfirmTeam(ctx, month, ids) })
}

func (a *App) apiTeamConfirm(w http.ResponseWriter, r *http.Request) error {
	month, err := pathMonth(r)
	if err != nil {
		return err
	}
	var in teamConfirmInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := a.confirmTeam(r, month, in.StaffIDs); err != nil {
		return err
	}
	st, err := a.monthCloseStatus(r, month, 0)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}

// requireHRUnit refuses unless the caller is HR over unit (0: everyone).
func (a *App) requireHRUnit(r *http.Request, unit int64) error {
	if unit == 0 {
		if _, all := actorFrom(r).ScopeUnits(kintai.RoleHR); !all {
			return kintai.Errorf(kintai.EFORBIDDEN, "全体の締めは組織全体の人事担当のみが行えます。", "Only HR over the whole organisation may close for everyone.")
		}
		return nil
	}
	return a.requireScope(r.Context(), r, kintai.RoleHR, unit)
}

func (a *App) closeMonth(r *http.Request, month kintai.Date, in closeInput) (store.MonthClose, error) {
	if err := a.requireHRUnit(r, in.OrgUnitID); err != nil {
		return store.MonthClose{}, err
	}
	// What is locked and exported must be current.
	if err := a.db.RecomputeForClose(r.Context(), month, in.OrgUnitID, a.apiRecomputeOptions(r)); err != nil {
		return store.MonthClose{}, err
	}
	var c store.MonthClose
	err := a.inTx(r, func(ctx context.Context, tx *store.Tx) error {
		var err error
		c, err = tx.CloseMonth(ctx, month, in.OrgUnitID, in.Reason, in.Force)
		return err
	})
	return c, err
}

func (a *App) reopenMonth(r *http.Request, month kintai.Date, in closeInput) (store.MonthClose, error) {
	if err := a.requireHRUnit(r, in.OrgUnitID); err != nil {
		return store.MonthClose{}, err
	}
	var c store.MonthClose
	err := a.inTx(r, func(ctx context.Context, tx *store.Tx) error {
		var err error
		c, err = tx.ReopenMonth(ctx, month, in.OrgUnitID, in.Reason)
		return err
	})
	return c, err
}

func (a *App) apiCloseMonth(w http.ResponseWriter, r *http.Request) error {
	month, err := pathMonth(r)
	if err != nil {
		return err
	}
	var in closeInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := a.closeMonth(r, month, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (a *App) apiReopenMonth(w http.ResponseWriter, r *http.Request) error {
	month, err := pathMonth(r)
	if err != nil {
		return err
	}
	var in closeInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := a.reopenMonth(r, month, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (a *App) apiCloseStatus(w http.ResponseWriter, r *http.Request) error {
	month, err := pathMonth(r)
	if err != nil {
		return err
	}
	unit, err := queryUnit(r)
	if err != nil {
		return err
	}
	st, err := a.monthCloseStatus(r, month, unit)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}
