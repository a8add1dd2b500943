package leave

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kintai"
)

func yearGrant(y, days int) Grant {
	return Grant{Amount: DaysAmount(days), GrantedOn: date(y, 1, 1), ExpiresOn: date(y, 12, 31)}
}

func carried(y int, a Amount) Grant {
	return Grant{Amount: a, GrantedOn: date(y, 1, 1), ExpiresOn: date(y, 12, 31), Carried: true}
}

func dayUse(d kintai.Date) Use {
	return Use{Date: d, Type: CodeAnnual, Unit: UnitDay, Amount: DaysAmount(1)}
}

func hourUse(d kintai.Date, min int) Use {
	return Use{Date: d, Type: CodeAnnual, Unit: UnitHour, Amount: MinutesAmount(min)}
}

func dayUses(from kintai.Date, n int) []Use {
	var out []Use
	for i := range n {
		out = append(out, dayUse(from.AddDays(i)))
	}
	return out
}

func ledger(dayMin int, grants []Grant, uses ...Use) Ledger {
	l := NewLedger(dayMin, DefaultSettings())
	l.Grants = grants
	l.Uses = uses
	return l
}

// TestCarryOverTCAL01 follows TC-AL-01: a 2024 grant of 20 days with 8
// used carries 12, and the 2025 balance is 32.
func TestCarryOverTCAL01(t *testing.T) {
	l := ledger(465, []Grant{yearGrant(2024, 20)}, dayUses(date(2024, 5, 1), 8)...)
	g, err := l.CarryOver(date(2024, 12, 31), date(2025, 12, 31), 20)
	if err != nil {
		t.Fatalf("CarryOver() error = %v", err)
	}
	want := Grant{Amount: DaysAmount(12), GrantedOn: date(2025, 1, 1), ExpiresOn: date(2025, 12, 31), Carried: true, Note: "2024年からの繰越"}
	if diff := cmp.Diff(want, g); diff != "" {
		t.Errorf("CarryOver() mismatch (-want +got):\n%s", diff)
	}
	l.Grants = append(l.Grants, g, yearGrant(2025, 20))
	b, err := l.Balance(date(2025, 1, 1))
	if err != nil {
		t.Fatalf("Balance() error = %v", err)
	}
	if b.Remaining != DaysAmount(32) || b.Carried != DaysAmount(12) || b.Current != DaysAmount(20) {
		t.Errorf("Balance(2025-01-01) = remaining %v, carried %v, current %v; want 32日, 12日, 20日", b.Remaining, b.Carried, b.Current)
	}
	if _, err := l.CarryOver(date(2024, 12, 31), date(2025, 12, 31), 20); kintai.ErrorCode(err) != kintai.ECONFLICT {
		t.Errorf("CarryOver() a second time = %v, want a conflict", err)
	}
}

func TestCarryOver(t *testing.T) {
	notFirst := func(l Ledger) Ledger { l.CarriedFirst = false; return l }
	tests := []struct {
		name    string
		l       Ledger
		maxDays int
		want    Amount
	}{
		{"nothing used: 20", ledger(465, []Grant{yearGrant(2024, 20)}), 20, DaysAmount(20)},
		{"capped at 20 even with 40 held", ledger(465, []Grant{carried(2024, DaysAmount(20)), yearGrant(2024, 20)}), 20, DaysAmount(20)},
		{"carried days are not carried again", ledger(465, []Grant{carried(2024, DaysAmount(20)), yearGrant(2024, 20)}, dayUses(date(2024, 3, 1), 25)...), 20, DaysAmount(15)},
		{"carried days used first leave the own grant whole", ledger(465, []Grant{carried(2024, DaysAmount(20)), yearGrant(2024, 20)}, dayUses(date(2024, 3, 1), 15)...), 20, DaysAmount(20)},
		{"own grant used first when set so", notFirst(ledger(465, []Grant{carried(2024, DaysAmount(20)), yearGrant(2024, 20)}, dayUses(date(2024, 3, 1), 15)...)), 20, DaysAmount(5)},
		{"fractions carry", ledger(465, []Grant{yearGrant(2024, 20)}, append(dayUses(date(2024, 3, 1), 7), hourUse(date(2024, 4, 1), 180))...), 20, Amount{12, 285}},
		{"entity limit", ledger(465, []Grant{yearGrant(2024, 20)}), 10, DaysAmount(10)},
		{"uses after the year end do not count", ledger(465, []Grant{yearGrant(2024, 20), yearGrant(2025, 20)}, dayUses(date(2025, 1, 6), 3)...), 20, DaysAmount(20)},
		{"grants valid beyond the year are not carried", ledger(465, []Grant{{Amount: DaysAmount(10), GrantedOn: date(2024, 10, 1), ExpiresOn: date(2026, 9, 30)}}), 20, Amount{}},
		{"all used", ledger(465, []Grant{yearGrant(2024, 2)}, dayUses(date(2024, 3, 1), 2)...), 20, Amount{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := tt.l.CarryOver(date(2024, 12, 31), date(2025, 12, 31), tt.maxDays)
			if err != nil || g.Amount != tt.want {
				t.Errorf("CarryOver(2024-12-31) = %v, %v, want %v", g.Amount, err, tt.want)
			}
		})
	}
}

