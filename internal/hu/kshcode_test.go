package hu

import (
	"encoding/csv"
	"errors"
	"os"
	"testing"
)

// kshExceptions lists codes of the register that fail the check rule, with
// the reason. It is empty: every code of the 2018 register passes. A row
// that failed would be recorded here rather than loosening the rule.
var kshExceptions = map[string]string{}

// TestKSHCodeAllOfHelysegnevtar2018 proves the check-digit rule against every
// settlement and Budapest district of the KSH Helységnévtár 2018.01.01
// (testdata/helysegek_2018.csv, 3,178 rows).
func TestKSHCodeAllOfHelysegnevtar2018(t *testing.T) {
	f, err := os.Open("testdata/helysegek_2018.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "helyseg_nev" || rows[0][1] != "ksh_kod" {
		t.Fatalf("unexpected header %v", rows[0])
	}
	rows = rows[1:]
	if len(rows) != 3178 {
		t.Fatalf("got %d rows, want 3178", len(rows))
	}
	seen := map[string]bool{}
	wrongWeights := 0 // the 7,3,1,9 rule sometimes quoted
	for _, row := range rows {
		name, code := row[0], row[1]
		if seen[code] {
			t.Errorf("duplicate code %s", code)
		}
		seen[code] = true
		k, err := ParseKSHCode(code)
		if _, exempt := kshExceptions[code]; exempt {
			if err == nil {
				t.Errorf("%s (%s) is listed as an exception but passes", code, name)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s (%s): %v", code, name, err)
			continue
		}
		if k.String() != code {
			t.Errorf("%s normalised to %s", code, k)
		}
		if weightedSum(code[:4], []int{7, 3, 1, 9})%10 != int(code[4]-'0') {
			wrongWeights++
		}
	}
	// Document that the alternative weights do not describe the register.
	if wrongWeights < len(rows)/2 {
		t.Errorf("weights 7,3,1,9 fit %d of %d codes; expected them to fail most", len(rows)-wrongWeights, len(rows))
	}
}

func TestParseKSHCode(t *testing.T) {
	tests := []struct {
		in, want, code string
	}{
		{"13578", "13578", ""}, // Budapest
		{"02112", "02112", ""}, // leading zero kept
		{"17376", "17376", ""}, // Aba
		{"17377", "", CodeChecksum},
		{"2112", "", CodeLength},
		{"1337a", "", CodeFormat},
		{"", "", CodeEmpty},
	}
	for _, tt := range tests {
		got, err := ParseKSHCode(tt.in)
		if tt.code != "" {
			if !errors.Is(err, &ValidationError{Code: tt.code}) {
				t.Errorf("ParseKSHCode(%q) error = %v, want code %s", tt.in, err, tt.code)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("ParseKSHCode(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestKSHCodeFromSerial(t *testing.T) {
	for serial := 0; serial <= 9999; serial++ {
		k, err := KSHCodeFromSerial(serial)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := ParseKSHCode(k.String()); err != nil || back != k {
			t.Fatalf("KSHCodeFromSerial(%d) = %s does not parse: %v", serial, k, err)
		}
	}
	if k, _ := KSHCodeFromSerial(1357); k.String() != "13578" {
		t.Errorf("KSHCodeFromSerial(1357) = %s, want 13578", k)
	}
	for _, bad := range []int{-1, 10000} {
		if _, err := KSHCodeFromSerial(bad); err == nil {
			t.Errorf("KSHCodeFromSerial(%d) accepted", bad)
		}
	}
	var k KSHCode
	if err := k.UnmarshalText([]byte("13578")); err != nil || k.String() != "13578" || k.IsZero() {
		t.Errorf("UnmarshalText = %v, %v", k, err)
	}
	if b, _ := k.MarshalText(); string(b) != "13578" {
		t.Errorf("MarshalText = %s", b)
	}
}

func FuzzParseKSHCode(f *testing.F) {
	for _, s := range []string{"13578", "02112", "", "1337a", "17377"} {
		f.Add(s, uint8(0), uint8(1))
	}
	f.Fuzz(func(t *testing.T, s string, pos, delta uint8) {
		k, err := ParseKSHCode(s)
		if err != nil {
			if _, ok := err.(*ValidationError); !ok {
				t.Fatalf("error type %T", err)
			}
			return
		}
		if back, err := ParseKSHCode(k.String()); err != nil || back != k {
			t.Fatalf("round trip %q -> %s -> %v, %v", s, k, back, err)
		}
		// Weights 1,3,7,9 are prime to 10: single-digit errors are caught.
		if m := mutateDigit(k.String(), int(pos), int(delta)); m != "" {
			if _, err := ParseKSHCode(m); err == nil {
				t.Fatalf("single-digit error not caught: %s -> %s", k, m)
			}
		}
	})
}
