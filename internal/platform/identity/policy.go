package identity

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The password policy follows NIST SP 800-63B section 5.1.1.2: length is
// what matters, so there are no composition rules (no "one digit, one
// symbol"); instead we refuse passwords that are too short, that contain
// the user's own identifiers, that are on a list of commonly used
// passwords, or that are one character repeated. Spaces and all printable
// Unicode characters are allowed, and length is counted in characters
// (code points) after NFKC normalisation, not in bytes.

// ViolationCode identifies a policy rule, for programs (the UI shows HU/EN).
type ViolationCode string

const (
	ViolationTooShort         ViolationCode = "too_short"
	ViolationTooLong          ViolationCode = "too_long"
	ViolationInvalidCharacter ViolationCode = "invalid_character"
	ViolationContainsUserInfo ViolationCode = "contains_user_info"
	ViolationCommonPassword   ViolationCode = "common_password"
	ViolationRepeatedChar     ViolationCode = "repeated_character"
)

// PolicyViolation is one reason a password was refused, with a message in
// Hungarian and in English for the user.
type PolicyViolation struct {
	Code ViolationCode
	HU   string
	EN   string
}

// PasswordPolicy holds the configurable limits. Zero fields mean the
// defaults.
type PasswordPolicy struct {
	MinLength int // characters; default 12
	MaxLength int // characters; default 256
}

const (
	defaultMinPasswordLength = 12
	defaultMaxPasswordLength = 256
	// Identifiers shorter than this are not searched for inside the
	// password: a two-letter username would otherwise forbid half the
	// dictionary.
	minUserInfoLength = 3
)

// DefaultPasswordPolicy returns the policy CheckPassword uses.
func DefaultPasswordPolicy() PasswordPolicy {
	return PasswordPolicy{MinLength: defaultMinPasswordLength, MaxLength: defaultMaxPasswordLength}
}

// CheckPassword checks pw against the default policy. userInputs are the
// user's own identifiers (username, e-mail address, perhaps name); the
// password must not contain any of them, nor an e-mail's local part. It
// returns nil if the password is acceptable.
func CheckPassword(pw string, userInputs ...string) []PolicyViolation {
	return DefaultPasswordPolicy().Check(pw, userInputs...)
}

// Check checks pw against the policy; see CheckPassword.
func (p PasswordPolicy) Check(pw string, userInputs ...string) []PolicyViolation {
	minLen, maxLen := p.MinLength, p.MaxLength
	if minLen <= 0 {
		minLen = defaultMinPasswordLength
	}
	if maxLen <= 0 {
		maxLen = defaultMaxPasswordLength
	}
	// Refuse absurd input before normalising it; the limit is generous
	// enough that it never cuts off a password of maxLen characters.
	if len(pw) > 4*maxLen+MaxPasswordBytes {
		return []PolicyViolation{tooLong(maxLen)}
	}

	var out []PolicyViolation
	if !utf8.ValidString(pw) || strings.ContainsFunc(pw, unicode.IsControl) {
		out = append(out, PolicyViolation{
			Code: ViolationInvalidCharacter,
			HU:   "A jelszó nem megengedett (vezérlő- vagy érvénytelen) karaktert tartalmaz.",
			EN:   "The password contains a character that is not allowed (a control or invalid character).",
		})
	}

	normalized := norm.NFKC.String(pw)
	n := utf8.RuneCountInString(normalized)
	if n < minLen {
		out = append(out, PolicyViolation{
			Code: ViolationTooShort,
			HU:   fmt.Sprintf("A jelszó túl rövid: legalább %d karakterből álljon.", minLen),
			EN:   fmt.Sprintf("The password is too short: use at least %d characters.", minLen),
		})
	}
	if n > maxLen {
		out = append(out, tooLong(maxLen))
	}

	folded := foldForComparison(normalized)
	if containsUserInfo(folded, userInputs) {
		out = append(out, PolicyViolation{
			Code: ViolationContainsUserInfo,
			HU:   "A jelszó nem tartalmazhatja a felhasználónevét vagy az e-mail-címét.",
			EN:   "The password must not contain your username or e-mail address.",
		})
	}
	if commonPasswords()[folded] {
		out = append(out, PolicyViolation{
			Code: ViolationCommonPassword,
			HU:   "Ez a jelszó túl gyakori, könnyen kitalálható. Kérjük, válasszon másikat.",
			EN:   "This password is too common and easy to guess. Please choose another one.",
		})
	}
	if isOneRepeatedRune(folded) {
		out = append(out, PolicyViolation{
			Code: ViolationRepeatedChar,
			HU:   "A jelszó nem állhat egyetlen ismétlődő karakterből.",
			EN:   "The password must not be a single character repeated.",
		})
	}
	return out
}

func tooLong(maxLen int) PolicyViolation {
	return PolicyViolation{
		Code: ViolationTooLong,
		HU:   fmt.Sprintf("A jelszó túl hosszú: legfeljebb %d karakterből állhat.", maxLen),
		EN:   fmt.Sprintf("The password is too long: use at most %d characters.", maxLen),
	}
}

// containsUserInfo reports whether the folded password contains one of the
// user's identifiers, or the local part of one that is an e-mail address.
func containsUserInfo(foldedPW string, userInputs []string) bool {
	for _, in := range userInputs {
		candidates := []string{in}
		if at := strings.LastIndexByte(in, '@'); at > 0 {
			candidates = append(candidates, in[:at])
		}
		for _, c := range candidates {
			c = foldForComparison(norm.NFKC.String(strings.TrimSpace(c)))
			if utf8.RuneCountInString(c) >= minUserInfoLength && strings.Contains(foldedPW, c) {
				return true
			}
		}
	}
	return false
}

func isOneRepeatedRune(s string) bool {
	first, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return false
	}
	for _, r := range s[size:] {
		if r != first {
			return false
		}
	}
	return true
}

// foldForComparison lower-cases s and strips accents, so "Jelszó123",
// "JELSZO123" and "jelszo123" compare equal. Used only for the policy
// checks; the password itself is hashed as typed (NFKC-normalised).
func foldForComparison(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) { // combining accent
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return norm.NFC.String(b.String())
}

// common_passwords.txt is a short list of passwords that appear at the top
// of leaked-password lists, plus Hungarian ones; comparison is
// case- and accent-insensitive. It deliberately includes entries shorter
// than the default minimum, in case an operator configures a lower one.
//
//go:embed common_passwords.txt
var commonPasswordsFile string

var commonPasswords = sync.OnceValue(func() map[string]bool {
	set := make(map[string]bool)
	for line := range strings.Lines(commonPasswordsFile) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[foldForComparison(norm.NFKC.String(line))] = true
	}
	return set
})
