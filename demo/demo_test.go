package demo

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/rules"
)

var today = kintai.NewDate(2026, time.January, 15)

func mustScale(t testing.TB, name string) Scale {
	t.Helper()
	s, err := ScaleByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestScaleByName(t *testing.T) {
	tests := []struct {
		name string
		want Scale
	}{
		{"small", Scale{Name: "small", Staff: 300, Sites: 12, Terminals: 14}},
		{"setagaya", Scale{Name: "setagaya", Staff: 10000, Sites: 400, Terminals: 446}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ScaleByName(tt.name)
			if err != nil {
				t.Fatalf("ScaleByName(%q) error: %v", tt.name, err)
			}
			if got != tt.want {
				t.Errorf("ScaleByName(%q) = %+v, want %+v", tt.name, got, tt.want)
			}
		})
	}
	t.Run("unknown", func(t *testing.T) {
		_, err := ScaleByName("tokyo")
		if err == nil {
			t.Fatal(`ScaleByName("tokyo") succeeded, want an error`)
		}
		if code := kintai.ErrorCode(err); code != kintai.EINVALID {
			t.Errorf("ErrorCode = %q, want %q", code, kintai.EINVALID)
		}
		for _, name := range []string{"small", "setagaya"} {
			if !strings.Contains(err.Error(), name) {
				t.Errorf("error %q does not list %q", err, name)
			}
		}
	})
}

func TestGenerateDeterministic(t *testing.T) {
	for _, name := range []string{"small", "setagaya"} {
		t.Run(name, func(t *testing.T) {
			s := mustScale(t, name)
			a, b := Generate(s, 42, today), Generate(s, 42, today)
			if diff := cmp.Diff(a, b); diff != "" {
				t.Errorf("Generate twice with seed 42 differs (-first +second):\n%s", diff)
			}
			c := Generate(s, 43, today)
			same := 0
			for i := range min(len(a.Staff), len(c.Staff)) {
				if a.Staff[i].Name == c.Staff[i].Name {
					same++
				}
			}
			if same > len(a.Staff)/10 {
				t.Errorf("seeds 42 and 43 give %d of %d staff the same name", same, len(a.Staff))
			}
			if cmp.Equal(a.Sites, c.Sites) {
				t.Error("seeds 42 and 43 give the same sites")
			}
		})
	}
}

func TestGenerateSetagaya(t *testing.T) {
	m := Generate(mustScale(t, "setagaya"), 1, today)
	if len(m.Staff) != 10000 || len(m.Sites) != 400 || len(m.Terminals) != 446 {
		t.Errorf("got %d staff, %d sites, %d terminals; want 10000, 400, 446", len(m.Staff), len(m.Sites), len(m.Terminals))
	}
	emp := employmentCounts(m)
	// 常勤: regular-ish staff on the standard full-time day.
	if n := emp[kintai.Regular] + emp[kintai.ReappointedShort]; n != 5000 {
		t.Errorf("%d regular staff, want 5000", n)
	}
	if n := emp[kintai.FiscalFull] + emp[kintai.FiscalPart]; n != 5000 {
		t.Errorf("%d 会計年度任用職員, want 5000", n)
	}
	if n := emp[kintai.FiscalFull]; n < 400 || n > 600 {
		t.Errorf("%d fiscal full-timers, want about 500", n)
	}
	// Regular staff work full-time patterns: mostly the standard day,
	// some 時差出勤, flex time or nights.
	byPattern := map[string]int{}
	for _, st := range m.Staff {
		if st.EmploymentType == kintai.Regular || st.EmploymentType == kintai.ReappointedShort {
			byPattern[st.PatternCode]++
		}
	}
	for _, c := range []struct {
		code     string
		min, max int
	}{{standardPattern.Code, 4300, 4700}, {staggeredPattern.Code, 300, 500}, {flexPattern.Code, 50, 150}, {nightPattern.Code, 10, 100}} {
		if n := byPattern[c.code]; n < c.min || n > c.max {
			t.Errorf("%d regular staff on %s, want %d to %d", n, c.code, c.min, c.max)
		}
	}
	shifts := 0
	for _, st := range m.Staff {
		if st.PatternCode == shiftPattern.Code {
			shifts++
		}
	}
	if shifts < 300 || shifts > 900 {
		t.Errorf("%d part-timers on %s, want about a third of the nurseries'", shifts, shiftPattern.Code)
	}
	profiles := map[rules.CapProfile]int{}
	for _, c := range m.CapProfiles {
		profiles[c.Profile]++
	}
	if profiles[rules.CapHeteronomous] != 5 || profiles[rules.CapLabor36] != 2 {
		t.Errorf("cap profiles %v, want 5 heteronomous and 2 labor36 units", profiles)
	}
	if n := len(m.DayShifts); n < 50000 || n > 100000 {
		t.Errorf("%d day shifts over three months, want 50,000 to 100,000", n)
	}
	kinds := unitKindCounts(m)
	for _, c := range []struct {
		kind     kintai.OrgUnitKind
		min, max int
	}{{kintai.Department, 12, 18}, {kintai.Section, 50, 70}, {kintai.Team, 150, 210}} {
		if n := kinds[c.kind]; n < c.min || n > c.max {
			t.Errorf("%d units of kind %s, want %d to %d", n, c.kind, c.min, c.max)
		}
	}
	nurseries := 0
	for _, s := range m.Sites {
		if strings.HasSuffix(s.Name, "保育園") {
			nurseries++
		}
	}
	if nurseries < 180 || nurseries > 220 {
		t.Errorf("%d 保育園 of 400 sites, want about half", nurseries)
	}
	twoSites := 0
	for _, st := range m.Staff {
		if len(st.SiteCodes) == 2 {
			twoSites++
		}
	}
	if p := float64(twoSites) / float64(emp[kintai.FiscalPart]); p < 0.01 || p > 0.06 {
		t.Errorf("%.1f%% of part-timers work at two sites, want about 3%%", 100*p)
	}
	checkMunicipality(t, m, today)
}

