package app

import "kintai/web"

// requestsRoutes lists the routes of requests and their approval (申請・承認):
// requests, decisions, proxies, approval routes and notifications.
func (a *App) requestsRoutes() []web.Route {
	return []web.Route{
		{Method: "POST", Pattern: "/api/v1/requests", Access: web.Signed, Summary: "Create and submit a request or give an order", Handler: a.apiCreateRequest},
		{Method: "GET", Pattern: "/api/v1/requests", Access: web.Signed, Summary: "List own requests or the inbox", Handler: a.apiListRequests},
		{Method: "POST", Pattern: "/api/v1/requests/bulk-decision", Access: web.Signed, Summary: "Decide many requests at once", Handler: a.apiBulkDecision},
		{Method: "GET", Pattern: "/api/v1/requests/overdue", Access: web.Approver, Summary: "List requests waiting longer than the escalation days", Handler: a.apiListOverdue},
		{Method: "GET", Pattern: "/api/v1/requests/{id}", Access: web.Signed, Summary: "Get a request with its history", Handler: a.apiGetRequest},
		{Method: "PUT", Pattern: "/api/v1/requests/{id}", Access: web.Signed, Summary: "Edit a draft or returned request and submit it again", Handler: a.apiUpdateRequest},
		{Method: "POST", Pattern: "/api/v1/requests/{id}/decision", Access: web.Signed, Summary: "Act on a request", Handler: a.apiDecideRequest},
		{Method: "GET", Pattern: "/api/v1/proxies", Access: web.Signed, Summary: "List own proxies", Handler: a.apiListProxies},
		{Method: "POST", Pattern: "/api/v1/proxies", Access: web.Signed, Summary: "Set up a proxy", Handler: a.apiCreateProxy},
		{Method: "DELETE", Pattern: "/api/v1/proxies/{id}", Access: web.Signed, Summary: "Revoke a proxy", Handler: a.apiRevokeProxy},
		{Method: "GET", Pattern: "/api/v1/approval-routes", Access: web.HR, Summary: "List approval routes", Handler: a.apiListApprovalRoutes},
		{Method: "PUT", Pattern: "/api/v1/approval-routes", Access: web.HR, Summary: "Replace the approval routes", Handler: a.apiSaveApprovalRoutes},
		{Method: "GET", Pattern: "/api/v1/approval-settings", Access: web.HR, Summary: "Get the approval settings", Handler: a.apiGetApprovalSettings},
		{Method: "PUT", Pattern: "/api/v1/approval-settings", Access: web.HR, Summary: "Save the approval settings", Handler: a.apiSaveApprovalSettings},
		{Method: "POST", Pattern: "/api/v1/notifications/read-all", Access: web.Signed, Summary: "Mark all own notifications read", Handler: a.apiReadAllNotifications},
		{Method: "GET", Pattern: "/api/v1/notifications", Access: web.Signed, Summary: "List own notifications", Handler: a.apiListNotifications},
		{Method: "POST", Pattern: "/api/v1/notifications/{id}/read", Access: web.Signed, Summary: "Mark a notification read", Handler: a.apiReadNotification},
	}
}
