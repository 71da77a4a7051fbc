package hu

import (
	"slices"
	"sync"
	"testing"
)

func TestSortStringsHungarian(t *testing.T) {
	tests := []struct {
		in, want []string
	}{
		// cs is a letter after c; ö/ő come after o/ó.
		{
			[]string{"Zalaegerszeg", "Öttevény", "Csepel", "Ózd", "Cegléd", "Ábrahám"},
			[]string{"Ábrahám", "Cegléd", "Csepel", "Ózd", "Öttevény", "Zalaegerszeg"},
		},
		{
			[]string{"Csongrád", "Cukor", "Czakó", "Cipő"},
			[]string{"Cipő", "Cukor", "Czakó", "Csongrád"},
		},
		{
			[]string{"Szeged", "Sződ", "Sümeg", "Sárvár", "Zsámbék", "Zug"},
			[]string{"Sárvár", "Sümeg", "Szeged", "Sződ", "Zug", "Zsámbék"},
		},
		{
			[]string{"Ürkút", "Ugod", "Úrkút", "Őr", "Orosháza"},
			[]string{"Orosháza", "Őr", "Ugod", "Úrkút", "Ürkút"},
		},
	}
	for _, tt := range tests {
		got := slices.Clone(tt.in)
		SortStrings(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("SortStrings(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"Cukor", "Csepel", -1},
		{"Ózd", "Öttevény", -1},
		{"Győr", "Gyöngyös", 1},
		{"Gyula", "Gödöllő", 1}, // gy after g…
		{"Ács", "Ács", 0},
	}
	for _, tt := range tests {
		if got := Compare(tt.a, tt.b); got != tt.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSortBy(t *testing.T) {
	type settlement struct {
		name string
		ksh  string
	}
	items := []settlement{
		{"Zalaegerszeg", "32054"}, {"Öttevény", "2"}, {"Csepel", "3"},
		{"Ózd", "4"}, {"Cegléd", "5"}, {"Ábrahám", "6"}, {"Ózd", "7"},
	}
	SortBy(items, func(s settlement) string { return s.name })
	var names, ids []string
	for _, it := range items {
		names = append(names, it.name)
		ids = append(ids, it.ksh)
	}
	want := []string{"Ábrahám", "Cegléd", "Csepel", "Ózd", "Ózd", "Öttevény", "Zalaegerszeg"}
	if !slices.Equal(names, want) {
		t.Errorf("SortBy = %q, want %q", names, want)
	}
	if ids[3] != "4" || ids[4] != "7" {
		t.Errorf("SortBy is not stable: %q", ids)
	}
	SortBy([]settlement(nil), func(s settlement) string { return s.name }) // must not panic
}

func TestCollateConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if Compare("Cukor", "Csepel") >= 0 {
					t.Error("wrong order under concurrency")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkCompare(b *testing.B) {
	for b.Loop() {
		_ = Compare("Hódmezővásárhely", "Hódmezőgazda")
	}
}