func TestBalance(t *testing.T) {
	notFirst := func(l Ledger) Ledger { l.CarriedFirst = false; return l }
	twoYears := []Grant{carried(2025, DaysAmount(12)), yearGrant(2025, 20)}
	tests := []struct {
		name                              string
		l                                 Ledger
		asOf                              kintai.Date
		remaining, carried, current, used string
	}{
		{"TC-AL-02 3 hours of 20 days", ledger(465, []Grant{yearGrant(2025, 20)}, hourUse(date(2025, 5, 1), 180)),
			date(2025, 5, 1), "19日4時間45分", "0日", "19日4時間45分", "3時間"},
		{"TC-AL-02 then 5 hours more", ledger(465, []Grant{yearGrant(2025, 20)}, hourUse(date(2025, 5, 1), 180), hourUse(date(2025, 5, 8), 300)),
			date(2025, 5, 8), "18日7時間30分", "0日", "18日7時間30分", "1日15分"},
		{"uses after the day are not counted", ledger(465, []Grant{yearGrant(2025, 20)}, hourUse(date(2025, 5, 1), 180), hourUse(date(2025, 5, 8), 300)),
			date(2025, 5, 7), "19日4時間45分", "0日", "19日4時間45分", "3時間"},
		{"carried days used first", ledger(465, twoYears, dayUses(date(2025, 2, 3), 3)...),
			date(2025, 3, 1), "29日", "9日", "20日", "3日"},
		{"own days used first when set so", notFirst(ledger(465, twoYears, dayUses(date(2025, 2, 3), 3)...)),
			date(2025, 3, 1), "29日", "12日", "17日", "3日"},
		{"hours spill from the carried lot into the own grant", ledger(465, []Grant{carried(2025, MinutesAmount(60)), yearGrant(2025, 20)}, hourUse(date(2025, 2, 3), 180)),
			date(2025, 3, 1), "19日5時間45分", "0日", "19日5時間45分", "3時間"},
		{"carried days lapse at their expiry", ledger(465, []Grant{carried(2025, DaysAmount(12)), yearGrant(2025, 20), carried(2026, DaysAmount(20)), yearGrant(2026, 20)}),
			date(2026, 1, 1), "40日", "20日", "20日", "0日"},
		{"part-timer's 6-hour day and half days", ledger(360, []Grant{yearGrant(2025, 10)},
			Use{Date: date(2025, 5, 1), Type: CodeAnnual, Unit: UnitHalfDay, Amount: MinutesAmount(180)}),
			date(2025, 5, 1), "9日3時間", "0日", "9日3時間", "3時間"},
		{"two half days of 7h45m make a day", ledger(465, []Grant{yearGrant(2025, 10)},
			Use{Date: date(2025, 5, 1), Type: CodeAnnual, Unit: UnitHalfDay, Amount: MinutesAmount(232)},
			Use{Date: date(2025, 5, 2), Type: CodeAnnual, Unit: UnitHalfDay, Amount: MinutesAmount(233)}),
			date(2025, 5, 2), "9日", "0日", "9日", "1日"},
		{"no per-day limit on hourly leave", ledger(465, []Grant{yearGrant(2025, 10)}, hourUse(date(2025, 5, 1), 540)),
			date(2025, 5, 1), "8日6時間30分", "0日", "8日6時間30分", "1日1時間15分"},
		{"before any grant", ledger(465, []Grant{yearGrant(2025, 10)}), date(2024, 12, 31), "0日", "0日", "0日", "0日"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.l.Balance(tt.asOf)
			if err != nil {
				t.Fatalf("Balance(%v) error = %v", tt.asOf, err)
			}
			got := []string{b.Remaining.String(), b.Carried.String(), b.Current.String(), b.Used.String()}
			want := []string{tt.remaining, tt.carried, tt.current, tt.used}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Balance(%v) remaining, carried, current, used mismatch (-want +got):\n%s", tt.asOf, diff)
			}
		})
	}
}

