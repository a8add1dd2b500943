package app

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kintai/face"
	"kintai/store"
)

// The measurements of the face pipeline that the issue asks for, on the
// labelled photos of shared/faces, with the kiosk's own browser code and
// the server's own matching code:
//
//	go test ./web/app -run 'TestFaceMeasure$' -count=1 -v
//
// prints one line "face-measure {...}" with the figures. The photos are of
// well-known people that face models have likely seen in training, so the
// figures are optimistic.

// photoResult is what the browser pipeline makes of one photo.
type photoResult struct {
	Faces      int       `json:"faces"`
	Problem    string    `json:"problem"`
	Yaw        float64   `json:"yaw"`
	Openness   float64   `json:"openness"`
	Sharpness  float64   `json:"sharpness"`
	Scale      float64   `json:"scale"`
	Descriptor []float64 `json:"descriptor"`
	MS         float64   `json:"ms"`
}

// describePhotosJS runs static/kiosk/face.js on each photo as the kiosk's
// camera would show it: fitted into a 320×240 frame (as makeClip does),
// nearer or farther (scales; 0 keeps the photo's own size). The test
// photos are tight crops, where the detector needs some margin around the
// face, so each photo is tried at the scales in turn until a face is found.
const describePhotosJS = `(async (photos, scales) => {
  const face = await import('/static/kiosk/face.js');
  await face.load();
  const out = [];
  for (const p of photos) {
    const img = new Image();
    img.src = p.data;
    await img.decode();
    let r = {faces: 0, problem: 'no_face', yaw: 0, openness: 0, sharpness: 0, scale: 0, descriptor: null, ms: 0};
    for (const scale of scales) {
      let c = img;
      if (scale > 0) {
        c = document.createElement('canvas');
        c.width = 320; c.height = 240;
        const g = c.getContext('2d');
        g.fillStyle = '#000'; g.fillRect(0, 0, c.width, c.height);
        const k = scale * Math.min(c.width / img.naturalWidth, c.height / img.naturalHeight);
        const w = Math.round(img.naturalWidth * k), h = Math.round(img.naturalHeight * k);
        g.drawImage(img, (c.width - w) >> 1, (c.height - h) >> 1, w, h);
      }
      const t0 = performance.now();
      const m = await face.look(c);
      r = {faces: m.faces, problem: m.problem ? m.problem.code : '', yaw: m.yaw || 0, openness: m.openness || 0,
        sharpness: m.sharpness || 0, scale, descriptor: null, ms: 0};
      if (m.faces === 1) {
        const d = await face.describe(c);
        r.descriptor = d ? d.descriptor : null;
      }
      r.ms = performance.now() - t0;
      if (m.faces > 0) break;
    }
    out.push(r);
  }
  return out;
})`

// describePhotos runs the kiosk's pipeline in the browser tab p on photos.
func describePhotos(t *testing.T, p *page, photos []photo, scales []float64) []photoResult {
	t.Helper()
	type in struct {
		Data string `json:"data"`
	}
	var ins []in
	for _, ph := range photos {
		ins = append(ins, in{dataURL(t, ph.Path)})
	}
	a, err := json.Marshal(ins)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := json.Marshal(scales)
	ctx, cancel := context.WithTimeout(p.ctx, 3*time.Minute)
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.Evaluate[[]photoResult](describePhotosJS+"("+string(a)+","+string(s)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("describe photos in the browser: %v", err)
	}
	return res
}

// labelled is a descriptor with the person it belongs to.
type labelled struct {
	Person string
	D      face.Descriptor
}

