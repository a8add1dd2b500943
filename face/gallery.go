package face

import (
	"fmt"
	"math"

	"kintai"
)

// Enrolment limits.
const (
	MinSamples = 3
	MaxSamples = 10
	// MaxSampleSpread is the largest distance allowed between two samples
	// of one enrolment: samples farther apart are not of one face, or one
	// of them is of poor quality.
	MaxSampleSpread = 0.6
)

// Gallery holds the enrolled staff of a site, ready to scan. The samples
// of all staff lie in one slice, grouped by staff member, so a scan walks
// memory in order. Build it with Add; it is read-only afterwards and safe
// for concurrent use.
type Gallery struct {
	staff   []int64
	end     []int // staff[i]'s samples are samples[end[i-1]:end[i]]
	samples []Descriptor
	index   map[int64]int
}

// Add appends the samples of staff member id. Adding the same id twice
// replaces nothing: the caller adds each staff member once.
func (g *Gallery) Add(id int64, samples []Descriptor) {
	if len(samples) == 0 {
		return
	}
	if g.index == nil {
		g.index = map[int64]int{}
	}
	g.index[id] = len(g.staff)
	g.staff = append(g.staff, id)
	g.samples = append(g.samples, samples...)
	g.end = append(g.end, len(g.samples))
}

// Len returns the number of staff members in g.
func (g *Gallery) Len() int { return len(g.staff) }

// Has reports whether staff member id is in g.
func (g *Gallery) Has(id int64) bool { _, ok := g.index[id]; return ok }

// SamplesOf returns the samples of staff member id, nil if absent.
func (g *Gallery) SamplesOf(id int64) []Descriptor {
	i, ok := g.index[id]
	if !ok {
		return nil
	}
	return g.samples[g.start(i):g.end[i]]
}

func (g *Gallery) start(i int) int {
	if i == 0 {
		return 0
	}
	return g.end[i-1]
}

// Identify finds who probe is among the staff of g (1:N). Each staff
// member's distance is that of their closest sample. The best staff
// member matches when their distance is at most t.Match and the
// second-best different staff member is at least t.Margin farther; a best
// distance up to t.Uncertain that fails either test is StatusUncertain.
func Identify(g *Gallery, probe *Descriptor, t Thresholds) Result {
	inf := float32(math.Inf(1))
	best, second := inf, inf // squared distances of the two closest staff
	bestIdx, secondIdx := -1, -1
	for i := range g.staff {
		// Only a staff member closer than the current second best can
		// change the top two, so each sample is abandoned beyond that.
		mine := second
		for k := g.start(i); k < g.end[i]; k++ {
			if d := sqDist(probe, &g.samples[k], mine); d < mine {
				mine = d
			}
		}
		switch {
		case mine < best:
			best, second, bestIdx, secondIdx = mine, best, i, bestIdx
		case mine < second:
			second, secondIdx = mine, i
		}
	}
	if bestIdx < 0 {
		return Result{Status: StatusNone, Distance: math.Inf(1), Margin: math.Inf(1)}
	}
	r := Result{StaffID: g.staff[bestIdx], Distance: math.Sqrt(float64(best)), Margin: math.Inf(1)}
	if secondIdx >= 0 {
		r.Margin = math.Sqrt(float64(second)) - r.Distance
		r.SecondID = g.staff[secondIdx]
	}
	r.Status = decide(r, t)
	return r
}

func decide(r Result, t Thresholds) Status {
	switch {
	case r.Distance <= t.Match && r.Margin >= t.Margin:
		return StatusMatch
	case r.Distance <= t.Uncertain:
		return StatusUncertain
	}
	return StatusNone
}

// Verify checks probe against the samples of one staff member (1:1): a
// match when their closest sample is at most t.Match away, else
// StatusNone. The margin does not apply; Result.Margin is +Inf.
func Verify(staffID int64, samples []Descriptor, probe *Descriptor, t Thresholds) Result {
	r := Result{Status: StatusNone, StaffID: staffID, Distance: math.Inf(1), Margin: math.Inf(1)}
	for k := range samples {
		r.Distance = min(r.Distance, Distance(probe, &samples[k]))
	}
	if r.Distance <= t.Match {
		r.Status = StatusMatch
	}
	return r
}

// CheckSamples checks the samples of an enrolment: MinSamples to
// MaxSamples of them, every two at most MaxSampleSpread apart.
func CheckSamples(samples []Descriptor) error {
	if len(samples) < MinSamples || len(samples) > MaxSamples {
		return kintai.Invalid("samples", fmt.Sprintf("顔のサンプルは%d〜%d枚必要です（%d枚あります）。", MinSamples, MaxSamples, len(samples)),
			fmt.Sprintf("An enrolment needs %d to %d samples, not %d.", MinSamples, MaxSamples, len(samples)))
	}
	for i := range samples {
		for j := i + 1; j < len(samples); j++ {
			if d := Distance(&samples[i], &samples[j]); d > MaxSampleSpread {
				return kintai.Invalid("samples", fmt.Sprintf("%d枚目と%d枚目のサンプルが一致しません（距離 %.2f）。同じ人が、明るい場所で正面を向いて撮り直してください。", i+1, j+1, d),
					fmt.Sprintf("Samples %d and %d disagree (distance %.2f). Retake them: the same person, in good light, facing the camera.", i+1, j+1, d))
			}
		}
	}
	return nil
}
