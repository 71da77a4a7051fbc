package identity

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// PasswordParams are the argon2id cost parameters. They are written into
// every hash, so changing them later only affects new hashes; Verify reports
// needsRehash for old ones so the caller can upgrade them at the next login.
type PasswordParams struct {
	Memory      uint32 // KiB
	Iterations  uint32 // passes over the memory ("t")
	Parallelism uint8  // lanes ("p")
	SaltLength  uint32 // bytes
	KeyLength   uint32 // bytes
}

// DefaultPasswordParams returns the production parameters: m=64 MiB, t=3,
// p=4, 16-byte salt, 32-byte hash.
//
// This is the "second recommended option" of RFC 9106 section 4 (for
// systems that cannot spend 2 GiB per hash), and well above the OWASP
// Password Storage Cheat Sheet minimum for argon2id (19 MiB, t=2, p=1).
// RFC 9106 also recommends the 128-bit salt and 256-bit tag used here. On
// an idle 2-core development VM one hash takes about 55-65 ms (twice that
// under load); each concurrent hash holds 64 MiB, which is why
// PasswordHasher bounds concurrency.
func DefaultPasswordParams() PasswordParams {
	return PasswordParams{
		Memory:      64 * 1024,
		Iterations:  3,
		Parallelism: 4,
		SaltLength:  16,
		KeyLength:   32,
	}
}

// InsecureTestPasswordParams returns parameters that make a hash take
// microseconds. Only for tests; never use them for stored passwords.
func InsecureTestPasswordParams() PasswordParams {
	return PasswordParams{
		Memory:      64,
		Iterations:  1,
		Parallelism: 1,
		SaltLength:  16,
		KeyLength:   32,
	}
}

// Limits on the parameters we accept, both from configuration and from
// stored hashes. The upper bounds keep a corrupted or hostile hash string
// from making a single Verify allocate gigabytes or run for minutes.
const (
	minSaltLength  = 8 // RFC 9106 section 3.1: salt of at least 8 bytes
	maxSaltLength  = 64
	minKeyLength   = 16
	maxKeyLength   = 128
	maxMemoryKiB   = 1024 * 1024 // 1 GiB
	maxIterations  = 32
	maxEncodedHash = 512 // far longer than any hash within the limits above
)

// MaxPasswordBytes bounds the input Hash and Verify will process. It is far
// above the policy maximum (256 characters) so no password the policy
// accepts is refused, while a megabyte-long "password" is not hashed.
const MaxPasswordBytes = 4096

// Errors returned by the password functions.
var (
	ErrInvalidPasswordParams = errors.New("identity: invalid password hashing parameters")
	ErrInvalidPasswordHash   = errors.New("identity: malformed or unsupported password hash")
	ErrPasswordTooLong       = errors.New("identity: password too long")
)

// Validate reports whether the parameters are usable and within our limits.
func (p PasswordParams) Validate() error {
	switch {
	case p.Iterations < 1 || p.Iterations > maxIterations:
		return fmt.Errorf("%w: iterations %d not in 1..%d", ErrInvalidPasswordParams, p.Iterations, maxIterations)
	case p.Parallelism < 1:
		return fmt.Errorf("%w: parallelism must be at least 1", ErrInvalidPasswordParams)
	case p.Memory < 8*uint32(p.Parallelism) || p.Memory > maxMemoryKiB:
		// Argon2 needs at least 8 KiB per lane (RFC 9106 section 3.1).
		return fmt.Errorf("%w: memory %d KiB not in %d..%d", ErrInvalidPasswordParams, p.Memory, 8*uint32(p.Parallelism), maxMemoryKiB)
	case p.SaltLength < minSaltLength || p.SaltLength > maxSaltLength:
		return fmt.Errorf("%w: salt length %d not in %d..%d", ErrInvalidPasswordParams, p.SaltLength, minSaltLength, maxSaltLength)
	case p.KeyLength < minKeyLength || p.KeyLength > maxKeyLength:
		return fmt.Errorf("%w: key length %d not in %d..%d", ErrInvalidPasswordParams, p.KeyLength, minKeyLength, maxKeyLength)
	}
	return nil
}