func TestGenerateSmall(t *testing.T) {
	m := Generate(mustScale(t, "small"), 1, today)
	if len(m.Staff) != 300 || len(m.Sites) != 12 || len(m.Terminals) != 14 {
		t.Errorf("got %d staff, %d sites, %d terminals; want 300, 12, 14", len(m.Staff), len(m.Sites), len(m.Terminals))
	}
	emp := employmentCounts(m)
	if emp[kintai.Regular] != 150 || emp[kintai.FiscalFull]+emp[kintai.FiscalPart] != 150 {
		t.Errorf("employment types %v, want 150 regular and 150 fiscal", emp)
	}
	kinds := unitKindCounts(m)
	if kinds[kintai.Department] >= 12 || kinds[kintai.Team] >= 150 {
		t.Errorf("small ward has %v units, want fewer than setagaya", kinds)
	}
	checkMunicipality(t, m, today)
}

// TestGenerateOtherScales checks scales ScaleByName does not return: more
// facilities of a kind than place names, and less than the minimum.
func TestGenerateOtherScales(t *testing.T) {
	tests := []struct {
		scale                   Scale
		staff, sites, terminals int
	}{
		{Scale{Name: "sprawl", Staff: 3000, Sites: 1000, Terminals: 1000}, 3000, 1000, 1000},
		{Scale{Name: "tiny", Staff: 10, Sites: 1, Terminals: 0}, 5 + 42, 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.scale.Name, func(t *testing.T) {
			for _, day := range []kintai.Date{today, kintai.NewDate(2026, time.April, 1)} {
				m := Generate(tt.scale, 7, day)
				if len(m.Staff) != tt.staff || len(m.Sites) != tt.sites || len(m.Terminals) != tt.terminals {
					t.Errorf("Generate(%+v) has %d staff, %d sites, %d terminals; want %d, %d, %d",
						tt.scale, len(m.Staff), len(m.Sites), len(m.Terminals), tt.staff, tt.sites, tt.terminals)
				}
				checkMunicipality(t, m, day)
			}
		})
	}
}

