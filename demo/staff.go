package demo

import (
	"fmt"
	"slices"
	"time"

	"kintai"
	"kintai/rules"
)

// standardPattern is the 常勤 day, 8:30–17:15 with an hour's break.
var standardPattern = Pattern{
	Code:     "STD",
	Name:     "標準 8:30〜17:15",
	Kind:     rules.PatternFixed,
	Weekdays: monToFri,
	Hours:    rules.Span{StartMin: 8*60 + 30, EndMin: 17*60 + 15},
	Breaks:   []rules.Span{{StartMin: 12 * 60, EndMin: 13 * 60}},
}

// Weekday masks.
const (
	monToFri = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday
	monToThu = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday
	monWedFr = 1<<time.Monday | 1<<time.Wednesday | 1<<time.Friday
)

// Part-time patterns: every length of work from every start, on one of
// three weeks. Weights are in percent.
var (
	partTimeHours       = []int{4, 6, 7}
	partTimeHourWeights = []int{35, 40, 25}
	partTimeWeeks       = []struct {
		suffix, label string
		mask, weight  int
	}{
		{"", "", monToFri, 80},
		{"-4D", "（週4日）", monToThu, 12},
		{"-3D", "（週3日）", monWedFr, 8},
	}
)

const (
	firstStartMin = 7 * 60
	lastStartMin  = 13 * 60
	startStepMin  = 30
	numStarts     = (lastStartMin-firstStartMin)/startStepMin + 1
)

// Shares of the 会計年度任用職員, in percent.
const (
	fiscalFullPercent = 10 // work full time
	twoSitesPercent   = 3  // part-timers who work at two facilities
)

// Career starts of regular staff, by rank; the latest is a year before
// the generation day whatever the rank says.
const (
	firstCareerYear    = 1990
	lastDeptHeadYear   = 1996
	lastSectionHeadYr  = 2004
	firstTeamLeaderYr  = 1994
	lastTeamLeaderYear = 2014
)

// breakMin is the break the Labour Standards Act (労働基準法34条) requires
// for workMin minutes of work: none up to six hours, 45 minutes up to
// eight, an hour beyond.
func breakMin(workMin int) int {
	switch {
	case workMin <= 6*60:
		return 0
	case workMin <= 8*60:
		return 45
	}
	return 60
}

// partTimePattern returns the pattern of hours of work from startMin on week w.
func partTimePattern(hours, startMin, w int) Pattern {
	work := hours * 60
	br := breakMin(work)
	end := startMin + work + br
	week := partTimeWeeks[w]
	p := Pattern{
		Code:     fmt.Sprintf("PT%d-%02d%02d%s", hours, startMin/60, startMin%60, week.suffix),
		Name:     fmt.Sprintf("短時間%d時間 %d:%02d〜%d:%02d%s", hours, startMin/60, startMin%60, end/60, end%60, week.label),
		Kind:     rules.PatternFixed,
		Weekdays: week.mask,
		Hours:    rules.Span{StartMin: startMin, EndMin: end},
		PartTime: true,
	}
	if br > 0 {
		p.Breaks = []rules.Span{partTimeBreak(startMin, work, br)}
	}
	return p
}

// partTimeBreak places a break of br minutes after about half of work
// minutes from start, on the half hour.
func partTimeBreak(start, work, br int) rules.Span {
	at := start + work/2/30*30
	return rules.Span{StartMin: at, EndMin: at + br}
}

// patternRef indexes the part-time patterns: hour length, start and week.
type patternRef struct{ hours, start, week int }

func (r patternRef) index() int {
	return (r.hours*numStarts+r.start)*len(partTimeWeeks) + r.week
}

// fiscalPlan is a 会計年度任用職員 decided before names and numbers are given.
type fiscalPlan struct {
	emp     kintai.EmploymentType
	pattern patternRef // part-timers only
	sites   []*site
}

