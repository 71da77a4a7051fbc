package records

import "testing"

func TestParseNumber(t *testing.T) {
	for in, want := range map[string]Number{
		"1234-3/2026":     {Foszam: 1234, Alszam: 3, Year: 2026},
		" 1-1/2025 ":      {Foszam: 1, Alszam: 1, Year: 2025},
		"ADÓ/17-2/2026":   {Prefix: "ADÓ", Foszam: 17, Alszam: 2, Year: 2026},
		"HAGY-1/5-1/2024": {Prefix: "HAGY-1", Foszam: 5, Alszam: 1, Year: 2024},
	} {
		got, err := ParseNumber(in)
		if err != nil || got != want {
			t.Errorf("ParseNumber(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "1234/2026", "0-1/2026", "1-0/2026", "1-1/26", "a-1/2026", "1-1/2026x", "1 - 1/2026", "//1-1/2026", "1-1/1066"} {
		if _, err := ParseNumber(bad); err == nil {
			t.Errorf("ParseNumber(%q) accepted", bad)
		}
	}
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1234-3/2026", "ADÓ/1-1/2025", "", "x/0-0/0", "99999999999999-1/2026"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNumber(s)
		if err != nil {
			if err.(*NumberError).HU() == "" {
				t.Fatal("no Hungarian message")
			}
			return
		}
		// What parses renders back to a string that parses to the same.
		again, err := ParseNumber(n.String())
		if err != nil || again != n {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, n, n.String(), again, err)
		}
	})
}
