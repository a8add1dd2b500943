package approval

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"kintai"
)

// Org is the organisation as routing sees it: the tree (unit → parent) and
// the level of each unit (部, 課, 係), which says whose approver is the
// 係長 and whose the 課長.
type Org struct {
	Tree  kintai.OrgTree
	Kinds map[int64]kintai.OrgUnitKind
}

// NewOrg builds an Org from the org units.
func NewOrg(units []kintai.OrgUnit) Org {
	o := Org{Tree: kintai.OrgTree{}, Kinds: map[int64]kintai.OrgUnitKind{}}
	for _, u := range units {
		o.Tree[u.ID] = u.ParentID
		o.Kinds[u.ID] = u.Kind
	}
	return o
}

// chain returns unit and its ancestors, nearest first, ending with 0 (the
// whole organisation). A cycle in the tree ends the walk.
func chain(tree kintai.OrgTree, unit int64) []int64 {
	var out []int64
	for seen := 0; unit != 0 && seen <= len(tree); seen++ {
		out = append(out, unit)
		unit = tree[unit]
	}
	return append(out, 0)
}

// ApproverBy says how a step finds its approvers.
type ApproverBy string

// Ways of finding approvers.
const (
	// ByUnit: the approvers granted on the staff member's own unit of
	// Step.Level or its nearest ancestor of that level — the 係長 is the
	// approver on their 係, the 課長 the approver on their 課.
	ByUnit ApproverBy = "unit"
	// ByNearest: the approvers granted on the nearest unit, from the staff
	// member's own upwards, that has any (the default route).
	ByNearest ApproverBy = "nearest"
	// ByHR: the HR staff whose grant covers the staff member's unit, the
	// nearest first (人事担当).
	ByHR ApproverBy = "hr"
	// ByStaff: the staff named in Step.StaffIDs.
	ByStaff ApproverBy = "staff"
)

var approverByLabels = map[ApproverBy]string{ByUnit: "所属の承認者", ByNearest: "直近の承認者", ByHR: "人事担当", ByStaff: "指名"}

// Label returns the Japanese name of b.
func (b ApproverBy) Label() string { return approverByLabels[b] }

// Valid reports whether b is known.
func (b ApproverBy) Valid() bool { _, ok := approverByLabels[b]; return ok }

// Condition decides whether a step applies to a request. Every clause set
// must hold; a nil Condition always holds.
type Condition struct {
	// Kinds: the request is of one of these kinds.
	Kinds []Kind `json:"kinds,omitempty"`
	// OvertimeMinOver: the overtime planned (order, request, holiday work)
	// or reported (result) is longer than this many minutes.
	OvertimeMinOver *int `json:"overtime_min_over,omitempty"`
	// LeaveDaysOver: leave by the day covers more than this many calendar
	// days.
	LeaveDaysOver *int `json:"leave_days_over,omitempty"`
	// LeaveTypes: the leave is of one of these type codes.
	LeaveTypes []string `json:"leave_types,omitempty"`
}

// Match reports whether req meets every clause of c.
func (c *Condition) Match(req Request) bool {
	if c == nil {
		return true
	}
	if len(c.Kinds) > 0 && !slices.Contains(c.Kinds, req.Kind) {
		return false
	}
	if c.OvertimeMinOver != nil && OvertimeMinutes(req) <= *c.OvertimeMinOver {
		return false
	}
	if c.LeaveDaysOver != nil && req.Leave.Days() <= *c.LeaveDaysOver {
		return false
	}
	if len(c.LeaveTypes) > 0 && (req.Leave == nil || !slices.Contains(c.LeaveTypes, req.Leave.Type)) {
		return false
	}
	return true
}

// OvertimeMinutes returns the overtime minutes a request is about: planned
// for an order, request or holiday work, reported for a result, 0 for
// other kinds.
func OvertimeMinutes(req Request) int {
	switch {
	case req.Overtime != nil:
		return req.Overtime.Planned.Minutes()
	case req.Result != nil:
		return req.Result.Actual.Minutes()
	case req.HolidayWork != nil:
		return req.HolidayWork.Planned.Minutes()
	}
	return 0
}