func TestFiscalYear(t *testing.T) {
	tests := []struct {
		day        kintai.Date
		start, end kintai.Date
	}{
		{kintai.NewDate(2026, time.January, 15), kintai.NewDate(2025, time.April, 1), kintai.NewDate(2026, time.March, 31)},
		{kintai.NewDate(2026, time.March, 31), kintai.NewDate(2025, time.April, 1), kintai.NewDate(2026, time.March, 31)},
		{kintai.NewDate(2026, time.April, 1), kintai.NewDate(2026, time.April, 1), kintai.NewDate(2027, time.March, 31)},
		{kintai.NewDate(2026, time.December, 31), kintai.NewDate(2026, time.April, 1), kintai.NewDate(2027, time.March, 31)},
	}
	for _, tt := range tests {
		start, end := fiscalYear(tt.day)
		if start != tt.start || end != tt.end {
			t.Errorf("fiscalYear(%v) = %v, %v; want %v, %v", tt.day, start, end, tt.start, tt.end)
		}
	}
}

func TestApportion(t *testing.T) {
	tests := []struct {
		name    string
		total   int
		weights []float64
		want    []int
	}{
		{"even", 6, []float64{1, 1, 1}, []int{2, 2, 2}},
		{"remainder to the largest fraction", 10, []float64{1, 2, 3}, []int{2, 3, 5}},
		{"ties to the earlier", 2, []float64{1, 1, 1}, []int{1, 1, 0}},
		{"zero weight gets nothing", 5, []float64{0, 1}, []int{0, 5}},
		{"nothing to share", 0, []float64{1, 1}, []int{0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := apportion(tt.total, tt.weights); !cmp.Equal(got, tt.want) {
				t.Errorf("apportion(%d, %v) = %v, want %v", tt.total, tt.weights, got, tt.want)
			}
		})
	}
	if got, want := apportionAtLeast(7, 1, []float64{0, 1, 3}), []int{1, 2, 4}; !cmp.Equal(got, want) {
		t.Errorf("apportionAtLeast(7, 1, [0 1 3]) = %v, want %v", got, want)
	}
}

