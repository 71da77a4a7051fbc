package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strings"
)

// API tokens look like asp_<id>_<secret>:
//
//   - "asp_" makes a leaked token recognisable (log scrubbers, secret
//     scanners);
//   - id is 12 random lower-case base32 characters (60 bits), stored in
//     clear and used to find the token row without a table scan;
//   - secret is 32 random bytes in unpadded base64url (43 characters);
//     only its SHA-256 is stored. The secret is 256 random bits, so a fast
//     hash is enough: nobody can guess it back from the hash.
//
// The secret's alphabet includes "_", so parsing relies on the id's fixed
// length rather than splitting on every "_".
const (
	apiTokenPrefix    = "asp_"
	apiTokenIDLen     = 12
	apiTokenIDChars   = "abcdefghijklmnopqrstuvwxyz234567" // RFC 4648 base32, lower case
	apiTokenSecretLen = 32                                 // bytes
)

var (
	// ErrInvalidAPIToken means the string is not shaped like one of our
	// tokens. It says nothing about whether such a token exists.
	ErrInvalidAPIToken = errors.New("identity: malformed API token")

	apiTokenSecretEncoding = base64.RawURLEncoding.Strict()
	apiTokenSecretEncLen   = apiTokenSecretEncoding.EncodedLen(apiTokenSecretLen)
	apiTokenLen            = len(apiTokenPrefix) + apiTokenIDLen + 1 + apiTokenSecretEncLen
)

// NewAPIToken returns a new token: plain is shown to the user once; id and
// hash are stored.
func NewAPIToken() (plain string, id string, hash []byte) {
	raw := make([]byte, apiTokenIDLen)
	rand.Read(raw)
	idb := make([]byte, apiTokenIDLen)
	for i, r := range raw {
		idb[i] = apiTokenIDChars[r&31] // 256 is a multiple of 32: no bias
	}
	id = string(idb)

	secretBytes := make([]byte, apiTokenSecretLen)
	rand.Read(secretBytes)
	secret := apiTokenSecretEncoding.EncodeToString(secretBytes)

	sum := sha256.Sum256([]byte(secret))
	return apiTokenPrefix + id + "_" + secret, id, sum[:]
}

// ParseAPIToken splits a token into its id (for the lookup) and secret (for
// VerifyAPIToken). It checks only the shape, strictly: no surrounding
// spaces, exact lengths and alphabets.
func ParseAPIToken(plain string) (id string, secret string, err error) {
	if len(plain) != apiTokenLen {
		return "", "", ErrInvalidAPIToken
	}
	rest, found := strings.CutPrefix(plain, apiTokenPrefix)
	if !found {
		return "", "", ErrInvalidAPIToken
	}
	id, secret = rest[:apiTokenIDLen], rest[apiTokenIDLen+1:]
	if rest[apiTokenIDLen] != '_' {
		return "", "", ErrInvalidAPIToken
	}
	for i := 0; i < len(id); i++ {
		if strings.IndexByte(apiTokenIDChars, id[i]) < 0 {
			return "", "", ErrInvalidAPIToken
		}
	}
	// Decoding checks the alphabet and (Strict) the unused trailing bits,
	// so each secret has one spelling; the decoder skips CR/LF, which the
	// length check then catches.
	b, err := apiTokenSecretEncoding.DecodeString(secret)
	if err != nil || len(b) != apiTokenSecretLen {
		return "", "", ErrInvalidAPIToken
	}
	return id, secret, nil
}

// VerifyAPIToken reports, in constant time, whether secret matches the
// stored hash.
func VerifyAPIToken(secret string, hash []byte) bool {
	sum := sha256.Sum256([]byte(secret))
	return subtle.ConstantTimeCompare(sum[:], hash) == 1
}
