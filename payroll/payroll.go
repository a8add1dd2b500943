// Package payroll writes the monthly export for the entity's payroll system
// (給与システム連携): one line per staff member and month with every figure
// the rules engine produces (days worked, hours, each pay category's rounded
// hours and amount, night, 休日給, leave, deductions, telework days), as CSV
// (UTF-8 with BOM or Shift_JIS, CRLF) or as an .xlsx workbook.
//
// Which columns appear, in which order and under which headers is a Layout,
// so that each entity can match the import format of its payroll system.
// The package is pure: it reads rows and writes bytes, with no SQL, HTTP
// or clock.
package payroll

import (
	"fmt"
	"time"

	"kintai"
	"kintai/rules"
)

// Row is one staff member's month as exported.
type Row struct {
	StaffNo        string
	Name           string
	Kana           string
	OrgUnitCode    string
	OrgUnitName    string
	EmploymentType kintai.EmploymentType
	Year           int
	Month          time.Month
	Result         rules.MonthResult
}

// period returns the row's month as "2026-10".
func (r *Row) period() string { return fmt.Sprintf("%04d-%02d", r.Year, int(r.Month)) }

// SheetName returns the name of the workbook's sheet for rows: "給与連携
// 2026-10" when every row is of the same month, "給与連携" otherwise.
func SheetName(rows []Row) string {
	const base = "給与連携"
	if len(rows) == 0 {
		return base
	}
	p := rows[0].period()
	for i := range rows {
		if rows[i].period() != p {
			return base
		}
	}
	return base + " " + p
}

// categoryCodes are the pay categories a layout can name, in the rules
// engine's display order.
var categoryCodes = []string{
	rules.CategoryOT125, rules.CategoryOT150Night, rules.CategoryOT135, rules.CategoryOT160,
	rules.CategoryOT150Over60, rules.CategoryOT175Over60, rules.CategoryBand100,
	rules.CategoryBand125Night, rules.CategoryHoliday135, rules.CategoryNight25,
}

// category returns the row's category code, or a zero Category with that
// code when the month has none of its minutes.
func (r *Row) category(code string) rules.Category {
	for _, c := range r.Result.Categories {
		if c.Code == code {
			return c
		}
	}
	return rules.Category{Code: code}
}
