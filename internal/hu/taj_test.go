package hu

import (
	"errors"
	"testing"
)

func TestParseTAJ(t *testing.T) {
	tests := []struct {
		in, want, code string
	}{
		// Check digits computed by hand: 123456788 has
		// 3·1+7·2+3·3+7·4+3·5+7·6+3·7+7·8 = 188 → 8.
		{"123456788", "123 456 788", ""},
		{"123 456 788", "123 456 788", ""},
		{"123-456-788", "123 456 788", ""},
		{"000000000", "000 000 000", ""},
		{"987654322", "987 654 322", ""},
		{"035189763", "035 189 763", ""},
		{"123456789", "", CodeChecksum},
		{"213456788", "", CodeChecksum}, // swapped first two digits
		{"12345678", "", CodeLength},
		{"1234567890", "", CodeLength},
		{"12345678a", "", CodeFormat},
		{"", "", CodeEmpty},
	}
	for _, tt := range tests {
		got, err := ParseTAJ(tt.in)
		if tt.code != "" {
			if !errors.Is(err, &ValidationError{Code: tt.code}) {
				t.Errorf("ParseTAJ(%q) error = %v, want code %s", tt.in, err, tt.code)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("ParseTAJ(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	v, _ := ParseTAJ("123 456 788")
	if v.Digits() != "123456788" {
		t.Errorf("Digits() = %q", v.Digits())
	}
	if b, _ := v.MarshalText(); string(b) != "123456788" {
		t.Errorf("MarshalText = %s", b)
	}
	var u TAJ
	if err := u.UnmarshalText([]byte("123 456 788")); err != nil || u != v {
		t.Errorf("UnmarshalText = %v, %v", u, err)
	}
	var z TAJ
	if !z.IsZero() || z.String() != "" {
		t.Error("zero TAJ not empty")
	}
}

func BenchmarkParseTAJ(b *testing.B) {
	for b.Loop() {
		_, _ = ParseTAJ("123 456 788")
	}
}

func FuzzParseTAJ(f *testing.F) {
	for _, s := range []string{"123456788", "123 456 788", "", "12345678a", "123456789"} {
		f.Add(s, uint8(0), uint8(1))
	}
	f.Fuzz(func(t *testing.T, s string, pos, delta uint8) {
		v, err := ParseTAJ(s)
		if err != nil {
			if _, ok := err.(*ValidationError); !ok {
				t.Fatalf("error type %T", err)
			}
			return
		}
		back, err := ParseTAJ(v.String())
		if err != nil || back != v {
			t.Fatalf("round trip %q -> %s -> %v, %v", s, v, back, err)
		}
		// Weights 3 and 7 are prime to 10: single-digit errors are caught.
		if m := mutateDigit(v.Digits(), int(pos), int(delta)); m != "" {
			if _, err := ParseTAJ(m); err == nil {
				t.Fatalf("single-digit error not caught: %s -> %s", v.Digits(), m)
			}
		}
	})
}
