package face

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kintai"
)

// at returns a descriptor whose first components are xs and the rest 0.
func at(xs ...float32) Descriptor {
	var d Descriptor
	copy(d[:], xs)
	return d
}

func ones(x float64) []float64 {
	v := make([]float64, Dim)
	for i := range v {
		v[i] = x
	}
	return v
}

func TestParseDescriptor(t *testing.T) {
	with := func(i int, x float64) []float64 {
		v := ones(0.1)
		v[i] = x
		return v
	}
	tests := []struct {
		name    string
		in      []float64
		wantErr string // substring of the English message, "" for success
	}{
		{"valid", ones(0.1), ""},
		{"negative and positive", with(5, -0.7), ""},
		{"missing", nil, "required"},
		{"empty", []float64{}, "must have 128 numbers, not 0"},
		{"short", ones(0.1)[:127], "not 127"},
		{"long", append(ones(0.1), 0.1), "not 129"},
		{"NaN", with(3, math.NaN()), "descriptor[3] is out of range"},
		{"+Inf", with(0, math.Inf(1)), "descriptor[0] is out of range"},
		{"-Inf", with(127, math.Inf(-1)), "descriptor[127] is out of range"},
		{"huge", with(9, 1e6), "descriptor[9] is out of range"},
		{"all zeros", ones(0), "all zeros"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDescriptor("descriptor", tt.in)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ParseDescriptor = %v, want no error", err)
				}
				for i := range d {
					if d[i] != float32(tt.in[i]) {
						t.Fatalf("ParseDescriptor()[%d] = %v, want %v", i, d[i], tt.in[i])
					}
				}
				return
			}
			var e *kintai.Error
			if !errors.As(err, &e) || e.Code != kintai.EINVALID || e.Field != "descriptor" || e.Message == "" {
				t.Fatalf("ParseDescriptor = %#v, want an EINVALID *kintai.Error on field descriptor with a Japanese message", err)
			}
			if !strings.Contains(e.MessageEN, tt.wantErr) {
				t.Errorf("ParseDescriptor error %q, want it to contain %q", e.MessageEN, tt.wantErr)
			}
		})
	}
}

func TestCheckModel(t *testing.T) {
	tests := []struct {
		model string
		ok    bool
	}{
		{"faceapi-128", true},
		{"", false},
		{"human-1024", false},
		{"FACEAPI-128", false},
	}
	for _, tt := range tests {
		err := CheckModel(tt.model)
		if (err == nil) != tt.ok {
			t.Errorf("CheckModel(%q) = %v, want ok=%v", tt.model, err, tt.ok)
		}
		if err != nil && kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("CheckModel(%q) code = %q, want invalid", tt.model, kintai.ErrorCode(err))
		}
	}
}

func TestDistance(t *testing.T) {
	a, b := at(0, 0), at(0.3, 0.4)
	if got := Distance(&a, &b); math.Abs(got-0.5) > 1e-6 {
		t.Errorf("Distance(a, b) = %v, want 0.5", got)
	}
	if got := Distance(&b, &b); got != 0 {
		t.Errorf("Distance(b, b) = %v, want 0", got)
	}
	// Every component counts, not only the first ones.
	var c, d Descriptor
	for i := range c {
		c[i] = 0.01
	}
	if got := Distance(&c, &d); math.Abs(got-0.01*math.Sqrt(Dim)) > 1e-6 {
		t.Errorf("Distance(c, 0) = %v, want %v", got, 0.01*math.Sqrt(Dim))
	}
}

