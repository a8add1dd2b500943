package app

import "kintai/web"

// kioskPagesRoutes lists the routes of the kiosk, enrolment and face review pages.
func (a *App) kioskPagesRoutes() []web.Route {
	p := func(method, pattern string, access web.Access, summary string, h web.HandlerFunc) web.Route {
		return web.Route{Method: method, Pattern: pattern, Access: access, Summary: summary, Handler: h, Page: true}
	}
	return []web.Route{
		p("GET", "/kiosk", web.Public, "Face-recognition kiosk (paired to a site with a one-time code)", a.pageKiosk),
		p("GET", "/kiosk/sw.js", web.Public, "The kiosk's service worker (the page and its files offline)", a.pageKioskWorker),
		p("GET", "/kiosk/manifest.webmanifest", web.Public, "The kiosk's web app manifest", a.pageKioskManifest),
		p("GET", "/my/face", web.Signed, "My face enrolment, card and PIN", a.pageMyFace),
		p("GET", "/staff/{id}/face", web.HR, "A staff member's face enrolment, enrolment code and card", a.pageStaffFace),
		p("GET", "/face/reviews", web.HR, "Offline face punches to resolve", a.pageFaceReviews),
		p("GET", "/static/vendor/", web.Public, "Vendored front-end files (immutable, cached for a year)", a.serveVendor),
	}
}
