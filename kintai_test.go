package kintai

import (
	"errors"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want Date
		ok   bool
	}{
		{"2026-04-01", NewDate(2026, 4, 1), true},
		{"2026/4/1", NewDate(2026, 4, 1), true},
		{"2024-02-29", NewDate(2024, 2, 29), true},
		{"2025-02-29", Date{}, false},
		{"2026-13-01", Date{}, false},
		{"令和8年4月1日", Date{}, false},
		{"", Date{}, false},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestDateOfTokyo(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	// 15:00 UTC is midnight in Tokyo: the next civil day.
	tests := []struct {
		at   time.Time
		want Date
	}{
		{time.Date(2026, 3, 31, 14, 59, 59, 0, time.UTC), NewDate(2026, 3, 31)},
		{time.Date(2026, 3, 31, 15, 0, 0, 0, time.UTC), NewDate(2026, 4, 1)},
	}
	for _, tt := range tests {
		if got := DateOf(tt.at, tokyo); got != tt.want {
			t.Errorf("DateOf(%v) = %v, want %v", tt.at, got, tt.want)
		}
	}
	if d := NewDate(2026, 12, 31).AddDays(1); d != NewDate(2027, 1, 1) {
		t.Errorf("AddDays across the year = %v", d)
	}
}

func TestIsKana(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"セタガヤ　タロウ", true},
		{"ヴァイオリン・ドー", true},
		{"せたがや", false},
		{"Setagaya", false},
		{"世田谷", false},
		{"　", false},
	}
	for _, tt := range tests {
		if got := IsKana(tt.in); got != tt.want {
			t.Errorf("IsKana(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestStaffValidateAndActive(t *testing.T) {
	base := Staff{StaffNo: "000001", Name: "世田　太郎", Kana: "セタ　タロウ", EmploymentType: FiscalPart,
		AppointedOn: NewDate(2026, 4, 1), AppointmentEndsOn: NewDate(2027, 3, 31), OrgUnitID: 1}
	if err := base.Validate(); err != nil {
		t.Fatalf("Validate(valid) = %v", err)
	}
	tests := []struct {
		name  string
		edit  func(*Staff)
		field string
	}{
		{"no staff number", func(s *Staff) { s.StaffNo = "" }, "staff_no"},
		{"staff number with space", func(s *Staff) { s.StaffNo = "00 1" }, "staff_no"},
		{"latin kana", func(s *Staff) { s.Kana = "Taro" }, "kana"},
		{"unknown type", func(s *Staff) { s.EmploymentType = "temp" }, "employment_type"},
		{"ends before it starts", func(s *Staff) { s.AppointmentEndsOn = NewDate(2026, 3, 31) }, "appointment_ends_on"},
		{"fiscal appointee without end", func(s *Staff) { s.AppointmentEndsOn = Date{} }, "appointment_ends_on"},
		{"no org unit", func(s *Staff) { s.OrgUnitID = 0 }, "org_unit_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base
			tt.edit(&s)
			var e *Error
			if err := s.Validate(); !errors.As(err, &e) || e.Field != tt.field || e.Message == "" || e.MessageEN == "" {
				t.Errorf("Validate() = %v, want an error on %s with both messages", err, tt.field)
			}
		})
	}
	for _, tt := range []struct {
		day  Date
		want bool
	}{
		{NewDate(2026, 3, 31), false}, {NewDate(2026, 4, 1), true}, {NewDate(2027, 3, 31), true}, {NewDate(2027, 4, 1), false},
	} {
		if got := base.ActiveOn(tt.day); got != tt.want {
			t.Errorf("ActiveOn(%v) = %v, want %v", tt.day, got, tt.want)
		}
	}
}

func TestActorScope(t *testing.T) {
	// 1 総務部 ─ 2 人事課 ─ 3 人事係; 4 財政課 under 1; 5 区民部 apart.
	tree := OrgTree{1: 0, 2: 1, 3: 2, 4: 1, 5: 0}
	hr := Actor{StaffID: 10, Grants: []Grant{{Role: RoleHR, OrgUnitID: 2}}}
	appr := Actor{StaffID: 11, Grants: []Grant{{Role: RoleApprover, OrgUnitID: 3}}}
	admin := Actor{StaffID: 12, Grants: []Grant{{Role: RoleAdmin}}}
	staff := Actor{StaffID: 13}
	tests := []struct {
		name  string
		actor Actor
		role  Role
		unit  int64
		want  bool
	}{
		{"hr on own section", hr, RoleHR, 2, true},
		{"hr below own section", hr, RoleHR, 3, true},
		{"hr on sibling section", hr, RoleHR, 4, false},
		{"hr on parent", hr, RoleHR, 1, false},
		{"hr includes approver view", hr, RoleApprover, 3, true},
		{"approver is not hr", appr, RoleHR, 3, false},
		{"approver on own team", appr, RoleApprover, 3, true},
		{"approver above own team", appr, RoleApprover, 2, false},
		{"admin anywhere", admin, RoleHR, 5, true},
		{"plain staff", staff, RoleApprover, 3, false},
	}
	for _, tt := range tests {
		if got := tt.actor.Can(tt.role, tt.unit, tree); got != tt.want {
			t.Errorf("%s: Can(%s, %d) = %v, want %v", tt.name, tt.role, tt.unit, got, tt.want)
		}
	}
	if !hr.HasRole(RoleApprover) || appr.HasRole(RoleHR) || !admin.HasRole(RoleHR) || staff.HasRole(RoleApprover) || !staff.HasRole(RoleStaff) {
		t.Error("HasRole does not follow role inclusion")
	}
	if got := len(tree.Descendants([]int64{2})); got != 2 {
		t.Errorf("Descendants(人事課) = %d units, want 2", got)
	}
	// A cycle in corrupt data must not hang Within.
	if (OrgTree{1: 2, 2: 1}).Within(1, 3) {
		t.Error("Within on a cycle = true")
	}
}

func TestAuditChain(t *testing.T) {
	at := time.Date(2026, 4, 1, 0, 0, 0, 123456789, time.UTC)
	var chain []AuditEntry
	var prev *AuditEntry
	for i := 0; i < 3; i++ {
		e := AuditEntry{At: at, Actor: "system", Action: "staff.create", Entity: "staff", EntityID: "1", After: `{"n":1}`}
		e.Seal(prev)
		chain = append(chain, e)
		prev = &chain[len(chain)-1]
	}
	verify := func(entries []AuditEntry, headSeq int64, headHash string) error {
		var v ChainVerifier
		for _, e := range entries {
			if err := v.Next(e); err != nil {
				return err
			}
		}
		return v.End(headSeq, headHash)
	}
	if err := verify(chain, 3, chain[2].Hash); err != nil {
		t.Fatalf("intact chain: %v", err)
	}
	altered := append([]AuditEntry(nil), chain...)
	altered[1].After = `{"n":2}`
	var br *AuditBreak
	if err := verify(altered, 3, chain[2].Hash); !errors.As(err, &br) || br.Seq != 2 {
		t.Errorf("altered entry: %v, want a break at 2", err)
	}
	if err := verify([]AuditEntry{chain[0], chain[2]}, 3, chain[2].Hash); !errors.As(err, &br) || br.Seq != 2 {
		t.Errorf("deleted entry: %v, want a break at 2", err)
	}
	if err := verify(chain[:2], 3, chain[2].Hash); !errors.As(err, &br) || br.Seq != 3 {
		t.Errorf("deleted tail: %v, want a break at 3", err)
	}
	// Moving text between fields changes the hash (fields are length-prefixed).
	a := AuditEntry{Seq: 1, At: at, Actor: "ab", Action: "c"}
	b := AuditEntry{Seq: 1, At: at, Actor: "a", Action: "bc"}
	if a.ComputeHash() == b.ComputeHash() {
		t.Error("entries differing only in field boundaries hash alike")
	}
}

func TestErrorMessages(t *testing.T) {
	ja, en := ErrorMessages(errors.New("pq: connection refused"))
	if ja == "" || en == "" || ja == "pq: connection refused" {
		t.Errorf("internal error leaked: %q %q", ja, en)
	}
	if c := ErrorCode(NotFound("職員", "Staff member")); c != ENOTFOUND {
		t.Errorf("ErrorCode(NotFound) = %q", c)
	}
}
