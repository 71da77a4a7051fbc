package caps

import (
	"strconv"
	"strings"
	"testing"
)

// ParseRate reads decree text and CLI input: it never panics, and what it
// accepts prints back to the same number.
func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"1100", "2950,1", "3.6", "-0.2", "0.125", "", "1.", ".5", "999999999999.999", "1,2,3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if err != nil {
			return
		}
		back, err := ParseRate(r.String())
		if err != nil || back != r {
			t.Fatalf("%q → %d → %q → %d, %v", s, r, r.String(), back, err)
		}
	})
}

// Load takes reference files a domain expert edits: bad files give an
// error, never a panic, and a loaded table answers Cap without panicking.
func FuzzLoad(f *testing.F) {
	e := EmbeddedFiles()
	f.Add(string(e.Caps), string(e.CPI))
	f.Add("adonem,alap,fajta,ertek,valorizalt,elso_adoev,utolso_adoev,jogszabaly,bizonytalan\n", "ev,fogyasztoi_arindex_szazalek\n2003,-99.999\n")
	f.Add(strings.Replace(string(e.Caps), "1100", "1e9", 1), "ev,fogyasztoi_arindex_szazalek\n2003,999.999\n")
	f.Fuzz(func(t *testing.T, capsCSV, cpiCSV string) {
		tb, err := Load(Files{Types: e.Types, Caps: []byte(capsCSV), CPI: []byte(cpiCSV), Published: []byte("adonem,alap,adoev,ertek,forras\n")})
		if err != nil {
			return
		}
		for _, ty := range tb.Types() {
			for _, b := range ty.Bases {
				for _, y := range []int{2004, 2025, 2026} {
					c, err := tb.Cap(ty.Code, b, y)
					if err == nil && c.Kind != None && c.Value < 0 {
						t.Fatalf("%s/%s %d: negative cap %d", ty.Code, b, y, c.Value)
					}
				}
			}
		}
	})
}

// An absurd CPI chain (×10 every year) is refused, not wrapped around.
func TestCapOutOfRange(t *testing.T) {
	e := EmbeddedFiles()
	var cpi strings.Builder
	cpi.WriteString("ev,fogyasztoi_arindex_szazalek\n")
	for y := 2003; y <= 2025; y++ {
		cpi.WriteString(strconv.Itoa(y) + ",900\n")
	}
	e.CPI = []byte(cpi.String())
	tb, err := Load(e)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tb.Cap(CommunalTax, PerObject, 2027); code(err) != CodeNoData {
		t.Errorf("huge chain: %v", err)
	}
	// Fixed caps do not depend on the chain.
	if c, err := tb.Cap(BusinessTax, PercentBusinessBase, 2027); err != nil || c.Value != 2*RateUnit {
		t.Errorf("HIPA: %+v %v", c, err)
	}
}
