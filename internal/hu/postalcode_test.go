package hu

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"testing"
)

func TestParsePostalCode(t *testing.T) {
	tests := []struct {
		in   string
		want PostalCode
		code string
	}{
		{"1052", 1052, ""},
		{" 3780 ", 3780, ""},
		{"9999", 9999, ""},
		{"1000", 1000, ""},
		{"0999", 0, CodeRange},
		{"999", 0, CodeLength},
		{"10520", 0, CodeLength},
		{"H-1052", 0, CodeFormat},
		{"", 0, CodeEmpty},
	}
	for _, tt := range tests {
		got, err := ParsePostalCode(tt.in)
		if tt.code != "" {
			if !errors.Is(err, &ValidationError{Code: tt.code}) {
				t.Errorf("ParsePostalCode(%q) error = %v, want code %s", tt.in, err, tt.code)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParsePostalCode(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if PostalCode(999).String() != "" || PostalCode(1052).String() != "1052" {
		t.Error("String of invalid/valid code wrong")
	}
	var p PostalCode
	if err := p.UnmarshalText([]byte("3780")); err != nil || p != 3780 {
		t.Errorf("UnmarshalText = %v, %v", p, err)
	}
	if b, _ := p.MarshalText(); string(b) != "3780" {
		t.Errorf("MarshalText = %s", b)
	}
}

func TestSettlementsForPostalCode(t *testing.T) {
	tests := []struct {
		code PostalCode
		want []string
	}{
		// One code serving several villages, main settlement first.
		{3780, []string{"Edelény", "Balajt", "Damak", "Ládbesenyő"}},
		{2000, []string{"Szentendre"}},
		{2045, []string{"Törökbálint"}},
		// The street-coded cities, from the street sheets.
		{1052, []string{"Budapest"}},
		{1239, []string{"Budapest"}},
		{4024, []string{"Debrecen"}},
		{3525, []string{"Miskolc"}},
		{6720, []string{"Szeged"}},
		{7621, []string{"Pécs"}},
		{9021, []string{"Győr"}},
		{1000, nil},
		{9999, nil},
		{0, nil},
	}
	for _, tt := range tests {
		got := SettlementsForPostalCode(tt.code)
		if !slices.Equal(got, tt.want) {
			t.Errorf("SettlementsForPostalCode(%d) = %q, want %q", tt.code, got, tt.want)
		}
		if KnownPostalCode(tt.code) != (tt.want != nil) {
			t.Errorf("KnownPostalCode(%d) = %v", tt.code, !(tt.want != nil))
		}
	}
	// The result is a copy.
	s := SettlementsForPostalCode(3780)
	s[0] = "changed"
	if SettlementsForPostalCode(3780)[0] != "Edelény" {
		t.Error("caller changed the shared table")
	}
}

func TestPostalCodesForSettlement(t *testing.T) {
	if got := PostalCodesForSettlement("Szentendre"); !slices.Equal(got, []PostalCode{2000}) {
		t.Errorf("Szentendre = %v", got)
	}
	bp := PostalCodesForSettlement("Budapest")
	if len(bp) != 161 || bp[0] != 1007 || !slices.IsSorted(bp) {
		t.Errorf("Budapest has %d codes starting %v, want 161 sorted from 1007", len(bp), bp[:1])
	}
	if got := PostalCodesForSettlement("Nincsilyenfalva"); got != nil {
		t.Errorf("unknown settlement = %v", got)
	}
}

// TestPostalTableComplete checks that every row of the embedded CSVs is
// indexed.
func TestPostalTableComplete(t *testing.T) {
	if _, err := postalTable(); err != nil {
		t.Fatal(err)
	}
	for _, data := range [][]byte{postalSettlementsCSV, postalCitiesCSV} {
		rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows[1:] {
			code, err := ParsePostalCode(row[0])
			if err != nil {
				t.Fatalf("bad code %q", row[0])
			}
			if !slices.Contains(SettlementsForPostalCode(code), row[1]) {
				t.Errorf("%s %s missing", row[0], row[1])
			}
		}
	}
}

func TestPostalIndexErrors(t *testing.T) {
	for _, bad := range []string{
		"",
		"code,name\n",
		"iranyitoszam,telepules\n123,X\n",
		"iranyitoszam,telepules\n1234,\n",
		"iranyitoszam,telepules\n1234\n",
	} {
		idx := &postalIndex{byCode: map[PostalCode][]string{}, bySettlement: map[string][]PostalCode{}}
		if err := idx.load([]byte(bad), "test.csv", 2); err == nil {
			t.Errorf("load(%q) accepted", bad)
		}
	}
}

func FuzzParsePostalCode(f *testing.F) {
	for _, s := range []string{"1052", "0999", "", "H-1052", "9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePostalCode(s)
		if err != nil {
			return
		}
		if !p.Valid() {
			t.Fatalf("ParsePostalCode(%q) = invalid %d", s, p)
		}
		if back, err := ParsePostalCode(p.String()); err != nil || back != p {
			t.Fatalf("round trip %q -> %s -> %v, %v", s, p, back, err)
		}
		_ = SettlementsForPostalCode(p)
	})
}
