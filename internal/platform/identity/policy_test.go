package identity

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func violationCodes(vs []PolicyViolation) []ViolationCode {
	var codes []ViolationCode
	for _, v := range vs {
		codes = append(codes, v.Code)
	}
	return codes
}

func TestCheckPassword(t *testing.T) {
	const user, email = "kovacs.janos", "janos.kovacs@pelda-onkormanyzat.hu"
	tests := []struct {
		name string
		pw   string
		want []ViolationCode
	}{
		{"long passphrase", "lassan járj, tovább érsz", nil},
		{"exactly 12", "tq8-vmz3-krb", nil},
		{"11 characters", "tq8-vmz3-kr", []ViolationCode{ViolationTooShort}},
		{"12 accented characters count as 12", "őűáéíóöüúŐŰÁ", nil},
		{"NFD form counts characters, not code points", strings.Repeat("o\u0301", 6) + "abcdef", nil},
		{"empty", "", []ViolationCode{ViolationTooShort}},
		{"256 characters", strings.Repeat("ab", 128), nil},
		{"257 characters", strings.Repeat("ab", 128) + "c", []ViolationCode{ViolationTooLong}},
		{"way too long", strings.Repeat("ab", 100000), []ViolationCode{ViolationTooLong}},
		{"no composition rules: lower case only", "correcthorsebatterystaple", nil},
		{"spaces allowed", "   a b c d e f   ", nil},
		{"emoji allowed", "🐈 cica az ablakban 🐈", nil},
		{"common", "123456789012", []ViolationCode{ViolationCommonPassword}},
		{"common Hungarian, short", "jelszo123", []ViolationCode{ViolationTooShort, ViolationCommonPassword}},
		{"common, other case and accents", "JELSZÓ123", []ViolationCode{ViolationTooShort, ViolationCommonPassword}},
		{"common, accent-free spelling", "Jelszo123", []ViolationCode{ViolationTooShort, ViolationCommonPassword}},
		{"common QWERTZ walk", "qwertzuiop123", []ViolationCode{ViolationCommonPassword}},
		{"common municipal word", "Önkormányzat123", []ViolationCode{ViolationCommonPassword}},
		{"repeated", "aaaaaaaaaaaaaa", []ViolationCode{ViolationRepeatedChar}},
		{"repeated, mixed case", "aAaAaAaAaAaA", []ViolationCode{ViolationRepeatedChar}},
		{"repeated short", "zz", []ViolationCode{ViolationTooShort, ViolationRepeatedChar}},
		{"repeated, also on the list", "111111111111", []ViolationCode{ViolationCommonPassword, ViolationRepeatedChar}},
		{"equals username", "kovacs.janos", []ViolationCode{ViolationContainsUserInfo}},
		{"contains username, other case", "KOVACS.JANOS-2025!", []ViolationCode{ViolationContainsUserInfo}},
		{"contains e-mail local part", "xx janos.kovacs xx", []ViolationCode{ViolationContainsUserInfo}},
		{"contains e-mail address", "janos.kovacs@pelda-onkormanyzat.hu", []ViolationCode{ViolationContainsUserInfo}},
		{"domain alone is fine", "pelda-onkormanyzat.hu!!", nil},
		{"control character", "abc\x00defghijklm", []ViolationCode{ViolationInvalidCharacter}},
		{"newline", "abcdef\nghijklm", []ViolationCode{ViolationInvalidCharacter}},
		{"invalid UTF-8", "abcdefghijkl\xff", []ViolationCode{ViolationInvalidCharacter}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckPassword(tt.pw, user, email)
			if !slices.Equal(violationCodes(got), tt.want) {
				t.Fatalf("CheckPassword(%q) = %v, want %v", tt.pw, violationCodes(got), tt.want)
			}
			for _, v := range got {
				if v.HU == "" || v.EN == "" || v.HU == v.EN {
					t.Fatalf("violation %s lacks distinct HU/EN messages: %+v", v.Code, v)
				}
			}
		})
	}
}

