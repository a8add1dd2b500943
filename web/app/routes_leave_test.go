package app

// accessLeave is the access of the leave routes (休暇の残日数).
var accessLeave = map[string]string{
	"GET /api/v1/staff/{id}/leave":         "staff",
	"POST /api/v1/staff/{id}/leave-grants": "hr",
	"GET /my/leave":                        "staff",
	"GET /leave":                           "hr",
	"POST /leave/grants":                   "hr",
	"POST /leave/grants/{id}/revoke":       "hr",
	"GET /settings/leave":                  "hr",
	"POST /settings/leave":                 "hr",
	"GET /api/v1/leave-settings":           "staff",
	"PUT /api/v1/leave-settings":           "hr",
}
