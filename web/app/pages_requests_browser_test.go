package app

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kintai"
	"kintai/store"
)

// The request pages are tested on Monday 19 October 2026 at 09:00 in
// Tokyo, with "staff" on the standard pattern (8:30–17:15).
var oct20 = kintai.NewDate(2026, 10, 20)

// newRequestsPage assigns the standard pattern to staff and sets the clock.
func newRequestsPage(t *testing.T) *page {
	t.Helper()
	p := newPage(t)
	p.startAt(tokyo(t, oct19, 9, 0))
	ctx := context.Background()
	err := p.f.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		pat := standard
		if err := tx.CreatePattern(ctx, &pat); err != nil {
			return err
		}
		_, err := tx.AssignPattern(ctx, p.f.staff["staff"].ID, pat.ID, kintai.NewDate(2026, 4, 1), kintai.Date{})
		return err
	})
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	return p
}

// signOut signs out through the header's form.
func (p *page) signOut() {
	p.t.Helper()
	if st := p.submit("form.logout button[type=submit]"); st != 200 {
		p.fail("sign out: status %d, want 200", st)
	}
}

// set sets the value of the field sel, as picking a date, a time or an
// option does.
func (p *page) set(sel, v string) {
	p.t.Helper()
	p.do(chromedp.SetValue(chromedp.CSS(sel), v))
}