func TestBalanceLotsAndBooked(t *testing.T) {
	l := ledger(465, []Grant{yearGrant(2025, 20), carried(2025, DaysAmount(2))}, dayUse(date(2025, 5, 1)), dayUse(date(2025, 8, 1)), dayUse(date(2025, 8, 4)))
	b, err := l.Balance(date(2025, 6, 1))
	if err != nil {
		t.Fatalf("Balance() error = %v", err)
	}
	want := Balance{
		AsOf: date(2025, 6, 1), DayMin: 465,
		Remaining: DaysAmount(21), Carried: DaysAmount(1), Current: DaysAmount(20),
		Granted: DaysAmount(22), Used: DaysAmount(1), Booked: DaysAmount(2),
		Lots: []Lot{
			{Grant: carried(2025, DaysAmount(2)), Used: DaysAmount(1), Remaining: DaysAmount(1)},
			{Grant: yearGrant(2025, 20), Used: Amount{}, Remaining: DaysAmount(20)},
		},
	}
	if diff := cmp.Diff(want, b); diff != "" {
		t.Errorf("Balance(2025-06-01) mismatch (-want +got):\n%s", diff)
	}
}

func TestLedgerCheck(t *testing.T) {
	noFraction := func(l Ledger) Ledger { l.LastFraction = false; return l }
	crossing := []Grant{carried(2025, DaysAmount(1)), yearGrant(2026, 20)}
	tests := []struct {
		name      string
		l         Ledger
		add       []Use
		wantField string
	}{
		{"within the balance", ledger(465, []Grant{yearGrant(2025, 1)}), []Use{dayUse(date(2025, 5, 1))}, ""},
		{"more than the balance", ledger(465, []Grant{yearGrant(2025, 1)}, dayUse(date(2025, 5, 1))), []Use{hourUse(date(2025, 5, 2), 60)}, "amount"},
		{"the last 45 minutes by the hour", ledger(465, []Grant{yearGrant(2025, 1)}, hourUse(date(2025, 5, 1), 420)), []Use{hourUse(date(2025, 5, 2), 45)}, ""},
		{"the last 45 minutes, fractions off", noFraction(ledger(465, []Grant{yearGrant(2025, 1)}, hourUse(date(2025, 5, 1), 420))), []Use{hourUse(date(2025, 5, 2), 45)}, "amount"},
		{"45 minutes that are not the last", ledger(465, []Grant{yearGrant(2025, 2)}, hourUse(date(2025, 5, 1), 420)), []Use{hourUse(date(2025, 5, 2), 45)}, "amount"},
		{"a day when only hours are left", ledger(465, []Grant{yearGrant(2025, 1)}, hourUse(date(2025, 5, 1), 60)), []Use{dayUse(date(2025, 5, 2))}, "amount"},
		{"a request crossing the expiry", ledger(465, crossing), []Use{dayUse(date(2025, 12, 31)), dayUse(date(2026, 1, 5))}, ""},
		{"expired days cannot be used", ledger(465, []Grant{carried(2025, DaysAmount(2))}), []Use{dayUse(date(2025, 12, 31)), dayUse(date(2026, 1, 5))}, "amount"},
		{"before the grant", ledger(465, []Grant{yearGrant(2026, 20)}), []Use{dayUse(date(2025, 12, 31))}, "amount"},
		{"a back-dated use leaves a later one short", ledger(465, []Grant{yearGrant(2025, 1)}, dayUse(date(2025, 6, 1))), []Use{dayUse(date(2025, 5, 1))}, "amount"},
		{"a half day that is not half", ledger(465, []Grant{yearGrant(2025, 1)}), []Use{{Date: date(2025, 5, 1), Unit: UnitHalfDay, Amount: MinutesAmount(240)}}, "amount"},
		{"an entity's morning of 3h45m", func() Ledger {
			s := DefaultSettings()
			s.MorningMin = 225
			l := NewLedger(465, s)
			l.Grants = []Grant{yearGrant(2025, 1)}
			return l
		}(), []Use{{Date: date(2025, 5, 1), Unit: UnitHalfDay, Amount: MinutesAmount(225)}, {Date: date(2025, 5, 2), Unit: UnitHalfDay, Amount: MinutesAmount(240)}}, ""},
		{"no date", ledger(465, []Grant{yearGrant(2025, 1)}), []Use{dayUse(kintai.Date{})}, "date"},
		{"unknown unit", ledger(465, []Grant{yearGrant(2025, 1)}), []Use{{Date: date(2025, 5, 1), Unit: "week", Amount: DaysAmount(1)}}, "unit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(tt.l.Uses)
			err := tt.l.Add(tt.add...)
			if got := errField(err); got != tt.wantField {
				t.Fatalf("Add(%+v) = %v (field %q), want field %q", tt.add, err, got, tt.wantField)
			}
			wantLen := before + len(tt.add)
			if err != nil {
				wantLen = before
			}
			if len(tt.l.Uses) != wantLen {
				t.Errorf("after Add, %d uses, want %d", len(tt.l.Uses), wantLen)
			}
		})
	}
}

