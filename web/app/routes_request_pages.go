package app

import "kintai/web"

// requestPagesRoutes lists the pages of requests and their approval
// (pages_requests.go). Scope is checked by the store and approval.Decide:
// a deputy without the approver role still has an inbox.
func (a *App) requestPagesRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: "/requests", Access: web.Signed, Summary: "My requests with their history", Handler: a.pageRequestsMine, Page: true},
		{Method: "GET", Pattern: "/requests/new", Access: web.Signed, Summary: "Request form", Handler: a.pageRequestNew, Page: true},
		{Method: "POST", Pattern: "/requests/new", Access: web.Signed, Summary: "Submit a request", Handler: a.pageRequestCreate, Page: true},
		{Method: "POST", Pattern: "/requests/{id}/withdraw", Access: web.Signed, Summary: "Withdraw a request", Handler: a.pageRequestWithdraw, Page: true},
		{Method: "GET", Pattern: "/approvals", Access: web.Signed, Summary: "Approver's inbox", Handler: a.pageInbox, Page: true},
		{Method: "POST", Pattern: "/approvals/bulk", Access: web.Signed, Summary: "Approve or reject many requests", Handler: a.pageInboxBulk, Page: true},
		{Method: "POST", Pattern: "/approvals/{id}", Access: web.Signed, Summary: "Act on one request", Handler: a.pageInboxDecide, Page: true},
		{Method: "GET", Pattern: "/proxies", Access: web.Signed, Summary: "My proxy settings", Handler: a.pageProxies, Page: true},
		{Method: "POST", Pattern: "/proxies", Access: web.Signed, Summary: "Set up a proxy", Handler: a.pageProxyCreate, Page: true},
		{Method: "POST", Pattern: "/proxies/{id}/revoke", Access: web.Signed, Summary: "Revoke a proxy", Handler: a.pageProxyRevoke, Page: true},
	}
}