func TestIdentify(t *testing.T) {
	th := DefaultThresholds()
	type person struct {
		id      int64
		samples []Descriptor
	}
	tests := []struct {
		name    string
		gallery []person
		probe   Descriptor
		want    Result
	}{
		{"empty gallery", nil, at(0.1),
			Result{Status: StatusNone, Distance: math.Inf(1), Margin: math.Inf(1)}},
		{"one person close", []person{{7, []Descriptor{at(0.2)}}}, at(0),
			Result{Status: StatusMatch, StaffID: 7, Distance: 0.2, Margin: math.Inf(1)}},
		{"clear winner", []person{{7, []Descriptor{at(0.2)}}, {8, []Descriptor{at(-0.5)}}}, at(0),
			Result{Status: StatusMatch, StaffID: 7, Distance: 0.2, Margin: 0.3, SecondID: 8}},
		{"margin too small", []person{{7, []Descriptor{at(0.30)}}, {8, []Descriptor{at(-0.35)}}}, at(0),
			Result{Status: StatusUncertain, StaffID: 7, Distance: 0.30, Margin: 0.05, SecondID: 8}},
		{"margin exactly enough", []person{{7, []Descriptor{at(0.25)}}, {8, []Descriptor{at(0, 0.375)}}}, at(0),
			Result{Status: StatusMatch, StaffID: 7, Distance: 0.25, Margin: 0.125, SecondID: 8}},
		{"beyond match, within uncertain", []person{{7, []Descriptor{at(0.55)}}}, at(0),
			Result{Status: StatusUncertain, StaffID: 7, Distance: 0.55, Margin: math.Inf(1)}},
		{"too far", []person{{7, []Descriptor{at(0.75)}}, {8, []Descriptor{at(-0.9)}}}, at(0),
			Result{Status: StatusNone, StaffID: 7, Distance: 0.75, Margin: 0.15, SecondID: 8}},
		// The second best must be another person: a staff member's other
		// samples never shrink the margin.
		{"own samples do not count as second", []person{{7, []Descriptor{at(0.25), at(0.26), at(-0.27)}}, {8, []Descriptor{at(0, 0.9)}}}, at(0),
			Result{Status: StatusMatch, StaffID: 7, Distance: 0.25, Margin: 0.65, SecondID: 8}},
		{"closest sample counts", []person{{7, []Descriptor{at(0.9), at(0.1)}}, {8, []Descriptor{at(-0.3), at(-0.8)}}}, at(0),
			Result{Status: StatusMatch, StaffID: 7, Distance: 0.1, Margin: 0.2, SecondID: 8}},
		{"best found last", []person{{1, []Descriptor{at(0.8)}}, {2, []Descriptor{at(0.7)}}, {3, []Descriptor{at(-0.1)}}}, at(0),
			Result{Status: StatusMatch, StaffID: 3, Distance: 0.1, Margin: 0.6, SecondID: 2}},
	}
	approx := cmp.Comparer(func(x, y float64) bool {
		return x == y || math.Abs(x-y) < 1e-6
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g Gallery
			for _, p := range tt.gallery {
				g.Add(p.id, p.samples)
			}
			got := Identify(&g, &tt.probe, th)
			if diff := cmp.Diff(tt.want, got, approx); diff != "" {
				t.Errorf("Identify = %+v, want %+v (-want +got):\n%s", got, tt.want, diff)
			}
		})
	}
}

// randomDescriptor returns a descriptor spread like faceapi's: components
// of about ±0.1, so that two people are about 0.9 to 1.2 apart.
func randomDescriptor(r *rand.Rand) Descriptor {
	var d Descriptor
	for i := range d {
		d[i] = float32(r.NormFloat64() * 0.09)
	}
	return d
}

// near returns d moved by about spread in a random direction.
func near(r *rand.Rand, d Descriptor, spread float64) Descriptor {
	for i := range d {
		d[i] += float32(r.NormFloat64() * spread / math.Sqrt(Dim))
	}
	return d
}

// TestIdentifyAgreesWithBruteForce holds the early-abandoning scan to a
// plain one on random galleries.
func TestIdentifyAgreesWithBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	th := DefaultThresholds()
	for round := range 200 {
		var g Gallery
		n := 1 + r.IntN(40)
		all := map[int64][]Descriptor{}
		for i := range n {
			base := randomDescriptor(r)
			samples := []Descriptor{near(r, base, 0.2), near(r, base, 0.2), near(r, base, 0.2)}
			all[int64(i+1)] = samples
			g.Add(int64(i+1), samples)
		}
		probe := randomDescriptor(r)
		if round%2 == 0 { // half the probes are of someone enrolled
			probe = near(r, all[int64(1+r.IntN(n))][0], 0.3)
		}
		best, second, bestID, secondID := math.Inf(1), math.Inf(1), int64(0), int64(0)
		for id, samples := range all {
			d := math.Inf(1)
			for k := range samples {
				d = min(d, Distance(&probe, &samples[k]))
			}
			switch {
			case d < best:
				best, second, bestID, secondID = d, best, id, bestID
			case d < second:
				second, secondID = d, id
			}
		}
		got := Identify(&g, &probe, th)
		if got.StaffID != bestID || got.SecondID != secondID || math.Abs(got.Distance-best) > 1e-5 || (n > 1 && math.Abs(got.Margin-(second-best)) > 1e-5) {
			t.Fatalf("round %d: Identify = %+v, want staff %d at %v, then %d at margin %v", round, got, bestID, best, secondID, second-best)
		}
	}
}

