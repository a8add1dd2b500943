package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kintai"
	"kintai/approval"
	"kintai/punch"
	"kintai/rules"
	"kintai/store"
	"kintai/web/browsertest"
)

// newPhonePage is newRequestsPage in a phone-sized window.
func newPhonePage(t *testing.T) *page {
	t.Helper()
	ctx := browsertest.NewWith(t, browsertest.Options{Width: 390, Height: 844})
	f := newFixture(t, store.SQLite)
	p := &page{t: t, f: f, ctx: ctx}
	p.startAt(tokyo(t, oct19, 9, 0))
	assignPattern(t, f, "staff", standard)
	return p
}

// assignPattern puts the fixture person key on pattern pat from April 2026.
func assignPattern(t *testing.T, f *fixture, key string, pat rules.Pattern) {
	t.Helper()
	ctx := context.Background()
	err := f.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		if err := tx.CreatePattern(ctx, &pat); err != nil {
			return err
		}
		_, err := tx.AssignPattern(ctx, f.staff[key].ID, pat.ID, kintai.NewDate(2026, 4, 1), kintai.Date{})
		return err
	})
	if err != nil {
		t.Fatalf("assign pattern: %v", err)
	}
}

// lastRequest returns the newest request about the fixture person key.
func (f *fixture) lastRequest(key string) approval.Request {
	f.t.Helper()
	reqs, err := f.db.FindRequests(context.Background(), store.RequestFilter{Mine: f.staff[key].ID, Limit: 1})
	if err != nil || len(reqs) == 0 {
		f.t.Fatalf("no request of %s: %v", key, err)
	}
	return reqs[0]
}

