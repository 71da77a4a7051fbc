package identity

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"net/url"
	"strings"
	"time"
)

// TOTP as in RFC 6238 with the parameters every authenticator app
// supports: HMAC-SHA-1, 6 digits, 30-second steps counted from the Unix
// epoch. SHA-1 is fine here: HOTP relies on HMAC's PRF property, which
// SHA-1's collision weakness does not affect, and apps widely ignore other
// algorithms.
const (
	totpPeriod      = 30 // seconds
	totpDigits      = 6
	totpSkew        = 1  // steps accepted either side, for clock drift
	totpSecretBytes = 20 // 160 bits, the length RFC 4226 section 4 recommends
	// RFC 4226 section 4 requires at least 128-bit secrets.
	totpMinSecretBytes = 16
)

var (
	totpBase32 = base32.StdEncoding.WithPadding(base32.NoPadding)

	errInvalidTOTPSecret = errors.New("identity: invalid TOTP secret")
)

// NewTOTPSecret returns a new random 160-bit secret, base32-encoded without
// padding, as authenticator apps expect.
func NewTOTPSecret() string {
	b := make([]byte, totpSecretBytes)
	rand.Read(b)
	return totpBase32.EncodeToString(b)
}

// TOTPURI returns the otpauth:// URI (usually shown as a QR code) that adds
// the secret to an authenticator app, following the Google Authenticator
// "Key Uri Format": otpauth://totp/Issuer:account?secret=...&issuer=Issuer.
// The issuer appears both in the label and as a parameter because apps
// differ in which one they read.
func TOTPURI(issuer, account, secret string) string {
	label := uriEscape(account)
	if issuer != "" {
		label = uriEscape(issuer) + ":" + label
	}
	var b strings.Builder
	b.WriteString("otpauth://totp/")
	b.WriteString(label)
	b.WriteString("?secret=")
	b.WriteString(uriEscape(secret))
	if issuer != "" {
		b.WriteString("&issuer=")
		b.WriteString(uriEscape(issuer))
	}
	b.WriteString("&algorithm=SHA1&digits=6&period=30")
	return b.String()
}

// uriEscape percent-encodes s for both the label and the query. Spaces
// become %20 rather than "+", which some authenticator apps would show
// literally; ":" is encoded so an issuer containing one cannot split the
// label in the wrong place.
func uriEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// VerifyTOTP reports whether code is valid for secret at time now. It
// accepts the current step and one step either side (clock drift), but
// never a step at or before lastUsedStep: a code may be used only once,
// and once a later code was used, older ones are dead too. On success it
// returns the step that matched, which the caller must store as the new
// lastUsedStep (pass 0 if no code has been used yet). Spaces in code are
// ignored, since apps often show "123 456".
func VerifyTOTP(secret, code string, now time.Time, lastUsedStep int64) (step int64, ok bool) {
	code = strings.ReplaceAll(code, " ", "")
	if len(code) != totpDigits || !isASCIIDigits(code) {
		return 0, false
	}
	key, err := decodeTOTPSecret(secret)
	if err != nil {
		return 0, false
	}
	current := totpStep(now)
	// Compare against every candidate step, not stopping at the first
	// match, so the time taken does not depend on which one matched.
	for s := current - totpSkew; s <= current+totpSkew; s++ {
		if s < 0 {
			continue
		}
		match := subtle.ConstantTimeCompare([]byte(hotp(key, uint64(s), totpDigits)), []byte(code)) == 1
		if match && s > lastUsedStep && !ok {
			step, ok = s, true
		}
	}
	return step, ok
}

// TOTPCode returns the code an authenticator app shows for secret at time
// t. The login flow does not need it; it is for tests and tooling that
// must act as the user's app.
func TOTPCode(secret string, t time.Time) (string, error) {
	key, err := decodeTOTPSecret(secret)
	if err != nil {
		return "", err
	}
	s := totpStep(t)
	if s < 0 {
		return "", errors.New("identity: time before the Unix epoch")
	}
	return hotp(key, uint64(s), totpDigits), nil
}

// totpStep is floor(unix seconds / period), rounding down for times before
// 1970 too (which VerifyTOTP then ignores).
func totpStep(t time.Time) int64 {
	sec := t.Unix()
	s := sec / totpPeriod
	if sec%totpPeriod < 0 {
		s--
	}
	return s
}

// decodeTOTPSecret accepts the secret as we generate it and, leniently, in
// lower case, with spaces or with padding, as people copy it.
func decodeTOTPSecret(secret string) ([]byte, error) {
	s := strings.ToUpper(strings.ReplaceAll(secret, " ", ""))
	s = strings.TrimRight(s, "=")
	key, err := totpBase32.DecodeString(s)
	if err != nil || len(key) < totpMinSecretBytes {
		return nil, errInvalidTOTPSecret
	}
	return key, nil
}

// hotp is RFC 4226 HOTP with HMAC-SHA-1: the HMAC of the big-endian
// counter, dynamically truncated to 31 bits, reduced to the given number
// of decimal digits (6 for TOTP; 8 for the RFC 6238 test vectors).
func hotp(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)

	offset := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[offset:offset+4]) & 0x7fffffff

	out := make([]byte, digits)
	for i := digits - 1; i >= 0; i-- {
		out[i] = byte('0' + v%10)
		v /= 10
	}
	return string(out)
}

func isASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
