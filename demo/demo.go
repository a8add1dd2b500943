// Package demo generates a synthetic Japanese ward (区) to try kintai with:
// an org tree of 部/課/係, sites with geofences, terminals, work patterns
// and staff with their supervisors and roles. It is pure and deterministic:
// the same scale, seed and day always give the same ward, and it does no I/O.
// Loading the result into a store is the caller's job.
package demo

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"kintai"
	"kintai/rules"
)

// Scale is how big a ward to generate.
type Scale struct {
	Name      string
	Staff     int
	Sites     int
	Terminals int
}

// scales are the named scales, smallest first. setagaya is the size of a
// large Tokyo ward, to see how kintai behaves at scale.
var scales = []Scale{
	{Name: "small", Staff: 300, Sites: 12, Terminals: 14},
	{Name: "setagaya", Staff: 10000, Sites: 400, Terminals: 446},
}

// ScaleByName returns the named scale: "small" or "setagaya".
func ScaleByName(name string) (Scale, error) {
	names := make([]string, len(scales))
	for i, s := range scales {
		if s.Name == name {
			return s, nil
		}
		names[i] = s.Name
	}
	list := strings.Join(names, ", ")
	return Scale{}, kintai.Invalid("scale",
		fmt.Sprintf("規模 %q は存在しません。指定できる規模: %s", name, list),
		fmt.Sprintf("Unknown scale %q; valid scales: %s.", name, list))
}

// OrgUnit is a 所属. ParentCode is "" for a root.
type OrgUnit struct {
	Code       string
	Name       string
	Kind       kintai.OrgUnitKind
	ParentCode string
}

// Site is a 拠点. Every generated site has a geofence.
type Site struct {
	Code    string
	Name    string
	Address string
	Lat     float64
	Lng     float64
	RadiusM int
}

// Pattern is a 勤務パターン in the rules engine's terms: times are minutes
// since midnight and Weekdays is a bit mask of 1<<time.Weekday (Monday to
// Friday is 62).
type Pattern = rules.Pattern

// Staff is a 職員. Name is family name, U+3000 and given name ("世田　太郎"),
// and Kana is its reading in full-width katakana written the same way.
type Staff struct {
	StaffNo        string
	Name           string
	Kana           string
	EmploymentType kintai.EmploymentType
	// AppointedOn and AppointmentEndsOn bound the 任用期間: the fiscal year
	// of the generation day for 会計年度任用職員, an open-ended career that
	// began at least a year earlier for regular staff.
	AppointedOn       kintai.Date
	AppointmentEndsOn kintai.Date
	OrgUnitCode       string
	SiteCodes         []string
	SupervisorNo      string // "" for the top of the tree
	PatternCode       string
	Roles             []Grant
	// Pay is what overtime is paid from, valid from AppointedOn: a
	// monthly amount for full-time staff (給料 with 地域手当), an hourly
	// one for part-timers; 部長 and 課長 receive 管理職手当 and no overtime
	// pay (Exempt).
	Pay rules.Pay
}

// CapProfile gives an org unit and the units below it a cap profile from
// a day on.
type CapProfile struct {
	OrgUnitCode string
	Profile     rules.CapProfile
	From        kintai.Date
}

// DayShift is the hours of one staff member on one day.
type DayShift struct {
	StaffNo string
	Date    kintai.Date
	rules.DayShift
}

// Grant is a role held over an org unit and everything below it;
// OrgUnitCode "" means the whole organisation.
type Grant struct {
	Role        kintai.Role
	OrgUnitCode string
}

// Terminal is a 打刻端末 standing at a site.
type Terminal struct {
	Code     string
	Name     string
	SiteCode string
}

// Municipality is a generated ward. Slices are ordered so they can be
// inserted as they come: parents before children, supervisors before the
// staff they supervise, sites before their terminals.
type Municipality struct {
	Name      string
	OrgUnits  []OrgUnit
	Sites     []Site
	Patterns  []Pattern
	Staff     []Staff
	Terminals []Terminal
	// CapProfiles are the overtime cap regimes of org units that are not
	// 自律部署 (see rules.CapProfile), valid from the start of the fiscal
	// year; units below inherit them.
	CapProfiles []CapProfile
	// DayShifts are the hours set day by day (勤務割振り) of staff whose
	// pattern needs them (shift and flex) or who chose a staggered start,
	// for the month of the generation day and the months before and after.
	DayShifts []DayShift
	// The staff numbers of the demo sign-in accounts: a system admin, an HR
	// officer, an approver (a 係長), a regular staff member supervised by
	// the approver, and a part-timer. Empty only for scales too small to
	// have such a person.
	AdminNo, HRNo, ApproverNo, StaffNo, PartTimerNo string
}

// Name of every generated ward.
const wardName = "デモ区"

// pcgStream is the second half of the PCG seed. Changing it changes every ward.
const pcgStream = 0x6b696e746169 // "kintai"

// generator carries the state of one Generate call.
type generator struct {
	rng   *rand.Rand
	today kintai.Date
	m     *Municipality
}

// Generate builds a ward of the given scale. Half the staff are regular
// (常勤) and half 会計年度任用職員, of whom about a tenth work full time.
// Scales not returned by ScaleByName work too, within limits: at least two
// sites and one terminal per site, and never fewer regular staff than the
// org tree has managers.
func Generate(scale Scale, seed int64, today kintai.Date) *Municipality {
	g := &generator{
		rng:   rand.New(rand.NewPCG(uint64(seed), pcgStream)),
		today: today,
		m:     &Municipality{Name: wardName},
	}
	units := g.orgUnits(scale.Staff >= fullTreeMinStaff)
	sites := g.sites(max(scale.Sites, 2))
	g.terminals(sites, max(scale.Terminals, len(g.m.Sites)))
	g.staff(units, sites, scale.Staff)
	g.workRules(seed)
	return g.m
}

// fiscalYear returns the fiscal year (April to March) containing day.
func fiscalYear(day kintai.Date) (start, end kintai.Date) {
	y := day.Year
	if day.Month < time.April {
		y--
	}
	return kintai.NewDate(y, time.April, 1), kintai.NewDate(y+1, time.March, 31)
}

// apportion splits total into parts proportional to weights by the largest
// remainder method, so the parts always add up to total.
func apportion(total int, weights []float64) []int {
	out := make([]int, len(weights))
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	if total <= 0 || sum <= 0 {
		return out
	}
	rem := make([]float64, len(weights))
	order := make([]int, len(weights))
	given := 0
	for i, w := range weights {
		q := float64(total) * w / sum
		out[i] = int(q)
		rem[i] = q - float64(out[i])
		given += out[i]
		order[i] = i
	}
	// Stable on index so ties go to the earlier part.
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rem[b], rem[a]) })
	for k := 0; given < total; k++ {
		out[order[k%len(order)]]++
		given++
	}
	return out
}

// apportionAtLeast is apportion with every part given at least min when
// total allows it.
func apportionAtLeast(total, min int, weights []float64) []int {
	if total < min*len(weights) {
		return apportion(total, weights)
	}
	out := apportion(total-min*len(weights), weights)
	for i := range out {
		out[i] += min
	}
	return out
}

// jitter returns a weight drawn uniformly from [1-spread, 1+spread).
func (g *generator) jitter(spread float64) float64 {
	return 1 - spread + 2*spread*g.rng.Float64()
}
