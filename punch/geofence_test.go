package punch

import (
	"math"
	"testing"

	"kintai"
)

func TestDistance(t *testing.T) {
	const oneDegree = math.Pi * EarthRadiusM / 180 // about 111.2 km
	tests := []struct {
		name                   string
		lat1, lng1, lat2, lng2 float64
		want, tol              float64
	}{
		{"same point", 35.6895, 139.6917, 35.6895, 139.6917, 0, 1e-9},
		{"one degree of latitude", 0, 0, 1, 0, oneDegree, 1e-6},
		{"one degree of longitude at the equator", 0, 0, 0, 1, oneDegree, 1e-6},
		{"antipodes", 0, 0, 0, 180, math.Pi * EarthRadiusM, 1},
		{"pole to pole", 90, 0, -90, 0, math.Pi * EarthRadiusM, 1},
		{"across the date line", 0, 179.5, 0, -179.5, oneDegree, 1e-6},
		// Tokyo Station to Shinjuku Station, about 6.1 km.
		{"Tokyo to Shinjuku", 35.681236, 139.767125, 35.690921, 139.700258, 6130, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Distance(tt.lat1, tt.lng1, tt.lat2, tt.lng2)
			if math.Abs(got-tt.want) > tt.tol {
				t.Errorf("Distance(%v, %v, %v, %v) = %v, want %v ± %v", tt.lat1, tt.lng1, tt.lat2, tt.lng2, got, tt.want, tt.tol)
			}
			if back := Distance(tt.lat2, tt.lng2, tt.lat1, tt.lng1); math.Abs(back-got) > 1e-6 {
				t.Errorf("Distance is not symmetric: %v and %v", got, back)
			}
		})
	}
}

func TestContains(t *testing.T) {
	f := Fence{Lat: 35.0, Lng: 139.0, RadiusM: 200}
	// metresNorth returns the latitude m metres north of the centre.
	metresNorth := func(m float64) float64 { return f.Lat + m/(math.Pi*EarthRadiusM/180) }
	tests := []struct {
		name      string
		northM    float64
		accuracyM float64
		want      bool
	}{
		{"centre", 0, 0, true},
		{"inside", 150, 0, true},
		{"at the edge", 199.9, 0, true},
		{"just outside, exact fix", 201, 0, false},
		{"just outside, 30 m accuracy", 220, 30, true},
		{"beyond the accuracy", 240, 30, false},
		{"coarse fix counts only 100 m", 299, 5000, true},
		{"coarse fix does not pass everything", 301, 5000, false},
		{"negative accuracy counts as 0", 201, -50, false},
		{"NaN accuracy counts as 0", 201, math.NaN(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lat := metresNorth(tt.northM)
			if got := f.Contains(lat, f.Lng, tt.accuracyM); got != tt.want {
				t.Errorf("Contains(%v m north, accuracy %v) = %v, want %v", tt.northM, tt.accuracyM, got, tt.want)
			}
		})
	}
}

func TestFenceOf(t *testing.T) {
	lat, lng, r := 35.0, 139.0, 150
	tests := []struct {
		name string
		site *kintai.Site
		want *Fence
	}{
		{"nil site", nil, nil},
		{"no geofence", &kintai.Site{ID: 1}, nil},
		{"partial geofence", &kintai.Site{ID: 1, Lat: &lat, Lng: &lng}, nil},
		{"geofence", &kintai.Site{ID: 1, Lat: &lat, Lng: &lng, RadiusM: &r}, &Fence{Lat: 35, Lng: 139, RadiusM: 150}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FenceOf(tt.site)
			if (got == nil) != (tt.want == nil) || got != nil && *got != *tt.want {
				t.Errorf("FenceOf(%+v) = %+v, want %+v", tt.site, got, tt.want)
			}
		})
	}
}
