package hu

import (
	"encoding"
	"encoding/json"
	"testing"
)

// TestTextRoundTrip checks, for every type with text marshalling, that a
// value and the zero value survive MarshalText → UnmarshalText, and that
// JSON carries them as strings.
func TestTextRoundTrip(t *testing.T) {
	type codec interface {
		encoding.TextMarshaler
		encoding.TextUnmarshaler
	}
	tests := []struct {
		name  string
		input string
		fresh func() codec
	}{
		{"TaxID", "8422780135", func() codec { return new(TaxID) }},
		{"TaxNumber", "10773381-2-44", func() codec { return new(TaxNumber) }},
		{"TAJ", "123456788", func() codec { return new(TAJ) }},
		{"KSHCode", "13578", func() codec { return new(KSHCode) }},
		{"BankAccount", "11773016-11111018", func() codec { return new(BankAccount) }},
		{"IBAN", "HU42117730161111101800000000", func() codec { return new(IBAN) }},
		{"PostalCode", "1052", func() codec { return new(PostalCode) }},
		{"HRSZ", "0123/4", func() codec { return new(HRSZ) }},
		{"Date", "2024-08-03", func() codec { return new(Date) }},
	}
	for _, tt := range tests {
		v := tt.fresh()
		if err := v.UnmarshalText([]byte(tt.input)); err != nil {
			t.Errorf("%s: UnmarshalText(%q): %v", tt.name, tt.input, err)
			continue
		}
		b, err := v.MarshalText()
		if err != nil || string(b) != tt.input {
			t.Errorf("%s: MarshalText = %q, %v; want %q", tt.name, b, err, tt.input)
		}
		j, err := json.Marshal(v)
		if err != nil || string(j) != `"`+tt.input+`"` {
			t.Errorf("%s: json = %s, %v", tt.name, j, err)
		}

		zero := tt.fresh()
		zb, err := zero.MarshalText()
		if err != nil || len(zb) != 0 {
			t.Errorf("%s: zero MarshalText = %q, %v", tt.name, zb, err)
		}
		if err := v.UnmarshalText(zb); err != nil {
			t.Errorf("%s: UnmarshalText(empty): %v", tt.name, err)
		}
		if again, _ := v.MarshalText(); len(again) != 0 {
			t.Errorf("%s: empty text did not reset to zero: %q", tt.name, again)
		}
		if err := v.UnmarshalText([]byte("!")); err == nil {
			t.Errorf("%s: UnmarshalText accepted %q", tt.name, "!")
		}
	}
}
