package app

import "kintai/web"

// exportRoutes lists the routes of the payroll export (給与システム連携):
// the file of a month, the entity's layout of it, and the page.
func (a *App) exportRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: "/api/v1/exports/payroll", Access: web.HR, Summary: "Download the payroll file of a month", Handler: a.apiExportPayroll},
		{Method: "GET", Pattern: "/api/v1/exports/payroll/layout", Access: web.HR, Summary: "Get the payroll export layout", Handler: a.apiGetPayrollLayout},
		{Method: "PUT", Pattern: "/api/v1/exports/payroll/layout", Access: web.HR, Summary: "Save the payroll export layout", Handler: a.apiSavePayrollLayout},
		// Pages (pages_export.go).
		{Method: "GET", Pattern: "/exports", Access: web.HR, Summary: "Payroll export", Handler: a.pageExports, Page: true},
		{Method: "GET", Pattern: "/exports/payroll", Access: web.HR, Summary: "Download the payroll file (form)", Handler: a.pageExportDownload, Page: true},
		{Method: "POST", Pattern: "/exports/layout", Access: web.HR, Summary: "Save the payroll export layout (form)", Handler: a.pageExportLayout, Page: true},
	}
}