func TestCheckPasswordUserInputs(t *testing.T) {
	tests := []struct {
		name   string
		pw     string
		inputs []string
		want   bool // expect ViolationContainsUserInfo
	}{
		{"no inputs", "nagyon-hosszu-jelszo-kovacs", nil, false},
		{"empty input ignored", "nagyon-hosszu-jelszo", []string{""}, false},
		{"two-letter username ignored", "abrakadabra-hokusz", []string{"ab"}, false},
		{"three-letter username counts", "abrakadabra-hokusz", []string{"kad"}, true},
		{"accent-insensitive", "Szép napot, Kovács!", []string{"kovacs"}, true},
		{"accent-insensitive other way", "Szep napot, Kovacs!", []string{"Kovács"}, true},
		{"input with spaces trimmed", "peldafalva-2025-tavasz", []string{"  peldafalva "}, true},
		{"e-mail with @ first is not split", "hosszu-jelszo-admin", []string{"@admin"}, false},
		{"local part only", "my-name-is-jozsef-hello", []string{"jozsef@example.hu"}, true},
		{"second input matches", "my-name-is-jozsef-hello", []string{"someone", "jozsef"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := slices.Contains(violationCodes(CheckPassword(tt.pw, tt.inputs...)), ViolationContainsUserInfo)
			if got != tt.want {
				t.Fatalf("contains_user_info = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPasswordPolicyLimits(t *testing.T) {
	tests := []struct {
		name   string
		policy PasswordPolicy
		pw     string
		want   []ViolationCode
	}{
		{"zero value means defaults", PasswordPolicy{}, "elevenchars", []ViolationCode{ViolationTooShort}},
		{"lower minimum", PasswordPolicy{MinLength: 8}, "elevenchars", nil},
		{"higher minimum", PasswordPolicy{MinLength: 16}, "fifteen-chars!!", []ViolationCode{ViolationTooShort}},
		{"lower maximum", PasswordPolicy{MaxLength: 20}, strings.Repeat("xy", 11), []ViolationCode{ViolationTooLong}},
		{"list applies below default minimum", PasswordPolicy{MinLength: 6}, "szeretlek", []ViolationCode{ViolationCommonPassword}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := violationCodes(tt.policy.Check(tt.pw))
			if !slices.Equal(got, tt.want) {
				t.Fatalf("Check(%q) = %v, want %v", tt.pw, got, tt.want)
			}
		})
	}
	if got := violationCodes(CheckPassword("elevenchars")); !slices.Equal(got, []ViolationCode{ViolationTooShort}) {
		t.Fatalf("CheckPassword default = %v", got)
	}
	v := PasswordPolicy{MinLength: 15}.Check("short")
	if len(v) != 1 || !strings.Contains(v[0].HU, "15") || !strings.Contains(v[0].EN, "15") {
		t.Fatalf("messages should name the configured minimum: %+v", v)
	}
}

func TestCommonPasswordList(t *testing.T) {
	set := commonPasswords()
	if len(set) < 100 {
		t.Fatalf("only %d common passwords loaded", len(set))
	}
	for _, pw := range []string{"jelszo123", "Jelszó123", "qwertz123", "123456789", "password", "szeretlek123"} {
		if !set[foldForComparison(pw)] {
			t.Errorf("%q missing from the list", pw)
		}
	}
	for entry := range set {
		if entry == "" || strings.HasPrefix(entry, "#") || entry != strings.TrimSpace(entry) {
			t.Errorf("bad entry %q", entry)
		}
	}
}

func TestFoldForComparison(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ÁRVÍZTŰRŐ tükörfúrógép", "arvizturo tukorfurogep"},
		{"A\u0301rvi\u0301z", "arviz"},
		{"ß", "ß"},
		{"abc123", "abc123"},
	}
	for _, tt := range tests {
		if got := foldForComparison(tt.in); got != tt.want {
			t.Errorf("foldForComparison(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzCheckPassword(f *testing.F) {
	f.Add("jelszo123", "kovacs.janos")
	f.Add("lassan járj, tovább érsz", "janos@example.hu")
	f.Add("o\u0301o\u0301o\u0301", "@")
	f.Add("\xff\xfe", "")
	f.Fuzz(func(t *testing.T, pw, user string) {
		vs := CheckPassword(pw, user)
		for _, v := range vs {
			if v.Code == "" || v.HU == "" || v.EN == "" {
				t.Fatalf("incomplete violation %+v", v)
			}
		}
		// A password the policy accepts must be hashable.
		if len(vs) == 0 && (len(pw) > MaxPasswordBytes || !utf8.ValidString(pw)) {
			t.Fatalf("accepted %d-byte password that Hash would refuse or that is not UTF-8", len(pw))
		}
	})
}
