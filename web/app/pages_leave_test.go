package app

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"kintai/store"
)

// TestLeavePages: HR searches a staff member, sees their ledger, adds a
// grant with a reason, and sees the five-day alert list; staff may not.
func TestLeavePages(t *testing.T) {
	f := newFixture(t, store.SQLite) // 1 June 2026: 10 days granted each, none taken
	id := strconv.FormatInt(f.staff["staff"].ID, 10)
	hr := f.as("hr")
	if st, _ := f.as("staff").get("/leave"); st != 403 {
		t.Errorf("staff opens /leave: %d, want 403", st)
	}
	st, body := hr.get("/leave?q=" + url.QueryEscape(f.staff["staff"].StaffNo))
	if st != 200 || !strings.Contains(body, `href="/leave?staff=`+id+`"`) {
		t.Fatalf("search: %d, want a link to the staff member's ledger", st)
	}
	// Fewer than 5 days taken, in scope (人事課): the alert lists them; 財政課 is out of scope.
	if !strings.Contains(body, `id="five-day-alerts"`) || !strings.Contains(body, f.staff["staff"].Name) || strings.Contains(body, f.staff["other"].Name) {
		t.Errorf("five-day list should name %s and not %s", f.staff["staff"].Name, f.staff["other"].Name)
	}
	if st, _ := hr.get("/leave?staff=" + strconv.FormatInt(f.staff["other"].ID, 10)); st != 404 {
		t.Errorf("ledger out of scope: %d, want 404", st)
	}
	form := url.Values{"staff_id": {id}, "balance": {"compensatory"}, "days": {"1"}, "granted_on": {"2026-06-01"}, "expires_on": {"2026-07-31"}}
	if st, _, body := hr.post("/leave/grants", form); st != 400 || !strings.Contains(body, "理由") {
		t.Errorf("grant without a reason: %d, want 400 asking for the reason", st)
	}
	form.Set("note", "6/1 休日勤務の代休")
	if st, loc, _ := hr.post("/leave/grants", form); st != 303 || !strings.HasPrefix(loc, "/leave?staff="+id) {
		t.Errorf("grant: %d %q, want a redirect to the ledger", st, loc)
	}
	st, body = hr.get("/leave?staff=" + id)
	if st != 200 || !strings.Contains(body, "6/1 休日勤務の代休") || !strings.Contains(body, `<tr id="balance-compensatory">`) {
		t.Fatalf("ledger: %d, want the grant listed", st)
	}
	i := strings.Index(body, `<tr id="balance-compensatory">`)
	if row := body[i : i+strings.Index(body[i:], "</tr>")]; !strings.Contains(row, `<td class="left">1日</td>`) || !strings.Contains(row, "1日（2026-07-31まで）") {
		t.Errorf("代休 row = %s, want 1日 left, expiring on 2026-07-31 (within 90 days)", row)
	}
	// Where the 代休 comes from, with what is left of it.
	if i := strings.Index(body, `id="lots-compensatory"`); i < 0 || !strings.Contains(body[i:i+strings.Index(body[i:], "</table>")], "<td>6/1 休日勤務の代休</td><td>2026-06-01</td><td>2026-07-31</td><td class=\"left\">1日</td>") {
		t.Errorf("ledger: want the 代休 lots table with the grant and 1日 left")
	}

	// The grant was a mistake: revoked with a reason, it stays listed and no longer counts.
	grants, err := f.db.FindLeaveGrants(t.Context(), f.staff["staff"].ID)
	if err != nil {
		t.Fatal(err)
	}
	var gid string
	for _, g := range grants {
		if g.Note == "6/1 休日勤務の代休" {
			gid = strconv.FormatInt(g.ID, 10)
		}
	}
	revoke := "/leave/grants/" + gid + "/revoke"
	if st, _, body := hr.post(revoke, url.Values{"staff_id": {id}}); st != 400 || !strings.Contains(body, "取消しの理由") {
		t.Errorf("revoke without a reason: %d, want 400 asking for the reason", st)
	}
	if st, _, _ := hr.post(revoke, url.Values{"staff_id": {strconv.FormatInt(f.staff["other"].ID, 10)}, "reason": {"誤登録"}}); st != 404 {
		t.Errorf("revoke naming a staff member out of scope: %d, want 404", st)
	}
	if st, loc, _ := hr.post(revoke, url.Values{"staff_id": {id}, "reason": {"誤登録"}}); st != 303 || !strings.HasPrefix(loc, "/leave?staff="+id) {
		t.Errorf("revoke: %d %q, want a redirect to the ledger", st, loc)
	}
	st, body = hr.get("/leave?staff=" + id)
	i = strings.Index(body, `<tr id="balance-compensatory">`)
	if !strings.Contains(body, "取消済（誤登録）") || (i >= 0 && strings.Contains(body[i:i+strings.Index(body[i:], "</tr>")], `<td class="left">1日</td>`)) {
		t.Errorf("ledger after the revocation: %d, want the grant marked 取消済（誤登録） and no 代休 left", st)
	}
	if st, _, _ := hr.post(revoke, url.Values{"staff_id": {id}, "reason": {"二重"}}); st != 409 {
		t.Errorf("revoking twice: %d, want 409", st)
	}
}
