package app

// accessRequests is who may call each route of requests and approval,
// written out independently of the route table (see TestRouteAccess).
// Scope within "staff" routes is checked by the handlers and approval.Decide.
var accessRequests = map[string]string{
	"POST /api/v1/requests":                "staff",
	"GET /api/v1/requests":                 "staff",
	"POST /api/v1/requests/bulk-decision":  "staff",
	"GET /api/v1/requests/overdue":         "approver",
	"GET /api/v1/requests/{id}":            "staff",
	"PUT /api/v1/requests/{id}":            "staff",
	"POST /api/v1/requests/{id}/decision":  "staff",
	"GET /api/v1/proxies":                  "staff",
	"POST /api/v1/proxies":                 "staff",
	"DELETE /api/v1/proxies/{id}":          "staff",
	"GET /api/v1/approval-routes":          "hr",
	"PUT /api/v1/approval-routes":          "hr",
	"GET /api/v1/approval-settings":        "hr",
	"PUT /api/v1/approval-settings":        "hr",
	"POST /api/v1/notifications/read-all":  "staff",
	"GET /api/v1/notifications":            "staff",
	"POST /api/v1/notifications/{id}/read": "staff",
}