// faceFigures are the identification figures of a set of labelled
// descriptors.
type faceFigures struct {
	Descriptors   int `json:"descriptors"`
	People        int `json:"people"`
	GenuinePairs  int `json:"genuine_pairs"`
	ImpostorPairs int `json:"impostor_pairs"`
	// MaxGenuine and MinImpostor are the farthest same-person pair and
	// the nearest pair of two people.
	MaxGenuine  float64 `json:"max_genuine"`
	MinImpostor float64 `json:"min_impostor"`
	// EER is the equal-error rate of the pair distances.
	EER float64 `json:"eer"`
	// TARAtFAR is the share of genuine pairs accepted at the largest
	// distance threshold (ThresholdAtFAR, exclusive) that accepts at most
	// FAR of the impostor pairs.
	FAR            float64 `json:"far"`
	ThresholdAtFAR float64 `json:"threshold_at_far"`
	TARAtFAR       float64 `json:"tar_at_far"`
	// Rank1 is the share of probes whose nearest other descriptor is of
	// the same person (leave-one-out, people with two or more photos).
	Rank1       float64 `json:"rank1"`
	Rank1Probes int     `json:"rank1_probes"`
	// The server's decision (face.Identify) at Thresholds. Enrolled: each
	// probe against everyone, its own other photos included (leave one
	// out). NotEnrolled: each probe against everyone but its own person,
	// so any match is a false match.
	Thresholds  face.Thresholds `json:"thresholds"`
	Enrolled    decisionCounts  `json:"enrolled"`
	NotEnrolled decisionCounts  `json:"not_enrolled"`
}

// decisionCounts counts face.Identify's answers; Match is a right match
// and WrongMatch a match with someone else (a false match).
type decisionCounts struct {
	Probes     int `json:"probes"`
	Match      int `json:"match"`
	WrongMatch int `json:"wrong_match"`
	Uncertain  int `json:"uncertain"`
	None       int `json:"none"`
}

// measureFaces computes the figures of ds, with t for the server's
// decisions and far as the false-accept rate to read the true accepts at.
func measureFaces(ds []labelled, t face.Thresholds, far float64) faceFigures {
	f := faceFigures{Descriptors: len(ds), FAR: far, Thresholds: t}
	count := map[string]int{}
	for _, d := range ds {
		count[d.Person]++
	}
	f.People = len(count)
	var genuine, impostor []float64
	for i := range ds {
		for j := i + 1; j < len(ds); j++ {
			d := face.Distance(&ds[i].D, &ds[j].D)
			if ds[i].Person == ds[j].Person {
				genuine = append(genuine, d)
			} else {
				impostor = append(impostor, d)
			}
		}
	}
	sort.Float64s(genuine)
	sort.Float64s(impostor)
	f.GenuinePairs, f.ImpostorPairs = len(genuine), len(impostor)
	below := func(xs []float64, th float64) int { return sort.SearchFloat64s(xs, th) } // how many < th
	if len(genuine) > 0 && len(impostor) > 0 {
		// Accept d < th: at most k impostor pairs may be accepted.
		k := int(math.Floor(far * float64(len(impostor))))
		f.ThresholdAtFAR = math.Inf(1)
		if k < len(impostor) {
			f.ThresholdAtFAR = impostor[k]
		}
		f.TARAtFAR = float64(below(genuine, f.ThresholdAtFAR)) / float64(len(genuine))
		f.MaxGenuine, f.MinImpostor = genuine[len(genuine)-1], impostor[0]
		// EER: the threshold among all distances where FRR and FAR cross.
		all := append(slices.Clone(genuine), impostor...)
		sort.Float64s(all)
		best := math.Inf(1)
		for _, th := range all {
			frr := 1 - float64(below(genuine, th)+countEq(genuine, th))/float64(len(genuine))
			fa := float64(below(impostor, th)+countEq(impostor, th)) / float64(len(impostor))
			if gap := math.Abs(frr - fa); gap < best {
				best, f.EER = gap, (frr+fa)/2
			}
		}
	}
	ids := map[string]int64{}
	for _, d := range ds {
		if _, ok := ids[d.Person]; !ok {
			ids[d.Person] = int64(len(ids) + 1)
		}
	}
	gallery := func(skip int, skipPerson string) *face.Gallery {
		by := map[string][]face.Descriptor{}
		var order []string
		for i, d := range ds {
			if i == skip || d.Person == skipPerson {
				continue
			}
			if _, ok := by[d.Person]; !ok {
				order = append(order, d.Person)
			}
			by[d.Person] = append(by[d.Person], d.D)
		}
		g := &face.Gallery{}
		for _, p := range order {
			g.Add(ids[p], by[p])
		}
		return g
	}
	rank1 := 0
	for i, probe := range ds {
		if count[probe.Person] >= 2 {
			f.Rank1Probes++
			nearest, who := math.Inf(1), ""
			for j, d := range ds {
				if j != i {
					if dist := face.Distance(&probe.D, &d.D); dist < nearest {
						nearest, who = dist, d.Person
					}
				}
			}
			if who == probe.Person {
				rank1++
			}
			f.Enrolled.add(face.Identify(gallery(i, ""), &probe.D, t), ids[probe.Person])
		}
		f.NotEnrolled.add(face.Identify(gallery(i, probe.Person), &probe.D, t), ids[probe.Person])
	}
	if f.Rank1Probes > 0 {
		f.Rank1 = float64(rank1) / float64(f.Rank1Probes)
	}
	return f
}