// staff adds total staff and the patterns they work to g.m.
func (g *generator) staff(depts []*dept, set *siteSet, total int) {
	g.placeTeams(depts, set)
	fiscal := total / 2
	regular := total - fiscal

	weights := make([]float64, len(set.facilities))
	for i, s := range set.facilities {
		weights[i] = s.def.partTimers * g.jitter(0.3)
	}
	used := make([]bool, len(partTimeHours)*numStarts*len(partTimeWeeks))
	for i, n := range apportion(fiscal, weights) {
		s := set.facilities[i]
		for range n {
			p := g.fiscalPlan(s)
			if p.emp == kintai.FiscalPart {
				used[p.pattern.index()] = true
			}
			s.runner.fiscal = append(s.runner.fiscal, p)
		}
	}

	var teams []*team
	managers := 0
	for _, d := range depts {
		managers++
		for _, s := range d.sections {
			managers++
			for _, t := range s.teams {
				managers++
				teams = append(teams, t)
			}
		}
	}
	weights = make([]float64, len(teams))
	for i := range teams {
		weights[i] = g.jitter(0.4)
	}
	for i, n := range apportionAtLeast(regular-managers, 1, weights) {
		teams[i].regulars = n
	}

	g.m.Staff = make([]Staff, 0, max(total, managers+fiscal))
	g.m.Patterns = append(g.m.Patterns, standardPattern)
	for h, hours := range partTimeHours {
		for st := range numStarts {
			for w := range partTimeWeeks {
				if used[patternRef{h, st, w}.index()] {
					g.m.Patterns = append(g.m.Patterns, partTimePattern(hours, firstStartMin+st*startStepMin, w))
				}
			}
		}
	}
	g.people(depts, set.head)
	g.pickPartTimer()
}

// placeTeams decides where each 係 sits and which 係 runs each facility.
// Sections serving residents spread their 係 over the 総合支所.
func (g *generator) placeTeams(depts []*dept, set *siteSet) {
	runners := map[siteKind][]*team{}
	nb := 0
	for _, d := range depts {
		for _, s := range d.sections {
			for _, t := range s.teams {
				t.home = set.head
				if s.def.branch && len(set.branches) > 0 {
					t.home = set.branches[nb%len(set.branches)]
					nb++
				}
				if t.def.runs != noFacility {
					runners[t.def.runs] = append(runners[t.def.runs], t)
				}
			}
		}
	}
	byKind := map[siteKind][]*site{}
	for _, s := range set.facilities {
		byKind[s.kind] = append(byKind[s.kind], s)
	}
	for _, f := range facilities {
		sites := byKind[f.kind]
		rs := runners[f.kind]
		if len(sites) > 0 && len(rs) == 0 {
			panic("demo: no 係 runs " + f.suffix) // orgTree is wrong
		}
		// Each runner takes a contiguous block, like a district.
		siblings := map[*team][]*site{}
		for j, s := range sites {
			s.runner = rs[j*len(rs)/len(sites)]
			siblings[s.runner] = append(siblings[s.runner], s)
		}
		for _, s := range sites {
			s.siblings = siblings[s.runner]
		}
	}
}

// fiscalPlan draws a 会計年度任用職員 working at s.
func (g *generator) fiscalPlan(s *site) fiscalPlan {
	p := fiscalPlan{emp: kintai.FiscalPart, sites: []*site{s}}
	if g.rng.IntN(100) < fiscalFullPercent {
		p.emp = kintai.FiscalFull
		return p
	}
	p.pattern = patternRef{
		hours: pickWeighted(g.rng.IntN(100), partTimeHourWeights),
		start: g.rng.IntN(numStarts),
	}
	weekWeights := make([]int, len(partTimeWeeks))
	for i, w := range partTimeWeeks {
		weekWeights[i] = w.weight
	}
	p.pattern.week = pickWeighted(g.rng.IntN(100), weekWeights)
	if sib := s.siblings; len(sib) > 1 && g.rng.IntN(100) < twoSitesPercent {
		// s is in sib once, so swapping a hit for the last gives another site.
		other := sib[g.rng.IntN(len(sib)-1)]
		if other == s {
			other = sib[len(sib)-1]
		}
		p.sites = append(p.sites, other)
	}
	return p
}

