package app

// accessRequestPages is who may open each request page, written out
// independently of the route table (see TestRouteAccess).
var accessRequestPages = map[string]string{
	"GET /requests":                              "staff",
	"GET /requests/new":                          "staff",
	"POST /requests/new":                         "staff",
	"GET /requests/result/new":                   "staff",
	"POST /requests/result/new":                  "staff",
	"GET /requests/{id}/edit":                    "staff",
	"POST /requests/{id}/edit":                   "staff",
	"POST /requests/{id}/withdraw":               "staff",
	"POST /requests/{id}/cancel":                 "staff",
	"POST /requests/{id}/acknowledge":            "staff",
	"GET /orders/new":                            "approver",
	"POST /orders/new":                           "approver",
	"POST /orders/{id}/daikyu":                   "approver",
	"GET /approvals":                             "staff",
	"POST /approvals/bulk":                       "staff",
	"GET /approvals/overdue":                     "approver",
	"POST /approvals/{id}":                       "staff",
	"GET /notifications":                         "staff",
	"POST /notifications/read-all":               "staff",
	"POST /notifications/{id}/read":              "staff",
	"GET /proxies":                               "staff",
	"POST /proxies":                              "staff",
	"POST /proxies/{id}/revoke":                  "staff",
	"GET /settings/approval":                     "hr",
	"POST /settings/approval":                    "hr",
	"GET /settings/approval-routes":              "hr",
	"POST /settings/approval-routes":             "hr",
	"POST /settings/approval-routes/{id}/delete": "hr",
}
