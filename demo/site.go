package demo

import (
	"fmt"
	"math"
	"strings"
)

// siteKind is what a site is: an office or a kind of facility.
type siteKind int

const (
	noFacility   siteKind = iota
	headOffice            // 本庁舎
	branchOffice          // 総合支所
	nursery               // 保育園
	elementary            // 小学校
	juniorHigh            // 中学校
	library               // 図書館
	childrenHall          // 児童館
	machiCenter           // まちづくりセンター
)

// facilityDef describes a kind of facility.
type facilityDef struct {
	kind   siteKind
	suffix string
	// share is the kind's share of the facilities; partTimers weighs how
	// many part-timers one such facility has compared with the others.
	share, partTimers float64
	minRadiusM        int
	maxRadiusM        int
	// terminalAt is where the facility's one terminal stands.
	terminalAt string
}

// facilities are the kinds of facility, in site-code order. About half are
// nurseries, as in Tokyo wards where 保育園 outnumber all other facilities.
var facilities = []facilityDef{
	{kind: nursery, suffix: "保育園", share: 50, partTimers: 3, minRadiusM: 100, maxRadiusM: 150, terminalAt: "事務室"},
	{kind: elementary, suffix: "小学校", share: 17, partTimers: 2, minRadiusM: 200, maxRadiusM: 300, terminalAt: "職員室"},
	{kind: juniorHigh, suffix: "中学校", share: 8, partTimers: 2, minRadiusM: 200, maxRadiusM: 300, terminalAt: "職員室"},
	{kind: library, suffix: "図書館", share: 5, partTimers: 2, minRadiusM: 100, maxRadiusM: 200, terminalAt: "事務室"},
	{kind: childrenHall, suffix: "児童館", share: 10, partTimers: 1, minRadiusM: 100, maxRadiusM: 150, terminalAt: "事務室"},
	{kind: machiCenter, suffix: "まちづくりセンター", share: 10, partTimers: 1, minRadiusM: 100, maxRadiusM: 150, terminalAt: "事務室"},
}

// The ward lies around this point (in Setagaya); sites scatter up to
// spreadDeg either way.
const (
	centerLat = 35.646
	centerLng = 139.653
	spreadDeg = 0.03
	// maxBranches is the number of 総合支所 of a large ward.
	maxBranches = 5
	// headTerminalWeight and branchTerminalWeight share out the terminals
	// beyond one per site: most go to the 本庁舎, some to each 支所.
	headTerminalWeight   = 8
	branchTerminalWeight = 2
)

// placePrefixes and placeSuffixes combine into ward-like place names
// (桜丘, 上町, 若林…); 24×14 gives 336 of them.
var (
	placePrefixes = strings.Split("桜 梅 松 若 緑 青 花 宮 中 東 西 南 北 上 下 大 新 本 千 深 赤 池 高 柿", " ")
	placeSuffixes = strings.Split("丘 町 台 原 林 沢 谷 野 山 川 田 坂 島 森", " ")
)

// site is a generated site with what the generator needs to know about it.
type site struct {
	code string
	name string
	kind siteKind
	def  *facilityDef // nil for offices
	// runner is the 係 whose part-timers work here.
	runner *team
	// siblings are the sites of the same kind run by the same 係.
	siblings []*site
}

// siteSet is the generated sites by role.
type siteSet struct {
	all        []*site
	head       *site
	branches   []*site
	facilities []*site
}

