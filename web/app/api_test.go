package app

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"kintai/store"
)

func TestSignIn(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			anon := f.as("")
			tests := []struct {
				name     string
				staffNo  string
				password string
				status   int
				code     string
			}{
				{"right password", f.staff["staff"].StaffNo, testPassword, 200, ""},
				{"wrong password", f.staff["staff"].StaffNo, "wrong-password", 401, "unauthorized"},
				{"unknown staff", "999999", testPassword, 401, "unauthorized"},
				{"appointment ended", f.staff["expired"].StaffNo, testPassword, 403, "forbidden"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					resp, body := anon.json("POST", "/api/v1/auth/login", map[string]string{"staff_no": tt.staffNo, "password": tt.password})
					if resp.StatusCode != tt.status || errCode(body) != tt.code {
						t.Fatalf("login = %d %v, want %d %q", resp.StatusCode, body, tt.status, tt.code)
					}
					if tt.status != 200 {
						if len(resp.Cookies()) != 0 {
							t.Errorf("failed login set cookies %v", resp.Cookies())
						}
						return
					}
					var cookie *http.Cookie
					for _, c := range resp.Cookies() {
						if c.Name == sessionCookie {
							cookie = c
						}
					}
					if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
						t.Fatalf("session cookie = %+v, want HttpOnly SameSite=Lax", cookie)
					}
					me := &client{f: f, cookie: cookie.Value, csrf: body["csrf_token"].(string)}
					if resp, _ := me.json("GET", "/api/v1/me", nil); resp.StatusCode != 200 {
						t.Errorf("GET /api/v1/me after sign-in = %d", resp.StatusCode)
					}
					// Without the CSRF token a state-changing request is refused.
					me.csrf = ""
					if resp, body := me.json("POST", "/api/v1/auth/logout", nil); resp.StatusCode != 403 || errCode(body) != "forbidden" {
						t.Errorf("logout without CSRF = %d %v, want 403", resp.StatusCode, body)
					}
				})
			}
		})
	}
}

func TestLockout(t *testing.T) {
	f := newFixture(t, store.SQLite)
	anon := f.as("")
	no := f.staff["staff"].StaffNo
	login := func(pw string) (int, string) {
		resp, body := anon.json("POST", "/api/v1/auth/login", map[string]string{"staff_no": no, "password": pw})
		e, _ := body["error"].(map[string]any)
		msg, _ := e["message"].(string)
		return resp.StatusCode, msg
	}
	for i := 0; i < 5; i++ {
		if got, _ := login("wrong-" + strconv.Itoa(i)); got != 401 {
			t.Fatalf("failure %d = %d, want 401", i+1, got)
		}
	}
	// Locked: even the right password is refused, with a message saying so.
	if got, msg := login(testPassword); got != 401 || !strings.Contains(msg, "ロック") {
		t.Fatalf("right password while locked = %d %q, want 401 with a lockout message", got, msg)
	}
	f.clock.Advance(61 * time.Second)
	if got, _ := login(testPassword); got != 200 {
		t.Fatalf("right password after the lockout = %d, want 200", got)
	}
	entries, err := f.db.FindAuditEntries(t.Context(), store.AuditFilter{Entity: "staff", EntityID: strconv.FormatInt(f.staff["staff"].ID, 10)})
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, e := range entries {
		if e.Action == "auth.login_failed" {
			failed++
		}
	}
	if failed != 5 {
		t.Errorf("audit has %d failed sign-ins, want 5", failed)
	}
}

func TestStaffScope(t *testing.T) {
	f := newFixture(t, store.SQLite)
	id := func(key string) string { return strconv.FormatInt(f.staff[key].ID, 10) }

	// The approver of 人事課 sees 人事課's staff and not 財政課's.
	resp, body := f.as("approver").json("GET", "/api/v1/staff?limit=100", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("list = %d %v", resp.StatusCode, body)
	}
	for _, it := range body["items"].([]any) {
		if it.(map[string]any)["staff_no"] == f.staff["other"].StaffNo {
			t.Errorf("approver of 人事課 listed 財政課's staff member")
		}
	}
	if got := int(body["total"].(float64)); got != 5 {
		t.Errorf("approver sees %d staff, want the 5 of 人事課", got)
	}
	if resp, _ := f.as("approver").json("GET", "/api/v1/staff/"+id("other"), nil); resp.StatusCode != 404 {
		t.Errorf("approver GET out-of-scope staff = %d, want 404", resp.StatusCode)
	}
	// Staff see themselves and nobody else.
	if resp, _ := f.as("staff").json("GET", "/api/v1/staff/"+id("staff"), nil); resp.StatusCode != 200 {
		t.Errorf("staff GET self = %d, want 200", resp.StatusCode)
	}
	if resp, _ := f.as("staff").json("GET", "/api/v1/staff/"+id("approver"), nil); resp.StatusCode != 404 {
		t.Errorf("staff GET another = %d, want 404", resp.StatusCode)
	}

	newStaff := func(unit int64) map[string]any {
		return map[string]any{"staff_no": "200001", "name": "新規　職員", "kana": "シンキ　ショクイン", "employment_type": "regular",
			"appointed_on": "2026-04-01", "org_unit_id": unit, "site_ids": []int64{f.site.ID}}
	}
	// HR over 人事課 may not create staff in 財政課, nor move staff there.
	if resp, body := f.as("hr").json("POST", "/api/v1/staff", newStaff(f.zaisei.ID)); resp.StatusCode != 403 {
		t.Errorf("HR create out of scope = %d %v, want 403", resp.StatusCode, body)
	}
	resp, body = f.as("hr").json("POST", "/api/v1/staff", newStaff(f.jinji.ID))
	if resp.StatusCode != 201 {
		t.Fatalf("HR create in scope = %d %v, want 201", resp.StatusCode, body)
	}
	moved := newStaff(f.zaisei.ID)
	if resp, _ := f.as("hr").json("PUT", "/api/v1/staff/"+strconv.Itoa(int(body["id"].(float64))), moved); resp.StatusCode != 403 {
		t.Errorf("HR move staff out of scope = %d, want 403", resp.StatusCode)
	}
	if resp, _ := f.as("admin").json("PUT", "/api/v1/staff/"+strconv.Itoa(int(body["id"].(float64))), moved); resp.StatusCode != 200 {
		t.Errorf("admin move staff = %d, want 200", resp.StatusCode)
	}
}

