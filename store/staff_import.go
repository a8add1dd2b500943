package store

import (
	"context"
	"errors"
	"fmt"

	"kintai"
	"kintai/staffcsv"
)

// ImportResult says what a staff import did, or would do on a dry run.
type ImportResult struct {
	Encoding  string              `json:"encoding"`
	Rows      int                 `json:"rows"`
	Created   int                 `json:"created"`
	Updated   int                 `json:"updated"`
	Unchanged int                 `json:"unchanged"`
	Errors    []staffcsv.RowError `json:"errors"`
	Applied   bool                `json:"applied"`
}

// OK reports whether the file had no errors.
func (r *ImportResult) OK() bool { return len(r.Errors) == 0 }

var errDryRun = errors.New("dry run")

// ImportStaff checks every row of f against the database and, when apply is
// set and every row is good, creates or updates the staff in one
// transaction. Nothing is written unless every row is good; a row that
// matches the database exactly writes nothing (re-importing a file is a no-op).
// inScope reports whether the importer may manage staff of an org unit
// (nil: everything).
func (db *DB) ImportStaff(ctx context.Context, actor kintai.Actor, f *staffcsv.File, inScope func(unit int64) bool, apply bool) (ImportResult, error) {
	res := ImportResult{Encoding: string(f.Encoding), Rows: len(f.Rows), Errors: append([]staffcsv.RowError{}, f.Errors...)}
	err := db.WithTx(ctx, actor, func(tx *Tx) error {
		plan, err := tx.planImport(ctx, f, inScope)
		if err != nil {
			return err
		}
		res.Errors = append(res.Errors, plan.errors...)
		sortRowErrors(res.Errors)
		for _, s := range plan.staff {
			var err error
			if s.ID == 0 {
				err = tx.CreateStaff(ctx, s)
				res.Created++
			} else {
				var changed bool
				changed, err = tx.UpdateStaff(ctx, s)
				if changed {
					res.Updated++
				} else {
					res.Unchanged++
				}
			}
			if err != nil {
				return fmt.Errorf("staff %s: %w", s.StaffNo, err)
			}
			plan.ids[s.StaffNo] = s.ID
			// Rows later in the order may name this one as supervisor.
			for _, sub := range plan.waiting[s.StaffNo] {
				sub.SupervisorID = s.ID
			}
		}
		if !res.OK() || !apply {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.Applied = true
	return res, nil
}

type importPlan struct {
	staff   []*kintai.Staff // in an order where supervisors come first
	ids     map[string]int64
	waiting map[string][]*kintai.Staff // supervisor number → staff waiting for its id
	errors  []staffcsv.RowError
}

func (tx *Tx) planImport(ctx context.Context, f *staffcsv.File, inScope func(int64) bool) (*importPlan, error) {
	units, err := tx.FindOrgUnits(ctx)
	if err != nil {
		return nil, err
	}
	unitIDs := map[string]int64{}
	for _, u := range units {
		unitIDs[u.Code] = u.ID
	}
	sites, err := tx.FindSites(ctx)
	if err != nil {
		return nil, err
	}
	siteIDs := map[string]int64{}
	for _, s := range sites {
		siteIDs[s.Code] = s.ID
	}
	ids, err := tx.StaffNos(ctx)
	if err != nil {
		return nil, err
	}
	inFile := map[string]bool{}
	for _, row := range f.Rows {
		inFile[row.StaffNo] = true
	}
	p := &importPlan{ids: ids, waiting: map[string][]*kintai.Staff{}}
	p.errors = f.CheckRefs(staffcsv.Refs{
		OrgUnit: func(code string) bool { _, ok := unitIDs[code]; return ok },
		Site:    func(code string) bool { _, ok := siteIDs[code]; return ok },
		Staff:   func(no string) bool { _, ok := ids[no]; return ok || inFile[no] },
	})
	bad := map[int]bool{}
	for _, e := range append(p.errors, f.Errors...) {
		bad[e.Line] = true
	}
	rowErr := func(row staffcsv.Row, col string, err error) {
		ja, en := kintai.ErrorMessages(err)
		p.errors = append(p.errors, staffcsv.RowError{Line: row.Line, Column: col, Message: ja, MessageEN: en})
		bad[row.Line] = true
	}
	byNo := map[string]*kintai.Staff{}
	lines := map[string]staffcsv.Row{}
	var order []string
	for _, row := range f.Rows {
		if bad[row.Line] {
			continue
		}
		s := &kintai.Staff{ID: ids[row.StaffNo], StaffNo: row.StaffNo, Name: row.Name, Kana: row.Kana,
			EmploymentType: row.EmploymentType, AppointedOn: row.AppointedOn, AppointmentEndsOn: row.AppointmentEndsOn,
			OrgUnitID: unitIDs[row.OrgUnitCode], Email: row.Email, SiteIDs: []int64{}}
		for _, c := range row.SiteCodes {
			s.SiteIDs = append(s.SiteIDs, siteIDs[c])
		}
		if err := s.Validate(); err != nil {
			rowErr(row, "", err)
			continue
		}
		if inScope != nil {
			scopeErr := kintai.Errorf(kintai.EFORBIDDEN, "担当範囲外の所属です。", "That org unit is outside your scope.")
			if !inScope(s.OrgUnitID) {
				rowErr(row, "所属コード", scopeErr)
				continue
			}
			if s.ID != 0 {
				old, err := tx.FindStaffByID(ctx, s.ID)
				if err != nil {
					return nil, err
				}
				if !inScope(old.OrgUnitID) {
					rowErr(row, "職員番号", scopeErr)
					continue
				}
			}
		}
		byNo[row.StaffNo], lines[row.StaffNo] = s, row
		order = append(order, row.StaffNo)
	}
	// Order the rows so each supervisor in the file is written before the
	// staff who report to them; a cycle is an error on each row in it.
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(no string) bool
	visit = func(no string) bool {
		switch state[no] {
		case 1:
			return false
		case 2:
			return true
		}
		state[no] = 1
		s := byNo[no]
		sup := lines[no].SupervisorNo
		if _, ok := byNo[sup]; ok && sup != "" {
			if !visit(sup) {
				return false
			}
			p.waiting[sup] = append(p.waiting[sup], s)
		} else if sup != "" {
			s.SupervisorID = ids[sup]
		}
		state[no] = 2
		p.staff = append(p.staff, s)
		return true
	}
	for _, no := range order {
		if !visit(no) {
			rowErr(lines[no], "上司職員番号", kintai.Invalid("supervisor", "上司の設定が循環しています。", "The supervisor chain forms a cycle."))
			return p, nil
		}
	}
	return p, nil
}

func sortRowErrors(errs []staffcsv.RowError) {
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && errs[j].Line < errs[j-1].Line; j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}
