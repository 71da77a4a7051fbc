// Package files keeps the service's files (attachments of registered
// documents, later scans and exports) content-addressed: a file is named
// by the SHA-256 of its content and lives in a directory of its tenant.
//
// The same content stored twice in one tenant is one file (the second
// Put finds it); two tenants never share a file, so one municipality
// cannot learn from a quick Put whether another holds some content.
// Files are never changed once written; Open checks the hash every time,
// so damage on disk is reported rather than served.
//
// A file that no record names is harmless garbage (an upload whose
// record failed); a record that names a missing file is not. So callers
// Put first and write the record after, in their tenant transaction.
package files

import (
	"context"
	"errors"
	"io"
	"regexp"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// Store keeps files by tenant and SHA-256.
type Store interface {
	// Put reads r to its end and stores it, refusing an empty content
	// (ErrEmpty) and one longer than maxBytes (ErrTooLarge) without
	// keeping anything. It never holds the whole content in memory.
	Put(ctx context.Context, tenant db.TenantID, r io.Reader, maxBytes int64) (Blob, error)
	// Open returns the content of a stored file after checking it against
	// its hash: ErrNotFound when there is none, ErrCorrupt when the
	// content no longer matches.
	Open(ctx context.Context, tenant db.TenantID, sha256 string) (io.ReadCloser, error)
	// Has reports whether the tenant has the file.
	Has(ctx context.Context, tenant db.TenantID, sha256 string) (bool, error)
	// Delete removes a file (disposal, selejtezés); removing a file that
	// is not there is not an error.
	Delete(ctx context.Context, tenant db.TenantID, sha256 string) error
}

// Blob is a stored file: its hash (lower-case hex) and length in bytes.
type Blob struct {
	SHA256 string
	Size   int64
}

var (
	ErrEmpty    = errors.New("files: the file is empty")
	ErrTooLarge = errors.New("files: the file is larger than allowed")
	ErrNotFound = errors.New("files: no such file")
	ErrCorrupt  = errors.New("files: the stored content does not match its hash")
	ErrBadName  = errors.New("files: not a SHA-256 in lower-case hex")
)

// DefaultMaxBytes is the default limit of one file: 50 MiB.
const DefaultMaxBytes = 50 << 20

var shaPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ValidSHA256 reports whether s names a file: 64 lower-case hex digits.
func ValidSHA256(s string) bool { return shaPattern.MatchString(s) }
