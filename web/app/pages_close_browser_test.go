package app

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"kintai"
	"kintai/store"
)

// TestBrowserMonthClose walks the monthly close: the staff member confirms
// their month, the approver confirms the team, HR sees no one unconfirmed,
// closes the unit, sees 締め済み on the month sheet, and cannot reopen
// without a reason.
func TestBrowserMonthClose(t *testing.T) {
	p := newPage(t)
	f := p.f
	ctx := context.Background()
	october := kintai.NewDate(2026, 10, 1)
	// The unit's other people have confirmed already, and their supervisor too.
	for _, key := range []string{"admin", "hr", "approver"} {
		actor, _, err := f.db.LoadActor(ctx, f.staff[key].ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.db.WithTx(ctx, actor, func(tx *store.Tx) error { return tx.ConfirmMonth(ctx, october) }); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		return tx.ConfirmTeam(ctx, october, []int64{f.staff["admin"].ID, f.staff["hr"].ID, f.staff["approver"].ID})
	}); err != nil {
		t.Fatal(err)
	}

	p.signIn("staff")
	if st := p.open("/my/month?month=2026-10"); st != 200 {
		t.Fatalf("month sheet: status %d", st)
	}
	if got := p.text("#staff-confirmed"); got != "未確認" {
		t.Errorf("before confirming: staff confirmation %q, want 未確認", got)
	}
	if st := p.submit("#confirm-month"); st != 200 {
		t.Fatalf("confirm: status %d", st)
	}
	if got := p.text("#staff-confirmed"); !strings.Contains(got, "月") {
		t.Errorf("after confirming: staff confirmation %q, want a date", got)
	}
	if got := p.texts("#confirm-month"); len(got) != 0 {
		t.Errorf("confirm button still shown after confirming: %q", got)
	}
	p.signOut()

	p.signIn("approver")
	unit := strconv.FormatInt(f.jinji.ID, 10)
	if st := p.open("/team/month?month=2026-10&org_unit_id=" + unit); st != 200 {
		t.Fatalf("team month: status %d", st)
	}
	if got := p.text("#team-ready"); got != "1" {
		t.Errorf("awaiting the supervisor = %q, want 1", got)
	}
	if st := p.submit("#team-confirm"); st != 200 {
		t.Fatalf("team confirm: status %d", st)
	}
	if got := p.text("#team-unconfirmed"); got != "0" {
		t.Errorf("after the team confirmation: unconfirmed = %q, want 0", got)
	}
	p.signOut()

	p.signIn("hr")
	if st := p.open("/months/close?month=2026-10"); st != 200 {
		t.Fatalf("close page: status %d", st)
	}
	if got := p.text("#unconfirmed-count"); got != "0" {
		t.Errorf("unconfirmed on HR's page = %q, want 0", got)
	}
	p.text("#all-confirmed")
	p.set("#close-unit", unit)
	if st := p.submit("#close-month"); st != 200 {
		t.Fatalf("close: status %d", st)
	}
	if got := p.text("#closes .state"); !strings.Contains(got, "締め済み") {
		t.Errorf("close state = %q, want 締め済み", got)
	}
	if st := p.open("/my/month?month=2026-10&staff=" + strconv.FormatInt(f.staff["staff"].ID, 10)); st != 200 {
		t.Fatalf("staff's month sheet: status %d", st)
	}
	if got := p.text("#month-closed"); !strings.Contains(got, "締め済み") {
		t.Errorf("month sheet says %q, want 締め済み", got)
	}

	p.open("/months/close?month=2026-10")
	if st := p.submit("#closes .reopen"); st != 400 {
		t.Errorf("reopen without a reason: status %d, want 400", st)
	}
	if got := p.text("div.error"); !strings.Contains(got, "理由") {
		t.Errorf("error = %q, want one asking for the reason", got)
	}
	if got := p.text("#closes .state"); !strings.Contains(got, "締め済み") {
		t.Errorf("after a refused reopen: state %q, want 締め済み", got)
	}
	p.fill("#closes .reopen-reason", "打刻修正のため")
	if st := p.submit("#closes .reopen"); st != 200 {
		t.Fatalf("reopen: status %d", st)
	}
	if got := p.text("#closes .state"); !strings.Contains(got, "解除済み") || !strings.Contains(got, "打刻修正のため") {
		t.Errorf("after reopening: state %q, want 解除済み with the reason", got)
	}
}
