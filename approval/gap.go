package approval

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"kintai"
	"kintai/punch"
	"kintai/rules"
)

// Gap measures, in minutes, a day's reported hours against the ordered
// overtime and against objective presence (乖離: entry/exit, clock-in/out,
// PC log-on/log-off; rules-jp.md §7). Above the threshold on any measure
// a reason is required (TC-REC-02: reported end 17:15, PC log-off 20:40 →
// 3h25m after → reason required).
type Gap struct {
	// BeforeMin is presence before the reported work began, AfterMin
	// presence after it ended, UnreportedMin all presence outside the
	// reported work (Before and After included, and time inside the
	// reported span that was not reported: between regular hours and a
	// later overtime).
	BeforeMin     int `json:"before_min"`
	AfterMin      int `json:"after_min"`
	UnreportedMin int `json:"unreported_min"`
	// UnsupportedMin is reported overtime with no objective presence
	// (possible over-reporting).
	UnsupportedMin int `json:"unsupported_min"`
	// BeyondOrderMin is reported overtime outside the ordered interval;
	// ShortOfOrderMin ordered overtime that was not reported (shown, never
	// a reason to ask).
	BeyondOrderMin  int `json:"beyond_order_min"`
	ShortOfOrderMin int `json:"short_of_order_min"`
	ThresholdMin    int `json:"threshold_min"`
	// Over lists the measures above the threshold: GapBefore, GapAfter,
	// GapInside, GapUnsupported, GapBeyondOrder.
	Over           []string `json:"over,omitempty"`
	ReasonRequired bool     `json:"reason_required"`
}

// Gap measures that can require a reason.
const (
	GapBefore      = "before"       // present before the reported start
	GapAfter       = "after"        // present after the reported end
	GapInside      = "inside"       // present inside the reported span but not reported
	GapUnsupported = "unsupported"  // reported without presence
	GapBeyondOrder = "beyond_order" // reported beyond the order
)

var gapLabels = map[string][2]string{
	GapBefore:      {"報告開始前の在庁", "present before the reported start"},
	GapAfter:       {"報告終了後の在庁", "present after the reported end"},
	GapInside:      {"報告のない在庁", "present but not reported"},
	GapUnsupported: {"在庁記録のない報告", "reported without presence"},
	GapBeyondOrder: {"命令を超える報告", "reported beyond the order"},
}

// CompareOvertime compares a day's reported work with the ordered
// overtime and the objective presence. regular is the day's regular hours
// (zero on a day without), ordered the ordered or approved overtime (zero
// when none), reported the overtime reported as worked (zero when none;
// "reported end 17:15" is regular hours 8:30–17:15 and no overtime),
// actual the objective presence intervals in any order (they may overlap).
// A measure above thresholdMin (strictly) requires a reason.
func CompareOvertime(regular, ordered, reported rules.Interval, actual []rules.Interval, thresholdMin int) Gap {
	thresholdMin = max(0, thresholdMin)
	work := norm([]rules.Interval{regular, reported})
	present := norm(actual)
	g := Gap{ThresholdMin: thresholdMin}
	unreported := subtract(present, work)
	g.UnreportedMin = total(unreported)
	if len(work) > 0 {
		first, last := work[0].Start, work[len(work)-1].End
		var before, after []rules.Interval
		for _, iv := range unreported {
			switch {
			case !iv.End.After(first):
				before = append(before, iv)
			case !iv.Start.Before(last):
				after = append(after, iv)
			}
		}
		g.BeforeMin, g.AfterMin = total(before), total(after)
	}
	rep, ord := norm([]rules.Interval{reported}), norm([]rules.Interval{ordered})
	g.UnsupportedMin = total(subtract(rep, present))
	g.BeyondOrderMin = total(subtract(rep, ord))
	g.ShortOfOrderMin = total(subtract(ord, rep))
	inside := g.UnreportedMin - g.BeforeMin - g.AfterMin
	for _, m := range []struct {
		name string
		min  int
	}{{GapBefore, g.BeforeMin}, {GapAfter, g.AfterMin}, {GapInside, inside}, {GapUnsupported, g.UnsupportedMin}, {GapBeyondOrder, g.BeyondOrderMin}} {
		if m.min > thresholdMin {
			g.Over = append(g.Over, m.name)
		}
	}
	g.ReasonRequired = len(g.Over) > 0
	return g
}