// TestBrowserRequestProxyApproval is the full path of a request: the staff
// member asks for hourly leave, the approver is away and their deputy
// approves on their behalf, the month sheet shows the leave, HR closes the
// month, and the payroll file downloaded from the export page has it.
func TestBrowserRequestProxyApproval(t *testing.T) {
	p := newRequestsPage(t)
	f := p.f
	// On the 19th the staff member clocks in from their PC and forgets to
	// clock out: a punch exception that blocks the close.
	if status := f.as("staff").call(t, "POST", "/api/v1/punches", map[string]any{"client_key": "full-path-1", "kind": "clock_in", "method": "pc"}, nil); status != 201 {
		t.Fatalf("clock-in: status %d, want 201", status)
	}

	// The staff member asks for 2 hours of annual leave on the 20th.
	p.signIn("staff")
	p.open("/requests/new")
	p.set("#kind", "leave")
	p.set("#leave_type", "annual")
	p.set("#leave_unit", "hour")
	p.set("#leave_from_on", oct20.String())
	p.set("#leave_start", "10:00")
	p.set("#leave_end", "11:30")
	if st := p.submit("#submit-request"); st != 400 {
		t.Errorf("1.5 hours of leave by the hour: status %d, want 400", st)
	}
	if got := p.texts("#leave-error"); len(got) != 1 || !strings.Contains(got[0], "1時間単位") {
		t.Errorf("leave error = %q, want the whole-hours message by the leave fields", got)
	}
	p.set("#leave_end", "12:00")
	if st := p.submit("#submit-request"); st != 200 {
		p.fail("submit leave: status %d, want 200", st)
	}
	if got := p.text("article.request .status"); got != "承認待ち" {
		t.Errorf("status after submitting = %q, want 承認待ち", got)
	}
	p.signOut()

	// The approver names the staff member of 財政課 deputy for today, and is away.
	p.signIn("approver")
	p.open("/proxies")
	p.fill("#deputy_no", f.staff["other"].StaffNo)
	if st := p.submit("#add-proxy"); st != 200 {
		p.fail("add proxy: status %d, want 200", st)
	}
	if got := p.texts("#proxies tbody td"); len(got) < 2 || got[1] != f.staff["other"].Name {
		p.fail("proxies = %q, want the deputy %s", got, f.staff["other"].Name)
	}
	p.signOut()

	// The deputy approves from the inbox.
	p.signIn("other")
	p.open("/approvals")
	if got := p.texts("#bulk li.inbox-item"); len(got) != 1 || !strings.Contains(got[0], "年次休暇") {
		p.fail("deputy's inbox = %q, want the leave request", got)
	}
	p.do(chromedp.Click(chromedp.CSS(`#bulk input[name=ids]`)))
	if st := p.submit("#bulk-approve"); st != 200 {
		p.fail("bulk approve: status %d, want 200", st)
	}
	if got := p.text("#bulk-results h2"); !strings.Contains(got, "成功 1 件・失敗 0 件") {
		t.Errorf("bulk results = %q, want 成功 1 件・失敗 0 件", got)
	}
	p.signOut()

	// The staff member sees it approved on behalf of the approver.
	p.signIn("staff")
	p.open("/requests")
	if got := p.text("article.request .status"); got != "承認済み" {
		t.Errorf("status after the deputy's approval = %q, want 承認済み", got)
	}
	want := fmt.Sprintf("%s が %s の代理で承認しました", f.staff["other"].Name, f.staff["approver"].Name)
	if h := strings.Join(p.texts("article.request .history li"), "\n"); !strings.Contains(h, want) {
		t.Errorf("history = %q, want a line %q", h, want)
	}

	// The month sheet counts the 2 hours of leave on the 20th.
	p.open("/my/month?month=2026-10")
	if got := p.cells("#day-"+oct20.String(), "leave"); got[0] != "2:00" {
		t.Errorf("leave on %s = %q, want 2:00", oct20, got[0])
	}
	p.signOut()

	// HR closes October for the unit (nobody has confirmed, so with a
	// reason; the staff member's days without punches are exceptions, so
	// forced), and the payroll file written from the page has the 2 hours.
	p.startAt(tokyo(t, kintai.NewDate(2026, 11, 2), 9, 0))
	p.signIn("hr")
	p.open("/months/close?month=2026-10")
	unit := strconv.FormatInt(f.staff["staff"].OrgUnitID, 10)
	p.set("#close-unit", unit)
	p.fill("#close-reason", "給与計算の締切")
	if st := p.submit("#close-month"); st != 400 {
		t.Errorf("close over open exceptions without force: status %d, want 400", st)
	}
	if got := p.text("div.error"); !strings.Contains(got, f.staff["staff"].StaffNo) || !strings.Contains(got, "打刻エラー") {
		t.Errorf("refused close says %q, want the staff member's number and 打刻エラー", got)
	}
	p.set("#close-unit", unit)
	p.fill("#close-reason", "給与計算の締切")
	p.do(chromedp.Click(chromedp.CSS("#close-force")))
	if st := p.submit("#close-month"); st != 200 {
		p.fail("forced close: status %d, want 200", st)
	}
	if got := p.text("#closes .state"); !strings.Contains(got, "締め済み") {
		t.Errorf("close state = %q, want 締め済み", got)
	}
	p.open("/exports?month=2026-10")
	// The download form's GET, made by the page itself with HR's session.
	got := read(p, chromedp.Evaluate[string](`(() => {
		const f = document.getElementById('download-form');
		const q = new URLSearchParams(new FormData(f));
		q.set('format', 'csv'); q.set('encoding', 'utf-8-bom');
		const x = new XMLHttpRequest();
		x.open('GET', f.action + '?' + q, false);
		x.send();
		return x.status + '\n' + x.responseText;
	})()`))
	status, body, _ := strings.Cut(got, "\n")
	if status != "200" {
		p.fail("download: status %s: %s", status, body)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil || len(recs) < 2 {
		p.fail("payroll CSV: %v\n%s", err, body)
	}
	col := slices.Index(recs[0], "休暇取得")
	row := slices.IndexFunc(recs, func(r []string) bool { return r[0] == f.staff["staff"].StaffNo })
	if col < 0 || row < 0 {
		p.fail("payroll CSV has no 休暇取得 column or no line for %s:\n%s", f.staff["staff"].StaffNo, body)
	}
	if recs[row][col] != "2.00" { // hours, as payroll systems take them
		t.Errorf("payroll CSV 休暇取得 of %s = %q, want 2.00\n%s", f.staff["staff"].StaffNo, recs[row][col], body)
	}
}

func TestBrowserRequestBulk(t *testing.T) {
	p := newRequestsPage(t)
	f := p.f
	staff := f.as("staff")
	var ids []int64
	for _, day := range []int{21, 22, 23} {
		resp, body := staff.json("POST", "/api/v1/requests", map[string]any{"kind": "telework",
			"telework": map[string]any{"day": fmt.Sprintf("2026-10-%02d", day), "location": "home"}})
		if resp.StatusCode != 201 {
			t.Fatalf("POST request = %d %v", resp.StatusCode, body)
		}
		ids = append(ids, int64(body["id"].(float64)))
	}
	p.signIn("approver")
	p.open("/approvals")
	if got := p.texts("#bulk li.inbox-item"); len(got) != 3 {
		p.fail("inbox rows = %q, want 3", got)
	}
	for _, id := range ids {
		p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#bulk input[name=ids][value="%d"]`, id))))
	}
	// Meanwhile the staff member withdraws the last one.
	if resp, body := staff.json("POST", fmt.Sprintf("/api/v1/requests/%d/decision", ids[2]), map[string]any{"action": "withdraw"}); resp.StatusCode != 200 {
		t.Fatalf("withdraw = %d %v", resp.StatusCode, body)
	}
	if st := p.submit("#bulk-approve"); st != 200 {
		p.fail("bulk approve: status %d, want 200", st)
	}
	if got := p.text("#bulk-results h2"); !strings.Contains(got, "成功 2 件・失敗 1 件") {
		t.Errorf("bulk results = %q, want 成功 2 件・失敗 1 件", got)
	}
	if got := p.texts("#bulk-results li.bad"); len(got) != 1 || !strings.HasPrefix(got[0], fmt.Sprintf("#%d ", ids[2])) {
		t.Errorf("refused items = %q, want only #%d", got, ids[2])
	}
	if got := p.texts("#bulk li.inbox-item"); len(got) != 0 {
		t.Errorf("inbox after bulk = %q, want empty", got)
	}
}

func TestRequestPagesForm(t *testing.T) {
	f := newFixture(t, store.SQLite)
	staff := f.as("staff")
	// A reject without a comment is refused on the inbox page, with nothing decided.
	_, body := staff.json("POST", "/api/v1/requests", map[string]any{"kind": "telework",
		"telework": map[string]any{"day": "2026-06-02", "location": "home"}})
	id := fmt.Sprint(int64(body["id"].(float64)))
	st, _, page := f.as("approver").post("/approvals/bulk", url.Values{"ids": {id}, "action": {"reject"}})
	if st != 200 || !strings.Contains(page, "成功 0 件・失敗 1 件") {
		t.Errorf("bulk reject without comment = %d, want 200 with one refused item; page %s", st, page)
	}
	// A bad leave date is shown by the field.
	st, _, page = staff.post("/requests/new", url.Values{"kind": {"leave"}, "leave_type": {"annual"}, "leave_unit": {"day"}, "leave_from_on": {"x"}})
	if st != 400 || !strings.Contains(page, `id="leave-error"`) {
		t.Errorf("POST /requests/new with a bad date = %d, want 400 with the leave error shown", st)
	}
	// 子の看護 must say how many children; the form sends the case.
	child := url.Values{"kind": {"leave"}, "leave_type": {"child_sick"}, "leave_unit": {"day"}, "leave_from_on": {"2026-06-03"}}
	st, _, page = staff.post("/requests/new", child)
	if st != 400 || !strings.Contains(page, `id="leave-error"`) || !strings.Contains(page, `id="leave_case" class="bad"`) {
		t.Errorf("子の看護 with no case = %d, want 400 with the case marked", st)
	}
	child.Set("leave_case", "one")
	if st, loc, page := staff.post("/requests/new", child); st != 303 {
		t.Errorf("子の看護 for one child = %d %s, want 303; page %s", st, loc, page)
	}
	// The staff member's list shows the waiting request with a withdraw button, and withdrawing works.
	if st, page := staff.get("/requests"); st != 200 || !strings.Contains(page, "/requests/"+id+"/withdraw") {
		t.Errorf("GET /requests = %d, want the withdraw form of #%s", st, id)
	}
	if st, loc, _ := staff.post("/requests/"+id+"/withdraw", url.Values{}); st != 303 || !strings.HasPrefix(loc, "/requests") {
		t.Errorf("withdraw = %d %s, want 303 to /requests", st, loc)
	}
	if st, page := staff.get("/requests"); st != 200 || !strings.Contains(page, "取下げ") {
		t.Errorf("GET /requests after withdraw = %d, want 取下げ", st)
	}
}