func countEq(xs []float64, th float64) int {
	n := 0
	for i := sort.SearchFloat64s(xs, th); i < len(xs) && xs[i] == th; i++ {
		n++
	}
	return n
}

func (c *decisionCounts) add(r face.Result, want int64) {
	c.Probes++
	switch {
	case r.Status == face.StatusMatch && r.StaffID == want:
		c.Match++
	case r.Status == face.StatusMatch:
		c.WrongMatch++
	case r.Status == face.StatusUncertain:
		c.Uncertain++
	default:
		c.None++
	}
}

// axis returns a descriptor that is x along axis i and 0 elsewhere.
func axis(i int, x float32) face.Descriptor {
	var d face.Descriptor
	d[i] = x
	return d
}

func TestMeasureFaces(t *testing.T) {
	// Three people with two photos each. Same-person pairs are 0.1 apart;
	// a and b are 0.3 apart, c is far from both.
	ds := []labelled{
		{"a", axis(0, 1)}, {"a", axis(0, 1.1)},
		{"b", axis(0, 1.3)}, {"b", axis(0, 1.4)},
		{"c", axis(1, 1)}, {"c", axis(1, 1.1)},
	}
	got := measureFaces(ds, face.Thresholds{Match: 0.15, Margin: 0.05, Uncertain: 0.35}, 0.1)
	// Impostor distances: a–b 0.2, 0.3, 0.3, 0.4 and eight pairs with c
	// (about 1.4 to 1.8): twelve, so a FAR of 0.1 allows one, and the
	// threshold is the second smallest, 0.3; all three genuine pairs (0.1)
	// lie below it.
	if got.GenuinePairs != 3 || got.ImpostorPairs != 12 {
		t.Errorf("pairs = %d genuine, %d impostor, want 3 and 12", got.GenuinePairs, got.ImpostorPairs)
	}
	if math.Abs(got.ThresholdAtFAR-0.3) > 1e-6 || got.TARAtFAR != 1 {
		t.Errorf("at FAR 0.1: threshold %v TAR %v, want 0.3 and 1", got.ThresholdAtFAR, got.TARAtFAR)
	}
	if math.Abs(got.MaxGenuine-0.1) > 1e-6 || math.Abs(got.MinImpostor-0.2) > 1e-6 {
		t.Errorf("farthest genuine %v, nearest impostor %v, want 0.1 and 0.2", got.MaxGenuine, got.MinImpostor)
	}
	if got.EER != 0 {
		t.Errorf("EER = %v, want 0 (the classes are apart)", got.EER)
	}
	if got.Rank1 != 1 || got.Rank1Probes != 6 {
		t.Errorf("rank-1 = %v of %d, want 1 of 6", got.Rank1, got.Rank1Probes)
	}
	// Enrolled: every probe is 0.1 from its own other photo and at least
	// 0.2 from anyone else's, so all six match.
	if want := (decisionCounts{Probes: 6, Match: 6}); got.Enrolled != want {
		t.Errorf("enrolled = %+v, want %+v", got.Enrolled, want)
	}
	// Not enrolled: a's photos find b at 0.3 (a1) and 0.2 (a2): uncertain
	// (beyond 0.15, within 0.35); b's find a at 0.2 (b1) and 0.3 (b2):
	// uncertain; c's find nobody near.
	if want := (decisionCounts{Probes: 6, Uncertain: 4, None: 2}); got.NotEnrolled != want {
		t.Errorf("not enrolled = %+v, want %+v", got.NotEnrolled, want)
	}
}

