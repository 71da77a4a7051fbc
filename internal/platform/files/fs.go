package files

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// FS stores files in a directory tree:
//
//	<root>/<tenant>/<ab>/<cd>/<sha256>   a file, named by its hash
//	<root>/<tenant>/tmp/                 uploads being written
//
// Two levels of fan-out by the hash's first bytes keep every directory
// small (65,536 leaves). A file is written to tmp/, flushed to disk,
// renamed into place and its directory flushed, so a file that Put
// reported stored survives a crash, and a crash leaves at most a
// temporary file, never a partial one under a hash.
type FS struct {
	root string
}

var _ Store = (*FS)(nil)

// NewFS returns the store under root; directories are made as needed.
func NewFS(root string) *FS { return &FS{root: root} }

// Root is the store's directory.
func (f *FS) Root() string { return f.root }

func (f *FS) tenantDir(t db.TenantID) (string, error) {
	if !t.Valid() {
		return "", fmt.Errorf("files: invalid tenant %q", t)
	}
	return filepath.Join(f.root, string(t)), nil
}

func (f *FS) path(t db.TenantID, sum string) (string, error) {
	dir, err := f.tenantDir(t)
	if err != nil {
		return "", err
	}
	if !ValidSHA256(sum) {
		return "", ErrBadName
	}
	return filepath.Join(dir, sum[0:2], sum[2:4], sum), nil
}

// Put implements Store.
func (f *FS) Put(ctx context.Context, t db.TenantID, r io.Reader, maxBytes int64) (Blob, error) {
	dir, err := f.tenantDir(t)
	if err != nil {
		return Blob{}, err
	}
	if maxBytes <= 0 {
		return Blob{}, fmt.Errorf("files: limit %d", maxBytes)
	}
	tmpDir := filepath.Join(dir, "tmp")
	if err := mkdirAll(tmpDir); err != nil {
		return Blob{}, err
	}
	tmp, err := os.CreateTemp(tmpDir, "put-*")
	if err != nil {
		return Blob{}, fmt.Errorf("files: %w", err)
	}
	placed := false
	defer func() {
		if !placed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	// One byte over the limit is enough to know it is too large.
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(ctxReader{ctx, r}, maxBytes+1))
	if err != nil {
		return Blob{}, err
	}
	if n == 0 {
		return Blob{}, ErrEmpty
	}
	if n > maxBytes {
		return Blob{}, ErrTooLarge
	}
	if err := tmp.Sync(); err != nil {
		return Blob{}, fmt.Errorf("files: flush %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return Blob{}, fmt.Errorf("files: close %s: %w", tmp.Name(), err)
	}
	b := Blob{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}
	final, _ := f.path(t, b.SHA256)
	if err := mkdirAll(filepath.Dir(final)); err != nil {
		return Blob{}, err
	}
	// Renaming over an existing file of the same hash is harmless (same
	// content) and heals one damaged on disk; concurrent Puts of the same
	// content each rename their own complete copy.
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Blob{}, fmt.Errorf("files: %w", err)
	}
	placed = true
	if err := syncDir(filepath.Dir(final)); err != nil {
		return Blob{}, err
	}
	return b, nil
}

// Open implements Store. It reads the file once to check its hash before
// handing it out, so a damaged file is refused before a byte is sent.
func (f *FS) Open(ctx context.Context, t db.TenantID, sum string) (io.ReadCloser, error) {
	p, err := f.path(t, sum)
	if err != nil {
		return nil, err
	}
	file, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, ctxReader{ctx, file}); err != nil {
		file.Close()
		return nil, fmt.Errorf("files: read %s: %w", p, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		file.Close()
		return nil, fmt.Errorf("%w: %s hashes to %s", ErrCorrupt, p, got)
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		file.Close()
		return nil, fmt.Errorf("files: %w", err)
	}
	return file, nil
}

// Has implements Store.
func (f *FS) Has(_ context.Context, t db.TenantID, sum string) (bool, error) {
	p, err := f.path(t, sum)
	if err != nil {
		return false, err
	}
	_, err = os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("files: %w", err)
	}
	return true, nil
}

// Delete implements Store.
func (f *FS) Delete(_ context.Context, t db.TenantID, sum string) error {
	p, err := f.path(t, sum)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("files: %w", err)
	}
	return syncDir(filepath.Dir(p))
}

// RemoveStale deletes temporary files older than age: uploads a crash or
// a killed process left half-written. It returns how many it removed.
func (f *FS) RemoveStale(age time.Duration) (int, error) {
	tenants, err := os.ReadDir(f.root)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("files: %w", err)
	}
	cutoff := time.Now().Add(-age)
	n := 0
	for _, t := range tenants {
		if !t.IsDir() || !db.TenantID(t.Name()).Valid() {
			continue
		}
		dir := filepath.Join(f.root, t.Name(), "tmp")
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			info, err := e.Info()
			if err != nil || info.ModTime().After(cutoff) {
				continue
			}
			if os.Remove(filepath.Join(dir, e.Name())) == nil {
				n++
			}
		}
	}
	return n, nil
}

// mkdirAll makes dir and its missing parents, flushing each parent that
// got a new entry, so the path of a stored file survives a crash too.
func mkdirAll(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := mkdirAll(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("files: %w", err)
	}
	return syncDir(parent)
}

// syncDir flushes a directory's entries (a rename or a new file in it).
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("files: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("files: flush directory %s: %w", dir, err)
	}
	return nil
}

// ctxReader stops a long copy when the request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
