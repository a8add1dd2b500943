package app

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"kintai/store"
)

// teleworkBody is a telework declaration for 2026-06-10.
func teleworkBody(day int) map[string]any {
	return map[string]any{"kind": "telework", "telework": map[string]any{"day": fmt.Sprintf("2026-06-%02d", day), "location": "home"}}
}

func reason(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	s, _ := e["reason"].(string)
	return s
}

func TestRequestAPIFlow(t *testing.T) {
	f := newFixture(t, store.SQLite)
	staff, approver, other, hr := f.as("staff"), f.as("approver"), f.as("other"), f.as("hr")

	// Create and submit: pending at the approver of 人事課.
	resp, body := staff.json("POST", "/api/v1/requests", teleworkBody(10))
	if resp.StatusCode != http.StatusCreated || body["status"] != "pending" {
		t.Fatalf("POST /api/v1/requests = %d %v, want 201 pending", resp.StatusCode, body)
	}
	id := int64(body["id"].(float64))
	path := fmt.Sprintf("/api/v1/requests/%d", id)

	tests := []struct {
		name   string
		c      *client
		method string
		path   string
		in     any
		status int
		reason string
	}{
		{"unknown kind", staff, "POST", "/api/v1/requests", map[string]any{"kind": "nap"}, 400, ""},
		{"unknown field", staff, "POST", "/api/v1/requests", map[string]any{"kind": "telework", "bogus": 1}, 400, ""},
		{"order to oneself", staff, "POST", "/api/v1/requests", map[string]any{"kind": "overtime_order"}, 403, ""},
		{"outsider reads", other, "GET", path, nil, 404, ""},
		{"outsider approves", other, "POST", path + "/decision", map[string]any{"action": "approve"}, 403, "out_of_scope"},
		{"self approval", staff, "POST", path + "/decision", map[string]any{"action": "approve"}, 403, "self_approval"},
		{"reject without comment", approver, "POST", path + "/decision", map[string]any{"action": "reject"}, 400, "comment_required"},
		{"approver reads", approver, "GET", path, nil, 200, ""},
		{"staff may not list routes", staff, "GET", "/api/v1/approval-routes", nil, 403, ""},
		{"bulk submit refused", approver, "POST", "/api/v1/requests/bulk-decision", map[string]any{"ids": []int64{id}, "action": "submit"}, 400, ""},
		{"missing request", approver, "GET", "/api/v1/requests/999999", nil, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := tt.c.json(tt.method, tt.path, tt.in)
			if resp.StatusCode != tt.status || reason(body) != tt.reason {
				t.Errorf("%s %s = %d (%s), want %d (%s); body %v", tt.method, tt.path, resp.StatusCode, reason(body), tt.status, tt.reason, body)
			}
		})
	}

	// The inbox holds it; the approver approves.
	resp, body = approver.json("GET", "/api/v1/requests?inbox=1", nil)
	if resp.StatusCode != 200 || body["total"] != float64(1) {
		t.Errorf("GET inbox = %d %v, want one request", resp.StatusCode, body)
	}
	resp, body = approver.json("POST", path+"/decision", map[string]any{"action": "approve"})
	if resp.StatusCode != 200 || body["request"].(map[string]any)["status"] != "approved" {
		t.Fatalf("approve = %d %v, want approved", resp.StatusCode, body)
	}
	resp, body = staff.json("GET", path, nil)
	if events, _ := body["events"].([]any); resp.StatusCode != 200 || len(events) != 2 {
		t.Errorf("GET %s = %d, %d events, want 2 (submit, approve)", path, resp.StatusCode, len(events))
	}
	resp, body = staff.json("GET", "/api/v1/requests?mine=1&status=approved", nil)
	if resp.StatusCode != 200 || body["total"] != float64(1) {
		t.Errorf("GET mine approved = %d %v, want one", resp.StatusCode, body)
	}

	// Notifications: the applicant was told; they mark it read; others cannot.
	resp, body = staff.json("GET", "/api/v1/notifications?unread=1", nil)
	items, _ := body["items"].([]any)
	if resp.StatusCode != 200 || len(items) != 1 {
		t.Fatalf("GET notifications = %d %v, want one", resp.StatusCode, body)
	}
	nid := int64(items[0].(map[string]any)["id"].(float64))
	if resp, _ := other.json("POST", fmt.Sprintf("/api/v1/notifications/%d/read", nid), nil); resp.StatusCode != 404 {
		t.Errorf("other reads staff's notification = %d, want 404", resp.StatusCode)
	}
	if resp, _ := staff.json("POST", fmt.Sprintf("/api/v1/notifications/%d/read", nid), nil); resp.StatusCode != 204 {
		t.Errorf("POST notification read = %d, want 204", resp.StatusCode)
	}
	if _, body := staff.json("GET", "/api/v1/notifications?unread=1", nil); body["total"] != float64(0) {
		t.Errorf("unread after read = %v, want 0", body["total"])
	}

	// Bulk: two new requests and the approved one.
	var ids []int64
	for _, d := range []int{11, 12} {
		_, b := staff.json("POST", "/api/v1/requests", teleworkBody(d))
		ids = append(ids, int64(b["id"].(float64)))
	}
	resp, body = approver.json("POST", "/api/v1/requests/bulk-decision", map[string]any{"ids": append(ids, id), "action": "approve"})
	if resp.StatusCode != 200 || body["ok"] != float64(2) || body["failed"] != float64(1) {
		t.Errorf("bulk = %d ok %v failed %v, want 2 and 1", resp.StatusCode, body["ok"], body["failed"])
	}

	// Proxies: the approver names the staff member of 財政課 as deputy.
	now := f.clock.Now()
	resp, body = approver.json("POST", "/api/v1/proxies", map[string]any{"deputies": []int64{f.staff["other"].ID},
		"from": now.Add(-time.Hour), "to": now.Add(time.Hour)})
	if resp.StatusCode != 201 {
		t.Fatalf("POST proxies = %d %v", resp.StatusCode, body)
	}
	pid := int64(body["id"].(float64))
	if resp, _ := other.json("POST", "/api/v1/proxies", map[string]any{"principal": f.staff["approver"].ID, "deputies": []int64{f.staff["other"].ID},
		"from": now, "to": now.Add(time.Hour)}); resp.StatusCode != 403 {
		t.Errorf("POST proxy for someone else = %d, want 403", resp.StatusCode)
	}
	_, b := staff.json("POST", "/api/v1/requests", teleworkBody(15))
	pathProxied := fmt.Sprintf("/api/v1/requests/%d", int64(b["id"].(float64)))
	if resp, _ := other.json("GET", pathProxied, nil); resp.StatusCode != 200 {
		t.Errorf("deputy reads = %d, want 200", resp.StatusCode)
	}
	resp, body = other.json("POST", pathProxied+"/decision", map[string]any{"action": "approve"})
	ev, _ := body["event"].(map[string]any)
	if resp.StatusCode != 200 || ev["on_behalf_of"] != float64(f.staff["approver"].ID) {
		t.Errorf("deputy approve = %d %v, want 200 on behalf of the approver", resp.StatusCode, body)
	}
	if _, body := other.json("GET", "/api/v1/proxies", nil); body["total"] != float64(1) {
		t.Errorf("deputy's proxies = %v, want 1", body["total"])
	}
	if resp, _ := other.json("DELETE", fmt.Sprintf("/api/v1/proxies/%d", pid), nil); resp.StatusCode != 403 {
		t.Errorf("deputy revokes = %d, want 403", resp.StatusCode)
	}
	if resp, _ := approver.json("DELETE", fmt.Sprintf("/api/v1/proxies/%d", pid), nil); resp.StatusCode != 204 {
		t.Errorf("principal revokes = %d, want 204", resp.StatusCode)
	}

	// Routes: HR replaces them; a bad route is refused.
	route := map[string]any{"routes": []any{map[string]any{"org_unit_id": f.jinji.ID, "kind": "leave", "name": "休暇", "steps": []any{
		map[string]any{"name": "課長", "by": "nearest"}, map[string]any{"name": "人事", "by": "hr"}}}}}
	if resp, body := hr.json("PUT", "/api/v1/approval-routes", route); resp.StatusCode != 200 || body["total"] != float64(1) {
		t.Errorf("PUT approval-routes = %d %v", resp.StatusCode, body)
	}
	if resp, _ := hr.json("PUT", "/api/v1/approval-routes", map[string]any{"routes": []any{map[string]any{"name": "", "steps": []any{}}}}); resp.StatusCode != 400 {
		t.Errorf("PUT bad route = %d, want 400", resp.StatusCode)
	}
	if _, body := hr.json("GET", "/api/v1/approval-routes", nil); body["total"] != float64(1) {
		t.Errorf("GET approval-routes total = %v, want 1", body["total"])
	}
}
