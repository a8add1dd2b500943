package app

// accessRequestPages is who may open each request page, written out
// independently of the route table (see TestRouteAccess).
var accessRequestPages = map[string]string{
	"GET /requests":                "staff",
	"GET /requests/new":            "staff",
	"POST /requests/new":           "staff",
	"POST /requests/{id}/withdraw": "staff",
	"GET /approvals":               "staff",
	"POST /approvals/bulk":         "staff",
	"POST /approvals/{id}":         "staff",
	"GET /proxies":                 "staff",
	"POST /proxies":                "staff",
	"POST /proxies/{id}/revoke":    "staff",
}