// PasswordHasher hashes and verifies passwords with argon2id. Each hash
// holds Params.Memory for its duration, so at most maxConcurrent run at
// once; further callers wait (or give up when their context ends). This
// keeps a burst of logins from exhausting memory. Safe for concurrent use.
type PasswordHasher struct {
	params PasswordParams
	sem    chan struct{}

	// For DummyVerify: a random salt and target that no password matches
	// (with overwhelming probability), so the work done is the same as a
	// real Verify with the current parameters, without a startup hash.
	dummySalt []byte
	dummyKey  []byte
}

// NewPasswordHasher returns a hasher that creates hashes with params and
// runs at most maxConcurrent hash computations at a time. maxConcurrent < 1
// means GOMAXPROCS: argon2 is CPU-bound, so more would only add latency and
// memory.
func NewPasswordHasher(params PasswordParams, maxConcurrent int) (*PasswordHasher, error) {
	if err := params.Validate(); err != nil {
		return nil, err
	}
	if maxConcurrent < 1 {
		maxConcurrent = max(1, runtime.GOMAXPROCS(0))
	}
	h := &PasswordHasher{
		params:    params,
		sem:       make(chan struct{}, maxConcurrent),
		dummySalt: make([]byte, params.SaltLength),
		dummyKey:  make([]byte, params.KeyLength),
	}
	// crypto/rand.Read cannot fail since Go 1.24 (it crashes the program
	// instead), so its error is not checked here or elsewhere.
	rand.Read(h.dummySalt)
	rand.Read(h.dummyKey)
	return h, nil
}

// Params returns the parameters new hashes are created with.
func (h *PasswordHasher) Params() PasswordParams { return h.params }

// Hash returns the PHC string of pw, e.g.
// $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>.
func (h *PasswordHasher) Hash(ctx context.Context, pw string) (string, error) {
	if len(pw) > MaxPasswordBytes {
		return "", ErrPasswordTooLong
	}
	salt := make([]byte, h.params.SaltLength)
	rand.Read(salt)
	key, err := h.derive(ctx, pw, salt, h.params)
	if err != nil {
		return "", err
	}
	return encodePasswordHash(h.params, salt, key), nil
}

// Verify reports whether pw matches the encoded hash. needsRehash is true
// when it matches but was made with parameters other than the current
// ones; the caller should then store a fresh Hash of pw. A malformed
// encoded hash gives an error (it means a broken row, not a wrong
// password); so does a context that ends while waiting for a slot.
func (h *PasswordHasher) Verify(ctx context.Context, pw, encoded string) (ok, needsRehash bool, err error) {
	stored, err := decodePasswordHash(encoded)
	if err != nil {
		return false, false, err
	}
	if len(pw) > MaxPasswordBytes {
		// Hash never accepts such a password, so it cannot match.
		return false, false, nil
	}
	key, err := h.derive(ctx, pw, stored.salt, stored.params)
	if err != nil {
		return false, false, err
	}
	if subtle.ConstantTimeCompare(key, stored.key) != 1 {
		return false, false, nil
	}
	return true, stored.params != h.params, nil
}

// DummyVerify does the same work as Verify of a current-parameter hash and
// discards the result. Call it when the account does not exist, so the
// response time does not tell an attacker which usernames are valid. The
// only error is the context's.
func (h *PasswordHasher) DummyVerify(ctx context.Context, pw string) error {
	if len(pw) > MaxPasswordBytes {
		return nil // Verify does no work for these either
	}
	key, err := h.derive(ctx, pw, h.dummySalt, h.params)
	if err != nil {
		return err
	}
	subtle.ConstantTimeCompare(key, h.dummyKey)
	return nil
}