// TestBrowserOvertimeOrderResultPhone walks an overtime order through on a
// phone: the supervisor orders, the staff member acknowledges and reports
// the result, is asked for a 乖離理由 because they stayed 2h25m longer
// than reported, the approver sees the gap and returns the report, and the
// staff member edits it and submits it again.
func TestBrowserOvertimeOrderResultPhone(t *testing.T) {
	p := newPhonePage(t)
	f := p.f
	p.signIn("approver")
	p.open("/orders/new")
	p.set("#order_kind", "overtime_order")
	p.fill("#staff_no", f.staff["staff"].StaffNo)
	p.set("#order_day", oct19.String())
	p.set("#order_start", "17:15")
	p.set("#order_end", "18:15")
	p.fill("#order_reason", "議会答弁資料の作成")
	if st := p.submit("#give-order"); st != 200 {
		p.fail("give order: status %d, want 200", st)
	}
	if got := p.texts("#orders-given tbody tr"); len(got) != 1 || !strings.Contains(got[0], "未確認") {
		t.Errorf("orders given = %q, want one not acknowledged", got)
	}
	order := f.lastRequest("staff")
	browsertest.Screenshot(t, p.ctx, "order")
	p.signOut()

	p.signIn("staff")
	p.open("/requests")
	if st := p.submit(fmt.Sprintf("#request-%d button.acknowledge", order.ID)); st != 200 {
		p.fail("acknowledge: status %d", st)
	}
	if got := p.text(fmt.Sprintf("#request-%d h2", order.ID)); !strings.Contains(got, "確認済み") {
		t.Errorf("order heading after acknowledging = %q, want 確認済み", got)
	}
	// In at 8:25, out at 20:40; the report says 17:15–18:15.
	f.importDay("staff", oct19, dayStamp{punch.ClockIn, 825}, dayStamp{punch.ClockOut, 2040})
	p.f.clock.Advance(24 * time.Hour) // the next day; the session has expired
	p.signIn("staff")
	p.open("/requests/result/new")
	p.set("#order_id", fmt.Sprint(order.ID))
	p.set("#result_start", "17:15")
	p.set("#result_end", "18:15")
	p.fill("#result_work", "答弁資料")
	if st := p.submit("#preview-gap"); st != 200 {
		p.fail("preview: status %d", st)
	}
	if got := p.text("#gap-preview"); !strings.Contains(got, "報告終了後の在庁 2時間25分") {
		t.Errorf("gap preview = %q, want the 2h25m after the reported end", got)
	}
	browsertest.Screenshot(t, p.ctx, "result-preview")
	if st := p.submit("#submit-result"); st != 400 {
		t.Errorf("result without a reason: status %d, want 400", st)
	}
	if got := p.text("div.error"); !strings.Contains(got, "乖離理由を入力してください") {
		t.Errorf("error = %q, want the 乖離理由 message", got)
	}
	p.fill("#gap_reason", "庁舎の施錠当番")
	if st := p.submit("#submit-result"); st != 200 {
		p.fail("result with a reason: status %d", st)
	}
	result := f.lastRequest("staff")
	if got := p.text(fmt.Sprintf("#request-%d .gap", result.ID)); !strings.Contains(got, "2時間25分") || !strings.Contains(got, "庁舎の施錠当番") {
		t.Errorf("gap on my requests = %q, want 2時間25分 and the reason", got)
	}
	p.signOut()

	p.signIn("approver")
	p.open("/approvals")
	item := fmt.Sprintf("#inbox-%d", result.ID)
	if got := p.text(item + " .gap"); !strings.Contains(got, "報告終了後の在庁 2時間25分") || !strings.Contains(got, "庁舎の施錠当番") {
		t.Errorf("gap in the inbox = %q, want the gap and the reason", got)
	}
	p.fill(fmt.Sprintf("#comment-%d", result.ID), "業務内容を具体的に")
	if st := p.submit(fmt.Sprintf(`button[form="decide-%d"][value="return"]`, result.ID)); st != 200 {
		p.fail("return: status %d", st)
	}
	p.signOut()

	p.signIn("staff")
	p.open("/requests")
	if got := p.texts(fmt.Sprintf("#request-%d a.edit", result.ID)); len(got) != 1 {
		p.fail("edit link of the returned result = %q, want one", got)
	}
	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf("#request-%d a.edit", result.ID))), chromedp.WaitVisible(chromedp.CSS("#submit-result")))
	if got := p.value("#result_work"); got != "答弁資料" {
		t.Errorf("work on the edit page = %q, want the report's", got)
	}
	p.fill("#result_work", "答弁資料の作成（財政課との調整を含む）")
	if st := p.submit("#submit-result"); st != 200 {
		p.fail("resubmit: status %d", st)
	}
	if got := p.text(fmt.Sprintf("#request-%d .status", result.ID)); got != "承認待ち" {
		t.Errorf("status after resubmitting = %q, want 承認待ち", got)
	}
	if h := strings.Join(p.texts(fmt.Sprintf("#request-%d .history li", result.ID)), "\n"); strings.Count(h, "申請しました") != 2 || !strings.Contains(h, "差戻し") {
		t.Errorf("history = %q, want two submissions around the return", h)
	}
	p.signOut()

	p.signIn("approver")
	p.open("/approvals")
	if st := p.submit(fmt.Sprintf(`button[form="decide-%d"][value="approve"]`, result.ID)); st != 200 {
		p.fail("approve: status %d", st)
	}
	if got := p.texts("#inbox-empty"); len(got) != 1 {
		t.Errorf("inbox after approving = %q, want empty", got)
	}
}

