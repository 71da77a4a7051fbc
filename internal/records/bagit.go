package records

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// A BagIt bag (RFC 8493): a folder with bagit.txt, bag-info.txt, the
// payload under data/, manifest-sha256.txt listing every payload file's
// SHA-256 and tagmanifest-sha256.txt listing the tag files'. Archives
// read it with any BagIt tool; it describes and checks itself.

// BagWriter receives the files of a bag; names are slash-separated paths
// relative to the bag's root.
type BagWriter interface {
	Create(name string) (io.WriteCloser, error)
}

// DirBag writes a bag into the folder Root; no file may exist there yet.
type DirBag struct{ Root string }

// Create implements BagWriter.
func (d DirBag) Create(name string) (io.WriteCloser, error) {
	p := filepath.Join(d.Root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
}

// ZipBag writes a bag into a zip file, under one top folder named Root
// (the serialization of RFC 8493 §4).
type ZipBag struct {
	Zip      *zip.Writer
	Root     string
	Modified time.Time
}

// Create implements BagWriter.
func (z ZipBag) Create(name string) (io.WriteCloser, error) {
	w, err := z.Zip.CreateHeader(&zip.FileHeader{Name: z.Root + "/" + name, Method: zip.Deflate, Modified: z.Modified})
	return nopCloser{w}, err
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// discardBag computes a bag's checksums and writes nothing.
type discardBag struct{}

func (discardBag) Create(string) (io.WriteCloser, error) { return nopCloser{io.Discard}, nil }

// bagBuilder writes the payload first, hashing it as it goes, then the
// tag files that describe it.
type bagBuilder struct {
	w        BagWriter
	manifest map[string]string // payload path → SHA-256
	octets   int64
}

func newBag(w BagWriter) *bagBuilder { return &bagBuilder{w: w, manifest: map[string]string{}} }

// add writes one payload file at data/name and returns its checksum and
// size.
func (b *bagBuilder) add(name string, r io.Reader) (string, int64, error) {
	path := "data/" + name
	if _, dup := b.manifest[path]; dup {
		return "", 0, fmt.Errorf("bag: %s twice", path)
	}
	sum, n, err := b.write(path, r)
	if err != nil {
		return "", 0, err
	}
	b.manifest[path] = sum
	b.octets += n
	return sum, n, nil
}

func (b *bagBuilder) write(path string, r io.Reader) (string, int64, error) {
	f, err := b.w.Create(path)
	if err != nil {
		return "", 0, fmt.Errorf("bag: create %s: %w", path, err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, fmt.Errorf("bag: write %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// bagField is one line of bag-info.txt.
type bagField struct{ Label, Value string }

// oxum is the Payload-Oxum: the payload's octets and files.
func (b *bagBuilder) oxum() string { return fmt.Sprintf("%d.%d", b.octets, len(b.manifest)) }

// finish writes the tag files; info gets Payload-Oxum and Bag-Size added.
// It returns the SHA-256 of the payload manifest, which fingerprints the
// whole payload.
func (b *bagBuilder) finish(info []bagField) (string, error) {
	manifest := manifestText(b.manifest)
	tags := map[string]string{}
	add := func(path, text string) error {
		sum, _, err := b.write(path, strings.NewReader(text))
		tags[path] = sum
		return err
	}
	if err := add("bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"); err != nil {
		return "", err
	}
	info = append(info, bagField{"Bag-Size", humanSize(b.octets)}, bagField{"Payload-Oxum", b.oxum()})
	var sb strings.Builder
	for _, f := range info {
		// A value is one line: a line break would start a new label.
		v := strings.Join(strings.Fields(f.Value), " ")
		fmt.Fprintf(&sb, "%s: %s\n", f.Label, v)
	}
	if err := add("bag-info.txt", sb.String()); err != nil {
		return "", err
	}
	if err := add("manifest-sha256.txt", manifest); err != nil {
		return "", err
	}
	if _, _, err := b.write("tagmanifest-sha256.txt", strings.NewReader(manifestText(tags))); err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(manifest))
	return hex.EncodeToString(sum[:]), nil
}

// manifestText lists "checksum  path" lines sorted by path; a path's CR,
// LF and % are percent-encoded (RFC 8493 §2.1.3).
func manifestText(m map[string]string) string {
	paths := make([]string, 0, len(m))
	for p := range m {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var sb strings.Builder
	for _, p := range paths {
		fmt.Fprintf(&sb, "%s  %s\n", m[p], manifestPath.Replace(p))
	}
	return sb.String()
}

var manifestPath = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")

func humanSize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d bytes", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	case n < 1024*1024*1024:
		return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
	}
	return fmt.Sprintf("%.1f GB", float64(n)/(1024*1024*1024))
}

// safeName makes a file name from outside (a document's attachment) safe
// as one path segment of the bag: no separators, no control characters,
// no ".." and no leading dot, at most 120 characters.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '/' || r == '\\' || r == '%' || r < 0x20 || r == 0x7f || r == ':' || r == '*' || r == '?' || r == '"' || r == '<' || r == '>' || r == '|':
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	out := b.String()
	for strings.Contains(out, "..") {
		out = strings.ReplaceAll(out, "..", ".")
	}
	out = strings.TrimLeft(strings.TrimSpace(out), ".")
	if r := []rune(out); len(r) > 120 {
		out = string(r[:120])
	}
	if out == "" {
		out = "file"
	}
	return out
}
