package app

import (
	"net/http"
	"slices"
	"strconv"
	"testing"

	"kintai/store"
)

// unconfirmedNos returns the staff numbers in a close status's unconfirmed list.
func unconfirmedNos(body map[string]any) []string {
	var out []string
	list, _ := body["unconfirmed"].([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		s, _ := m["staff_no"].(string)
		out = append(out, s)
	}
	return out
}

func TestCloseAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	const base = "/api/v1/months/2026-05"
	no := func(key string) string { return f.staff[key].StaffNo }
	id := func(key string) int64 { return f.staff[key].ID }
	steps := []struct {
		name   string
		as     string
		method string
		path   string
		in     any
		want   int
		code   string
	}{
		{"staff confirms", "staff", "POST", base + "/confirm", nil, http.StatusOK, ""},
		{"staff confirms again", "staff", "POST", base + "/confirm", nil, http.StatusOK, ""},
		{"bad month", "staff", "POST", "/api/v1/months/2026-13/confirm", nil, http.StatusBadRequest, "invalid"},
		{"approver confirms out of scope", "approver", "POST", base + "/team-confirm", map[string]any{"staff_ids": []int64{id("other")}}, http.StatusNotFound, "not_found"},
		{"approver confirms self", "approver", "POST", base + "/team-confirm", map[string]any{"staff_ids": []int64{id("approver")}}, http.StatusBadRequest, "invalid"},
		{"approver confirms the unconfirmed", "approver", "POST", base + "/team-confirm", map[string]any{"staff_ids": []int64{id("hr")}}, http.StatusBadRequest, "invalid"},
		{"approver confirms the staff member", "approver", "POST", base + "/team-confirm", map[string]any{"staff_ids": []int64{id("staff")}}, http.StatusOK, ""},
		{"close with unconfirmed staff", "hr", "POST", base + "/close", map[string]any{"org_unit_id": f.jinji.ID}, http.StatusBadRequest, "invalid"},
		{"close out of scope", "hr", "POST", base + "/close", map[string]any{"org_unit_id": f.zaisei.ID, "reason": "x"}, http.StatusForbidden, "forbidden"},
		{"close everyone without the whole organisation", "hr", "POST", base + "/close", map[string]any{"reason": "x"}, http.StatusForbidden, "forbidden"},
		{"close with a reason", "hr", "POST", base + "/close", map[string]any{"org_unit_id": f.jinji.ID, "reason": "給与締切"}, http.StatusCreated, ""},
		{"close twice", "hr", "POST", base + "/close", map[string]any{"org_unit_id": f.jinji.ID, "reason": "again"}, http.StatusConflict, "conflict"},
		{"confirm a closed month", "hr", "POST", base + "/confirm", nil, http.StatusConflict, "conflict"},
		{"reopen without a reason", "hr", "POST", base + "/reopen", map[string]any{"org_unit_id": f.jinji.ID}, http.StatusBadRequest, "invalid"},
		{"reopen with an unknown field", "hr", "POST", base + "/reopen", map[string]any{"org_unit_id": f.jinji.ID, "reason": "x", "extra": 1}, http.StatusBadRequest, "invalid"},
		{"reopen", "hr", "POST", base + "/reopen", map[string]any{"org_unit_id": f.jinji.ID, "reason": "打刻修正のため"}, http.StatusOK, ""},
		{"reopen what is not closed", "hr", "POST", base + "/reopen", map[string]any{"org_unit_id": f.jinji.ID, "reason": "x"}, http.StatusNotFound, "not_found"},
		{"confirm after reopening", "hr", "POST", base + "/confirm", nil, http.StatusOK, ""},
	}
	for _, s := range steps {
		resp, body := f.as(s.as).json(s.method, s.path, s.in)
		if resp.StatusCode != s.want || errCode(body) != s.code {
			t.Errorf("%s: %s %s = %d %q, want %d %q (%v)", s.name, s.method, s.path, resp.StatusCode, errCode(body), s.want, s.code, body)
		}
	}
	resp, body := f.as("approver").json("GET", base+"/close-status?org_unit_id="+strconv.FormatInt(f.jinji.ID, 10), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("close-status = %d %v", resp.StatusCode, body)
	}
	got := unconfirmedNos(body)
	if slices.Contains(got, no("staff")) || !slices.Contains(got, no("hr")) || slices.Contains(got, no("other")) {
		t.Errorf("close-status unconfirmed = %v, want %s and not %s (confirmed) nor %s (out of scope)", got, no("hr"), no("staff"), no("other"))
	}
	closes, _ := body["closes"].([]any)
	if len(closes) != 1 {
		t.Fatalf("close-status closes = %v, want one", closes)
	}
	if c := closes[0].(map[string]any); c["reopen_reason"] != "打刻修正のため" || c["close_reason"] != "給与締切" {
		t.Errorf("close = %v, want the close and reopen reasons", c)
	}
}