// Step is one step of a route (承認段階).
type Step struct {
	Name     string             `json:"name"` // e.g. "係長", "課長", "人事課"
	By       ApproverBy         `json:"by"`
	Level    kintai.OrgUnitKind `json:"level,omitempty"`     // ByUnit only
	StaffIDs []int64            `json:"staff_ids,omitempty"` // ByStaff only
	// If makes the step conditional ("課長 too when overtime is over 2 h").
	If *Condition `json:"if,omitempty"`
}

// Route is the approval route (承認ルート) for requests of one kind from
// staff of an org unit and the units below it, unless a nearer unit has
// its own route (FindRoute).
type Route struct {
	ID        int64  `json:"id"`
	OrgUnitID int64  `json:"org_unit_id"` // 0: the whole organisation
	Kind      Kind   `json:"kind"`        // "": every kind without a route of its own
	Name      string `json:"name"`
	Steps     []Step `json:"steps"`
}

// MaxSteps bounds the steps of a route.
const MaxSteps = 10

// ValidateRoute checks r. Its errors are *kintai.Error with code
// kintai.EINVALID.
func ValidateRoute(r Route) error {
	switch {
	case r.OrgUnitID < 0:
		return kintai.Invalid("org_unit_id", "所属の指定が不正です。", "Invalid org_unit_id.")
	case r.Kind != "" && !r.Kind.Valid():
		return kintai.Invalid("kind", "申請の種類が不正です。", "Unknown request kind.")
	case r.Kind.Order():
		return kintai.Invalid("kind", "命令には承認ルートを設定できません（命令者の命令で確定します）。", "Orders take no route: the orderer's order is final.")
	case strings.TrimSpace(r.Name) == "":
		return kintai.Invalid("name", "承認ルートの名前を入力してください。", "The route name is required.")
	case len(r.Steps) == 0:
		return kintai.Invalid("steps", "承認段階を1つ以上設定してください。", "A route needs at least one step.")
	case len(r.Steps) > MaxSteps:
		return kintai.Invalid("steps", fmt.Sprintf("承認段階は%d段階までです。", MaxSteps), fmt.Sprintf("A route has at most %d steps.", MaxSteps))
	}
	for i, s := range r.Steps {
		field := fmt.Sprintf("steps[%d]", i)
		switch {
		case strings.TrimSpace(s.Name) == "":
			return kintai.Invalid(field+".name", "承認段階の名前を入力してください。", "Each step needs a name.")
		case !s.By.Valid():
			return kintai.Invalid(field+".by", "承認者の決め方を選んでください。", "Choose how the step finds its approvers.")
		case s.By == ByUnit && !s.Level.Valid():
			return kintai.Invalid(field+".level", "承認者の所属の階層（部・課・係）を選んでください。", "Choose the level (部, 課, 係) of the approver's unit.")
		case s.By != ByUnit && s.Level != "":
			return kintai.Invalid(field+".level", "階層は「所属の承認者」でのみ指定できます。", "A level is only for unit approvers.")
		case s.By == ByStaff && len(s.StaffIDs) == 0:
			return kintai.Invalid(field+".staff_ids", "承認者を指名してください。", "Name at least one approver.")
		case s.By != ByStaff && len(s.StaffIDs) > 0:
			return kintai.Invalid(field+".staff_ids", "指名は「指名」の承認段階でのみ指定できます。", "Staff are named only in a named-approver step.")
		case slices.ContainsFunc(s.StaffIDs, func(id int64) bool { return id <= 0 }):
			return kintai.Invalid(field+".staff_ids", "承認者の指定が不正です。", "Invalid staff id.")
		}
		if c := s.If; c != nil {
			switch {
			case slices.ContainsFunc(c.Kinds, func(k Kind) bool { return !k.Valid() }):
				return kintai.Invalid(field+".if.kinds", "条件の申請種類が不正です。", "Unknown request kind in the condition.")
			case c.OvertimeMinOver != nil && (*c.OvertimeMinOver < 0 || *c.OvertimeMinOver > maxIntervalMin):
				return kintai.Invalid(field+".if.overtime_min_over", "超過勤務時間の条件は0〜1440分で指定してください。", "The overtime condition must be 0 to 1440 minutes.")
			case c.LeaveDaysOver != nil && (*c.LeaveDaysOver < 0 || *c.LeaveDaysOver > maxLeaveDays):
				return kintai.Invalid(field+".if.leave_days_over", "休暇日数の条件は0〜366日で指定してください。", "The leave condition must be 0 to 366 days.")
			}
		}
	}
	return nil
}

