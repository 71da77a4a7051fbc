package hu

import (
	"encoding/csv"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestParseTaxNumber(t *testing.T) {
	tests := []struct {
		in   string
		want string
		code string
	}{
		// Public tax numbers of well-known companies, and the worked example
		// of a Hungarian article on the structure of the adószám.
		{"10773381-2-44", "10773381-2-44", ""}, // Magyar Telekom
		{"10625790-4-44", "10625790-4-44", ""}, // MOL
		{"10537914-4-44", "10537914-4-44", ""}, // OTP Bank
		{"25978221-2-42", "25978221-2-42", ""}, // MagNet Faktor (article example)
		{"25978221242", "25978221-2-42", ""},
		{" 25978221 - 2 - 42 ", "25978221-2-42", ""},
		{"25978221-2-02", "25978221-2-02", ""}, // county (Baranya)
		{"25978221-1-33", "25978221-1-33", ""}, // sole trader range (Pest)
		{"25978221-5-51", "25978221-5-51", ""},
		{"25978222-2-42", "", CodeChecksum},
		{"52978221-2-42", "", CodeChecksum}, // swapped digits
		{"25978221-0-42", "", CodeRange},    // VAT code 0
		{"25978221-6-42", "", CodeRange},    // VAT code 6
		{"25978221-2-01", "", CodeRange},    // 01 is not a NAV directorate
		{"25978221-2-21", "", CodeRange},
		{"25978221-2-45", "", CodeRange},
		{"25978221-2-99", "", CodeRange},
		{"25978221-2-4", "", CodeLength},
		{"25978221", "", CodeLength},
		{"2597822l-2-42", "", CodeFormat},
		{"", "", CodeEmpty},
	}
	for _, tt := range tests {
		got, err := ParseTaxNumber(tt.in)
		if tt.code != "" {
			if !errors.Is(err, &ValidationError{Code: tt.code}) {
				t.Errorf("ParseTaxNumber(%q) error = %v, want code %s", tt.in, err, tt.code)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("ParseTaxNumber(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestTaxNumberParts(t *testing.T) {
	n, err := ParseTaxNumber("10773381-2-44")
	if err != nil {
		t.Fatal(err)
	}
	if n.Torzsszam() != "10773381" || n.VATCode() != 2 || n.AreaCode() != "44" ||
		n.AreaName() != "Kiemelt Adózók Adóigazgatósága" || n.EUVAT() != "HU10773381" {
		t.Errorf("parts: %q %d %q %q %q", n.Torzsszam(), n.VATCode(), n.AreaCode(), n.AreaName(), n.EUVAT())
	}
	var z TaxNumber
	if !z.IsZero() || z.String() != "" || z.Torzsszam() != "" || z.VATCode() != 0 ||
		z.AreaCode() != "" || z.EUVAT() != "" || z.AreaName() != "" {
		t.Error("zero TaxNumber not empty")
	}
	var u TaxNumber
	if err := u.UnmarshalText([]byte("10773381244")); err != nil || u != n {
		t.Errorf("UnmarshalText = %v, %v", u, err)
	}
	if b, _ := n.MarshalText(); string(b) != "10773381-2-44" {
		t.Errorf("MarshalText = %s", b)
	}
}

func TestTaxNumberRules(t *testing.T) {
	r := DefaultTaxNumberRules()
	if _, err := r.Parse("25978221-2-45"); err == nil {
		t.Error("default rules accepted area 45")
	}
	r.AreaCodes["45"] = "test directorate"
	if _, err := r.Parse("25978221-2-45"); err != nil {
		t.Errorf("extended rules rejected area 45: %v", err)
	}
	if _, err := ParseTaxNumber("25978221-2-45"); err == nil {
		t.Error("changing a copy of the rules changed the default table")
	}
	if _, err := (TaxNumberRules{}).Parse("25978221-2-99"); err != nil {
		t.Errorf("nil table should accept any area code: %v", err)
	}
}

// TestAreaCodesMatchNAVTable checks the territorial-code table against the
// NAV directorate table of svraka/teroszt (testdata/nav_igazgatosagi_kodok.csv):
// every code used there is accepted, with the same directorate, and we
// accept no code the table does not know.
func TestAreaCodesMatchNAVTable(t *testing.T) {
	f, err := os.Open("testdata/nav_igazgatosagi_kodok.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, row := range rows[1:] { // nav_ig_nev,nav_ig_tarsas,nav_ig_egyeni,megye,jaras
		seen[row[1]] = row[0]
		seen[row[2]] = row[0]
	}
	for code, name := range seen {
		got, ok := defaultAreaCodes[code]
		if !ok {
			t.Errorf("area code %s (%s) from the NAV table is not accepted", code, name)
			continue
		}
		// Csongrád county was renamed Csongrád-Csanád in 2020, after the table.
		if !strings.HasPrefix(got, name) {
			t.Errorf("area code %s: name %q, NAV table says %q", code, got, name)
		}
	}
	for code := range defaultAreaCodes {
		if _, ok := seen[code]; !ok {
			t.Errorf("area code %s is accepted but not in the NAV table", code)
		}
	}
}

func TestParseEUVAT(t *testing.T) {
	tests := []struct {
		in, want, code string
	}{
		{"HU10773381", "HU10773381", ""},
		{"hu 1077 3381", "HU10773381", ""},
		{"10773381", "HU10773381", ""},
		{"HU10773382", "", CodeChecksum},
		{"HU1077338", "", CodeLength},
		{"HU", "", CodeEmpty},
		{"DE10773381", "", CodeFormat},
	}
	for _, tt := range tests {
		got, err := ParseEUVAT(tt.in)
		if tt.code != "" {
			if !errors.Is(err, &ValidationError{Code: tt.code, Field: "kozossegi_adoszam"}) {
				t.Errorf("ParseEUVAT(%q) error = %v, want code %s", tt.in, err, tt.code)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseEUVAT(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if got, err := ParseTorzsszam("1077-3381"); err != nil || got != "10773381" {
		t.Errorf("ParseTorzsszam = %q, %v", got, err)
	}
}

func BenchmarkParseTaxNumber(b *testing.B) {
	for b.Loop() {
		_, _ = ParseTaxNumber("10773381-2-44")
	}
}

func FuzzParseTaxNumber(f *testing.F) {
	for _, s := range []string{"10773381-2-44", "25978221242", "", "25978221-2-21", "x"} {
		f.Add(s, uint8(0), uint8(1))
	}
	f.Fuzz(func(t *testing.T, s string, pos, delta uint8) {
		n, err := ParseTaxNumber(s)
		if err != nil {
			if _, ok := err.(*ValidationError); !ok {
				t.Fatalf("error type %T", err)
			}
			return
		}
		back, err := ParseTaxNumber(n.String())
		if err != nil || back != n {
			t.Fatalf("round trip %q -> %s -> %v, %v", s, n, back, err)
		}
		if eu, err := ParseEUVAT(n.EUVAT()); err != nil || eu != n.EUVAT() {
			t.Fatalf("EU VAT of %s does not parse: %q, %v", n, eu, err)
		}
		// Weights 9,7,3,1 are prime to 10: every single-digit error in the
		// törzsszám is caught.
		if m := mutateDigit(n.Torzsszam(), int(pos), int(delta)); m != "" {
			if _, err := ParseTorzsszam(m); err == nil {
				t.Fatalf("single-digit error not caught: %s -> %s", n.Torzsszam(), m)
			}
		}
	})
}

func FuzzParseEUVAT(f *testing.F) {
	for _, s := range []string{"HU10773381", "hu10773381", "HU", "", "HUx"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseEUVAT(s)
		if err != nil {
			return
		}
		if back, err := ParseEUVAT(v); err != nil || back != v {
			t.Fatalf("round trip %q -> %q -> %q, %v", s, v, back, err)
		}
	})
}
