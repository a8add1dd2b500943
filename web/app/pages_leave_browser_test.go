package app

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kintai/leave"
)

// TestBrowserLeaveBalance: the staff member sees their balance, asks for
// 2 hours of annual leave (the form shows what is left), sees it pending,
// and, once approved and the day past, used.
func TestBrowserLeaveBalance(t *testing.T) {
	p := newRequestsPage(t) // Monday 19 October 2026, 09:00; 10 days granted for the fiscal year
	p.signIn("staff")
	p.open("/my/leave")
	if got := p.text("#balance-annual .left"); got != "10日" {
		t.Errorf("left before any request = %q, want 10日", got)
	}
	if got := p.text("#balance-annual .granted"); got != "10日" {
		t.Errorf("granted = %q, want 10日", got)
	}

	p.open("/requests/new")
	if got := p.text("#left-annual"); !strings.Contains(got, "年次休暇 10日") {
		t.Errorf("balance on the request form = %q, want 年次休暇 10日", got)
	}
	p.set("#kind", "leave")
	p.set("#leave_type", "annual")
	p.set("#leave_unit", "hour")
	p.set("#leave_from_on", oct20.String())
	p.set("#leave_start", "13:00")
	p.set("#leave_end", "15:00")
	if st := p.submit("#submit-request"); st != 200 {
		p.fail("submit leave: status %d, want 200", st)
	}
	p.open("/my/leave")
	if got := p.text("#balance-annual .pending"); got != "2時間" {
		t.Errorf("pending = %q, want 2時間", got)
	}
	if got := p.text("#balance-annual .left"); got != "9日5時間45分" {
		t.Errorf("left with 2 hours pending = %q, want 9日5時間45分 (7h45m days)", got)
	}
	if got := p.texts("#leave-uses td.status"); len(got) != 1 || got[0] != "承認待ち" {
		t.Errorf("uses = %q, want one 承認待ち", got)
	}
	p.signOut()

	p.signIn("approver")
	p.open("/approvals")
	p.do(chromedp.Click(chromedp.CSS(`#bulk input[name=ids]`)))
	if st := p.submit("#bulk-approve"); st != 200 {
		p.fail("bulk approve: status %d, want 200", st)
	}
	p.signOut()

	// The next day: the 2 hours are used.
	p.startAt(tokyo(t, oct20.AddDays(1), 9, 0))
	p.signIn("staff")
	p.open("/my/leave")
	if got := p.text("#balance-annual .used"); got != "2時間" {
		t.Errorf("used after approval = %q, want 2時間", got)
	}
	if got := p.text("#balance-annual .pending"); got != "0日" {
		t.Errorf("pending after approval = %q, want 0日", got)
	}
	if got := p.text("#balance-annual .left"); got != "9日5時間45分" {
		t.Errorf("left after approval = %q, want 9日5時間45分", got)
	}
	if got := p.texts("#leave-uses td.status"); len(got) != 1 || got[0] != "承認済み" {
		t.Errorf("uses = %q, want one 承認済み", got)
	}
}

// TestBrowserLeaveSettings: HR stops offering 結婚休暇, adds a 2-day
// リフレッシュ休暇 and sets the morning half day on /settings/leave; the
// staff member's form offers the new type and not the old; a bad number
// is shown by its field and saves nothing.
func TestBrowserLeaveSettings(t *testing.T) {
	p := newRequestsPage(t)
	p.signIn("hr")
	p.open("/settings/leave")
	if got := p.texts("#leave-types tbody tr"); len(got) < 10 {
		t.Fatalf("leave types listed = %d, want the built-in list", len(got))
	}
	p.do(chromedp.Click(chromedp.CSS("#enabled_marriage")))
	p.fill("#new_code", "refresh")
	p.fill("#new_name", "リフレッシュ休暇")
	p.do(chromedp.Click(chromedp.CSS("#new_unit_day")))
	p.fill("#new_limit_days", "2")
	p.set("#new_period", "fiscal_year")
	p.do(chromedp.Click(chromedp.CSS("#new_paid")))
	p.fill("#morning_min", "225")
	if st := p.submit("#save-leave-settings"); st != 200 {
		p.fail("save: status %d, want 200", st)
	}
	c, err := p.f.db.FindLeaveConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	marriage, _ := c.Type("marriage")
	refresh, ok := c.Type("refresh")
	if !marriage.Disabled || !ok || refresh.Limit == nil || refresh.Limit.Days != 2 || refresh.Limit.Period != leave.PerFiscalYear || !refresh.Paid || c.Settings.MorningMin != 225 {
		t.Errorf("saved: marriage disabled %v, refresh %+v (%v), morning %d; want disabled, 2 days a fiscal year paid, 225", marriage.Disabled, refresh, ok, c.Settings.MorningMin)
	}
	if annual, _ := c.Type("annual"); annual.Disabled || len(annual.Units) != 3 {
		t.Errorf("annual leave after the save = %+v, want unchanged", annual)
	}
	// A bad number: refused by its field, nothing saved.
	p.open("/settings/leave")
	p.fill("#morning_min", "半日")
	if st := p.submit("#save-leave-settings"); st != 400 {
		t.Errorf("bad morning_min: status %d, want 400", st)
	}
	if got := p.text("#leave-settings-error"); !strings.Contains(got, "午前半日の分数") {
		t.Errorf("error = %q, want it to name 午前半日の分数", got)
	}
	if c, _ := p.f.db.FindLeaveConfig(context.Background()); c.Settings.MorningMin != 225 {
		t.Errorf("morning_min after a refused save = %d, want 225", c.Settings.MorningMin)
	}
	p.signOut()

	p.signIn("staff")
	p.open("/requests/new")
	types := strings.Join(p.texts("#leave_type option"), ",")
	if !strings.Contains(types, "リフレッシュ休暇") || strings.Contains(types, "結婚休暇") {
		t.Errorf("leave types on the form = %s, want リフレッシュ休暇 and no 結婚休暇", types)
	}
}
