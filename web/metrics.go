package web

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Metrics counts requests per route and status and their durations, and
// writes them in the Prometheus text exposition format. It is small enough
// not to need a client library.
type Metrics struct {
	mu       sync.Mutex
	start    time.Time
	requests map[reqKey]uint64
	duration map[string]*histogram
	gauges   []Gauge
}

// Gauge is a value read at scrape time, e.g. the punch queue depth.
type Gauge struct {
	Name, Help string
	Value      func() float64
}

type reqKey struct {
	route  string
	status int
}

var buckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type histogram struct {
	counts []uint64 // per bucket, cumulative at write time
	sum    float64
	n      uint64
}

// NewMetrics returns empty metrics.
func NewMetrics() *Metrics {
	return &Metrics{start: time.Now(), requests: map[reqKey]uint64{}, duration: map[string]*histogram{}}
}

// AddGauge registers a gauge read on every scrape.
func (m *Metrics) AddGauge(g Gauge) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gauges = append(m.gauges, g)
}

// ObserveRequest records one request.
func (m *Metrics) ObserveRequest(route string, status int, took time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[reqKey{route, status}]++
	h := m.duration[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(buckets))}
		m.duration[route] = h
	}
	s := took.Seconds()
	for i, b := range buckets {
		if s <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += s
	h.n++
}

// ServeHTTP writes the metrics.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m.Write(w)
}

// Write writes the metrics in the Prometheus text format.
func (m *Metrics) Write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintln(w, "# HELP kintai_http_requests_total HTTP requests by route and status.")
	fmt.Fprintln(w, "# TYPE kintai_http_requests_total counter")
	keys := make([]reqKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].route != keys[j].route {
			return keys[i].route < keys[j].route
		}
		return keys[i].status < keys[j].status
	})
	for _, k := range keys {
		fmt.Fprintf(w, "kintai_http_requests_total{route=%q,status=\"%d\"} %d\n", k.route, k.status, m.requests[k])
	}
	fmt.Fprintln(w, "# HELP kintai_http_request_duration_seconds HTTP request durations by route.")
	fmt.Fprintln(w, "# TYPE kintai_http_request_duration_seconds histogram")
	routes := make([]string, 0, len(m.duration))
	for r := range m.duration {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	for _, route := range routes {
		h := m.duration[route]
		var cum uint64
		for i, b := range buckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "kintai_http_request_duration_seconds_bucket{route=%q,le=%q} %d\n", route, strconv.FormatFloat(b, 'g', -1, 64), cum)
		}
		fmt.Fprintf(w, "kintai_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", route, h.n)
		fmt.Fprintf(w, "kintai_http_request_duration_seconds_sum{route=%q} %g\n", route, h.sum)
		fmt.Fprintf(w, "kintai_http_request_duration_seconds_count{route=%q} %d\n", route, h.n)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gauges := append([]Gauge{
		{"kintai_uptime_seconds", "Seconds since the server started.", func() float64 { return time.Since(m.start).Seconds() }},
		{"kintai_go_goroutines", "Number of goroutines.", func() float64 { return float64(runtime.NumGoroutine()) }},
		{"kintai_go_heap_alloc_bytes", "Bytes of allocated heap objects.", func() float64 { return float64(ms.HeapAlloc) }},
	}, m.gauges...)
	for _, g := range gauges {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %g\n", g.Name, g.Help, g.Name, g.Name, g.Value())
	}
}
