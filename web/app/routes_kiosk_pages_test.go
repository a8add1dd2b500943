package app

// accessKioskPages is who may call each route of the kiosk, enrolment and face review pages, written out
// independently of the route table (see TestRouteAccess).
var accessKioskPages = map[string]string{
	"GET /kiosk":                      "public",
	"GET /kiosk/sw.js":                "public",
	"GET /kiosk/manifest.webmanifest": "public",
	"GET /my/face":                    "staff",
	"GET /staff/{id}/face":            "hr",
	"GET /face/reviews":               "hr",
	"GET /static/vendor/":             "public",
}
