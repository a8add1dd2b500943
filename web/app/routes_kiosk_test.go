package app

// accessKiosk is who may call each route of the kiosk and face recognition API (device and HR endpoints), written out
// independently of the route table (see TestRouteAccess).
var accessKiosk = map[string]string{
	"POST /api/v1/kiosk/pairing-codes":  "hr",
	"POST /api/v1/kiosk/pair":           "public",
	"GET /api/v1/kiosk/config":          "device",
	"POST /api/v1/face/identify":        "device",
	"POST /api/v1/face/verify":          "device",
	"POST /api/v1/face/enrolment-codes": "hr",
	"POST /api/v1/face/enrol":           "device_or_staff",
	"GET /api/v1/face/reviews":          "hr",
	"POST /api/v1/face/reviews/{id}":    "hr",
	"GET /api/v1/me/face":               "staff",
	"DELETE /api/v1/me/face":            "staff",
	"PUT /api/v1/me/pin":                "staff",
	"GET /api/v1/staff/{id}/face":       "hr",
	"DELETE /api/v1/staff/{id}/face":    "hr",
	"PUT /api/v1/staff/{id}/card":       "hr",
	"GET /api/v1/me/condition":          "staff",
	"GET /api/v1/condition/summary":     "approver",
}
