package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/approval"
	"kintai/leave"
	"kintai/punch"
	"kintai/rules"
	"kintai/store"
	"kintai/store/storetest"
)

// requestOrg is the organisation of the request tests:
//
//	課 (section)    課長 chief (approver); hr (hr over everyone)
//	└─ 係 (team)    係長 leader (approver); applicant, deputy (no grant)
type requestOrg struct {
	section, team                             int64
	applicant, leader, chief, deputy, hrStaff int64
}

func seedRequestOrg(t *testing.T, db *store.DB) requestOrg {
	t.Helper()
	ctx := context.Background()
	var o requestOrg
	err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		sect := kintai.OrgUnit{Code: "R01", Name: "総務課", Kind: kintai.Section}
		if err := tx.CreateOrgUnit(ctx, &sect); err != nil {
			return err
		}
		team := kintai.OrgUnit{Code: "R01-1", Name: "庶務係", Kind: kintai.Team, ParentID: sect.ID}
		if err := tx.CreateOrgUnit(ctx, &team); err != nil {
			return err
		}
		o.section, o.team = sect.ID, team.ID
		mk := func(no string, unit int64) (int64, error) {
			s := kintai.Staff{StaffNo: no, Name: "職員 " + no, Kana: "ショクイン", EmploymentType: kintai.Regular,
				AppointedOn: kintai.NewDate(2020, 4, 1), OrgUnitID: unit}
			err := tx.CreateStaff(ctx, &s)
			return s.ID, err
		}
		var err error
		for _, s := range []struct {
			id   *int64
			no   string
			unit int64
		}{{&o.applicant, "100", team.ID}, {&o.leader, "200", team.ID}, {&o.chief, "300", sect.ID}, {&o.deputy, "210", team.ID}, {&o.hrStaff, "500", sect.ID}} {
			if *s.id, err = mk(s.no, s.unit); err != nil {
				return err
			}
		}
		for _, g := range []kintai.Grant{
			{StaffID: o.leader, Role: kintai.RoleApprover, OrgUnitID: team.ID},
			{StaffID: o.chief, Role: kintai.RoleApprover, OrgUnitID: sect.ID},
			{StaffID: o.hrStaff, Role: kintai.RoleHR},
		} {
			if err := tx.CreateGrant(ctx, &g); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	// Enough annual leave for the requests of the tests.
	grantLeave(t, db, leave.Annual, leave.DaysAmount(40), kintai.NewDate(2026, 1, 1), o.applicant, o.leader, o.chief, o.deputy, o.hrStaff)
	return o
}

func actorOf(t *testing.T, db *store.DB, id int64) kintai.Actor {
	t.Helper()
	a, _, err := db.LoadActor(context.Background(), id)
	if err != nil {
		t.Fatalf("LoadActor(%d): %v", id, err)
	}
	return a
}

var teleworkDay = kintai.NewDate(2026, 4, 10)

func telework(day kintai.Date) approval.Request {
	return approval.Request{Kind: approval.KindTelework, Telework: &approval.Telework{Day: day, Location: punch.WorkHome}}
}

// create makes and submits req as actor.
func create(t *testing.T, db *store.DB, actor kintai.Actor, req approval.Request) approval.Request {
	t.Helper()
	var out approval.Request
	err := db.WithTx(context.Background(), actor, func(tx *store.Tx) error {
		var err error
		out, err = tx.CreateRequest(context.Background(), req, true)
		return err
	})
	if err != nil {
		t.Fatalf("CreateRequest: %v", err)
	}
	return out
}

func decide(db *store.DB, actor kintai.Actor, id int64, a approval.Action, comment string) (approval.Request, approval.Event, error) {
	var out approval.Request
	var ev approval.Event
	err := db.WithTx(context.Background(), actor, func(tx *store.Tx) error {
		var err error
		out, ev, err = tx.DecideRequest(context.Background(), id, approval.Decision{Action: a, Comment: comment})
		return err
	})
	return out, ev, err
}

func addProxy(t *testing.T, db *store.DB, actor kintai.Actor, p approval.Proxy) approval.Proxy {
	t.Helper()
	err := db.WithTx(context.Background(), actor, func(tx *store.Tx) error { return tx.CreateProxy(context.Background(), &p) })
	if err != nil {
		t.Fatalf("CreateProxy: %v", err)
	}
	return p
}

func TestRequestProxyApproval(t *testing.T) {
	clock := storetest.NewClock(t0)
	storetest.Each(t, clock.Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		applicant, leader, deputy := actorOf(t, db, o.applicant), actorOf(t, db, o.leader), actorOf(t, db, o.deputy)
		now := clock.Now()

		req := create(t, db, applicant, telework(teleworkDay))
		if req.Status != approval.StatusPending || req.Current() == nil || !cmp.Equal(req.Current().Approvers, []int64{o.leader}) {
			t.Fatalf("CreateRequest(submit) = %+v, want pending at the 係長", req)
		}
		// Outside the window the deputy is refused.
		later := addProxy(t, db, leader, approval.Proxy{Principal: o.leader, Deputies: []int64{o.deputy}, From: now.Add(time.Hour), To: now.Add(2 * time.Hour)})
		if _, _, err := decide(db, deputy, req.ID, approval.ActionApprove, ""); approval.RefusalReason(err) != approval.ReasonProxyOutsideWindow {
			t.Errorf("deputy approve outside window: err = %v, want %s", err, approval.ReasonProxyOutsideWindow)
		}
		inbox, err := db.FindRequests(ctx, store.RequestFilter{InboxOf: o.deputy})
		if err != nil || len(inbox) != 0 {
			t.Errorf("FindRequests(inbox of deputy, no proxy in force) = %d, %v, want none", len(inbox), err)
		}
		// Inside the window the deputy approves on behalf of the 係長.
		p := addProxy(t, db, leader, approval.Proxy{Principal: o.leader, Deputies: []int64{o.deputy}, From: now.Add(-time.Hour), To: now.Add(time.Hour)})
		inbox, err = db.FindRequests(ctx, store.RequestFilter{InboxOf: o.deputy})
		if err != nil || len(inbox) != 1 || inbox[0].ID != req.ID {
			t.Errorf("FindRequests(inbox of deputy) = %v, %v, want request %d", inbox, err, req.ID)
		}
		got, ev, err := decide(db, deputy, req.ID, approval.ActionApprove, "")
		if err != nil {
			t.Fatalf("deputy approve: %v", err)
		}
		if got.Status != approval.StatusApproved || ev.OnBehalfOf != o.leader || ev.ProxyID != p.ID {
			t.Errorf("deputy approve = %s, event %+v; want approved on behalf of %d via proxy %d", got.Status, ev, o.leader, p.ID)
		}
		events, err := db.FindRequestEvents(ctx, req.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range events {
			actions = append(actions, fmt.Sprintf("%s by %d for %d", e.Action, e.ActorID, e.OnBehalfOf))
		}
		want := []string{fmt.Sprintf("submit by %d for 0", o.applicant), fmt.Sprintf("approve by %d for %d", o.deputy, o.leader)}
		if diff := cmp.Diff(want, actions); diff != "" {
			t.Errorf("FindRequestEvents mismatch (-want +got):\n%s", diff)
		}
		notes, err := db.FindNotifications(ctx, o.applicant, true)
		if err != nil || len(notes) != 1 || notes[0].Kind != store.NotifyApproved {
			t.Errorf("FindNotifications(applicant) = %+v, %v, want one approved", notes, err)
		}
		if err := db.WithTx(ctx, applicant, func(tx *store.Tx) error { return tx.MarkNotificationRead(ctx, notes[0].ID) }); err != nil {
			t.Errorf("MarkNotificationRead: %v", err)
		}
		if err := db.WithTx(ctx, deputy, func(tx *store.Tx) error { return tx.MarkNotificationRead(ctx, notes[0].ID) }); kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("MarkNotificationRead(someone else's) = %v, want not found", err)
		}
		// Revoked proxies no longer count; only the principal or HR revokes.
		if err := db.WithTx(ctx, applicant, func(tx *store.Tx) error { return tx.RevokeProxy(ctx, later.ID) }); kintai.ErrorCode(err) != kintai.EFORBIDDEN {
			t.Errorf("RevokeProxy(by applicant) = %v, want forbidden", err)
		}
		if err := db.WithTx(ctx, leader, func(tx *store.Tx) error { return tx.RevokeProxy(ctx, p.ID) }); err != nil {
			t.Errorf("RevokeProxy: %v", err)
		}
		active, err := db.FindProxies(ctx, store.ProxyFilter{Deputy: o.deputy, ActiveAt: clock.Now()})
		if err != nil || len(active) != 0 {
			t.Errorf("FindProxies(active) after revoke = %v, %v, want none", active, err)
		}
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Errorf("VerifyAudit() = %v", err)
		}
	})
}

