package app

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kintai"
	"kintai/calendar"
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
	// Limits by case, the window, who may take it and the morning's end.
	p.fill("#case_bereavement_grandparent", "4")
	p.fill("#window_from_summer", "6/1")
	p.fill("#window_to_summer", "10/31")
	p.do(chromedp.Click(chromedp.CSS("#eligible_volunteer_regular")))
	p.fill("#morning_end", "12:15")
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
	bereavement, _ := c.Type(leave.CodeBereavement)
	grandparent := slices.IndexFunc(bereavement.Limit.Cases, func(x leave.Case) bool { return x.Code == "grandparent" })
	if grandparent < 0 || bereavement.Limit.Cases[grandparent].Days != 4 || bereavement.Limit.Cases[0].Days != 7 {
		t.Errorf("忌引 cases after the save = %+v, want 祖父母 4 days and 配偶者 still 7", bereavement.Limit.Cases)
	}
	summer, _ := c.Type(leave.CodeSummer)
	if w := summer.Window; w == nil || w.From != (calendar.MonthDay{Month: time.June, Day: 1}) || w.To != (calendar.MonthDay{Month: time.October, Day: 31}) {
		t.Errorf("夏季休暇 window after the save = %+v, want 6/1–10/31", summer.Window)
	}
	if volunteer, _ := c.Type("volunteer"); !slices.Equal(volunteer.Eligible, []kintai.EmploymentType{kintai.Regular}) || c.Settings.MorningEndMin != 12*60+15 {
		t.Errorf("saved: volunteer eligible %v, morning end %d; want regular staff only and 735", volunteer.Eligible, c.Settings.MorningEndMin)
	}
	if got := p.value("#window_from_summer"); got != "6/1" {
		t.Errorf("window shown after the save = %q, want 6/1", got)
	}
	// A window with one end only: refused by its field, nothing saved.
	p.do(p.clear("#window_to_summer"))
	if st := p.submit("#save-leave-settings"); st != 400 {
		t.Errorf("window with one end: status %d, want 400", st)
	}
	if got := p.text("#leave-settings-error"); !strings.Contains(got, "夏季休暇の取得期間") || len(p.texts("#window_from_summer.bad")) != 1 {
		t.Errorf("error = %q, want it to name 夏季休暇の取得期間 and mark the field", got)
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
