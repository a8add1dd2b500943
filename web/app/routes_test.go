package app

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"kintai/store"
)

// access is who may call each route, written out here independently of the
// route table so that a change of access in the table fails this test.
var access = map[string]string{
	"GET /healthz":                        "public",
	"GET /readyz":                         "public",
	"GET /metrics":                        "public",
	"GET /api/v1/openapi.json":            "public",
	"POST /api/v1/auth/login":             "public",
	"POST /api/v1/auth/logout":            "staff",
	"GET /api/v1/me":                      "staff",
	"POST /api/v1/me/password":            "staff",
	"GET /api/v1/org-units":               "staff",
	"POST /api/v1/org-units":              "admin",
	"PUT /api/v1/org-units/{id}":          "admin",
	"GET /api/v1/sites":                   "staff",
	"POST /api/v1/sites":                  "admin",
	"PUT /api/v1/sites/{id}":              "admin",
	"GET /api/v1/staff":                   "approver",
	"POST /api/v1/staff":                  "hr",
	"GET /api/v1/staff/{id}":              "staff",
	"PUT /api/v1/staff/{id}":              "hr",
	"POST /api/v1/staff/{id}/password":    "hr",
	"POST /api/v1/staff/import":           "hr",
	"GET /api/v1/grants":                  "admin",
	"POST /api/v1/grants":                 "admin",
	"DELETE /api/v1/grants/{id}":          "admin",
	"GET /api/v1/terminals":               "admin",
	"POST /api/v1/terminals":              "admin",
	"POST /api/v1/terminals/{id}/revoke":  "admin",
	"GET /api/v1/device/ping":             "device",
	"POST /api/v1/punches":                "device_or_staff",
	"POST /api/v1/punches/batch":          "device",
	"GET /api/v1/punches":                 "staff",
	"GET /api/v1/punch-exceptions":        "approver",
	"GET /api/v1/presence":                "approver",
	"GET /api/v1/api-tokens":              "admin",
	"POST /api/v1/api-tokens":             "admin",
	"POST /api/v1/api-tokens/{id}/revoke": "admin",
	"GET /api/v1/audit":                   "admin",
	"GET /api/v1/audit/verify":            "admin",
	"GET /login":                          "public",
	"POST /login":                         "public",
	"POST /logout":                        "staff",
	"GET /{$}":                            "staff",
	"GET /org-units":                      "staff",
	"POST /org-units":                     "admin",
	"GET /sites":                          "staff",
	"POST /sites":                         "admin",
	"GET /sites/{id}":                     "admin",
	"POST /sites/{id}":                    "admin",
	"GET /staff":                          "approver",
	"GET /staff/new":                      "hr",
	"POST /staff/new":                     "hr",
	"GET /staff/{id}":                     "approver",
	"POST /staff/{id}":                    "hr",
	"GET /staff/import":                   "hr",
	"POST /staff/import":                  "hr",
	"GET /staff/import/template.csv":      "hr",
	"GET /punch":                          "staff",
	"POST /punch":                         "staff",
	"GET /my/punches":                     "staff",
	"GET /presence":                       "approver",
}

// routeAccess joins the access tables of each area of the product.
func routeAccess() map[string]string {
	all := map[string]string{}
	for _, m := range []map[string]string{access, accessRules, accessKiosk, accessKioskPages, accessRequests, accessRequestPages, accessExport, accessClose, accessLeave} {
		for k, v := range m {
			if _, dup := all[k]; dup {
				panic("route listed twice in the access tables: " + k)
			}
			all[k] = v
		}
	}
	return all
}

// rank orders the people of the fixture by what they may do.
var rank = map[string]int{"": 0, "staff": 1, "approver": 2, "hr": 3, "admin": 4}

func allowed(need, who string) bool {
	switch need {
	case "public":
		return true
	case "device":
		return who == "device"
	case "device_or_staff":
		return who != ""
	}
	if who == "device" {
		return false
	}
	return rank[who] >= rank[need]
}

// TestRouteAccess walks the whole route table with each role and checks who
// is let through and who is refused, and how.
func TestRouteAccess(t *testing.T) {
	f := newFixture(t, store.SQLite)
	seen := map[string]bool{}
	for _, rt := range f.app.Routes() {
		key := rt.Method + " " + rt.Pattern
		seen[key] = true
		need, ok := routeAccess()[key]
		if !ok {
			t.Errorf("route %s is missing from this test's access table", key)
			continue
		}
		path := strings.NewReplacer("{$}", "", "{id}", strconv.FormatInt(f.staff["staff"].ID, 10)).Replace(rt.Pattern)
		if strings.HasPrefix(path, "/sites/") {
			path = "/sites/" + strconv.FormatInt(f.site.ID, 10)
		}
		for _, who := range []string{"", "staff", "approver", "hr", "admin", "device"} {
			c := f.as(who)
			var resp *http.Response
			if rt.Page && rt.Method == "POST" {
				resp = c.do(rt.Method, path, "application/x-www-form-urlencoded", "csrf_token="+c.csrf)
			} else {
				resp = c.do(rt.Method, path, "application/json", "{}")
			}
			got := resp.StatusCode
			refused := got == http.StatusUnauthorized || got == http.StatusForbidden ||
				(rt.Page && rt.Method == "GET" && got == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login?"))
			// A public route's handler may answer 401 itself (a failed sign-in).
			if allowed(need, who) && need != "public" && refused {
				t.Errorf("%s as %q = %d, want it let through (access %s)", key, who, got, need)
			}
			if !allowed(need, who) {
				if !refused {
					t.Errorf("%s as %q = %d, want 401, 403 or a redirect to sign in (access %s)", key, who, got, need)
				}
				signedIn := who != "" && who != "device"
				if signedIn && got != http.StatusForbidden {
					t.Errorf("%s as signed-in %q = %d, want 403", key, who, got)
				}
			}
		}
	}
	for key := range access {
		if !seen[key] {
			t.Errorf("access table names %s, which the route table does not serve", key)
		}
	}
}
