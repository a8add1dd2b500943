package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kintai"
	"kintai/punch"
	"kintai/store"
)

// dayStamp is a punch at hh:mm (1715 for 17:15) in Tokyo.
type dayStamp struct {
	kind punch.Kind
	hhmm int
}

// importDay stores punches of the fixture person key on day, as an import
// of historic punches.
func (f *fixture) importDay(key string, day kintai.Date, stamps ...dayStamp) {
	f.t.Helper()
	var recs []store.PunchRecord
	for i, s := range stamps {
		at := day.Time(mustTokyo(f.t)).Add(time.Duration(s.hhmm/100*60+s.hhmm%100) * time.Minute)
		recs = append(recs, store.PunchRecord{Origin: "import", Actor: kintai.Actor{System: true}, Punch: punch.Punch{
			Input:      punch.Input{ClientKey: fmt.Sprintf("test-%s-%s-%d", key, day, i), StaffID: f.staff[key].ID, Kind: s.kind, Method: punch.MethodManual},
			ReceivedAt: at, At: at, BusinessDay: day}})
	}
	if _, err := f.db.ImportPunches(context.Background(), kintai.Actor{System: true}, recs); err != nil {
		f.t.Fatal(err)
	}
}

// TestRequestAPIResultGapEditSettings checks over HTTP that the 乖離 of a
// result comes from the punches whatever the client sends, that a returned
// result is edited and sent again with PUT, that HR alone reads and saves
// the approval settings, and that notifications are marked read together.
func TestRequestAPIResultGapEditSettings(t *testing.T) {
	f := newFixture(t, store.SQLite)
	staff, approver, hr := f.as("staff"), f.as("approver"), f.as("hr")
	day := kintai.NewDate(2026, 6, 2)
	at := func(h, m int) string {
		return day.Time(mustTokyo(t)).Add(time.Duration(h*60+m) * time.Minute).UTC().Format(time.RFC3339)
	}
	resp, order := approver.json("POST", "/api/v1/requests", map[string]any{"kind": "overtime_order", "staff_id": f.staff["staff"].ID,
		"overtime": map[string]any{"day": day.String(), "planned": map[string]any{"start": at(17, 15), "end": at(18, 15)}, "reason": "予算査定"}})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("order = %d %v", resp.StatusCode, order)
	}
	f.importDay("staff", day, dayStamp{punch.ClockIn, 1700}, dayStamp{punch.ClockOut, 2040})
	result := func(reason string) map[string]any {
		return map[string]any{"kind": "overtime_result", "result": map[string]any{"order_id": order["id"], "day": day.String(),
			"actual": map[string]any{"start": at(17, 15), "end": at(18, 15)}, "work": "査定資料",
			"gap": map[string]any{"reason_required": false, "after_min": 0}, "gap_reason": reason}}
	}
	resp, body := staff.json("POST", "/api/v1/requests", result(""))
	if e, _ := body["error"].(map[string]any); resp.StatusCode != http.StatusBadRequest || e["field"] != "result.gap_reason" {
		t.Fatalf("result claiming no gap = %d %v, want 400 on result.gap_reason", resp.StatusCode, body)
	}
	resp, body = staff.json("POST", "/api/v1/requests", result("窓口対応"))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("result with a reason = %d %v", resp.StatusCode, body)
	}
	gap, _ := body["result"].(map[string]any)["gap"].(map[string]any)
	if gap["after_min"] != float64(145) || gap["reason_required"] != true {
		t.Errorf("stored gap = %v, want 145 minutes after, reason required", gap)
	}
	path := fmt.Sprintf("/api/v1/requests/%v", body["id"])
	if resp, body := approver.json("POST", path+"/decision", map[string]any{"action": "return", "comment": "業務内容を詳しく"}); resp.StatusCode != 200 {
		t.Fatalf("return = %d %v", resp.StatusCode, body)
	}
	edited := result("窓口対応（住民税の相談）")
	edited["result"].(map[string]any)["work"] = "査定資料の作成と窓口対応"
	if resp, body := approver.json("PUT", path, edited); resp.StatusCode != http.StatusNotFound {
		t.Errorf("PUT by the approver = %d %v, want 404", resp.StatusCode, body)
	}
	resp, body = staff.json("PUT", path, edited)
	if resp.StatusCode != 200 || body["status"] != "pending" {
		t.Fatalf("PUT by the applicant = %d %v, want 200 pending", resp.StatusCode, body)
	}
	if resp, body := staff.json("PUT", path, edited); resp.StatusCode != http.StatusConflict {
		t.Errorf("PUT while pending = %d %v, want 409", resp.StatusCode, body)
	}
	_, detail := staff.json("GET", path, nil)
	versions, _ := detail["versions"].([]any)
	if len(versions) != 2 {
		t.Fatalf("versions = %v, want 2", detail["versions"])
	}
	if w := versions[1].(map[string]any)["request"].(map[string]any)["result"].(map[string]any)["work"]; w != "査定資料の作成と窓口対応" {
		t.Errorf("second version's work = %v", w)
	}

	// Approved, the applicant asks for its cancellation from their list.
	if resp, body := approver.json("POST", path+"/decision", map[string]any{"action": "approve"}); resp.StatusCode != 200 {
		t.Fatalf("approve = %d %v", resp.StatusCode, body)
	}
	if st, loc, _ := staff.post(path[len("/api/v1"):]+"/cancel", url.Values{}); st != http.StatusSeeOther || !strings.HasPrefix(loc, "/requests") {
		t.Errorf("POST cancel page = %d %s, want 303 to /requests", st, loc)
	}
	if _, body := staff.json("GET", path, nil); body["request"].(map[string]any)["status"] != "cancel_pending" {
		t.Errorf("status after asking to cancel = %v, want cancel_pending", body["request"].(map[string]any)["status"])
	}

	// Approval settings: HR only, validated.
	if resp, _ := staff.json("GET", "/api/v1/approval-settings", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("GET approval settings as staff = %d, want 403", resp.StatusCode)
	}
	resp, body = hr.json("GET", "/api/v1/approval-settings", nil)
	if resp.StatusCode != 200 || body["gap_threshold_min"] != float64(30) || body["escalate_open_days_only"] != true {
		t.Errorf("GET approval settings = %d %v, want the defaults", resp.StatusCode, body)
	}
	s := map[string]any{"escalate_after_days": 5, "escalate_open_days_only": false, "gap_threshold_min": 60, "furikae_before_days": 28,
		"furikae_after_days": 56, "daikyu_after_days": 0, "cancel_approved": true, "result_without_order": false}
	if resp, body := hr.json("PUT", "/api/v1/approval-settings", s); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("PUT daikyu_after_days 0 = %d %v, want 400", resp.StatusCode, body)
	}
	s["daikyu_after_days"] = 56
	if resp, body := hr.json("PUT", "/api/v1/approval-settings", s); resp.StatusCode != 200 || body["gap_threshold_min"] != float64(60) {
		t.Errorf("PUT approval settings = %d %v", resp.StatusCode, body)
	}

	// Notifications: the staff member has the order, the return; all read at once.
	resp, body = staff.json("POST", "/api/v1/notifications/read-all", nil)
	if resp.StatusCode != 200 || body["marked"].(float64) < 2 {
		t.Errorf("read-all = %d %v, want at least 2 marked", resp.StatusCode, body)
	}
	if _, body := staff.json("GET", "/api/v1/notifications?unread=1", nil); body["total"] != float64(0) {
		t.Errorf("unread after read-all = %v, want 0", body["total"])
	}
}

