package hu

import (
	"errors"
	"testing"
	"time"
)

func TestParseTaxID(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		birth  Date
		serial int
		code   string
	}{
		// Worked example of a public generator (born 1982-10-03, serial 13);
		// the other valid rows were computed by hand from the rule.
		{"8422780135", "8422780135", Date{1982, time.October, 3}, 13, ""},
		{"84227 80135", "8422780135", Date{1982, time.October, 3}, 13, ""},
		{"8422-780-135", "8422780135", Date{1982, time.October, 3}, 13, ""},
		{"\u00a08422780135\t", "8422780135", Date{1982, time.October, 3}, 13, ""},
		{"8000000016", "8000000016", Date{1867, time.January, 1}, 1, ""},
		{"8486361230", "8486361230", Date{2000, time.February, 29}, 123, ""},
		{"8323065004", "8323065004", Date{1955, time.June, 15}, 500, ""},
		{"8577089991", "8577089991", Date{2024, time.December, 31}, 999, ""},
		{"8422780136", "", Date{}, 0, CodeChecksum},
		{"8422780125", "", Date{}, 0, CodeChecksum}, // one digit off
		{"8422780153", "", Date{}, 0, CodeChecksum}, // two digits swapped
		{"7422780135", "", Date{}, 0, CodeFormat},   // not 8: not a natural person
		{"842278013", "", Date{}, 0, CodeLength},
		{"84227801350", "", Date{}, 0, CodeLength},
		{"842278013O", "", Date{}, 0, CodeFormat}, // letter O
		{"", "", Date{}, 0, CodeEmpty},
		{" - ", "", Date{}, 0, CodeEmpty},
		{"8000000100", "", Date{}, 0, CodeChecksum},
	}
	for _, tt := range tests {
		got, err := ParseTaxID(tt.in)
		if tt.code != "" {
			if !errors.Is(err, &ValidationError{Code: tt.code}) {
				t.Errorf("ParseTaxID(%q) error = %v, want code %s", tt.in, err, tt.code)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseTaxID(%q) error %v", tt.in, err)
			continue
		}
		if got.String() != tt.want || got.BirthDate() != tt.birth || got.Serial() != tt.serial {
			t.Errorf("ParseTaxID(%q) = %s born %v serial %d; want %s born %v serial %d",
				tt.in, got, got.BirthDate(), got.Serial(), tt.want, tt.birth, tt.serial)
		}
	}
}

func TestTaxIDRemainderTen(t *testing.T) {
	// A remainder of 10 is never issued: find a prefix with that remainder
	// and check that every possible final digit is rejected.
	prefix := ""
	for s := 0; s < 1000 && prefix == ""; s++ {
		p := "800000" + string([]byte{byte('0' + s/100), byte('0' + s/10%10), byte('0' + s%10)})
		if taxIDCheckDigit(p) == -1 {
			prefix = p
		}
	}
	if prefix == "" {
		t.Fatal("no prefix with remainder 10 found")
	}
	for c := byte('0'); c <= '9'; c++ {
		if _, err := ParseTaxID(prefix + string(c)); err == nil {
			t.Errorf("ParseTaxID(%s%c) accepted a number whose remainder is 10", prefix, c)
		}
	}
}

func TestTaxIDZeroAndText(t *testing.T) {
	var z TaxID
	if !z.IsZero() || z.String() != "" || !z.BirthDate().IsZero() || z.Serial() != 0 {
		t.Error("zero TaxID not empty")
	}
	var v TaxID
	if err := v.UnmarshalText([]byte("8422 780 135")); err != nil || v.String() != "8422780135" {
		t.Errorf("UnmarshalText = %v, %v", v, err)
	}
	if b, _ := v.MarshalText(); string(b) != "8422780135" {
		t.Errorf("MarshalText = %s", b)
	}
	if err := v.UnmarshalText([]byte("1")); err == nil {
		t.Error("UnmarshalText accepted 1")
	}
}

func BenchmarkParseTaxID(b *testing.B) {
	for b.Loop() {
		_, _ = ParseTaxID("8422 780 135")
	}
}

func FuzzParseTaxID(f *testing.F) {
	for _, s := range []string{"8422780135", "8422-780-135", "8000000016", "", "842278013O", "8422780136"} {
		f.Add(s, uint8(3), uint8(1))
	}
	f.Fuzz(func(t *testing.T, s string, pos, delta uint8) {
		id, err := ParseTaxID(s)
		if err != nil {
			if _, ok := err.(*ValidationError); !ok {
				t.Fatalf("error type %T", err)
			}
			return
		}
		back, err := ParseTaxID(id.String())
		if err != nil || back != id {
			t.Fatalf("round trip %q -> %s -> %v, %v", s, id, back, err)
		}
		if len(id.String()) != 10 || !id.BirthDate().IsValid() {
			t.Fatalf("bad normal form %q or birth date %v", id, id.BirthDate())
		}
		// The mod-11 check with distinct weights catches every single-digit error.
		if m := mutateDigit(id.String(), int(pos), int(delta)); m != "" {
			if _, err := ParseTaxID(m); err == nil {
				t.Fatalf("single-digit error not caught: %s -> %s", id, m)
			}
		}
	})
}

// mutateDigit changes digit pos (mod len) of s by delta (mod 10, never 0),
// returning "" if s is empty.
func mutateDigit(s string, pos, delta int) string {
	if s == "" {
		return ""
	}
	b := []byte(s)
	i := pos % len(b)
	d := delta%9 + 1
	b[i] = byte('0' + (int(b[i]-'0')+d)%10)
	return string(b)
}
