package hu

import "testing"

func TestStripSeparators(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"123 456-789", "123456789", true},
		{"\u00a0123\u2009456\u202f789\u2013", "123456789", true},
		{"12\t3", "123", true},
		{"", "", true},
		{"12a3", "12a3", false},
		{"١٢٣", "١٢٣", false}, // Arabic-Indic digits are not accepted
		{"12.3", "12.3", false},
	}
	for _, tt := range tests {
		got, ok := stripSeparators(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("stripSeparators(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestWeightedSum(t *testing.T) {
	tests := []struct {
		s       string
		weights []int
		want    int
	}{
		{"1234", []int{1, 3, 7, 9}, 1 + 6 + 21 + 36},
		{"11773016", []int{9, 7, 3, 1}, 80},
		{"", []int{1}, 0},
	}
	for _, tt := range tests {
		if got := weightedSum(tt.s, tt.weights); got != tt.want {
			t.Errorf("weightedSum(%q, %v) = %d, want %d", tt.s, tt.weights, got, tt.want)
		}
	}
}
