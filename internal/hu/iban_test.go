package hu

import (
	"errors"
	"testing"
)

func TestParseIBAN(t *testing.T) {
	// Examples from the SWIFT IBAN registry.
	valid := []string{
		"AT61 1904 3002 3457 3201",
		"BE68 5390 0754 7034",
		"BG80 BNBG 9661 1020 3456 78",
		"CY17 0020 0128 0000 0012 0052 7600",
		"CZ65 0800 0000 1920 0014 5399",
		"DE89 3704 0044 0532 0130 00",
		"DK50 0040 0440 1162 43",
		"EE38 2200 2210 2014 5685",
		"ES91 2100 0418 4502 0005 1332",
		"FI21 1234 5600 0007 85",
		"FR14 2004 1010 0505 0001 3M02 606",
		"GR16 0110 1250 0000 0001 2300 695",
		"HR12 1001 0051 8630 0016 0",
		"HU42 1177 3016 1111 1018 0000 0000",
		"IE29 AIBK 9311 5212 3456 78",
		"IS14 0159 2600 7654 5510 7303 39",
	}
	for _, s := range valid {
		i, err := ParseIBAN(s)
		if err != nil {
			t.Errorf("ParseIBAN(%q): %v", s, err)
			continue
		}
		if i.String() != s {
			t.Errorf("ParseIBAN(%q).String() = %q", s, i)
		}
	}

	// A HU IBAN whose mod-97 check is right but whose account is not.
	badAccount := "117730161111101900000000"
	badHU := "HU" + ibanCheckDigits("HU", badAccount) + badAccount

	tests := []struct {
		in, electronic, code string
	}{
		{"hu42117730161111101800000000", "HU42117730161111101800000000", ""},
		{"HU42-1177-3016-1111-1018-0000-0000", "HU42117730161111101800000000", ""},
		{"HU43117730161111101800000000", "", CodeChecksum},
		{"HU42117730161111101800000001", "", CodeChecksum},
		{badHU, "", CodeChecksum},
		{"HU4211773016111110180000000", "", CodeLength},
		{"GB29 NWBK 6016 1331 9268 19", "", CodeRange}, // not EU/EEA any more
		{"CH93 0076 2011 6238 5295 7", "", CodeRange},  // SEPA but not EEA
		{"XX00", "", CodeRange},
		{"HU", "", CodeFormat},
		{"4242", "", CodeFormat},
		{"HU42 1177 3016 1111 1018 0000 000Ö", "", CodeFormat},
		{"", "", CodeEmpty},
	}
	for _, tt := range tests {
		got, err := ParseIBAN(tt.in)
		if tt.code != "" {
			if !errors.Is(err, &ValidationError{Code: tt.code}) {
				t.Errorf("ParseIBAN(%q) error = %v, want code %s", tt.in, err, tt.code)
			}
			continue
		}
		if err != nil || got.Electronic() != tt.electronic {
			t.Errorf("ParseIBAN(%q) = %q, %v; want %q", tt.in, got.Electronic(), err, tt.electronic)
		}
	}
}

func TestIBANMethods(t *testing.T) {
	de, _ := ParseIBAN("DE89370400440532013000")
	if de.Country() != "DE" || de.Electronic() != "DE89370400440532013000" {
		t.Errorf("Country/Electronic = %q %q", de.Country(), de.Electronic())
	}
	if _, err := de.BankAccount(); err == nil {
		t.Error("a German IBAN converted to a Hungarian account")
	}
	var z IBAN
	if !z.IsZero() || z.String() != "" || z.Country() != "" {
		t.Error("zero IBAN not empty")
	}
	if _, err := z.BankAccount(); err == nil {
		t.Error("zero IBAN converted to an account")
	}
	var u IBAN
	if err := u.UnmarshalText([]byte("de89 3704 0044 0532 0130 00")); err != nil || u != de {
		t.Errorf("UnmarshalText = %v, %v", u, err)
	}
	if b, _ := de.MarshalText(); string(b) != "DE89370400440532013000" {
		t.Errorf("MarshalText = %s", b)
	}
}

func BenchmarkParseIBAN(b *testing.B) {
	for b.Loop() {
		_, _ = ParseIBAN("HU42 1177 3016 1111 1018 0000 0000")
	}
}

func FuzzParseIBAN(f *testing.F) {
	for _, s := range []string{"HU42117730161111101800000000", "DE89 3704 0044 0532 0130 00", "", "GB29NWBK60161331926819", "HU"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		i, err := ParseIBAN(s)
		if err != nil {
			if _, ok := err.(*ValidationError); !ok {
				t.Fatalf("error type %T", err)
			}
			return
		}
		for _, form := range []string{i.String(), i.Electronic()} {
			if back, err := ParseIBAN(form); err != nil || back != i {
				t.Fatalf("round trip %q -> %q -> %v, %v", s, form, back, err)
			}
		}
		if mod97(i.Electronic()[4:]+i.Electronic()[:4]) != 1 {
			t.Fatalf("accepted IBAN %s fails mod 97", i)
		}
		if i.Country() == "HU" {
			a, err := i.BankAccount()
			if err != nil || a.IBAN() != i {
				t.Fatalf("HU IBAN %s -> account %v, %v -> %s", i, a, err, a.IBAN())
			}
		}
	})
}
