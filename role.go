package kintai

// Role is what a person may do beyond their own records. Every signed-in
// staff member may see and act on their own records; roles add more.
type Role string

// Roles.
const (
	RoleStaff    Role = "staff"    // 職員: own records only (implicit, never granted)
	RoleApprover Role = "approver" // 承認者: staff of their org units
	RoleHR       Role = "hr"       // 人事: master data of their org units
	RoleAdmin    Role = "admin"    // システム管理者: everything
)

var roleLabels = map[Role]string{RoleStaff: "職員", RoleApprover: "承認者", RoleHR: "人事担当", RoleAdmin: "システム管理者"}

// Label returns the Japanese name of r.
func (r Role) Label() string { return roleLabels[r] }

// Grantable reports whether r can be granted (staff is implicit).
func (r Role) Grantable() bool { return r == RoleApprover || r == RoleHR || r == RoleAdmin }

// Grant gives a role over an org unit and everything below it. OrgUnitID 0
// means the whole organisation.
type Grant struct {
	ID        int64 `json:"id"`
	StaffID   int64 `json:"staff_id"`
	Role      Role  `json:"role"`
	OrgUnitID int64 `json:"org_unit_id,omitempty"`
}

// OrgTree answers ancestry questions about org units. It maps a unit to its parent.
type OrgTree map[int64]int64

// Within reports whether unit is root or below it. Root 0 contains everything.
func (t OrgTree) Within(unit, root int64) bool {
	if root == 0 {
		return true
	}
	for seen := 0; unit != 0 && seen <= len(t); seen++ {
		if unit == root {
			return true
		}
		unit = t[unit]
	}
	return false
}

// Actor is who is acting: a signed-in staff member with their grants, a
// terminal, or the system itself.
type Actor struct {
	StaffID    int64
	OrgUnitID  int64
	TerminalID int64
	Name       string
	Grants     []Grant
	// System is set for commands run by an operator (migrate, demo, import from the CLI).
	System bool
}

// String names the actor in audit entries: "staff:12", "terminal:3", "system".
func (a Actor) String() string {
	switch {
	case a.System:
		return "system"
	case a.TerminalID != 0:
		return "terminal:" + itoa(a.TerminalID)
	case a.StaffID != 0:
		return "staff:" + itoa(a.StaffID)
	}
	return "anonymous"
}

// HasRole reports whether a holds role r anywhere. Admins hold every role.
func (a Actor) HasRole(r Role) bool {
	if a.System {
		return true
	}
	if r == RoleStaff {
		return a.StaffID != 0
	}
	for _, g := range a.Grants {
		if roleIncludes(g.Role, r) {
			return true
		}
	}
	return false
}

// Can reports whether a holds role r over unit (or any role that includes
// it: admin includes all, HR includes approver's view).
func (a Actor) Can(r Role, unit int64, tree OrgTree) bool {
	if a.System {
		return true
	}
	for _, g := range a.Grants {
		if !roleIncludes(g.Role, r) {
			continue
		}
		if tree.Within(unit, g.OrgUnitID) {
			return true
		}
	}
	return false
}

// CanSeeStaff reports whether a may read the records of staff member s.
func (a Actor) CanSeeStaff(s *Staff, tree OrgTree) bool {
	return a.StaffID == s.ID || a.Can(RoleApprover, s.OrgUnitID, tree)
}

// ScopeUnits returns the org unit roots a may act on with role r; a nil
// slice with all=true means everything.
func (a Actor) ScopeUnits(r Role) (roots []int64, all bool) {
	if a.System {
		return nil, true
	}
	for _, g := range a.Grants {
		if !roleIncludes(g.Role, r) {
			continue
		}
		if g.OrgUnitID == 0 {
			return nil, true
		}
		roots = append(roots, g.OrgUnitID)
	}
	return roots, false
}

func roleIncludes(held, want Role) bool {
	switch held {
	case RoleAdmin:
		return true
	case RoleHR:
		return want == RoleHR || want == RoleApprover
	}
	return held == want
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// Descendants returns roots and every unit below them.
func (t OrgTree) Descendants(roots []int64) []int64 {
	out := []int64{}
	for unit := range t {
		for _, r := range roots {
			if t.Within(unit, r) {
				out = append(out, unit)
				break
			}
		}
	}
	return out
}