func TestRequestReturnResubmitWithdraw(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		o := seedRequestOrg(t, db)
		applicant, leader := actorOf(t, db, o.applicant), actorOf(t, db, o.leader)
		req := create(t, db, applicant, telework(teleworkDay))

		if _, _, err := decide(db, leader, req.ID, approval.ActionReturn, ""); kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("return without comment: err = %v, want invalid", err)
		}
		if _, _, err := decide(db, applicant, req.ID, approval.ActionApprove, ""); approval.RefusalReason(err) != approval.ReasonSelfApproval {
			t.Errorf("self approval: err = %v, want %s", err, approval.ReasonSelfApproval)
		}
		steps := []struct {
			name   string
			actor  kintai.Actor
			action approval.Action
			want   approval.Status
		}{
			{"return", leader, approval.ActionReturn, approval.StatusReturned},
			{"resubmit", applicant, approval.ActionSubmit, approval.StatusPending},
			{"withdraw", applicant, approval.ActionWithdraw, approval.StatusWithdrawn},
		}
		for _, s := range steps {
			got, _, err := decide(db, s.actor, req.ID, s.action, "理由を追記してください")
			if err != nil || got.Status != s.want {
				t.Fatalf("%s: DecideRequest = %s, %v, want %s", s.name, got.Status, err, s.want)
			}
		}
		if _, _, err := decide(db, leader, req.ID, approval.ActionApprove, ""); approval.RefusalReason(err) != approval.ReasonAlreadyDecided {
			t.Errorf("approve withdrawn: err = %v, want %s", err, approval.ReasonAlreadyDecided)
		}
		mine, err := db.FindRequests(context.Background(), store.RequestFilter{Mine: o.applicant, Status: approval.StatusWithdrawn})
		if err != nil || len(mine) != 1 {
			t.Errorf("FindRequests(mine, withdrawn) = %d, %v, want 1", len(mine), err)
		}
		inbox, err := db.FindRequests(context.Background(), store.RequestFilter{InboxOf: o.leader})
		if err != nil || len(inbox) != 0 {
			t.Errorf("FindRequests(inbox after withdrawal) = %d, %v, want 0", len(inbox), err)
		}
	})
}