// measure returns the minutes of the named measure.
func (g Gap) measure(name string) int {
	switch name {
	case GapBefore:
		return g.BeforeMin
	case GapAfter:
		return g.AfterMin
	case GapInside:
		return g.UnreportedMin - g.BeforeMin - g.AfterMin
	case GapUnsupported:
		return g.UnsupportedMin
	case GapBeyondOrder:
		return g.BeyondOrderMin
	}
	return 0
}

// Summary lists the measures above the threshold in Japanese and in
// English ("報告終了後の在庁 3時間25分" / "present after the reported end
// 3h25m"), empty when none is, for showing the gap to the approver.
func (g Gap) Summary() (ja, en string) { return g.text(), g.textEN() }

// Presence returns the objective presence (在庁) of staff member staffID on
// business day day from their punches: each 出勤 to the next 退勤, less
// any 外出 to 戻り, after corrections (Sequence). A session still open
// at the end of the punches counts up to the last punch of the day.
// Breaks count as presence: the staff member was there.
func Presence(staffID int64, day kintai.Date, punches []punch.Punch) []rules.Interval {
	var out []rules.Interval
	var in, out0 time.Time // open session start, open go-out start
	last := time.Time{}
	closeAt := func(t time.Time) {
		if !in.IsZero() && t.After(in) {
			out = append(out, rules.Interval{Start: in, End: t})
		}
	}
	for _, p := range punch.Sequence(punches) {
		if p.StaffID != staffID || p.BusinessDay != day {
			continue
		}
		last = p.At
		switch p.Kind {
		case punch.ClockIn:
			if in.IsZero() {
				in = p.At
			}
		case punch.ClockOut:
			if !out0.IsZero() { // clocked out while out: presence ended at the go-out
				closeAt(out0)
			} else {
				closeAt(p.At)
			}
			in, out0 = time.Time{}, time.Time{}
		case punch.GoOut:
			if !in.IsZero() && out0.IsZero() {
				out0 = p.At
			}
		case punch.Return:
			if !out0.IsZero() {
				closeAt(out0)
				in, out0 = p.At, time.Time{}
			}
		}
	}
	if !in.IsZero() {
		if !out0.IsZero() {
			closeAt(out0)
		} else {
			closeAt(last)
		}
	}
	return norm(out)
}

// text lists the measures above the threshold in Japanese: "報告終了後の在庁 3時間25分".
func (g Gap) text() string {
	var parts []string
	for _, o := range g.Over {
		m := g.measure(o)
		parts = append(parts, fmt.Sprintf("%s %d時間%02d分", gapLabels[o][0], m/60, m%60))
	}
	return strings.Join(parts, "、")
}

// textEN lists the measures above the threshold in English: "present after the reported end 3h25m".
func (g Gap) textEN() string {
	var parts []string
	for _, o := range g.Over {
		m := g.measure(o)
		parts = append(parts, fmt.Sprintf("%s %dh%02dm", gapLabels[o][1], m/60, m%60))
	}
	return strings.Join(parts, ", ")
}

// norm drops empty intervals, sorts the rest and merges those that touch
// or overlap.
func norm(ivs []rules.Interval) []rules.Interval {
	var out []rules.Interval
	for _, iv := range ivs {
		if iv.End.After(iv.Start) {
			out = append(out, iv)
		}
	}
	slices.SortFunc(out, func(a, b rules.Interval) int { return a.Start.Compare(b.Start) })
	merged := out[:0]
	for _, iv := range out {
		if n := len(merged); n > 0 && !iv.Start.After(merged[n-1].End) {
			if iv.End.After(merged[n-1].End) {
				merged[n-1].End = iv.End
			}
			continue
		}
		merged = append(merged, iv)
	}
	return merged
}

// subtract returns the parts of a (normalised) not covered by b
// (normalised).
func subtract(a, b []rules.Interval) []rules.Interval {
	var out []rules.Interval
	for _, iv := range a {
		cur := iv
		for _, c := range b {
			if !c.End.After(cur.Start) || !c.Start.Before(cur.End) {
				continue
			}
			if c.Start.After(cur.Start) {
				out = append(out, rules.Interval{Start: cur.Start, End: c.Start})
			}
			cur.Start = c.End
			if !cur.End.After(cur.Start) {
				break
			}
		}
		if cur.End.After(cur.Start) {
			out = append(out, cur)
		}
	}
	return out
}

// total returns the length of ivs in whole minutes, seconds summed before
// truncating.
func total(ivs []rules.Interval) int {
	var d time.Duration
	for _, iv := range ivs {
		d += iv.End.Sub(iv.Start)
	}
	return minutes(d)
}

func minutes(d time.Duration) int { return int(d / time.Minute) }
