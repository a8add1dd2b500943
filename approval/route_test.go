package approval

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"kintai"
)

func TestFindRoute(t *testing.T) {
	own := Route{ID: 10, OrgUnitID: 30, Kind: "", Name: "庶務係"}
	tests := []struct {
		name   string
		routes []Route
		kind   Kind
		unit   int64
		want   int64 // route ID; 0 for the default
	}{
		{"the 課's route applies to its 係", routes, KindOvertimeRequest, 30, 1},
		{"the 部's route applies two levels down", routes, KindLeave, 30, 2},
		{"a kind without a route of its own takes the organisation's", routes, KindTelework, 30, 3},
		{"another 課 takes the 部's leave route", routes, KindLeave, 50, 2},
		{"another 課 has no overtime route: the organisation's", routes, KindOvertimeRequest, 50, 3},
		{"nearer unit's every-kind route wins over a farther kind route", append([]Route{own}, routes...), KindOvertimeRequest, 30, 10},
		{"a kind route wins over an every-kind route of the same unit", append(routes, Route{ID: 11, OrgUnitID: 20, Kind: "", Name: "x"}), KindOvertimeRequest, 31, 1},
		{"no routes at all: the default", nil, KindLeave, 30, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FindRoute(tt.routes, tt.kind, tt.unit, org.Tree)
			if got.ID != tt.want {
				t.Errorf("FindRoute(%s, %d) = route %d %q, want route %d", tt.kind, tt.unit, got.ID, got.Name, tt.want)
			}
		})
	}
	if d := FindRoute(nil, KindLeave, 30, org.Tree); !cmp.Equal(d, DefaultRoute(KindLeave)) {
		t.Errorf("FindRoute with no routes = %+v, want DefaultRoute", d)
	}
}

func TestResolve(t *testing.T) {
	leave := func(staff, unit int64, days int) Request {
		return Request{Kind: KindLeave, StaffID: staff, OrgUnitID: unit, CreatedBy: staff,
			Leave: &Leave{Type: "annual", Unit: LeaveDay, FromOn: day, ToOn: day.AddDays(days - 1)}}
	}
	own := overtimeReq(180)
	own.StaffID, own.CreatedBy = 200, 200 // the 係長's own request
	named := Route{Name: "指名", Steps: []Step{{Name: "指名", By: ByStaff, StaffIDs: []int64{100, 500}}}}
	onlyIfLong := Route{Name: "長時間のみ", Steps: []Step{{Name: "課長", By: ByUnit, Level: kintai.Section, If: &Condition{OvertimeMinOver: ptr(120)}}}}
	tests := []struct {
		name  string
		route Route
		req   Request
		want  []ResolvedStep
	}{
		{"overtime 3 h: 係長 then 課長", overtimeRoute, overtimeReq(180), []ResolvedStep{
			{Index: 0, Name: "係長", By: ByUnit, UnitID: 30, Approvers: []int64{200}, EscalateTo: [][]int64{{300}, {400}, {500}}},
			{Index: 1, Name: "課長", By: ByUnit, UnitID: 20, Approvers: []int64{300}, EscalateTo: [][]int64{{400}, {500}}},
		}},
		{"overtime 1 h: 係長 only", overtimeRoute, overtimeReq(60), []ResolvedStep{
			{Index: 0, Name: "係長", By: ByUnit, UnitID: 30, Approvers: []int64{200}, EscalateTo: [][]int64{{300}, {400}, {500}}},
			{Index: 1, Name: "課長", By: ByUnit, Approvers: []int64{}, Skipped: true, SkipReason: SkipCondition},
		}},
		{"overtime of exactly 2 h: 係長 only", overtimeRoute, overtimeReq(120), []ResolvedStep{
			{Index: 0, Name: "係長", By: ByUnit, UnitID: 30, Approvers: []int64{200}, EscalateTo: [][]int64{{300}, {400}, {500}}},
			{Index: 1, Name: "課長", By: ByUnit, Approvers: []int64{}, Skipped: true, SkipReason: SkipCondition},
		}},
		{"the 係長's own request goes to the 課長, once", overtimeRoute, own, []ResolvedStep{
			{Index: 0, Name: "係長", By: ByUnit, UnitID: 20, Approvers: []int64{300}, EscalateTo: [][]int64{{400}, {500}}},
			{Index: 1, Name: "課長", By: ByUnit, UnitID: 20, Approvers: []int64{300}, EscalateTo: [][]int64{{400}, {500}}, Skipped: true, SkipReason: SkipSame},
		}},
		{"leave of 5 days: 係長, 課長, HR", leaveRoute, leave(100, 30, 5), []ResolvedStep{
			{Index: 0, Name: "係長", By: ByUnit, UnitID: 30, Approvers: []int64{200}, EscalateTo: [][]int64{{300}, {400}, {500}}},
			{Index: 1, Name: "課長", By: ByUnit, UnitID: 20, Approvers: []int64{300}, EscalateTo: [][]int64{{400}, {500}}},
			{Index: 2, Name: "人事", By: ByHR, Approvers: []int64{500}},
		}},
		{"staff of a 課 without 係: the 係長 step is skipped", leaveRoute, leave(102, 50, 1), []ResolvedStep{
			{Index: 0, Name: "係長", By: ByUnit, Approvers: []int64{}, Skipped: true, SkipReason: SkipNoUnit},
			{Index: 1, Name: "課長", By: ByUnit, UnitID: 50, Approvers: []int64{301}, EscalateTo: [][]int64{{400}, {500}}},
			{Index: 2, Name: "人事", By: ByHR, Approvers: []int64{}, Skipped: true, SkipReason: SkipCondition},
		}},
		{"default route: the nearest approver", DefaultRoute(KindTelework), Request{Kind: KindTelework, StaffID: 101, OrgUnitID: 31, CreatedBy: 101}, []ResolvedStep{
			{Index: 0, Name: "承認者", By: ByNearest, UnitID: 31, Approvers: []int64{201}, EscalateTo: [][]int64{{300}, {400}, {500}}},
		}},
		{"default route in a unit nobody approves: HR, nothing to escalate to", DefaultRoute(KindTelework), Request{Kind: KindTelework, StaffID: 103, OrgUnitID: 60, CreatedBy: 103}, []ResolvedStep{
			{Index: 0, Name: "承認者", By: ByNearest, UnitID: 0, Approvers: []int64{500}},
		}},
		{"named approvers never include the requester", named, Request{Kind: KindTelework, StaffID: 100, OrgUnitID: 30, CreatedBy: 100}, []ResolvedStep{
			{Index: 0, Name: "指名", By: ByStaff, Approvers: []int64{500}},
		}},
		{"every step skipped", onlyIfLong, overtimeReq(60), []ResolvedStep{
			{Index: 0, Name: "課長", By: ByUnit, Approvers: []int64{}, Skipped: true, SkipReason: SkipCondition},
		}},
		{"orders have no route", overtimeRoute, Request{Kind: KindOvertimeOrder, StaffID: 100, OrgUnitID: 30, CreatedBy: 200}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Resolve(tt.route, tt.req, org, grants)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Resolve(%s, %s of %d) mismatch (-want +got):\n%s", tt.route.Name, tt.req.Kind, tt.req.StaffID, diff)
			}
		})
	}
}

