package app

import "kintai/web"

// rulesRoutes lists the routes of the work-time rules engine: patterns, calendars, results, caps.
func (a *App) rulesRoutes() []web.Route {
	return []web.Route{}
}
