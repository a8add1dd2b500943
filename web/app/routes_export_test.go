package app

// accessExport is who may call each route of the payroll export, written
// out independently of the route table (see TestRouteAccess). The staff an
// HR officer exports are limited to their scope by the handler.
var accessExport = map[string]string{
	"GET /api/v1/exports/payroll":        "hr",
	"GET /api/v1/exports/payroll/layout": "hr",
	"PUT /api/v1/exports/payroll/layout": "hr",
	"GET /exports":                       "hr",
	"GET /exports/payroll":               "hr",
	"POST /exports/layout":               "hr",
}
