package app

import "kintai/web"

// closeRoutes lists the routes of the monthly close (月次締め): the staff
// member's and the supervisor's confirmations, HR's close and reopening,
// and the state of a month.
func (a *App) closeRoutes() []web.Route {
	return []web.Route{
		{Method: "POST", Pattern: "/api/v1/months/{month}/confirm", Access: web.Signed, Summary: "Confirm own month", Handler: a.apiConfirmMonth},
		{Method: "POST", Pattern: "/api/v1/months/{month}/team-confirm", Access: web.Approver, Summary: "Confirm the month of staff as supervisor", Handler: a.apiTeamConfirm},
		{Method: "POST", Pattern: "/api/v1/months/{month}/close", Access: web.HR, Summary: "Close a month for an org unit or everyone", Handler: a.apiCloseMonth},
		{Method: "POST", Pattern: "/api/v1/months/{month}/reopen", Access: web.HR, Summary: "Reopen a closed month", Handler: a.apiReopenMonth},
		{Method: "GET", Pattern: "/api/v1/months/{month}/close-status", Access: web.Approver, Summary: "Confirmations and closes of a month", Handler: a.apiCloseStatus},
		{Method: "POST", Pattern: "/my/month/confirm", Access: web.Signed, Summary: "Confirm own month from the month sheet", Handler: a.pageConfirmMonth, Page: true},
		{Method: "POST", Pattern: "/team/month/confirm", Access: web.Approver, Summary: "Confirm the team's months from the team month", Handler: a.pageConfirmTeam, Page: true},
		{Method: "GET", Pattern: "/months/close", Access: web.HR, Summary: "Monthly close (月次締め)", Handler: a.pageMonthClose, Page: true},
		{Method: "POST", Pattern: "/months/close", Access: web.HR, Summary: "Close or reopen a month from the page", Handler: a.pageMonthClosePost, Page: true},
	}
}