// pickWeighted returns the index whose cumulative weight first exceeds x.
func pickWeighted(x int, weights []int) int {
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// people adds the staff in tree order, each manager before the people they
// supervise: 部長, then per 課 the 課長, then per 係 the 係長 and the 係.
// 部長 and 課長 work at head, the 本庁舎.
func (g *generator) people(depts []*dept, head *site) {
	fyStart, fyEnd := fiscalYear(g.today)
	for _, d := range depts {
		director := g.person(kintai.Regular, d.code, "", g.careerStart(firstCareerYear, lastDeptHeadYear), []*site{head})
		g.last().Roles = []Grant{{kintai.RoleApprover, d.code}}
		for _, s := range d.sections {
			var extra []Grant
			if s.def.hr {
				extra = []Grant{{kintai.RoleHR, ""}}
			}
			chief := g.person(kintai.Regular, s.code, director, g.careerStart(firstCareerYear, lastSectionHeadYr), []*site{head})
			g.last().Roles = append([]Grant{{kintai.RoleApprover, s.code}}, extra...)
			for _, t := range s.teams {
				leader := g.person(kintai.Regular, t.code, chief, g.careerStart(firstTeamLeaderYr, lastTeamLeaderYear), []*site{t.home})
				g.last().Roles = append([]Grant{{kintai.RoleApprover, t.code}}, extra...)
				if t.def.admin && t.regulars == 0 {
					g.grantAdmin()
				}
				for i := range t.regulars {
					no := g.person(kintai.Regular, t.code, leader, g.careerStart(firstCareerYear, g.today.Year), []*site{t.home})
					g.last().Roles = slices.Clone(extra)
					switch {
					case t.def.admin && i == 0:
						g.grantAdmin()
					case s.def.hr && g.m.HRNo == "":
						g.m.HRNo = no
					case !s.def.hr && !t.def.admin && g.m.ApproverNo == "":
						g.m.ApproverNo, g.m.StaffNo = leader, no
					}
				}
				for _, p := range t.fiscal {
					g.person(p.emp, t.code, leader, fyStart, p.sites)
					st := g.last()
					st.AppointmentEndsOn = fyEnd
					if p.emp == kintai.FiscalPart {
						st.PatternCode = partTimePattern(partTimeHours[p.pattern.hours], firstStartMin+p.pattern.start*startStepMin, p.pattern.week).Code
					}
				}
			}
		}
	}
}

// person adds a staff member on the standard pattern and returns their number.
func (g *generator) person(emp kintai.EmploymentType, unit, supervisor string, appointed kintai.Date, sites []*site) string {
	name, kana := g.name()
	st := Staff{
		StaffNo:        fmt.Sprintf("%06d", len(g.m.Staff)+1),
		Name:           name,
		Kana:           kana,
		EmploymentType: emp,
		AppointedOn:    appointed,
		OrgUnitCode:    unit,
		SupervisorNo:   supervisor,
		PatternCode:    standardPattern.Code,
	}
	for _, s := range sites {
		st.SiteCodes = append(st.SiteCodes, s.code)
	}
	g.m.Staff = append(g.m.Staff, st)
	return st.StaffNo
}

// last returns the staff member added last.
func (g *generator) last() *Staff { return &g.m.Staff[len(g.m.Staff)-1] }

// grantAdmin makes the staff member added last the system administrator.
func (g *generator) grantAdmin() {
	st := g.last()
	st.Roles = append(st.Roles, Grant{Role: kintai.RoleAdmin})
	g.m.AdminNo = st.StaffNo
}

// pickPartTimer chooses the demo part-timer: the first who works five days
// at one site, else the first part-timer.
func (g *generator) pickPartTimer() {
	weekdays := map[string]int{}
	for _, p := range g.m.Patterns {
		weekdays[p.Code] = p.Weekdays
	}
	for _, st := range g.m.Staff {
		if st.EmploymentType != kintai.FiscalPart {
			continue
		}
		if g.m.PartTimerNo == "" {
			g.m.PartTimerNo = st.StaffNo
		}
		if weekdays[st.PatternCode] == monToFri && len(st.SiteCodes) == 1 {
			g.m.PartTimerNo = st.StaffNo
			return
		}
	}
}

// careerStart returns when a regular staff member joined: in a year from
// first to last, usually on 1 April as in most Japanese public bodies, and
// at least a year before the generation day.
func (g *generator) careerStart(first, last int) kintai.Date {
	latest := kintai.NewDate(g.today.Year-1, g.today.Month, g.today.Day)
	last = min(last, latest.Year)
	first = min(first, last)
	y := first + g.rng.IntN(last-first+1)
	d := kintai.NewDate(y, time.April, 1)
	if g.rng.IntN(8) == 0 {
		d = kintai.NewDate(y, time.January, 1+g.rng.IntN(365))
	}
	if d.After(latest) {
		d = kintai.NewDate(y-1, time.April, 1)
	}
	return d
}

// name draws a name and its reading.
func (g *generator) name() (name, kana string) {
	f := familyNames[g.rng.IntN(len(familyNames))]
	given := maleNames
	if g.rng.IntN(2) == 0 {
		given = femaleNames
	}
	n := given[g.rng.IntN(len(given))]
	return f.kanji + "\u3000" + n.kanji, f.kana + "\u3000" + n.kana
}