// TestEscalationLoop drives the server's daily escalation with the
// injected clock: once the date moves past the escalation days, the
// waiting step moves up without anyone calling it.
func TestEscalationLoop(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	// 総務部's approver: the next level above 人事課's approver.
	var chief kintai.Staff
	err := f.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		chief = kintai.Staff{StaffNo: "200001", Name: "試験　部長", Kana: "シケン", EmploymentType: kintai.Regular,
			AppointedOn: kintai.NewDate(2020, 4, 1), OrgUnitID: f.dept.ID}
		if err := tx.CreateStaff(ctx, &chief); err != nil {
			return err
		}
		return tx.CreateGrant(ctx, &kintai.Grant{StaffID: chief.ID, Role: kintai.RoleApprover, OrgUnitID: f.dept.ID})
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, body := f.as("staff").json("POST", "/api/v1/requests", teleworkBody(10))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST = %d %v", resp.StatusCode, body)
	}
	a, err := New(Config{DB: f.db, Loc: mustTokyo(t), Now: f.clock.Now, EscalateCheck: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	// Monday 1 June → Friday 5 June: 4 open days waited, more than 3.
	f.clock.Advance(4 * 24 * time.Hour)
	deadline := time.Now().Add(10 * time.Second)
	for {
		ns, err := f.db.FindNotifications(ctx, chief.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(ns) == 1 && ns[0].Kind == store.NotifyWaiting && strings.Contains(ns[0].Message, "滞留") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the 部長 was not notified of the escalation within 10 s: %+v", ns)
		}
		time.Sleep(20 * time.Millisecond)
	}
	id := int64(body["id"].(float64))
	req, err := f.db.FindRequestByID(ctx, id)
	if err != nil || req.Current() == nil || len(req.Current().Approvers) != 2 || req.Current().Escalated != 1 {
		t.Errorf("request after the loop = %+v, %v, want escalated once to two approvers", req.Current(), err)
	}
	resp, list := f.as("approver").json("GET", "/api/v1/requests/overdue", nil)
	if resp.StatusCode != 200 || list["total"] != float64(0) {
		t.Errorf("overdue after escalation = %d %v, want none (the wait starts again)", resp.StatusCode, list)
	}
}
