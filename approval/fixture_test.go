package approval

import (
	"errors"
	"testing"
	"time"

	"kintai"
	"kintai/rules"
)

var tokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return loc
}()

func jst(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, tokyo)
}

func ptr[T any](v T) *T { return &v }

func iv(start, end time.Time) rules.Interval { return rules.Interval{Start: start, End: end} }

// The organisation of the tests:
//
//	10 総務部 (部)            部長 400 (approver)
//	├─ 20 総務課 (課)         課長 300 (approver)
//	│   ├─ 30 庶務係 (係)     係長 200 (approver); staff 100
//	│   └─ 31 文書係 (係)     係長 201 (approver); staff 101
//	└─ 50 財政課 (課)         課長 301 (approver); staff 102 (no 係)
//	60 監査室 (other, root)   nobody granted; staff 103
//
// HR 500 holds hr over the whole organisation; 210 is a 係長補佐 with no
// grant, deputy of 200 under a proxy.
var org = NewOrg([]kintai.OrgUnit{
	{ID: 10, Kind: kintai.Department},
	{ID: 20, Kind: kintai.Section, ParentID: 10},
	{ID: 30, Kind: kintai.Team, ParentID: 20},
	{ID: 31, Kind: kintai.Team, ParentID: 20},
	{ID: 50, Kind: kintai.Section, ParentID: 10},
	{ID: 60, Kind: kintai.OtherUnit},
})

var grants = []kintai.Grant{
	{StaffID: 200, Role: kintai.RoleApprover, OrgUnitID: 30},
	{StaffID: 201, Role: kintai.RoleApprover, OrgUnitID: 31},
	{StaffID: 300, Role: kintai.RoleApprover, OrgUnitID: 20},
	{StaffID: 301, Role: kintai.RoleApprover, OrgUnitID: 50},
	{StaffID: 400, Role: kintai.RoleApprover, OrgUnitID: 10},
	{StaffID: 500, Role: kintai.RoleHR, OrgUnitID: 0},
}

var unitOf = map[int64]int64{100: 30, 101: 31, 102: 50, 103: 60, 200: 30, 201: 31, 210: 30, 300: 20, 301: 50, 400: 10, 500: 40}

// actor returns staff member id with their grants.
func actor(id int64) kintai.Actor {
	a := kintai.Actor{StaffID: id, OrgUnitID: unitOf[id]}
	for _, g := range grants {
		if g.StaffID == id {
			a.Grants = append(a.Grants, g)
		}
	}
	return a
}

// overtimeRoute is 総務課's route for overtime requests: the 係長, and the
// 課長 too when more than 2 hours are asked for.
var overtimeRoute = Route{ID: 1, OrgUnitID: 20, Kind: KindOvertimeRequest, Name: "超勤（総務課）", Steps: []Step{
	{Name: "係長", By: ByUnit, Level: kintai.Team},
	{Name: "課長", By: ByUnit, Level: kintai.Section, If: &Condition{OvertimeMinOver: ptr(120)}},
}}

// leaveRoute is 総務部's route for leave: 係長, 課長, and HR for more than 3 days.
var leaveRoute = Route{ID: 2, OrgUnitID: 10, Kind: KindLeave, Name: "休暇（総務部）", Steps: []Step{
	{Name: "係長", By: ByUnit, Level: kintai.Team},
	{Name: "課長", By: ByUnit, Level: kintai.Section},
	{Name: "人事", By: ByHR, If: &Condition{LeaveDaysOver: ptr(3)}},
}}

var routes = []Route{overtimeRoute, leaveRoute,
	{ID: 3, OrgUnitID: 0, Kind: "", Name: "全庁", Steps: []Step{{Name: "承認者", By: ByNearest}}},
}

var day = kintai.NewDate(2025, 6, 10) // a Tuesday

// overtimeReq is a draft overtime request of staff 100 for 17:15 + min.
func overtimeReq(min int) Request {
	start := jst(2025, 6, 10, 17, 15)
	return Request{
		ID: 1, Kind: KindOvertimeRequest, StaffID: 100, OrgUnitID: 30, CreatedBy: 100, Status: StatusDraft,
		Overtime: &Overtime{Day: day, Planned: rules.Interval{Start: start, End: start.Add(time.Duration(min) * time.Minute)}, Reason: "議会資料の作成"},
	}
}

// resolve resolves req's route from the test routes.
func resolve(req Request) []ResolvedStep {
	return Resolve(FindRoute(routes, req.Kind, req.OrgUnitID, org.Tree), req, org, grants)
}

func env() Env {
	return Env{Tree: org.Tree, Settings: DefaultSettings()}
}

// submitted returns req submitted by its creator at now.
func submitted(t *testing.T, req Request, now time.Time) Request {
	t.Helper()
	e := env()
	e.Steps = resolve(req)
	out, _, err := Decide(req, Decision{Action: ActionSubmit}, actor(req.CreatedBy), now, e)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	return out
}

// errParts returns the code, reason and field of err.
func errParts(err error) (code, reason, field string) {
	if err == nil {
		return "", "", ""
	}
	var e *kintai.Error
	if errors.As(err, &e) {
		field = e.Field
	}
	return kintai.ErrorCode(err), RefusalReason(err), field
}