// DefaultRoute is the route used where none is configured: one step, the
// nearest approver above the staff member.
func DefaultRoute(kind Kind) Route {
	return Route{Kind: kind, Name: "標準", Steps: []Step{{Name: "承認者", By: ByNearest}}}
}

// FindRoute returns the route for a request of kind from a staff member of
// unit: the route of the unit itself or of its nearest ancestor (the whole
// organisation, 0, last); at each unit a route for the kind wins over one
// for every kind. With none, DefaultRoute.
func FindRoute(routes []Route, kind Kind, unit int64, tree kintai.OrgTree) Route {
	for _, u := range chain(tree, unit) {
		var any *Route
		for i, r := range routes {
			if r.OrgUnitID != u {
				continue
			}
			if r.Kind == kind {
				return r
			}
			if r.Kind == "" && any == nil {
				any = &routes[i]
			}
		}
		if any != nil {
			return *any
		}
	}
	return DefaultRoute(kind)
}

// Reasons a resolved step is skipped.
const (
	SkipCondition = "condition"      // its Condition does not hold
	SkipNoUnit    = "no_unit"        // the staff member has no unit of the step's level (no 係)
	SkipSame      = "same_approvers" // the same approvers as the step before
)

// ResolvedStep is a step of a route with its actual approvers for one
// request, and, once decided, who decided it.
type ResolvedStep struct {
	Index int        `json:"index"` // position in Route.Steps
	Name  string     `json:"name"`
	By    ApproverBy `json:"by"`
	// UnitID is the unit whose approvers were taken (ByUnit, ByNearest, ByHR).
	UnitID int64 `json:"unit_id,omitempty"`
	// Approvers are the staff who may decide the step, the requester
	// excluded. Empty means nobody was found: submission is refused.
	Approvers []int64 `json:"approvers"`
	// EscalateTo are the approvers of each higher level, nearest first
	// (the approvers above, then those of the whole organisation, then
	// HR); Escalate adds the first to Approvers.
	EscalateTo [][]int64 `json:"escalate_to,omitempty"`
	Escalated  int       `json:"escalated,omitempty"` // times escalated
	Skipped    bool      `json:"skipped,omitempty"`
	SkipReason string    `json:"skip_reason,omitempty"`

	DecidedBy  int64     `json:"decided_by,omitempty"`
	OnBehalfOf int64     `json:"on_behalf_of,omitempty"` // the principal when a deputy decided
	DecidedAt  time.Time `json:"decided_at,omitzero"`
}

