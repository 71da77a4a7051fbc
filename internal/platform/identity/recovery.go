package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// Recovery codes let a user who lost their authenticator sign in once per
// code. A code is 16 characters from Crockford's base32 alphabet (no i, l,
// o, u, so nothing is confused with 0 or 1 when read from paper), shown in
// groups of four: "7k2m-q9xd-4hbn-c0tw". That is 80 random bits.
//
// Codes are stored as unsalted SHA-256 (hex). A slow password hash is not
// needed because the codes are random and long: even against a whole
// leaked table, guessing 80-bit values at GPU speed takes far too long.
// (Ten such characters, only 50 bits, would not be enough for that
// argument, which is why the codes are 16 characters.)
const (
	DefaultRecoveryCodeCount = 10
	recoveryCodeChars        = 16
	recoveryGroup            = 4
	recoveryAlphabet         = "0123456789abcdefghjkmnpqrstvwxyz" // Crockford base32, lower case
	maxRecoveryInput         = 64                                 // bytes; anything longer is not a code
)

// NewRecoveryCodes returns n new codes to show the user once, and their
// hashes to store (same order). n < 1 returns nothing; the usual n is
// DefaultRecoveryCodeCount.
func NewRecoveryCodes(n int) (plain []string, hashes []string) {
	if n < 1 {
		return nil, nil
	}
	plain = make([]string, n)
	hashes = make([]string, n)
	raw := make([]byte, recoveryCodeChars)
	for i := range n {
		rand.Read(raw)
		var b strings.Builder
		for j, r := range raw {
			if j > 0 && j%recoveryGroup == 0 {
				b.WriteByte('-')
			}
			b.WriteByte(recoveryAlphabet[r&31]) // 256 is a multiple of 32: no bias
		}
		plain[i] = b.String()
		canon, _ := normalizeRecoveryCode(plain[i])
		hashes[i] = hashRecoveryCode(canon)
	}
	return plain, hashes
}

// MatchRecoveryCode reports which stored hash input matches. Case,
// spaces and hyphens are ignored, and the letters o, i and l are read as
// 0, 1 and 1 as Crockford's scheme intends. Every hash is compared in
// constant time, without stopping at a match. The caller must delete or
// blank the used hash (an empty string never matches).
func MatchRecoveryCode(input string, hashes []string) (index int, ok bool) {
	canon, valid := normalizeRecoveryCode(input)
	if !valid {
		return -1, false
	}
	h := []byte(hashRecoveryCode(canon))
	index = -1
	for i, stored := range hashes {
		if subtle.ConstantTimeCompare(h, []byte(stored)) == 1 && index < 0 {
			index = i
		}
	}
	return index, index >= 0
}

// normalizeRecoveryCode returns the canonical 16-character form of input,
// or false if it cannot be a code.
func normalizeRecoveryCode(input string) (string, bool) {
	if len(input) > maxRecoveryInput {
		return "", false
	}
	var b strings.Builder
	for _, r := range strings.ToLower(input) {
		switch r {
		case ' ', '\t', '-':
			continue
		case 'o':
			r = '0'
		case 'i', 'l':
			r = '1'
		}
		if r > 127 || strings.IndexByte(recoveryAlphabet, byte(r)) < 0 {
			return "", false
		}
		b.WriteRune(r)
	}
	if b.Len() != recoveryCodeChars {
		return "", false
	}
	return b.String(), true
}

func hashRecoveryCode(canon string) string {
	sum := sha256.Sum256([]byte(canon))
	return hex.EncodeToString(sum[:])
}