func TestBadInput(t *testing.T) {
	f := newFixture(t, store.SQLite)
	admin := f.as("admin")
	tests := []struct {
		name   string
		method string
		path   string
		body   string
		status int
		field  string
	}{
		{"malformed JSON", "POST", "/api/v1/sites", `{"code":`, 400, ""},
		{"unknown field", "POST", "/api/v1/sites", `{"code":"S9","name":"x","colour":"red"}`, 400, "colour"},
		{"wrong type", "POST", "/api/v1/sites", `{"code":9}`, 400, "code"},
		{"half a geofence", "POST", "/api/v1/sites", `{"code":"S9","name":"x","lat":35.6}`, 400, "geofence"},
		{"duplicate code", "POST", "/api/v1/sites", `{"code":"S0001","name":"x"}`, 409, "code"},
		{"bad kana", "POST", "/api/v1/staff", `{"staff_no":"3","name":"x","kana":"abc","employment_type":"regular","appointed_on":"2026-04-01","org_unit_id":1}`, 400, "kana"},
		{"impossible date", "POST", "/api/v1/staff", `{"staff_no":"3","name":"x","kana":"ア","employment_type":"regular","appointed_on":"2026-02-30","org_unit_id":1}`, 400, ""},
		{"fiscal appointee without end", "POST", "/api/v1/staff", `{"staff_no":"3","name":"x","kana":"ア","employment_type":"fiscal_part","appointed_on":"2026-04-01","org_unit_id":1}`, 400, "appointment_ends_on"},
		{"bad id", "PUT", "/api/v1/sites/abc", `{}`, 400, "id"},
		{"missing site", "PUT", "/api/v1/sites/999", `{"code":"S9","name":"x"}`, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := admin.do(tt.method, tt.path, "application/json", tt.body)
			var body struct {
				Error struct{ Code, Message, MessageEN, Field string }
			}
			raw, _ := io.ReadAll(resp.Body)
			if err := json.Unmarshal(raw, &body); err != nil {
				t.Fatalf("error body is not JSON: %s", raw)
			}
			if resp.StatusCode != tt.status || (tt.field != "" && body.Error.Field != tt.field) {
				t.Errorf("%s %s = %d %s, want %d field %q", tt.method, tt.path, resp.StatusCode, raw, tt.status, tt.field)
			}
			if body.Error.Message == "" || body.Error.Code == "" {
				t.Errorf("error without code or Japanese message: %s", raw)
			}
		})
	}
}

func TestTerminalCredential(t *testing.T) {
	f := newFixture(t, store.SQLite)
	dev := f.as("device")
	if resp, _ := dev.json("GET", "/api/v1/device/ping", nil); resp.StatusCode != 200 {
		t.Fatalf("ping = %d, want 200", resp.StatusCode)
	}
	terms, _ := f.db.FindTerminals(t.Context(), f.site.ID)
	if resp, _ := f.as("admin").json("POST", "/api/v1/terminals/"+strconv.FormatInt(terms[0].ID, 10)+"/revoke", nil); resp.StatusCode != 204 {
		t.Fatalf("revoke = %d, want 204", resp.StatusCode)
	}
	if resp, body := dev.json("GET", "/api/v1/device/ping", nil); resp.StatusCode != 401 {
		t.Errorf("ping after revoke = %d %v, want 401", resp.StatusCode, body)
	}
}

func TestAuditRecordsChanges(t *testing.T) {
	f := newFixture(t, store.SQLite)
	admin := f.as("admin")
	resp, site := admin.json("POST", "/api/v1/sites", map[string]any{"code": "S0100", "name": "桜丘保育園"})
	if resp.StatusCode != 201 {
		t.Fatalf("create site = %d", resp.StatusCode)
	}
	resp, body := admin.json("GET", "/api/v1/audit?entity=site&entity_id="+strconv.Itoa(int(site["id"].(float64))), nil)
	items, _ := body["items"].([]any)
	if resp.StatusCode != 200 || len(items) != 1 {
		t.Fatalf("audit for the new site = %d %v, want one entry", resp.StatusCode, body)
	}
	e := items[0].(map[string]any)
	if e["action"] != "site.create" || e["actor"] != "staff:"+strconv.FormatInt(f.staff["admin"].ID, 10) || !strings.Contains(e["after"].(string), "桜丘保育園") {
		t.Errorf("audit entry = %v", e)
	}
	if _, v := admin.json("GET", "/api/v1/audit/verify", nil); v["intact"] != true {
		t.Errorf("verify = %v, want intact", v)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	f := newFixture(t, store.SQLite)
	anon := f.as("")
	if resp, _ := anon.json("GET", "/readyz", nil); resp.StatusCode != 200 {
		t.Errorf("readyz = %d", resp.StatusCode)
	}
	resp := anon.do("GET", "/metrics", "", "")
	raw, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(raw), `kintai_http_requests_total{route="GET /readyz",status="200"} 1`) {
		t.Errorf("metrics do not count the readyz request:\n%s", raw)
	}
}
