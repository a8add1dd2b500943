package staffcsv

import "fmt"

// Refs answers whether the things a row refers to exist in the database.
// A nil function skips that check.
type Refs struct {
	OrgUnit func(code string) bool
	Site    func(code string) bool
	// Staff reports existing staff; supervisors may also be in the same file.
	Staff func(staffNo string) bool
}

// CheckRefs returns, sorted by line, the references in f's rows to org
// units, sites and supervisors that known does not know. A supervisor found
// anywhere in the file counts as known, even on a row with errors, so that
// one bad row is reported once. f is not changed: the caller merges the
// result with f.Errors as it sees fit.
func (f *File) CheckRefs(known Refs) []RowError {
	inFile := f.staffNos
	if inFile == nil { // a File built by hand
		inFile = make(map[string]int, len(f.Rows))
		for _, r := range f.Rows {
			inFile[r.StaffNo] = r.Line
		}
	}
	var errs []RowError
	add := func(line int, col, ja, en string) {
		errs = append(errs, RowError{Line: line, Column: col, Message: ja, MessageEN: en})
	}
	for _, r := range f.Rows {
		if known.OrgUnit != nil && r.OrgUnitCode != "" && !known.OrgUnit(r.OrgUnitCode) {
			add(r.Line, ColOrgUnitCode,
				fmt.Sprintf("所属コード「%s」は登録されていません。", r.OrgUnitCode),
				fmt.Sprintf("No org unit has code %q.", r.OrgUnitCode))
		}
		if known.Site != nil {
			for _, s := range r.SiteCodes {
				if !known.Site(s) {
					add(r.Line, ColSiteCodes,
						fmt.Sprintf("拠点コード「%s」は登録されていません。", s),
						fmt.Sprintf("No site has code %q.", s))
				}
			}
		}
		if known.Staff != nil && r.SupervisorNo != "" {
			if _, ok := inFile[r.SupervisorNo]; !ok && !known.Staff(r.SupervisorNo) {
				add(r.Line, ColSupervisorNo,
					fmt.Sprintf("上司職員番号「%s」の職員が見つかりません（登録済みの職員にも、このファイルにもいません）。", r.SupervisorNo),
					fmt.Sprintf("No staff member %q, neither registered nor in this file.", r.SupervisorNo))
			}
		}
	}
	sortErrors(errs)
	return errs
}
