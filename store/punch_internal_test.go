package store

import (
	"slices"
	"testing"
)

func TestStatementSizes(t *testing.T) {
	tests := []struct {
		n    int
		want []int
	}{
		{0, nil},
		{1, []int{1}},
		{127, []int{64, 32, 16, 8, 4, 2, 1}},
		{128, []int{128}},
		{300, []int{128, 128, 32, 8, 4}},
	}
	for _, tt := range tests {
		if got := statementSizes(tt.n); !slices.Equal(got, tt.want) {
			t.Errorf("statementSizes(%d) = %v, want %v", tt.n, got, tt.want)
		}
	}
}