func TestFaceMeasure(t *testing.T) {
	dir := facesDir(t)
	people, groups := facePhotos(t, dir)
	ctx := newCameraBrowser(t, filepath.Join(t.TempDir(), "unused.y4m"))
	f := newFixture(t, store.SQLite)
	p := &page{t: t, f: f, ctx: ctx}
	if st := p.open("/kiosk"); st != 200 {
		t.Fatalf("GET /kiosk: status %d", st)
	}
	start := time.Now()
	res := describePhotos(t, p, people, []float64{1, 0.7, 0.5})
	took := time.Since(start)
	var ds []labelled
	var ms []float64
	var missed []string
	for i, r := range res {
		if r.Descriptor == nil {
			missed = append(missed, strings.TrimPrefix(people[i].Path, dir+"/"))
			continue
		}
		d, err := face.ParseDescriptor("descriptor", r.Descriptor)
		if err != nil {
			t.Fatalf("%s: %v", people[i].Path, err)
		}
		ds = append(ds, labelled{people[i].Person, d})
		ms = append(ms, r.MS)
	}
	// Group photos at their own size: the kiosk must see more than one face.
	gres := describePhotos(t, p, groups, []float64{0})
	groupFaces := map[string]int{}
	for i, r := range gres {
		groupFaces[filepath.Base(groups[i].Path)] = r.Faces
		if r.Faces < 2 {
			t.Errorf("%s: %d faces found, want at least 2 (a group photo must fail the one-face check)", groups[i].Path, r.Faces)
		}
		if r.Problem != "many_faces" && r.Faces >= 2 {
			t.Errorf("%s: problem %q, want many_faces", groups[i].Path, r.Problem)
		}
	}
	sort.Float64s(ms)
	th := face.DefaultThresholds()
	fig := measureFaces(ds, th, 0.001)
	out := map[string]any{
		"photos": len(people), "described": len(ds), "missed": missed, "group_faces": groupFaces,
		"browser_ms_per_photo_median": math.Round(ms[len(ms)/2]), "browser_total_s": math.Round(took.Seconds()*10) / 10,
		"figures": fig,
	}
	// The same decisions at other thresholds, to choose the defaults.
	var sweep []string
	for _, m := range []float64{0.40, 0.45, 0.50, 0.55, 0.60} {
		for _, g := range []float64{0, 0.05, 0.08} {
			s := measureFaces(ds, face.Thresholds{Match: m, Margin: g, Uncertain: max(m, th.Uncertain)}, 0.001)
			sweep = append(sweep, fmt.Sprintf("match≤%.2f margin≥%.2f: enrolled %d/%d right, %d wrong; not enrolled %d false matches, %d uncertain",
				m, g, s.Enrolled.Match, s.Enrolled.Probes, s.Enrolled.WrongMatch, s.NotEnrolled.WrongMatch, s.NotEnrolled.Uncertain))
		}
	}
	out["sweep"] = sweep
	line, _ := json.Marshal(out)
	t.Logf("face-measure %s", line)

	// The figures this pipeline reached when the defaults were chosen
	// (see the README), with some room: a worse model, a broken detector
	// or a changed distance fails here.
	if len(ds) < len(people)*9/10 {
		t.Errorf("described %d of %d photos, want at least 90%% (missed %v)", len(ds), len(people), missed)
	}
	if fig.Rank1 < 0.95 {
		t.Errorf("rank-1 = %.3f, want at least 0.95", fig.Rank1)
	}
	if fig.TARAtFAR < 0.9 {
		t.Errorf("TAR at FAR 0.1%% = %.3f, want at least 0.9", fig.TARAtFAR)
	}
	if fig.Enrolled.WrongMatch != 0 || fig.NotEnrolled.WrongMatch != 0 {
		t.Errorf("false matches at the default thresholds %+v: %d among enrolled, %d for people not enrolled, want none",
			th, fig.Enrolled.WrongMatch, fig.NotEnrolled.WrongMatch)
	}
	if right := float64(fig.Enrolled.Match) / float64(fig.Enrolled.Probes); right < 0.85 {
		t.Errorf("enrolled people matched %.3f of the time at the default thresholds, want at least 0.85", right)
	}
}