func TestRequestBulkMixed(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		applicant, leader := actorOf(t, db, o.applicant), actorOf(t, db, o.leader)
		r1 := create(t, db, applicant, telework(teleworkDay))
		r2 := create(t, db, applicant, telework(teleworkDay.AddDays(1)))
		r3 := create(t, db, applicant, telework(teleworkDay.AddDays(2)))
		if _, _, err := decide(db, applicant, r2.ID, approval.ActionWithdraw, ""); err != nil {
			t.Fatal(err)
		}
		out, err := db.DecideRequests(ctx, leader, []int64{r1.ID, r2.ID, r3.ID, r1.ID, 999999}, approval.Decision{Action: approval.ActionApprove})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range out {
			got = append(got, fmt.Sprintf("%d %v %s %s", o.RequestID, o.OK, o.Code, o.Reason))
		}
		want := []string{
			fmt.Sprintf("%d true  ", r1.ID),
			fmt.Sprintf("%d false conflict %s", r2.ID, approval.ReasonAlreadyDecided),
			fmt.Sprintf("%d true  ", r3.ID),
			fmt.Sprintf("%d false conflict %s", r1.ID, approval.ReasonDuplicate),
			"999999 false not_found ",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("DecideRequests mismatch (-want +got):\n%s", diff)
		}
		for id, want := range map[int64]approval.Status{r1.ID: approval.StatusApproved, r2.ID: approval.StatusWithdrawn, r3.ID: approval.StatusApproved} {
			r, err := db.FindRequestByID(ctx, id)
			if err != nil || r.Status != want {
				t.Errorf("FindRequestByID(%d).Status = %s, %v, want %s", id, r.Status, err, want)
			}
		}
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Errorf("VerifyAudit() = %v", err)
		}
		if _, err := db.DecideRequests(ctx, leader, []int64{r1.ID}, approval.Decision{Action: approval.ActionSubmit}); kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("DecideRequests(submit) = %v, want invalid", err)
		}
	})
}

