package app

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
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
