// Package face matches face descriptors (顔特徴量) for the kiosk: parsing
// and checking the 128-number descriptors that the browser computes, the
// Euclidean distance between them, identification against a gallery of
// enrolled staff (1:N, with a best-versus-second margin), verification
// against one staff member (1:1), the agreement of enrolment samples, and
// the sealing of templates with AES-GCM for storage.
//
// The server never sees a photo: the browser runs the face model and sends
// only the descriptor and the model tag. The package is pure: no I/O, no
// clock.
package face

import (
	"encoding/json"
	"fmt"
	"math"

	"kintai"
)

// Model is the tag of the only model whose descriptors are accepted:
// @vladmandic/face-api's faceRecognitionNet, 128 numbers, compared by
// Euclidean distance. Descriptors of different models cannot be compared,
// so every descriptor and template carries its model tag.
const Model = "faceapi-128"

// Dim is the length of a descriptor.
const Dim = 128

// maxComponent bounds each number of a descriptor. faceapi's components lie
// well inside ±1; anything far outside is not a descriptor of that model.
const maxComponent = 16

// Descriptor is a face descriptor: Dim numbers from the browser's model.
type Descriptor [Dim]float32

// CheckModel refuses any model tag other than Model.
func CheckModel(model string) error {
	switch model {
	case Model:
		return nil
	case "":
		return kintai.Invalid("model", "顔認識モデル(model)を指定してください。", "model is required.")
	}
	return kintai.Invalid("model", fmt.Sprintf("顔認識モデル %q には対応していません（%s のみ）。", model, Model),
		fmt.Sprintf("Face model %q is not supported (only %s).", model, Model))
}

// ParseDescriptor checks the numbers of a descriptor as decoded from JSON:
// exactly Dim finite numbers of moderate size, not all zero. field names
// the input in the error (e.g. "descriptor" or "samples[2]").
func ParseDescriptor(field string, v []float64) (Descriptor, error) {
	var d Descriptor
	if v == nil {
		return d, kintai.Invalid(field, "顔特徴量を指定してください。", field+" is required.")
	}
	if len(v) != Dim {
		return d, kintai.Invalid(field, fmt.Sprintf("顔特徴量は%d個の数値で指定してください（%d個あります）。", Dim, len(v)),
			fmt.Sprintf("%s must have %d numbers, not %d.", field, Dim, len(v)))
	}
	zero := true
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) || x < -maxComponent || x > maxComponent {
			return d, kintai.Invalid(field, fmt.Sprintf("顔特徴量の%d番目の数値が範囲外です。", i+1),
				fmt.Sprintf("%s[%d] is out of range.", field, i))
		}
		if x != 0 {
			zero = false
		}
		d[i] = float32(x)
	}
	if zero {
		return d, kintai.Invalid(field, "顔特徴量がすべて0です。顔を検出できていません。", field+" is all zeros: no face was detected.")
	}
	return d, nil
}

// DecodeDescriptorJSON reads a descriptor written as a JSON array of numbers.
func DecodeDescriptorJSON(b []byte) (Descriptor, error) {
	var v []float64
	if err := json.Unmarshal(b, &v); err != nil {
		return Descriptor{}, kintai.Invalid("descriptor", "顔特徴量は数値の配列で指定してください。", "descriptor must be an array of numbers.")
	}
	return ParseDescriptor("descriptor", v)
}

// Distance returns the Euclidean distance between a and b.
func Distance(a, b *Descriptor) float64 { return math.Sqrt(float64(sqDist(a, b, math.MaxFloat32))) }

// sqDist returns the squared distance between a and b, or some value above
// bound as soon as the partial sum passes it (early abandoning: most of a
// gallery is far from the probe, and a partial sum only grows).
func sqDist(a, b *Descriptor, bound float32) float32 {
	var s float32
	for i := 0; i < Dim; i += 16 {
		var s0, s1, s2, s3 float32
		x, y := a[i:i+16:i+16], b[i:i+16:i+16]
		for j := 0; j < 16; j += 4 {
			d0 := x[j] - y[j]
			d1 := x[j+1] - y[j+1]
			d2 := x[j+2] - y[j+2]
			d3 := x[j+3] - y[j+3]
			s0 += d0 * d0
			s1 += d1 * d1
			s2 += d2 * d2
			s3 += d3 * d3
		}
		s += (s0 + s1) + (s2 + s3)
		if s > bound {
			return s
		}
	}
	return s
}

// Thresholds are the matching settings (照合しきい値). Distances are Euclidean.
type Thresholds struct {
	// Match is the largest distance at which a probe is accepted as a
	// staff member. Default 0.50.
	Match float64
	// Margin is how much farther the second-best staff member (a
	// different person) must be than the best for a 1:N match. Default 0.08.
	Margin float64
	// Uncertain is the largest distance at which a probe that fails Match
	// or Margin is still reported as a possible candidate. Default 0.60.
	Uncertain float64
}

// DefaultThresholds returns the default settings.
func DefaultThresholds() Thresholds { return Thresholds{Match: 0.50, Margin: 0.08, Uncertain: 0.60} }

// Validate checks that t is usable.
func (t Thresholds) Validate() error {
	switch {
	case !(t.Match > 0 && t.Match < 2):
		return kintai.Invalid("threshold", "照合しきい値は0より大きく2未満で指定してください。", "The match threshold must be greater than 0 and less than 2.")
	case !(t.Margin >= 0 && t.Margin < 2):
		return kintai.Invalid("margin", "照合マージンは0以上2未満で指定してください。", "The margin must be at least 0 and less than 2.")
	case !(t.Uncertain >= t.Match && t.Uncertain < 2):
		return kintai.Invalid("uncertain", "要確認しきい値は照合しきい値以上、2未満で指定してください。", "The uncertain threshold must be at least the match threshold and less than 2.")
	}
	return nil
}

// Status is the outcome of a match.
type Status string

// Statuses.
const (
	// StatusMatch: the probe is this staff member.
	StatusMatch Status = "match"
	// StatusUncertain: the probe is close to this staff member, but not
	// close enough, or not clearly closer than to someone else.
	StatusUncertain Status = "uncertain"
	// StatusNone: nobody is close.
	StatusNone Status = "none"
)

// Result is the outcome of Identify or Verify.
type Result struct {
	Status Status
	// StaffID is the best candidate, 0 when the gallery is empty.
	StaffID int64
	// Distance is the best candidate's distance (its closest sample);
	// +Inf when the gallery is empty.
	Distance float64
	// Margin is the second-best staff member's distance minus Distance;
	// +Inf when there is no second staff member (and for Verify).
	Margin float64
	// SecondID is the second-best staff member, 0 if none (and for Verify).
	SecondID int64
}
