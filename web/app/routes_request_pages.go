package app

import "kintai/web"

// requestPagesRoutes lists the pages of requests and their approval
// (pages_requests.go, pages_orders.go, pages_approvals.go). Scope is
// checked by the store and approval.Decide: a deputy without the approver
// role still has an inbox.
func (a *App) requestPagesRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: "/requests", Access: web.Signed, Summary: "My requests with their history", Handler: a.pageRequestsMine, Page: true},
		{Method: "GET", Pattern: "/requests/new", Access: web.Signed, Summary: "Request form", Handler: a.pageRequestNew, Page: true},
		{Method: "POST", Pattern: "/requests/new", Access: web.Signed, Summary: "Submit a request", Handler: a.pageRequestCreate, Page: true},
		{Method: "GET", Pattern: "/requests/result/new", Access: web.Signed, Summary: "Overtime result report, with the gap", Handler: a.pageResultNew, Page: true},
		{Method: "POST", Pattern: "/requests/result/new", Access: web.Signed, Summary: "Report overtime worked", Handler: a.pageResultCreate, Page: true},
		{Method: "GET", Pattern: "/requests/{id}/edit", Access: web.Signed, Summary: "Edit a draft or returned request", Handler: a.pageRequestEdit, Page: true},
		{Method: "POST", Pattern: "/requests/{id}/edit", Access: web.Signed, Summary: "Submit an edited request again", Handler: a.pageRequestUpdate, Page: true},
		{Method: "POST", Pattern: "/requests/{id}/withdraw", Access: web.Signed, Summary: "Withdraw a request", Handler: a.pageRequestWithdraw, Page: true},
		{Method: "POST", Pattern: "/requests/{id}/cancel", Access: web.Signed, Summary: "Ask to cancel an approved request", Handler: a.pageRequestCancel, Page: true},
		{Method: "POST", Pattern: "/requests/{id}/acknowledge", Access: web.Signed, Summary: "Acknowledge an order", Handler: a.pageRequestAcknowledge, Page: true},
		{Method: "GET", Pattern: "/orders/new", Access: web.Approver, Summary: "Overtime and holiday-work orders", Handler: a.pageOrderNew, Page: true},
		{Method: "POST", Pattern: "/orders/new", Access: web.Approver, Summary: "Give an order", Handler: a.pageOrderCreate, Page: true},
		{Method: "POST", Pattern: "/orders/{id}/daikyu", Access: web.Approver, Summary: "Designate the 代休 day of a holiday-work order", Handler: a.pageOrderDaikyu, Page: true},
		{Method: "GET", Pattern: "/approvals", Access: web.Signed, Summary: "Approver's inbox", Handler: a.pageInbox, Page: true},
		{Method: "POST", Pattern: "/approvals/bulk", Access: web.Signed, Summary: "Approve or reject many requests", Handler: a.pageInboxBulk, Page: true},
		{Method: "GET", Pattern: "/approvals/overdue", Access: web.Approver, Summary: "Requests waiting too long", Handler: a.pageOverdue, Page: true},
		{Method: "POST", Pattern: "/approvals/{id}", Access: web.Signed, Summary: "Act on one request", Handler: a.pageInboxDecide, Page: true},
		{Method: "GET", Pattern: "/notifications", Access: web.Signed, Summary: "My notifications", Handler: a.pageNotifications, Page: true},
		{Method: "POST", Pattern: "/notifications/read-all", Access: web.Signed, Summary: "Mark all notifications read", Handler: a.pageNotificationsReadAll, Page: true},
		{Method: "POST", Pattern: "/notifications/{id}/read", Access: web.Signed, Summary: "Mark a notification read", Handler: a.pageNotificationRead, Page: true},
		{Method: "GET", Pattern: "/proxies", Access: web.Signed, Summary: "My proxy settings", Handler: a.pageProxies, Page: true},
		{Method: "POST", Pattern: "/proxies", Access: web.Signed, Summary: "Set up a proxy", Handler: a.pageProxyCreate, Page: true},
		{Method: "POST", Pattern: "/proxies/{id}/revoke", Access: web.Signed, Summary: "Revoke a proxy", Handler: a.pageProxyRevoke, Page: true},
		{Method: "GET", Pattern: "/settings/approval", Access: web.HR, Summary: "Approval settings", Handler: a.pageApprovalSettings, Page: true},
		{Method: "POST", Pattern: "/settings/approval", Access: web.HR, Summary: "Save the approval settings", Handler: a.pageApprovalSettingsSave, Page: true},
		{Method: "GET", Pattern: "/settings/approval-routes", Access: web.HR, Summary: "Approval routes", Handler: a.pageApprovalRoutes, Page: true},
		{Method: "POST", Pattern: "/settings/approval-routes", Access: web.HR, Summary: "Save an approval route", Handler: a.pageApprovalRouteSave, Page: true},
		{Method: "POST", Pattern: "/settings/approval-routes/{id}/delete", Access: web.HR, Summary: "Delete an approval route", Handler: a.pageApprovalRouteDelete, Page: true},
	}
}
