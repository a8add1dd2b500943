package punch

import (
	"math"

	"kintai"
)

// EarthRadiusM is the mean radius of the Earth in metres (IUGG), used by Distance.
const EarthRadiusM = 6371008.8

// AccuracyAllowanceMaxM caps how much of a fix's reported accuracy counts in
// the staff member's favour at a geofence edge; see Fence.Contains.
const AccuracyAllowanceMaxM = 100

// Fence is a site's geofence (ジオフェンス): a circle around a point.
type Fence struct {
	Lat, Lng float64
	RadiusM  int
}

// FenceOf returns the geofence of site s, or nil when s is nil or has none.
func FenceOf(s *kintai.Site) *Fence {
	if s == nil || s.Lat == nil || s.Lng == nil || s.RadiusM == nil {
		return nil
	}
	return &Fence{Lat: *s.Lat, Lng: *s.Lng, RadiusM: *s.RadiusM}
}

// Distance returns the great-circle distance in metres between two points
// given in degrees (haversine formula on a sphere of EarthRadiusM). Its
// error against the ellipsoid is far below a phone's accuracy.
func Distance(lat1, lng1, lat2, lng2 float64) float64 {
	const rad = math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLng := (lng2 - lng1) * rad
	s1, s2 := math.Sin(dLat/2), math.Sin(dLng/2)
	a := s1*s1 + math.Cos(lat1*rad)*math.Cos(lat2*rad)*s2*s2
	a = min(1, max(0, a)) // rounding can push a just outside [0, 1]
	return 2 * EarthRadiusM * math.Asin(math.Sqrt(a))
}

// Contains reports whether a fix at lat, lng with the reported accuracy
// (metres; 0 if unknown) may be inside f. It accepts when the distance to
// the centre is at most RadiusM plus the accuracy, the accuracy capped at
// AccuracyAllowanceMaxM: a staff member standing at the door with a 30 m
// fix should not be flagged, but a coarse fix (cell tower, kilometres) must
// not pass every fence. A negative or NaN accuracy counts as 0.
func (f Fence) Contains(lat, lng, accuracyM float64) bool {
	allowance := 0.0
	if accuracyM > 0 { // false for NaN
		allowance = min(accuracyM, AccuracyAllowanceMaxM)
	}
	return Distance(f.Lat, f.Lng, lat, lng) <= float64(f.RadiusM)+allowance
}
