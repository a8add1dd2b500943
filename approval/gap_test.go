package approval

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/punch"
	"kintai/rules"
)

func TestCompareOvertime(t *testing.T) {
	at := func(h, m int) time.Time { return jst(2025, 6, 10, h, m) }
	regular := iv(at(8, 30), at(17, 15))
	none := rules.Interval{}
	tests := []struct {
		name                       string
		regular, ordered, reported rules.Interval
		actual                     []rules.Interval
		threshold                  int
		want                       Gap
	}{
		{"TC-REC-02: reported end 17:15, PC log-off 20:40", regular, none, none, []rules.Interval{iv(at(8, 25), at(20, 40))}, 30,
			Gap{BeforeMin: 5, AfterMin: 205, UnreportedMin: 210, ThresholdMin: 30, Over: []string{GapAfter}, ReasonRequired: true}},
		{"log-off seconds are dropped, not rounded", regular, none, none, []rules.Interval{iv(at(8, 30), at(20, 40).Add(59*time.Second))}, 30,
			Gap{AfterMin: 205, UnreportedMin: 205, ThresholdMin: 30, Over: []string{GapAfter}, ReasonRequired: true}},
		{"report matches the order and presence", regular, iv(at(17, 15), at(19, 0)), iv(at(17, 15), at(19, 0)), []rules.Interval{iv(at(8, 20), at(19, 10))}, 30,
			Gap{BeforeMin: 10, AfterMin: 10, UnreportedMin: 20, ThresholdMin: 30}},
		{"a gap of exactly the threshold needs no reason", regular, none, none, []rules.Interval{iv(at(8, 30), at(17, 45))}, 30,
			Gap{AfterMin: 30, UnreportedMin: 30, ThresholdMin: 30}},
		{"one minute over the threshold", regular, none, none, []rules.Interval{iv(at(8, 30), at(17, 46))}, 30,
			Gap{AfterMin: 31, UnreportedMin: 31, ThresholdMin: 30, Over: []string{GapAfter}, ReasonRequired: true}},
		{"reported beyond the order", regular, iv(at(17, 15), at(18, 15)), iv(at(17, 15), at(19, 0)), []rules.Interval{iv(at(8, 30), at(19, 5))}, 30,
			Gap{AfterMin: 5, UnreportedMin: 5, BeyondOrderMin: 45, ThresholdMin: 30, Over: []string{GapBeyondOrder}, ReasonRequired: true}},
		{"overtime with no order at all", regular, none, iv(at(17, 15), at(18, 0)), []rules.Interval{iv(at(8, 30), at(18, 0))}, 30,
			Gap{BeyondOrderMin: 45, ThresholdMin: 30, Over: []string{GapBeyondOrder}, ReasonRequired: true}},
		{"reported without presence", regular, iv(at(17, 15), at(20, 0)), iv(at(17, 15), at(20, 0)), []rules.Interval{iv(at(8, 30), at(17, 30))}, 30,
			Gap{UnsupportedMin: 150, ThresholdMin: 30, Over: []string{GapUnsupported}, ReasonRequired: true}},
		{"no objective record at all", regular, iv(at(17, 15), at(19, 0)), iv(at(17, 15), at(19, 0)), nil, 30,
			Gap{UnsupportedMin: 105, ThresholdMin: 30, Over: []string{GapUnsupported}, ReasonRequired: true}},
		{"less than ordered is shown, never asked about", regular, iv(at(17, 15), at(20, 0)), iv(at(17, 15), at(18, 0)), []rules.Interval{iv(at(8, 30), at(18, 5))}, 30,
			Gap{AfterMin: 5, UnreportedMin: 5, ShortOfOrderMin: 120, ThresholdMin: 30}},
		{"present between regular hours and a later overtime", regular, iv(at(18, 0), at(19, 0)), iv(at(18, 0), at(19, 0)), []rules.Interval{iv(at(8, 30), at(19, 0))}, 30,
			Gap{UnreportedMin: 45, ThresholdMin: 30, Over: []string{GapInside}, ReasonRequired: true}},
		{"early overtime before regular hours", regular, iv(at(7, 0), at(8, 30)), iv(at(7, 0), at(8, 30)), []rules.Interval{iv(at(6, 0), at(17, 20))}, 30,
			Gap{BeforeMin: 60, AfterMin: 5, UnreportedMin: 65, ThresholdMin: 30, Over: []string{GapBefore}, ReasonRequired: true}},
		{"overlapping door and PC records merge", regular, none, none, []rules.Interval{iv(at(13, 0), at(13, 30)), iv(at(11, 50), at(17, 20)), iv(at(8, 25), at(12, 0))}, 30,
			Gap{BeforeMin: 5, AfterMin: 5, UnreportedMin: 10, ThresholdMin: 30}},
		{"holiday work: no regular hours", none, iv(at(9, 0), at(17, 0)), iv(at(9, 0), at(17, 0)), []rules.Interval{iv(at(8, 50), at(17, 10))}, 30,
			Gap{BeforeMin: 10, AfterMin: 10, UnreportedMin: 20, ThresholdMin: 30}},
		{"presence on a day with nothing reported", none, none, none, []rules.Interval{iv(at(9, 0), at(10, 0))}, 30,
			Gap{UnreportedMin: 60, ThresholdMin: 30, Over: []string{GapInside}, ReasonRequired: true}},
		{"negative threshold counts as 0", regular, none, none, []rules.Interval{iv(at(8, 30), at(17, 16))}, -5,
			Gap{AfterMin: 1, UnreportedMin: 1, ThresholdMin: 0, Over: []string{GapAfter}, ReasonRequired: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CompareOvertime(tt.regular, tt.ordered, tt.reported, tt.actual, tt.threshold)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CompareOvertime() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGapText(t *testing.T) {
	at := func(h, m int) time.Time { return jst(2025, 6, 10, h, m) }
	g := CompareOvertime(iv(at(8, 30), at(17, 15)), rules.Interval{}, rules.Interval{}, []rules.Interval{iv(at(8, 25), at(20, 40))}, 30)
	if ja, en := g.text(), g.textEN(); ja != "報告終了後の在庁 3時間25分" || en != "present after the reported end 3h25m" {
		t.Errorf("Gap text = %q, %q", ja, en)
	}
}

func TestPresence(t *testing.T) {
	day := kintai.NewDate(2025, 6, 10)
	at := func(h, m int) time.Time { return jst(2025, 6, 10, h, m) }
	n := int64(0)
	p := func(k punch.Kind, h, m int) punch.Punch {
		n++
		return punch.Punch{ID: n, Input: punch.Input{StaffID: 1, Kind: k}, At: at(h, m), BusinessDay: day}
	}
	fix := func(of punch.Punch, h, m int) punch.Punch {
		c := p(of.Kind, h, m)
		c.CorrectsID = of.ID
		return c
	}
	in, out := p(punch.ClockIn, 9, 10), p(punch.ClockOut, 18, 0)
	other := p(punch.ClockIn, 7, 0)
	other.StaffID = 2
	tests := []struct {
		name    string
		punches []punch.Punch
		want    []rules.Interval
	}{
		{"in and out", []punch.Punch{in, out}, []rules.Interval{iv(at(9, 10), at(18, 0))}},
		{"a go-out is not presence", []punch.Punch{in, p(punch.GoOut, 12, 0), p(punch.Return, 13, 0), out},
			[]rules.Interval{iv(at(9, 10), at(12, 0)), iv(at(13, 0), at(18, 0))}},
		{"a break is presence", []punch.Punch{in, p(punch.BreakStart, 12, 0), p(punch.BreakEnd, 13, 0), out}, []rules.Interval{iv(at(9, 10), at(18, 0))}},
		{"a correction replaces the punch", []punch.Punch{in, out, fix(in, 8, 30)}, []rules.Interval{iv(at(8, 30), at(18, 0))}},
		{"no clock-out: up to the last punch", []punch.Punch{in, p(punch.BreakStart, 12, 0)}, []rules.Interval{iv(at(9, 10), at(12, 0))}},
		{"split shift", []punch.Punch{in, p(punch.ClockOut, 12, 0), p(punch.ClockIn, 17, 0), p(punch.ClockOut, 21, 0)},
			[]rules.Interval{iv(at(9, 10), at(12, 0)), iv(at(17, 0), at(21, 0))}},
		{"someone else's punches", []punch.Punch{other, in, out}, []rules.Interval{iv(at(9, 10), at(18, 0))}},
		{"nothing", nil, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Presence(1, day, tt.punches)); diff != "" {
			t.Errorf("%s: Presence mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}
