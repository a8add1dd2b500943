package app

import "kintai/web"

// kioskRoutes lists the routes of the kiosk and face recognition API (device and HR endpoints).
func (a *App) kioskRoutes() []web.Route {
	r := func(method, pattern string, access web.Access, summary string, h web.HandlerFunc) web.Route {
		return web.Route{Method: method, Pattern: pattern, Access: access, Summary: summary, Handler: h}
	}
	return []web.Route{
		r("POST", "/api/v1/kiosk/pairing-codes", web.HR, "Issue a one-time kiosk pairing code for a site", a.apiCreatePairingCode),
		r("POST", "/api/v1/kiosk/pair", web.Public, "Pair a kiosk with a one-time code", a.apiKioskPair),
		r("GET", "/api/v1/kiosk/config", web.Device, "A kiosk's site and face settings", a.apiKioskConfig),

		r("POST", "/api/v1/face/identify", web.Device, "Identify a face among the kiosk site's staff (1:N)", a.apiFaceIdentify),
		r("POST", "/api/v1/face/verify", web.Device, "Verify a face against one staff member (1:1)", a.apiFaceVerify),
		r("POST", "/api/v1/face/enrolment-codes", web.HR, "Issue a one-time face enrolment code", a.apiCreateEnrolmentCode),
		r("POST", "/api/v1/face/enrol", web.DeviceOrStaff, "Enrol a face (with a code at a kiosk, or oneself)", a.apiFaceEnrol),
		r("GET", "/api/v1/face/reviews", web.HR, "Offline face punches waiting for HR", a.apiListFaceReviews),
		r("POST", "/api/v1/face/reviews/{id}", web.HR, "Resolve an offline face punch", a.apiDecideFaceReview),

		r("GET", "/api/v1/me/face", web.Signed, "My face enrolment, card and PIN", a.apiMyFace),
		r("DELETE", "/api/v1/me/face", web.Signed, "Withdraw my face enrolment", a.apiWithdrawFace),
		r("PUT", "/api/v1/me/pin", web.Signed, "Set my kiosk PIN", a.apiSetPIN),
		r("GET", "/api/v1/staff/{id}/face", web.HR, "A staff member's face enrolment and card", a.apiStaffFace),
		r("DELETE", "/api/v1/staff/{id}/face", web.HR, "Delete a staff member's face enrolment", a.apiDeleteStaffFace),
		r("PUT", "/api/v1/staff/{id}/card", web.HR, "Register or remove a staff member's IC card", a.apiSetStaffCard),

		r("GET", "/api/v1/me/condition", web.Signed, "My condition scores", a.apiMyCondition),
		r("GET", "/api/v1/condition/summary", web.Approver, "Daily condition aggregates of staff in scope", a.apiConditionSummary),
	}
}
