package hu

import (
	"errors"
	"testing"
)

// giroComplete appends to prefix the digit that makes Σ d·w ≡ 0 (mod 10)
// with weights 9,7,3,1 — an independent way of building valid test numbers.
func giroComplete(prefix string) string {
	for c := byte('0'); c <= '9'; c++ {
		s := prefix + string(c)
		sum := 0
		for i := 0; i < len(s); i++ {
			sum += int(s[i]-'0') * []int{9, 7, 3, 1}[i%4]
		}
		if sum%10 == 0 {
			return s
		}
	}
	return ""
}

func TestParseBankAccount(t *testing.T) {
	valid24 := giroComplete("1200000") + giroComplete("123456789012345")
	tests := []struct {
		in, want, code string
	}{
		// The account inside the HU example of the SWIFT IBAN registry.
		{"11773016-11111018", "11773016-11111018", ""},
		{"11773016 11111018", "11773016-11111018", ""},
		{"1177301611111018", "11773016-11111018", ""},
		// The same account in 24-digit form is the same account.
		{"11773016-11111018-00000000", "11773016-11111018", ""},
		// NAV's personal income tax collection account.
		{"10032000-06056353", "10032000-06056353", ""},
		{valid24, valid24[:8] + "-" + valid24[8:16] + "-" + valid24[16:], ""},
		{"11773017-11111018", "", CodeChecksum}, // first block wrong
		{"11773016-11111019", "", CodeChecksum}, // second part wrong
		{"11773016-11111018-00000001", "", CodeChecksum},
		{"11773016-1111101", "", CodeLength},
		{"11773016-11111018-0000", "", CodeLength},
		{"11773016-1111101B", "", CodeFormat},
		{"", "", CodeEmpty},
	}
	for _, tt := range tests {
		got, err := ParseBankAccount(tt.in)
		if tt.code != "" {
			if !errors.Is(err, &ValidationError{Code: tt.code}) {
				t.Errorf("ParseBankAccount(%q) error = %v, want code %s", tt.in, err, tt.code)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("ParseBankAccount(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestBankAccountIBAN(t *testing.T) {
	tests := []struct {
		account, iban string
	}{
		{"11773016-11111018", "HU42 1177 3016 1111 1018 0000 0000"}, // SWIFT registry example
		{"10032000-06056353", "HU" + ibanCheckDigits("HU", "100320000605635300000000") + " 1003 2000 0605 6353 0000 0000"},
	}
	for _, tt := range tests {
		a, err := ParseBankAccount(tt.account)
		if err != nil {
			t.Fatal(err)
		}
		i := a.IBAN()
		if i.String() != tt.iban {
			t.Errorf("%s.IBAN() = %q, want %q", a, i, tt.iban)
		}
		if _, err := ParseIBAN(i.String()); err != nil {
			t.Errorf("IBAN %s does not parse: %v", i, err)
		}
		back, err := i.BankAccount()
		if err != nil || back != a {
			t.Errorf("%s.BankAccount() = %v, %v; want %v", i, back, err, a)
		}
	}
	a, _ := ParseBankAccount("11773016-11111018")
	if a.BankCode() != "117" || a.Digits() != "1177301611111018" {
		t.Errorf("BankCode/Digits = %q %q", a.BankCode(), a.Digits())
	}
	var z BankAccount
	if !z.IsZero() || z.String() != "" || z.BankCode() != "" || !z.IBAN().IsZero() {
		t.Error("zero BankAccount not empty")
	}
	var u BankAccount
	if err := u.UnmarshalText([]byte("1177301611111018")); err != nil || u != a {
		t.Errorf("UnmarshalText = %v, %v", u, err)
	}
	if b, _ := a.MarshalText(); string(b) != "11773016-11111018" {
		t.Errorf("MarshalText = %s", b)
	}
}

func BenchmarkParseBankAccount(b *testing.B) {
	for b.Loop() {
		_, _ = ParseBankAccount("11773016-11111018")
	}
}

func FuzzParseBankAccount(f *testing.F) {
	for _, s := range []string{"11773016-11111018", "11773016-11111018-00000000", "", "1177301611111019", "x"} {
		f.Add(s, uint8(0), uint8(1))
	}
	f.Fuzz(func(t *testing.T, s string, pos, delta uint8) {
		a, err := ParseBankAccount(s)
		if err != nil {
			if _, ok := err.(*ValidationError); !ok {
				t.Fatalf("error type %T", err)
			}
			return
		}
		if back, err := ParseBankAccount(a.String()); err != nil || back != a {
			t.Fatalf("round trip %q -> %s -> %v, %v", s, a, back, err)
		}
		i := a.IBAN()
		if p, err := ParseIBAN(i.String()); err != nil || p != i {
			t.Fatalf("IBAN of %s = %s does not parse: %v", a, i, err)
		}
		if back, err := i.BankAccount(); err != nil || back != a {
			t.Fatalf("IBAN round trip %s -> %s -> %v, %v", a, i, back, err)
		}
		// Weights 9,7,3,1 are prime to 10: single-digit errors are caught.
		if m := mutateDigit(a.Digits(), int(pos), int(delta)); m != "" {
			if _, err := ParseBankAccount(m); err == nil {
				t.Fatalf("single-digit error not caught: %s -> %s", a.Digits(), m)
			}
		}
	})
}