func TestOrdinal(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{{0, ""}, {1, "第二"}, {8, "第九"}, {9, "第十"}, {10, "第十一"}, {19, "第二十"}, {22, "第二十三"}, {99, "第100"}}
	for _, tt := range tests {
		if got := ordinal(tt.n); got != tt.want {
			t.Errorf("ordinal(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestBreakMin(t *testing.T) {
	tests := []struct{ work, want int }{{240, 0}, {360, 0}, {361, 45}, {420, 45}, {480, 45}, {481, 60}}
	for _, tt := range tests {
		if got := breakMin(tt.work); got != tt.want {
			t.Errorf("breakMin(%d) = %d, want %d", tt.work, got, tt.want)
		}
	}
}

func BenchmarkGenerateSetagaya(b *testing.B) {
	s := mustScale(b, "setagaya")
	b.ReportAllocs()
	for b.Loop() {
		Generate(s, 1, today)
	}
}

func employmentCounts(m *Municipality) map[kintai.EmploymentType]int {
	n := map[kintai.EmploymentType]int{}
	for _, st := range m.Staff {
		n[st.EmploymentType]++
	}
	return n
}

func unitKindCounts(m *Municipality) map[kintai.OrgUnitKind]int {
	n := map[kintai.OrgUnitKind]int{}
	for _, u := range m.OrgUnits {
		n[u.Kind]++
	}
	return n
}

var codeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// checkMunicipality checks everything that must hold of any generated ward.
func checkMunicipality(t *testing.T, m *Municipality, day kintai.Date) {
	t.Helper()
	if m.Name != "デモ区" {
		t.Errorf("Name = %q, want デモ区", m.Name)
	}
	checkCodes(t, "org unit", m.OrgUnits, func(u OrgUnit) string { return u.Code })
	checkCodes(t, "site", m.Sites, func(s Site) string { return s.Code })
	checkCodes(t, "pattern", m.Patterns, func(p Pattern) string { return p.Code })
	checkCodes(t, "terminal", m.Terminals, func(x Terminal) string { return x.Code })
	checkCodes(t, "staff", m.Staff, func(s Staff) string { return s.StaffNo })
	checkUnique(t, "site name", m.Sites, func(s Site) string { return s.Name })
	checkUnique(t, "terminal name", m.Terminals, func(x Terminal) string { return x.Name })

	units := checkOrgUnits(t, m.OrgUnits)
	sites := checkSites(t, m)
	patterns := checkPatterns(t, m.Patterns)
	checkStaff(t, m, day, units, sites, patterns)
	checkAccounts(t, m)
	checkWorkRules(t, m, day, units, patterns)
}

// checkWorkRules checks pay, cap profiles and day shifts.
func checkWorkRules(t *testing.T, m *Municipality, day kintai.Date, units map[string]unitInfo, patterns map[string]Pattern) {
	t.Helper()
	staff := map[string]Staff{}
	for _, st := range m.Staff {
		staff[st.StaffNo] = st
		head := false
		for _, g := range st.Roles {
			if k := units[g.OrgUnitCode].unit.Kind; g.Role == kintai.RoleApprover && (k == kintai.Department || k == kintai.Section) {
				head = true
			}
		}
		p := st.Pay
		switch {
		case st.EmploymentType == kintai.FiscalPart && (p.HourlyYen < 1000 || p.HourlyYen > 2000 || p.MonthlyYen != 0):
			t.Errorf("part-timer %s is paid %+v, want an hourly amount", st.StaffNo, p)
		case st.EmploymentType != kintai.FiscalPart && (p.MonthlyYen < 200000 || p.MonthlyYen > 600000 || p.HourlyYen != 0):
			t.Errorf("full-timer %s is paid %+v, want a monthly amount", st.StaffNo, p)
		case p.Exempt != head:
			t.Errorf("staff %s exempt = %v, want it for 部長 and 課長 only", st.StaffNo, p.Exempt)
		}
	}
	fyStart, _ := fiscalYear(day)
	for _, c := range m.CapProfiles {
		if _, ok := units[c.OrgUnitCode]; !ok {
			t.Errorf("cap profile of unknown unit %s", c.OrgUnitCode)
		}
		if c.Profile != rules.CapHeteronomous && c.Profile != rules.CapLabor36 || c.From != fyStart {
			t.Errorf("cap profile %+v, want heteronomous or labor36 from %v", c, fyStart)
		}
	}
	from, to := kintai.NewDate(day.Year, day.Month-1, 1), kintai.NewDate(day.Year, day.Month+2, 0)
	type key struct {
		no  string
		day kintai.Date
	}
	seen := map[key]bool{}
	weekMin := map[key]int{} // flex staff's minutes by week (Monday)
	for _, ds := range m.DayShifts {
		st, ok := staff[ds.StaffNo]
		if !ok {
			t.Errorf("day shift of unknown staff %s", ds.StaffNo)
			continue
		}
		k := key{ds.StaffNo, ds.Date}
		if seen[k] {
			t.Errorf("two day shifts of %s on %v", ds.StaffNo, ds.Date)
		}
		seen[k] = true
		if ds.Date.Before(from) || ds.Date.After(to) || ds.Date.Before(st.AppointedOn) {
			t.Errorf("day shift of %s on %v, outside %v–%v or the appointment", ds.StaffNo, ds.Date, from, to)
		}
		p := patterns[st.PatternCode]
		if p.Kind == rules.PatternFixed {
			t.Errorf("day shift of %s, who works the fixed pattern %s", ds.StaffNo, p.Code)
		}
		d := ds.DayShift
		kind, shift, err := rules.Plan(p, ds.Date, &d, nil, rules.DefaultSettings(), time.UTC)
		if err != nil || kind != rules.Workday || shift == nil {
			t.Errorf("day shift %+v of %s does not plan: %v, %v", ds, p.Code, kind, err)
			continue
		}
		if p.Kind == rules.PatternFlex {
			weekMin[key{ds.StaffNo, ds.Date.AddDays(1 - int(ds.Date.Weekday()))}] += shift.RegularMinutes()
		}
	}
	for k, min := range weekMin {
		if !k.day.Before(from) && !k.day.AddDays(4).After(to) && min != flexPattern.RequiredMin {
			t.Errorf("flex staff %s is allotted %d minutes in the week of %v, want %d", k.no, min, k.day, flexPattern.RequiredMin)
		}
	}
	for _, st := range m.Staff {
		if st.PatternCode == shiftPattern.Code && !seen[key{st.StaffNo, firstShiftDay(m, st.StaffNo)}] {
			t.Errorf("shift part-timer %s has no day shifts", st.StaffNo)
		}
	}
}

// firstShiftDay returns the first day shift of staffNo, zero if none.
func firstShiftDay(m *Municipality, staffNo string) kintai.Date {
	for _, ds := range m.DayShifts {
		if ds.StaffNo == staffNo {
			return ds.Date
		}
	}
	return kintai.Date{}
}

func checkCodes[T any](t *testing.T, what string, items []T, code func(T) string) {
	t.Helper()
	for _, it := range items {
		if c := code(it); !codeRE.MatchString(c) {
			t.Errorf("%s code %q does not match %s", what, c, codeRE)
		}
	}
	checkUnique(t, what+" code", items, code)
}

func checkUnique[T any](t *testing.T, what string, items []T, key func(T) string) {
	t.Helper()
	seen := map[string]bool{}
	for _, it := range items {
		k := key(it)
		if seen[k] {
			t.Errorf("%s %q is not unique", what, k)
		}
		seen[k] = true
	}
}

type unitInfo struct {
	id   int64
	unit OrgUnit
}

func checkOrgUnits(t *testing.T, list []OrgUnit) map[string]unitInfo {
	t.Helper()
	units := map[string]unitInfo{}
	parentKind := map[kintai.OrgUnitKind]kintai.OrgUnitKind{kintai.Section: kintai.Department, kintai.Team: kintai.Section}
	for i, u := range list {
		ku := kintai.OrgUnit{ID: int64(i + 1), Code: u.Code, Name: u.Name, Kind: u.Kind}
		if u.ParentCode == "" {
			if u.Kind != kintai.Department {
				t.Errorf("root unit %s is a %s, want a 部", u.Code, u.Kind.Label())
			}
		} else {
			p, ok := units[u.ParentCode]
			if !ok {
				t.Errorf("unit %s comes before its parent %s", u.Code, u.ParentCode)
			} else if p.unit.Kind != parentKind[u.Kind] {
				t.Errorf("unit %s (%s) is under %s (%s)", u.Code, u.Kind.Label(), p.unit.Code, p.unit.Kind.Label())
			}
			ku.ParentID = p.id
		}
		if err := ku.Validate(); err != nil {
			t.Errorf("org unit %+v: %v", u, err)
		}
		units[u.Code] = unitInfo{int64(i + 1), u}
	}
	return units
}

// checkSites checks sites and terminals and returns the sites by code.
func checkSites(t *testing.T, m *Municipality) map[string]Site {
	t.Helper()
	sites := map[string]Site{}
	for i, s := range m.Sites {
		ks := kintai.Site{ID: int64(i + 1), Code: s.Code, Name: s.Name, Address: s.Address, Lat: &s.Lat, Lng: &s.Lng, RadiusM: &s.RadiusM}
		if err := ks.Validate(); err != nil {
			t.Errorf("site %+v: %v", s, err)
		}
		if math.Abs(s.Lat-centerLat) > spreadDeg || math.Abs(s.Lng-centerLng) > spreadDeg {
			t.Errorf("site %s at %v,%v is outside the ward", s.Code, s.Lat, s.Lng)
		}
		if s.RadiusM < 100 || s.RadiusM > 300 {
			t.Errorf("site %s has radius %d m, want 100 to 300", s.Code, s.RadiusM)
		}
		if !regexp.MustCompile(`^東京都デモ区\S+\d-\d{1,2}-\d{1,2}$`).MatchString(s.Address) {
			t.Errorf("site %s address %q is not like 東京都デモ区桜丘3-12-5", s.Code, s.Address)
		}
		sites[s.Code] = s
	}
	if len(m.Sites) == 0 || m.Sites[0].Name != "本庁舎" {
		t.Errorf("first site is not the 本庁舎: %+v", m.Sites[:min(1, len(m.Sites))])
	}
	perSite := map[string]int{}
	for _, x := range m.Terminals {
		s, ok := sites[x.SiteCode]
		if !ok {
			t.Errorf("terminal %s stands at unknown site %s", x.Code, x.SiteCode)
			continue
		}
		if !strings.HasPrefix(x.Name, s.Name+" ") {
			t.Errorf("terminal %s name %q does not start with its site's name %q", x.Code, x.Name, s.Name)
		}
		perSite[x.SiteCode]++
	}
	for _, s := range m.Sites {
		if perSite[s.Code] == 0 {
			t.Errorf("site %s %s has no terminal", s.Code, s.Name)
		}
	}
	return sites
}

// checkPatterns checks the patterns and returns them by code.
func checkPatterns(t *testing.T, list []Pattern) map[string]Pattern {
	t.Helper()
	patterns := map[string]Pattern{}
	for _, p := range list {
		patterns[p.Code] = p
		if err := rules.ValidatePattern(p); err != nil {
			t.Errorf("pattern %s: %v", p.Code, err)
		}
		switch p.Code {
		case standardPattern.Code:
			want := Pattern{Code: "STD", Name: p.Name, Kind: rules.PatternFixed, Weekdays: 62,
				Hours: rules.Span{StartMin: 510, EndMin: 1035}, Breaks: []rules.Span{{StartMin: 720, EndMin: 780}}}
			if diff := cmp.Diff(want, p); diff != "" {
				t.Errorf("standard pattern (-want +got):\n%s", diff)
			}
			continue
		case staggeredPattern.Code, flexPattern.Code, nightPattern.Code:
			if p.PartTime || regularMinutes(p.Hours, p.Breaks) != 465 && p.Kind != rules.PatternFlex {
				t.Errorf("pattern %s = %+v, want a 7h45m full-time day", p.Code, p)
			}
			continue
		case shiftPattern.Code:
			if p.Kind != rules.PatternShift || !p.PartTime {
				t.Errorf("pattern %s = %+v, want a part-time shift roster", p.Code, p)
			}
			continue
		}
		if !strings.HasPrefix(p.Code, "PT") {
			t.Errorf("pattern %s is neither a known pattern nor part-time", p.Code)
			continue
		}
		if !p.PartTime || p.Kind != rules.PatternFixed {
			t.Errorf("pattern %s = %+v, want fixed part-time hours", p.Code, p)
		}
		work := regularMinutes(p.Hours, p.Breaks)
		br := p.Hours.Minutes() - work
		wantBreak := map[int]int{240: 0, 360: 0, 420: 45}
		if want, ok := wantBreak[work]; !ok || want != br {
			t.Errorf("pattern %s works %d min with %d min break, want 4 h or 6 h with none or 7 h with 45 min", p.Code, work, br)
		}
		if p.Hours.StartMin < 7*60 || p.Hours.StartMin > 13*60 || p.Hours.StartMin%30 != 0 {
			t.Errorf("pattern %s starts at minute %d, want 7:00 to 13:00 on the half hour", p.Code, p.Hours.StartMin)
		}
		if want := fmt.Sprintf("PT%d-%02d%02d", work/60, p.Hours.StartMin/60, p.Hours.StartMin%60); !strings.HasPrefix(p.Code, want) {
			t.Errorf("pattern code %s, want it to start with %s", p.Code, want)
		}
		if p.Weekdays == 0 || p.Weekdays&^monToFri != 0 {
			t.Errorf("pattern %s works on weekdays %b, want some of Monday to Friday", p.Code, p.Weekdays)
		}
	}
	if _, ok := patterns[standardPattern.Code]; !ok {
		t.Error("no standard pattern")
	}
	return patterns
}

// regularMinutes returns the minutes of hours less breaks.
func regularMinutes(hours rules.Span, breaks []rules.Span) int {
	m := hours.Minutes()
	for _, b := range breaks {
		m -= b.Minutes()
	}
	return m
}

func checkStaff(t *testing.T, m *Municipality, day kintai.Date, units map[string]unitInfo, sites map[string]Site, patterns map[string]Pattern) {
	t.Helper()
	tree := kintai.OrgTree{}
	for _, u := range units {
		if u.unit.ParentCode != "" {
			tree[u.id] = units[u.unit.ParentCode].id
		}
	}
	fyStart, fyEnd := fiscalYear(day)
	earliest, latest := kintai.NewDate(1990, time.January, 1), kintai.NewDate(day.Year-1, day.Month, day.Day)
	isOffice := func(code string) bool {
		n := sites[code].Name
		return n == "本庁舎" || strings.HasSuffix(n, "総合支所")
	}

	type seen struct {
		id     int64
		staff  Staff
		grants []kintai.Grant
	}
	byNo := map[string]seen{}
	approvers := map[string]int{}
	admins := 0
	for i, st := range m.Staff {
		id := int64(i + 1)
		u, ok := units[st.OrgUnitCode]
		if !ok {
			t.Errorf("staff %s is in unknown unit %s", st.StaffNo, st.OrgUnitCode)
			continue
		}
		ks := kintai.Staff{
			ID: id, StaffNo: st.StaffNo, Name: st.Name, Kana: st.Kana, EmploymentType: st.EmploymentType,
			AppointedOn: st.AppointedOn, AppointmentEndsOn: st.AppointmentEndsOn, OrgUnitID: u.id,
		}
		var grants []kintai.Grant
		for _, g := range st.Roles {
			kg := kintai.Grant{StaffID: id, Role: g.Role}
			if g.OrgUnitCode != "" {
				gu, ok := units[g.OrgUnitCode]
				if !ok {
					t.Errorf("staff %s holds %s over unknown unit %s", st.StaffNo, g.Role, g.OrgUnitCode)
				}
				kg.OrgUnitID = gu.id
			}
			if !g.Role.Grantable() {
				t.Errorf("staff %s holds ungrantable role %s", st.StaffNo, g.Role)
			}
			switch g.Role {
			case kintai.RoleApprover:
				if g.OrgUnitCode != st.OrgUnitCode {
					t.Errorf("staff %s of %s approves for %s", st.StaffNo, st.OrgUnitCode, g.OrgUnitCode)
				}
				approvers[g.OrgUnitCode]++
			case kintai.RoleHR:
				if name := units[units[st.OrgUnitCode].unit.ParentCode].unit.Name; name != "人事課" && u.unit.Name != "人事課" {
					t.Errorf("staff %s of %s holds the HR role", st.StaffNo, st.OrgUnitCode)
				}
			case kintai.RoleAdmin:
				admins++
				if st.StaffNo != m.AdminNo {
					t.Errorf("staff %s is an admin, but AdminNo is %s", st.StaffNo, m.AdminNo)
				}
			}
			grants = append(grants, kg)
		}
		if st.SupervisorNo == "" {
			if u.unit.Kind != kintai.Department {
				t.Errorf("staff %s of %s has no supervisor", st.StaffNo, st.OrgUnitCode)
			}
		} else if sup, ok := byNo[st.SupervisorNo]; !ok {
			t.Errorf("staff %s comes before their supervisor %s", st.StaffNo, st.SupervisorNo)
		} else {
			ks.SupervisorID = sup.id
			actor := kintai.Actor{StaffID: sup.id, Grants: sup.grants}
			if !actor.CanSeeStaff(&ks, tree) || !actor.Can(kintai.RoleApprover, u.id, tree) {
				t.Errorf("staff %s's supervisor %s cannot approve for %s", st.StaffNo, st.SupervisorNo, st.OrgUnitCode)
			}
		}
		if err := ks.Validate(); err != nil {
			t.Errorf("staff %+v: %v", st, err)
		}
		if strings.Count(st.Name, "\u3000") != 1 || strings.Count(st.Kana, "\u3000") != 1 {
			t.Errorf("staff %s name %q, kana %q: want family and given names split by U+3000", st.StaffNo, st.Name, st.Kana)
		}
		if len(st.SiteCodes) == 0 || len(st.SiteCodes) > 2 || len(st.SiteCodes) == 2 && st.SiteCodes[0] == st.SiteCodes[1] {
			t.Errorf("staff %s works at %v, want one or two sites", st.StaffNo, st.SiteCodes)
		}
		for _, c := range st.SiteCodes {
			if _, ok := sites[c]; !ok {
				t.Errorf("staff %s works at unknown site %s", st.StaffNo, c)
			}
		}
		p, ok := patterns[st.PatternCode]
		if !ok {
			t.Errorf("staff %s works unknown pattern %s", st.StaffNo, st.PatternCode)
		}
		switch st.EmploymentType {
		case kintai.Regular:
			switch st.PatternCode {
			case standardPattern.Code, staggeredPattern.Code, flexPattern.Code, nightPattern.Code:
			default:
				t.Errorf("regular staff %s works %s", st.StaffNo, st.PatternCode)
			}
			if !st.AppointmentEndsOn.IsZero() || st.AppointedOn.Before(earliest) || st.AppointedOn.After(latest) {
				t.Errorf("regular staff %s appointed %v to %v, want from %v to %v and no end", st.StaffNo, st.AppointedOn, st.AppointmentEndsOn, earliest, latest)
			}
			if !isOffice(st.SiteCodes[0]) || len(st.SiteCodes) != 1 {
				t.Errorf("regular staff %s works at %v, want an office", st.StaffNo, st.SiteCodes)
			}
		case kintai.FiscalFull, kintai.FiscalPart:
			if st.AppointedOn != fyStart || st.AppointmentEndsOn != fyEnd {
				t.Errorf("fiscal staff %s appointed %v to %v, want %v to %v", st.StaffNo, st.AppointedOn, st.AppointmentEndsOn, fyStart, fyEnd)
			}
			for _, c := range st.SiteCodes {
				if isOffice(c) {
					t.Errorf("fiscal staff %s works at office %s", st.StaffNo, c)
				}
			}
			if u.unit.Kind != kintai.Team {
				t.Errorf("fiscal staff %s is in %s, want a 係", st.StaffNo, st.OrgUnitCode)
			}
			isPart := p.PartTime
			if isPart != (st.EmploymentType == kintai.FiscalPart) {
				t.Errorf("%s staff %s works %s", st.EmploymentType, st.StaffNo, p.Code)
			}
		default:
			t.Errorf("staff %s is %s", st.StaffNo, st.EmploymentType)
		}
		byNo[st.StaffNo] = seen{id, st, grants}
	}
	for code := range units {
		if approvers[code] != 1 {
			t.Errorf("unit %s has %d approvers, want its head", code, approvers[code])
		}
	}
	if admins != 1 {
		t.Errorf("%d admins, want 1", admins)
	}
}

// checkAccounts checks the demo sign-in accounts. Only the named scales
// must have them all.
func checkAccounts(t *testing.T, m *Municipality) {
	t.Helper()
	byNo := map[string]Staff{}
	for _, st := range m.Staff {
		byNo[st.StaffNo] = st
	}
	has := func(st Staff, r kintai.Role) bool {
		for _, g := range st.Roles {
			if g.Role == r {
				return true
			}
		}
		return false
	}
	accounts := []struct {
		name, no string
		ok       func(Staff) bool
	}{
		{"AdminNo", m.AdminNo, func(st Staff) bool { return has(st, kintai.RoleAdmin) }},
		{"HRNo", m.HRNo, func(st Staff) bool { return has(st, kintai.RoleHR) && !has(st, kintai.RoleAdmin) }},
		{"ApproverNo", m.ApproverNo, func(st Staff) bool {
			return has(st, kintai.RoleApprover) && !has(st, kintai.RoleHR) && !has(st, kintai.RoleAdmin)
		}},
		{"StaffNo", m.StaffNo, func(st Staff) bool {
			return st.EmploymentType == kintai.Regular && len(st.Roles) == 0 && st.SupervisorNo == m.ApproverNo
		}},
		{"PartTimerNo", m.PartTimerNo, func(st Staff) bool { return st.EmploymentType == kintai.FiscalPart && len(st.Roles) == 0 }},
	}
	distinct := map[string]string{}
	for _, a := range accounts {
		if a.no == "" {
			if len(m.Staff) >= 300 {
				t.Errorf("%s is empty", a.name)
			}
			continue
		}
		st, ok := byNo[a.no]
		if !ok {
			t.Errorf("%s %s is no staff member", a.name, a.no)
			continue
		}
		if !a.ok(st) {
			t.Errorf("%s %s is not a fitting account: %+v", a.name, a.no, st)
		}
		if other, ok := distinct[a.no]; ok {
			t.Errorf("%s and %s are both %s", other, a.name, a.no)
		}
		distinct[a.no] = a.name
	}
}