func TestVerify(t *testing.T) {
	th := DefaultThresholds()
	samples := []Descriptor{at(0.9), at(0.45)}
	tests := []struct {
		name   string
		probe  Descriptor
		status Status
		dist   float64
	}{
		{"close sample", at(0), StatusMatch, 0.45},
		{"at the threshold", at(-0.05), StatusMatch, 0.5},
		{"beyond the threshold", at(-0.1), StatusNone, 0.55},
	}
	for _, tt := range tests {
		got := Verify(7, samples, &tt.probe, th)
		if got.Status != tt.status || got.StaffID != 7 || math.Abs(got.Distance-tt.dist) > 1e-6 {
			t.Errorf("%s: Verify = %+v, want %s at %v", tt.name, got, tt.status, tt.dist)
		}
	}
	if got := Verify(7, nil, &samples[0], th); got.Status != StatusNone {
		t.Errorf("Verify(no samples) = %+v, want none", got)
	}
}

func TestCheckSamples(t *testing.T) {
	tests := []struct {
		name    string
		samples []Descriptor
		wantErr string
	}{
		{"three that agree", []Descriptor{at(0), at(0.2), at(0, 0.3)}, ""},
		{"ten that agree", []Descriptor{at(0), at(0.05), at(0.1), at(0.15), at(0.2), at(0.25), at(0.3), at(0, 0.1), at(0, 0.2), at(0, 0.25)}, ""},
		{"identical", []Descriptor{at(0.1), at(0.1), at(0.1)}, ""},
		{"two", []Descriptor{at(0), at(0.1)}, "3 to 10 samples, not 2"},
		{"eleven", make([]Descriptor, 11), "not 11"},
		{"one of another person", []Descriptor{at(0), at(0.1), at(0.75)}, "Samples 1 and 3 disagree"},
	}
	for _, tt := range tests {
		err := CheckSamples(tt.samples)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%s: CheckSamples = %v, want nil", tt.name, err)
			}
			continue
		}
		var e *kintai.Error
		if !errors.As(err, &e) || e.Field != "samples" || !strings.Contains(e.MessageEN, tt.wantErr) || e.Message == "" {
			t.Errorf("%s: CheckSamples = %v, want an error on samples containing %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestThresholdsValidate(t *testing.T) {
	tests := []struct {
		name string
		th   Thresholds
		ok   bool
	}{
		{"default", DefaultThresholds(), true},
		{"strict", Thresholds{Match: 0.4, Margin: 0.1, Uncertain: 0.4}, true},
		{"zero", Thresholds{}, false},
		{"uncertain below match", Thresholds{Match: 0.5, Margin: 0.08, Uncertain: 0.45}, false},
		{"negative margin", Thresholds{Match: 0.5, Margin: -0.1, Uncertain: 0.6}, false},
		{"NaN", Thresholds{Match: math.NaN(), Margin: 0.08, Uncertain: 0.6}, false},
	}
	for _, tt := range tests {
		if err := tt.th.Validate(); (err == nil) != tt.ok {
			t.Errorf("%s: Validate() = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestSealOpen(t *testing.T) {
	key := bytes.Repeat([]byte{7}, KeySize)
	other := bytes.Repeat([]byte{8}, KeySize)
	samples := []Descriptor{at(0.1, -0.2), at(0.3), at(-0.5, 0, 0.25)}
	sealed, err := Seal(key, Model, 42, samples)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Open(key, Model, 42, sealed)
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	if diff := cmp.Diff(samples, got); diff != "" {
		t.Errorf("Open(Seal(samples)) differs (-want +got):\n%s", diff)
	}
	var plain []byte // the first sample as Seal lays it out before encrypting
	for _, x := range samples[0] {
		plain = binary.LittleEndian.AppendUint32(plain, math.Float32bits(x))
	}
	if bytes.Contains(sealed, plain[:8]) {
		t.Error("sealed template contains the plaintext of a sample")
	}
	again, _ := Seal(key, Model, 42, samples)
	if bytes.Equal(sealed, again) {
		t.Error("Seal twice gave the same bytes: the nonce is not fresh")
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	tests := []struct {
		name    string
		key     []byte
		model   string
		staffID int64
		sealed  []byte
	}{
		{"other staff member", key, Model, 43, sealed},
		{"other model", key, "faceapi-512", 42, sealed},
		{"other key", other, Model, 42, sealed},
		{"tampered", key, Model, 42, tampered},
		{"truncated", key, Model, 42, sealed[:10]},
		{"empty", key, Model, 42, nil},
	}
	for _, tt := range tests {
		if _, err := Open(tt.key, tt.model, tt.staffID, tt.sealed); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: Open = %v, want ErrOpen", tt.name, err)
		}
	}
	if _, err := Seal(key[:16], Model, 42, samples); err == nil {
		t.Error("Seal with a 16-byte key succeeded, want an error")
	}
	if _, err := Seal(key, Model, 42, nil); err == nil {
		t.Error("Seal of no samples succeeded, want an error")
	}
}

func TestParseKey(t *testing.T) {
	raw := bytes.Repeat([]byte{0xab}, KeySize)
	hexKey := hex.EncodeToString(raw)
	tests := []struct {
		name string
		in   []byte
		want []byte
	}{
		{"hex", []byte(hexKey), raw},
		{"hex with newline", []byte(hexKey + "\n"), raw},
		{"hex upper case with spaces", []byte("  " + strings.ToUpper(hexKey) + " \r\n"), raw},
		{"raw bytes", raw, raw},
		{"raw bytes ending in a newline byte", append(bytes.Repeat([]byte{1}, KeySize-1), '\n'), append(bytes.Repeat([]byte{1}, KeySize-1), '\n')},
		{"short hex", []byte(hexKey[:62]), nil},
		{"bad hex", []byte(strings.Repeat("zz", KeySize)), nil},
		{"empty", nil, nil},
		{"16 bytes", raw[:16], nil},
	}
	for _, tt := range tests {
		got, err := ParseKey(tt.in)
		if tt.want == nil {
			if err == nil {
				t.Errorf("%s: ParseKey = %x, want an error", tt.name, got)
			}
			continue
		}
		if err != nil || !bytes.Equal(got, tt.want) {
			t.Errorf("%s: ParseKey = %x, %v, want %x", tt.name, got, err, tt.want)
		}
	}
	k, err := ParseKey(NewKey())
	if err != nil || len(k) != KeySize {
		t.Errorf("ParseKey(NewKey()) = %x, %v, want a %d-byte key", k, err, KeySize)
	}
}

func FuzzDecodeDescriptorJSON(f *testing.F) {
	valid, _ := json.Marshal(ones(0.05))
	f.Add(valid)
	f.Add([]byte(`[]`))
	f.Add([]byte(`[1e400]`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"a":1}`))
	f.Add([]byte(`[` + strings.Repeat("0.1,", 127) + `"x"]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := DecodeDescriptorJSON(b)
		if err != nil {
			if kintai.ErrorCode(err) != kintai.EINVALID {
				t.Fatalf("DecodeDescriptorJSON(%q) = %v, want an EINVALID error", b, err)
			}
			return
		}
		zero := true
		for _, x := range d {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) || math.Abs(float64(x)) > maxComponent {
				t.Fatalf("DecodeDescriptorJSON(%q) accepted %v", b, x)
			}
			zero = zero && x == 0
		}
		if zero {
			t.Fatalf("DecodeDescriptorJSON(%q) accepted an all-zero descriptor", b)
		}
	})
}

func FuzzOpen(f *testing.F) {
	key := bytes.Repeat([]byte{3}, KeySize)
	samples := []Descriptor{at(0.1), at(0.2), at(0.3)}
	sealed, _ := Seal(key, Model, 1, samples)
	f.Add(sealed)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		// Only a template sealed with the key opens (the seed, whose
		// nonce differs between fuzzing processes); anything else fails
		// without panicking.
		got, err := Open(key, Model, 1, b)
		if err == nil && !cmp.Equal(got, samples) {
			t.Fatalf("Open accepted %d forged bytes: %v", len(b), got)
		}
	})
}

