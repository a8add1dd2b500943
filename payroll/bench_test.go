package payroll

import (
	"fmt"
	"io"
	"testing"
)

// benchRows returns n rows made from the sample rows with distinct staff
// numbers.
func benchRows(b *testing.B, n int) []Row {
	b.Helper()
	sample := sampleRows(b)
	rows := make([]Row, n)
	for i := range rows {
		rows[i] = sample[i%len(sample)]
		rows[i].StaffNo = fmt.Sprintf("%06d", i+1)
	}
	return rows
}

// BenchmarkWrite writes a 10,000-row month, the size of a large city's
// staff, in each format and reports rows per second.
func BenchmarkWrite(b *testing.B) {
	const n = 10_000
	rows := benchRows(b, n)
	sjis := DefaultLayout()
	sjis.Encoding = ShiftJIS
	tests := []struct {
		name  string
		write func(io.Writer, Layout, []Row) error
		l     Layout
	}{
		{"csv-utf8", WriteCSV, DefaultLayout()},
		{"csv-sjis", WriteCSV, sjis},
		{"xlsx", WriteXLSX, DefaultLayout()},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			var size int64
			for b.Loop() {
				cw := &countWriter{}
				if err := tt.write(cw, tt.l, rows); err != nil {
					b.Fatal(err)
				}
				size = cw.n
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(size), "bytes/file")
		})
	}
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}
