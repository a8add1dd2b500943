package app

import "kintai/web"

// rulesRoutes lists the routes of the work-time rules engine: patterns, calendars, results, caps.
func (a *App) rulesRoutes() []web.Route {
	return append(a.rulesAPIRoutes(), []web.Route{
		// Pages (pages_rules.go).
		{Method: "GET", Pattern: "/my/month", Access: web.Signed, Summary: "Month sheet (出勤簿): own, or ?staff= in scope", Handler: a.pageMonth, Page: true},
		{Method: "GET", Pattern: "/team/month", Access: web.Approver, Summary: "Team month with cap alerts", Handler: a.pageTeamMonth, Page: true},
		{Method: "GET", Pattern: "/settings/patterns", Access: web.HR, Summary: "Work patterns", Handler: a.pagePatterns, Page: true},
		{Method: "POST", Pattern: "/settings/patterns", Access: web.HR, Summary: "Create a work pattern", Handler: a.pagePatternSave, Page: true},
		{Method: "GET", Pattern: "/settings/patterns/{id}", Access: web.HR, Summary: "Edit a work pattern", Handler: a.pagePatternEdit, Page: true},
		{Method: "POST", Pattern: "/settings/patterns/{id}", Access: web.HR, Summary: "Save a work pattern", Handler: a.pagePatternSave, Page: true},
		{Method: "GET", Pattern: "/staff/{id}/patterns", Access: web.Approver, Summary: "A staff member's patterns and pay", Handler: a.pageStaffPatterns, Page: true},
		{Method: "POST", Pattern: "/staff/{id}/patterns", Access: web.HR, Summary: "Assign a work pattern", Handler: a.pageStaffAssign, Page: true},
		{Method: "POST", Pattern: "/staff/{id}/pay", Access: web.HR, Summary: "Set a staff member's pay", Handler: a.pageStaffPay, Page: true},
		{Method: "GET", Pattern: "/staff/{id}/shifts", Access: web.Approver, Summary: "A staff member's shifts of a month", Handler: a.pageShifts, Page: true},
		{Method: "POST", Pattern: "/staff/{id}/shifts", Access: web.Approver, Summary: "Save a staff member's shifts of a month", Handler: a.pageShiftsSave, Page: true},
		{Method: "GET", Pattern: "/settings/calendar", Access: web.HR, Summary: "Holiday calendar", Handler: a.pageCalendar, Page: true},
		{Method: "POST", Pattern: "/settings/calendar/upload", Access: web.HR, Summary: "Upload the Cabinet Office's holiday CSV", Handler: a.pageCalendarUpload, Page: true},
		{Method: "POST", Pattern: "/settings/calendar/days", Access: web.HR, Summary: "Add an entity holiday", Handler: a.pageCalendarAddDay, Page: true},
		{Method: "POST", Pattern: "/settings/calendar/days/delete", Access: web.HR, Summary: "Remove an entity holiday", Handler: a.pageCalendarDeleteDay, Page: true},
		{Method: "POST", Pattern: "/settings/calendar/options", Access: web.HR, Summary: "Save the year-end holidays", Handler: a.pageCalendarOptions, Page: true},
		{Method: "GET", Pattern: "/settings/rules", Access: web.HR, Summary: "Rule settings", Handler: a.pageRuleSettings, Page: true},
		{Method: "POST", Pattern: "/settings/rules", Access: web.HR, Summary: "Save the rule settings", Handler: a.pageRuleSettingsSave, Page: true},
	}...)
}
