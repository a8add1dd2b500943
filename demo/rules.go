package demo

import (
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"kintai"
	"kintai/rules"
)

// The patterns beyond the standard day and the fixed part-time days.
var (
	// staggeredPattern is 時差出勤: the standard 7h45m day starting
	// between 7:30 and 10:00, chosen month by month.
	staggeredPattern = Pattern{
		Code: "JISA", Name: "時差出勤 7:30〜10:00開始", Kind: rules.PatternStaggered, Weekdays: monToFri,
		Hours:  rules.Span{StartMin: 510, EndMin: 1035},
		Breaks: []rules.Span{{StartMin: 720, EndMin: 780}},
		Options: []rules.Span{
			{StartMin: 450, EndMin: 975}, {StartMin: 480, EndMin: 1005}, {StartMin: 540, EndMin: 1065},
			{StartMin: 570, EndMin: 1095}, {StartMin: 600, EndMin: 1125},
		},
	}
	// flexPattern is flex time over one-week unit periods (38h45m a
	// week), core 10:00–15:00 in the band 7:00–22:00.
	flexPattern = Pattern{
		Code: "FLEX", Name: "フレックスタイム（1週間単位）", Kind: rules.PatternFlex, Weekdays: monToFri,
		UnitWeeks: 1, RequiredMin: 2325, Core: &rules.Span{StartMin: 600, EndMin: 900},
		Band: &rules.Span{StartMin: 420, EndMin: 1320}, MinDailyMin: 240,
	}
	// nightPattern is a night duty (一時保護所, 庁舎警備) of 7h45m.
	nightPattern = Pattern{
		Code: "NIGHT", Name: "夜勤 22:00〜翌6:45", Kind: rules.PatternFixed, Weekdays: monToFri,
		Hours:  rules.Span{StartMin: 1320, EndMin: 1845},
		Breaks: []rules.Span{{StartMin: 1560, EndMin: 1620}},
	}
	// shiftPattern is the nursery part-timers' roster: hours set day by
	// day.
	shiftPattern = Pattern{Code: "SHIFT-PT", Name: "短時間シフト（日ごとの割振り）", Kind: rules.PatternShift, PartTime: true}
)

// Shares of the work rules, in percent.
const (
	staggeredPercent = 8  // regular staff on 時差出勤
	flexPercent      = 2  // regular staff on flex time
	nightPercent     = 50 // regular staff of the night-duty teams
	shiftPercent     = 30 // nursery part-timers on a day-by-day roster
)

// nightTeams are the 係 whose staff may work nights.
var nightTeams = []string{"一時保護係", "庁舎管理係", "児童館運営係"}

// Cap profiles of the model ward's units (rules-jp.md §2): 他律 for units
// driven by others' schedules, 36協定 for 労基法別表第一 workplaces.
var unitCapProfiles = map[string]rules.CapProfile{
	"財政課":       rules.CapHeteronomous,
	"秘書課":       rules.CapHeteronomous,
	"危機管理部":     rules.CapHeteronomous,
	"感染症対策課":    rules.CapHeteronomous,
	"児童相談支援課":   rules.CapHeteronomous,
	"保育課":       rules.CapLabor36,
	"清掃・リサイクル課": rules.CapLabor36,
}

// flexWeek is a week's allotment on the flex pattern, Monday to Friday:
// regular minutes and start, adding up to 38h45m.
var flexWeek = [5]struct{ min, start int }{{525, 480}, {525, 480}, {465, 510}, {465, 510}, {345, 600}}

// workRules gives staff their work rules after the ward is built: the
// patterns beyond the standard ones, pay, cap profiles and day shifts. It
// draws from its own stream so that the rest of the ward stays as it was
// before these existed.
func (g *generator) workRules(seed int64) {
	rng := rand.New(rand.NewPCG(uint64(seed), pcgStream+1))
	m := g.m
	units := map[string]OrgUnit{}
	for _, u := range m.OrgUnits {
		units[u.Code] = u
	}
	accounts := map[string]bool{m.AdminNo: true, m.HRNo: true, m.ApproverNo: true, m.StaffNo: true, m.PartTimerNo: true}
	used := map[string]bool{}
	for i := range m.Staff {
		st := &m.Staff[i]
		team := units[st.OrgUnitCode].Name
		manager := slices.ContainsFunc(st.Roles, func(gr Grant) bool { return gr.Role == kintai.RoleApprover })
		movable := !accounts[st.StaffNo] && !manager
		switch st.EmploymentType {
		case kintai.Regular:
			x := rng.IntN(100)
			switch {
			case movable && slices.Contains(nightTeams, team) && x < nightPercent:
				st.PatternCode = nightPattern.Code
			case movable && x < staggeredPercent:
				st.PatternCode = staggeredPattern.Code
			case movable && x < staggeredPercent+flexPercent:
				st.PatternCode = flexPattern.Code
			}
		case kintai.FiscalPart:
			if movable && strings.HasPrefix(team, "保育園運営") && rng.IntN(100) < shiftPercent {
				st.PatternCode = shiftPattern.Code
			}
		}
		used[st.PatternCode] = true
		st.Pay = g.pay(rng, st, units)
	}
	m.Patterns = slices.DeleteFunc(m.Patterns, func(p Pattern) bool { return !used[p.Code] })
	for _, p := range []Pattern{staggeredPattern, flexPattern, nightPattern, shiftPattern} {
		if used[p.Code] {
			m.Patterns = append(m.Patterns, p)
		}
	}

	fyStart, _ := fiscalYear(g.today)
	for _, u := range m.OrgUnits {
		if p, ok := unitCapProfiles[u.Name]; ok {
			m.CapProfiles = append(m.CapProfiles, CapProfile{OrgUnitCode: u.Code, Profile: p, From: fyStart})
		}
	}
	g.dayShifts(rng)
}