func TestLedgerShortMessage(t *testing.T) {
	l := ledger(465, []Grant{carried(2025, DaysAmount(1))})
	err := l.Check(dayUse(date(2025, 12, 31)), dayUse(date(2026, 1, 5)))
	ja, en := kintai.ErrorMessages(err)
	if want := "2026-01-05の休暇の残りが足りません（残り0日、申請1日）。"; ja != want {
		t.Errorf("Japanese message = %q, want %q", ja, want)
	}
	if !strings.Contains(en, "Not enough leave left on 2026-01-05 (0d left, 1d asked)") {
		t.Errorf("English message = %q", en)
	}
}

func TestLedgerValidate(t *testing.T) {
	tests := []struct {
		name      string
		l         Ledger
		wantField string
	}{
		{"valid", ledger(465, []Grant{yearGrant(2025, 20)}, dayUse(date(2025, 5, 1))), ""},
		{"no day length", ledger(0, []Grant{yearGrant(2025, 20)}), "day_min"},
		{"empty grant", ledger(465, []Grant{{GrantedOn: date(2025, 1, 1)}}), "amount"},
		{"no grant date", ledger(465, []Grant{{Amount: DaysAmount(1)}}), "granted_on"},
		{"expires before granted", ledger(465, []Grant{{Amount: DaysAmount(1), GrantedOn: date(2025, 1, 1), ExpiresOn: date(2024, 12, 31)}}), "expires_on"},
		{"overdrawn", ledger(465, []Grant{yearGrant(2025, 1)}, dayUses(date(2025, 5, 1), 2)...), "amount"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errField(tt.l.Validate()); got != tt.wantField {
				t.Errorf("Validate() field = %q, want %q", got, tt.wantField)
			}
		})
	}
}

func TestUsedBetween(t *testing.T) {
	l := ledger(465, []Grant{yearGrant(2025, 20)},
		dayUse(date(2025, 3, 31)), dayUse(date(2025, 4, 1)),
		Use{Date: date(2025, 5, 1), Type: CodeAnnual, Unit: UnitHalfDay, Amount: MinutesAmount(232)},
		hourUse(date(2025, 6, 1), 120))
	tests := []struct {
		name  string
		units []Unit
		want  Amount
	}{
		{"every unit", nil, Amount{1, 352}},
		{"days and half days", []Unit{UnitDay, UnitHalfDay}, Amount{1, 232}},
		{"hours", []Unit{UnitHour}, Amount{0, 120}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.UsedBetween(date(2025, 4, 1), date(2026, 3, 31), tt.units...); got != tt.want {
				t.Errorf("UsedBetween(FY2025, %v) = %#v, want %#v", tt.units, got, tt.want)
			}
		})
	}
}
