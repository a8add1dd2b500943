package app

import "kintai/web"

// kioskPagesRoutes lists the routes of the kiosk, enrolment and face review pages.
func (a *App) kioskPagesRoutes() []web.Route {
	return []web.Route{}
}