// derive runs argon2id under the concurrency limit.
func (h *PasswordHasher) derive(ctx context.Context, pw string, salt []byte, p PasswordParams) ([]byte, error) {
	// Check first: select picks randomly when both cases are ready.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-h.sem }()
	return argon2.IDKey(normalizePassword(pw), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLength), nil
}

// normalizePassword applies Unicode NFKC, as NIST SP 800-63B section 5.1.1.2
// suggests, so that e.g. "ó" typed as one code point (most keyboards) or as
// "o" plus a combining accent (some macOS and mobile input) hash the same.
func normalizePassword(pw string) []byte {
	return []byte(norm.NFKC.String(pw))
}

// decodedPasswordHash is a parsed PHC string.
type decodedPasswordHash struct {
	params PasswordParams
	salt   []byte
	key    []byte
}

var phcBase64 = base64.RawStdEncoding.Strict()

func encodePasswordHash(p PasswordParams, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Iterations, p.Parallelism,
		phcBase64.EncodeToString(salt), phcBase64.EncodeToString(key))
}

// decodePasswordHash parses a PHC argon2id string strictly: it accepts only
// what encodePasswordHash produces (with parameters within our limits), so
// every stored hash has exactly one spelling.
func decodePasswordHash(encoded string) (decodedPasswordHash, error) {
	var d decodedPasswordHash
	if len(encoded) > maxEncodedHash {
		return d, fmt.Errorf("%w: too long", ErrInvalidPasswordHash)
	}
	// "$argon2id$v=19$m=..,t=..,p=..$salt$hash" splits into 6 fields, the
	// first empty.
	f := strings.Split(encoded, "$")
	if len(f) != 6 || f[0] != "" {
		return d, fmt.Errorf("%w: not a PHC string", ErrInvalidPasswordHash)
	}
	if f[1] != "argon2id" {
		return d, fmt.Errorf("%w: algorithm is not argon2id", ErrInvalidPasswordHash)
	}
	if v, ok := phcParam(f[2], "v"); !ok || v != argon2.Version {
		return d, fmt.Errorf("%w: unsupported argon2 version", ErrInvalidPasswordHash)
	}
	ps := strings.Split(f[3], ",")
	if len(ps) != 3 {
		return d, fmt.Errorf("%w: bad parameter list", ErrInvalidPasswordHash)
	}
	m, okM := phcParam(ps[0], "m")
	t, okT := phcParam(ps[1], "t")
	p, okP := phcParam(ps[2], "p")
	if !okM || !okT || !okP || p > 255 {
		return d, fmt.Errorf("%w: bad parameter list", ErrInvalidPasswordHash)
	}
	salt, err := phcBase64.DecodeString(f[4])
	if err != nil || phcBase64.EncodeToString(salt) != f[4] {
		// The round trip rejects the CR/LF that the base64 decoder skips.
		return d, fmt.Errorf("%w: bad salt encoding", ErrInvalidPasswordHash)
	}
	key, err := phcBase64.DecodeString(f[5])
	if err != nil || phcBase64.EncodeToString(key) != f[5] {
		return d, fmt.Errorf("%w: bad hash encoding", ErrInvalidPasswordHash)
	}
	d.params = PasswordParams{
		Memory:      m,
		Iterations:  t,
		Parallelism: uint8(p),
		SaltLength:  uint32(len(salt)),
		KeyLength:   uint32(len(key)),
	}
	if err := d.params.Validate(); err != nil {
		return decodedPasswordHash{}, fmt.Errorf("%w: %w", ErrInvalidPasswordHash, err)
	}
	d.salt, d.key = salt, key
	return d, nil
}

// phcParam parses "name=decimal" with a canonical decimal (no sign, no
// leading zeros) that fits in 32 bits.
func phcParam(s, name string) (uint32, bool) {
	v, found := strings.CutPrefix(s, name+"=")
	if !found || v == "" || len(v) > 10 || (len(v) > 1 && v[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return 0, false
	}
	return uint32(n), true
}