// TestBrowserHolidayWorkStaggeredRoute covers the holiday-work order with
// its 振替 day, a 時差出勤 request among the pattern's options, and an
// approval route by HR in which overtime over 2 hours also needs the named
// second approver.
func TestBrowserHolidayWorkStaggeredRoute(t *testing.T) {
	p := newRequestsPage(t)
	f := p.f
	p.signIn("hr")
	p.open("/settings/approval-routes")
	p.set("#route_unit", fmt.Sprint(f.jinji.ID))
	p.set("#route_kind", "overtime_request")
	p.fill("#route_name", "人事課の超過勤務")
	p.fill("#step_name_0", "課長")
	p.set("#step_by_0", "unit")
	p.set("#step_level_0", string(kintai.Section))
	p.fill("#step_name_1", "部長（2時間超）")
	p.set("#step_by_1", "staff")
	p.do(p.clear("#step_level_1"))
	p.fill("#step_staff_1", f.staff["admin"].StaffNo)
	p.fill("#step_ot_over_1", "120")
	if st := p.submit("#save-route"); st != 200 {
		p.fail("save route: status %d", st)
	}
	if got := p.texts("#routes tbody tr"); len(got) != 1 || !strings.Contains(got[0], "超過勤務が120分を超えるとき") {
		t.Errorf("routes = %q, want the route with its condition", got)
	}
	p.signOut()

	staff := f.as("staff")
	steps := func(hours int) []any {
		t.Helper()
		start := tokyo(t, oct20, 17, 15)
		resp, body := staff.json("POST", "/api/v1/requests", map[string]any{"kind": "overtime_request", "overtime": map[string]any{
			"day": oct20.String(), "planned": map[string]any{"start": start, "end": start.Add(time.Duration(hours) * time.Hour)}, "reason": "決算"}})
		if resp.StatusCode != 201 {
			t.Fatalf("overtime request = %d %v", resp.StatusCode, body)
		}
		return body["steps"].([]any)
	}
	if s := steps(3); len(s) != 2 || s[1].(map[string]any)["skipped"] == true {
		t.Errorf("3 hours: steps = %v, want the 課長 and the named second step", s)
	}
	if s := steps(1); len(s) != 2 || s[1].(map[string]any)["skip_reason"] != approval.SkipCondition {
		t.Errorf("1 hour: steps = %v, want the second step skipped by its condition", s)
	}

	// Holiday work: refused on a Friday, given on a Saturday with 振替 to Thursday.
	p.signIn("approver")
	p.open("/orders/new?kind=holiday_work")
	p.fill("#staff_no", f.staff["staff"].StaffNo)
	p.set("#order_day", "2026-10-23")
	p.set("#order_start", "09:00")
	p.set("#order_end", "12:00")
	p.set("#substitute", "furikae")
	p.set("#substitute_on", "2026-10-29")
	p.fill("#order_reason", "選挙の期日前投票事務")
	if st := p.submit("#give-order"); st != 400 {
		t.Errorf("holiday work on a Friday: status %d, want 400", st)
	}
	if got := p.text("div.error"); !strings.Contains(got, "勤務日です") {
		t.Errorf("error = %q, want that the day is a working day", got)
	}
	if got := p.texts("#order_day.bad"); len(got) != 1 {
		t.Errorf("the day field is not marked bad")
	}
	p.set("#order_day", "2026-10-24")
	if st := p.submit("#give-order"); st != 200 {
		p.fail("holiday work on a Saturday: status %d", st)
	}
	if got := p.texts("#orders-given tbody tr"); len(got) != 1 || !strings.Contains(got[0], "振替日 2026-10-29") {
		t.Errorf("orders given = %q, want the holiday work with its 振替日", got)
	}
	// Sunday the 25th with a 代休 designated later: not on a Saturday, then on Friday the 30th.
	p.fill("#staff_no", f.staff["staff"].StaffNo)
	p.set("#order_kind", "holiday_work")
	p.set("#order_day", "2026-10-25")
	p.set("#order_start", "09:00")
	p.set("#order_end", "12:00")
	p.fill("#order_reason", "投票所の設営")
	p.set("#substitute", "daikyu")
	p.do(p.clear("#substitute_on"))
	if st := p.submit("#give-order"); st != 200 {
		p.fail("holiday work with 代休 later: status %d", st)
	}
	daikyu := f.lastRequest("staff")
	if got := p.text(fmt.Sprintf("#order-%d", daikyu.ID)); !strings.Contains(got, "代休日は後日指定") {
		t.Errorf("order row = %q, want 代休日は後日指定", got)
	}
	p.set(fmt.Sprintf("#daikyu-%d", daikyu.ID), "2026-10-31")
	if st := p.submit(fmt.Sprintf("#designate-%d", daikyu.ID)); st != 400 {
		t.Errorf("代休 on a Saturday: status %d, want 400", st)
	}
	p.set(fmt.Sprintf("#daikyu-%d", daikyu.ID), "2026-10-30")
	if st := p.submit(fmt.Sprintf("#designate-%d", daikyu.ID)); st != 200 {
		p.fail("designate 代休: status %d", st)
	}
	if got := p.text(fmt.Sprintf("#order-%d", daikyu.ID)); !strings.Contains(got, "代休日 2026-10-30") {
		t.Errorf("order row after designating = %q, want 代休日 2026-10-30", got)
	}
	p.signOut()

	// 時差出勤: the other pattern's options from November.
	stag := rules.Pattern{Code: "T02", Name: "時差", Kind: rules.PatternStaggered, Weekdays: 0b0111110,
		Hours: rules.Span{StartMin: 510, EndMin: 1035}, Breaks: []rules.Span{{StartMin: 720, EndMin: 780}},
		Options: []rules.Span{{StartMin: 450, EndMin: 975}, {StartMin: 570, EndMin: 1095}}}
	err := f.db.WithTx(context.Background(), kintai.Actor{System: true}, func(tx *store.Tx) error {
		if err := tx.CreatePattern(context.Background(), &stag); err != nil {
			return err
		}
		_, err := tx.AssignPattern(context.Background(), f.staff["staff"].ID, stag.ID, kintai.NewDate(2026, 11, 1), kintai.Date{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p.signIn("staff")
	p.open("/requests/new?kind=staggered&day=2026-11-02")
	if got := p.texts("#option option"); len(got) != 2 || got[0] != "7:30–16:15" {
		p.fail("staggered options = %q, want 7:30–16:15 and 9:30–18:15", got)
	}
	p.set("#option", "450-975")
	if st := p.submit("#submit-request"); st != 200 {
		p.fail("staggered request: status %d", st)
	}
	if got := p.text("article.request"); !strings.Contains(got, "時差出勤") || !strings.Contains(got, "7:30–16:15") {
		t.Errorf("my newest request = %q, want the staggered hours", got)
	}
	// A day on the standard pattern offers none.
	p.open("/requests/new?kind=staggered&day=2026-10-26")
	if got := p.texts("#no-options"); len(got) != 1 {
		t.Errorf("staggered options on the standard pattern: want the no-options note")
	}
}

// TestBrowserSettingsOverdueNotifications covers HR's approval settings,
// the overdue list, a proxy HR sets for the approver, the deputy's
// notification and the notifications page.
func TestBrowserSettingsOverdueNotifications(t *testing.T) {
	p := newRequestsPage(t)
	f := p.f
	p.signIn("hr")
	p.open("/settings/approval")
	p.fill("#gap_threshold_min", "三十")
	if st := p.submit("#save-approval-settings"); st != 400 {
		t.Errorf("threshold 三十: status %d, want 400", st)
	}
	if got := p.texts("#gap_threshold_min.bad"); len(got) != 1 {
		t.Errorf("the threshold field is not marked bad")
	}
	p.fill("#gap_threshold_min", "45")
	p.fill("#escalate_after_days", "1")
	p.do(chromedp.Click(chromedp.CSS("#escalate_open_days_only")))
	if st := p.submit("#save-approval-settings"); st != 200 {
		p.fail("save settings: status %d", st)
	}
	s, err := f.db.FindApprovalSettings(context.Background())
	if err != nil || s.GapThresholdMin != 45 || s.EscalateAfterDays != 1 || s.EscalateOpenDaysOnly {
		t.Errorf("stored settings = %+v, %v; want 45 minutes, 1 day, every day counted", s, err)
	}
	// HR names 財政課's "other" deputy of the approver.
	p.open("/proxies")
	p.fill("#principal_no", f.staff["approver"].StaffNo)
	p.fill("#deputy_no", f.staff["other"].StaffNo)
	if st := p.submit("#add-proxy"); st != 200 {
		p.fail("add proxy for the approver: status %d", st)
	}
	if got := p.texts("#proxies tbody td"); len(got) < 2 || got[0] != f.staff["approver"].Name || got[1] != f.staff["other"].Name {
		t.Errorf("proxies = %q, want the approver's proxy with the deputy", got)
	}
	p.signOut()

	resp, body := f.as("staff").json("POST", "/api/v1/requests", map[string]any{"kind": "telework", "telework": map[string]any{"day": oct20.String(), "location": "home"}})
	if resp.StatusCode != 201 {
		t.Fatalf("POST = %d %v", resp.StatusCode, body)
	}
	id := int64(body["id"].(float64))
	// The deputy is told, and marks it read.
	p.signIn("other")
	p.open("/notifications")
	if got := p.texts("#notifications li.unread.kind-waiting"); len(got) != 1 || !strings.Contains(got[0], "承認待ち") {
		p.fail("deputy's notifications = %q, want one waiting", got)
	}
	if st := p.submit("#notifications li.unread button.mark-read"); st != 200 {
		p.fail("mark read: status %d", st)
	}
	if got := p.texts("#notifications li.unread"); len(got) != 0 {
		t.Errorf("unread after marking = %q, want none", got)
	}
	p.signOut()

	// Two days later the request is overdue.
	f.clock.Advance(2 * 24 * time.Hour)
	p.signIn("approver")
	p.open("/approvals/overdue")
	if got := p.texts(fmt.Sprintf("#overdue-%d td", id)); len(got) < 5 || got[4] != "2" {
		t.Errorf("overdue row = %q, want request %d waiting 2 days", got, id)
	}
	p.open("/notifications")
	if st := p.submit("#read-all"); st != 200 {
		p.fail("read all: status %d", st)
	}
	if got := p.texts("#notifications li.unread"); len(got) != 0 {
		t.Errorf("unread after read-all = %q, want none", got)
	}
}

// TestBrowserInboxThousand approves 1,000 waiting requests from the page
// in one go.
func TestBrowserInboxThousand(t *testing.T) {
	p := newRequestsPage(t)
	f := p.f
	ctx := context.Background()
	staff, _, err := f.db.LoadActor(ctx, f.staff["staff"].ID)
	if err != nil {
		t.Fatal(err)
	}
	err = f.db.WithTx(ctx, staff, func(tx *store.Tx) error {
		for i := range store.MaxBulkDecisions {
			req := approval.Request{Kind: approval.KindTelework, Telework: &approval.Telework{Day: oct20.AddDays(i % 200), Location: punch.WorkHome}}
			if _, err := tx.CreateRequest(ctx, req, true); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	p.signIn("approver")
	p.open("/approvals")
	if got := p.text("#inbox-count"); !strings.Contains(got, "1000 件") {
		t.Fatalf("inbox count = %q, want 1000", got)
	}
	start := time.Now()
	if st := p.submit("#bulk-approve-all"); st != 200 {
		p.fail("approve all: status %d", st)
	}
	t.Logf("approved 1,000 from the page in %v", time.Since(start))
	if got := p.text("#bulk-results h2"); !strings.Contains(got, "成功 1000 件・失敗 0 件") {
		t.Errorf("bulk results = %q, want 成功 1000 件・失敗 0 件", got)
	}
	if got := p.texts("#inbox-empty"); len(got) != 1 {
		t.Errorf("inbox after approving all = %q, want empty", got)
	}
}