// sites adds n sites to g.m: the 本庁舎, up to five 総合支所, and facilities.
func (g *generator) sites(n int) *siteSet {
	places := g.placeNames()
	set := &siteSet{}
	add := func(s *site, place string, lat, lng float64, radiusM int) {
		s.code = fmt.Sprintf("S%04d", len(set.all)+1)
		set.all = append(set.all, s)
		g.m.Sites = append(g.m.Sites, Site{
			Code:    s.code,
			Name:    s.name,
			Address: g.address(place),
			Lat:     round6(lat),
			Lng:     round6(lng),
			RadiusM: radiusM,
		})
	}

	set.head = &site{name: "本庁舎", kind: headOffice}
	add(set.head, places[0], centerLat, centerLng, 300)

	nb := min(maxBranches, n/6)
	for i := range nb {
		b := &site{name: places[1+i] + "総合支所", kind: branchOffice}
		set.branches = append(set.branches, b)
		lat, lng := g.scatter()
		add(b, places[1+i], lat, lng, 200)
	}

	shares := make([]float64, len(facilities))
	for i, f := range facilities {
		shares[i] = f.share
	}
	counts := apportionAtLeast(n-1-nb, 1, shares)
	for i := range facilities {
		f := &facilities[i]
		order := g.rng.Perm(len(places))
		for j := range counts[i] {
			place := places[order[j%len(places)]]
			s := &site{name: ordinal(j/len(places)) + place + f.suffix, kind: f.kind, def: f}
			set.facilities = append(set.facilities, s)
			lat, lng := g.scatter()
			add(s, place, lat, lng, f.minRadiusM+50*g.rng.IntN((f.maxRadiusM-f.minRadiusM)/50+1))
		}
	}
	return set
}

// placeNames returns every place name in an order drawn from g's source.
func (g *generator) placeNames() []string {
	names := make([]string, 0, len(placePrefixes)*len(placeSuffixes))
	for _, p := range placePrefixes {
		for _, s := range placeSuffixes {
			names = append(names, p+s)
		}
	}
	g.rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	return names
}

// address returns a street address in place, like "東京都デモ区桜丘3-12-5".
func (g *generator) address(place string) string {
	return fmt.Sprintf("東京都%s%s%d-%d-%d", wardName, place, 1+g.rng.IntN(5), 1+g.rng.IntN(30), 1+g.rng.IntN(20))
}

// scatter returns a point in the ward.
func (g *generator) scatter() (lat, lng float64) {
	return centerLat + spreadDeg*(2*g.rng.Float64()-1), centerLng + spreadDeg*(2*g.rng.Float64()-1)
}

// round6 rounds a coordinate to six decimals (about 10 cm).
func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// ordinal returns "" for 0 and 第二, 第三… for 1, 2…: the prefix that
// tells apart facilities of the same kind in the same place.
func ordinal(n int) string {
	if n == 0 {
		return ""
	}
	return "第" + kanjiNumber(n+1)
}

// kanjiNumber writes 1 ≤ n ≤ 99 in kanji (二, 十二, 二十); larger n in digits.
func kanjiNumber(n int) string {
	const digits = "〇一二三四五六七八九"
	d := []rune(digits)
	switch {
	case n < 10:
		return string(d[n])
	case n < 100:
		s := ""
		if n/10 > 1 {
			s = string(d[n/10])
		}
		s += "十"
		if n%10 != 0 {
			s += string(d[n%10])
		}
		return s
	}
	return fmt.Sprint(n)
}

// terminals adds total terminals to g.m: one per site and the rest at the
// 本庁舎 and 総合支所, which have several entrances and floors.
func (g *generator) terminals(set *siteSet, total int) {
	weights := make([]float64, len(set.all))
	for i, s := range set.all {
		switch s.kind {
		case headOffice:
			weights[i] = headTerminalWeight
		case branchOffice:
			weights[i] = branchTerminalWeight
		}
	}
	extra := apportion(total-len(set.all), weights)
	for i, s := range set.all {
		for k := range 1 + extra[i] {
			at := officeSpot(k)
			if s.def != nil && k == 0 {
				at = s.def.terminalAt
			}
			g.m.Terminals = append(g.m.Terminals, Terminal{
				Code:     fmt.Sprintf("T%04d", len(g.m.Terminals)+1),
				Name:     s.name + " " + at,
				SiteCode: s.code,
			})
		}
	}
}

// officeSpot names where the k-th terminal of an office building stands:
// the entrances first, then the lift halls floor by floor.
func officeSpot(k int) string {
	entrances := []string{"1F 通用口", "1F 正面玄関", "1F 北側入口"}
	if k < len(entrances) {
		return entrances[k]
	}
	k -= len(entrances)
	side := "東"
	if k%2 == 1 {
		side = "西"
	}
	return fmt.Sprintf("%dF %sエレベーターホール", 2+k/2, side)
}
