package app

// accessClose is who may call each route of the monthly close, written out
// independently of the route table (see TestRouteAccess). Scope within
// "approver" and "hr" routes is checked by the handlers.
var accessClose = map[string]string{
	"POST /api/v1/months/{month}/confirm":      "staff",
	"POST /api/v1/months/{month}/team-confirm": "approver",
	"POST /api/v1/months/{month}/close":        "hr",
	"POST /api/v1/months/{month}/reopen":       "hr",
	"GET /api/v1/months/{month}/close-status":  "approver",
	"POST /my/month/confirm":                   "staff",
	"POST /team/month/confirm":                 "approver",
	"GET /months/close":                        "hr",
	"POST /months/close":                       "hr",
}