// pay draws the pay of st.
func (g *generator) pay(rng *rand.Rand, st *Staff, units map[string]OrgUnit) rules.Pay {
	switch st.EmploymentType {
	case kintai.FiscalPart:
		return rules.Pay{HourlyYen: int64(1250 + 10*rng.IntN(36))}
	case kintai.FiscalFull:
		return rules.Pay{MonthlyYen: roundYen(int64(190000+1000*rng.IntN(41)) * 120 / 100)}
	}
	years := int64(g.today.Year - st.AppointedOn.Year)
	base := min(180000+6000*years, 420000) + int64(rng.IntN(20))*500
	p := rules.Pay{MonthlyYen: roundYen(base * 120 / 100)} // 地域手当 20% (特別区)
	for _, gr := range st.Roles {
		if k := units[gr.OrgUnitCode].Kind; gr.Role == kintai.RoleApprover && (k == kintai.Department || k == kintai.Section) {
			p.Exempt = true // 管理職手当: no overtime pay
		}
	}
	return p
}

// roundYen rounds to 100 yen, as pay tables do.
func roundYen(y int64) int64 { return (y + 50) / 100 * 100 }

// dayShifts sets the hours day by day of staff on the staggered (when
// they chose another start than the pattern's), flex and shift patterns,
// from the first day of the month before the generation day to the last
// of the month after.
func (g *generator) dayShifts(rng *rand.Rand) {
	from := kintai.NewDate(g.today.Year, g.today.Month-1, 1)
	to := kintai.NewDate(g.today.Year, g.today.Month+2, 0)
	for i := range g.m.Staff {
		st := &g.m.Staff[i]
		switch st.PatternCode {
		case staggeredPattern.Code:
			for m := from; !m.After(to); m = kintai.NewDate(m.Year, m.Month+1, 1) {
				opt := rng.IntN(len(staggeredPattern.Options) + 1)
				if opt == len(staggeredPattern.Options) {
					continue // the pattern's own 8:30
				}
				hours := staggeredPattern.Options[opt]
				for d := m; d.Month == m.Month; d = d.AddDays(1) {
					if monToFri&(1<<d.Weekday()) != 0 && !d.Before(st.AppointedOn) {
						g.addShift(st, d, rules.DayShift{Hours: hours})
					}
				}
			}
		case flexPattern.Code:
			shift := rng.IntN(len(flexWeek))
			for d := from; !d.After(to); d = d.AddDays(1) {
				wd := d.Weekday()
				if wd < time.Monday || wd > time.Friday || d.Before(st.AppointedOn) {
					continue
				}
				a := flexWeek[(int(wd-time.Monday)+shift)%len(flexWeek)]
				ds := rules.DayShift{Hours: rules.Span{StartMin: a.start, EndMin: a.start + a.min}}
				if a.min > 6*60 {
					ds.Hours.EndMin += 60
					ds.Breaks = []rules.Span{{StartMin: 720, EndMin: 780}}
				}
				g.addShift(st, d, ds)
			}
		case shiftPattern.Code:
			for week := from.AddDays(-int(from.Weekday())); !week.After(to); week = week.AddDays(7) {
				days := 4 + rng.IntN(2)
				for _, k := range rng.Perm(6)[:days] { // of Monday to Saturday
					d := week.AddDays(1 + k)
					if d.Before(from) || d.After(to) || d.Before(st.AppointedOn) ||
						(!st.AppointmentEndsOn.IsZero() && d.After(st.AppointmentEndsOn)) {
						continue
					}
					hours := partTimeHours[pickWeighted(rng.IntN(100), partTimeHourWeights)]
					start := firstStartMin + rng.IntN(numStarts)*startStepMin
					work := hours * 60
					ds := rules.DayShift{Hours: rules.Span{StartMin: start, EndMin: start + work + breakMin(work)}}
					if br := breakMin(work); br > 0 {
						ds.Breaks = []rules.Span{partTimeBreak(start, work, br)}
					}
					g.addShift(st, d, ds)
				}
			}
		}
	}
}

func (g *generator) addShift(st *Staff, d kintai.Date, ds rules.DayShift) {
	g.m.DayShifts = append(g.m.DayShifts, DayShift{StaffNo: st.StaffNo, Date: d, DayShift: ds})
}
