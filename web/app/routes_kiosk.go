package app

import "kintai/web"

// kioskRoutes lists the routes of the kiosk and face recognition API (device and HR endpoints).
func (a *App) kioskRoutes() []web.Route {
	return []web.Route{}
}