func TestRequestOrderAndCorrection(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		applicant, leader := actorOf(t, db, o.applicant), actorOf(t, db, o.leader)
		loc, _ := time.LoadLocation("Asia/Tokyo")
		start := teleworkDay.Time(loc).Add(17*time.Hour + 15*time.Minute)
		order := approval.Request{Kind: approval.KindOvertimeOrder, StaffID: o.applicant, Overtime: &approval.Overtime{
			Day: teleworkDay, Planned: rules.Interval{Start: start, End: start.Add(time.Hour)}, Reason: "議会資料の作成"}}
		err := db.WithTx(ctx, applicant, func(tx *store.Tx) error { _, err := tx.CreateRequest(ctx, order, true); return err })
		if kintai.ErrorCode(err) != kintai.EFORBIDDEN {
			t.Errorf("order by the staff member: err = %v, want forbidden", err)
		}
		got := create(t, db, leader, order)
		if got.Status != approval.StatusApproved {
			t.Errorf("order status = %s, want approved", got.Status)
		}
		if n, _ := db.FindNotifications(ctx, o.applicant, true); len(n) != 1 || n[0].Kind != store.NotifyOrdered {
			t.Errorf("notifications after order = %+v, want one ordered", n)
		}
		// An approved correction becomes a correction punch.
		corr := create(t, db, applicant, approval.Request{Kind: approval.KindPunchCorrection, Correction: &approval.PunchCorrection{
			Day: teleworkDay, Kind: punch.ClockIn, At: teleworkDay.Time(loc).Add(8*time.Hour + 30*time.Minute), Reason: "打刻忘れ"}})
		if _, _, err := decide(db, leader, corr.ID, approval.ActionApprove, ""); err != nil {
			t.Fatalf("approve correction: %v", err)
		}
		ps, err := db.FindPunches(ctx, store.PunchFilter{StaffIDs: []int64{o.applicant}, From: teleworkDay, To: teleworkDay})
		if err != nil || len(ps) != 1 || ps[0].ClientKey != fmt.Sprintf("request:%d", corr.ID) || ps[0].Method != punch.MethodManual {
			t.Errorf("FindPunches after correction = %+v, %v, want one manual punch from the request", ps, err)
		}
	})
}

// TestRequestBulkThousand approves 1,000 requests in one bulk decision and
// logs how long it took (go test ./store -run BulkThousand -v).
func TestRequestBulkThousand(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		applicant, leader := actorOf(t, db, o.applicant), actorOf(t, db, o.leader)
		const n = store.MaxBulkDecisions
		ids := make([]int64, 0, n)
		err := db.WithTx(ctx, applicant, func(tx *store.Tx) error {
			for i := range n {
				r, err := tx.CreateRequest(ctx, telework(teleworkDay.AddDays(i%300)), true)
				if err != nil {
					return err
				}
				ids = append(ids, r.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		out, err := db.DecideRequests(ctx, leader, ids, approval.Decision{Action: approval.ActionApprove})
		took := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		ok := 0
		for _, o := range out {
			if o.OK {
				ok++
			}
		}
		if ok != n {
			t.Errorf("DecideRequests(%d approvals) approved %d", n, ok)
		}
		t.Logf("%s: bulk-approved %d requests in %v (%.2f ms each)", db.Dialect, ok, took, float64(took.Microseconds())/1000/float64(n))
	})
}