// Resolve lists the actual approvers of each step of route for req (the
// route FindRoute gives for req.Kind and req.OrgUnitID). A step whose
// condition fails, whose level the staff member lacks (no 係), or whose
// approvers are those of the step before, is kept but Skipped. The
// requester (StaffID and CreatedBy) is never an approver: a 係長's own
// request goes to the next level up. A step of a unit with no approver
// falls to the nearest unit above that has one, and with none at all to
// HR. Orders have no route:
// Resolve returns nil for them.
//
// Only grants of RoleApprover make unit approvers (an HR or admin grant on
// a 課 does not make its holder the 課長) and only RoleHR grants make HR.
func Resolve(route Route, req Request, org Org, grants []kintai.Grant) []ResolvedStep {
	if req.Kind.Order() {
		return nil
	}
	r := resolver{org: org, grants: grants, req: req}
	out := make([]ResolvedStep, 0, len(route.Steps))
	var prev []int64
	for i, s := range route.Steps {
		rs := ResolvedStep{Index: i, Name: s.Name, By: s.By, Approvers: []int64{}}
		if !s.If.Match(req) {
			rs.Skipped, rs.SkipReason = true, SkipCondition
			out = append(out, rs)
			continue
		}
		switch s.By {
		case ByUnit:
			unit, ok := r.levelUnit(s.Level)
			if !ok {
				rs.Skipped, rs.SkipReason = true, SkipNoUnit
				out = append(out, rs)
				continue
			}
			rs.UnitID, rs.Approvers = r.nearest(unit)
			rs.EscalateTo = r.ladder(rs.UnitID, rs.Approvers)
		case ByNearest:
			rs.UnitID, rs.Approvers = r.nearest(req.OrgUnitID)
			rs.EscalateTo = r.ladder(rs.UnitID, rs.Approvers)
		case ByHR:
			rs.UnitID, rs.Approvers = r.hr()
		case ByStaff:
			rs.Approvers = r.exclude(s.StaffIDs)
			if len(rs.Approvers) == 0 {
				rs.UnitID, rs.Approvers = r.nearest(req.OrgUnitID)
			}
			if _, hr := r.hr(); len(hr) > 0 && !sameSet(hr, rs.Approvers) {
				rs.EscalateTo = [][]int64{hr}
			}
		}
		if len(rs.Approvers) == 0 && s.By != ByHR {
			// Nobody approves anywhere above the staff member: HR decides.
			rs.UnitID, rs.Approvers = r.hr()
			rs.EscalateTo = nil
		}
		if len(rs.Approvers) > 0 && sameSet(rs.Approvers, prev) {
			rs.Skipped, rs.SkipReason = true, SkipSame
		} else if len(rs.Approvers) > 0 {
			prev = rs.Approvers
		}
		out = append(out, rs)
	}
	return out
}

type resolver struct {
	org    Org
	grants []kintai.Grant
	req    Request
}

// levelUnit returns the staff member's unit of the level, or its nearest
// ancestor of that level.
func (r resolver) levelUnit(level kintai.OrgUnitKind) (int64, bool) {
	for _, u := range chain(r.org.Tree, r.req.OrgUnitID) {
		if u != 0 && r.org.Kinds[u] == level {
			return u, true
		}
	}
	return 0, false
}

// holders returns the holders of role granted on exactly unit, sorted,
// the requester excluded.
func (r resolver) holders(role kintai.Role, unit int64) []int64 {
	var ids []int64
	for _, g := range r.grants {
		if g.Role == role && g.OrgUnitID == unit {
			ids = append(ids, g.StaffID)
		}
	}
	return r.exclude(ids)
}

func (r resolver) exclude(ids []int64) []int64 {
	out := []int64{}
	for _, id := range ids {
		if !r.req.applicant(id) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// nearest returns the first unit from unit upwards (0 last) with
// approvers, and them.
func (r resolver) nearest(unit int64) (int64, []int64) {
	for _, u := range chain(r.org.Tree, unit) {
		if ids := r.holders(kintai.RoleApprover, u); len(ids) > 0 {
			return u, ids
		}
	}
	return unit, []int64{}
}

// hr returns the nearest HR staff covering the requester's unit.
func (r resolver) hr() (int64, []int64) {
	for _, u := range chain(r.org.Tree, r.req.OrgUnitID) {
		if ids := r.holders(kintai.RoleHR, u); len(ids) > 0 {
			return u, ids
		}
	}
	return 0, []int64{}
}

// ladder returns the approver sets above unit, nearest first, each
// different from the one before, ending with HR.
func (r resolver) ladder(unit int64, first []int64) [][]int64 {
	var out [][]int64
	prev := first
	add := func(ids []int64) {
		if len(ids) > 0 && !sameSet(ids, prev) {
			out = append(out, ids)
			prev = ids
		}
	}
	if unit != 0 {
		for _, u := range chain(r.org.Tree, r.org.Tree[unit]) {
			add(r.holders(kintai.RoleApprover, u))
		}
	}
	_, hr := r.hr()
	add(hr)
	return out
}

func sameSet(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
