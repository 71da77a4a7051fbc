package identity

import (
	"regexp"
	"strings"
	"testing"
)

var recoveryCodeForm = regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$`)

func TestNewRecoveryCodes(t *testing.T) {
	tests := []struct {
		n    int
		want int
	}{
		{DefaultRecoveryCodeCount, 10}, {1, 1}, {0, 0}, {-3, 0},
	}
	for _, tt := range tests {
		plain, hashes := NewRecoveryCodes(tt.n)
		if len(plain) != tt.want || len(hashes) != tt.want {
			t.Fatalf("NewRecoveryCodes(%d): %d codes, %d hashes", tt.n, len(plain), len(hashes))
		}
		seen := map[string]bool{}
		for i, code := range plain {
			if !recoveryCodeForm.MatchString(code) {
				t.Errorf("code %q has the wrong form", code)
			}
			if seen[code] {
				t.Errorf("code %q repeated", code)
			}
			seen[code] = true
			if len(hashes[i]) != 64 || strings.Contains(hashes[i], code) {
				t.Errorf("hash %q", hashes[i])
			}
			if idx, ok := MatchRecoveryCode(code, hashes); !ok || idx != i {
				t.Errorf("code %d matches at %d, %v", i, idx, ok)
			}
		}
	}
}

func TestMatchRecoveryCode(t *testing.T) {
	const code = "7k2m-q9xd-4hbn-c01w"
	hashes := []string{
		hashRecoveryCode("aaaaaaaaaaaaaaaa"),
		"", // a used code, blanked by the caller
		hashRecoveryCode("7k2mq9xd4hbnc01w"),
	}
	tests := []struct {
		name  string
		input string
		index int
		ok    bool
	}{
		{"as shown", code, 2, true},
		{"upper case", strings.ToUpper(code), 2, true},
		{"no hyphens", "7k2mq9xd4hbnc01w", 2, true},
		{"spaces instead of hyphens", "7k2m q9xd 4hbn c01w", 2, true},
		{"surrounding spaces and tabs", "\t 7k2m-q9xd-4hbn-c01w  ", 2, true},
		{"o for zero, l for one", "7k2m-q9xd-4hbn-cOlw", 2, true},
		{"i for one", "7k2m-q9xd-4hbn-c0iw", 2, true},
		{"one character wrong", "7k2m-q9xd-4hbn-c01x", -1, false},
		{"one character short", "7k2m-q9xd-4hbn-c01", -1, false},
		{"one character long", "7k2m-q9xd-4hbn-c01ww", -1, false},
		{"u is not in the alphabet", "7k2m-q9xd-4hbn-c01u", -1, false},
		{"non-ASCII", "7k2m-q9xd-4hbn-c01ŵ", -1, false},
		{"empty input does not match the blank hash", "", -1, false},
		{"first code", "aaaa-aaaa-aaaa-aaaa", 0, true},
		{"very long", strings.Repeat("-", 100) + code, -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx, ok := MatchRecoveryCode(tt.input, hashes)
			if idx != tt.index || ok != tt.ok {
				t.Fatalf("MatchRecoveryCode(%q) = %d, %v; want %d, %v", tt.input, idx, ok, tt.index, tt.ok)
			}
		})
	}
	if idx, ok := MatchRecoveryCode(code, nil); ok || idx != -1 {
		t.Fatalf("match against no hashes: %d, %v", idx, ok)
	}
}

func FuzzMatchRecoveryCode(f *testing.F) {
	plain, hashes := NewRecoveryCodes(3)
	for _, p := range plain {
		f.Add(p)
	}
	f.Add("")
	f.Add("OOOO-IIII-LLLL-0000")
	f.Fuzz(func(t *testing.T, input string) {
		idx, ok := MatchRecoveryCode(input, hashes)
		if ok != (idx >= 0) || idx >= len(hashes) {
			t.Fatalf("inconsistent result %d, %v", idx, ok)
		}
		if canon, valid := normalizeRecoveryCode(input); valid {
			if len(canon) != recoveryCodeChars {
				t.Fatalf("canonical form %q", canon)
			}
			if again, _ := normalizeRecoveryCode(canon); again != canon {
				t.Fatalf("normalisation not idempotent: %q -> %q", canon, again)
			}
		}
	})
}