func TestCondition(t *testing.T) {
	leave := Request{Kind: KindLeave, Leave: &Leave{Type: "summer", Unit: LeaveDay, FromOn: day, ToOn: day.AddDays(3)}}
	tests := []struct {
		name string
		c    *Condition
		req  Request
		want bool
	}{
		{"nil always holds", nil, leave, true},
		{"kind in the list", &Condition{Kinds: []Kind{KindLeave, KindTelework}}, leave, true},
		{"kind not in the list", &Condition{Kinds: []Kind{KindTelework}}, leave, false},
		{"4 days is over 3", &Condition{LeaveDaysOver: ptr(3)}, leave, true},
		{"4 days is not over 4", &Condition{LeaveDaysOver: ptr(4)}, leave, false},
		{"leave type listed", &Condition{LeaveTypes: []string{"summer"}}, leave, true},
		{"leave type not listed", &Condition{LeaveTypes: []string{"annual"}}, leave, false},
		{"leave condition on overtime never holds", &Condition{LeaveDaysOver: ptr(0)}, overtimeReq(60), false},
		{"overtime over 0", &Condition{OvertimeMinOver: ptr(0)}, overtimeReq(1), true},
		{"all clauses must hold", &Condition{Kinds: []Kind{KindOvertimeRequest}, OvertimeMinOver: ptr(120)}, overtimeReq(60), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.Match(tt.req); got != tt.want {
				t.Errorf("Match(%s) = %v, want %v", tt.req.Kind, got, tt.want)
			}
		})
	}
}

func TestValidateRoute(t *testing.T) {
	ok := Route{Name: "r", Steps: []Step{{Name: "係長", By: ByUnit, Level: kintai.Team}}}
	tests := []struct {
		name  string
		edit  func(*Route)
		field string // "" for valid
	}{
		{"valid", func(*Route) {}, ""},
		{"the test routes are valid", func(r *Route) { *r = overtimeRoute }, ""},
		{"no name", func(r *Route) { r.Name = " " }, "name"},
		{"no steps", func(r *Route) { r.Steps = nil }, "steps"},
		{"unknown kind", func(r *Route) { r.Kind = "vacation" }, "kind"},
		{"orders take no route", func(r *Route) { r.Kind = KindOvertimeOrder }, "kind"},
		{"unit step without level", func(r *Route) { r.Steps[0].Level = "" }, "steps[0].level"},
		{"named step without staff", func(r *Route) { r.Steps[0] = Step{Name: "x", By: ByStaff} }, "steps[0].staff_ids"},
		{"unknown way", func(r *Route) { r.Steps[0].By = "boss" }, "steps[0].by"},
		{"negative condition", func(r *Route) { r.Steps[0].If = &Condition{OvertimeMinOver: ptr(-1)} }, "steps[0].if.overtime_min_over"},
		{"too many steps", func(r *Route) {
			for range MaxSteps {
				r.Steps = append(r.Steps, r.Steps[0])
			}
		}, "steps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			r.Steps = append([]Step(nil), ok.Steps...)
			tt.edit(&r)
			_, _, field := errParts(ValidateRoute(r))
			if err := ValidateRoute(r); (err != nil) != (tt.field != "") || field != tt.field {
				t.Errorf("ValidateRoute() = %v (field %q), want field %q", err, field, tt.field)
			}
		})
	}
}
