package app

import (
	"fmt"
	"net/http"
	"testing"

	"kintai/store"
)

// leftDays returns the whole days left of the first (annual) balance of a
// StaffLeave body.
func leftDays(body map[string]any) (days, min float64) {
	bs, _ := body["balances"].([]any)
	if len(bs) == 0 {
		return -1, -1
	}
	b, _ := bs[0].(map[string]any)
	left, _ := b["left"].(map[string]any)
	d, _ := left["days"].(float64)
	m, _ := left["min"].(float64)
	return d, m
}

func TestLeaveAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	staff := fmt.Sprintf("/api/v1/staff/%d", f.staff["staff"].ID)
	other := fmt.Sprintf("/api/v1/staff/%d", f.staff["other"].ID)
	grant := func(reason string) map[string]any {
		return map[string]any{"balance": "annual", "amount": map[string]any{"days": 2, "min": 0}, "granted_on": "2026-06-01", "reason": reason}
	}
	steps := []struct {
		name, as, method, path string
		in                     any
		want                   int
		code                   string
	}{
		{"self", "staff", "GET", staff + "/leave", nil, http.StatusOK, ""},
		{"supervisor scope", "approver", "GET", staff + "/leave", nil, http.StatusOK, ""},
		{"HR", "hr", "GET", staff + "/leave", nil, http.StatusOK, ""},
		{"another staff member", "other", "GET", staff + "/leave", nil, http.StatusNotFound, "not_found"},
		{"bad as_of", "staff", "GET", staff + "/leave?as_of=x", nil, http.StatusBadRequest, "invalid"},
		{"staff grants", "staff", "POST", staff + "/leave-grants", grant("x"), http.StatusForbidden, "forbidden"},
		{"no reason", "hr", "POST", staff + "/leave-grants", grant(""), http.StatusBadRequest, "invalid"},
		{"unknown balance", "hr", "POST", staff + "/leave-grants", map[string]any{"balance": "x", "amount": map[string]any{"days": 1, "min": 0}, "granted_on": "2026-06-01", "reason": "x"}, http.StatusBadRequest, "invalid"},
		{"out of HR scope", "hr", "POST", other + "/leave-grants", grant("x"), http.StatusNotFound, "not_found"},
		{"grant", "hr", "POST", staff + "/leave-grants", grant("採用前の勤務期間の通算"), http.StatusCreated, ""},
	}
	for _, s := range steps {
		resp, body := f.as(s.as).json(s.method, s.path, s.in)
		if resp.StatusCode != s.want || errCode(body) != s.code {
			t.Errorf("%s: %s %s = %d %q, want %d %q (%v)", s.name, s.method, s.path, resp.StatusCode, errCode(body), s.want, s.code, body)
		}
	}
	// The fixture's 10 days and the 2 granted.
	_, body := f.as("staff").json("GET", staff+"/leave", nil)
	if d, m := leftDays(body); d != 12 || m != 0 || body["day_min"] != float64(465) {
		t.Errorf("left = %v days %v min, day %v; want 12 days, 465-minute days", d, m, body["day_min"])
	}
}
