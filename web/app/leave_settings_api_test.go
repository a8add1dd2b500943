package app

import (
	"net/http"
	"testing"

	"kintai/store"
)

// TestLeaveSettingsAPI: HR adds a 特別休暇 of its own and disables one it
// does not have; staff can take the first, within its limit, and not the
// second; a built-in type cannot be removed; staff cannot change the list.
func TestLeaveSettingsAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	hr, staff := f.as("hr"), f.as("staff")
	resp, body := staff.json("GET", "/api/v1/leave-settings", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/leave-settings = %d %v", resp.StatusCode, body)
	}
	types := body["types"].([]any)
	var kept []any
	for _, v := range types {
		ty := v.(map[string]any)
		if ty["code"] == "marriage" {
			ty["disabled"] = true
		}
		kept = append(kept, ty)
	}
	refresh := map[string]any{"code": "refresh", "name": "リフレッシュ休暇", "category": "special", "units": []string{"day"}, "paid": true,
		"limit": map[string]any{"days": 2, "period": "fiscal_year"}}
	leaveReq := func(code, day string) map[string]any {
		return map[string]any{"kind": "leave", "leave": map[string]any{"type": code, "unit": "day", "from_on": day, "to_on": day}}
	}

	if resp, body := staff.json("PUT", "/api/v1/leave-settings", map[string]any{"types": append(kept, refresh)}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("staff PUT /api/v1/leave-settings = %d %v, want 403", resp.StatusCode, body)
	}
	if resp, body := staff.json("POST", "/api/v1/requests", leaveReq("refresh", "2026-06-10")); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("leave of a type not yet offered = %d %v, want 400", resp.StatusCode, body)
	}
	// A built-in type may be disabled, not removed.
	if resp, body := hr.json("PUT", "/api/v1/leave-settings", map[string]any{"types": append(append([]any{}, kept[:1]...), kept[2:]...)}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("PUT without a built-in type = %d %v, want 400", resp.StatusCode, body)
	}
	bad := map[string]any{"code": "nap", "name": "昼寝", "category": "special", "units": []string{}}
	if resp, body := hr.json("PUT", "/api/v1/leave-settings", map[string]any{"types": append(append([]any{}, kept...), bad)}); resp.StatusCode != http.StatusBadRequest || errField(body) != "types[18].units" {
		t.Errorf("PUT with a type without units = %d %v, want 400 on types[18].units", resp.StatusCode, body)
	}
	resp, body = hr.json("PUT", "/api/v1/leave-settings", map[string]any{"types": append(kept, refresh), "settings": map[string]any{"morning_min": 225}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT /api/v1/leave-settings = %d %v", resp.StatusCode, body)
	}
	if s := body["settings"].(map[string]any); s["morning_min"] != float64(225) || s["day_min"] != float64(465) {
		t.Errorf("settings after PUT = %v, want morning_min 225 and day_min kept at 465", s)
	}

	for _, day := range []string{"2026-06-10", "2026-06-11"} {
		if resp, body := staff.json("POST", "/api/v1/requests", leaveReq("refresh", day)); resp.StatusCode != http.StatusCreated {
			t.Fatalf("リフレッシュ休暇 on %s = %d %v, want 201", day, resp.StatusCode, body)
		}
	}
	if resp, body := staff.json("POST", "/api/v1/requests", leaveReq("refresh", "2026-06-12")); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a third day of a 2-day リフレッシュ休暇 = %d %v, want 400", resp.StatusCode, body)
	}
	if resp, body := staff.json("POST", "/api/v1/requests", leaveReq("marriage", "2026-06-15")); resp.StatusCode != http.StatusBadRequest || errField(body) != "leave.type" {
		t.Errorf("a disabled 結婚休暇 = %d %v, want 400 on leave.type", resp.StatusCode, body)
	}
	// Hourly, where the type allows days only.
	hourly := map[string]any{"kind": "leave", "leave": map[string]any{"type": "refresh", "unit": "hour", "from_on": "2026-06-16",
		"from": "2026-06-16T00:00:00Z", "to": "2026-06-16T01:00:00Z"}}
	if resp, body := staff.json("POST", "/api/v1/requests", hourly); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("hourly リフレッシュ休暇 = %d %v, want 400", resp.StatusCode, body)
	}
	// Once used, the new type cannot be removed either.
	if resp, body := hr.json("PUT", "/api/v1/leave-settings", map[string]any{"types": kept}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("PUT removing a type in use = %d %v, want 400", resp.StatusCode, body)
	}
}
