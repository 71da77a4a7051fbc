package files_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/files"
)

const orfu, aba db.TenantID = "11730", "17376"

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func read(t *testing.T, s files.Store, tenant db.TenantID, sha string) []byte {
	t.Helper()
	rc, err := s.Open(context.Background(), tenant, sha)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tmpFiles lists what is left in a tenant's temporary directory.
func tmpFiles(t *testing.T, root string, tenant db.TenantID) []string {
	t.Helper()
	es, err := os.ReadDir(filepath.Join(root, string(tenant), "tmp"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestPutOpenHasDelete(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	s := files.NewFS(root)
	content := []byte("Fakivágási kérelem, 2026. március 2.\n")
	b, err := s.Put(ctx, orfu, bytes.NewReader(content), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if b.SHA256 != sum(content) || b.Size != int64(len(content)) {
		t.Fatalf("blob %+v, want %s/%d", b, sum(content), len(content))
	}
	// Content-addressed, fanned out by the hash, under the tenant.
	if _, err := os.Stat(filepath.Join(root, "11730", b.SHA256[:2], b.SHA256[2:4], b.SHA256)); err != nil {
		t.Errorf("file not where expected: %v", err)
	}
	if got := read(t, s, orfu, b.SHA256); !bytes.Equal(got, content) {
		t.Errorf("read back %q", got)
	}
	if ok, err := s.Has(ctx, orfu, b.SHA256); !ok || err != nil {
		t.Errorf("Has = %v, %v", ok, err)
	}
	// Another tenant does not have it and cannot open it.
	if ok, _ := s.Has(ctx, aba, b.SHA256); ok {
		t.Error("Aba has Orfű's file")
	}
	if _, err := s.Open(ctx, aba, b.SHA256); !errors.Is(err, files.ErrNotFound) {
		t.Errorf("Aba opens Orfű's file: %v", err)
	}
	// The same content again is the same file.
	b2, err := s.Put(ctx, orfu, bytes.NewReader(content), 1<<20)
	if err != nil || b2 != b {
		t.Errorf("second put = %+v, %v", b2, err)
	}
	if left := tmpFiles(t, root, orfu); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if err := s.Delete(ctx, orfu, b.SHA256); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.Has(ctx, orfu, b.SHA256); ok {
		t.Error("still there after Delete")
	}
	if err := s.Delete(ctx, orfu, b.SHA256); err != nil {
		t.Errorf("deleting a missing file: %v", err)
	}
}

func TestLimitsLeaveNothing(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	s := files.NewFS(root)
	if _, err := s.Put(ctx, orfu, strings.NewReader(""), 10); !errors.Is(err, files.ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
	if _, err := s.Put(ctx, orfu, strings.NewReader("12345678901"), 10); !errors.Is(err, files.ErrTooLarge) {
		t.Errorf("11 bytes over a limit of 10: %v", err)
	}
	// Exactly the limit is allowed.
	if b, err := s.Put(ctx, orfu, strings.NewReader("1234567890"), 10); err != nil || b.Size != 10 {
		t.Errorf("exactly the limit: %+v, %v", b, err)
	}
	if left := tmpFiles(t, root, orfu); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// Only the one accepted file exists.
	n := 0
	filepath.WalkDir(filepath.Join(root, "11730"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	if n != 1 {
		t.Errorf("%d files stored, want 1", n)
	}
}

// endless is a reader that never ends: Put must stop at the limit, not
// read it to the end or into memory.
type endless struct{ read int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	e.read += int64(len(p))
	return len(p), nil
}

func TestLimitIsEnforcedWhileStreaming(t *testing.T) {
	s := files.NewFS(t.TempDir())
	r := &endless{}
	if _, err := s.Put(context.Background(), orfu, r, 1<<20); !errors.Is(err, files.ErrTooLarge) {
		t.Fatalf("endless input: %v", err)
	}
	if r.read > 1<<20+64<<10 {
		t.Errorf("read %d bytes for a limit of 1 MiB", r.read)
	}
}

func TestCancelledUploadLeavesNothing(t *testing.T) {
	root := t.TempDir()
	s := files.NewFS(root)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Put(ctx, orfu, &endless{}, 1<<20); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if left := tmpFiles(t, root, orfu); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestConcurrentPutsOfTheSameContent(t *testing.T) {
	root := t.TempDir()
	s := files.NewFS(root)
	content := bytes.Repeat([]byte("iratkezelés "), 50_000)
	const n = 8
	var wg sync.WaitGroup
	blobs := make([]files.Blob, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			blobs[i], errs[i] = s.Put(context.Background(), orfu, bytes.NewReader(content), 1<<22)
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || blobs[i].SHA256 != sum(content) {
			t.Fatalf("put %d: %+v, %v", i, blobs[i], errs[i])
		}
	}
	if got := read(t, s, orfu, sum(content)); !bytes.Equal(got, content) {
		t.Error("content differs after concurrent puts")
	}
	if left := tmpFiles(t, root, orfu); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestDamagedFileIsRefused(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	s := files.NewFS(root)
	content := []byte("Határozat a zajpanaszról")
	b, err := s.Put(ctx, orfu, bytes.NewReader(content), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(root, "11730", b.SHA256[:2], b.SHA256[2:4], b.SHA256)
	// One flipped byte, then a truncation: both are caught.
	damaged := bytes.Clone(content)
	damaged[3] ^= 1
	for _, bad := range [][]byte{damaged, content[:5]} {
		if err := os.WriteFile(p, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Open(ctx, orfu, b.SHA256); !errors.Is(err, files.ErrCorrupt) {
			t.Errorf("damaged file opened: %v", err)
		}
	}
	// Putting the content again heals it.
	if _, err := s.Put(ctx, orfu, bytes.NewReader(content), 1<<20); err != nil {
		t.Fatal(err)
	}
	if got := read(t, s, orfu, b.SHA256); !bytes.Equal(got, content) {
		t.Error("not healed")
	}
}

func TestNamesAreChecked(t *testing.T) {
	ctx := context.Background()
	s := files.NewFS(t.TempDir())
	for _, bad := range []string{"", "../../etc/passwd", strings.Repeat("A", 64), strings.Repeat("a", 63), strings.Repeat("a", 63) + "/"} {
		if _, err := s.Open(ctx, orfu, bad); !errors.Is(err, files.ErrBadName) {
			t.Errorf("Open(%q) = %v", bad, err)
		}
	}
	if _, err := s.Put(ctx, "../x", strings.NewReader("x"), 10); err == nil {
		t.Error("a bad tenant id was accepted")
	}
	if _, err := s.Put(ctx, "", strings.NewReader("x"), 10); err == nil {
		t.Error("no tenant was accepted")
	}
}

func TestRemoveStale(t *testing.T) {
	root := t.TempDir()
	s := files.NewFS(root)
	if _, err := s.Put(context.Background(), orfu, strings.NewReader("x"), 10); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(root, "11730", "tmp", "put-crashed")
	fresh := filepath.Join(root, "11730", "tmp", "put-running")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-2 * time.Hour)
	os.Chtimes(old, long, long)
	n, err := s.RemoveStale(time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("RemoveStale = %d, %v", n, err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("a running upload was removed")
	}
}