// benchGallery builds a gallery of n staff with 3 samples each.
func benchGallery(n int) (*Gallery, Descriptor) {
	r := rand.New(rand.NewPCG(3, 4))
	var g Gallery
	var probe Descriptor
	for i := range n {
		base := randomDescriptor(r)
		g.Add(int64(i+1), []Descriptor{near(r, base, 0.2), near(r, base, 0.2), near(r, base, 0.2)})
		if i == n/2 {
			probe = near(r, base, 0.25)
		}
	}
	return &g, probe
}

func benchmarkIdentify(b *testing.B, n int) {
	g, probe := benchGallery(n)
	th := DefaultThresholds()
	b.ResetTimer()
	for b.Loop() {
		if r := Identify(g, &probe, th); r.StaffID != int64(n/2+1) {
			b.Fatalf("Identify = %+v, want staff %d", r, n/2+1)
		}
	}
}

// BenchmarkIdentify10 is a small site: 10 staff with 3 samples each.
func BenchmarkIdentify10(b *testing.B) { benchmarkIdentify(b, 10) }

// BenchmarkIdentify10000 is a whole ward at one kiosk: 10,000 staff with 3 samples each.
func BenchmarkIdentify10000(b *testing.B) { benchmarkIdentify(b, 10000) }

// BenchmarkOpen is the cost of decrypting one template of 3 samples, the
// unit of a gallery's first load.
func BenchmarkOpen(b *testing.B) {
	key := bytes.Repeat([]byte{3}, KeySize)
	sealed, err := Seal(key, Model, 1, make([]Descriptor, 3))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Open(key, Model, 1, sealed); err != nil {
			b.Fatal(err)
		}
	}
}
